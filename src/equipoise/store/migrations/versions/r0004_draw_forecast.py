"""Which shared forecast each stored SMAA draw used (``--forecast-draws``): a column
``forecast`` of ``smaa_draws`` (``NULL`` for the draws recorded before).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("smaa_draws", sa.Column("forecast", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("smaa_draws") as batch:  # SQLite rebuilds the table
        batch.drop_column("forecast")

"""Per-draw detail of the SMAA analysis, for the runs made with ``--store-draws``: one row
per draw (its bargaining model and doctrine), per draw and option (utility and rank), per
draw and criterion (weight).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _draw_key() -> list[sa.Column]:
    return [
        sa.Column(
            "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("variant", sa.String(64), primary_key=True),
        sa.Column("draw", sa.Integer, primary_key=True),
    ]


def upgrade() -> None:
    op.create_table(
        "smaa_draws",
        *_draw_key(),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("doctrine", sa.String(64)),
    )
    op.create_table(
        "smaa_draw_options",
        *_draw_key(),
        sa.Column("option", sa.String(160), primary_key=True),
        sa.Column("utility", sa.Float),
        sa.Column("rank", sa.Integer, nullable=False),
    )
    op.create_table(
        "smaa_draw_weights",
        *_draw_key(),
        sa.Column("criterion", sa.String(160), primary_key=True),
        sa.Column("weight", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("smaa_draw_weights")
    op.drop_table("smaa_draw_options")
    op.drop_table("smaa_draws")

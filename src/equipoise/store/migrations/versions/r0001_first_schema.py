"""The first schema: runs and their inputs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_inputs",
        sa.Column("hash", sa.String(80), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(16), nullable=False, unique=True),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended", sa.DateTime(timezone=True)),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("input_hash", sa.String(80), sa.ForeignKey("run_inputs.hash")),
        sa.Column("input_name", sa.Text),
        sa.Column("results", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("host", sa.String(255)),
        sa.Column("pid", sa.Integer),
    )
    op.create_index("ix_runs_started", "runs", ["started", "seq"])


def downgrade() -> None:
    op.drop_index("ix_runs_started", "runs")
    op.drop_table("runs")
    op.drop_table("run_inputs")

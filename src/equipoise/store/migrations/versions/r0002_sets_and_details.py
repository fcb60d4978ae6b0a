"""The ``--set`` items and the scenario's id and title on each run; per-round forecasts and
decision scores in tables of their own.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("sets", sa.Text))
    op.add_column("runs", sa.Column("scenario_id", sa.String(64)))
    op.add_column("runs", sa.Column("title", sa.Text))
    op.create_table(
        "forecast_rounds",
        sa.Column(
            "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("model", sa.String(32), primary_key=True),
        sa.Column("issue", sa.String(64), primary_key=True),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("value", sa.Float),
    )
    op.create_table(
        "decision_scores",
        sa.Column(
            "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("variant", sa.String(64), primary_key=True),
        sa.Column("doctrine", sa.String(64), primary_key=True),
        sa.Column("option", sa.String(160), primary_key=True),
        sa.Column("score", sa.Float),
        sa.Column("rank", sa.Integer),
        sa.Column("acceptability", sa.Float),
    )


def downgrade() -> None:
    op.drop_table("decision_scores")
    op.drop_table("forecast_rounds")
    op.drop_column("runs", "title")
    op.drop_column("runs", "scenario_id")
    op.drop_column("runs", "sets")

"""The store's tables at the newest schema revision (SQLAlchemy Core).

The migrations in :mod:`equipoise.store.migrations` create and upgrade them; this module
only describes them for queries. Tables a user can query with SQL:

- ``runs`` — one row per run: ``id``, ``command``, ``status`` (running, done, failed,
  interrupted), ``started``/``ended`` (UTC), ``params`` (JSON), ``seed``, ``version``,
  ``input_hash`` (the scenario's SHA-256), ``sets`` (the ``--set`` items, JSON), ``results``
  (the JSON the command prints);
- ``run_inputs`` — each input once, by hash: the scenario's canonical JSON (or the text of a
  table or edge list);
- ``forecast_rounds`` — per run, model, issue and round: the forecast value (round 0 is the
  start; the last round is the forecast);
- ``decision_scores`` — per run, variant, doctrine and option: the doctrine's score, the
  option's rank under it and its first-rank acceptability (``doctrine = '*'``: the SMAA
  acceptability over all doctrines).

Only for a run made with ``--store-draws`` (revision 0003), the SMAA draws of the overall
acceptability, in :mod:`equipoise.store.draws`:

- ``smaa_draws`` — per run, variant and draw (0, 1, ...): the draw's bargaining model, the
  doctrine whose weights it drew (``NULL`` without doctrines) and, since revision 0004, the
  forecast it used (``forecast``: draws with the same value share their perturbed bargaining
  inputs, ``--forecast-draws``; equal to ``draw`` when none share; ``NULL`` in runs recorded
  before 0004);
- ``smaa_draw_options`` — per run, variant, draw and option: the option's utility under the
  draw's weights and its rank in the draw (1 + the options with a higher utility);
- ``smaa_draw_weights`` — per run, variant, draw and criterion: the draw's weight.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "metadata",
    "runs",
    "run_inputs",
    "forecast_rounds",
    "decision_scores",
    "smaa_draws",
    "smaa_draw_options",
    "smaa_draw_weights",
    "DRAW_TABLES",
    "VERSION_TABLE",
    "HEAD",
    "REVISIONS",
]

#: Alembic's version table (named for equipoise, so that it never meets another program's).
VERSION_TABLE = "equipoise_schema"
#: Every schema revision this equipoise knows, oldest first; the last is the newest.
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]

metadata = sa.MetaData()

run_inputs = sa.Table(
    "run_inputs",
    metadata,
    sa.Column("hash", sa.String(80), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
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
    # revision 0002
    sa.Column("sets", sa.Text),
    sa.Column("scenario_id", sa.String(64)),
    sa.Column("title", sa.Text),
)

forecast_rounds = sa.Table(
    "forecast_rounds",
    metadata,
    sa.Column(
        "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("model", sa.String(32), primary_key=True),
    sa.Column("issue", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("value", sa.Float),
)

decision_scores = sa.Table(
    "decision_scores",
    metadata,
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


# revision 0003: per-draw detail, only for runs made with --store-draws


def _draw_key() -> list[sa.Column]:
    return [
        sa.Column(
            "run_id", sa.String(16), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("variant", sa.String(64), primary_key=True),
        sa.Column("draw", sa.Integer, primary_key=True),
    ]


smaa_draws = sa.Table(
    "smaa_draws",
    metadata,
    *_draw_key(),
    sa.Column("model", sa.String(32), nullable=False),
    sa.Column("doctrine", sa.String(64)),
    sa.Column("forecast", sa.Integer),  # revision 0004
)

smaa_draw_options = sa.Table(
    "smaa_draw_options",
    metadata,
    *_draw_key(),
    sa.Column("option", sa.String(160), primary_key=True),
    sa.Column("utility", sa.Float),
    sa.Column("rank", sa.Integer, nullable=False),
)

smaa_draw_weights = sa.Table(
    "smaa_draw_weights",
    metadata,
    *_draw_key(),
    sa.Column("criterion", sa.String(160), primary_key=True),
    sa.Column("weight", sa.Float, nullable=False),
)

#: The per-draw tables, the one with a row per draw first.
DRAW_TABLES = (smaa_draws, smaa_draw_options, smaa_draw_weights)

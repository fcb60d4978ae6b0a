"""Per-draw detail of the SMAA analysis (``--store-draws``): rows from the kept draws, written
in batches inside the transaction that completes the run, read back for ``runs show`` and
``runs export``.

For each draw ``n`` of the overall acceptability (a doctrine drawn at random, then weights
``w[n]`` within its ranges; without doctrines, weights uniform on the simplex) and each
option ``i`` with normalised criteria values ``v[n, i, :]``:

- ``utility[n, i] = sum_j w[n, j] v[n, i, j]`` (SMAA-2's score; Lahdelma & Salminen 2001);
- ``rank[n, i] = 1 +`` the number of options whose utility is higher beyond the relative
  tolerance of :func:`equipoise.decision.smaa.rank_shares` (tied options share the best rank
  they occupy), so the share of draws with ``rank = 1`` is the option's first-rank
  acceptability when no draw has a tie (a tie splits the acceptability instead).

Only the overall draws are stored (each doctrine's own acceptability draws its own weights,
which are not kept); the draws' perturbed inputs are not stored either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .engine import Store
from .schema import DRAW_TABLES, smaa_draw_options, smaa_draw_weights, smaa_draws

__all__ = [
    "draw_rows",
    "insert_draws",
    "count_draws",
    "read_draws",
    "delete_draws",
    "BATCH_ROWS",
    "DrawsStopped",
]

#: Rows per INSERT batch (one ``executemany``); a Ctrl-C is looked for between batches.
BATCH_ROWS = 20_000
#: The relative tolerance of a tie, as in :func:`equipoise.decision.smaa.rank_shares`.
RTOL = 1e-9


class DrawsStopped(Exception):
    """Writing the draws was called off (Ctrl-C): the transaction is rolled back."""


def _ranks(utility: np.ndarray) -> np.ndarray:
    """``(N, m)`` ranks: 1 + the options with a higher utility in the draw, beyond ``RTOL``
    of the draw's largest absolute utility (ties share the best rank)."""
    scale = np.maximum(np.abs(utility).max(axis=1, keepdims=True), 1e-300)
    diff = utility[:, None, :] - utility[:, :, None]  # diff[n, i, l] = u_l - u_i
    return 1 + (diff > (RTOL * scale)[:, :, None]).sum(axis=2)


def draw_rows(
    run_id: str, variant: str, kept: Any, model_names: list[str]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the three draw tables for one decision's kept draws
    (:class:`equipoise.decision.analysis.KeptDraws`), by table name, each row a tuple in the
    order of the table's columns."""
    values = np.asarray(kept.values, float)  # (N, m, k)
    weights = np.asarray(kept.weights, float)  # (N, k)
    n, m, _k = values.shape
    utility = np.einsum("nij,nj->ni", values, weights)
    ranks = _ranks(utility).tolist()
    draws = range(n)
    doctrines = [kept.doctrines[d] if d >= 0 else None for d in np.asarray(kept.doctrine)]
    models = [
        model_names[j] if 0 <= j < len(model_names) else str(j)
        for j in np.asarray(kept.inputs.model).tolist()
    ]
    shared = getattr(kept, "forecast", None)
    forecasts = list(draws) if shared is None else np.asarray(shared).tolist()
    util = np.where(np.isfinite(utility), utility, np.nan).tolist()
    options = list(kept.options)
    criteria = list(kept.criteria)
    return {
        smaa_draws.name: [
            (run_id, variant, d, mo, do, f)
            for d, mo, do, f in zip(draws, models, doctrines, forecasts)
        ],
        smaa_draw_options.name: [
            (run_id, variant, d, options[i], u if u == u else None, r)  # NaN -> NULL
            for d, (urow, rrow) in enumerate(zip(util, ranks))
            for i, (u, r) in enumerate(zip(urow, rrow))
        ],
        smaa_draw_weights.name: [
            (run_id, variant, d, c, w)
            for d, row in enumerate(weights.tolist())
            for c, w in zip(criteria, row)
        ],
    }


def _driver_insert(conn: Connection, table: sa.Table) -> str | None:
    """The table's INSERT in the driver's own parameter style (positional), for
    ``executemany`` with tuples: a third of the time of SQLAlchemy's per-row dictionaries
    (``None`` for a driver whose style is not positional)."""
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if mark is None:  # pragma: no cover - neither sqlite3 nor psycopg
        return None
    quote = conn.dialect.identifier_preparer.quote
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in table.c)}) "
        f"VALUES ({', '.join(mark for _ in table.c)})"
    )


def _copy(conn: Connection, table: sa.Table, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: the rows through ``COPY ... FROM STDIN`` (psycopg 3), in the caller's
    transaction: a few times faster than ``executemany``."""
    quote = conn.dialect.identifier_preparer.quote
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(
            f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def insert_draws(
    conn: Connection, rows: dict[str, list[tuple[Any, ...]]], stop: Callable[[], bool] | None = None
) -> int:
    """Insert the draw rows in batches of :data:`BATCH_ROWS` inside the caller's
    transaction; raises :class:`DrawsStopped` as soon as ``stop()`` is true between two
    batches. Returns the number of draws inserted."""
    for table in DRAW_TABLES:
        batch = rows.get(table.name) or []
        sql = _driver_insert(conn, table)
        names = [c.name for c in table.c]
        for start in range(0, len(batch), BATCH_ROWS):
            if stop is not None and stop():
                raise DrawsStopped()
            part = batch[start : start + BATCH_ROWS]
            if conn.dialect.name == "postgresql":
                _copy(conn, table, names, part)
            elif sql is None:  # pragma: no cover
                conn.execute(table.insert(), [dict(zip(names, r)) for r in part])
            else:
                conn.exec_driver_sql(sql, part)
    return len(rows.get(smaa_draws.name) or [])


def count_draws(store: Store, run_id: str) -> int:
    """How many draws (all variants together) are stored for the run."""
    with store.read() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(smaa_draws)
                .where(smaa_draws.c.run_id == run_id)
            ).scalar()
            or 0
        )


def read_draws(store: Store, run_id: str) -> list[dict[str, Any]]:
    """The run's draws as records ``{"variant", "draw", "model", "doctrine", "forecast",
    "options": {OPTION: {"utility", "rank"}}, "weights": {CRITERION: weight}}``, by variant
    and draw (the ``runs export`` format)."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    with store.read() as conn:
        d = smaa_draws
        for variant, draw, model, doctrine, forecast in conn.execute(
            sa.select(d.c.variant, d.c.draw, d.c.model, d.c.doctrine, d.c.forecast)
            .where(smaa_draws.c.run_id == run_id)
            .order_by(smaa_draws.c.variant, smaa_draws.c.draw)
        ):
            out[(variant, draw)] = {
                "variant": variant,
                "draw": draw,
                "model": model,
                "doctrine": doctrine,
                "forecast": forecast,
                "options": {},
                "weights": {},
            }
        t = smaa_draw_options
        for variant, draw, option, utility, rank in conn.execute(
            sa.select(t.c.variant, t.c.draw, t.c.option, t.c.utility, t.c.rank)
            .where(t.c.run_id == run_id)
            .order_by(t.c.variant, t.c.draw, t.c.option)
        ):
            out[(variant, draw)]["options"][option] = {"utility": utility, "rank": rank}
        t = smaa_draw_weights
        for variant, draw, criterion, weight in conn.execute(
            sa.select(t.c.variant, t.c.draw, t.c.criterion, t.c.weight)
            .where(t.c.run_id == run_id)
            .order_by(t.c.variant, t.c.draw, t.c.criterion)
        ):
            out[(variant, draw)]["weights"][criterion] = weight
    return [out[k] for k in sorted(out)]


def delete_draws(conn: Connection, ids: list[str]) -> None:
    """Delete the draws of these runs (inside the caller's transaction)."""
    for table in reversed(DRAW_TABLES):
        conn.execute(table.delete().where(table.c.run_id.in_(ids)))

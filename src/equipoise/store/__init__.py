"""The run store: every recorded run of ``analyze``, ``forecast``, ``decide``, ``balance``,
``backtest`` and ``explain`` in a database a user can query with SQL.

- :mod:`.location` — which store: ``--store URL``, ``EQUIPOISE_STORE``, or the default SQLite
  file in the user's data folder (platformdirs);
- :mod:`.engine` — opening it (SQLite: WAL, busy timeout, ``BEGIN IMMEDIATE`` for writes;
  PostgreSQL through psycopg 3), schema checks and Alembic migrations;
- :mod:`.schema` — the tables (SQLAlchemy Core);
- :mod:`.runs` — writing and reading runs;
- :mod:`.record` — the decorator that records a command's run;
- :mod:`.digest` and :mod:`.diff` — what changed between two runs or scenarios.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .location import resolve_store_url

if TYPE_CHECKING:
    from .engine import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store", "resolve_store_url"]


def __getattr__(name: str) -> Any:
    # SQLAlchemy is imported when a store is opened, not with the package: ``--no-store``
    # and the commands that record nothing never pay for it (the command line's start-up).
    if name in ("Store", "StoreError", "open_store"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

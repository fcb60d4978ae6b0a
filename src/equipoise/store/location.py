"""Which run store to use: ``--store URL``, else ``EQUIPOISE_STORE``, else the default file.

The default is ``runs.sqlite`` in the user's data folder (``platformdirs.user_data_path``:
``~/.local/share/equipoise`` on Linux). A URL is ``sqlite:///path``, ``postgresql://...``
(driven by psycopg 3) or a plain file path (an SQLite file). ``EQUIPOISE_STORE=none`` (or
``off``) turns recording off, like ``--no-store``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["resolve_store_url", "default_store_path", "ENV_VAR", "OFF_VALUES"]

ENV_VAR = "EQUIPOISE_STORE"
OFF_VALUES = frozenset({"none", "off", "no", "0", "false"})


def default_store_path() -> Path:
    """``runs.sqlite`` in the user's data folder (created on first use)."""
    import platformdirs

    return platformdirs.user_data_path("equipoise", appauthor=False) / "runs.sqlite"


def resolve_store_url(store: str | None = None, no_store: bool = False) -> str | None:
    """The SQLAlchemy URL of the store to use, or ``None`` when recording is off.

    ``store`` (from ``--store``) wins over ``EQUIPOISE_STORE``, which wins over the default.
    ``postgresql://`` and ``postgres://`` are given the psycopg 3 driver.
    """
    if no_store:
        return None
    value = store if store else os.environ.get(ENV_VAR, "").strip()
    if value.lower() in OFF_VALUES and value:
        return None
    if not value:
        return "sqlite:///" + str(default_store_path())
    return normalise_url(value)


def normalise_url(value: str) -> str:
    """A URL for SQLAlchemy: a bare path becomes ``sqlite:///ABSOLUTE``; PostgreSQL uses
    psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    return value

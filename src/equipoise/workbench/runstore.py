"""The run store as the workbench sees it: one open store per server, runs listed and
compared (the logic of ``equipoise runs list | show | diff``)."""

from __future__ import annotations

import threading
from typing import Any

from ..errors import InputError
from ..store.runs import RunRow
from .config import WorkbenchConfig

__all__ = ["store_of", "close_stores", "list_runs", "show_run"]

_OPEN: dict[str, Any] = {}
_LOCK = threading.Lock()


def store_url(config: WorkbenchConfig) -> str | None:
    """The store's URL (``--store``, else ``$EQUIPOISE_STORE``, else the user's default;
    ``None`` when recording is turned off, e.g. ``--store none``)."""
    from ..store import resolve_store_url

    return resolve_store_url(config.store)


def store_of(config: WorkbenchConfig) -> Any:
    """The open :class:`~equipoise.store.engine.Store` of this configuration (opened once,
    shared by the request threads: its engine pools connections), or ``None`` when off.

    Raises :class:`~equipoise.store.engine.StoreError` for a store that cannot be used.
    """
    url = store_url(config)
    if url is None:
        return None
    with _LOCK:
        if url not in _OPEN:
            from ..store import open_store

            _OPEN[url] = open_store(url)
        return _OPEN[url]


def close_stores() -> None:
    """Dispose of every store opened (at server exit)."""
    with _LOCK:
        for store in _OPEN.values():
            store.dispose()
        _OPEN.clear()


def _needed(config: WorkbenchConfig) -> Any:
    store = store_of(config)
    if store is None:
        raise InputError(
            "the run store is turned off; start the workbench with --store URL", "error"
        )
    return store


def list_runs(
    config: WorkbenchConfig,
    *,
    limit: int | None = 20,
    command: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """``runs list --json``: the newest runs first."""
    from ..store.runs import STATUSES
    from ..store.runs import list_runs as rows_of

    if status is not None and status not in STATUSES:
        raise InputError(f"status {status!r}; expected one of {', '.join(STATUSES)}", "error")
    keys = ("id", "command", "status", "scenario_hash", "seed", "version", "started")
    rows = rows_of(_needed(config), limit=limit, command=command, status=status)
    return [{k: r[k] for k in keys} | {"input": r["input"]} for r in rows]


def _run(config: WorkbenchConfig, run_id: str) -> RunRow:
    """The stored run named by ``run_id`` (or a unique prefix); an unknown or ambiguous id
    is a 404."""
    from ..store.engine import StoreError
    from ..store.runs import get_run, resolve_run_id

    store = _needed(config)
    try:
        resolve_run_id(store, run_id)
    except StoreError as exc:
        from .payload import ApiError

        raise ApiError(404, [str(p) for p in exc.problems]) from None
    return get_run(store, run_id)


def show_run(config: WorkbenchConfig, run_id: str) -> dict[str, Any]:
    """``runs show --json`` of the run ``run_id`` (or a unique prefix)."""
    return _run(config, run_id).to_dict()


def stored_side(config: WorkbenchConfig, run_id: str) -> Any:
    """One side of a comparison from a stored run (:class:`equipoise.store.compare.Side`)."""
    from ..store.compare import run_side

    return run_side(_needed(config), _run(config, run_id).id)

"""The browser stores every page reads and writes (one definition, ids used everywhere), and
the scenario they describe.

The stores hold text and plain values only; :func:`open_scenario` turns them into the
:class:`~equipoise.scenario.Scenario` being worked on — the scenario's text parsed and
validated as ``equipoise validate`` does, then the what-if changes applied as ``--set``
items (:func:`equipoise.whatif.apply_sets`). Parsed scenarios are cached by their text and
changes, so that every page reading the same stores parses once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ..config import WorkbenchConfig

SCENARIO_STORE = "workbench-scenario"  # {"label": str, "yaml": str}
SETS_STORE = "workbench-sets"  # {PATH: VALUE}
FIGURE_FORMAT_STORE = "workbench-figure-format"  # "svg" or "png": the modebar's download
TABS = "workbench-tabs"  # the dcc.Tabs of the pages; its value is the shown page's module name


def stores(config: WorkbenchConfig) -> list[Any]:
    """The ``dcc.Store`` components, filled with the scenario the server was started with."""
    from dash import dcc

    return [
        dcc.Store(id=SCENARIO_STORE, data=initial_scenario(config)),
        dcc.Store(id=SETS_STORE, data={}),
        dcc.Store(id=FIGURE_FORMAT_STORE, data="svg"),
    ]


def initial_scenario(config: WorkbenchConfig) -> dict[str, str] | None:
    """``{"label", "yaml"}`` of the scenario named on the command line (None when none)."""
    if config.input is None:
        return None
    from pathlib import Path

    from ...scenarios import builtin_path

    path = builtin_path(config.input) or Path(config.input)
    return {"label": config.input, "yaml": path.read_text(encoding="utf-8")}


def set_items(sets: dict[str, Any] | None) -> tuple[str, ...]:
    """The store's ``{PATH: VALUE}`` as ``--set`` items ``PATH=VALUE``, in path order.

    VALUE is written as JSON, which YAML reads back unchanged (``50``, ``[0.1, 0.3]``).
    """
    return tuple(f"{path}={json.dumps(value)}" for path, value in sorted((sets or {}).items()))


def open_scenario(data: dict[str, str] | None, sets: dict[str, Any] | None = None) -> Any:
    """The scenario of the stores: ``data``'s text parsed (named by its label in messages),
    with ``sets`` applied. ``None`` when no scenario is open.

    Raises :class:`~equipoise.errors.InputError` with every problem, as the command line
    reports them (``FILE:LINE: message``, ``--set PATH=VALUE: message``).
    """
    if not data:
        return None
    return _cached(data["label"], data["yaml"], set_items(sets))


@lru_cache(maxsize=32)
def _cached(label: str, text: str, items: tuple[str, ...]) -> Any:
    from ...whatif import apply_sets

    base = _parsed(label, text)
    return apply_sets(base, list(items)) if items else base


@lru_cache(maxsize=8)
def _parsed(label: str, text: str) -> Any:
    from ...io import parse

    return parse(label, text)

"""The browser stores every page reads and writes (one definition, ids used everywhere)."""

from __future__ import annotations

from typing import Any

from ..config import WorkbenchConfig

SCENARIO_STORE = "workbench-scenario"  # {"label": str, "yaml": str}
SETS_STORE = "workbench-sets"  # {PATH: VALUE}


def stores(config: WorkbenchConfig) -> list[Any]:
    """The ``dcc.Store`` components, filled with the scenario the server was started with."""
    from dash import dcc

    return [dcc.Store(id=SCENARIO_STORE, data=initial_scenario(config)),
            dcc.Store(id=SETS_STORE, data={})]


def initial_scenario(config: WorkbenchConfig) -> dict[str, str] | None:
    """``{"label", "yaml"}`` of the scenario named on the command line (None when none)."""
    if config.input is None:
        return None
    from pathlib import Path

    from ...scenarios import builtin_path

    path = builtin_path(config.input) or Path(config.input)
    return {"label": config.input, "yaml": path.read_text(encoding="utf-8")}

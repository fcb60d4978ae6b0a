"""Home: what the workbench is and which scenario is open."""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE

TITLE = "Home"


def layout(config: WorkbenchConfig) -> Any:
    from dash import html

    return html.Section([html.P(id="home-open-scenario")])


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output

    @app.callback(Output("home-open-scenario", "children"), Input(SCENARIO_STORE, "data"))
    def _show(data: dict[str, str] | None) -> str:
        return f"Open: {data['label']}" if data else "No scenario open."

"""Home: what the workbench is, which scenario is open and what each page does."""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE

TITLE = "Home"

GUIDE = [
    (
        "Open",
        "a built-in scenario, a file on this machine or an upload; problems are listed "
        "with their lines and nothing is half-loaded.",
    ),
    (
        "What-if",
        "move a stance, a capability, a relation, an option's declared value or a "
        "doctrine's weights and watch the forecasts, the ranking and the explanation "
        "change; SMAA draws and Sobol sensitivity in the background.",
    ),
    (
        "Network",
        "the signed relations network on a date, camps and frustrated ties, layers "
        "on and off, two dates compared.",
    ),
    ("Issues", "positions, forecasts and round-by-round trajectories per issue."),
    (
        "Decision",
        "options × doctrines, rank acceptabilities, criteria, weights and what you "
        "would have to believe.",
    ),
    ("Timeline", "the dated events."),
    ("Sources", "every source and how many records cite it."),
    ("Export", "figures as SVG or PNG, the report and results.json."),
]


def layout(config: WorkbenchConfig) -> Any:
    from dash import html

    return html.Section(
        [
            html.P(id="home-open-scenario", role="status"),
            html.P(id="home-changes"),
            html.Ul([html.Li([html.B(name), ": ", what]) for name, what in GUIDE]),
        ]
    )


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output

    @app.callback(Output("home-open-scenario", "children"), Input(SCENARIO_STORE, "data"))
    def _show(data: dict[str, str] | None) -> str:
        return f"Open: {data['label']}" if data else "No scenario open."

    @app.callback(Output("home-changes", "children"), Input(SETS_STORE, "data"))
    def _changes(sets: dict[str, object] | None) -> str:
        n = len(sets or {})
        return (
            f"{n} what-if change{'s' if n != 1 else ''} applied (see What-if)."
            if n
            else "No what-if change applied."
        )

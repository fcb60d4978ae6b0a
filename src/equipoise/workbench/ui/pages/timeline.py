"""Timeline: the scenario's dated events, those after the scenario's date marked, each with
its source."""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._shared import (
    columns,
    empty_figure,
    no_scenario,
    register_figure,
    scenario_or_none,
    shown_only_on,
    table,
)

TITLE = "Timeline"


def layout(config: WorkbenchConfig) -> Any:
    from dash import html

    return html.Section(
        [
            html.H2("Timeline"),
            html.P(id="timeline-note", className="wb-note"),
            register_figure("timeline-figure", height=380),
            table("timeline-events"),
        ]
    )


def timeline_figure(scenario: Any) -> dict[str, Any]:
    """Events as markers on a date axis, one row per kind; the scenario's date a line."""
    if not scenario.events:
        return empty_figure("The scenario has no events.")
    kinds = list(dict.fromkeys(e.kind for e in scenario.events))
    traces = []
    for kind in kinds:
        events = [e for e in scenario.events if e.kind == kind]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": kind,
                "x": [e.date.isoformat() for e in events],
                "y": [kind] * len(events),
                "hovertext": [f"{e.date}: {e.description}" for e in events],
                "hoverinfo": "text",
                "marker": {"size": 11},
            }
        )
    shapes = []
    if scenario.as_of is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": scenario.as_of.isoformat(),
                "x1": scenario.as_of.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dash", "color": "#444"},
            }
        )
    return {
        "data": traces,
        "layout": {
            "shapes": shapes,
            "showlegend": False,
            "hovermode": "closest",
            "title": {"text": "Events (dashed: the scenario's date)", "font": {"size": 14}},
            "xaxis": {"type": "date"},
            "yaxis": {"automargin": True},
            "margin": {"l": 20, "r": 20, "t": 40, "b": 40},
        },
    }


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output

    from .network import provenance

    @app.callback(
        Output("timeline-figure", "figure"),
        Output("timeline-note", "children"),
        Output("timeline-events", "data"),
        Output("timeline-events", "columns"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input(TABS, "value"),
    )
    def _show(data: Any, sets: Any, tab: str) -> tuple[Any, ...]:
        shown_only_on(tab, "timeline")
        scenario, problems = scenario_or_none(data, sets)
        if scenario is None:
            msg = no_scenario(problems)
            return empty_figure(msg), msg, [], []
        after = scenario.as_of
        rows = [
            {
                "date": e.date.isoformat(),
                "end": e.end_date.isoformat() if e.end_date else "",
                "kind": e.kind,
                "actors": ", ".join(e.actors),
                "description": e.description,
                "when": "after the scenario's date" if after and e.date > after else "",
                "source": provenance(e),
            }
            for e in sorted(scenario.events, key=lambda e: e.date)
        ]
        note = (
            f"{len(rows)} events; the scenario's date is "
            f"{after.isoformat() if after else 'not given'}."
        )
        return (
            timeline_figure(scenario),
            note,
            rows,
            columns("date", "end", "kind", "actors", "description", "when", "source"),
        )

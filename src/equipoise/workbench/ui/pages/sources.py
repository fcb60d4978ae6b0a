"""Sources: every source of the scenario and how many of its records cite it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._shared import columns, no_scenario, scenario_or_none, shown_only_on, table

TITLE = "Sources"


def layout(config: WorkbenchConfig) -> Any:
    from dash import html

    return html.Section(
        [html.H2("Sources"), html.P(id="sources-note", className="wb-note"), table("sources-table")]
    )


def citation_counts(scenario: Any) -> Counter[str]:
    """Source id -> number of records (actors, stances, relations, events, options, …)
    citing it."""
    counts: Counter[str] = Counter()
    for name in (
        "actors",
        "issues",
        "stances",
        "relations",
        "events",
        "red_lines",
        "options",
        "variants",
        "doctrines",
        "criteria",
    ):
        for record in getattr(scenario, name, None) or []:
            src = getattr(record, "source", None)
            if src is not None:
                counts[src.ref] += 1
    return counts


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output

    @app.callback(
        Output("sources-table", "data"),
        Output("sources-table", "columns"),
        Output("sources-note", "children"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input(TABS, "value"),
    )
    def _show(data: Any, sets: Any, tab: str) -> tuple[Any, ...]:
        shown_only_on(tab, "sources")
        scenario, problems = scenario_or_none(data, sets)
        if scenario is None:
            return [], [], no_scenario(problems)
        counts = citation_counts(scenario)
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author or "",
                "publisher": s.publisher or "",
                "date": str(s.date or ""),
                "url": s.url or "",
                "cited": counts.get(s.id, 0),
                "note": s.note or "",
            }
            for s in scenario.sources
        ]
        return (
            rows,
            columns(
                "id",
                "title",
                "author",
                "publisher",
                "date",
                "url",
                ("cited", "records citing it"),
                "note",
            ),
            f"{len(rows)} sources.",
        )

"""Network: the signed relations network on a date, with its camps and frustrated ties.

A slider moves over the scenario's date and its checkpoints; a second date can be chosen to
list what changed between the two. Layers of relations (security, conflict, …) can be left
out. Hovering a tie shows the records behind it with their sources. Computation is
:func:`equipoise.balance.balance_of_scenario` on the (filtered) scenario.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._shared import (
    balance_of,
    columns,
    empty_figure,
    no_scenario,
    register_figure,
    scenario_or_none,
    shown_only_on,
    table,
    without_layers,
)

TITLE = "Network"

POSITIVE = "#1b7837"
NEGATIVE = "#b2182b"
FRUSTRATED = "#f1a340"


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    from ....network.kinds import LAYERS

    return html.Section(
        [
            html.H2("Relations network"),
            html.Div(
                [
                    html.Label("Date", htmlFor="network-date"),
                    html.Div(
                        dcc.Slider(id="network-date", min=0, max=0, step=None, value=0, marks={}),
                        style={"flex": "1"},
                    ),
                ],
                className="wb-row",
            ),
            html.Div(
                [
                    html.Label("Compare with", htmlFor="network-compare"),
                    dcc.Dropdown(
                        id="network-compare",
                        options=[],
                        value=None,
                        placeholder="another date",
                        style={"minWidth": "22rem"},
                    ),
                ],
                className="wb-row",
            ),
            html.Div(
                [
                    html.Label("Layers"),
                    dcc.Checklist(
                        id="network-layers",
                        inline=True,
                        value=list(LAYERS),
                        options=[{"label": name, "value": name} for name in LAYERS],
                    ),
                ],
                className="wb-row",
            ),
            html.P(id="network-stats", role="status"),
            register_figure("network-figure", height=560),
            html.Div(id="network-compare-box"),
            html.H3("Frustrated ties"),
            table("network-frustrated"),
            html.H3("Relations on this date, with their sources"),
            table("network-relations"),
        ]
    )


def dates_of(scenario: Any) -> list[tuple[str, str]]:
    """``(ISO date, label)``: the scenario's own date, then its checkpoints, in date order."""
    seen: dict[str, list[str]] = {}
    if scenario.as_of is not None:
        seen[scenario.as_of.isoformat()] = ["scenario date"]
    for c in scenario.checkpoints:
        seen.setdefault(c.date.isoformat(), []).append(c.label)
    return sorted((d, " · ".join(labels)) for d, labels in seen.items())


def provenance(record: Any) -> str:
    """A record's source (``REF: “quote”``) or assumption, in one line."""
    parts = []
    src = getattr(record, "source", None)
    if src is not None:
        parts.append(f"{src.ref}: “{src.quote}”")
    if getattr(record, "assumption", None):
        parts.append(f"assumption: {record.assumption}")
    return " · ".join(parts)


def _wrap(text: str, width: int = 90) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(text, width)) or text


def network_figure(
    scenario: Any, report: dict[str, Any], date: dt.date | None, hidden: tuple[str, ...]
) -> dict[str, Any]:
    """The plotly figure: ties as lines (positive solid, negative dashed, frustrated thick and
    orange), an invisible marker at each tie's middle carrying its records for the hover, and
    actors as circles (camp A), squares (camp B) or diamonds (unplaced)."""
    from ....network.graph import signed_graph_from_scenario
    from ....report.figures import network_layout

    shown = without_layers(scenario, hidden)
    graph = signed_graph_from_scenario(shown, as_of=date, weighted=True)
    nodes = [str(x) for x in graph.nodes]
    edges = [(str(u), str(v), int(sg), float(w)) for u, v, sg, w in graph.edges()]
    if not nodes:
        return empty_figure("No relation holds on this date in the layers shown.")
    pos = network_layout(nodes, edges)
    names = {a.id: a.name for a in scenario.actors}
    frustrated = {frozenset((str(t["u"]), str(t["v"]))) for t in report.get("frustrated_ties", [])}
    traces: list[dict[str, Any]] = []
    for label, test, colour, dash_ in (
        ("positive tie", lambda s, f: s > 0 and not f, POSITIVE, "solid"),
        ("negative tie", lambda s, f: s < 0 and not f, NEGATIVE, "dash"),
        ("frustrated tie", lambda s, f: f, FRUSTRATED, "dot"),
    ):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u, v, sg, _w in edges:
            if test(sg, frozenset((u, v)) in frustrated):
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "x": xs,
                    "y": ys,
                    "hoverinfo": "skip",
                    "line": {
                        "color": colour,
                        "dash": dash_,
                        "width": 4 if label == "frustrated tie" else 2,
                    },
                }
            )
    mid_x, mid_y, mid_text = [], [], []
    for u, v, sg, w in edges:
        records = [r for r in shown.relations if {r.from_, r.to} == {u, v} and r.active_on(date)]
        lines = [
            f"<b>{names.get(u, u)} – {names.get(v, v)}</b>: "
            f"{'+' if sg > 0 else '−'} (weight {w:g})"
            + (" · frustrated" if frozenset((u, v)) in frustrated else "")
        ]
        for r in records:
            lines.append(
                f"{r.kind} ({r.from_}→{r.to}"
                + (f", since {r.since}" if r.since else "")
                + (f", until {r.until}" if r.until else "")
                + ")"
            )
            lines.append("&nbsp;&nbsp;" + _wrap(provenance(r)))
        mid_x.append((pos[u][0] + pos[v][0]) / 2)
        mid_y.append((pos[u][1] + pos[v][1]) / 2)
        mid_text.append("<br>".join(lines))
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "tie records",
            "x": mid_x,
            "y": mid_y,
            "hovertext": mid_text,
            "hoverinfo": "text",
            "showlegend": False,
            "marker": {"size": 14, "color": "rgba(0,0,0,0.01)"},
        }
    )
    groups = [[str(x) for x in g] for g in report.get("groups", [])][:2]
    camp = {x: k for k, g in enumerate(groups) for x in g}
    for k, (label, symbol) in enumerate(
        (("camp A", "circle"), ("camp B", "square"), ("unplaced", "diamond"))
    ):
        members = [x for x in nodes if camp.get(x, 2) == k]
        if not members:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": label,
                "x": [pos[x][0] for x in members],
                "y": [pos[x][1] for x in members],
                "text": members,
                "textposition": "top center",
                "hovertext": [
                    names.get(x, x) + (" (balancer)" if x == scenario.balancer else "")
                    for x in members
                ],
                "hoverinfo": "text",
                "marker": {
                    "symbol": symbol,
                    "size": 16,
                    "color": ["#ffffff", "#d9d9d9", "#ffffff"][k],
                    "line": {
                        "width": 3 if scenario.balancer in members else 1.5,
                        "color": "#222222",
                    },
                },
            }
        )
    title = f"{scenario.title} · {date.isoformat() if date else 'undated'}"
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x"},
            "hovermode": "closest",
            "legend": {"orientation": "h"},
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "plot_bgcolor": "#ffffff",
        },
    }


def tie_signs(
    scenario: Any, date: dt.date | None, hidden: tuple[str, ...]
) -> dict[tuple[str, str], int]:
    """``(u, v)`` (sorted) -> the tie's sign on ``date``."""
    from ....network.graph import signed_graph_from_scenario

    graph = signed_graph_from_scenario(without_layers(scenario, hidden), as_of=date)
    signs: dict[tuple[str, str], int] = {}
    for u, v, sg, _ in graph.edges():
        first, second = sorted((str(u), str(v)))
        signs[first, second] = int(sg)
    return signs


def compare_rows(
    scenario: Any, first: dt.date | None, second: dt.date | None, hidden: tuple[str, ...]
) -> list[dict[str, str]]:
    """The ties that appeared, disappeared or changed sign between two dates."""
    a, b = tie_signs(scenario, first, hidden), tie_signs(scenario, second, hidden)
    names = {x.id: x.name for x in scenario.actors}
    sign: dict[int | None, str] = {1: "+", -1: "−"}
    rows = []
    for pair in sorted(set(a) | set(b)):
        before, after = a.get(pair), b.get(pair)
        if before == after:
            continue
        what = "appeared" if before is None else "disappeared" if after is None else "changed sign"
        rows.append(
            {
                "tie": f"{names.get(pair[0], pair[0])} – {names.get(pair[1], pair[1])}",
                "first": sign.get(before, "none"),
                "second": sign.get(after, "none"),
                "what": what,
            }
        )
    return rows


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output, State, html

    from ....network.kinds import LAYERS

    @app.callback(
        Output("network-date", "max"),
        Output("network-date", "marks"),
        Output("network-date", "value"),
        Output("network-compare", "options"),
        Input(SCENARIO_STORE, "data"),
        State("network-date", "value"),
    )
    def _dates(data: Any, current: int | None) -> tuple[Any, ...]:
        scenario, _ = scenario_or_none(data)
        dates = dates_of(scenario) if scenario is not None else []
        if not dates:
            return 0, {0: "undated"}, 0, []
        marks = {k: {"label": d} for k, (d, _label) in enumerate(dates)}
        start = next(
            (
                k
                for k, (d, _l) in enumerate(dates)
                if scenario.as_of and d == scenario.as_of.isoformat()
            ),
            0,
        )
        options = [{"label": f"{d} · {label}", "value": d} for d, label in dates]
        return len(dates) - 1, marks, start, options

    @app.callback(
        Output("network-figure", "figure"),
        Output("network-stats", "children"),
        Output("network-frustrated", "data"),
        Output("network-frustrated", "columns"),
        Output("network-relations", "data"),
        Output("network-relations", "columns"),
        Output("network-compare-box", "children"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input("network-date", "value"),
        Input("network-layers", "value"),
        Input("network-compare", "value"),
        Input(TABS, "value"),
    )
    def _show(
        data: Any,
        sets: Any,
        index: int | None,
        layers: list[str] | None,
        other: str | None,
        tab: str,
    ) -> tuple[Any, ...]:
        shown_only_on(tab, "network")
        from ....errors import InputError

        scenario, problems = scenario_or_none(data, sets)
        if scenario is None:
            msg = no_scenario(problems)
            return empty_figure(msg), msg, [], [], [], [], None
        if not scenario.relations:
            msg = "The scenario has no relations."
            return empty_figure(msg), msg, [], [], [], [], None
        dates = dates_of(scenario)
        iso = dates[min(index or 0, len(dates) - 1)][0] if dates else None
        date = dt.date.fromisoformat(iso) if iso else None
        hidden = tuple(sorted(set(LAYERS) - set(layers or [])))
        try:
            report = balance_of(data, sets, iso, hidden)
        except InputError as exc:
            msg = "; ".join(str(p) for p in exc.problems)
            return empty_figure(msg), msg, [], [], [], [], None
        names = {a.id: a.name for a in scenario.actors}
        triads = report.get("triads") or {}
        stats = (
            f"{iso or 'undated'}: {report['ties']} ties ({report['positive_ties']} +, "
            f"{report['negative_ties']} −), frustration index "
            f"{report['frustration_index']:g}"
            + ("" if report.get("optimal") else " (not proven optimal)")
            + f"; {triads.get('unbalanced', 0)} unbalanced of {triads.get('total', 0)} "
            "triads" + (f"; layers left out: {', '.join(hidden)}" if hidden else "") + "."
        )
        frustrated = [
            {
                "tie": f"{names.get(t['u'], t['u'])} – {names.get(t['v'], t['v'])}",
                "sign": "+" if t["sign"] > 0 else "−",
                "weight": t["weight"],
            }
            for t in report.get("frustrated_ties", [])
        ]
        shown = without_layers(scenario, hidden)
        relations = [
            {
                "from": r.from_,
                "to": r.to,
                "kind": r.kind,
                "sign": r.sign,
                "weight": r.weight_value,
                "since": str(r.since or ""),
                "until": str(r.until or ""),
                "source": provenance(r),
            }
            for r in shown.relations
            if r.active_on(date)
        ]
        compare = None
        if other and other != iso:
            rows = compare_rows(scenario, date, dt.date.fromisoformat(other), hidden)
            other_report = balance_of(data, sets, other, hidden)
            compare = html.Div(
                [
                    html.H3(f"From {iso} to {other}"),
                    html.P(
                        f"Frustration index {report['frustration_index']:g} → "
                        f"{other_report['frustration_index']:g}; unbalanced triads "
                        f"{triads.get('unbalanced', 0)} → "
                        f"{(other_report.get('triads') or {}).get('unbalanced', 0)}; "
                        f"{len(rows)} tie{'s' if len(rows) != 1 else ''} changed.",
                        id="network-compare-summary",
                    ),
                    html.Ul(
                        [
                            html.Li(f"{r['tie']}: {r['what']} ({r['first']} → {r['second']})")
                            for r in rows
                        ],
                        id="network-compare-list",
                    ),
                ]
            )
        return (
            network_figure(scenario, report, date, hidden),
            stats,
            frustrated,
            columns("tie", "sign", "weight"),
            relations,
            columns("from", "to", "kind", "sign", "weight", "since", "until", "source"),
            compare,
        )

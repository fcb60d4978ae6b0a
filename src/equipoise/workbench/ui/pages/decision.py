"""Decision: the balancer's options under every doctrine, the SMAA-2 rank acceptabilities,
the criteria values and the doctrines' weights, and "what you would have to believe" for an
option to come first (:func:`equipoise.decision.explain.explain`, with the search for the
smallest change of judgement).
"""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._shared import (
    DEFAULT_MODEL,
    columns,
    decision_of,
    empty_figure,
    explained_text,
    no_scenario,
    not_explained,
    register_figure,
    scenario_or_none,
    shown_only_on,
    table,
)

TITLE = "Decision"

#: SMAA draws of the page's acceptability chart (seed 0); the What-if page runs more.
DRAWS = 500


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    return html.Section(
        [
            html.H2("The balancer's decision"),
            html.Div(
                [
                    html.Label("Variant", htmlFor="decision-variant"),
                    dcc.Dropdown(
                        id="decision-variant",
                        value="",
                        clearable=False,
                        style={"minWidth": "22rem"},
                    ),
                    html.Label("Model", htmlFor="decision-model"),
                    dcc.Dropdown(
                        id="decision-model",
                        value=DEFAULT_MODEL,
                        clearable=False,
                        options=["eum", "mean", "median", "exchange"],
                        style={"minWidth": "9rem"},
                    ),
                ],
                className="wb-row",
            ),
            dcc.Loading(html.P(id="decision-summary", role="status")),
            html.H3("Options × doctrines (★ the best of each doctrine)"),
            table("decision-scores"),
            html.H3(f"Rank acceptabilities ({DRAWS} SMAA draws, seed 0)"),
            register_figure("decision-acceptability", height=420),
            table("decision-acceptability-table"),
            html.H3("Criteria values (higher is better)"),
            table("decision-criteria"),
            html.H3("Doctrines' weights"),
            table("decision-weights"),
            html.H3("What you would have to believe"),
            dcc.Loading(html.Div(id="decision-believe")),
        ]
    )


def acceptability_figure(d: Any) -> dict[str, Any]:
    """Stacked bars: for each option the share of draws at each rank."""
    if d.smaa is None:
        return empty_figure("No SMAA draws.")
    ra = d.smaa.rank_acceptability
    labels = [d.option_names.get(o, o) for o in d.options]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": f"rank {r + 1}",
            "y": labels,
            "x": [float(v) for v in ra[:, r]],
        }
        for r in range(ra.shape[1])
    ]
    return {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "title": {"text": "Share of the draws at each rank", "font": {"size": 14}},
            "xaxis": {"range": [0, 1], "tickformat": ".0%"},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"l": 20, "r": 20, "t": 40, "b": 40},
        },
    }


def believe_items(ctx: dict[str, Any] | None, stability: list[str]) -> list[Any]:
    """The report's "what you would have to believe" (its ``believe_context``) as page
    components."""
    from dash import html

    if ctx is None:
        return [html.P("No explanation.")]
    out: list[Any] = []
    for item in ctx["options"]:
        out.append(html.H4(f"{item['name']} — {item['role']}"))
        out.append(html.Ul([html.Li(s) for s in item["sentences"]], className="wb-believe"))
    out.append(html.H4("How stable each doctrine's choice is"))
    out.append(html.Ul([html.Li(s) for s in stability]))
    return out


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output, html

    from ....errors import ModelInputError
    from .whatif import decision_rows

    @app.callback(Output("decision-variant", "options"), Input(SCENARIO_STORE, "data"))
    def _variants(data: Any) -> list[dict[str, str]]:
        scenario, _ = scenario_or_none(data)
        variants = scenario.variants if scenario is not None else []
        return [{"label": "the scenario as written", "value": ""}] + [
            {"label": v.name, "value": v.id} for v in variants
        ]

    @app.callback(
        Output("decision-summary", "children"),
        Output("decision-scores", "data"),
        Output("decision-scores", "columns"),
        Output("decision-acceptability", "figure"),
        Output("decision-acceptability-table", "data"),
        Output("decision-acceptability-table", "columns"),
        Output("decision-criteria", "data"),
        Output("decision-criteria", "columns"),
        Output("decision-weights", "data"),
        Output("decision-weights", "columns"),
        Output("decision-believe", "children"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input("decision-variant", "value"),
        Input("decision-model", "value"),
        Input(TABS, "value"),
    )
    def _show(data: Any, sets: Any, variant: str | None, model: str, tab: str) -> tuple[Any, ...]:
        shown_only_on(tab, "decision")
        from ....sentences import decision_sentence

        scenario, problems = scenario_or_none(data, sets)
        empty: tuple[Any, ...] = ([], [], empty_figure(""), [], [], [], [], [], [], [])
        if scenario is None:
            return (no_scenario(problems), *empty)
        if not (scenario.balancer and scenario.options and scenario.doctrines):
            return ("No decision: the scenario needs a balancer, options and doctrines.", *empty)
        try:
            d = decision_of(data, sets, model, variant or None, DRAWS)
        except ModelInputError as exc:
            return (f"No decision: {exc}", *empty)
        rows, cols = decision_rows(scenario, d, None)
        acc_rows = [
            {
                "option": d.option_names.get(o, o),
                "acceptability": round(float(d.acceptability.get(o, 0.0)), 4),
                "confidence": None
                if d.smaa is None or d.smaa.confidence[k] != d.smaa.confidence[k]
                else round(float(d.smaa.confidence[k]), 4),
            }
            for k, o in enumerate(d.options)
        ]
        crit_rows = [
            {
                "option": d.option_names.get(o, o),
                **{c: round(float(d.values[k, j]), 4) for j, c in enumerate(d.criteria)},
            }
            for k, o in enumerate(d.options)
        ]
        weight_rows = [
            {
                "doctrine": doc.name,
                **{
                    c: "–".join(f"{x:g}" for x in w) if isinstance(w, (list, tuple)) else f"{w:g}"
                    for c, w in doc.weights.items()
                },
            }
            for doc in scenario.doctrines
        ]
        criteria_in_weights = list(
            dict.fromkeys(c for doc in scenario.doctrines for c in doc.weights)
        )
        answer = explained_text(data, sets, model, search=True, variant=variant or None)
        believe = (
            believe_items(answer["ok"]["believe"], answer["ok"]["stability"])
            if "ok" in answer
            else [html.P(not_explained(answer))]
        )
        return (
            decision_sentence(d),
            rows,
            cols,
            acceptability_figure(d),
            acc_rows,
            columns(
                "option",
                ("acceptability", "first-rank acceptability"),
                ("confidence", "confidence factor"),
            ),
            crit_rows,
            columns("option", *d.criteria),
            weight_rows,
            columns("doctrine", *criteria_in_weights),
            believe,
        )

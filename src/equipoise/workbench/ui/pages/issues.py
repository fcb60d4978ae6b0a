"""Issues: per issue, every actor's position and each model's forecast on the issue's scale,
the round-by-round trajectories of the iterative models, and the stances with their sources.

Forecasts are the library's (:func:`equipoise.models.api.forecast`) on the scenario with the
what-if changes applied.
"""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._shared import (
    DEFAULT_MODEL,
    columns,
    empty_figure,
    forecast_of,
    no_scenario,
    register_figure,
    scenario_or_none,
    shown_only_on,
    table,
)

TITLE = "Issues"

MODEL_COLOURS = {"mean": "#1f77b4", "median": "#2ca02c", "eum": "#d62728", "exchange": "#9467bd"}


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    return html.Section(
        [
            html.H2("Issues"),
            html.Div(
                [
                    html.Label("Issue", htmlFor="issues-issue"),
                    dcc.Dropdown(id="issues-issue", clearable=False, style={"minWidth": "22rem"}),
                    html.Label("Trajectories of", htmlFor="issues-model"),
                    dcc.Dropdown(
                        id="issues-model",
                        value=DEFAULT_MODEL,
                        clearable=False,
                        options=["eum", "exchange"],
                        style={"minWidth": "9rem"},
                    ),
                ],
                className="wb-row",
            ),
            html.P(id="issues-scale", className="wb-note"),
            register_figure("issues-positions", height=420),
            register_figure("issues-trajectories", height=420),
            html.H3("Forecasts"),
            table("issues-forecasts"),
            html.H3("Stances, with their sources"),
            table("issues-stances"),
        ]
    )


def models_for(scenario: Any) -> list[str]:
    from ....models import applicable_models

    return applicable_models(len(scenario.issues))


def positions_figure(scenario: Any, issue: Any, forecasts: dict[str, Any]) -> dict[str, Any]:
    """Positions on the issue's scale (marker area ∝ capability × salience), each model's
    forecast as a vertical line, the recorded outcome as a dashed black line."""
    names = {a.id: a.name for a in scenario.actors}
    caps = {
        a.id: float(a.capability.value) if a.capability is not None else 1.0
        for a in scenario.actors
    }
    stances = [st for st in scenario.stances if st.issue == issue.id]
    weight = [caps.get(st.actor, 1.0) * float(st.salience.value) for st in stances]
    top = max(weight + [1e-9])
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "actors",
            "x": [float(st.position.value) for st in stances],
            "y": list(range(len(stances))),
            "text": [st.actor for st in stances],
            "textposition": "middle right",
            "hovertext": [
                f"{names.get(st.actor, st.actor)}: position {st.position.value:g}, "
                f"salience {st.salience.value:g}, capability {caps.get(st.actor, 1):g}"
                for st in stances
            ],
            "hoverinfo": "text",
            "marker": {
                "size": [8 + 30 * (w / top) ** 0.5 for w in weight],
                "color": "#9ecae1",
                "line": {"color": "#08519c", "width": 1},
            },
        }
    ]
    shapes: list[dict[str, Any]] = []
    n = max(len(stances), 1)
    for model, fc in forecasts.items():
        if issue.id not in fc.outcome:
            continue
        x = float(fc.outcome[issue.id])
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{model} {x:.1f}",
                "x": [x, x],
                "y": [-0.5, n - 0.5],
                "line": {"color": MODEL_COLOURS.get(model, "#555"), "width": 2},
            }
        )
    if issue.outcome is not None:
        x = float(issue.outcome.value)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"actual {x:g}",
                "x": [x, x],
                "y": [-0.5, n - 0.5],
                "line": {"color": "#000", "dash": "dash", "width": 2},
            }
        )
    lo, hi = float(issue.scale.min), float(issue.scale.max)
    pad = (hi - lo) * 0.03
    return {
        "data": traces,
        "layout": {
            "title": {"text": issue.name, "font": {"size": 14}},
            "shapes": shapes,
            "xaxis": {"range": [lo - pad, hi + pad], "title": {"text": "position"}},
            "yaxis": {"visible": False},
            "hovermode": "closest",
            "margin": {"l": 20, "r": 20, "t": 40, "b": 40},
        },
    }


def trajectories_figure(issue: Any, fc: Any, names: dict[str, str]) -> dict[str, Any]:
    """The forecast round by round (thick) and every actor's position round by round."""
    if fc is None or issue.id not in fc.trajectory:
        return empty_figure("No round-by-round run for this model.")
    traj = [float(v) for v in fc.trajectory[issue.id]]
    traces: list[dict[str, Any]] = []
    for actor, values in (fc.history.get(issue.id) or {}).items():
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names.get(actor, actor),
                "x": list(range(len(values))),
                "y": [float(v) for v in values],
                "line": {"width": 1},
                "opacity": 0.6,
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "forecast",
            "x": list(range(len(traj))),
            "y": traj,
            "line": {"color": "#000", "width": 3},
        }
    )
    return {
        "data": traces,
        "layout": {
            "title": {"text": f"{fc.model}: round by round", "font": {"size": 14}},
            "xaxis": {"title": {"text": "round"}, "dtick": 1},
            "yaxis": {"title": {"text": "position"}},
            "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        },
    }


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output

    from ....errors import ModelInputError
    from .network import provenance

    @app.callback(
        Output("issues-issue", "options"),
        Output("issues-issue", "value"),
        Input(SCENARIO_STORE, "data"),
    )
    def _issues(data: Any) -> tuple[Any, Any]:
        scenario, _ = scenario_or_none(data)
        if scenario is None or not scenario.issues:
            return [], None
        return ([{"label": i.name, "value": i.id} for i in scenario.issues], scenario.issues[0].id)

    @app.callback(
        Output("issues-positions", "figure"),
        Output("issues-trajectories", "figure"),
        Output("issues-scale", "children"),
        Output("issues-forecasts", "data"),
        Output("issues-forecasts", "columns"),
        Output("issues-stances", "data"),
        Output("issues-stances", "columns"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input("issues-issue", "value"),
        Input("issues-model", "value"),
        Input(TABS, "value"),
    )
    def _show(data: Any, sets: Any, issue_id: str | None, model: str, tab: str) -> tuple[Any, ...]:
        shown_only_on(tab, "issues")
        scenario, problems = scenario_or_none(data, sets)
        issue = (
            next((i for i in scenario.issues if i.id == issue_id), None)
            if scenario is not None
            else None
        )
        if issue is None:
            msg = no_scenario(problems) if scenario is None else "The scenario has no issues."
            return empty_figure(msg), empty_figure(""), msg, [], [], [], []
        forecasts: dict[str, Any] = {}
        notes = []
        for m in models_for(scenario):
            try:
                forecasts[m] = forecast_of(data, sets, m)
            except ModelInputError as exc:
                notes.append(f"{m}: {exc}")
        names = {a.id: a.name for a in scenario.actors}
        scale = (
            f"Scale {issue.scale.min:g} = {issue.scale.min_label}; "
            f"{issue.scale.max:g} = {issue.scale.max_label}."
            + (" Not forecast: " + "; ".join(notes) if notes else "")
        )
        rows = []
        for m, fc in forecasts.items():
            if issue.id not in fc.outcome:
                continue
            lo, hi = fc.range_of(issue.id)
            rows.append(
                {
                    "model": m,
                    "forecast": round(float(fc.outcome[issue.id]), 2),
                    "range": f"{lo:.1f}–{hi:.1f}",
                    "rounds": fc.rounds_run.get(issue.id),
                    "converged": "yes" if fc.converged.get(issue.id, True) else "no",
                    "error": None
                    if issue.outcome is None
                    else round(abs(float(fc.outcome[issue.id]) - issue.outcome.value), 2),
                }
            )
        stances = [
            {
                "actor": names.get(st.actor, st.actor),
                "position": float(st.position.value),
                "salience": float(st.salience.value),
                "source": provenance(st),
            }
            for st in scenario.stances
            if st.issue == issue.id
        ]
        return (
            positions_figure(scenario, issue, forecasts),
            trajectories_figure(issue, forecasts.get(model), names),
            scale,
            rows,
            columns(
                "model",
                "forecast",
                "range",
                "rounds",
                "converged",
                ("error", "|forecast − actual|"),
            ),
            stances,
            columns("actor", "position", "salience", "source"),
        )

"""Export: the figure format of every figure's download button (SVG or PNG), and the whole
analysis as the self-contained HTML report and as ``results.json`` (what
``equipoise analyze`` writes), for the scenario with the what-if changes applied.

Every table of the workbench has its own "Export" button (CSV).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ...config import WorkbenchConfig
from ..state import FIGURE_FORMAT_STORE, SCENARIO_STORE, SETS_STORE
from ._shared import FIGURE_FORMATS, FIGURES, graph_config, no_scenario, scenario_or_none

TITLE = "Export"

#: SMAA draws of the exported report unless the page says otherwise.
REPORT_DRAWS = 1000


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    return html.Section(
        [
            html.H2("Export"),
            html.P(
                "Every figure has a camera button in its toolbar (top right, on hover) that "
                "downloads it; choose the format here. Every table has an Export button that "
                "downloads it as CSV."
            ),
            html.Div(
                [
                    html.Label("Figures download as", htmlFor="export-format"),
                    dcc.RadioItems(
                        id="export-format",
                        value="svg",
                        inline=True,
                        options=[{"label": f.upper(), "value": f} for f in FIGURE_FORMATS],
                    ),
                ],
                className="wb-row",
            ),
            html.H3("The whole analysis"),
            html.Div(
                [
                    html.Label("SMAA draws", htmlFor="export-draws"),
                    dcc.Input(
                        id="export-draws",
                        type="number",
                        value=REPORT_DRAWS,
                        min=0,
                        max=100_000,
                        step=1,
                        style={"width": "7rem"},
                    ),
                    html.Button("Download the report (HTML)", id="export-report", n_clicks=0),
                    html.Button("Download results.json", id="export-json", n_clicks=0),
                    html.Button("Download the scenario (YAML)", id="export-yaml", n_clicks=0),
                ],
                className="wb-row",
            ),
            dcc.Loading(html.P(id="export-status", role="status")),
            dcc.Download(id="export-download"),
        ]
    )


def file_stem(scenario: Any, sets: dict[str, Any] | None) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario.id or "scenario").strip("-") or "scenario"
    return stem + ("-whatif" if sets else "")


def register(app: Any, config: WorkbenchConfig) -> None:
    import dash
    from dash import Input, Output, State

    figures = list(FIGURES)

    @app.callback(Output(FIGURE_FORMAT_STORE, "data"), Input("export-format", "value"))
    def _format(fmt: str) -> str:
        return fmt if fmt in FIGURE_FORMATS else "svg"

    if figures:

        @app.callback(
            [Output(name, "config") for name in figures], Input(FIGURE_FORMAT_STORE, "data")
        )
        def _configs(fmt: str) -> list[dict[str, Any]]:
            return [graph_config(name, fmt or "svg") for name in figures]

    @app.callback(
        Output("export-download", "data"),
        Output("export-status", "children"),
        Input("export-report", "n_clicks"),
        Input("export-json", "n_clicks"),
        Input("export-yaml", "n_clicks"),
        State(SCENARIO_STORE, "data"),
        State(SETS_STORE, "data"),
        State("export-draws", "value"),
        prevent_initial_call=True,
    )
    def _download(_r: int, _j: int, _y: int, data: Any, sets: Any, draws: Any) -> tuple[Any, str]:
        scenario, problems = scenario_or_none(data, sets)
        if scenario is None:
            return dash.no_update, no_scenario(problems)
        stem = file_stem(scenario, sets)
        trigger = dash.ctx.triggered_id
        if trigger == "export-yaml":
            from ....io.scenario_file import dump_scenario

            text = data["yaml"] if not sets else dump_scenario(scenario, "yaml")
            return (
                dict(content=text, filename=f"{stem}.yaml", type="application/yaml"),
                f"Saved {stem}.yaml" + (" (with the what-if changes)." if sets else "."),
            )
        if not isinstance(draws, (int, float)) or int(draws) != draws or draws < 0:
            return dash.no_update, "The number of SMAA draws must be a whole number ≥ 0."
        from ....analysis import run_analysis
        from ....report.render import render_html, results_json

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            analysis = run_analysis(scenario, draws=int(draws), seed=0)
        if trigger == "export-json":
            return (
                dict(
                    content=results_json(analysis),
                    filename=f"{stem}-results.json",
                    type="application/json",
                ),
                f"Saved {stem}-results.json.",
            )
        return (
            dict(content=render_html(analysis), filename=f"{stem}-report.html", type="text/html"),
            f"Saved {stem}-report.html.",
        )

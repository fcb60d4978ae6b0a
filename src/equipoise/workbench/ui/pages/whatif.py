"""What-if: move a stance, a capability, a relation, an option's declared value or a
doctrine's weights and watch the forecasts, the decision ranking and the explanation change.

Every move becomes an entry ``PATH: VALUE`` of the ``workbench-sets`` store — the
``--set PATH=VALUE`` of the command line (:mod:`equipoise.whatif`) — so the other pages show
the same changed scenario. Moving a value back to the file's value removes the entry. The
forecasts and the deterministic ranking are recomputed at once; the explanation follows in its
own callback; SMAA draws and Sobol sensitivity run as background jobs of the server (those
of ``/api/jobs``, :mod:`equipoise.workbench.jobs`) with a progress bar and can be cancelled.
"""

from __future__ import annotations

from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE, TABS
from ._levers import KINDS, kind_of, lever_at, levers
from ._shared import (
    DEFAULT_MODEL,
    columns,
    decision_of,
    forecast_of,
    job_progress,
    jobs_of,
    no_scenario,
    not_explained,
    scenario_or_none,
    shown_only_on,
    stability_of,
    submit_job,
    table,
)

TITLE = "What-if"

HIDDEN = {"display": "none"}
SHOWN = {"display": "block"}

#: Largest number of SMAA draws / Sobol base samples the page accepts.
MAX_DRAWS = 100_000


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html

    return html.Section(
        [
            html.H2("What-if"),
            html.Div(
                [
                    html.Label("Model", htmlFor="whatif-model"),
                    dcc.Dropdown(
                        id="whatif-model",
                        options=["eum", "mean", "median", "exchange"],
                        value=DEFAULT_MODEL,
                        clearable=False,
                        style={"minWidth": "9rem"},
                    ),
                    html.Label("Change", htmlFor="whatif-kind"),
                    dcc.Dropdown(
                        id="whatif-kind",
                        value="position",
                        clearable=False,
                        options=[{"label": v, "value": k} for k, v in KINDS.items()],
                        style={"minWidth": "16rem"},
                    ),
                    dcc.Dropdown(id="whatif-item", clearable=False, style={"minWidth": "26rem"}),
                ],
                className="wb-row",
            ),
            html.Div(
                dcc.Slider(
                    id="whatif-value",
                    min=0,
                    max=100,
                    value=None,
                    allow_direct_input=True,
                    tooltip={"placement": "bottom"},
                ),
                id="whatif-slider-box",
                style=SHOWN,
            ),
            html.Div(
                dcc.RangeSlider(
                    id="whatif-range",
                    min=0,
                    max=1,
                    step=0.01,
                    value=[0, 1],
                    allow_direct_input=True,
                    tooltip={"placement": "bottom"},
                ),
                id="whatif-range-box",
                style=HIDDEN,
            ),
            html.P(id="whatif-base", className="wb-note"),
            html.Div(
                [
                    html.Button("Remove selected changes", id="whatif-remove", n_clicks=0),
                    html.Button("Reset all changes", id="whatif-reset", n_clicks=0),
                ],
                className="wb-row",
            ),
            table("whatif-sets-table", page_size=20),
            html.Ul(id="whatif-problems", className="wb-problems"),
            html.H3("Forecasts"),
            table("whatif-forecasts"),
            html.H3("Decision"),
            html.P(id="whatif-robust"),
            table("whatif-decision"),
            html.H3("What you would have to believe"),
            dcc.Loading(html.Ul(id="whatif-explain")),
            html.H3("Robustness in the background"),
            html.Div(
                [
                    dcc.RadioItems(
                        id="whatif-sweep",
                        value="smaa",
                        inline=True,
                        options=[
                            {"label": "SMAA draws", "value": "smaa"},
                            {
                                "label": "Sobol sensitivity (base samples, a power of 2)",
                                "value": "sobol",
                            },
                        ],
                    ),
                    dcc.Input(
                        id="whatif-draws",
                        type="number",
                        value=1000,
                        min=2,
                        max=MAX_DRAWS,
                        step=1,
                        style={"width": "9rem"},
                    ),
                    html.Button("Run", id="whatif-run", n_clicks=0),
                    html.Button("Cancel", id="whatif-cancel", n_clicks=0, disabled=True),
                ],
                className="wb-row",
            ),
            html.Progress(id="whatif-progress", value="0", max="1", style={"width": "24rem"}),
            html.P(id="whatif-job-status", role="status"),
            table("whatif-sweep-table"),
            dcc.Store(id="whatif-job"),
            dcc.Interval(id="whatif-poll", interval=300, disabled=True),
        ]
    )


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return "–".join(f"{v:g}" for v in value)
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def forecast_rows(scenario: Any, base: Any, changed: Any) -> list[dict[str, Any]]:
    """One row per issue: the forecast from the file, with the changes, and the change."""
    rows = []
    for issue in scenario.issues:
        if issue.id not in changed.outcome:
            continue
        new = float(changed.outcome[issue.id])
        old = (
            float(base.outcome[issue.id]) if base is not None and issue.id in base.outcome else None
        )
        rows.append(
            {
                "issue": issue.name,
                "scale": f"{issue.scale.min:g}–{issue.scale.max:g}",
                "file": None if old is None else round(old, 2),
                "changed": round(new, 2),
                "change": None if old is None else round(new - old, 2),
                "converged": "yes" if changed.converged.get(issue.id, True) else "no",
            }
        )
    return rows


def decision_rows(
    scenario: Any, d: Any, base: Any
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Options × doctrines scores with the changes (★ the best of each doctrine), and which
    doctrines put the option first with the changes and in the file."""
    doctrines = list(d.by_doctrine)
    names = {doc.id: doc.name for doc in scenario.doctrines}
    rows = []
    for o in d.options:
        row: dict[str, Any] = {"option": d.option_names.get(o, o)}
        for doc in doctrines:
            v = d.by_doctrine[doc]["scores"].get(o)
            star = " ★" if d.by_doctrine[doc]["best"] == o else ""
            row[doc] = None if v is None else f"{v:.3f}{star}"
        row["first"] = ", ".join(doc for doc in doctrines if d.by_doctrine[doc]["best"] == o)
        if base is not None:
            row["first_file"] = ", ".join(
                doc for doc, v in base.by_doctrine.items() if v["best"] == o
            )
        rows.append(row)
    cols = columns(
        "option",
        *[(doc, names.get(doc, doc)) for doc in doctrines],
        ("first", "first under (with the changes)"),
        *([("first_file", "first under (the file)")] if base is not None else []),
    )
    return rows, cols


def register(app: Any, config: WorkbenchConfig) -> None:
    import dash
    from dash import Input, Output, State, html

    jobs = jobs_of(app)

    @app.callback(
        Output("whatif-item", "options"),
        Output("whatif-item", "value"),
        Input("whatif-kind", "value"),
        Input(SCENARIO_STORE, "data"),
    )
    def _items(kind: str, data: Any) -> tuple[list[dict[str, str]], str | None]:
        scenario, _ = scenario_or_none(data)
        if scenario is None:
            return [], None
        found = levers(scenario, kind)
        return (
            [{"label": lv.label, "value": lv.path} for lv in found],
            found[0].path if found else None,
        )

    @app.callback(
        Output("whatif-value", "min"),
        Output("whatif-value", "max"),
        Output("whatif-value", "step"),
        Output("whatif-value", "marks"),
        Output("whatif-value", "value"),
        Output("whatif-range", "value"),
        Output("whatif-slider-box", "style"),
        Output("whatif-range-box", "style"),
        Output("whatif-base", "children"),
        Input("whatif-item", "value"),
        State(SCENARIO_STORE, "data"),
        State(SETS_STORE, "data"),
    )
    def _lever(path: str | None, data: Any, sets: dict[str, Any] | None) -> tuple[Any, ...]:
        scenario, _ = scenario_or_none(data)
        lever = lever_at(scenario, path) if scenario is not None and path else None
        if lever is None or path is None:
            return 0, 100, 1, None, None, [0, 1], SHOWN, HIDDEN, "Nothing to move."
        now = (sets or {}).get(path, lever.value)
        marks = {lever.low: f"{lever.low:g}", lever.high: f"{lever.high:g}"}
        base = f"In the file: {_value_text(lever.value)}. Path: {path}"
        if isinstance(lever.value, list):
            return (
                lever.low,
                lever.high,
                lever.step,
                marks,
                dash.no_update,
                now,
                HIDDEN,
                SHOWN,
                base,
            )
        return (lever.low, lever.high, lever.step, marks, now, dash.no_update, SHOWN, HIDDEN, base)

    @app.callback(
        Output(SETS_STORE, "data", allow_duplicate=True),
        Input("whatif-value", "value"),
        Input("whatif-range", "value"),
        State("whatif-item", "value"),
        State(SCENARIO_STORE, "data"),
        State(SETS_STORE, "data"),
        prevent_initial_call=True,
    )
    def _move(
        value: Any, interval: Any, path: str | None, data: Any, sets: dict[str, Any] | None
    ) -> Any:
        scenario, _ = scenario_or_none(data)
        lever = lever_at(scenario, path) if scenario is not None and path else None
        if lever is None or path is None:
            return dash.no_update
        new = interval if isinstance(lever.value, list) else value
        if new is None:
            return dash.no_update
        if isinstance(new, list):
            new = [float(v) for v in new]
        sets = dict(sets or {})
        if new == lever.value:
            if path not in sets:
                return dash.no_update
            sets.pop(path)
        elif sets.get(path) == new:
            return dash.no_update
        else:
            sets[path] = new
        return sets

    @app.callback(
        Output("whatif-sets-table", "data"),
        Output("whatif-sets-table", "columns"),
        Output("whatif-sets-table", "selected_rows"),
        Input(SETS_STORE, "data"),
    )
    def _sets_table(sets: dict[str, Any] | None) -> tuple[Any, Any, list[int]]:
        rows = [
            {"path": p, "value": _value_text(v), "what": KINDS.get(kind_of(p) or "", "")}
            for p, v in sorted((sets or {}).items())
        ]
        return rows, columns(("path", "--set PATH"), ("value", "VALUE"), ("what", "changes")), []

    @app.callback(
        Output(SETS_STORE, "data", allow_duplicate=True),
        Input("whatif-remove", "n_clicks"),
        Input("whatif-reset", "n_clicks"),
        State("whatif-sets-table", "selected_rows"),
        State("whatif-sets-table", "data"),
        State(SETS_STORE, "data"),
        prevent_initial_call=True,
    )
    def _remove(
        _r: int,
        _a: int,
        selected: list[int] | None,
        rows: list[dict[str, Any]],
        sets: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if dash.ctx.triggered_id == "whatif-reset":
            return {}
        drop = {rows[k]["path"] for k in selected or [] if k < len(rows)}
        return {p: v for p, v in (sets or {}).items() if p not in drop}

    @app.callback(
        Output("whatif-problems", "children"),
        Output("whatif-forecasts", "data"),
        Output("whatif-forecasts", "columns"),
        Output("whatif-decision", "data"),
        Output("whatif-decision", "columns"),
        Output("whatif-robust", "children"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input("whatif-model", "value"),
        Input(TABS, "value"),
    )
    def _results(data: Any, sets: dict[str, Any] | None, model: str, tab: str) -> tuple[Any, ...]:
        shown_only_on(tab, "whatif")
        from ....errors import ModelInputError

        base_scenario, base_problems = scenario_or_none(data)
        scenario, problems = scenario_or_none(data, sets)
        if scenario is None:
            shown = problems or [no_scenario(base_problems)]
            return [html.Li(p) for p in shown], [], [], [], [], ""
        notes: list[str] = []
        fc_rows: list[dict[str, Any]] = []
        try:
            changed = forecast_of(data, sets, model)
            base = forecast_of(data, {}, model) if base_scenario is not None else None
            fc_rows = forecast_rows(scenario, base, changed)
        except ModelInputError as exc:
            notes.append(f"Forecasts: {exc}")
        fc_cols = columns(
            "issue",
            "scale",
            ("file", "in the file"),
            ("changed", "with the changes"),
            "change",
            "converged",
        )
        d_rows: list[dict[str, Any]] = []
        d_cols: list[dict[str, str]] = []
        robust = ""
        if scenario.balancer and scenario.options and scenario.doctrines:
            try:
                d = decision_of(data, sets, model)
                base_d = decision_of(data, {}, model) if base_scenario is not None else None
                d_rows, d_cols = decision_rows(scenario, d, base_d)
                robust = (
                    f"Most doctrines put first: {d.option_names[d.robust_option()]}"
                    + (
                        f" (in the file: {base_d.option_names[base_d.robust_option()]})"
                        if base_d is not None
                        else ""
                    )
                    + "."
                )
            except ModelInputError as exc:
                notes.append(f"Decision: {exc}")
        else:
            robust = "No decision: the scenario needs a balancer, options and doctrines."
        return [html.Li(n) for n in notes], fc_rows, fc_cols, d_rows, d_cols, robust

    @app.callback(
        Output("whatif-explain", "children"),
        Input(SCENARIO_STORE, "data"),
        Input(SETS_STORE, "data"),
        Input("whatif-model", "value"),
        Input(TABS, "value"),
    )
    def _explain(data: Any, sets: dict[str, Any] | None, model: str, tab: str) -> list[Any]:
        shown_only_on(tab, "whatif")
        scenario, _ = scenario_or_none(data, sets)
        if scenario is None or not (scenario.balancer and scenario.options and scenario.doctrines):
            return [html.Li("Nothing to explain: no decision.")]
        answer = stability_of(data, sets, model)
        if "ok" in answer:
            return [html.Li(line) for line in answer["ok"]["stability"]]
        return [html.Li(not_explained(answer))]

    @app.callback(
        Output("whatif-job", "data"),
        Output("whatif-poll", "disabled"),
        Output("whatif-cancel", "disabled"),
        Output("whatif-run", "disabled"),
        Output("whatif-progress", "value"),
        Output("whatif-progress", "max"),
        Output("whatif-job-status", "children"),
        Output("whatif-sweep-table", "data"),
        Output("whatif-sweep-table", "columns"),
        Input("whatif-run", "n_clicks"),
        Input("whatif-cancel", "n_clicks"),
        Input("whatif-poll", "n_intervals"),
        State("whatif-job", "data"),
        State("whatif-sweep", "value"),
        State("whatif-draws", "value"),
        State(SCENARIO_STORE, "data"),
        State(SETS_STORE, "data"),
        State("whatif-model", "value"),
        prevent_initial_call=True,
    )
    def _sweep(
        _run: int,
        _cancel: int,
        _tick: int,
        job_id: str | None,
        kind: str,
        draws: Any,
        data: Any,
        sets: dict[str, Any] | None,
        model: str,
    ) -> tuple[Any, ...]:
        trigger = dash.ctx.triggered_id
        keep = dash.no_update
        if trigger == "whatif-run":
            scenario, problems = scenario_or_none(data, sets)
            message = _sweep_refusal(scenario, problems, kind, draws)
            if message is None:
                job, message = submit_job(
                    jobs,
                    "decide" if kind == "smaa" else "sensitivity",
                    _sweep_task(scenario, kind, int(draws), model),
                )
            if message is not None:
                return (None, True, True, False, "0", "1", message, keep, keep)
            return (job.id, False, False, True, "0", "1", "Started…", [], [])
        if trigger == "whatif-cancel" and job_id:
            jobs.cancel(job_id)
        job = jobs.get(job_id) if job_id else None
        if job is None:
            return (None, True, True, False, "0", "1", "", keep, keep)
        finished, value, top, status = job_progress(
            job, "draws" if kind == "smaa" else "evaluations"
        )
        if not finished:
            return (job_id, False, False, True, value, top, status, keep, keep)
        if job.status == "done":
            result = job.result
            return (
                None,
                True,
                True,
                False,
                value,
                top,
                result["status"],
                result["rows"],
                result["columns"],
            )
        return (None, True, True, False, value, top, status, keep, keep)


def _sweep_refusal(scenario: Any, problems: list[str], kind: str, draws: Any) -> str | None:
    """Why the sweep cannot start (None when it can)."""
    if scenario is None:
        return no_scenario(problems)
    if not (scenario.balancer and scenario.options and scenario.doctrines):
        return "No decision: the scenario needs a balancer, options and doctrines."
    if not isinstance(draws, (int, float)) or int(draws) != draws or not 2 <= draws <= MAX_DRAWS:
        return f"The number of draws must be a whole number from 2 to {MAX_DRAWS:,}."
    n = int(draws)
    if kind == "sobol" and n & (n - 1):
        return f"Sobol base samples must be a power of 2 (e.g. 256, 512, 1024); got {n}."
    return None


def _sweep_task(scenario: Any, kind: str, n: int, model: str) -> Any:
    """The background job's work ``work(progress)``: ``{"rows", "columns", "status"}`` of the
    SMAA acceptabilities or of the Sobol indices of the robust option's margin (JSON, as
    ``GET /api/jobs/ID`` shows it)."""
    import warnings

    def smaa(progress: Any) -> dict[str, Any]:
        from ....decision import decide
        from ....decision.executor import Executor

        # in this process, in chunks of CHUNK_DRAWS rows: progress (and a cancel) every chunk;
        # the same results as `equipoise decide --draws N --seed 0` (see decision.executor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            d = decide(
                scenario,
                model=model,
                draws=n,
                seed=0,
                progress=lambda done, total: progress("draws", done, total),
                executor=Executor(workers=1),
            )
        acc = d.acceptability
        conf = {o: c for o, c in zip(d.options, d.smaa.confidence)} if d.smaa else {}
        rows = [
            {
                "option": d.option_names.get(o, o),
                "acceptability": round(acc.get(o, 0), 4),
                "confidence": None
                if conf.get(o) is None or conf[o] != conf[o]
                else round(float(conf[o]), 4),
            }
            for o in sorted(d.options, key=lambda o: -acc.get(o, 0))
        ]
        cols = columns(
            "option",
            ("acceptability", "first-rank acceptability"),
            ("confidence", "confidence factor"),
        )
        return {
            "rows": rows,
            "columns": cols,
            "status": (f"Done: {n} draws; robust option {d.option_names[d.robust_option()]}."),
        }

    def sobol(progress: Any) -> dict[str, Any]:
        from ....decision.sensitivity import decision_sensitivity

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = decision_sensitivity(
                scenario,
                model=model,
                n=n,
                progress=lambda done, total: progress("evaluations", done, total),
            )
        margin = r.margin("kind")
        rows: list[dict[str, Any]] = [
            {
                "group": g,
                "S1": round(float(margin.first[i]), 4),
                "ST": round(float(margin.total[i]), 4),
                "ST_conf": round(float(margin.total_conf[i]), 4),
            }
            for i, g in enumerate(margin.groups)
        ]
        rows.sort(key=lambda r_: -r_["ST"])
        cols = columns(
            ("group", "judgements of kind"),
            ("S1", "first-order S1"),
            ("ST", "total ST"),
            ("ST_conf", "± (95%)"),
        )
        return {
            "rows": rows,
            "columns": cols,
            "status": (
                f"Done: Sobol indices of the margin of '{r.robust}' ({r.evaluations} evaluations)."
            ),
        }

    return smaa if kind == "smaa" else sobol

"""Compare: two runs from the run store, the open scenario at two dates or under two variants,
or the open scenario against its original — inputs and answers side by side, differences
highlighted.

The comparison is ``equipoise runs diff``'s (:mod:`equipoise.store.compare`): inputs and
answers flattened to paths. A computed side runs the chosen command now, without recording
it, on the open scenario (the ``workbench-scenario`` store) with the what-if changes of the
``workbench-sets`` store applied; "two versions" compares the scenario as it was opened or last
saved (the file given to ``serve``, or the built-in) with the open one.

The callbacks are thin: the work is in :func:`run_options`, :func:`variant_options` and
:func:`compare_view`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE, SETS_STORE

TITLE = "Compare"

MODES = {
    "runs": "Two runs from the run store",
    "dates": "The open scenario at two dates (--as-of)",
    "variants": "The open scenario under two variants (decide --variant)",
    "versions": "The scenario as opened or saved vs the open one (with the what-if changes)",
}
COMMANDS = ("analyze", "forecast", "decide", "balance")
_DIFFERS_STYLE = {"backgroundColor": "#fff4c2", "fontWeight": "bold"}
NO_VARIANT = ""


@dataclass
class CompareView:
    """What the page shows: the two labels, the rows of the answers table (every answer) and
    of the inputs table (the inputs that differ), with the row indices that differ; or
    ``error``."""

    a_label: str = ""
    b_label: str = ""
    answers: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    differing_answers: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        n = len(self.differing_answers)
        return (
            f"A: {self.a_label} — B: {self.b_label}. {n} of {len(self.answers)} answers "
            f"differ; {len(self.inputs)} inputs differ."
        )


def store_url(config: WorkbenchConfig) -> str | None:
    """The run store the workbench reads (None: no store)."""
    if config.store == "":
        return None
    from ....store import resolve_store_url

    return resolve_store_url(config.store)


def run_options(config: WorkbenchConfig, limit: int = 200) -> tuple[list[dict[str, str]], str]:
    """Dropdown options for the runs in the store, newest first, and a note (why none)."""
    url = store_url(config)
    if url is None:
        return [], "No run store (serve --store URL to compare runs)."
    from ....store import StoreError, open_store
    from ....store.runs import list_runs

    try:
        store = open_store(url)
    except StoreError as exc:
        return [], f"The run store cannot be read: {exc}"
    try:
        runs = list_runs(store, limit=limit)
    except StoreError as exc:
        return [], f"The run store cannot be read: {exc}"
    finally:
        store.dispose()
    options = [
        {
            "label": f"{r['id'][:12]} {r['command']} {r.get('input') or ''} "
            f"{(r.get('started') or '')[:19]} ({r['status']})",
            "value": r["id"],
        }
        for r in runs
    ]
    return options, "" if options else "The run store has no runs yet."


def variant_options(scenario: dict[str, str] | None) -> list[dict[str, str]]:
    """The open scenario's variants (and "none": the scenario as it is)."""
    options = [{"label": "(none: the scenario as it is)", "value": NO_VARIANT}]
    if not scenario or not scenario.get("yaml"):
        return options
    from ....errors import InputError
    from ....io.scenario_edit import read_tables

    try:
        rows = read_tables(scenario.get("label") or "scenario", scenario["yaml"])["variants"].rows
    except InputError:
        return options
    return options + [
        {"label": f"{r.get('id')}: {r.get('name', '')}", "value": str(r.get("id"))}
        for r in rows
        if r.get("id")
    ]


def _set_strings(sets: dict[str, Any] | None) -> list[str]:
    return [
        f"{path}={value if isinstance(value, str) else json.dumps(value)}"
        for path, value in (sets or {}).items()
    ]


def original_text(config: WorkbenchConfig) -> tuple[str, str] | None:
    """``(label, text)`` of the scenario as the workbench opened it: the file given to
    ``serve`` as it is on disk now (so, as last saved), or the built-in; None when none."""
    from ..state import initial_scenario

    first = initial_scenario(config)
    return (first["label"], first["yaml"]) if first else None


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _view(comparison: Any) -> CompareView:
    answers = [
        {"path": r.path, "A": _cell(r.a), "B": _cell(r.b), "differs": "yes" if r.differs else ""}
        for r in comparison.answers
    ]
    inputs = [
        {"path": r.path, "A": _cell(r.a), "B": _cell(r.b)} for r in comparison.differences("inputs")
    ]
    return CompareView(
        comparison.a_label,
        comparison.b_label,
        answers,
        inputs,
        [k for k, r in enumerate(comparison.answers) if r.differs],
    )


def compare_view(
    config: WorkbenchConfig,
    mode: str,
    scenario: dict[str, str] | None,
    sets: dict[str, Any] | None,
    *,
    command: str = "analyze",
    draws: int = 200,
    run_a: str | None = None,
    run_b: str | None = None,
    date_a: str | None = None,
    date_b: str | None = None,
    variant_a: str | None = None,
    variant_b: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CompareView:
    """Compare two sides chosen by ``mode`` (see :data:`MODES`); problems as ``error``.

    ``progress(phase, done, total)`` is called before each computed side and at the end
    (``("side A", 0, 2)``, ``("side B", 1, 2)``, ``("compared", 2, 2)``); a background job's
    progress raises there once the job is cancelled, which stops the comparison between
    its sides."""

    def step(phase: str, done: int) -> None:
        if progress is not None:
            progress(phase, done, 2)

    from ....errors import InputError
    from ....store import StoreError
    from ....store.compare import compare

    try:
        if mode == "runs":
            return _view(compare(*_run_sides(config, run_a, run_b)))
        if mode not in MODES:
            return CompareView(error=f"unknown comparison '{mode}'")
        if command not in COMMANDS:
            return CompareView(error=f"unknown command '{command}'; one of {', '.join(COMMANDS)}")
        params: dict[str, Any] = {} if command in ("forecast", "balance") else {"draws": int(draws)}
        if mode == "versions":
            original = original_text(config)
            if original is None:
                return CompareView(
                    error="No original: the workbench was started without a scenario."
                )
            step("side A", 0)
            side_a = _computed(
                {"label": original[0], "yaml": original[1]},
                command,
                params,
                [],
                f"{original[0]} as opened or saved ({command})",
            )
            step("side B", 1)
            side_b = _computed(
                scenario,
                command,
                params,
                _set_strings(sets),
                _label(scenario, sets, command, "open"),
            )
            step("compared", 2)
            return _view(compare(side_a, side_b))
        if mode == "dates":
            if not date_a or not date_b:
                return CompareView(error="Give both dates (YYYY-MM-DD).")
            base = _set_strings(sets)
            step("side A", 0)
            side_a = _computed(
                scenario,
                command,
                params,
                [*base, f"as_of={date_a}"],
                _label(scenario, sets, command, f"as of {date_a}"),
            )
            step("side B", 1)
            side_b = _computed(
                scenario,
                command,
                params,
                [*base, f"as_of={date_b}"],
                _label(scenario, sets, command, f"as of {date_b}"),
            )
            step("compared", 2)
            return _view(compare(side_a, side_b))
        # variants: decide under each (none: the scenario as it is)
        params = {"draws": int(draws)}
        sides = []
        for k, v in enumerate((variant_a or NO_VARIANT, variant_b or NO_VARIANT)):
            step(f"side {'AB'[k]}", k)
            sides.append(
                _computed(
                    scenario,
                    "decide",
                    {**params, **({"variant": v} if v else {})},
                    _set_strings(sets),
                    _label(scenario, sets, "decide", f"variant {v}" if v else "no variant"),
                )
            )
        step("compared", 2)
        return _view(compare(*sides, same_variant_paths=True))
    except InputError as exc:
        return CompareView(error="; ".join(str(p) for p in exc.problems))
    except StoreError as exc:
        return CompareView(error=str(exc))


def _label(
    scenario: dict[str, str] | None, sets: dict[str, Any] | None, command: str, what: str
) -> str:
    name = (scenario or {}).get("label") or "scenario"
    changed = f", {len(sets)} what-if change(s)" if sets else ""
    return f"{name} {what}{changed} ({command})"


def _run_sides(config: WorkbenchConfig, run_a: str | None, run_b: str | None) -> tuple[Any, Any]:
    from ....errors import InputError
    from ....store import open_store
    from ....store.compare import run_side

    url = store_url(config)
    if url is None:
        raise InputError("no run store: start the workbench with --store URL", "runs")
    if not run_a or not run_b:
        raise InputError("choose two runs", "runs")
    store = open_store(url)
    try:
        return run_side(store, run_a), run_side(store, run_b)
    finally:
        store.dispose()


def _computed(
    scenario: dict[str, str] | None,
    command: str,
    params: dict[str, Any],
    sets: list[str],
    label: str,
) -> Any:
    """``command`` run now on the scenario text, through a file in a private temporary
    folder (the commands read files), named like the scenario so that messages cite it."""
    from ....errors import InputError
    from ....io.scenario_edit import _is_json
    from ....store.compare import computed_side

    if not scenario or not scenario.get("yaml"):
        raise InputError("no scenario open: open one first", "scenario")
    name = scenario.get("label") or "scenario"
    suffix = ".json" if _is_json(name, scenario["yaml"]) else ".yaml"
    with tempfile.TemporaryDirectory(prefix="equipoise-compare-") as folder:
        path = Path(folder) / (Path(name.replace("\\", "/")).stem + suffix)
        path.write_text(scenario["yaml"], encoding="utf-8")
        try:
            return computed_side(path, command, params, sets, label)
        except InputError as exc:  # cite the scenario, not the temporary file
            from ....errors import Problem

            raise InputError(
                [
                    Problem(name if p.path == str(path) else p.path, p.line, p.message)
                    for p in exc.problems
                ]
            ) from None


# -- the page ------------------------------------------------------------------------------


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html
    from dash.dash_table.DataTable import DataTable

    def table(table_id: str, columns: tuple[str, ...] = ("path", "A", "B")) -> Any:
        return DataTable(
            id=table_id,
            columns=[{"id": c, "name": c} for c in columns],
            data=[],
            page_action="none",
            sort_action="native",
            filter_action="native",
            style_table={"overflowX": "auto", "maxHeight": "520px", "overflowY": "auto"},
            style_cell={
                "textAlign": "left",
                "maxWidth": "420px",
                "overflow": "hidden",
                "textOverflow": "ellipsis",
            },
        )

    return html.Section(
        [
            dcc.RadioItems(
                id="compare-mode",
                value="versions",
                options=[{"label": text, "value": mode} for mode, text in MODES.items()],
            ),
            html.Div(
                [
                    html.Label(
                        [
                            "Command ",
                            dcc.Dropdown(
                                id="compare-command",
                                value="analyze",
                                clearable=False,
                                options=list(COMMANDS),
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            "SMAA draws ",
                            dcc.Input(
                                id="compare-draws", type="number", min=0, max=10000, value=200
                            ),
                        ]
                    ),
                ],
                id="compare-command-box",
            ),
            html.Div(
                [
                    html.Label(["Run A ", dcc.Dropdown(id="compare-run-a", options=[])]),
                    html.Label(["Run B ", dcc.Dropdown(id="compare-run-b", options=[])]),
                    html.P(id="compare-runs-note"),
                ],
                id="compare-runs-box",
            ),
            html.Div(
                [
                    html.Label(
                        [
                            "Date A ",
                            dcc.Input(id="compare-date-a", type="text", placeholder="YYYY-MM-DD"),
                        ]
                    ),
                    html.Label(
                        [
                            "Date B ",
                            dcc.Input(id="compare-date-b", type="text", placeholder="YYYY-MM-DD"),
                        ]
                    ),
                ],
                id="compare-dates-box",
            ),
            html.Div(
                [
                    html.Label(
                        [
                            "Variant A ",
                            dcc.Dropdown(id="compare-variant-a", value=NO_VARIANT, options=[]),
                        ]
                    ),
                    html.Label(
                        [
                            "Variant B ",
                            dcc.Dropdown(id="compare-variant-b", value=NO_VARIANT, options=[]),
                        ]
                    ),
                ],
                id="compare-variants-box",
            ),
            html.Div(
                [
                    html.Button("Compare", id="compare-button"),
                    html.Button("Cancel", id="compare-cancel", n_clicks=0, disabled=True),
                    html.Progress(
                        id="compare-progress", value="0", max="1", style={"width": "16rem"}
                    ),
                ],
                className="wb-row",
            ),
            html.P(id="compare-summary", role="status"),
            dcc.Store(id="compare-job"),
            dcc.Interval(id="compare-poll", interval=300, disabled=True),
            html.H3("Answers (differences highlighted)"),
            table("compare-answers", ("path", "A", "B", "differs")),
            html.H3("Inputs that differ"),
            table("compare-inputs"),
        ],
        id="compare-page",
    )


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output, State

    hidden = {"display": "none"}

    @app.callback(
        Output("compare-runs-box", "style"),
        Output("compare-dates-box", "style"),
        Output("compare-variants-box", "style"),
        Output("compare-command-box", "style"),
        Input("compare-mode", "value"),
    )
    def _show(mode: str) -> tuple[Any, ...]:
        return tuple({} if mode == box else hidden for box in ("runs", "dates", "variants")) + (
            hidden if mode in ("runs", "variants") else {},
        )

    @app.callback(
        Output("compare-run-a", "options"),
        Output("compare-run-b", "options"),
        Output("compare-runs-note", "children"),
        Input("compare-mode", "value"),
    )
    def _runs(mode: str) -> tuple[Any, ...]:
        if mode != "runs":
            return [], [], ""
        options, note = run_options(config)
        return options, options, note

    @app.callback(
        Output("compare-variant-a", "options"),
        Output("compare-variant-b", "options"),
        Input(SCENARIO_STORE, "data"),
    )
    def _variants(scenario: dict[str, str] | None) -> tuple[Any, ...]:
        options = variant_options(scenario)
        return options, options

    from ._shared import job_progress, jobs_of, submit_job

    jobs = jobs_of(app)
    styles = [{"if": {"filter_query": '{differs} = "yes"'}, **_DIFFERS_STYLE}]

    @app.callback(
        Output("compare-summary", "children"),
        Output("compare-answers", "data"),
        Output("compare-answers", "style_data_conditional"),
        Output("compare-inputs", "data"),
        Output("compare-job", "data"),
        Output("compare-poll", "disabled"),
        Output("compare-cancel", "disabled"),
        Output("compare-button", "disabled"),
        Output("compare-progress", "value"),
        Output("compare-progress", "max"),
        Input("compare-button", "n_clicks"),
        Input("compare-cancel", "n_clicks"),
        Input("compare-poll", "n_intervals"),
        State("compare-job", "data"),
        State("compare-mode", "value"),
        State(SCENARIO_STORE, "data"),
        State(SETS_STORE, "data"),
        State("compare-command", "value"),
        State("compare-draws", "value"),
        State("compare-run-a", "value"),
        State("compare-run-b", "value"),
        State("compare-date-a", "value"),
        State("compare-date-b", "value"),
        State("compare-variant-a", "value"),
        State("compare-variant-b", "value"),
        prevent_initial_call=True,
    )
    def _compare(
        _clicks: int | None,
        _cancel: int | None,
        _tick: int | None,
        job_id: str | None,
        mode: str,
        scenario: Any,
        sets: Any,
        command: str,
        draws: Any,
        run_a: Any,
        run_b: Any,
        date_a: Any,
        date_b: Any,
        variant_a: Any,
        variant_b: Any,
    ) -> tuple[Any, ...]:
        import dash

        keep = dash.no_update
        idle = (None, True, True, False)
        if dash.ctx.triggered_id == "compare-button":

            def work(progress: Callable[[str, int, int], None]) -> dict[str, Any]:
                view = compare_view(
                    config,
                    mode,
                    scenario,
                    sets,
                    command=command,
                    draws=int(draws or 0),
                    run_a=run_a,
                    run_b=run_b,
                    date_a=(date_a or "").strip(),
                    date_b=(date_b or "").strip(),
                    variant_a=variant_a,
                    variant_b=variant_b,
                    progress=progress,
                )
                return {**asdict(view), "summary": view.summary}

            job, refused = submit_job(jobs, "compare", work)
            if job is None:
                return (refused, keep, keep, keep, *idle, "0", "1")
            return ("Computing…", [], styles, [], job.id, False, False, True, "0", "2")
        if dash.ctx.triggered_id == "compare-cancel" and job_id:
            jobs.cancel(job_id)
        job = jobs.get(job_id) if job_id else None
        if job is None:
            return ("", keep, keep, keep, *idle, "0", "1")
        finished, value, top, status = job_progress(job)
        if not finished:
            if (
                job.status == "running"
                and not job.cancel_event.is_set()
                and job.phase in ("side A", "side B")
            ):
                status = f"Computing {job.phase} ({job.done + 1} of 2)…"
            return (status, keep, keep, keep, job_id, False, False, True, value, top)
        if job.status == "done":
            result = job.result
            return (
                result["summary"],
                result["answers"],
                styles,
                result["inputs"],
                *idle,
                value,
                top,
            )
        return (status, keep, keep, keep, *idle, value, top)

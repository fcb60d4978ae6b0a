"""What several pages share: the computations on the open scenario (cached, so that pages
reading the same stores compute once) and the components every figure and table uses.

Computation is the library's (forecast, decide, explain, balance); this module only calls it
with the scenario of the stores (:func:`..state.open_scenario`) and keeps the last results.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

from ...worker import Worker
from ..state import open_scenario, set_items

#: The bargaining model of the what-if and decision views unless the page says otherwise.
DEFAULT_MODEL = "eum"

#: Figure downloads offered by the modebar (the Export page switches between them).
FIGURE_FORMATS = ("svg", "png")


def scenario_or_none(
    data: dict[str, str] | None, sets: dict[str, Any] | None = None
) -> tuple[Any, list[str]]:
    """``(scenario, problems)``: the scenario of the stores, or ``None`` with every problem
    as a line (``FILE:LINE: message``) when it does not validate."""
    from ....errors import InputError

    try:
        return open_scenario(data, sets), []
    except InputError as exc:
        return None, [str(p) for p in exc.problems]


def shown_only_on(tab: str | None, page: str) -> None:
    """Compute a page's views only while it is shown: every page is in the layout from the
    start, and without this each would compute on every change of the stores. Raises
    ``PreventUpdate`` (the outputs keep their values) when ``tab`` is another page; the
    page's callback runs again when its tab is chosen."""
    if tab != page:
        from dash.exceptions import PreventUpdate

        raise PreventUpdate


def _key(data: dict[str, str], sets: dict[str, Any] | None) -> tuple[str, str, tuple[str, ...]]:
    return data["label"], data["yaml"], set_items(sets)


def forecast_of(data: dict[str, str], sets: dict[str, Any] | None, model: str) -> Any:
    """The :class:`~equipoise.models.forecast.Forecast` of ``model`` on the scenario."""
    return _forecast(*_key(data, sets), model)


def decision_of(
    data: dict[str, str],
    sets: dict[str, Any] | None,
    model: str,
    variant: str | None = None,
    draws: int = 0,
) -> Any:
    """The decision: scores of every option under every doctrine, with ``draws`` SMAA draws
    (seed 0), :class:`~equipoise.decision.result.DecisionResult`."""
    return _decision(*_key(data, sets), model, variant, draws)


def balance_of(
    data: dict[str, str],
    sets: dict[str, Any] | None,
    as_of: str | None,
    hidden_layers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Structural balance on ``as_of`` (ISO date or None: the scenario's date) with the
    relations of ``hidden_layers`` left out; the JSON of ``balance --json``."""
    return _balance(*_key(data, sets), as_of, hidden_layers)


def _scenario(label: str, text: str, items: tuple[str, ...]) -> Any:
    from ..state import _cached

    return _cached(label, text, items)


@lru_cache(maxsize=32)
def _forecast(label: str, text: str, items: tuple[str, ...], model: str) -> Any:
    from ....models.api import forecast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return forecast(_scenario(label, text, items), model=model)


@lru_cache(maxsize=32)
def _decision(
    label: str, text: str, items: tuple[str, ...], model: str, variant: str | None, draws: int
) -> Any:
    from ....decision import decide

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return decide(
            _scenario(label, text, items), model=model, variant=variant, draws=draws, seed=0
        )


def stability_of(
    data: dict[str, str], sets: dict[str, Any] | None, model: str, variant: str | None = None
) -> dict[str, Any]:
    """How stable each doctrine's choice is, in words: ``{"ok": {"stability": [sentence per
    doctrine]}}`` or ``{"error": message}``. Item 2 of the explanation only
    (``explain(..., views=False)``): closed-form intervals on the decision's scores, no
    smallest-change problem, so it runs here, at once (what the what-if page shows)."""
    return _stability(*_key(data, sets), model, variant)


@lru_cache(maxsize=32)
def _stability(
    label: str, text: str, items: tuple[str, ...], model: str, variant: str | None
) -> dict[str, Any]:
    from ....decision.explain import explain
    from ....decision.explain.words import stability_sentence
    from ....errors import InputError, ModelInputError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            e = explain(_scenario(label, text, items), model=model, variant=variant, views=False)
    except (InputError, ModelInputError) as exc:
        return {"error": str(exc)}
    return {"ok": {"stability": [stability_sentence(e, doc) for doc in e.doctrines]}}


#: Seconds an explanation may take on a page before it is given up (its process killed).
EXPLAIN_SECONDS = 30.0
#: Seconds the exact smallest-change MILPs of one explanation may take together; views not
#: settled by then are marked "time limit" (decision.explain.explain's ``time_limit``).
EXPLAIN_TIME_LIMIT = 5.0


def explained_text(
    data: dict[str, str],
    sets: dict[str, Any] | None,
    model: str,
    search: bool = False,
    variant: str | None = None,
    seconds: float = EXPLAIN_SECONDS,
) -> dict[str, Any]:
    """What you would have to believe, as text (:func:`_explain_words`), computed in the
    explanation's worker process (:data:`EXPLAINER`), which is killed (and replaced) after
    ``seconds``: the exact smallest-change problem (a MILP) can take minutes on some changed
    scenarios, and a thread cannot be stopped. The worker is started once and kept, so an
    explanation costs its computation only, not a new interpreter's start-up and imports.

    Returns ``{"ok": {...}}``, ``{"error": message}`` or ``{"timeout": seconds}``; the
    successful answers are kept (same stores, same answer).
    """
    key = (*_key(data, sets), model, search, variant)
    if key in _explained:
        return _explained[key]
    scenario = _scenario(*_key(data, sets))
    answer = EXPLAINER.call(_explain_child, (scenario, model, search, variant), seconds)
    if answer.status == "ok":
        result: dict[str, Any] = answer.value
    elif answer.status == "timeout":
        result = {"timeout": seconds}
    elif answer.status == "failed":
        result = {"error": answer.value}
    else:
        result = {"error": "the explanation's process ended without an answer"}
    if "ok" in result:
        if len(_explained) > 32:
            _explained.pop(next(iter(_explained)))
        _explained[key] = result
    return result


_explained: dict[tuple[Any, ...], dict[str, Any]] = {}


def _explain_child(scenario: Any, model: str, search: bool, variant: str | None) -> dict[str, Any]:
    """In the worker: ``{"ok": _explain_words(...)}`` or ``{"error": message}``."""
    from ....errors import InputError, ModelInputError

    try:
        return {"ok": _explain_words(scenario, model, search, variant)}
    except (InputError, ModelInputError) as exc:
        return {"error": str(exc)}


def _warm_explainer() -> None:
    """The worker's start: explain the built-in case once, so that imports, the models'
    compiled code and the solvers are loaded before the first explanation asked for."""
    from ....io import load
    from ....scenarios import DEFAULT_SCENARIO

    _explain_words(load(DEFAULT_SCENARIO), DEFAULT_MODEL, False, None)


def _explain_words(scenario: Any, model: str, search: bool, variant: str | None) -> dict[str, Any]:
    """``{"stability": [sentence per doctrine], "believe": the report's believe_context}``."""
    from types import SimpleNamespace

    from ....decision.explain import explain
    from ....decision.explain.words import stability_sentence
    from ....report.believe import believe_context

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        e = explain(
            scenario, model=model, search=search, variant=variant, time_limit=EXPLAIN_TIME_LIMIT
        )
    # the explanation's own decision (draws=0): the same as decide(scenario, ...) again
    ctx = believe_context(SimpleNamespace(explanation=e, scenario=scenario, decision=e.decision))
    return {"stability": [stability_sentence(e, doc) for doc in e.doctrines], "believe": ctx}


#: The explanation's worker process (started by the first explanation, or by the server's
#: warm-up; ended at exit and when the server stops).
EXPLAINER = Worker(warm_up=_warm_explainer)


def without_layers(scenario: Any, hidden: tuple[str, ...]) -> Any:
    """The scenario without the relations whose kind belongs to a layer in ``hidden``."""
    if not hidden:
        return scenario
    from ....network.kinds import network_config

    config = network_config(scenario)

    def layer(kind: str) -> str:
        spec = config.kinds.get(kind)
        return spec.layer if spec is not None else ""

    kept = [r for r in scenario.relations if layer(r.kind) not in hidden]
    return scenario.model_copy(update={"relations": kept})


@lru_cache(maxsize=32)
def _balance(
    label: str, text: str, items: tuple[str, ...], as_of: str | None, hidden: tuple[str, ...]
) -> dict[str, Any]:
    from ....balance import balance_of_scenario

    scenario = without_layers(_scenario(label, text, items), hidden)
    return balance_of_scenario(scenario, as_of, time_limit=5.0, robust_time_limit=0.5).to_dict()


# -- background jobs -----------------------------------------------------------------------


def jobs_of(app: Any) -> Any:
    """The server's :class:`~equipoise.workbench.jobs.JobManager` (the one the JSON API's
    jobs use too): long work of the pages runs there, with progress, and can be cancelled."""
    return app.server.extensions["equipoise_jobs"]


def submit_job(jobs: Any, command: str, work: Any) -> tuple[Any, str | None]:
    """``(job, None)``, or ``(None, why)`` when the manager refuses it (too many jobs waiting,
    or the server stopping). ``work(progress)``; a refusal of the input (a scenario or an
    option the model refuses) fails the job with its message."""
    from ...api import error_of

    try:
        return jobs.submit(command, work, error_of), None
    except (OverflowError, RuntimeError) as exc:
        return None, f"Not started: {exc}."


def job_progress(job: Any, noun: str = "") -> tuple[bool, str, str, str]:
    """``(finished, value, max, status line)`` of a job, for a progress bar and its line
    (``noun``: what ``done``/``total`` count, e.g. "draws")."""
    total = max(job.total, 1)
    if job.status == "queued":
        return False, "0", "1", "Waiting for another job to finish…"
    if job.status == "running":
        if job.cancel_event.is_set():
            status = "Cancelling…"
        elif job.total:
            status = f"Running: {job.done} of {job.total}{' ' + noun if noun else ''}…"
        else:
            status = "Running…"
        return False, str(job.done), str(total), status
    if job.status == "done":
        return True, str(total), str(total), "Done."
    if job.status == "cancelled":
        return True, str(job.done), str(total), "Cancelled."
    return True, str(job.done), str(total), "Failed: " + "; ".join(job.errors)


# -- components ----------------------------------------------------------------------------


def graph(name: str, height: int = 420) -> Any:
    """A ``dcc.Graph`` whose modebar downloads the figure (SVG by default; the Export page
    switches every figure to PNG and back). ``name`` is its id and the download's file name."""
    from dash import dcc

    config: Any = graph_config(name, "svg")  # Dash's Config type: a plain dict is as good
    return dcc.Graph(
        id=name,
        figure=empty_figure(""),
        style={"height": f"{height}px"},
        className="wb-figure",
        config=config,
    )


def graph_config(name: str, fmt: str) -> dict[str, Any]:
    """The modebar of a figure: the download button saves ``name.FMT``."""
    return {
        "displaylogo": False,
        "responsive": True,
        # nothing leaves the machine: no "Share chart" (an upload to Plotly's cloud)
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "plotlyServerURL": "",
        "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud"],
        "toImageButtonOptions": {"format": fmt, "filename": name, "scale": 2},
    }


#: ids of every figure of every page (the Export page's format switch updates them all).
FIGURES: list[str] = []


def register_figure(name: str, height: int = 420) -> Any:
    """:func:`graph` and remember its id for the format switch."""
    if name not in FIGURES:
        FIGURES.append(name)
    return graph(name, height)


def empty_figure(message: str) -> dict[str, Any]:
    """A blank figure carrying ``message`` (no axes)."""
    return {
        "data": [],
        "layout": {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {
                    "text": message,
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                }
            ]
            if message
            else [],
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    }


def table(name: str, page_size: int = 50) -> Any:
    """A ``dash_table.DataTable`` with its own "Export" button (CSV of the whole table)."""
    from dash.dash_table.DataTable import DataTable

    return DataTable(
        id=name,
        data=[],
        columns=[],
        export_format="csv",
        export_headers="display",
        page_size=page_size,
        sort_action="native",
        style_table={"overflowX": "auto"},
        style_cell={
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
            "fontFamily": "inherit",
            "fontSize": "0.9rem",
            "maxWidth": "32rem",
        },
        style_header={"fontWeight": "bold"},
    )


def columns(*names: str | tuple[str, str]) -> list[dict[str, str]]:
    """DataTable columns: a name, or ``(id, header)``."""
    out = []
    for n in names:
        cid, header = (n, n) if isinstance(n, str) else n
        out.append({"id": cid, "name": header})
    return out


def not_explained(answer: dict[str, Any]) -> str:
    """The line shown for an explanation that did not come (:func:`explained_text`)."""
    if "timeout" in answer:
        return (
            f"Not explained: the explanation took more than {answer['timeout']:g} s and "
            "was stopped (the search for the smallest change of judgement is slow on "
            "some scenarios; `equipoise explain` computes it without a limit)."
        )
    return f"Not explained: {answer.get('error')}"


def no_scenario(problems: list[str] | None = None) -> str:
    """The line shown where a view has nothing to show."""
    if problems:
        return "The scenario does not validate (see Open): " + problems[0]
    return "No scenario open: choose one on the Open page."

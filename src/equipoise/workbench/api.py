"""The workbench's JSON API: what the page uses and scripts can call.

Every command endpoint returns the same JSON as the matching command's ``--json`` (both
are built by :mod:`equipoise.command_results`); errors are ``{"errors": ["FILE:LINE:
message", ...]}`` with status 400 (a malformed request), 404 (no such run or job), 413 (a
request over the size cap) or 422 (a scenario, or a ``set``, that does not validate).

The same work is offered as plain functions for the pages' callbacks, which take the
request as a dict and return the response's JSON (or raise :class:`ApiError`)::

    from equipoise.workbench import api
    api.run_forecast({"scenario": "nagorno-karabakh-2020", "model": ["eum"],
                      "set": {"stances.TUR.territory.position": 50}}, config)

Runs made through the API are recorded in the run store of ``config`` (``--store``), unless
the request says ``"record": false``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import InputError, ModelInputError
from .config import WorkbenchConfig
from .jobs import JobManager, Progress
from .payload import (
    OPTIONS,
    ApiError,
    BalanceOptions,
    DecideOptions,
    ExplainOptions,
    ForecastOptions,
    ValidateOptions,
    read_options,
    scenario_of,
    set_items,
)

__all__ = [
    "ApiError",
    "validate_scenario",
    "run_forecast",
    "run_decide",
    "run_explain",
    "run_balance",
    "diff_runs",
    "COMMANDS",
    "blueprint",
    "error_of",
]


def error_of(exc: BaseException) -> tuple[int, list[str]]:
    """``(status, error lines)`` of an exception raised while serving a request."""
    from ..decision.executor import MissingExtraError

    if isinstance(exc, ApiError):
        return exc.status, exc.errors
    if isinstance(exc, InputError):
        from ..store.engine import StoreError

        return (503 if isinstance(exc, StoreError) else 422), [str(p) for p in exc.problems]
    if isinstance(exc, (ModelInputError, MissingExtraError)):
        return 422, [f"error: {exc}"]
    raise exc


F = TypeVar("F", bound=Callable[..., Any])


def _refusals_as_api_errors(func: F) -> F:
    """Raise every refusal (a bad request, a scenario that does not validate, a model that
    refuses its input) as :class:`ApiError` with its status, for Python callers."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..decision.executor import MissingExtraError

        try:
            return func(*args, **kwargs)
        except (InputError, ModelInputError, MissingExtraError) as exc:
            status, errors = error_of(exc)
            raise ApiError(status, errors) from exc

    return wrapper  # type: ignore[return-value]


class _Run:
    """One API command run: the scenario loaded with its ``set`` items, recorded if asked."""

    def __init__(self, command: str, request: Any, config: WorkbenchConfig):
        from ..store.record import recording
        from .runstore import store_of

        self.request = request
        self.config = config
        params = request.model_dump(exclude={"scenario", "yaml", "label", "set", "record"})
        store = store_of(config) if request.record else None
        self._recording = recording(command, params, set_items(request), store)

    def __enter__(self) -> _Run:
        self._recording.__enter__()
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        return self._recording.__exit__(*exc)

    def scenario(self) -> Any:
        from ..store.record import use_scenario

        scenario, self.name = scenario_of(self.request, self.config)
        return use_scenario(scenario, self.name)

    @staticmethod
    def results(data: dict[str, Any]) -> dict[str, Any]:
        from ..store.record import record_results

        record_results(data)
        return data


def _config(config: WorkbenchConfig | None) -> WorkbenchConfig:
    return config or WorkbenchConfig()


@_refusals_as_api_errors
def validate_scenario(payload: Any, config: WorkbenchConfig | None = None) -> dict[str, Any]:
    """``validate --json``'s record of the request's scenario (with its ``set`` applied):
    ``{"input", "valid": true, "actors", "issues", "stances", "relations", "events"}``;
    raises for a scenario that does not validate (422, every problem with its line)."""
    from ..command_results import validation_json
    from ..whatif import apply_sets

    request = read_options(ValidateOptions, payload)
    scenario, name = scenario_of(request, _config(config))
    return validation_json(name, apply_sets(scenario, set_items(request)))


@_refusals_as_api_errors
def run_forecast(
    payload: Any, config: WorkbenchConfig | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``forecast --json`` of the request (options: ``model`` [list], ``rounds``,
    ``params`` {NAME: VALUE})."""
    from ..command_results import forecast_json, run_forecasts

    request = read_options(ForecastOptions, payload)
    with _Run("forecast", request, _config(config)) as run:
        scenario = run.scenario()
        fc = run_forecasts(
            scenario,
            models=request.model,
            rounds=request.rounds,
            params=request.params,
            name=run.name,
        )
        return run.results(forecast_json(fc))


@_refusals_as_api_errors
def run_decide(
    payload: Any, config: WorkbenchConfig | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``decide --json`` of the request (options as ``decide``'s: ``model``, ``variant``,
    ``draws``, ``seed``, ``rounds``, ``combinations``, ``models``, ``sensitivity``,
    ``sensitivity_n``, ``sensitivity_seed``, ``flip``, ``sign``/``weight``/``layer``
    {KIND: VALUE}, ``organisations``). The draws run in this thread (``workers=1``)."""
    from ..balance import with_network_overrides
    from ..command_results import choose_models, decide_json, decision_sweeps
    from ..decision import decide
    from ..decision.executor import Executor

    request = read_options(DecideOptions, payload)
    with _Run("decide", request, _config(config)) as run:
        scenario = with_network_overrides(run.scenario(), **request.network_overrides())
        _check_sweeps(request)
        executor = Executor(workers=1)
        models = choose_models(request.models, 1) if request.models else None
        result = decide(
            scenario,
            model=request.model,
            variant=request.variant,
            draws=request.draws,
            forecast_draws=request.forecast_draws,
            seed=request.seed,
            rounds=request.rounds,
            combinations=request.combinations,
            models=models,
            executor=executor,
            keep_draws=request.flip,
            progress=_phase(progress, "draws"),
        )
        sweeps = decision_sweeps(
            scenario,
            result,
            model=request.model,
            variant=request.variant,
            rounds=request.rounds,
            sensitivity=request.sensitivity_n if request.sensitivity else None,
            sensitivity_seed=request.sensitivity_seed,
            flip=request.flip,
            executor=executor,
            progress=_phase(progress, "sensitivity"),
        )
        return run.results(decide_json(result, sweeps))


def _phase(progress: Progress | None, phase: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(phase, done, total)


def _check_sweeps(request: DecideOptions) -> None:
    from ..decision.executor import require

    if request.sensitivity:
        from ..decision.sensitivity import check_n

        check_n(request.sensitivity_n)
        require("SALib", "explain", "sensitivity (Sobol indices)")
    if request.flip:
        if request.draws <= 0:
            raise ApiError(400, ["request: flip: needs SMAA draws; give draws 1 or more"])
        require("pandas", "explain", "flip (PRIM rule)")
        require("ema_workbench", "explain", "flip (PRIM rule)")


@_refusals_as_api_errors
def run_explain(
    payload: Any, config: WorkbenchConfig | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``explain --json`` of the request (options: ``model``, ``variant``, ``option``,
    ``doctrine``, ``rounds``, ``search``)."""
    from ..command_results import explain_json

    request = read_options(ExplainOptions, payload)
    with _Run("explain", request, _config(config)) as run:
        _result, data = explain_json(
            run.scenario(),
            model=request.model,
            variant=request.variant,
            option=request.option,
            doctrine=request.doctrine,
            rounds=request.rounds,
            search=request.search,
        )
        return run.results(data)


@_refusals_as_api_errors
def run_balance(
    payload: Any, config: WorkbenchConfig | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """``balance --json`` of the request (options: ``as_of``, ``compare`` [DATE1, DATE2],
    ``time_limit``, ``unweighted``, ``robust_time``, ``sign``/``weight``/``layer``,
    ``organisations``)."""
    from ..command_results import balance_json

    request = read_options(BalanceOptions, payload)
    with _Run("balance", request, _config(config)) as run:
        return run.results(
            balance_json(
                run.scenario(),
                as_of=request.as_of,
                time_limit=request.time_limit,
                weighted=not request.unweighted,
                compare=request.compare,
                robust_time=request.robust_time,
                **request.network_overrides(),
            )
        )


#: The commands of the API (and of background jobs): name -> function(payload, config,
#: progress).
COMMANDS: dict[str, Callable[..., dict[str, Any]]] = {
    "forecast": run_forecast,
    "decide": run_decide,
    "explain": run_explain,
    "balance": run_balance,
}


@_refusals_as_api_errors
def diff_runs(payload: Any, config: WorkbenchConfig | None = None) -> dict[str, Any]:
    """``runs diff --json`` of two sides, plus their labels:
    ``{"a": LABEL, "b": LABEL, "inputs": [{"path", "a", "b"}, ...], "answers": [...]}``.

    ``payload``: ``{"a": SIDE, "b": SIDE, "commands": [...], "options": {COMMAND: {...}}}``
    where a SIDE is a run id (or unique prefix) or a scenario request ``{"scenario" |
    "yaml", "set", "as_of", "variant"}``. Scenario sides are computed with ``commands``
    (default: forecast and decide) and their ``options`` (default: as the commands'), or,
    when the other side is a run, like that run.
    """
    from .compare import diff_sides

    return diff_sides(payload, _config(config))


def blueprint(config: WorkbenchConfig, jobs: JobManager | None = None) -> Any:
    """The Flask blueprint of ``/api/...`` (``jobs``: the server's background jobs)."""
    import flask

    from ..strict_json import dumps

    bp = flask.Blueprint("api", __name__, url_prefix="/api")
    jobs = jobs or JobManager(config.max_jobs)

    def reply(data: Any, status: int = 200) -> Any:
        return flask.Response(dumps(data, indent=None), status=status, mimetype="application/json")

    def body() -> Any:
        data = flask.request.get_json(silent=True)
        if data is None:
            raise ApiError(400, ["request: expected a JSON body (Content-Type: application/json)"])
        return data

    @bp.errorhandler(ApiError)
    @bp.errorhandler(InputError)
    @bp.errorhandler(ModelInputError)
    def _refused(exc: Exception) -> Any:
        status, errors = error_of(exc)
        return reply({"errors": errors}, status)

    @bp.app_errorhandler(413)
    def _too_large(exc: Exception) -> Any:
        return reply(
            {"errors": [f"request: larger than the cap of {config.max_upload_bytes:,} bytes"]}, 413
        )

    @bp.errorhandler(Exception)
    def _bug(exc: Exception) -> Any:
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return reply({"errors": [f"request: {exc.description}"]}, exc.code or 500)
        import traceback

        traceback.print_exc()
        return reply({"errors": [f"internal error: {exc!r}"]}, 500)

    @bp.get("/scenarios")
    def scenarios() -> Any:
        from ..command_results import scenarios_json

        return reply(scenarios_json())

    @bp.post("/validate")
    def validate() -> Any:
        return reply(validate_scenario(body(), config))

    def command_view(name: str) -> Callable[[], Any]:
        def view() -> Any:
            return reply(COMMANDS[name](body(), config))

        view.__name__ = f"command_{name}"
        return view

    for name in COMMANDS:
        bp.add_url_rule(f"/{name}", view_func=command_view(name), methods=["POST"])

    @bp.get("/runs")
    def runs() -> Any:
        from .runstore import list_runs

        args = flask.request.args
        try:
            limit = int(args.get("limit", "20"))
        except ValueError:
            raise ApiError(400, ["request: limit: expected a whole number"]) from None
        return reply(
            list_runs(
                config, limit=limit or None, command=args.get("command"), status=args.get("status")
            )
        )

    @bp.get("/runs/<run_id>")
    def run(run_id: str) -> Any:
        from .runstore import show_run

        return reply(show_run(config, run_id))

    @bp.post("/runs/diff")
    def diff() -> Any:
        return reply(diff_runs(body(), config))

    @bp.post("/jobs")
    def submit_job() -> Any:
        payload = body()
        if not isinstance(payload, dict) or payload.get("command") not in COMMANDS:
            raise ApiError(400, ["request: command: expected one of " + ", ".join(COMMANDS)])
        command = payload["command"]
        request = {k: v for k, v in payload.items() if k != "command"}
        func = COMMANDS[command]
        read_options(OPTIONS[command], request)  # a malformed request is refused now
        try:
            job = jobs.submit(command, lambda progress: func(request, config, progress), error_of)
        except OverflowError as exc:
            return reply({"errors": [f"error: {exc}"]}, 429)
        except RuntimeError as exc:
            return reply({"errors": [f"error: {exc}"]}, 503)
        return reply(job.to_dict(), 202)

    @bp.get("/jobs")
    def list_jobs() -> Any:
        return reply([j.to_dict(result=False) for j in jobs.all_jobs()])

    def job_or_404(job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            raise ApiError(
                404,
                [
                    f"{job_id}: no such job (finished jobs are kept while "
                    "the server runs, the newest 50)"
                ],
            )
        return job

    @bp.get("/jobs/<job_id>")
    def job(job_id: str) -> Any:
        return reply(job_or_404(job_id).to_dict())

    @bp.delete("/jobs/<job_id>")
    def cancel_job(job_id: str) -> Any:
        job_or_404(job_id)
        return reply(jobs.cancel(job_id).to_dict(result=False))  # type: ignore[union-attr]

    bp.record_once(lambda state: state.app.extensions.__setitem__("equipoise_jobs", jobs))
    return bp

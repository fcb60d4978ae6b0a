"""Recording a command's run: a decorator for the command and two calls inside it.

::

    @app.command()
    @handles_input_errors
    @recorded("forecast")          # adds --store, --no-store and --set to the command
    def forecast(input, ...):
        s = load_scenario(input)   # loads, applies --set, records the input
        ...
        record_results(data)       # the JSON the command prints

The run is inserted (status ``running``) when its input is loaded and completed when the
command returns (``done``), fails (``failed``) or is interrupted by Ctrl-C (``interrupted``);
the completing transaction is written with SIGINT held back, so it is whole or absent.
A command made with ``recorded(..., draws=True)`` also takes ``--store-draws``: it asks
:func:`draws_requested` and hands its decisions to :func:`record_draws`, whose rows are
written in that same transaction (a Ctrl-C while they are written rolls it back and records
the run as interrupted).
:func:`compute` runs a command without printing or recording, for ``rerun`` and ``runs diff``.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from ..signals import sigint_held

__all__ = [
    "recorded",
    "recording",
    "load_scenario",
    "use_scenario",
    "record_input_text",
    "record_results",
    "draws_requested",
    "record_draws",
    "compute",
    "COMMANDS",
    "Captured",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Recorded commands: name -> (the decorated command, the name of its input parameter).
COMMANDS: dict[str, tuple[Callable[..., Any], str]] = {}

#: Parameters that only change how a result is shown, where it is written or where the work
#: runs (the sweeps' results are identical on every backend): not recorded, so that ``rerun``
#: never needs a worker count or a Dask scheduler that may be gone.
_PRESENTATION = frozenset({"json_", "out_dir", "workers", "scheduler"})


class Captured(Exception):
    """Raised by :func:`record_results` when only computing: the command stops there."""

    def __init__(self, results: Any):
        super().__init__("captured")
        self.results = results


@dataclass
class _Run:
    command: str
    params: dict[str, Any]
    sets: list[str]
    url: str | None
    capture: bool = False
    store: Any = None
    run_id: str | None = None
    results: Any = None
    scenario: Any = None
    input_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    store_draws: bool = False  # --store-draws: the SMAA draws are recorded too
    draws: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # rows by table

    def open(self, explicit: bool) -> None:
        """Open the store. The default store (none named) that cannot be created, e.g. in a
        read-only home, only costs the recording, with a warning; a named store that cannot
        be opened, or any store that is unusable (corrupt, newer), is an error."""
        if self.url is None or self.capture:
            return
        from .engine import StoreError, open_store

        try:
            self.store = open_store(self.url)
        except StoreError as exc:
            if explicit or not exc.unreachable:
                raise
            import sys

            sys.stderr.write(f"warning: this run is not recorded: {exc}\n")

    def begin(self, kind: str, text: str, name: str | None, scenario: Any = None) -> None:
        """Record the start of the run, now that its input is known."""
        self.scenario = scenario
        self.input_name = name
        if self.store is None or self.run_id is not None:
            return
        import hashlib

        from .. import __version__
        from .runs import insert_run, new_run_id

        digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        seed = self.params.get("seed")
        run_id = new_run_id()
        insert_run(
            self.store,
            run_id=run_id,
            command=self.command,
            params=self.params,
            seed=seed if isinstance(seed, int) else None,
            version=__version__,
            input_kind=kind,
            input_text=text,
            input_hash=digest,
            input_name=name,
            scenario_id=getattr(scenario, "id", None),
            title=getattr(scenario, "title", None),
            sets=self.sets,
        )
        self.run_id = run_id

    def finish(self, status: str, error: str | None = None) -> None:
        """Complete the run in one transaction, Ctrl-C held back. A Ctrl-C while the draws
        (``--store-draws``) are written rolls that transaction back and records the run as
        interrupted instead (then raises KeyboardInterrupt)."""
        if self.store is None or self.run_id is None:
            return
        from .runs import complete_run

        with sigint_held() as pending:
            if status != "done" or not self.draws:
                complete_run(
                    self.store,
                    self.run_id,
                    status,
                    self.results if status == "done" else None,
                    error,
                )
                return
            from .draws import DrawsStopped

            try:
                complete_run(
                    self.store,
                    self.run_id,
                    status,
                    self.results,
                    error,
                    draws=self.draws,
                    stop=lambda: bool(pending),
                )
            except DrawsStopped:
                complete_run(
                    self.store,
                    self.run_id,
                    "interrupted",
                    None,
                    "interrupted by the user (SIGINT) while its draws were written",
                )


_CURRENT: contextvars.ContextVar[_Run | None] = contextvars.ContextVar(
    "equipoise_run", default=None
)


@contextmanager
def recording(command: str, params: dict[str, Any], sets: list[str], store: Any) -> Iterator[None]:
    """Record one run made without the command line (the workbench's API) in the open
    ``store`` (``None``: not recorded, but ``sets`` still applied).

    Inside, :func:`use_scenario` applies ``sets`` and records the input (nothing is recorded
    if that fails) and :func:`record_results` hands over the results. The run ends ``done``,
    or ``failed`` on an exception (``interrupted`` if the exception has
    ``run_status = "interrupted"``, e.g. a cancelled background job).
    """
    run = _Run(command, {k: _jsonable(v) for k, v in params.items()}, list(sets), None)
    run.store = store
    token = _CURRENT.set(run)
    try:
        yield
    except BaseException as exc:
        status = getattr(exc, "run_status", "failed")
        run.finish(status, str(exc) or type(exc).__name__)
        raise
    else:
        run.finish("done")
    finally:
        _CURRENT.reset(token)


def _canonical(scenario: Any) -> str:
    """The scenario's canonical JSON (sorted keys, compact): its hash is the scenario hash."""
    import json

    from ..io.scenario_file import scenario_to_data

    return json.dumps(
        scenario_to_data(scenario), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def load_scenario(input: str) -> Any:
    """Load ``input`` for the current run: ``--set`` applied, the scenario recorded."""
    from ..io import load

    scenario = load(input)
    return use_scenario(scenario, input)


def use_scenario(scenario: Any, name: str | None) -> Any:
    """Apply the run's ``--set`` items to ``scenario`` and record it as the run's input."""
    run = _CURRENT.get()
    if run is None:
        return scenario
    if run.sets:
        from ..whatif import apply_sets

        scenario = apply_sets(scenario, run.sets)
    # the canonical text only when it is recorded (it costs a full serialisation)
    text = _canonical(scenario) if run.store is not None and run.run_id is None else ""
    run.begin("scenario", text, name, scenario)
    return scenario


def record_input_text(kind: str, name: str, text: str) -> None:
    """Record a non-scenario input (a DEU table, an edge list) by its text."""
    run = _CURRENT.get()
    if run is None:
        return
    if run.sets:
        from ..errors import InputError

        raise InputError(f"--set changes a scenario; this input is a {kind}", "--set")
    run.begin(kind, text, name)


def record_results(results: Any) -> None:
    """Hand the command's results (the JSON it prints) to the current run."""
    run = _CURRENT.get()
    if run is None:
        return
    run.results = results
    if run.capture:
        raise Captured(results)


def draws_requested() -> bool:
    """Whether the current run records its SMAA draws (``--store-draws``): the command then
    keeps them (``decide(..., keep_draws=True)``) and hands them to :func:`record_draws`."""
    run = _CURRENT.get()
    return run is not None and run.store_draws and run.store is not None


def record_draws(variant: str, decision: Any) -> None:
    """Hand a decision's kept SMAA draws (``decision.draws_kept``) to the current run, under
    ``variant`` ('' for none); written when the run completes, in the same transaction."""
    run = _CURRENT.get()
    kept = getattr(decision, "draws_kept", None)
    if run is None or not draws_requested() or run.run_id is None or kept is None:
        return
    from .draws import draw_rows

    for table, rows in draw_rows(run.run_id, variant, kept, list(decision.models)).items():
        run.draws.setdefault(table, []).extend(rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


StoreOpt = Annotated[
    Optional[str],
    typer.Option(
        "--store",
        metavar="URL",
        rich_help_panel="Run store",
        help="Record the run in this store: sqlite:///FILE, postgresql://..., or a "
        "file path (default: $EQUIPOISE_STORE, else runs.sqlite in your data "
        "folder).",
    ),
]
NoStoreOpt = Annotated[
    bool, typer.Option("--no-store", rich_help_panel="Run store", help="Do not record this run.")
]
StoreDrawsOpt = Annotated[
    bool,
    typer.Option(
        "--store-draws",
        rich_help_panel="Run store",
        help="Also record every SMAA draw (its model, doctrine and weights, "
        "each option's utility and rank) in the run store's smaa_draw* "
        "tables.",
    ),
]
SetOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        rich_help_panel="What-if",
        help="Change one value of the scenario for this run (repeatable), e.g. "
        "--set stances.TUR.territory.position=50 or --set "
        "options.mediate.criteria.risk=2; checked like the file.",
    ),
]


def recorded(
    command: str, *, sets: bool = True, input_param: str = "input", draws: bool = False
) -> Callable[[F], F]:
    """Record every run of the decorated command in the run store.

    Adds ``--store URL`` and ``--no-store`` (and ``--set PATH=VALUE`` unless ``sets=False``,
    ``--store-draws`` if ``draws=True``: the command calls :func:`draws_requested` and
    :func:`record_draws`) to the command's options.
    """

    def decorate(func: F) -> F:
        sig = inspect.signature(func, eval_str=True)  # typer reads evaluated annotations

        @functools.wraps(func)
        def wrapper(
            *args: Any,
            store: str | None = None,
            no_store: bool = False,
            set_: list[str] | None = None,
            store_draws: bool = False,
            _capture: dict[str, Any] | None = None,
            **kwargs: Any,
        ) -> Any:
            from .location import ENV_VAR, resolve_store_url

            bound = sig.bind_partial(*args, **kwargs)
            params = {
                k: _jsonable(v)
                for k, v in bound.arguments.items()
                if k not in _PRESENTATION and k != input_param
            }
            run = _Run(
                command,
                params,
                list(set_ or []),
                resolve_store_url(store, no_store),
                capture=_capture is not None,
                store_draws=store_draws and _capture is None,
            )
            if _capture is not None:
                _capture["run"] = run
            if run.store_draws and run.url is None:
                from ..errors import InputError

                raise InputError(
                    "--store-draws records the draws in the run store, which "
                    "is turned off (--no-store or EQUIPOISE_STORE=none); give "
                    "one or the other",
                    "--store-draws",
                )
            run.open(explicit=bool(store) or bool(os.environ.get(ENV_VAR, "").strip()))
            token = _CURRENT.set(run)
            try:
                value = func(*args, **kwargs)
            except Captured:
                raise
            except KeyboardInterrupt:
                run.finish("interrupted", "interrupted by the user (SIGINT)")
                raise
            except typer.Exit as exc:
                code = getattr(exc, "exit_code", 0)
                if code:
                    run.finish("failed", f"exit status {code}")
                else:
                    run.finish("done")
                raise
            except BaseException as exc:
                run.finish("failed", str(exc) or type(exc).__name__)
                raise
            else:
                run.finish("done")
                return value
            finally:
                _CURRENT.reset(token)
                if run.store is not None:
                    run.store.dispose()

        extra = [
            inspect.Parameter(
                "store", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=StoreOpt
            ),
            inspect.Parameter(
                "no_store", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=NoStoreOpt
            ),
        ]
        if sets:
            extra.append(
                inspect.Parameter(
                    "set_", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=SetOpt
                )
            )
        if draws:
            extra.append(
                inspect.Parameter(
                    "store_draws",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=False,
                    annotation=StoreDrawsOpt,
                )
            )
        params = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            else p
            for p in sig.parameters.values()
        ]
        wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **getattr(func, "__annotations__", {}),
            **{p.name: p.annotation for p in extra},
        }
        COMMANDS[command] = (wrapper, input_param)
        return wrapper  # type: ignore[return-value]

    return decorate


def compute(
    command: str, input_path: str, params: dict[str, Any], sets: list[str] | None = None
) -> tuple[Any, Any]:
    """Run ``command`` on ``input_path`` with ``params`` without printing or recording.

    Returns ``(scenario, results)``: the scenario as run (``None`` for a table or an edge
    list) and the results the command would print.
    """
    if command not in COMMANDS:
        from ..errors import InputError

        raise InputError(f"the command '{command}' is not known to this equipoise", command)
    func, input_param = COMMANDS[command]
    accepted = inspect.signature(func).parameters
    kwargs = {
        k: (tuple(v) if isinstance(v, list) and k == "compare" else v)
        for k, v in params.items()
        if k in accepted
    }
    kwargs[input_param] = input_path
    if "json_" in accepted:
        kwargs["json_"] = True
    out_dir: Path | None = None
    if "out_dir" in accepted:
        import tempfile

        out_dir = kwargs["out_dir"] = Path(tempfile.mkdtemp(prefix="equipoise-rerun-"))
    holder: dict[str, Any] = {}
    try:
        func(**kwargs, no_store=True, _capture=holder, **({"set_": sets} if sets else {}))
    except Captured as done:
        return holder["run"].scenario, done.results
    finally:
        if out_dir is not None:
            import shutil

            shutil.rmtree(out_dir, ignore_errors=True)
    from ..errors import InputError

    raise InputError(f"the command '{command}' gave no results", command)

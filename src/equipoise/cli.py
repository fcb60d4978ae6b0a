"""The ``equipoise`` command: a thin layer that parses, calls the library, prints.

Every command that takes an INPUT accepts a file (scenario YAML/JSON, KTAB CSV, decide
input, DEU table, signed edge list — detected by content) or the name of a built-in
scenario. Bad input is reported as ``FILE:LINE: message`` on stderr with exit status 2.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional, TypeVar

import typer

from . import __version__
from .errors import EXIT_BAD_INPUT, InputError, ModelInputError
from .limits import EXPLAIN_TIME_LIMIT, MAX_DRAWS, MAX_ROUNDS
from .network.kinds import COMBINATION_RULE as _COMBINATION_RULE
from .store.record import load_scenario, record_input_text, record_results, recorded

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="equipoise",
    help=(
        "Analyse a great power's balancing act in a regional conflict: who is aligned with "
        "whom, how the bargaining will settle, and what the balancer should do.\n\n"
        "Start with `equipoise analyze` (the built-in 2020 Nagorno-Karabakh scenario) or "
        "`equipoise show nagorno-karabakh-2020`."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)


def _stdout_console() -> Console:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    if not console.is_terminal:  # piped or captured: wide enough for the tables, not 80 columns
        console = Console(highlight=False, soft_wrap=True, width=160, emoji=False)
    return console


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class _LazyConsole:
    """A rich :class:`~rich.console.Console` made when first used: a command that prints
    only JSON (or nothing) does not import rich's console (the start-up time)."""

    def __init__(self, make: Callable[[], Console]):
        self._make = make
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = self._make()
        return getattr(self._console, name)


out: Console = _LazyConsole(_stdout_console)  # type: ignore[assignment]
err: Console = _LazyConsole(_stderr_console)  # type: ignore[assignment]

F = TypeVar("F", bound=Callable[..., Any])

InputArg = Annotated[
    str,
    typer.Argument(
        metavar="INPUT",
        help="A scenario file (YAML/JSON), KTAB CSV, decide input, DEU table or signed edge "
        "list — or a built-in scenario name (see `equipoise scenarios`).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
# The round cap of the iterative models, shared by every command that forecasts.
ForecastRoundsOpt = Annotated[
    Optional[int],
    typer.Option(
        "--rounds",
        min=0,
        max=MAX_ROUNDS,
        help="Round cap of the iterative models (default: 50, "
        "the convergence horizon, so the forecasts do not depend on it; exchange mode=decide: "
        "10).",
    ),
]
RoundsOpt = Annotated[
    Optional[int],
    typer.Option(
        "--rounds",
        min=1,
        max=MAX_ROUNDS,
        help="Round cap of the iterative models (default: 50, the convergence horizon).",
    ),
]

# The relations network's options, shared by every command that builds the network.
SignOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--sign",
        metavar="KIND=SIGN",
        rich_help_panel="Relations network",
        help="Override a relation kind's sign: 1, -1 or 0 (neutral, no tie), e.g. "
        "--sign arms-supply=-1 (repeatable).",
    ),
]
WeightOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--weight",
        metavar="KIND=W",
        rich_help_panel="Relations network",
        help="Override a relation kind's weight (> 0), e.g. --weight sanctions=2.",
    ),
]
LayerOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--layer",
        metavar="KIND=LAYER",
        rich_help_panel="Relations network",
        help="Move a relation kind to another layer (or declare a new kind with "
        "--layer and --sign), e.g. --layer support=security.",
    ),
]
OrganisationsOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--organisations/--no-organisations",
        rich_help_panel="Relations network",
        help="Bring organisations and memberships into the balance computation "
        "(default: left out, they are context; or the scenario's network: setting).",
    ),
]


def _network_overrides(
    sign: list[str] | None,
    weight: list[str] | None,
    layer: list[str] | None,
    organisations: bool | None,
) -> dict[str, Any]:
    from .balance import parse_kind_overrides

    return parse_kind_overrides(sign, weight, layer, organisations)


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        err.print(line, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def handles_input_errors(func: F) -> F:
    """Turn library errors into ``FILE:LINE: message`` lines and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            _fail([str(p) for p in exc.problems])
        except ModelInputError as exc:
            _fail([f"error: {exc}"])
        except OSError as exc:  # a file or folder that cannot be read or written
            where = exc.filename if exc.filename is not None else "error"
            _fail([f"{where}: {exc.strerror or exc}"])
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    from .strict_json import dumps

    sys.stdout.write(dumps(data) + "\n")


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"equipoise {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool],
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = None,
) -> None:
    """equipoise command line."""


@app.command()
@handles_input_errors
def scenarios(json_: JsonOpt = False) -> None:
    """List the built-in scenarios (usable wherever an INPUT is asked for)."""
    from .command_results import scenarios_json

    rows = scenarios_json()
    if json_:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table(title="Built-in scenarios", title_justify="left")
    for col in ("name", "title", "as of", "actors", "issues"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["title"], r["as_of"], str(r["actors"]), str(r["issues"]))
    out.print(table)


@app.command()
@handles_input_errors
def validate(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUT...", help="Files or built-in names.")
    ],
    json_: JsonOpt = False,
) -> None:
    """Check inputs and report every problem as FILE:LINE: message (exit status 2 if any)."""
    from .io import load

    problems: list[str] = []
    results = []
    for item in inputs:
        try:
            s = load(item)
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
            results.append(
                {"input": item, "valid": False, "problems": [str(p) for p in exc.problems]}
            )
            continue
        from .command_results import validation_json

        results.append(validation_json(item, s))
        if not json_:
            out.print(
                f"[green]ok[/green] {item}: {len(s.actors)} actors, {len(s.issues)} "
                f"issues, {len(s.stances)} stances, {len(s.relations)} relations, "
                f"{len(s.events)} events"
            )
    if json_:
        _print_json(results)
    if problems:
        if json_:
            raise typer.Exit(EXIT_BAD_INPUT)
        _fail(problems)


@app.command()
@handles_input_errors
def show(
    input: InputArg,
    section: Annotated[
        Optional[list[str]],
        typer.Option(
            "--section",
            "-s",
            help="Only these sections (repeatable): actors, issues, stances, "
            "relations, events, red_lines, options, variants, doctrines, checkpoints, "
            "actual_choice.",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Show a scenario as tables: actors, issues, stances, relations, events, red lines,
    options, variants, doctrines, checkpoints and the actual choice."""
    from .display import SHOW_SECTIONS, scenario_tables
    from .io import load
    from .io.scenario_file import scenario_to_data

    unknown = [name for name in section or [] if name not in SHOW_SECTIONS]
    if unknown:
        _fail(
            [
                f"--section: unknown section {', '.join(map(repr, unknown))}; expected one of "
                + ", ".join(SHOW_SECTIONS)
            ]
        )
    s = load(input)
    if json_:
        _print_json(scenario_to_data(s))
        return
    out.print(scenario_tables(s, set(section) if section else None))


@app.command()
@handles_input_errors
def new(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the scenario.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write a commented, valid example scenario to FILE, to edit into your own."""
    from importlib import resources

    from .io.atomic import check_target, write_text

    if (path.exists() or path.is_symlink()) and not force:
        _fail([f"{path}: exists; choose another name or add --force to overwrite it"])
    check_target(path)
    text = (resources.files("equipoise") / "templates" / "scenario.yaml").read_text("utf-8")
    write_text(path, text)
    err.print(f"wrote {path}; next: equipoise validate {path}")


@app.command()
@handles_input_errors
def schema(
    output: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors and validators)."""
    from .io.atomic import check_target, write_text
    from .scenario import scenario_json_schema

    if output is not None:
        check_target(output)
    from .strict_json import dumps

    text = dumps(scenario_json_schema()) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)
        err.print(f"wrote {output}")


@app.command()
@handles_input_errors
def convert(
    input: InputArg,
    output: Annotated[Path, typer.Argument(metavar="OUT", help="Output file.")],
    to: Annotated[
        Optional[str],
        typer.Option(
            "--to",
            help="Output format: scenario, ktab, decide, deu, edgelist "
            "(default: from OUT's suffix: .yaml/.json scenario, .csv ktab, .tsv deu).",
        ),
    ] = None,
    from_: Annotated[
        Optional[str],
        typer.Option("--from", help="Input format (default: detected from the content)."),
    ] = None,
) -> None:
    """Convert between formats: scenario YAML/JSON, KTAB CSV, decide, DEU table, edge list."""
    from .io import FORMATS, load, save
    from .io.atomic import check_target

    check_target(output)  # before the work: a device, FIFO or symlink is never replaced
    for name, value in (("--to", to), ("--from", from_)):
        if value is not None and value not in FORMATS:
            _fail(
                [f"error: {name} {value!r} is not a format; expected one of {', '.join(FORMATS)}"]
            )
    s = load(input, format=from_)
    save(s, output, format=to)
    err.print(f"wrote {output}")


ModelOpt = Annotated[
    str, typer.Option("--model", "-m", help="Bargaining model: mean, median, eum, exchange.")
]


def _models_for(names: list[str] | None, n_issues: int) -> list[str]:
    from .command_results import choose_models

    return choose_models(names, n_issues)


def _bargained(scenario: Any) -> int:
    """Issues the models bargain over (unilateral issues set aside; all decided: any model)."""
    from .command_results import bargained

    return bargained(scenario)


@app.command()
@handles_input_errors
@recorded("forecast")
def forecast(
    input: InputArg,
    model: Annotated[
        Optional[list[str]],
        typer.Option(
            "--model",
            "-m",
            help="Model to run (repeatable): mean, median, eum, exchange. Default: all that apply.",
        ),
    ] = None,
    rounds: ForecastRoundsOpt = None,
    param: Annotated[
        Optional[list[str]],
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="A model parameter (repeatable), e.g. -p Q=0.5 -p profile=masad2014 "
            "for eum; given to the chosen models that take it.",
        ),
    ] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Print the iterative models' history of actor "
            "positions (one position per state, as KTAB's log) on every issue; "
            "without it, only on the issue spaces.",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Forecast the outcome of every issue with the bargaining models."""
    from .command_results import forecast_json, parse_param_items, run_forecasts

    s = load_scenario(input)
    results = run_forecasts(
        s, models=model, rounds=rounds, params=parse_param_items(param), name=input
    )
    data = forecast_json(results)
    record_results(data)
    if json_:
        _print_json(data)
        return
    from .display import forecast_tables

    names = {i.id: i.name for i in s.issues}
    actual = {i.id: i.outcome.value if i.outcome else None for i in s.issues}
    out.print(
        forecast_tables(
            names, results, actual if any(v is not None for v in actual.values()) else None
        )
    )
    _print_position_history(s, results, every_issue=history)


def _print_position_history(scenario: Any, results: dict[str, Any], every_issue: bool) -> None:
    """The iterative forecasts' position history per issue space (``every_issue``: also on
    the issues outside a space)."""
    from .display_history import history_tables
    from .models.spaces import issue_spaces, space_history

    histories = [
        h
        for sp in issue_spaces(scenario)
        if sp.declared or every_issue
        for fc in results.values()
        if (h := space_history(fc, sp)) is not None
    ]
    if histories:
        out.print(history_tables(histories))


@app.command()
@handles_input_errors
@recorded("backtest", sets=False, input_param="data")
def backtest(
    data: Annotated[str, typer.Argument(metavar="DATA", help="A DEU-style table (TSV/CSV).")],
    format: Annotated[str, typer.Option("--format", help="Data format (only 'deu').")] = "deu",
    model: Annotated[
        Optional[list[str]],
        typer.Option("--model", "-m", help="Model to score (repeatable). Default: all four."),
    ] = None,
    equal_capability: Annotated[
        bool,
        typer.Option(
            "--equal-capability", help="Give every actor capability 1 instead of the GDP row."
        ),
    ] = False,
    rounds: ForecastRoundsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Score the models against real outcomes (mean absolute error) with two baselines."""
    from .backtest import backtest_deu
    from .display import backtest_table
    from .io import resolve
    from .io.deu import read_deu_table
    from .io.document import read_text
    from .progress import progress_bar

    if format != "deu":
        _fail([f"error: --format {format!r} is not supported; the backtest reads 'deu' tables"])
    path = resolve(data)
    text = read_text(path)
    record_input_text("deu-table", data, text)
    table = read_deu_table(data, text)
    with progress_bar("Backtesting models", enabled=not json_) as report:
        result = backtest_deu(
            table,
            _models_for(model, 2),
            equal_capability=equal_capability,
            rounds=rounds,
            progress=report,
        )
    record_results(result.to_dict())
    if json_:
        _print_json(result.to_dict())
        return
    out.print(backtest_table(result))


@app.command(
    help=(
        "Structural balance of the relations network: camps, frustrated ties, cross-pressure, "
        "whether the camps are robust, and which layers carry the strain.\n\n"
        "Relation kinds sit in layers (security, supply, diplomatic, economic, conflict, "
        "third-party, institutional); see the README. " + _COMBINATION_RULE + "\n\n"
        "`--compare DATE1 DATE2` lists the ties, unbalanced triads and camps that changed."
    )
)
@handles_input_errors
@recorded("balance")
def balance(
    input: InputArg,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Only relations valid on this date (YYYY-MM-DD); default: the scenario's as_of.",
        ),
    ] = None,
    compare: Annotated[
        Optional[tuple[str, str]],
        typer.Option(
            "--compare",
            metavar="DATE1 DATE2",
            help="Compare the network on two dates: ties, triads and camps that changed.",
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.01,
            help="Seconds for the exact solver, for the whole "
            "command (shared by the dates it analyses).",
        ),
    ] = 60.0,
    unweighted: Annotated[
        bool, typer.Option("--unweighted", help="Count ties instead of weighing them.")
    ] = False,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="Edge lists: merge duplicate ties (documented rule) instead of refusing them.",
        ),
    ] = False,
    robust_time: Annotated[
        float,
        typer.Option(
            "--robust-time",
            min=0.0,
            metavar="SECONDS",
            help="Seconds for deciding whose camp is fixed across optimal "
            "splits, for the whole command (an equal part per date); 0 skips "
            "it. Actors left undecided are listed.",
        ),
    ] = 2.0,
    sign: SignOpt = None,
    weight: WeightOpt = None,
    layer: LayerOpt = None,
    organisations: OrganisationsOpt = None,
    json_: JsonOpt = False,
) -> None:
    from .balance import balance_of_input
    from .store.record import use_scenario

    report, lines = balance_of_input(
        input,
        as_of=as_of,
        time_limit=time_limit,
        weighted=not unweighted,
        merge=merge,
        compare=compare,
        robust_time=robust_time,
        prepare=lambda sc: use_scenario(sc, input),
        on_edgelist=lambda text: record_input_text("edgelist", input, text),
        **_network_overrides(sign, weight, layer, organisations),
    )
    data = report.to_dict()
    record_results(data)
    if json_:
        _print_json(data)
        return
    for line in lines:
        out.print(line, markup=False)


# Sensitivity, flip rules and where the sweeps run (issue 10 items 4-6).
SensitivityOpt = Annotated[
    bool,
    typer.Option(
        "--sensitivity",
        rich_help_panel="Sensitivity and sweeps",
        help="Sobol indices (SALib) of each option's score and of the robust option's margin, "
        "by kind of judgement and by actor. Needs: pip install 'equipoise[explain]'.",
    ),
]
SensitivityNOpt = Annotated[
    int,
    typer.Option(
        "--sensitivity-n",
        metavar="N",
        rich_help_panel="Sensitivity and sweeps",
        help="Sobol base samples, a power of 2 (N x (groups + 2) evaluations per grouping).",
    ),
]
SensitivitySeedOpt = Annotated[
    int,
    typer.Option(
        "--sensitivity-seed",
        rich_help_panel="Sensitivity and sweeps",
        help="Seed of the Sobol sample and its bootstrap (non-zero).",
    ),
]
FlipOpt = Annotated[
    bool,
    typer.Option(
        "--flip",
        rich_help_panel="Sensitivity and sweeps",
        help="A short rule (PRIM) for the SMAA draws in which the robust option loses first "
        "rank, with its coverage and density. Needs: pip install 'equipoise[explain]'.",
    ),
]
ForecastDrawsOpt = Annotated[
    Optional[int],
    typer.Option(
        "--forecast-draws",
        min=1,
        metavar="F",
        rich_help_panel="Sensitivity and sweeps",
        help="Distinct perturbed forecasts the SMAA draws share (draw n uses forecast n mod "
        "F; at most --draws). Default: one per draw unless the case is large (draws x "
        "actors² x issue forecasts x rounds over 1e9), then max(10, 1e9 // the work of "
        "one draw).",
    ),
]
WorkersOpt = Annotated[
    Optional[int],
    typer.Option(
        "--workers",
        min=1,
        rich_help_panel="Sensitivity and sweeps",
        help="Local worker processes for the draws and samples (default: all cores).",
    ),
]
SchedulerOpt = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        rich_help_panel="Sensitivity and sweeps",
        help="Run the draws and samples on this Dask scheduler (default: $EQUIPOISE_SCHEDULER, "
        "else local processes). Needs: pip install 'equipoise[dask]'.",
    ),
]


def _sweep_executor(workers: int | None, scheduler: str | None) -> Any:
    from .decision.executor import executor_from

    return executor_from(workers, scheduler)


def _check_sweep_flags(sensitivity: bool, n: int, seed: int, flip: bool, draws: int) -> None:
    """Refuse bad sensitivity/flip flags before any work, with what to install."""
    from .decision.executor import require

    if sensitivity:
        from .decision.sensitivity import check_n

        check_n(n)
        if seed == 0:
            _fail(["error: --sensitivity-seed must be non-zero"])
        require("SALib", "explain", "--sensitivity (Sobol indices)")
    if flip:
        if draws <= 0:
            _fail(["error: --flip needs SMAA draws; give --draws 1 or more"])
        require("pandas", "explain", "--flip (PRIM rule)")
        require("ema_workbench", "explain", "--flip (PRIM rule)")


@app.command()
@handles_input_errors
@recorded("decide", draws=True)
def decide(
    input: InputArg,
    model: ModelOpt = "eum",
    variant: Annotated[
        Optional[str], typer.Option("--variant", help="Evaluate under this what-if variant.")
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws", min=0, max=MAX_DRAWS, help="SMAA draws (0: deterministic scores only)."
        ),
    ] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same result).")
    ] = 0,
    rounds: RoundsOpt = None,
    sign: SignOpt = None,
    weight: WeightOpt = None,
    layer: LayerOpt = None,
    organisations: OrganisationsOpt = None,
    combinations: Annotated[
        int,
        typer.Option(
            "--combinations",
            min=0,
            metavar="K",
            help="Also evaluate every compatible package of up to K options.",
        ),
    ] = 0,
    models: Annotated[
        Optional[str],
        typer.Option(
            "--models",
            metavar="M1,M2,...",
            help="Bargaining models the SMAA draws use in turn (e.g. mean,median,eum).",
        ),
    ] = None,
    sensitivity: SensitivityOpt = False,
    sensitivity_n: SensitivityNOpt = 1024,
    sensitivity_seed: SensitivitySeedOpt = 1,
    flip: FlipOpt = False,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    json_: JsonOpt = False,
    forecast_draws: ForecastDrawsOpt = None,
) -> None:
    """Score the balancer's options under every doctrine, and how robust the choice is."""
    from .balance import with_network_overrides
    from .decision import decide as run_decide
    from .display import decision_tables
    from .progress import progress_bar
    from .store.record import draws_requested, record_draws

    s = with_network_overrides(
        load_scenario(input), **_network_overrides(sign, weight, layer, organisations)
    )
    _check_sweep_flags(sensitivity, sensitivity_n, sensitivity_seed, flip, draws)
    executor = _sweep_executor(workers, scheduler)
    with progress_bar("Forecasts of the SMAA draws", enabled=not json_ and draws > 0) as report:
        result = run_decide(
            s,
            model=model,
            variant=variant,
            draws=draws,
            seed=seed,
            rounds=rounds,
            progress=report,
            combinations=combinations,
            models=_models_for([m.strip() for m in models.split(",") if m.strip()], 1)
            if models
            else None,
            executor=executor,
            keep_draws=flip or draws_requested(),
            forecast_draws=forecast_draws,
        )
    record_draws(variant or "", result)
    from .command_results import decide_json, decision_sweeps

    with progress_bar("Sobol samples", enabled=not json_ and sensitivity) as report:
        sweeps = decision_sweeps(
            s,
            result,
            model=model,
            variant=variant,
            rounds=rounds,
            sensitivity=sensitivity_n if sensitivity else None,
            sensitivity_seed=sensitivity_seed,
            flip=flip,
            executor=executor,
            progress=report,
        )
    data = decide_json(result, sweeps)
    record_results(data)
    if json_:
        _print_json(data)
        return
    out.print(decision_tables(result))
    _print_sweeps(sweeps, result.option_names)


def _print_sweeps(sweeps: dict[str, Any], option_names: dict[str, str]) -> None:
    from .display_sweeps import flip_text, sensitivity_tables

    if "flip_rule" in sweeps:
        out.print(flip_text(sweeps["flip_rule"], option_names))
    if "sensitivity" in sweeps:
        out.print(sensitivity_tables(sweeps["sensitivity"], option_names))


@app.command()
@handles_input_errors
@recorded("explain")
def explain(
    input: InputArg,
    option: Annotated[
        Optional[str],
        typer.Option(
            "--option",
            help="Explain this option (default: every option; the sentences for "
            "the actual choice and the option most doctrines pick).",
        ),
    ] = None,
    doctrine: Annotated[
        Optional[str], typer.Option("--doctrine", help="Only this doctrine (or '(any weights)').")
    ] = None,
    variant: Annotated[
        Optional[str], typer.Option("--variant", help="Explain under this what-if variant.")
    ] = None,
    model: ModelOpt = "eum",
    rounds: RoundsOpt = None,
    search: Annotated[
        bool,
        typer.Option(
            "--search/--no-search",
            help="Also search (approximately) the smallest single "
            "change of a stance, capability or tie weight.",
        ),
    ] = True,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.01,
            help="Seconds the exact smallest changes of judgement and then the "
            "search may take together; what is not settled by then is shown as 'time limit' "
            "(the search says how many inputs it covered).",
        ),
    ] = EXPLAIN_TIME_LIMIT,
    json_: JsonOpt = False,
) -> None:
    """What you would have to believe for each option to be first: exact favourable weights,
    stability intervals and the smallest change of judgement."""
    from .command_results import explain_json
    from .decision.explain.tables import explanation_renderables
    from .decision.explain.words import focus_options

    s = load_scenario(input)
    result, data = explain_json(
        s,
        model=model,
        variant=variant,
        option=option,
        doctrine=doctrine,
        rounds=rounds,
        search=search,
        time_limit=time_limit,
    )
    record_results(data)
    if json_:
        _print_json(data)
        return
    actual = list(s.actual_choice.options) if s.actual_choice is not None else []
    focus = [option] if option else focus_options(result, actual, result.decision.robust_option())
    for item in explanation_renderables(result, focus):
        out.print(item)


@app.command()
@handles_input_errors
@recorded("analyze", draws=True)
def analyze(
    input: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[INPUT]",
            help="Scenario file or built-in name (default: nagorno-karabakh-2020).",
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and results.json.")
    ] = Path("equipoise-report"),
    model: Annotated[
        Optional[list[str]],
        typer.Option(
            "--model",
            "-m",
            help="Bargaining model (repeatable): mean, median, eum, "
            "exchange. Default: all that apply; the decision uses eum if chosen.",
        ),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", min=0, max=MAX_DRAWS, help="SMAA draws.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 0,
    rounds: RoundsOpt = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.01,
            help="Seconds for the exact balance solver, shared by the dates analysed.",
        ),
    ] = 60.0,
    sign: SignOpt = None,
    weight: WeightOpt = None,
    layer: LayerOpt = None,
    organisations: OrganisationsOpt = None,
    sensitivity: SensitivityOpt = False,
    sensitivity_n: SensitivityNOpt = 1024,
    sensitivity_seed: SensitivitySeedOpt = 1,
    flip: FlipOpt = False,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    forecast_draws: ForecastDrawsOpt = None,
) -> None:
    """Run every analysis the scenario supports; write DIR/report.html and DIR/results.json."""
    from .analysis import run_analysis
    from .balance import with_network_overrides
    from .display import analysis_summary
    from .progress import step_progress
    from .report import write_report
    from .scenarios import DEFAULT_SCENARIO
    from .store.record import draws_requested, record_draws

    s = with_network_overrides(
        load_scenario(input or DEFAULT_SCENARIO),
        **_network_overrides(sign, weight, layer, organisations),
    )
    chosen = _models_for(model, _bargained(s)) if model else None
    _check_sweep_flags(sensitivity, sensitivity_n, sensitivity_seed, flip, draws)
    executor = _sweep_executor(workers, scheduler)
    if out_dir.exists() and not out_dir.is_dir():
        _fail([f"{out_dir}: exists and is not a folder; expected a folder for the report"])
    out_dir.mkdir(parents=True, exist_ok=True)  # fail now, not after the analysis
    from .io.atomic import check_target

    for target in ("report.html", "results.json"):
        check_target(out_dir / target)
    with step_progress() as (step, report):
        analysis = run_analysis(
            s,
            models=chosen,
            draws=draws,
            seed=seed,
            rounds=rounds,
            time_limit=time_limit,
            step=step,
            progress=report,
            sensitivity=sensitivity_n if sensitivity else None,
            sensitivity_seed=sensitivity_seed,
            flip=flip,
            executor=executor,
            keep_draws=draws_requested(),
            forecast_draws=forecast_draws,
        )
        record_results(analysis.to_dict())
        record_draws("", analysis.decision)
        for variant_id, variant_result in analysis.variants.items():
            record_draws(variant_id, variant_result)
        step("drawing the report")
        written = write_report(analysis, out_dir, progress=report)
    out.print(analysis_summary(analysis), soft_wrap=False)
    for path in written.values():
        out.print(f"wrote {path}")


from . import cli_runs as _cli_runs  # noqa: E402  (adds `runs` and `rerun` to the app)

if __name__ == "__main__":  # pragma: no cover
    _cli_runs.register(app)  # `python -m equipoise.cli`: this module's own copy of the app
    app()


@app.command()
@handles_input_errors
def serve(
    input: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[INPUT]", help="Scenario to open first (a file or a built-in name)."
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8050,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on (loopback only unless --allow-remote)."),
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a --host other than loopback (anyone who can reach "
            "the port can use the workbench).",
        ),
    ] = False,
    store: Annotated[
        Optional[str],
        typer.Option(
            "--store",
            help="Run store URL for the runs made in the workbench (default: "
            "EQUIPOISE_STORE or the user's store; none: do not record).",
        ),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
) -> None:
    """Start the workbench: a local web app to edit a scenario and watch the answers change."""
    try:
        from .workbench.config import WorkbenchConfig
        from .workbench.server import serve as run_server
    except ImportError as exc:  # the workbench extra is not installed
        _fail(
            [
                f"error: the workbench needs Dash ({exc}); "
                "install it with: pip install 'equipoise[workbench]'"
            ]
        )
    if input is not None:
        from .io import load

        load(input)  # a bad scenario is reported now (exit 2), not in the browser
    run_server(
        WorkbenchConfig(input=input, store=store, host=host, port=port, allow_remote=allow_remote),
        open_browser=not no_browser,
    )

"""``equipoise runs list | show | diff | export | rm`` and ``equipoise rerun`` (formatting only;
the work is in :mod:`equipoise.store`)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import cli as _cli
from .cli import JsonOpt, _fail, _print_json, err, handles_input_errors, out
from .store.record import StoreOpt
from .strict_json import dumps

runs_app = typer.Typer(
    name="runs",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    help="The runs recorded in the run store: list, show, diff, export, rm.\n\n"
    "Every run of analyze, forecast, decide, explain, balance and backtest is recorded (unless "
    "--no-store) in the store named by --store or $EQUIPOISE_STORE, by default runs.sqlite "
    "in your data folder.",
)


def register(app: typer.Typer) -> None:
    """Add ``runs`` and ``rerun`` to the ``equipoise`` app."""
    app.add_typer(runs_app, name="runs")
    app.command("rerun")(handles_input_errors(rerun))


def _open(store: str | None) -> Any:
    from .store import open_store, resolve_store_url

    url = resolve_store_url(store)
    if url is None:
        _fail(["error: the run store is turned off (EQUIPOISE_STORE=none); give --store URL"])
    return open_store(url)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, dict)):
        return dumps(value, indent=None)
    return str(value)


@runs_app.command("list")
@handles_input_errors
def list_(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="Newest N runs (0: all).")
    ] = 20,
    command: Annotated[
        Optional[str], typer.Option("--command", help="Only this command's runs.")
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status", help="Only runs in this status: running, done, failed, interrupted."
        ),
    ] = None,
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List recorded runs, newest first."""
    from .store.runs import STATUSES, list_runs

    if status is not None and status not in STATUSES:
        _fail([f"error: --status {status!r}; expected one of {', '.join(STATUSES)}"])
    s = _open(store)
    try:
        rows = list_runs(s, limit=limit or None, command=command, status=status)
    finally:
        s.dispose()
    if json_:
        import sys

        keys = ("id", "command", "status", "scenario_hash", "seed", "version", "started")
        # one run a line (the C encoder: thousands of runs in a few milliseconds)
        lines = ["  " + json.dumps({k: r[k] for k in keys}, ensure_ascii=False) for r in rows]
        sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n")
        return
    if not rows:
        out.print(f"No runs in {s.where}.")
        return
    from rich.table import Table

    table = Table(title=f"Runs in {s.where} (newest first)", title_justify="left")
    for col in ("id", "started (UTC)", "command", "status", "input", "scenario", "seed"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["id"],
            (r["started"] or "")[:19].replace("T", " "),
            r["command"],
            r["status"],
            r["input"] or "",
            (r["scenario_hash"] or "")[7:19],
            _cell(r["seed"]),
        )
    out.print(table)


@runs_app.command("show")
@handles_input_errors
def show(
    run: Annotated[str, typer.Argument(metavar="ID", help="A run id (or a unique prefix).")],
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one run: what was run, on what, and its answers."""
    from .store.digest import answers_digest
    from .store.runs import get_run

    s = _open(store)
    try:
        row = get_run(s, run)
    finally:
        s.dispose()
    if json_:
        _print_json(row.to_dict())
        return
    from rich.table import Table

    meta = Table(title=f"Run {row.id}", title_justify="left", show_header=False)
    meta.add_column("field")
    meta.add_column("value")
    for k, v in (
        ("command", row.command),
        ("status", row.status),
        ("started", row.started),
        ("ended", row.ended),
        ("input", row.input_name),
        ("scenario", row.title),
        ("scenario hash", row.scenario_hash),
        ("seed", row.seed),
        ("equipoise", row.version),
        ("--set", " ".join(row.sets) or None),
        ("parameters", row.params),
        ("error", row.error),
        ("draws stored", row.draws_stored or None),
    ):
        if v is not None:
            meta.add_row(k, _cell(v))
    out.print(meta)
    answers = answers_digest(row.results)
    if answers:
        table = Table(title="Answers", title_justify="left")
        table.add_column("path")
        table.add_column("value")
        for path, value in answers.items():
            table.add_row(path, _cell(value))
        out.print(table)


def _side(item: str, store_url: str | None, as_of: str | None, template: Any, draws: int) -> Any:
    """One side of a diff (:class:`~equipoise.store.compare.Side`): a stored run, or a
    scenario computed like ``template`` (a run) or like ``analyze``."""
    from .io import resolve
    from .store.compare import computed_side, run_side

    is_file = Path(item).exists()
    if not is_file and store_url is not None:
        from .store import open_store

        s = open_store(store_url)
        try:
            from .store.engine import StoreError

            try:
                side = run_side(s, item)
            except StoreError:
                side = None
            if side is not None:
                if as_of is not None:
                    _fail([f"error: --as-of applies to scenarios, and {item} is a run"])
                return side
        finally:
            s.dispose()
    resolve(item)  # a clear message for a name that is neither a run, a file nor built-in
    command, params = (
        ("analyze", {"draws": draws}) if template is None else (template.command, template.params)
    )
    sets = [f"as_of={as_of}"] if as_of else None
    label = item + (f" as of {as_of}" if as_of else "") + f" ({command})"
    return computed_side(item, command, params, sets, label)


@runs_app.command("diff")
@handles_input_errors
def diff(
    a: Annotated[
        str, typer.Argument(metavar="A", help="A run id, a scenario file or a built-in name.")
    ],
    b: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[B]", help="Another run or scenario (default: A again, with two --as-of)."
        ),
    ] = None,
    as_of: Annotated[
        Optional[list[str]],
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Compute a scenario as of this date (once: both sides; twice: A then B).",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option("--draws", min=0, help="SMAA draws when a scenario is computed (as analyze)."),
    ] = 1000,
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """What changed between two runs, a run and a scenario, two scenarios, or one scenario at
    two dates: in the inputs (stances, relations, options, judgements) and in the answers
    (forecasts, camps, frustrated ties, rankings, acceptabilities)."""
    from .store import resolve_store_url
    from .store.compare import compare

    dates = list(as_of or [])
    if len(dates) > 2:
        _fail(["error: --as-of at most twice (A's date, then B's)"])
    if b is None:
        if len(dates) != 2:
            _fail(["error: give two runs or scenarios A B, or one scenario and --as-of twice"])
        b = a
    date_a = dates[0] if dates else None
    date_b = dates[-1] if dates else None
    url = resolve_store_url(store)
    side_a = _side(a, url, date_a, None, draws)
    side_b = _side(b, url, date_b, side_a.run, draws)
    if side_a.run is None and side_b.run is not None:  # compute A like run B
        side_a = _side(a, url, date_a, side_b.run, draws)
    result = compare(side_a, side_b).to_dict()
    if json_:
        _print_json(result)
        return
    out.print(f"A: {side_a.label}\nB: {side_b.label}")
    _diff_tables(result)


def _diff_tables(result: dict[str, list[dict[str, Any]]]) -> None:
    from rich.table import Table

    for part, title in (("inputs", "Inputs"), ("answers", "Answers")):
        if part not in result:
            continue
        rows = result[part]
        if not rows:
            out.print(f"{title}: no differences.")
            continue
        table = Table(title=f"{title} that differ ({len(rows)})", title_justify="left")
        for col in ("path", "A", "B"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["path"], _cell(r["a"]), _cell(r["b"]))
        out.print(table)


@runs_app.command("export")
@handles_input_errors
def export(
    ids: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="[ID...]", help="Runs to export (default: all)."),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    no_draws: Annotated[
        bool,
        typer.Option(
            "--no-draws",
            help="Leave out the SMAA draws stored with --store-draws (their number "
            "stays, as draws_stored).",
        ),
    ] = False,
    store: StoreOpt = None,
    json_: JsonOpt = True,
) -> None:
    """Export runs as JSON (each with its parameters, results, the scenario it ran on and
    the SMAA draws stored with it), to share them."""
    from .store.draws import read_draws
    from .store.runs import get_input, get_run, list_runs

    s = _open(store)
    try:
        names = ids or [r["id"] for r in list_runs(s)]
        records = []
        for name in names:
            row = get_run(s, name)
            rec = row.to_dict()
            if row.scenario_hash:
                kind, content = get_input(s, row.scenario_hash)
                rec["input_content"] = {
                    "kind": kind,
                    "content": json.loads(content) if kind == "scenario" else content,
                }
            if row.draws_stored and not no_draws:
                rec["draws"] = read_draws(s, row.id)
            records.append(rec)
    finally:
        s.dispose()
    text = dumps(records) + "\n"
    if output is None:
        import sys

        sys.stdout.write(text)
        return
    from .io.atomic import check_target, write_text

    check_target(output)
    write_text(output, text)
    err.print(f"wrote {len(records)} runs to {output}")


@runs_app.command("rm")
@handles_input_errors
def rm(
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Runs to delete.")],
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Delete runs from the store."""
    from .store.runs import delete_runs, resolve_run_id

    s = _open(store)
    try:
        full = [resolve_run_id(s, i) for i in ids]
        delete_runs(s, full)
    finally:
        s.dispose()
    if json_:
        _print_json({"removed": full})
        return
    out.print(f"removed {len(full)} run{'s' if len(full) != 1 else ''}: {', '.join(full)}")


_SUFFIX = {"scenario": ".json", "deu-table": ".tsv", "edgelist": ".txt"}


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _renamed(value: Any, old: str, new: str) -> Any:
    """``value`` with the text ``old`` (the rerun's temporary file) read as ``new``."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _renamed(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return value


def rerun(
    run: Annotated[str, typer.Argument(metavar="ID", help="A run id (or a unique prefix).")],
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the rerun.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Run a recorded run again (same command, parameters and scenario) and say whether the
    results are identical (exit status 0) or not (exit status 1, with what differs)."""
    from . import __version__
    from .store.digest import answers_digest, every_value
    from .store.digest import diff as diff_digests
    from .store.record import compute
    from .store.runs import complete_run, get_input, get_run, insert_run, new_run_id, to_json

    s = _open(store)
    try:
        row = get_run(s, run)
        if row.status != "done" or row.results is None:
            _fail([f"{row.id}: the run is {row.status}, with no results to compare"])
        input_hash = row.scenario_hash
        if input_hash is None:
            _fail([f"{row.id}: the run's input was not recorded; it cannot be rerun"])
        kind, content = get_input(s, input_hash)
        with tempfile.TemporaryDirectory(prefix="equipoise-rerun-") as tmp:
            name = (row.scenario_id or "input") + _SUFFIX.get(kind, ".txt")
            path = os.path.join(tmp, name)
            Path(path).write_text(content, encoding="utf-8")
            _, results = compute(row.command, path, row.params)
            results = _renamed(results, path, row.input_name or path)
        old = json.loads(to_json(_without_timings(row.results)))
        new = json.loads(to_json(_without_timings(results)))
        identical = old == new
        differences = (
            [] if identical else diff_digests(answers_digest(old), answers_digest(new), tol=0.0)
        )
        if not identical and not differences:  # the answers agree; say which values do not
            differences = diff_digests(every_value(old), every_value(new), tol=0.0)
        new_id = None
        if not no_store:
            new_id = new_run_id()
            insert_run(
                s,
                run_id=new_id,
                command=row.command,
                params=row.params,
                seed=row.seed,
                version=__version__,
                input_kind=kind,
                input_text=content,
                input_hash=input_hash,
                input_name=row.input_name,
                scenario_id=row.scenario_id,
                title=row.title,
                sets=row.sets,
            )
            complete_run(s, new_id, "done", results)
    finally:
        s.dispose()
    if json_:
        _print_json(
            {
                "run": row.id,
                "rerun": new_id,
                "identical": identical,
                "version": {"run": row.version, "rerun": __version__},
                "differences": differences,
            }
        )
    else:
        said = f" (recorded as {new_id})" if new_id else ""
        if identical:
            out.print(f"Rerun of {row.id} ({row.command}){said}: results identical.")
        else:
            out.print(
                f"Rerun of {row.id} ({row.command}){said}: results DIFFER"
                + (
                    f" (run made by equipoise {row.version}, rerun by {__version__})"
                    if row.version != __version__
                    else ""
                )
                + "."
            )
            _diff_tables({"answers": differences[:40]})
            if len(differences) > 40:
                out.print(f"... and {len(differences) - 40} more (--json lists them all).")
    if not identical:
        raise typer.Exit(1)


register(_cli.app)

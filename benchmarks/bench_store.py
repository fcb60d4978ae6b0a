"""Benchmarks of the run store (issue 13): what recording adds to ``analyze``, ``runs list``
on a store of 10,000 runs, ``runs diff`` of two analyze runs.

    .venv/bin/python benchmarks/bench_store.py            # prints the figures
    .venv/bin/python -m pytest benchmarks/bench_store.py --benchmark-only

Targets: recording < 5 % of ``analyze`` on the built-in case; ``runs list`` on 10,000 runs
< 0.5 s; ``runs diff`` of two analyze runs < 1 s. Everything runs in-process (Python start-up
and imports, the same with or without the store, are not counted); SQLite stores in a
temporary folder.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from equipoise.cli import app

CASE = "nagorno-karabakh-2020"
runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _analysis_results(sets: list[str] | None = None, draws: int = 1000) -> tuple[object, dict]:
    from equipoise.store.record import compute

    return compute("analyze", CASE, {"draws": draws}, sets)


def recording_cost(repeat: int = 5) -> dict[str, float]:
    """Seconds the store adds to one analyze run (open, insert, complete) vs the analysis."""
    from equipoise.store import open_store
    from equipoise.store.record import _canonical
    from equipoise.store.runs import complete_run, insert_run, new_run_id

    _analysis_results(draws=50)  # warm-up (imports, compiled kernels)
    start = time.perf_counter()
    scenario, results = _analysis_results()
    analysis = time.perf_counter() - start
    costs = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/runs.sqlite"
        open_store(url).dispose()  # the schema exists, as it does after the first run
        for _ in range(repeat):
            t = time.perf_counter()
            store = open_store(url)
            text = _canonical(scenario)
            import hashlib

            digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
            run_id = new_run_id()
            insert_run(
                store,
                run_id=run_id,
                command="analyze",
                params={"draws": 1000},
                seed=0,
                version="bench",
                input_kind="scenario",
                input_text=text,
                input_hash=digest,
                input_name=CASE,
                scenario_id=CASE,
                title="t",
                sets=[],
            )
            complete_run(store, run_id, "done", results)
            store.dispose()
            costs.append(time.perf_counter() - t)
    cost = statistics.median(costs)
    return {"analysis_s": analysis, "recording_s": cost, "share": cost / analysis}


def whole_command(repeat: int = 3) -> dict[str, float]:
    """``equipoise analyze`` in-process with recording, the time spent in the store measured
    inside the command (open, insert, complete): its share of the whole command, robust to
    the load of a shared machine since both are measured in the same runs."""
    import equipoise.store.engine as engine
    import equipoise.store.record as record
    import equipoise.store.runs as runs

    spent: list[float] = []

    def timed(func):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - t)

        return wrapper

    originals = (engine.open_store, runs.insert_run, runs.complete_run)
    engine.open_store, runs.insert_run, runs.complete_run = map(timed, originals)
    shares, totals = [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = f"sqlite:///{tmp}/runs.sqlite"
            for _ in range(repeat):
                spent.clear()
                t = time.perf_counter()
                invoke("analyze", CASE, "-o", f"{tmp}/report", "--store", store)
                total = time.perf_counter() - t
                totals.append(total)
                shares.append(sum(spent) / total)
    finally:
        engine.open_store, runs.insert_run, runs.complete_run = originals
    assert record  # the recorder imports these functions lazily, so the patches apply
    return {"command_s": statistics.median(totals), "share": statistics.median(shares)}


def filled_store(tmp: str, n: int = 10_000) -> str:
    """A store of ``n`` done runs (forecast-sized results), written in bulk."""
    import datetime as dt

    from equipoise.store import open_store
    from equipoise.store.runs import new_run_id, to_json
    from equipoise.store.schema import run_inputs, runs

    url = f"sqlite:///{tmp}/big.sqlite"
    store = open_store(url)
    results = json.loads(invoke("forecast", CASE, "-m", "mean", "--json", "--no-store"))
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with store.write() as conn:
        conn.execute(
            run_inputs.insert().values(hash="sha256:x", kind="scenario", content="{}", created=base)
        )
        conn.execute(
            runs.insert(),
            [
                {
                    "id": new_run_id(),
                    "command": "forecast",
                    "status": "done",
                    "started": base + dt.timedelta(seconds=k),
                    "ended": base,
                    "params": "{}",
                    "seed": k,
                    "version": "bench",
                    "input_hash": "sha256:x",
                    "input_name": CASE,
                    "results": to_json(results),
                    "sets": "[]",
                }
                for k in range(n)
            ],
        )
    store.dispose()
    return url


def list_times(url: str, repeat: int = 5) -> dict[str, float]:
    out = {}
    for label, args in (("all, --json", ["--limit", "0", "--json"]), ("newest 20, table", [])):
        ts = []
        for _ in range(repeat):
            t = time.perf_counter()
            text = invoke("runs", "list", *args, "--store", url)
            ts.append(time.perf_counter() - t)
        if "--json" in args:
            assert len(json.loads(text)) == 10_000
        out[label] = min(ts)
    return out


def diff_time(repeat: int = 5) -> float:
    from equipoise.store import open_store
    from equipoise.store.record import _canonical
    from equipoise.store.runs import complete_run, insert_run

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/runs.sqlite"
        store = open_store(url)
        for run_id, sets in (
            ("aaaa00000001", None),
            ("aaaa00000002", ["stances.TUR.territory.position=50"]),
        ):
            scenario, results = _analysis_results(sets, draws=200)
            text = _canonical(scenario)
            insert_run(
                store,
                run_id=run_id,
                command="analyze",
                params={"draws": 200},
                seed=0,
                version="bench",
                input_kind="scenario",
                input_text=text,
                input_hash="sha256:" + run_id,
                input_name=CASE,
                scenario_id=CASE,
                title="t",
                sets=sets or [],
            )
            complete_run(store, run_id, "done", results)
        store.dispose()
        ts = []
        for _ in range(repeat):
            t = time.perf_counter()
            text = invoke("runs", "diff", "aaaa00000001", "aaaa00000002", "--json", "--store", url)
            ts.append(time.perf_counter() - t)
        assert json.loads(text)["inputs"]
    return min(ts)


def synthetic_draws(n: int = 10_000, m: int = 9, k: int = 12, seed: int = 0) -> object:
    """Kept SMAA draws of the built-in case's size (9 options, 12 criteria, 7 doctrines):
    random normalised values and weights on the simplex (only the shapes matter here)."""
    from types import SimpleNamespace

    import numpy as np

    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        values=rng.random((n, m, k)),
        weights=rng.dirichlet(np.ones(k), size=n),
        doctrine=rng.integers(0, 7, size=n),
        doctrines=[f"doctrine-{j}" for j in range(7)],
        options=[f"option-{i}" for i in range(m)],
        criteria=[f"criterion-{j}" for j in range(k)],
        inputs=SimpleNamespace(model=np.zeros(n, dtype=int)),
    )


def draws_write_time(url: str, n: int = 10_000, repeat: int = 3) -> dict[str, float]:
    """``--store-draws`` for ``n`` draws: building the rows, and completing the run with them
    (one transaction, batched inserts), each the best of ``repeat``."""
    from equipoise.store import open_store
    from equipoise.store.draws import draw_rows
    from equipoise.store.runs import complete_run, insert_run, new_run_id

    kept = synthetic_draws(n)
    store = open_store(url)
    build, write = [], []
    try:
        for _ in range(repeat):
            run_id = new_run_id()
            insert_run(
                store,
                run_id=run_id,
                command="decide",
                params={},
                seed=0,
                version="bench",
                input_kind="scenario",
                input_text="{}",
                input_hash="sha256:draws",
                input_name=CASE,
                scenario_id=CASE,
                title="t",
                sets=[],
            )
            t = time.perf_counter()
            rows = draw_rows(run_id, "", kept, ["eum"])
            build.append(time.perf_counter() - t)
            t = time.perf_counter()
            complete_run(store, run_id, "done", {"acceptability": {}}, draws=rows)
            write.append(time.perf_counter() - t)
    finally:
        store.dispose()
    rows_n = sum(len(v) for v in rows.values())
    return {"rows": rows_n, "build_s": min(build), "write_s": min(write)}


def test_list_10000_runs(benchmark) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = filled_store(tmp)
        benchmark.pedantic(
            invoke,
            args=("runs", "list", "--limit", "0", "--json", "--store", url),
            rounds=3,
            iterations=1,
        )


if __name__ == "__main__":
    cost = recording_cost()
    print(
        f"analyze (analysis only, 1,000 draws): {cost['analysis_s']:.2f} s; recording "
        f"(open, insert, complete with results): {cost['recording_s'] * 1000:.0f} ms = "
        f"{cost['share']:.1%}"
    )
    whole = whole_command()
    print(
        f"analyze whole command (median of 3): {whole['command_s']:.2f} s, of which the "
        f"store {whole['share']:.1%}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        url = filled_store(tmp)
        size = Path(tmp, "big.sqlite").stat().st_size
        for label, t in list_times(url).items():
            print(f"runs list, 10,000 runs ({size / 1e6:.0f} MB store), {label}: {t:.3f} s")
    print(f"runs diff of two analyze runs (--json): {diff_time():.3f} s")
    import os

    urls = {"SQLite": None}
    if os.environ.get("EQUIPOISE_TEST_POSTGRES"):  # sh .ci/with-postgres python ...
        urls["PostgreSQL"] = os.environ["EQUIPOISE_TEST_POSTGRES"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    for label, url in urls.items():
        with tempfile.TemporaryDirectory() as tmp:
            d = draws_write_time(url or f"sqlite:///{tmp}/draws.sqlite")
        print(
            f"--store-draws, 10,000 draws ({d['rows']:,} rows), {label}: rows built in "
            f"{d['build_s']:.2f} s, written in {d['write_s']:.2f} s (one transaction)"
        )

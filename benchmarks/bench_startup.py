"""Whole-process time of the command line (issues 12 item 6, 15 and 16): start-up included.

    .venv/bin/python benchmarks/bench_startup.py [RUNS]     # the README's rows

Each command runs RUNS times (default 7) as a fresh process of the installed ``equipoise``
script; the figures are the minimum wall-clock time and the minimum CPU time (user + sys of
the child) over the runs. On a machine shared with other jobs the minimum is the figure least
disturbed by them, and the CPU time is less disturbed than the wall clock.

Commands and targets:

* ``equipoise --help`` and ``equipoise validate tests/fixtures/minimal.yaml``: < 0.5 s;
* ``equipoise forecast tests/fixtures/ktab/dummyData-a080.csv -m smp --json --no-store``:
  <= 0.5 s (and the same with ``-m mean``: the start-up alone);
* ``equipoise balance GRAPH --json`` on a 1,086-tie edge list (``bench_network.py``'s suite
  graph #0): <= 1 s, with the run recorded in a store (the default) and with ``--no-store``.
  The store is a temporary SQLite file (``EQUIPOISE_STORE``), created before the timed runs
  so that they measure the steady state (a run added to an existing store).

Python's bytecode cache: an installed package has its modules compiled (pip writes the
``.pyc`` files); a checkout run with ``PYTHONDONTWRITEBYTECODE=1`` compiles every module of
equipoise from source in every process (about 0.1 s of CPU for the modules of a forecast).
The first table is with the cache (``PYTHONPYCACHEPREFIX``, a temporary folder, filled by a
first untimed run of each command), the second without it, for comparison.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "equipoise"  # the installed command


def process_seconds(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + sys) seconds of one ``equipoise ARGV`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([str(SCRIPT), *argv], check=True, capture_output=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def minimum(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """The minimum wall-clock and minimum CPU seconds over ``runs`` processes."""
    times = [process_seconds(argv, env) for _ in range(runs)]
    return min(t[0] for t in times), min(t[1] for t in times)


def _graph_file(folder: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_network import small_suite

    from equipoise.io.edgelist import write_edgelist

    graph = small_suite(1)[0]
    assert graph.m == 1086, graph.m
    path = folder / "graph-1086.tsv"
    write_edgelist(graph, path)
    return path


#: What recording a run costs, step by step, in a fresh interpreter (CPU seconds).
STORE_STEPS = """
import json, sys, time
lap = [time.process_time()]
def step():
    lap.append(time.process_time())
    return lap[-1] - lap[-2]
out = {}
import sqlalchemy
out["import SQLAlchemy"] = step()
from equipoise.store import engine, runs
out["import the store's modules (schema, runs)"] = step()
store = engine.open_store("sqlite:///" + sys.argv[1])
out["open (connect, WAL, busy timeout, schema revision check)"] = step()
rid = runs.new_run_id()
runs.insert_run(store, run_id=rid, command="balance", params={}, seed=None, version="0",
                input_kind="edgelist", input_text=open(sys.argv[2]).read(),
                input_hash="sha256:" + rid, input_name="graph", scenario_id=None, title=None,
                sets=[])
out["insert the run and its input (BEGIN IMMEDIATE)"] = step()
runs.complete_run(store, rid, "done", json.load(open(sys.argv[3])), None)
out["complete the run with its results"] = step()
store.dispose()
out["close"] = step()
print(json.dumps(out))
"""


def store_steps(env: dict[str, str], store: Path, graph: str, runs: int) -> dict[str, float]:
    """The minimum CPU seconds of each step of recording a ``balance`` run in ``store``."""
    import json

    done = subprocess.run(
        [str(SCRIPT), "balance", graph, "--json", "--no-store"],
        env=env,
        capture_output=True,
        check=True,
        text=True,
    )
    results = store.parent / "results.json"
    results.write_text(done.stdout)
    best: dict[str, float] = {}
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", STORE_STEPS, str(store), graph, str(results)],
            env=env,
            capture_output=True,
            check=True,
            text=True,
        )
        for name, seconds in json.loads(proc.stdout).items():
            best[name] = min(best.get(name, seconds), seconds)
    return best


def main(runs: int = 7) -> int:
    ktab = "tests/fixtures/ktab/dummyData-a080.csv"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        graph = str(_graph_file(folder))
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["EQUIPOISE_STORE"] = str(folder / "runs.sqlite")
        cached = {**base, "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
        uncached = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
        cases = [
            ("--help", ["--help"]),
            ("validate tests/fixtures/minimal.yaml", ["validate", "tests/fixtures/minimal.yaml"]),
            ("validate nagorno-karabakh-2020", ["validate", "nagorno-karabakh-2020"]),
            (
                f"forecast {ktab} -m mean --json --no-store",
                ["forecast", ktab, "-m", "mean", "--json", "--no-store"],
            ),
            (
                f"forecast {ktab} -m smp --json --no-store",
                ["forecast", ktab, "-m", "smp", "--json", "--no-store"],
            ),
            ("balance GRAPH-1086 --json (recorded in the store)", ["balance", graph, "--json"]),
            ("balance GRAPH-1086 --json --no-store", ["balance", graph, "--json", "--no-store"]),
        ]
        for title, env in (
            ("bytecode cached (as installed)", cached),
            ("no bytecode cache (PYTHONDONTWRITEBYTECODE=1)", uncached),
        ):
            for _label, argv in cases:  # warm-up: the bytecode cache, the store, numba's cache
                process_seconds(argv, env)
            load = os.getloadavg()[0]
            print(
                f"whole process, {title}, minimum of {runs} runs (load average {load:.1f} "
                f"at the start, {os.cpu_count()} cores):"
            )
            for label, argv in cases:
                wall, cpu = minimum(argv, env, runs)
                print(f"  equipoise {label}: wall {wall:.3f} s, CPU {cpu:.3f} s")
            print(f"  (load average {os.getloadavg()[0]:.1f} at the end)")
        print(f"recording a balance run in an existing SQLite store, minimum CPU of {runs} runs:")
        for name, seconds in store_steps(cached, folder / "runs.sqlite", graph, runs).items():
            print(f"  {name}: {1000 * seconds:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))

"""Speed and memory of KTAB's spatial model of politics (issue 15).

    .venv/bin/python benchmarks/bench_smp.py            # the README's table
    .venv/bin/python -m pytest benchmarks/bench_smp.py --benchmark-only

Targets (issue 15): the whole process (``equipoise forecast FILE -m smp --json --no-store``:
start-up, reading, the run, the output) at 160 actors <= 5 s (KTAB's ``smpc`` needs 545 s on
this machine type) and at 80 actors <= 0.5 s, peak memory < 500 MiB; the model alone
(in-process, after a first run) at 80 actors <= 0.12 s; ``forecast_batch`` of 1,000
perturbed copies of a 26-actor case < 60 s. KTAB's 26-actor SOE-Policy case is not in our
data: the Monte Carlo case is the first 26 actors of ``dummyData-a040.csv``. ``pce`` (one
election, the same coalition kernel) is timed beside it.

Inputs: KTAB's ``dummyData-a040/a080/a160.csv``, kept in ``tests/fixtures/ktab/``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import equipoise
from equipoise.io.ktab import read_ktab
from equipoise.models import SpatialModel
from equipoise.models.api import as_problem

KTAB = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ktab"


def scenario(n: int):  # noqa: ANN201 - a Scenario
    path = KTAB / f"dummyData-a{n:03d}.csv"
    return read_ktab(str(path), path.read_text(encoding="utf-8"))


def model_seconds(n: int, model: str = "smp", repeat: int = 3) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of ``equipoise.forecast(.., model=model)`` (reading
    excluded; the best of ``repeat`` runs after a first one, which loads and warms up what
    the model uses), and its turns (0 for ``pce``)."""
    s = scenario(n)
    fc = equipoise.forecast(s, model=model)
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, cpu0 = time.perf_counter(), time.process_time()
        fc = equipoise.forecast(s, model=model)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - cpu0)
    return wall, cpu, fc.rounds_run[s.issues[0].id]


def whole_process(n: int, model: str = "smp") -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak memory (MiB) of
    ``equipoise forecast FILE -m MODEL --json --no-store`` in a fresh process (the peak is the
    largest of this script's child processes so far: call in increasing size). On a machine
    shared with other jobs the CPU time is the fair figure: the wall-clock time grows with
    the load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    cpu0 = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "equipoise"),
            "forecast",
            str(KTAB / f"dummyData-a{n:03d}.csv"),
            "-m",
            model,
            "--json",
            "--no-store",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    took = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    return took, cpu, max(usage.ru_maxrss, before) / 1024.0


def monte_carlo(draws: int = 1000, seed: int = 7) -> tuple[float, np.ndarray]:
    """Seconds of ``forecast_batch`` on ``draws`` perturbed copies of a040's first 26 actors:
    positions + N(0, 5) (clipped to the scale), saliences x U(0.8, 1.2) (at most 1),
    capabilities x lognormal(0, 0.2)."""
    p = as_problem(scenario(40))
    p = p.replace(
        actors=p.actors[:26],
        position=p.position[:26],
        salience=p.salience[:26],
        capability=p.capability[:26],
    )
    rng = np.random.default_rng(seed)
    x = np.clip(p.position[None] + rng.normal(0, 5, (draws, *p.position.shape)), 0, 100)
    s = np.clip(p.salience[None] * rng.uniform(0.8, 1.2, (draws, *p.salience.shape)), 0, 1)
    c = p.capability[None] * rng.lognormal(0, 0.2, (draws, 26, 1))
    start = time.perf_counter()
    out = SpatialModel().forecast_batch(x, s, c, lower=p.lower, upper=p.upper)
    return time.perf_counter() - start, out


def test_smp_80_actors(benchmark) -> None:
    s = scenario(80)
    equipoise.forecast(s, model="smp")  # first run: loads what the model uses
    fc = benchmark.pedantic(
        equipoise.forecast, args=(s,), kwargs={"model": "smp"}, rounds=5, iterations=1
    )
    assert fc.rounds_run[s.issues[0].id] == 17


def test_smp_160_actors(benchmark) -> None:
    s = scenario(160)
    fc = benchmark.pedantic(
        equipoise.forecast, args=(s,), kwargs={"model": "smp"}, rounds=2, iterations=1
    )
    assert fc.converged[s.issues[0].id]


def test_smp_monte_carlo_1000(benchmark) -> None:
    took, out = benchmark.pedantic(monte_carlo, rounds=1, iterations=1)
    assert out.shape == (1000, 1) and np.isfinite(out).all()


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for n in (40, 80, 160):
        secs, mcpu, turns = model_seconds(n)
        wall, cpu, mib = whole_process(n)
        print(
            f"a{n:03d} smp: model {mcpu:.3f} s CPU, {secs:.3f} s wall ({turns} turns); "
            f"whole process {cpu:.2f} s CPU, {wall:.2f} s wall; peak {mib:.0f} MiB"
        )
    for n in (80, 160):
        secs, mcpu, _ = model_seconds(n, "pce")
        wall, cpu, mib = whole_process(n, "pce")
        print(
            f"a{n:03d} pce: model {mcpu * 1e3:.1f} ms CPU, {secs * 1e3:.1f} ms wall; whole "
            f"process {cpu:.2f} s CPU, {wall:.2f} s wall; peak {mib:.0f} MiB"
        )
    start_cpu = time.process_time()
    took, out = monte_carlo()
    print(
        f"forecast_batch, 1,000 copies of 26 actors: {took:.1f} s wall, "
        f"{time.process_time() - start_cpu:.1f} s CPU "
        f"(forecast mean {out.mean():.2f}, sd {out.std():.2f})"
    )
    print(f"load average {os.getloadavg()[0]:.1f}")

"""Speed and memory of KTAB's spatial model of politics (issue 15).

    .venv/bin/python benchmarks/bench_smp.py            # the README's table
    .venv/bin/python -m pytest benchmarks/bench_smp.py --benchmark-only

Targets: the whole process (``equipoise forecast FILE -m smp``: start-up, reading, the run,
the output) at 160 actors <= 5 s (KTAB's ``smpc`` needs 545 s on this machine type) and at 80
actors <= 0.5 s of model time, peak memory < 500 MiB; ``forecast_batch`` of 1,000 perturbed
copies of a 26-actor case < 60 s. KTAB's 26-actor SOE-Policy case is not in our data: the
Monte Carlo case is the first 26 actors of ``dummyData-a040.csv``.

Inputs: KTAB's ``dummyData-a040/a080/a160.csv``, kept in ``tests/fixtures/ktab/``.
"""

from __future__ import annotations

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


def model_seconds(n: int) -> tuple[float, int]:
    """Seconds of ``equipoise.forecast(.., model="smp")`` (reading excluded), and turns."""
    s = scenario(n)
    start = time.perf_counter()
    fc = equipoise.forecast(s, model="smp")
    return time.perf_counter() - start, fc.rounds_run[s.issues[0].id]


def whole_process(n: int) -> tuple[float, float]:
    """Wall-clock seconds and peak memory (MiB) of ``equipoise forecast FILE -m smp --json``
    in a fresh process (the peak is the largest of this script's child processes so far:
    call in increasing size)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "equipoise"), "forecast",
                    str(KTAB / f"dummyData-a{n:03d}.csv"), "-m", "smp", "--json", "--no-store"],
                   check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before) / 1024.0


def monte_carlo(draws: int = 1000, seed: int = 7) -> tuple[float, np.ndarray]:
    """Seconds of ``forecast_batch`` on ``draws`` perturbed copies of a040's first 26 actors:
    positions + N(0, 5) (clipped to the scale), saliences x U(0.8, 1.2) (at most 1),
    capabilities x lognormal(0, 0.2)."""
    p = as_problem(scenario(40))
    p = p.replace(actors=p.actors[:26], position=p.position[:26], salience=p.salience[:26],
                  capability=p.capability[:26])
    rng = np.random.default_rng(seed)
    x = np.clip(p.position[None] + rng.normal(0, 5, (draws, *p.position.shape)), 0, 100)
    s = np.clip(p.salience[None] * rng.uniform(0.8, 1.2, (draws, *p.salience.shape)), 0, 1)
    c = p.capability[None] * rng.lognormal(0, 0.2, (draws, 26, 1))
    start = time.perf_counter()
    out = SpatialModel().forecast_batch(x, s, c, lower=p.lower, upper=p.upper)
    return time.perf_counter() - start, out


def test_smp_160_actors(benchmark) -> None:
    s = scenario(160)
    fc = benchmark.pedantic(equipoise.forecast, args=(s,), kwargs={"model": "smp"}, rounds=2,
                            iterations=1)
    assert fc.converged[s.issues[0].id]


def test_smp_monte_carlo_1000(benchmark) -> None:
    took, out = benchmark.pedantic(monte_carlo, rounds=1, iterations=1)
    assert out.shape == (1000, 1) and np.isfinite(out).all()


if __name__ == "__main__":
    for n in (40, 80, 160):
        secs, turns = model_seconds(n)
        wall, mib = whole_process(n)
        print(f"a{n:03d}: model {secs:.2f} s ({turns} turns), whole process {wall:.2f} s, "
              f"peak {mib:.0f} MiB")
    took, out = monte_carlo()
    print(f"forecast_batch, 1,000 copies of 26 actors: {took:.1f} s "
          f"(forecast mean {out.mean():.2f}, sd {out.std():.2f})")

"""Benchmarks for the bargaining models (issue 3).

Run as a benchmark suite::

    .venv/bin/python -m pytest benchmarks/bench_models.py --benchmark-only

or as a plain script printing the figures of ``benchmarks/RESULTS-models.md``::

    .venv/bin/python benchmarks/bench_models.py

Inputs (fixed seeds, numpy ``default_rng``):

* ``ec``: the EC car-emission-standards case (10 actors, Scholz et al. 2011 Table 1;
  ``tests/fixtures/emission_standards.json``).
* ``random_issue(n)``: one issue, ``n`` actors, positions uniform on 0-100 (0.1 steps),
  salience U(0.05, 1), capability U(0.1, 2) (seed 0).
* ``cop21_like()``: 15 actors x 13 issues (the size of decide's cop21 input), positions on a
  5-point grid of 0-100, salience U(0.1, 1), one capability per actor U(0.1, 1) (seed 21).
* ``ec_batch(B)``: B perturbed copies of the EC case: positions + N(0, 0.5) clipped to
  [4, 10], saliences + N(0, 0.05) clipped to [0, 1] (seed 0).
"""

from __future__ import annotations

import functools
import json
import sys
import timeit
from pathlib import Path

import numpy as np
import pytest

from equipoise.models import BargainingProblem, forecast, forecast_batch

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "emission_standards.json"


def ec() -> BargainingProblem:
    d = json.loads(FIXTURE.read_text())
    a = d["actors"]
    return BargainingProblem.single_issue(
        [x["name"] for x in a],
        [x["position"] for x in a],
        [x["salience"] / 100 for x in a],
        [x["capability"] for x in a],
        issue="ec",
        lower=4,
        upper=10,
    )


def random_issue(n: int, seed: int = 0) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    return BargainingProblem.single_issue(
        [f"a{i}" for i in range(n)],
        rng.uniform(0, 100, n).round(1),
        rng.uniform(0.05, 1, n).round(2),
        rng.uniform(0.1, 2, n).round(2),
    )


def cop21_like(seed: int = 21, n_a: int = 15, n_i: int = 13) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 21, size=(n_a, n_i)) * 5.0
    S = rng.uniform(0.1, 1.0, size=(n_a, n_i)).round(2)
    C = rng.uniform(0.1, 1.0, size=n_a).round(2)
    return BargainingProblem(
        tuple(f"A{i}" for i in range(n_a)), tuple(f"I{j}" for j in range(n_i)), X, S, C
    )


def exchange_numpy(p: BargainingProblem, **kw):
    """The exchange model with its NumPy realisation loop (the reference path; the default
    is the compiled numba loop when numba is installed)."""
    from equipoise.models import exchange

    saved, exchange._KERNEL = exchange._KERNEL, False
    try:
        return forecast(p, "exchange", **kw)
    finally:
        exchange._KERNEL = saved


def eum_numpy(p: BargainingProblem, **kw):
    """The EUM on its NumPy path (the reference; the default is the compiled numba rounds
    when numba is installed)."""
    from equipoise.models import eum

    saved, eum._KERNEL = eum._KERNEL, False
    try:
        return forecast(p, "eum", **kw)
    finally:
        eum._KERNEL = saved


def ec_batch(B: int, seed: int = 0):
    p = ec()
    rng = np.random.default_rng(seed)
    x = np.clip(p.position[None] + rng.normal(0, 0.5, (B,) + p.position.shape), 4, 10)
    s = np.clip(p.salience[None] + rng.normal(0, 0.05, (B,) + p.salience.shape), 0, 1)
    return p, x, s


CASES = {
    "eum EC 10 rounds": (lambda: ec(), lambda p: forecast(p, "eum", rounds=10), 2e-3),
    "eum 25 actors 10 rounds": (
        lambda: random_issue(25),
        lambda p: forecast(p, "eum", rounds=10),
        10e-3,
    ),
    "eum 200 actors 10 rounds": (
        lambda: random_issue(200),
        lambda p: forecast(p, "eum", rounds=10),
        1.0,
    ),
    # one issue at the default cap (50 rounds; these random issues never settle): the cost
    # of one forecast in the SMAA draws of a large scenario (bench_scale.py: 10 such issues)
    "eum 12 actors, default cap": (lambda: random_issue(12), lambda p: forecast(p, "eum"), None),
    "eum 80 actors, default cap": (lambda: random_issue(80), lambda p: forecast(p, "eum"), None),
    "eum 200 actors, default cap": (
        lambda: random_issue(200),
        lambda p: forecast(p, "eum"),
        None,
    ),
    "eum EC 10 rounds, NumPy path": (lambda: ec(), lambda p: eum_numpy(p, rounds=10), None),
    "eum 200 actors 10 rounds, NumPy path": (
        lambda: random_issue(200),
        lambda p: eum_numpy(p, rounds=10),
        None,
    ),
    "exchange cop21-size 10 rounds": (
        lambda: cop21_like(),
        lambda p: forecast(p, "exchange", rounds=10),
        75e-3,
    ),
    "exchange cop21-size 10 rounds, NumPy loop": (
        lambda: cop21_like(),
        lambda p: exchange_numpy(p, rounds=10),
        None,
    ),
    "mean EC": (lambda: ec(), lambda p: forecast(p, "mean"), None),
    "median EC": (lambda: ec(), lambda p: forecast(p, "median"), None),
}

BATCH = {
    "batch mean 10,000 x EC": ("mean", 0.2),
    "batch median 10,000 x EC": ("median", 0.2),
    "batch eum 10,000 x EC (10 rounds)": ("eum", 20.0),
    "batch eum 10,000 x EC (default cap: 50 rounds)": ("eum", 20.0),
}


# ----------------------------------------------------------------------------- pytest-benchmark
@pytest.mark.parametrize("name", list(CASES))
def test_single(benchmark, name):
    make, run, _ = CASES[name]
    p = make()
    fc = benchmark(run, p)
    assert all(np.isfinite(v) for v in fc.outcome.values())


@pytest.mark.parametrize("name", list(BATCH))
def test_batch(benchmark, name):
    model, _ = BATCH[name]
    p, x, s = ec_batch(10_000)
    if model == "eum":
        kw = dict(position=x, salience=s, rounds=10 if "10 rounds" in name else None)
        out = benchmark.pedantic(forecast_batch, args=(p, model), kwargs=kw, rounds=1, iterations=1)
    else:
        out = benchmark(forecast_batch, p, model, position=x, salience=s)
    assert out.shape == (10_000, 1) and np.isfinite(out).all()


# ----------------------------------------------------------------------------- script
def main() -> None:
    print(f"{'case':40s} {'best':>10s} {'target':>10s}")
    for name, (make, run, target) in CASES.items():
        p = make()
        reps = (
            3
            if "200" in name or ("exchange" in name and "NumPy" in name)
            else 10
            if "exchange" in name
            else 30
        )
        run(p)  # warm-up (the first eum / exchange call loads or compiles the numba kernel)
        t = min(timeit.repeat(functools.partial(run, p), number=1, repeat=reps))
        tgt = "" if target is None else f"<= {target * 1e3:g} ms"
        print(f"{name:40s} {t * 1e3:8.2f} ms {tgt:>10s}")
    for name, (model, target) in BATCH.items():
        p, x, s = ec_batch(10_000)
        reps = 1 if model == "eum" else 5
        cap = 10 if "10 rounds" in name else None
        call = functools.partial(forecast_batch, p, model, position=x, salience=s, rounds=cap)
        t = min(timeit.repeat(call, number=1, repeat=reps))
        print(f"{name:40s} {t * 1e3:8.1f} ms {'< ' + format(target, 'g') + ' s':>10s}")
    from equipoise.models import eum

    p, x, s = ec_batch(10_000)
    saved, eum._KERNEL = eum._KERNEL, False
    try:
        t = timeit.timeit(
            lambda: forecast_batch(p, "eum", position=x, salience=s, rounds=10), number=1
        )
    finally:
        eum._KERNEL = saved
    print(f"{'batch eum 10,000 x EC (10 rounds), NumPy path':40s} {t * 1e3:8.1f} ms")
    q = cop21_like()
    t = min(timeit.repeat(lambda: forecast(q, "exchange"), number=1, repeat=3))
    print(f"{'exchange cop21-size, default cap (50)':40s} {t * 1e3:8.1f} ms")
    s_ = decide_sample()
    if s_ is not None:
        t = min(timeit.repeat(lambda: forecast(s_, "exchange", mode="decide"), number=1, repeat=3))
        print(f"{'exchange mode=decide, decide sample, 10 r':40s} {t * 1e3:8.1f} ms")


def decide_sample():
    """decide's sample input from the development data, or None when absent."""
    import os
    from pathlib import Path

    import equipoise

    bases = [Path(os.environ["EQUIPOISE_SHARED"])] if "EQUIPOISE_SHARED" in os.environ else []
    for base in bases + [Path(__file__).resolve().parents[2] / "shared", Path("../shared")]:
        path = base / "data" / "decide" / "sample_data.txt"
        if path.is_file():
            return BargainingProblem.from_scenario(equipoise.load(str(path)))
    return None


if __name__ == "__main__":
    sys.exit(main())

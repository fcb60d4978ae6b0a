"""Benchmark of the sweeps (issue 10 item 6): Sobol indices of the built-in scenario's
decision with eum, N = 1024 base samples, through one executor.

Run as a plain script (prints the figures of the README's Performance table)::

    .venv/bin/python benchmarks/bench_sensitivity.py [N]

It times ``decision_sensitivity`` (both groupings: by kind and by actor) in this process
(``workers=1``), with 2 local worker processes, and through a 2-worker
``distributed.LocalCluster`` (worker processes), checks that the three give bit-identical
indices, and prints the peak resident memory of this process and of its children. Or as a
benchmark suite (a smaller N)::

    .venv/bin/python -m pytest benchmarks/bench_sensitivity.py --benchmark-only
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np
import pytest

from equipoise.decision.executor import Executor
from equipoise.decision.sensitivity import decision_sensitivity
from equipoise.io import load

SCENARIO = "nagorno-karabakh-2020"


def _same(a, b) -> bool:
    return all(
        np.array_equal(getattr(x, f), getattr(y, f))
        for x, y in zip(a.by_kind + a.by_actor, b.by_kind + b.by_actor)
        for f in ("first", "first_conf", "total", "total_conf")
    )


def _pool_cpu() -> float:
    """CPU seconds used so far by the local worker processes (Linux /proc)."""
    from equipoise.decision import executor as ex

    if ex._POOL is None:
        return 0.0
    total = 0.0
    for pid in list(ex._POOL[1]._processes or {}):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def _timed(scenario, n: int, executor: Executor):
    """Wall seconds and CPU seconds (this process and the local workers)."""
    cpu0, pool0, start = time.process_time(), _pool_cpu(), time.perf_counter()
    res = decision_sensitivity(scenario, n=n, seed=1, executor=executor)
    wall = time.perf_counter() - start
    return res, wall, time.process_time() - cpu0 + _pool_cpu() - pool0


def main(n: int = 1024) -> None:
    scenario = load(SCENARIO)
    decision_sensitivity(scenario, n=8, seed=1)  # compile the kernels, warm the caches
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(shared with other jobs)"
    )
    decision_sensitivity(scenario, n=8, seed=1, executor=Executor(workers=2))  # start them
    one, t1, c1 = _timed(scenario, n, Executor(workers=1))
    print(
        f"N = {n}: {one.evaluations:,} evaluations of {len(one.outputs) - 1} options, "
        f"{one.variables} inputs in {len(one.by_kind[0].groups)} kinds / "
        f"{len(one.by_actor[0].groups)} actor groups"
    )
    print(f"1 worker (this process, one model thread): {t1:.1f} s wall, {c1:.1f} s CPU")
    two, t2, c2 = _timed(scenario, n, Executor(workers=2))
    print(
        f"2 local worker processes: {t2:.1f} s wall (speed-up {t1 / t2:.2f}x), {c2:.1f} s "
        f"CPU (work-bound speed-up 2 x {c1:.1f} / {c2:.1f} = {2 * c1 / c2:.2f}x); "
        f"identical: {_same(one, two)}"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask, td, _ = _timed(scenario, n, Executor(scheduler=cluster.scheduler_address))
    print(f"Dask LocalCluster, 2 worker processes: {td:.1f} s; identical: {_same(one, dask)}")
    from equipoise.decision import executor as ex

    workers_peak = []
    for pid in list(ex._POOL[1]._processes or {}) if ex._POOL else []:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                workers_peak.append(int(line.split()[1]) / 1024)
    print("peak memory of the local workers: " + ", ".join(f"{m:.0f} MiB" for m in workers_peak))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {own:.0f} MiB, largest finished child {kids:.0f} MiB")
    m = one.margin("kind")
    order = np.argsort(-m.total)
    print(
        "margin of",
        one.robust,
        "by kind:",
        ", ".join(f"{m.groups[i]} ST {m.total[i]:.2f}±{m.total_conf[i]:.2f}" for i in order),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_sobol_n128(benchmark, workers: int) -> None:
    scenario = load(SCENARIO)
    decision_sensitivity(scenario, n=8, seed=1)
    benchmark.pedantic(
        decision_sensitivity,
        args=(scenario,),
        kwargs={"n": 128, "seed": 1, "executor": Executor(workers=workers)},
        rounds=1,
        iterations=1,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)

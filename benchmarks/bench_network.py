"""Benchmarks for the relations network (issue 4): exact frustration index.

Run as a benchmark suite::

    .venv/bin/python -m pytest benchmarks/bench_network.py --benchmark-only

or as a plain script printing the figures of ``benchmarks/RESULTS-network.md``::

    .venv/bin/python benchmarks/bench_network.py

Graphs (fixed seeds, numpy ``default_rng``):

* ``planted(n, m)``: ``m`` distinct random pairs of ``n`` nodes, two random halves as factions
  (positive inside, negative across), exactly 5 % of the signs flipped — the planted split
  frustrates ``0.05 m`` ties. Dense 200 / 15,000 and sparse 2,000 / 15,000 (seed 0).
* ``uneven(n, m, ...)``: real-network-like — Chung–Lu degrees with a power-law tail, 2–4
  blocs of uneven size, 3–15 % noise, some with integer weights 1–5 — 60–160 nodes and
  360–1,500 ties (the size of the Correlates-of-War alliance/dispute networks). On most of
  them the eigenvalue certificate fails, so the binary program is exercised.
* Bitcoin OTC (5,881 nodes, 21,492 ties) and WikiElections (7,115 nodes, 100,693 ties) from
  the shared data folder (``$EQUIPOISE_SHARED/data/signed``), when present.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from equipoise.io.edgelist import read_edgelist
from equipoise.network import SignedGraph, frustration_index, heuristic_split


def planted(n: int, m: int, flip: float = 0.05, seed: int = 0) -> SignedGraph:
    rng = np.random.default_rng(seed)
    camp = np.ones(n, np.int8)
    camp[rng.permutation(n)[: n // 2]] = -1
    pick = rng.choice(n * (n - 1) // 2, size=m, replace=False)
    iu, iv = np.triu_indices(n, 1)
    u, v = iu[pick], iv[pick]
    sign = (camp[u] * camp[v]).astype(np.int8)
    sign[rng.choice(m, size=int(round(flip * m)), replace=False)] *= -1
    return SignedGraph(tuple(range(n)), u, v, sign, np.ones(m))


def uneven(
    n: int,
    m: int,
    factions: int = 3,
    flip: float = 0.1,
    gamma: float = 2.3,
    seed: int = 0,
    weighted: bool = False,
) -> SignedGraph:
    rng = np.random.default_rng(seed)
    p = rng.permutation(np.arange(1, n + 1) ** (-1.0 / (gamma - 1)))
    p = p / p.sum()
    bloc = rng.choice(factions, size=n, p=rng.dirichlet(np.ones(factions) * 2))
    seen: set[tuple[int, int]] = set()
    us: list[int] = []
    vs: list[int] = []
    while len(us) < m:
        a, b = rng.choice(n, size=2 * m, p=p), rng.choice(n, size=2 * m, p=p)
        for x, y in zip(a.tolist(), b.tolist()):
            key = (min(x, y), max(x, y))
            if x == y or key in seen:
                continue
            seen.add(key)
            us.append(key[0])
            vs.append(key[1])
            if len(us) == m:
                break
    u, v = np.array(us), np.array(vs)
    sign = np.where(bloc[u] == bloc[v], 1, -1).astype(np.int8)
    sign[rng.choice(m, size=int(round(flip * m)), replace=False)] *= -1
    w = rng.integers(1, 6, size=m).astype(float) if weighted else np.ones(m)
    return SignedGraph(tuple(range(n)), u, v, sign, w, weighted=weighted)


def small_suite(count: int = 24) -> list[SignedGraph]:
    """Real-network-like graphs of up to 1,500 ties (fixed seed 0)."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(count):
        n = int(rng.integers(60, 160))
        m = min(int(rng.integers(360, 1501)), n * (n - 1) // 4)
        fac = int(rng.integers(2, 5))
        flip = float(rng.uniform(0.03, 0.15))
        out.append(uneven(n, m, factions=fac, flip=flip, seed=i, weighted=(i % 4 == 3)))
    return out


# -- pytest-benchmark ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dense():
    return planted(200, 15000)


@pytest.fixture(scope="module")
def sparse():
    return planted(2000, 15000)


def test_dense_200_15000(benchmark, dense):
    res = benchmark.pedantic(
        frustration_index, args=(dense,), kwargs={"time_limit": 60}, rounds=3, iterations=1
    )
    assert res.optimal and res.value == 750


def test_sparse_2000_15000_exact(benchmark, sparse):
    res = benchmark.pedantic(
        frustration_index, args=(sparse,), kwargs={"time_limit": 60}, rounds=3, iterations=1
    )
    assert res.value <= 750


def test_sparse_2000_15000_heuristic(benchmark, sparse):
    res = benchmark.pedantic(
        heuristic_split, args=(sparse,), kwargs={"time_limit": 10}, rounds=3, iterations=1
    )
    assert res.value <= 750


def test_small_real_like_suite(benchmark):
    graphs = small_suite()

    def run():
        return [frustration_index(g, time_limit=60) for g in graphs]

    results = benchmark.pedantic(run, rounds=1, iterations=1)
    assert all(r.optimal for r in results)


# -- plain script ----------------------------------------------------------------------------


def main() -> int:
    print("equipoise network benchmarks (times: wall clock, seconds)\n")
    for name, g in (
        ("dense 200/15000", planted(200, 15000)),
        ("sparse 2000/15000", planted(2000, 15000)),
    ):
        t = time.perf_counter()
        h = heuristic_split(g, time_limit=10)
        th = time.perf_counter() - t
        r = frustration_index(g, time_limit=60)
        print(
            f"{name}: heuristic alone {h.value:g} in {th:.2f} s; exact: value {r.value} "
            f"optimal={r.optimal} lower_bound={r.lower_bound} method={r.method} "
            f"in {r.seconds:.3f} s"
        )
    print("\nreal-network-like graphs, 60-160 nodes, up to 1500 ties:")
    times = []
    methods: dict[str, int] = {}
    for i, g in enumerate(small_suite()):
        r = frustration_index(g, time_limit=60)
        times.append(r.seconds)
        methods[r.method] = methods.get(r.method, 0) + 1
        print(
            f"  #{i:2d} n={g.n:3d} m={g.m:4d} weighted={str(g.weighted):5s} "
            f"value={r.value!s:>6} optimal={r.optimal} method={r.method:11s} "
            f"{r.seconds:6.3f} s"
        )
    t = np.array(times)
    print(
        f"  mean {t.mean():.3f} s, median {np.median(t):.3f} s, max {t.max():.3f} s; "
        f"methods {methods}"
    )
    print("\nlarge signed networks ($EQUIPOISE_SHARED/data/signed; skipped when absent):")
    for name, limit in (("bitcoin_otc", 60.0), ("wikielections", 600.0)):
        path = _shared_signed(name)
        if path is None:
            print(f"  {name}: data not found")
            continue
        r = frustration_index(read_edgelist(path), time_limit=limit)
        print(
            f"  {name}: value {r.value} optimal={r.optimal} lower_bound={r.lower_bound} "
            f"method={r.method} in {r.seconds:.1f} s (limit {limit:g} s)"
        )
    print(
        "\nwhole process `equipoise balance FILE --json` on a 1,086-tie graph (suite #0), "
        "minimum of 5 runs (wall clock; CPU = user + sys of the child):"
    )
    for extra in ([], ["--robust-time", "0"]):
        runs = [_process_seconds(small_suite(1)[0], extra) for _ in range(5)]
        print(
            f"  {' '.join(extra) or 'default'}: wall {min(r[0] for r in runs):.2f} s, "
            f"CPU {min(r[1] for r in runs):.2f} s"
        )
    print("\nrobust camps (camp_fixed and swings), in-process, after the exact solve:")
    from equipoise.network.robust import camp_robustness

    for i, g in enumerate(small_suite()):
        r = frustration_index(g, time_limit=60)
        t = time.perf_counter()
        rob = camp_robustness(g, r.spins, float(r.value), r.optimal, time_limit=60)
        undecided = sum(f is None for f in rob.fixed)
        print(
            f"  #{i:2d} n={g.n:3d} m={g.m:4d}: {time.perf_counter() - t:6.2f} s, "
            f"fixed {sum(f is True for f in rob.fixed)}, not fixed "
            f"{sum(f is False for f in rob.fixed)}, undecided {undecided}, exact={rob.exact}"
        )
    return 0


def _shared_signed(name: str):
    import os
    from pathlib import Path

    root = os.environ.get("EQUIPOISE_SHARED")
    candidates = [Path(root)] if root else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared")
    for base in candidates:
        path = base / "data" / "signed" / f"{name}.tsv"
        if path.is_file():
            return path
    return None


def _process_seconds(graph: SignedGraph, extra: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + sys) time of a whole ``equipoise balance`` process (import
    time included)."""
    import resource
    import subprocess
    import tempfile
    from pathlib import Path

    from equipoise.io.edgelist import write_edgelist

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.tsv"
        write_edgelist(graph, path)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        script = Path(sys.executable).parent / "equipoise"  # the installed command
        subprocess.run(
            [str(script), "balance", str(path), "--json", *extra], check=True, capture_output=True
        )
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``equipoise explain`` (issue 10, items 1-3) on the built-in scenario.

Items 1-3 for every option (9, the package included) and every doctrine (7 + any weights)
of ``nagorno-karabakh-2020`` with the ``eum`` model: the deterministic decision run, 72
margin LPs, the weight-range LPs of every option that can be first, the widening LPs, the
stability intervals and 72 smallest-change MILPs (``search=False``); then the same with the
approximate single-input search through the model (``search=True``). Target: < 2 s for
items 1-3. Warm process (imports and numba compilation done by a first call).

Run as a benchmark suite::

    .venv/bin/python -m pytest benchmarks/bench_explain.py --benchmark-only

or as a plain script that prints the figures::

    .venv/bin/python benchmarks/bench_explain.py
"""

from __future__ import annotations

import statistics
import sys
import time

import pytest

from equipoise.decision.explain import explain
from equipoise.io import load


@pytest.fixture(scope="module")
def builtin():
    s = load("nagorno-karabakh-2020")
    explain(s, search=True)  # warm-up
    return s


def test_explain_exact_items(benchmark, builtin) -> None:
    e = benchmark.pedantic(
        explain, args=(builtin,), kwargs={"search": False}, rounds=3, iterations=1
    )
    assert len(e.explained) * len(e.doctrines) == 72


def test_explain_with_search(benchmark, builtin) -> None:
    benchmark.pedantic(explain, args=(builtin,), kwargs={"search": True}, rounds=3, iterations=1)


def _time(func, repeat: int = 5) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def main() -> None:
    s = load("nagorno-karabakh-2020")
    e = explain(s, search=True)  # warm-up
    print(
        f"Python {sys.version.split()[0]}; {len(e.explained)} options x "
        f"{len(e.doctrines)} doctrines (any weights included)"
    )
    med, best = _time(lambda: explain(s, search=False))
    print(f"items 1-3, exact parts (search=False): median {med:.2f} s, best {best:.2f} s")
    med, best = _time(lambda: explain(s, search=True))
    print(f"items 1-3 with the approximate search: median {med:.2f} s, best {best:.2f} s")


if __name__ == "__main__":
    main()

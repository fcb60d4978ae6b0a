"""Benchmark of the full DEU backtest with all four models (issue 3: target < 10 s).

    .venv/bin/python -m pytest benchmarks/bench_backtest.py --benchmark-only
    .venv/bin/python benchmarks/bench_backtest.py

Reads the DEU III development table kept in ``tests/fixtures/deu3/``.
"""

from __future__ import annotations

import time
from pathlib import Path

from equipoise.backtest import backtest_deu
from equipoise.io.deu import read_deu_table
from equipoise.io.document import read_text

DATA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "deu3" / "deu3-dev.tsv"


def table():
    return read_deu_table(str(DATA), read_text(DATA))


def test_backtest_all_models(benchmark) -> None:
    t = table()
    result = benchmark.pedantic(backtest_deu, args=(t,), rounds=3, iterations=1)
    assert result.scored == 178


if __name__ == "__main__":
    t = table()
    start = time.perf_counter()
    r = backtest_deu(t)
    print(f"backtest, 4 models, {r.scored} issues: {time.perf_counter() - start:.2f} s")
    for name, score in r.models.items():
        print(f"  {name:9s} MAE {score.mae:6.2f}  n {score.n}")

"""``analyze`` on large scenarios (issue 12 item 6): the explanation's approximate search,
which reruns the model once per grid point of every stance, capability and tie, is skipped
over :data:`equipoise.limits.MAX_ANALYZE_SEARCH_POINTS` (saying so), not run for hours."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from equipoise.analysis import run_analysis
from equipoise.decision.explain.search import GRID, grid_points_bound
from equipoise.limits import MAX_ANALYZE_SEARCH_POINTS
from equipoise.scenarios import DEFAULT_SCENARIO

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"


def _bench_scale():
    spec = importlib.util.spec_from_file_location("bench_scale_for_tests", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(BENCH.parent))
    return mod


def test_bound_counts_every_input():
    s = _bench_scale().large(n_actors=10, n_issues=3)
    ties = sum(1 for r in s.relations if "A0" in (r.from_, r.to))
    assert grid_points_bound(s) == 2 * len(GRID) * (2 * 30 + 10 + ties)


def test_builtin_scenario_is_searched():
    from equipoise.cli import load_scenario

    s = load_scenario(DEFAULT_SCENARIO)
    assert grid_points_bound(s) <= MAX_ANALYZE_SEARCH_POINTS


def test_search_skipped_over_the_cap_with_reason():
    s = _bench_scale().large(n_actors=60, n_issues=6)
    assert grid_points_bound(s) > MAX_ANALYZE_SEARCH_POINTS
    a = run_analysis(s, models=["mean"], draws=0)
    assert "explanation search" in a.skipped
    assert f"{grid_points_bound(s):,}" in a.skipped["explanation search"]
    assert a.explanation is not None and not a.explanation.searched
    assert a.to_dict()["skipped"]["explanation search"] == a.skipped["explanation search"]

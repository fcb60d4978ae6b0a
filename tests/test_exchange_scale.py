"""The exchange model on the 200-actor x 10-issue scale scenario (issue 12 item 6).

The scenario is ``benchmarks/bench_scale.py``'s ``large()`` (seeded, synthetic). Its
outcome was pinned before the model's round records were made lazy, so that a change of
speed cannot silently change the results. Tolerance: outcomes to 1e-9 relative (the
compiled and NumPy paths agree to 1e-12; floating point may differ across platforms);
counts exactly. Timing is measured in ``benchmarks/``, never here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from equipoise.models.api import forecast

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"

OUTCOME = {
    "i0": 27.80567364867994,
    "i1": 41.01481379926931,
    "i2": 46.75042222128527,
    "i3": 42.77685684805429,
    "i4": 50.28068184558614,
    "i5": 54.87836735905247,
    "i6": 48.00707889796328,
    "i7": 55.532642969959944,
    "i8": 56.188192699003196,
    "i9": 43.14825257739362,
}
FIRST_ROUNDS = [1777, 1837, 1793, 1820, 1803]


@pytest.fixture(scope="module")
def large_fc():
    spec = importlib.util.spec_from_file_location("bench_scale_for_tests", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(BENCH.parent))
    return forecast(mod.large(), model="exchange")


def test_outcome_pinned(large_fc):
    for issue, v in OUTCOME.items():
        assert large_fc.outcome[issue] == pytest.approx(v, rel=1e-9)


def test_exchanges_pinned(large_fc):
    rd = large_fc.run_details
    assert rd["stop"] == "horizon" and set(large_fc.rounds_run.values()) == {50}
    assert rd["exchanges_per_round"][:5] == FIRST_ROUNDS
    assert sum(rd["exchanges_per_round"]) == 89561 and rd["ties"] == 0
    assert large_fc.details["i3"]["exchanges"][:5] == [362, 384, 356, 385, 366]
    r0 = rd["rounds"][0]
    assert r0["n_candidates"] == 223671
    first = r0["exchanges"][0]
    assert first["actors"] == ("A104", "A53") and first["groups"] == "a-d"
    assert first["gain"] == pytest.approx(0.27135675714953283, rel=1e-9)
    gains = sum(e["gain"] for r in rd["rounds"] for e in r["exchanges"])
    assert gains == pytest.approx(1006.5609108996548, rel=1e-9)
    ext = rd["rounds"][-1]["externalities"]["by_actor"]["A0"]
    assert ext["inner_negative"] == pytest.approx(-2.501149125349049, rel=1e-9)
    assert ext["outer_positive"] == pytest.approx(3.6238679364785984, rel=1e-9)

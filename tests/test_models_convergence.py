"""Convergence of the iterative models (``equipoise.models.convergence``, issue 11).

The round cap is a cap only: from ``rounds >= horizon`` on, no forecast depends on it (every
issue of every built-in scenario, fixture, shared data set and random problem); a
constructed two-cycle is found with its period and range; a problem that reaches a fixed
point stops early with the outcome it has at any larger cap; the batch API follows the same
rule as the single forecasts, compiled or not.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shareddata import DATA

import equipoise
from equipoise.errors import ModelInputError
from equipoise.models import BargainingProblem, EqualGainExchange, forecast, forecast_batch
from equipoise.models import eum as eum_mod
from equipoise.models.convergence import HORIZON, summarise
from equipoise.models.eum import ExpectedUtility
from equipoise.scenarios import builtin_names

FIXTURES = Path(__file__).parent / "fixtures"
EC = json.loads((FIXTURES / "emission_standards.json").read_text())


def ec_problem() -> BargainingProblem:
    a = EC["actors"]
    return BargainingProblem.single_issue(
        [x["name"] for x in a],
        [x["position"] for x in a],
        [x["salience"] / EC["salience_scale"] for x in a],
        [x["capability"] for x in a],
        issue="ec",
        lower=4.0,
        upper=10.0,
    )


def problems() -> list[tuple[str, BargainingProblem]]:
    out = [
        (name, BargainingProblem.from_scenario(equipoise.load(name))) for name in builtin_names()
    ]
    for f in ("decision.yaml", "minimal.yaml", "no_options.yaml", "no_relations.yaml"):
        s = equipoise.load(str(FIXTURES / f))
        if s.stances:
            out.append((f, BargainingProblem.from_scenario(s)))
    examples = Path(__file__).resolve().parents[1] / "examples"
    for f in sorted(examples.glob("*.yaml")):
        out.append((f"examples/{f.name}", BargainingProblem.from_scenario(equipoise.load(str(f)))))
    out.append(("ec", ec_problem()))
    for parts in (("decide", "sample_data.txt"), ("ktab", "dummyData_3Dim.csv")):
        path = DATA.joinpath(*parts)
        if path.is_file():
            scenario = equipoise.load(str(path))
            out.append(("/".join(parts), BargainingProblem.from_scenario(scenario)))
    return out


def assert_cap_independent(p: BargainingProblem, model: str) -> None:
    a = forecast(p, model, rounds=HORIZON)
    b = forecast(p, model, rounds=2 * HORIZON)
    assert a.outcome == b.outcome
    assert a.forecast_range == b.forecast_range and a.cycle == b.cycle
    assert a.converged == b.converged and a.rounds_run == b.rounds_run
    assert max(a.rounds_run.values()) <= HORIZON


@pytest.mark.parametrize("name,problem", problems(), ids=lambda v: v if isinstance(v, str) else "")
def test_rounds_50_and_100_give_the_same_forecast(name, problem):
    """Every issue of every scenario and example: eum, and exchange where it applies."""
    assert_cap_independent(problem, "eum")
    if problem.n_issues >= 2:
        assert_cap_independent(problem, "exchange")
    # the batch API follows the same rule
    for model in ("eum", "exchange") if problem.n_issues >= 2 else ("eum",):
        fc = forecast(problem, model)
        out = forecast_batch(problem, model)
        np.testing.assert_allclose(
            out[0], [fc.outcome[i] for i in problem.issues], rtol=1e-9, atol=1e-9
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 9), n_i=st.integers(1, 3), seed=st.integers(0, 10_000), grid=st.booleans())
def test_random_problems_do_not_depend_on_the_cap(n, n_i, seed, grid):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, n_i))
    if grid:  # ties and cycles are likelier on a grid
        x = np.round(x / 10) * 10
    s = rng.uniform(0.05, 1, (n, n_i)).round(2)
    c = rng.uniform(0.1, 3, n).round(2)
    p = BargainingProblem(
        tuple(f"a{i}" for i in range(n)), tuple(f"i{j}" for j in range(n_i)), x, s, c
    )
    assert_cap_independent(p, "eum")
    if n_i >= 2:
        assert_cap_independent(p, "exchange")


# ----------------------------------------------------------------------------- cycles
TWO_CYCLE = dict(x=[50.0, 80.0, 30.0, 60.0], s=[0.8, 1.0, 0.5, 0.2], c=[3.0, 3.0, 4.0, 2.0])


def two_cycle() -> BargainingProblem:
    return BargainingProblem.single_issue(
        ["a", "b", "c", "d"], TWO_CYCLE["x"], TWO_CYCLE["s"], TWO_CYCLE["c"]
    )


def test_two_cycle_is_detected_with_period_and_range():
    """The weighted median alternates 50, 80, 50, 80 from round 1: the positions of round 4
    repeat those of round 2, so the run stops there with a cycle of period 2; the forecast
    is the cycle's mean and its range the two medians."""
    fc = forecast(two_cycle(), "eum")
    np.testing.assert_allclose(fc.trajectory["issue"], [50, 50, 80, 50, 80], atol=1e-9)
    assert fc.cycle["issue"] == 2 and fc.converged["issue"] is True
    assert fc.rounds_run["issue"] == 4 and fc.details["issue"]["stop"] == "cycle"
    assert fc.forecast_range["issue"] == pytest.approx((50.0, 80.0))
    assert fc.outcome["issue"] == pytest.approx(65.0)
    H = fc.details["issue"]["positions"]
    np.testing.assert_allclose(H[4], H[2], atol=1e-12)
    assert np.abs(H[3] - H[2]).max() > 1.0  # a true cycle, not a fixed point
    d = fc.to_dict()["issue"]
    assert (d["converged"], d["rounds_run"], d["cycle"], d["range"]) == (True, 4, 2, [50.0, 80.0])
    assert [len(v) for v in d["history"].values()] == [5] * 4
    # too few rounds to see the cycle: not converged, the last round's forecast
    short = forecast(two_cycle(), "eum", rounds=3)
    assert short.converged["issue"] is False and short.cycle["issue"] is None
    assert short.outcome["issue"] == pytest.approx(50.0)  # round 3
    assert short.forecast_range["issue"] == pytest.approx((50.0, 80.0))
    # the batch gives the cycle's mean too
    assert forecast_batch(two_cycle(), "eum")[0, 0] == pytest.approx(65.0)


def test_ec_case_neither_settles_nor_cycles_and_says_so():
    """models.md §2.8: the EC median keeps moving; the run stops at the horizon, not
    converged, with the range over its last 10 rounds."""
    fc = forecast(ec_problem(), "eum")
    assert fc.rounds_run["ec"] == HORIZON and fc.converged["ec"] is False
    assert fc.cycle["ec"] is None and fc.details["ec"]["stop"] == "horizon"
    last = fc.trajectory["ec"][-10:]
    assert fc.forecast_range["ec"] == pytest.approx((last.min(), last.max()))
    assert fc.forecast_range["ec"][1] - fc.forecast_range["ec"][0] > 1.0
    assert fc.outcome["ec"] == fc.trajectory["ec"][-1]
    assert forecast(ec_problem(), "eum", rounds=10).details["ec"]["stop"] == "max_rounds"


def test_fixed_point_stops_early_with_the_outcome_of_any_larger_cap():
    """Three actors with equal weights: everybody ends on the middle actor's position in
    a few rounds; the run stops there, and a larger cap changes nothing."""
    p = BargainingProblem.single_issue(
        ["l", "m", "r"], [20.0, 50.0, 70.0], [0.5, 0.9, 0.5], [1.0, 1.0, 1.0]
    )
    fc = forecast(p, "eum", rounds=40)
    assert fc.converged["issue"] and fc.rounds_run["issue"] < 40
    assert fc.details["issue"]["stop"] in ("fixed_point", "common_position")
    T = fc.rounds_run["issue"]
    for cap in (T, T + 1, 40, 100):
        other = forecast(p, "eum", rounds=cap)
        assert other.outcome["issue"] == fc.outcome["issue"]
        assert other.rounds_run["issue"] == T
    assert fc.forecast_range["issue"] == (fc.outcome["issue"], fc.outcome["issue"])
    # exchange: after the realised exchanges nobody can trade; the run stops there
    q = BargainingProblem(
        ("a", "b"), ("p", "q"), [[0.0, 0.0], [100.0, 100.0]], [[0.9, 0.1], [0.1, 0.9]], [1.0, 1.0]
    )
    ex = forecast(q, "exchange")
    assert ex.converged["p"] and ex.rounds_run["p"] < HORIZON
    assert ex.outcome == forecast(q, "exchange", rounds=ex.rounds_run["p"] + 5).outcome


def test_summarise_rules():
    f = np.array([1.0, 4.0, 2.0, 6.0, 2.0, 6.0])
    assert summarise(f, 2, True) == summarise(f, 2, True)
    s = summarise(f, 2, True)
    assert (s.value, s.cycle, s.low, s.high, s.converged) == (4.0, 2, 2.0, 6.0, True)
    s = summarise(f, 1, True)
    assert (s.value, s.cycle, s.low, s.high) == (6.0, None, 6.0, 6.0)
    s = summarise(f, 0, False, window=3)
    assert (s.value, s.low, s.high, s.converged) == (6.0, 2.0, 6.0, False)


# ----------------------------------------------------------------------------- stop rules
def test_published_stop_rules():
    # forecast_change: stops at the first round whose median repeats the previous one
    fc = forecast(ec_problem(), "eum", stop_rule="forecast_change")
    traj = fc.trajectory["ec"]
    assert fc.details["ec"]["stop"] == "forecast_change" and fc.converged["ec"]
    assert abs(traj[-1] - traj[-2]) <= 1e-12
    assert all(abs(traj[k] - traj[k - 1]) > 0 for k in range(1, len(traj) - 1))
    # no_positive_challenge: the two-cycle keeps challenging, so it runs to the horizon ...
    nc = forecast(two_cycle(), "eum", stop_rule="no_positive_challenge")
    assert nc.rounds_run["issue"] == HORIZON and not nc.converged["issue"]
    # ... while where everyone shares one position nobody has anything to challenge
    same = BargainingProblem.single_issue(["a", "b"], [40.0, 40.0], [0.5, 0.5], [1.0, 1.0])
    assert forecast(same, "eum", stop_rule="no_positive_challenge").converged["issue"]
    # the batch follows the chosen rule
    out = forecast_batch(ec_problem(), "eum", stop_rule="forecast_change")
    assert out[0, 0] == pytest.approx(fc.outcome["ec"], abs=1e-12)
    with pytest.raises(ModelInputError, match="stop_rule"):
        ExpectedUtility(stop_rule="never")
    with pytest.raises(ModelInputError, match="stop_rule"):
        EqualGainExchange(stop_rule="no_positive_challenge")


# ----------------------------------------------------------------------------- batch, kernel
def test_batch_info_and_single_forecasts_agree_on_cycles():
    rng = np.random.default_rng(3)
    base = np.array(TWO_CYCLE["x"])
    x = np.clip(base[None] + rng.choice([0.0, 0.0, 10.0, -10.0], (30, 4)), 0, 100)
    p = two_cycle()
    model = ExpectedUtility()
    out = model.forecast_batch(x[:, :, None], p.salience, p.capability, lower=[0.0], upper=[100.0])
    info = model.batch_info_
    for b in range(30):
        fc = model.forecast(p.replace(position=x[b][:, None]))
        assert out[b, 0] == pytest.approx(fc.outcome["issue"], abs=1e-9)
        assert info["converged"][b, 0] == fc.converged["issue"]
        assert info["cycle"][b, 0] == (fc.cycle["issue"] or 0)
        assert (info["low"][b, 0], info["high"][b, 0]) == pytest.approx(fc.forecast_range["issue"])
    assert (info["cycle"][:, 0] == 2).any()


def test_kernel_and_numpy_agree_on_cycles(monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("EQUIPOISE_NUMBA", "1")
    monkeypatch.setattr(eum_mod, "_KERNEL", None)
    if eum_mod._kernel() is None:
        pytest.skip("numba kernel unavailable")
    rng = np.random.default_rng(7)
    x = np.clip(np.array(TWO_CYCLE["x"])[None] + rng.normal(0, 8, (40, 4)), 0, 100)
    x[:10] = np.round(x[:10] / 10) * 10
    p = two_cycle()

    def run():
        m = ExpectedUtility(rounds=30)
        out = m.forecast_batch(x[:, :, None], p.salience, p.capability, lower=[0.0], upper=[100.0])
        singles = [m.forecast(p.replace(position=x[b][:, None])) for b in range(40)]
        return out, m.batch_info_, singles

    fast = run()
    monkeypatch.setattr(eum_mod, "_KERNEL", False)
    ref = run()
    np.testing.assert_allclose(fast[0], ref[0], rtol=1e-12, atol=1e-12)
    for k in ("converged", "cycle", "rounds"):
        np.testing.assert_array_equal(fast[1][k], ref[1][k])
    for a, b in zip(fast[2], ref[2]):
        assert (a.rounds_run, a.cycle, a.converged) == (b.rounds_run, b.cycle, b.converged)
        assert a.outcome["issue"] == pytest.approx(b.outcome["issue"], rel=1e-12, abs=1e-12)
    assert (ref[1]["cycle"] >= 2).any()


def test_movers_flag_actors_crossing_half_the_scale():
    s = equipoise.load("nagorno-karabakh-2020")
    fc = forecast(s, "eum")
    rows = fc.movers("turkey-role")
    assert rows[0]["actor"] == "FRA" and rows[0]["crossed_half"]
    assert rows[0]["initial"] == pytest.approx(5.0)
    moved = [abs(r["moved"]) for r in rows]
    assert moved == sorted(moved, reverse=True)
    assert all(r["crossed_half"] == (abs(r["moved"]) > 50) for r in rows)
    assert forecast(s, "mean").movers("turkey-role") == []


def test_decide_counts_the_forecasts_that_did_not_converge():
    """The decision analysis scores options on forecasts by the same rule and lists the
    option x issue forecasts that did not converge: for the status quo (the scenario as it
    is) exactly the issues the single forecast reports."""
    from equipoise.decision import decide

    s = equipoise.load("nagorno-karabakh-2020")
    res = decide(s, model="exchange", draws=0)
    single = forecast(s, "exchange")
    assert single.non_converged()
    assert res.non_converged[res.status_quo] == single.non_converged()
    assert res.to_dict()["non_converged"] == res.non_converged
    for o, issues in res.outcomes.items():
        assert set(res.non_converged.get(o, [])) <= set(issues)

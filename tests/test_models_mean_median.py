"""Compromise model (weighted mean) and weighted median: docs/models.md §1."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shareddata import data_file

from equipoise.errors import ModelInputError
from equipoise.models import (
    BargainingProblem,
    WeightedMean,
    WeightedMedian,
    forecast,
    forecast_batch,
)

FIXTURE = Path(__file__).parent / "fixtures" / "emission_standards.json"


def ec_problem() -> BargainingProblem:
    d = json.loads(FIXTURE.read_text())
    a = d["actors"]
    return BargainingProblem.single_issue(
        [x["name"] for x in a],
        [x["position"] for x in a],
        [x["salience"] / d["salience_scale"] for x in a],
        [x["capability"] for x in a],
        issue="ec",
        lower=4,
        upper=10,
    )


def one(x, s, c) -> BargainingProblem:
    n = len(x)
    return BargainingProblem.single_issue([f"a{i}" for i in range(n)], x, s, c)


# ----------------------------------------------------------------------------- check values
def test_ec_check_values():
    """docs/models.md §1.2 / §2.12: median 7.0 (cumulative .341 at 7 vs W/2 = .3385),
    mean 7.389956."""
    p = ec_problem()
    med = forecast(p, "median")
    assert med.outcome["ec"] == 7.0
    assert med.details["ec"]["tie"] is False
    assert med.details["ec"]["interval"] == (7.0, 7.0)
    assert forecast(p, "mean").outcome["ec"] == pytest.approx(7.389955686854, abs=1e-9)


def test_exact_tie_returns_midpoint_and_interval():
    fc = forecast(one([20.0, 60.0], [0.5, 0.25], [1.0, 2.0]), "median")  # equal weights
    assert fc.outcome["issue"] == 40.0
    assert fc.details["issue"]["tie"] is True
    assert fc.details["issue"]["interval"] == (20.0, 60.0)
    # an exact tie with the merged weight of two actors at one position
    fc = forecast(one([10.0, 10.0, 30.0, 70.0], [1, 1, 1, 1], [1, 1, 1, 1]), "median")
    assert fc.outcome["issue"] == 20.0 and fc.details["issue"]["tie"]


def test_multi_issue_only_participants_count():
    p = BargainingProblem(
        ("a", "b", "c"),
        ("p", "q"),
        [[0.0, 100.0], [100.0, np.nan], [40.0, 0.0]],
        [[1.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
        [[1.0, 1.0], [1.0, 1.0], [1.0, 3.0]],
    )
    mean = forecast(p, "mean")
    assert mean.outcome["p"] == pytest.approx(140.0 / 3.0)
    assert mean.outcome["q"] == pytest.approx(25.0)
    assert set(mean.positions["q"]) == {"a", "c"}
    assert forecast(p, "median").outcome["q"] == 0.0
    assert mean.trajectory["p"].shape == (1,) and mean.rounds_run["p"] == 0 and mean.converged["p"]


def test_decide_sample_reference_means():
    """data/README.md: power x salience weighted means of the decide sample input."""
    path = data_file("decide", "sample_data.txt")
    from test_models_exchange import parse_decide

    p = parse_decide(path)
    ref = {
        "tolheffing-binnenstad": 49.3532,
        "tol-hoogte": 2.2710,
        "wanneer-tol": 50.5789,
        "woonwerkverkeer": 52.4855,
        "extra-investering": 49.4883,
        "kleine-of-grote-ring": 56.6008,
    }
    out = forecast(p, "mean").outcome
    for k, v in ref.items():
        assert out[k] == pytest.approx(v, abs=5e-5)


def test_zero_weight_issue_refused():
    with pytest.raises(ModelInputError, match="'issue'"):
        forecast(one([10.0, 20.0], [0.0, 0.0], [1.0, 1.0]), "mean")
    with pytest.raises(ModelInputError, match="'issue'"):
        forecast(one([10.0, 20.0], [0.5, 0.5], [0.0, 0.0]), "median")


# ----------------------------------------------------------------------------- properties
pos = st.sampled_from([0.0, 5.0, 12.5, 30.0, 33.0, 50.0, 71.0, 99.5, 100.0]) | st.floats(0, 100)
capability = st.sampled_from([0.0, 0.25, 1.0, 2.0, 3.0]) | st.floats(0, 10)
actor = st.tuples(pos, st.floats(0, 1), capability)
actors = st.lists(actor, min_size=1, max_size=12)


def unpack(acts):
    x, s, c = (np.array(v, float) for v in zip(*acts))
    return x, s, c


def weighted(x, s, c):
    return x[(s * c) > 0]


def F(x, w, y):
    return float(np.sum(w * np.abs(x - y)))


@settings(max_examples=300, deadline=None)
@given(actors)
def test_outcomes_within_range_and_median_minimises_F(acts):
    x, s, c = unpack(acts)
    assume((s * c).sum() > 1e-6)
    p = one(x, s, c)
    xw = weighted(x, s, c)
    mean = forecast(p, "mean").outcome["issue"]
    med = forecast(p, "median")
    m = med.outcome["issue"]
    assert xw.min() - 1e-9 <= mean <= xw.max() + 1e-9
    assert xw.min() <= m <= xw.max()
    # independent oracle: the median minimises sum_i w_i |x_i - y| over every actor position
    w = s * c
    Fm = F(x, w, m)
    assert all(Fm <= F(x, w, y) + 1e-9 * max(1.0, Fm) for y in x)
    # at an actor position, or midway between two on an exact tie (§1.2)
    lo, hi = med.details["issue"]["interval"]
    if med.details["issue"]["tie"]:
        assert lo in xw and hi in xw and lo < hi and m == 0.5 * (lo + hi)
        assert w[x <= lo].sum() == pytest.approx(0.5 * w.sum(), rel=1e-9)
    else:
        assert m in xw and lo == hi == m


@settings(max_examples=200, deadline=None)
@given(actors, st.randoms(use_true_random=False))
def test_invariant_to_actor_order(acts, rnd):
    x, s, c = unpack(acts)
    assume((s * c).sum() > 1e-6)
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    a, b = one(x, s, c), one(x[perm], s[perm], c[perm])
    assert forecast(a, "median").outcome == forecast(b, "median").outcome
    assert forecast(b, "mean").outcome["issue"] == pytest.approx(
        forecast(a, "mean").outcome["issue"], rel=1e-12, abs=1e-12
    )


@settings(max_examples=200, deadline=None)
@given(actors, st.integers(-10, 10), st.floats(1e-3, 1e3))
def test_invariant_to_scaling_capabilities(acts, k, lam):
    x, s, c = unpack(acts)
    assume((s * c).sum() > 1e-6)
    base = one(x, s, c)
    # a power of two scales every weight and partial sum exactly: the median is identical
    assert forecast(one(x, s, c * 2.0**k), "median").outcome == forecast(base, "median").outcome
    assert forecast(one(x, s, c * lam), "mean").outcome["issue"] == pytest.approx(
        forecast(base, "mean").outcome["issue"], rel=1e-9, abs=1e-9
    )


@settings(max_examples=200, deadline=None)
@given(actors, pos, st.floats(0, 1), st.floats(0, 10), st.booleans())
def test_actor_with_zero_salience_or_capability_does_not_move_it(acts, x0, s0, c0, zero_s):
    x, s, c = unpack(acts)
    assume((s * c).sum() > 1e-6)
    s1, c1 = (0.0, c0) if zero_s else (s0, 0.0)
    base, more = one(x, s, c), one(np.append(x, x0), np.append(s, s1), np.append(c, c1))
    assert forecast(more, "median").outcome == forecast(base, "median").outcome
    assert forecast(more, "mean").outcome["issue"] == pytest.approx(
        forecast(base, "mean").outcome["issue"], rel=1e-12, abs=1e-12
    )


# ----------------------------------------------------------------------------- batch
@pytest.mark.parametrize("model", ["mean", "median"])
def test_batch_equals_single_forecasts(model):
    rng = np.random.default_rng(7)
    B, n_a, n_i = 40, 9, 3
    x = rng.choice([0.0, 10.0, 25.0, 50.0, 80.0, 100.0], size=(B, n_a, n_i))
    x[:, 2, 1] = np.nan  # actor 2 takes no part in issue 1
    s = rng.uniform(0, 1, size=(B, n_a, n_i))
    c = rng.uniform(0, 2, size=(B, n_a))
    p0 = BargainingProblem(tuple("abcdefghi"), ("i", "j", "k"), x[0], s[0], c[0])
    out = forecast_batch(p0, model, position=x, salience=s, capability=c)
    assert out.shape == (B, n_i)
    for b in range(B):
        pb = p0.replace(position=x[b], salience=s[b], capability=c[b])
        fc = forecast(pb, model)
        assert out[b].tolist() == pytest.approx([fc.outcome[i] for i in pb.issues], rel=1e-12)


def test_batch_shared_arrays_broadcast_and_errors():
    p = ec_problem()
    rng = np.random.default_rng(1)
    x = np.clip(p.position[None] + rng.normal(0, 0.5, (100, 10, 1)), 4, 10)
    out = WeightedMean().forecast_batch(x, p.salience, p.capability, lower=p.lower, upper=p.upper)
    assert out.shape == (100, 1)
    assert np.all((out >= 4) & (out <= 10))
    med = WeightedMedian().forecast_batch(x, p.salience, p.capability)
    # continuous noise: no exact ties, so every draw's median is one of its positions
    assert all(med[b, 0] in x[b, :, 0] for b in range(100))
    s = np.zeros((3, 10, 1))
    with pytest.raises(ModelInputError, match="draw 0"):
        WeightedMedian().forecast_batch(x[:3], s, p.capability)

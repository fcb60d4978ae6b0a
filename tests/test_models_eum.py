"""Expected utility model: docs/models.md §2, checked on the EC car-emission-standards case
(BDM 1994 data as printed in Scholz, Calbert & Smith 2011, Table 1).

The fixture ``tests/fixtures/emission_standards.json`` is a copy of
``shared/data/bdm/emission_standards.json`` (data, published targets and the spec's
trajectory)."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from equipoise.errors import ModelInputError
from equipoise.models import (
    BargainingProblem,
    ExpectedUtility,
    eum_round_diagnostics,
    forecast,
    forecast_batch,
)
from equipoise.models import eum as eum_mod
from equipoise.models.eum import PROFILES

DATA = json.loads((Path(__file__).parent / "fixtures" / "emission_standards.json").read_text())
NAMES = [a["name"] for a in DATA["actors"]]
X = np.array([a["position"] for a in DATA["actors"]], float)
S = np.array([a["salience"] for a in DATA["actors"]], float) / DATA["salience_scale"]
C = np.array([a["capability"] for a in DATA["actors"]], float)
SPEC = DATA["spec_trajectory"]
TABLE2 = DATA["published"]["scholz2011_table2"]


def ec(x=X, s=S, c=C, names=NAMES, lower=4.0, upper=10.0) -> BargainingProblem:
    return BargainingProblem.single_issue(names, x, s, c, issue="ec", lower=lower, upper=upper)


@pytest.fixture(scope="module")
def run10():
    return forecast(ec(), "eum", rounds=10)


def trunc1(v: float) -> float:
    return math.floor(v * 10 + 1e-9) / 10


# ----------------------------------------------------------------------------- trajectory
def test_spec_trajectory_every_round(run10):
    """The JSON's spec trajectory (profile scholz2011) to 1e-9, rounds 0-10."""
    tol = SPEC["tolerance_for_tests"]
    assert run10.rounds_run["ec"] == 10 and run10.converged["ec"] is False
    np.testing.assert_allclose(run10.trajectory["ec"], SPEC["median"], rtol=0, atol=tol)
    det = run10.details["ec"]
    np.testing.assert_allclose(det["mean"], SPEC["mean"], rtol=0, atol=tol)
    for k, name in enumerate(NAMES):
        np.testing.assert_allclose(
            det["positions"][:, k], SPEC["positions"][name], rtol=0, atol=tol
        )
    for t, rs in enumerate(SPEC["r_by_round"]):
        np.testing.assert_allclose(det["r"][t], [rs[n] for n in NAMES], rtol=0, atol=tol)
    assert run10.outcome["ec"] == pytest.approx(SPEC["median"][-1], abs=tol)


def test_spec_moves_every_round(run10):
    offers = run10.details["ec"]["offers"]
    assert len(offers) == len(SPEC["moves"]) == 10
    for got, want in zip(offers, SPEC["moves"]):
        assert [(o["actor"], o["offer"], o["proposer"]) for o in got] == [
            (m["actor"], m["offer"], m["proposer"]) for m in want
        ]
        np.testing.assert_allclose(
            [o["new_position"] for o in got], [m["new_position"] for m in want], atol=1e-9
        )


def test_offers_read_as_a_list_of_rounds(run10):
    """``details["offers"]`` is built when read but behaves as the list of rounds it
    stands for: length, negative indices and slices, equality with the plain list (and
    none with a list that differs), ``IndexError`` past the end, the same after pickling
    (forecasts travel between processes); each round's dicts in actor order."""
    import pickle

    offers = run10.details["ec"]["offers"]
    plain = [list(r) for r in offers]
    assert len(plain) == 10 and all(isinstance(o, dict) for r in plain for o in r)
    assert offers[-1] == plain[9] and offers[2:5] == plain[2:5] and offers[::-3] == plain[::-3]
    assert offers == plain and plain == offers and not (offers != plain)
    changed = [list(r) for r in plain]
    changed[4] = changed[4][:-1]
    assert offers != changed
    with pytest.raises(IndexError):
        offers[10]
    assert pickle.loads(pickle.dumps(offers)) == plain
    for t, r in enumerate(plain):
        order = [NAMES.index(o["actor"]) for o in r]
        assert order == sorted(order)
        for o in r:
            k = NAMES.index(o["actor"])
            assert o["new_position"] == run10.details["ec"]["positions"][t + 1, k]


@pytest.mark.parametrize("rnd", [1, 3, 4, 5, 6, 7, 8])
def test_truncated_median_equals_scholz_table2(run10, rnd):
    assert trunc1(run10.trajectory["ec"][rnd]) == TABLE2["median"][rnd - 1]


@pytest.mark.xfail(
    strict=True,
    reason="docs/models.md A16: Scholz print 9.9 for round 2; the spec "
    "(and the port of Scholz's own code) give 9.611 -> 9.6; no tested reading "
    "reproduces 9.9 while matching the other rounds",
)
def test_truncated_median_round2_equals_scholz_table2(run10):
    assert trunc1(run10.trajectory["ec"][2]) == TABLE2["median"][1]


def test_means_within_0_07_of_table2(run10):
    means = run10.details["ec"]["mean"][1:9]
    assert np.all(np.abs(means - np.array(TABLE2["mean"])) <= 0.07)


def test_initial_values_and_round1_quantities():
    ref = DATA["reference_values"]
    fc = forecast(ec(), "eum", rounds=0)
    assert fc.trajectory["ec"].tolist() == [ref["initial"]["median"]]
    assert fc.details["ec"]["mean"][0] == pytest.approx(ref["initial"]["mean"], abs=1e-9)
    assert fc.details["ec"]["R"] == ref["initial"]["R"]
    d = eum_round_diagnostics(X, S, C)
    assert d["D1"] == pytest.approx(
        ref["r_round1_scholz2011"]["pass1_global_denominator_D"], abs=5e-4
    )
    np.testing.assert_allclose(
        d["r"], [ref["r_round1_scholz2011"]["values"][n] for n in NAMES], atol=1e-9
    )
    assert d["P2"].max() < 0.013  # §2.3: P is small under the global normalisation


def test_round1_view_from_belgium():
    """§2.12: Belgium's (a, b) against the others, to the printed 3 decimals."""
    d = eum_round_diagnostics(X, S, C)
    i = NAMES.index("Belgium")
    want = {
        "Netherlands": (-0.473, 0.242),
        "Germany": (-0.473, 0.242),
        "Luxembourg": (0.606, 0.242),
        "France": (-0.115, 0.243),
        "Italy": (-0.115, 0.243),
        "UK": (-0.655, 0.243),
        "Denmark": (-0.832, 0.242),
        "Ireland": (0.0, 0.0),
        "Greece": (0.0, 0.0),
    }
    for name, (a, b) in want.items():
        j = NAMES.index(name)
        assert d["A"][i, j] == pytest.approx(a, abs=6e-4)
        assert d["B"][i, j] == pytest.approx(b, abs=6e-4)


def test_round1_figures_7_to_10_within_plot_precision():
    """Scholz Figs 7-10, digitised to +-0.05: 35 of 36 points (Greece in Fig. 9 is the
    documented miss, docs/models.md §2.10)."""
    d = eum_round_diagnostics(X, S, C)
    figs = DATA["reference_values"]["eu_round1_figures_7_to_10"]["points"]
    checked = 0
    for fig, pts in figs.items():
        viewer = fig.split("view_from_")[1]
        i = NAMES.index(viewer)
        for name, v in pts.items():
            j = NAMES.index(name)
            if fig.startswith("fig10"):  # x = EU_{r_j}(j -> Lux), y = EU_{r_Lux}(j -> Lux)
                got = (d["A"][j, i], d["B"][i, j])
            else:  # x = EU_{r_i}(i -> j), y = EU_{r_i}(j -> i)
                got = (d["A"][i, j], d["B"][i, j])
            np.testing.assert_allclose(got, v["spec"], atol=6e-4)
            if fig.startswith("fig9") and name == "Greece":
                continue
            np.testing.assert_allclose(got, v["digitised"], atol=0.05)
            checked += 1
    assert checked == 35


def test_masad2014_profile_round1():
    """Profile masad2014 against dmasad's notebook (pairwise-net P, own exponent)."""
    ref = DATA["reference_values"]
    d = eum_round_diagnostics(X, S, C, profile="masad2014")
    np.testing.assert_allclose(
        d["r"], [ref["r_round1_masad2014_profile"]["values"][n] for n in NAMES], atol=1e-12
    )
    for who, key in (("Belgium", "Belgium_challenges"), ("UK", "UK_challenges")):
        i = NAMES.index(who)
        for name, v in ref["eu_round1_masad2014_profile"][key].items():
            assert d["A"][i, NAMES.index(name)] == pytest.approx(v, abs=1e-12)


def test_paper_literal_profile_keeps_median_at_7():
    fc = forecast(ec(), "eum", rounds=8, profile="paper_literal")
    assert np.all(fc.trajectory["ec"] == 7.0)


@pytest.mark.parametrize(
    "params", [{"offer_choice": "scholz_code"}, {"capitulation": False}, {"range_mode": "scale"}]
)
def test_alternatives_that_coincide_on_ec(run10, params):
    """§2.6 / A9 / A11: on the EC case these switches select the same moves for 10 rounds
    (scale = [4, 10] gives R = 6 = the initial spread)."""
    fc = forecast(ec(), "eum", rounds=10, **params)
    np.testing.assert_allclose(fc.trajectory["ec"], run10.trajectory["ec"], atol=1e-12)


def test_switches_that_change_results(run10):
    # A5 own exponent and A7 linear votes: docs/models-verification.md ablations (3/8, 6/8 of T2)
    own = forecast(ec(), "eum", rounds=8, perspective="own").trajectory["ec"]
    lin = forecast(ec(), "eum", rounds=8, vote_exponent="linear").trajectory["ec"]
    assert not np.allclose(own, run10.trajectory["ec"][:9])
    assert lin[6] == pytest.approx(7.52, abs=0.005)  # "round 6 gives 7.52"
    q = forecast(ec(), "eum", rounds=10, Q=0.5)
    H = q.details["ec"]["positions"]
    assert np.all(np.isfinite(H)) and H.min() >= 4.0 and H.max() <= 10.0


# ----------------------------------------------------------------------------- invariances
def test_invariant_to_capability_scale(run10):
    fc = forecast(ec(c=C * 7.0), "eum", rounds=10)
    np.testing.assert_allclose(
        fc.details["ec"]["positions"], run10.details["ec"]["positions"], atol=1e-9
    )


def test_scale_reversal_mirrors_trajectory(run10):
    fc = forecast(ec(x=14.0 - X), "eum", rounds=10)
    np.testing.assert_allclose(fc.trajectory["ec"], 14.0 - run10.trajectory["ec"], atol=1e-9)
    np.testing.assert_allclose(
        fc.details["ec"]["positions"], 14.0 - run10.details["ec"]["positions"], atol=1e-9
    )


def test_actor_permutation(run10):
    perm = np.random.default_rng(3).permutation(len(NAMES))
    permuted = ec(x=X[perm], s=S[perm], c=C[perm], names=[NAMES[k] for k in perm])
    fc = forecast(permuted, "eum", rounds=10)
    np.testing.assert_allclose(fc.trajectory["ec"], run10.trajectory["ec"], atol=1e-9)
    for name in NAMES:
        assert fc.positions["ec"][name] == pytest.approx(run10.positions["ec"][name], abs=1e-9)


# ----------------------------------------------------------------------------- kernels, batch
def random_issue(n, seed):
    rng = np.random.default_rng(seed)
    return (
        rng.choice(np.linspace(0, 100, 21), n),
        rng.uniform(0.05, 1, n).round(2),
        rng.uniform(0.1, 2, n).round(2),
    )


@pytest.mark.parametrize("prob_norm", ["global", "pairwise", "net"])
def test_prefix_sum_and_direct_vote_sums_agree(monkeypatch, prob_norm):
    """The O(n^2 log n) prefix-sum support (n > 16) equals the direct O(n^3) sum."""
    x, s, c = random_issue(30, 11)
    p = BargainingProblem.single_issue([f"a{i}" for i in range(30)], x, s, c)
    fast = forecast(p, "eum", rounds=10, prob_norm=prob_norm)
    monkeypatch.setattr(eum_mod, "_CUBIC_MAX_N", 1000)
    direct = forecast(p, "eum", rounds=10, prob_norm=prob_norm)
    np.testing.assert_allclose(
        fast.details["issue"]["positions"], direct.details["issue"]["positions"], atol=1e-9
    )
    d1 = eum_round_diagnostics(x, s, c, prob_norm=prob_norm)
    # brute-force support and denominator straight from the definitions of §2.3
    f = np.abs(x[:, None] - x[None, :]) / np.ptp(x) * (s * c)[:, None]  # f_k(x_p)
    v = f[:, None, :] - f[:, :, None]  # v_k(a, b) = f_k(x_b) - f_k(x_a)
    np.testing.assert_allclose(d1["N1"], np.maximum(v, 0).sum(axis=0), atol=1e-12)
    if prob_norm == "global":
        assert d1["D1"] == pytest.approx(np.abs(v).sum(), rel=1e-12)


def test_batch_equals_single_forecasts():
    rng = np.random.default_rng(5)
    B = 24
    x = np.clip(X[None, :] + rng.normal(0, 0.8, (B, 10)), 4, 10)
    s = np.clip(S[None, :] + rng.normal(0, 0.05, (B, 10)), 0, 1)
    p = ec()
    out = forecast_batch(p, "eum", position=x[:, :, None], salience=s[:, :, None], rounds=10)
    assert out.shape == (B, 1)
    for b in range(B):
        fc = forecast(ec(x=x[b], s=s[b]), "eum", rounds=10)
        assert out[b, 0] == pytest.approx(fc.outcome["ec"], abs=1e-9)
    # large n takes the prefix-sum path inside the batch too
    xs, ss, cs = random_issue(20, 2)
    xb = np.clip(xs[None] + rng.normal(0, 3, (3, 20)), 0, 100)
    pb = BargainingProblem.single_issue([f"a{i}" for i in range(20)], xs, ss, cs)
    out = forecast_batch(pb, "eum", position=xb[:, :, None])
    for b in range(3):
        one = forecast(pb.replace(position=xb[b][:, None]), "eum")
        assert out[b, 0] == pytest.approx(one.outcome["issue"], abs=1e-9)


def test_multi_issue_independent_and_participants_only():
    x2, s2, c2 = random_issue(6, 4)
    pos = np.column_stack([X[:6], x2])
    pos[2, 1] = np.nan
    p = BargainingProblem(
        tuple(NAMES[:6]),
        ("ec", "other"),
        pos,
        np.column_stack([S[:6], s2]),
        np.column_stack([C[:6], c2]),
        [4.0, 0.0],
        [10.0, 100.0],
    )
    fc = forecast(p, "eum", rounds=6)
    one = forecast(ec(x=X[:6], s=S[:6], c=C[:6], names=NAMES[:6]), "eum", rounds=6)
    np.testing.assert_allclose(fc.trajectory["ec"], one.trajectory["ec"], atol=1e-12)
    keep = [0, 1, 3, 4, 5]
    other = BargainingProblem.single_issue([NAMES[k] for k in keep], x2[keep], s2[keep], c2[keep])
    np.testing.assert_allclose(
        fc.trajectory["other"], forecast(other, "eum", rounds=6).trajectory["issue"], atol=1e-12
    )
    assert NAMES[2] not in fc.positions["other"]


# ----------------------------------------------------------------------------- degenerate, errors
def test_degenerate_cases():
    fc = forecast(BargainingProblem.single_issue(["solo"], [30.0], [0.5], [1.0]), "eum")
    assert fc.outcome["issue"] == 30.0 and fc.rounds_run["issue"] == 0 and fc.converged["issue"]
    same = BargainingProblem.single_issue(["a", "b", "c"], [40, 40, 40], [0.5, 1, 0.2], [1, 2, 3])
    fc = forecast(same, "eum")
    assert fc.outcome["issue"] == 40.0 and fc.rounds_run["issue"] == 0 and fc.converged["issue"]
    # two actors: the committed one (s = 1) stays, the other is moved towards it
    fc = forecast(BargainingProblem.single_issue(["a", "b"], [0, 100], [1.0, 0.2], [1, 1]), "eum")
    H = fc.details["issue"]["positions"]
    assert np.all(H[:, 0] == 0.0) and np.all(np.diff(H[:, 1]) <= 0) and H[-1, 1] < 100
    # a zero-weight actor has no vote but can still be moved (§0.1)
    fc = forecast(ec(s=np.where(np.arange(10) == 7, 0.0, S)), "eum", rounds=3)
    assert len(fc.details["ec"]["positions"][:, 7]) == 4


def test_bad_input_refused():
    with pytest.raises(ModelInputError, match="'ec'"):
        forecast(ec(s=np.zeros(10)), "eum")
    with pytest.raises(ModelInputError, match="profile"):
        ExpectedUtility(profile="bdm1985")
    with pytest.raises(ModelInputError, match="prob_norm"):
        ExpectedUtility(prob_norm="local")
    with pytest.raises(ModelInputError, match="Q"):
        ExpectedUtility(Q=1.5)


def test_get_params_resolves_the_profile():
    assert ExpectedUtility().get_params() == {
        "profile": "scholz2011",
        "Q": 1.0,
        "rounds": 50,
        "range_mode": "initial_spread",
        "prob_norm": "global",
        "vote_exponent": "voter",
        "perspective": "receiver",
        "offer_choice": "enforceable",
        "capitulation": True,
        "stop_rule": "repeat",
        "stop_threshold": 0.0,
        "horizon": 50,
        "max_period": 12,
        "window": 10,
    }
    m = ExpectedUtility("masad2014", perspective="receiver")
    assert (m.prob_norm, m.vote_exponent, m.perspective) == ("net", "linear", "receiver")


# ----------------------------------------------------------------------------- numba kernel
SWITCHES = [dict(profile=p) for p in PROFILES] + [
    dict(Q=0.5),
    dict(Q=0.0, perspective="own"),
    dict(offer_choice="scholz_code"),
    dict(capitulation=False),
    dict(prob_norm="net", vote_exponent="voter"),
    dict(profile="paper_literal", Q=0.8, offer_choice="scholz_code", vote_exponent="voter"),
    dict(profile="masad2014", perspective="receiver", capitulation=False, Q=0.3),
    dict(range_mode="scale"),
]


@pytest.fixture
def kernel(monkeypatch):
    """The compiled EUM rounds, loaded even under EQUIPOISE_NUMBA=0 (skip without numba)."""
    pytest.importorskip("numba")
    monkeypatch.setenv("EQUIPOISE_NUMBA", "1")
    monkeypatch.setattr(eum_mod, "_KERNEL", None)
    if eum_mod._kernel() is None:
        pytest.skip("numba kernel unavailable")
    return monkeypatch


def both_paths(kernel, fn):
    """``fn()`` with the compiled rounds, then with the NumPy path (the reference)."""
    fast = fn()
    kernel.setattr(eum_mod, "_KERNEL", False)
    ref = fn()
    kernel.setattr(eum_mod, "_KERNEL", None)
    eum_mod._kernel()
    return fast, ref


def assert_same_forecast(fast, ref):
    """Positions, medians, means, exponents and offers agree to 1e-12 (relative, or absolute
    near 0: NumPy's pairwise summation may round the last bits differently from the compiled
    loops); offer kinds, actors, proposers, rounds and stop rules exactly."""
    assert fast.rounds_run == ref.rounds_run and fast.converged == ref.converged
    for issue in ref.issues:
        a, b = fast.details[issue], ref.details[issue]
        assert a["stop"] == b["stop"] and a["R"] == b["R"]
        for k in ("positions", "median", "mean", "r"):
            assert np.shape(a[k]) == np.shape(b[k])
            np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-12)
        assert fast.outcome[issue] == pytest.approx(ref.outcome[issue], rel=1e-12, abs=1e-12)
        assert len(a["offers"]) == len(b["offers"])
        for ra, rb in zip(a["offers"], b["offers"]):
            assert [(o["actor"], o["offer"], o["proposer"]) for o in ra] == [
                (o["actor"], o["offer"], o["proposer"]) for o in rb
            ]
            for key in ("a", "b", "new_position"):
                np.testing.assert_allclose(
                    [o[key] for o in ra], [o[key] for o in rb], rtol=1e-12, atol=1e-12
                )


@pytest.mark.parametrize("params", SWITCHES)
def test_kernel_equals_numpy_on_ec(kernel, params):
    fast, ref = both_paths(kernel, lambda: forecast(ec(), "eum", rounds=12, **params))
    assert_same_forecast(fast, ref)


def test_kernel_equals_numpy_on_random_problems(kernel):
    """n = 2..30 (both vote-sum methods), ties in positions, zero weights, Q < 1, every
    switch, until a fixed point or common position or the round cap."""
    rng = np.random.default_rng(2024)
    choices = {k: v for k, v in eum_mod._CHOICES.items() if k != "range_mode"}
    for t in range(60):
        n = int(rng.integers(2, 31))
        x = rng.uniform(0, 100, n)
        if t % 2:
            x = rng.choice(np.linspace(0, 100, 6), n)  # many ties
        s = rng.uniform(0, 1, n).round(2)
        c = rng.uniform(0, 2, n).round(2)
        if t % 3 == 0:
            c[rng.random(n) < 0.3] = 0.0  # zero weights
        if not (c * s).sum() > 0:
            c[:] = 1.0
            s[0] = 1.0
        params = {k: str(rng.choice(v)) for k, v in choices.items()}
        params.update(
            Q=float(rng.choice([1.0, 1.0, 0.5, 0.0, 0.9])),
            capitulation=bool(rng.random() < 0.8),
            rounds=int(rng.integers(1, 16)),
        )
        p = BargainingProblem.single_issue([f"a{i}" for i in range(n)], x, s, c)
        fast, ref = both_paths(kernel, functools.partial(forecast, p, "eum", **params))
        assert_same_forecast(fast, ref)


@pytest.mark.parametrize("n", [9, 14, 40])
def test_kernel_position_groups_change_no_bit(kernel, n):
    """The compiled rounds compute what depends on two positions (votes, support,
    probabilities, the utilities' powers) once per group of equal positions. With the
    groups (the production path) and without (every actor its own group), the rounds give
    the same numbers bit for bit: where most actors share a handful of positions, with 0.0
    and -0.0, positions one ulp apart (two groups, one position within ``eps``), zero
    saliences and capabilities, on both vote-sum methods (direct up to 16 actors, prefix
    sums above) and under every switch; and on a batch of draws."""
    kern = eum_mod._kernel()
    rng = np.random.default_rng(n)
    grid = np.array([-0.0, 0.0, 25.0, np.nextafter(25.0, 30.0), 60.0, 100.0])
    X, Sal, Wt = [], [], []
    for t, params in enumerate(SWITCHES):
        x = rng.choice(grid, n)
        x[:5] = (0.0, 100.0, -0.0, 25.0, np.nextafter(25.0, 30.0))
        if t % 2:
            x[5:] = np.where(rng.random(n - 5) < 0.5, x[5:], rng.uniform(0, 100, n - 5))
        s = rng.uniform(0, 1, n).round(1)
        s[rng.random(n) < 0.2] = 0.0
        c = rng.uniform(0, 2, n).round(1)
        c[rng.random(n) < 0.2] = 0.0
        c[0] = s[0] = 1.0
        X, Sal, Wt = X + [x], Sal + [s], Wt + [c * s]
        cfg = ExpectedUtility(**params)._cfg
        args = (x, s, c * s, 100.0, 1e-7, *eum_mod._kernel_args(cfg, 20, n), 12)
        grouped, single = kern.run_record(*args, True), kern.run_record(*args, False)
        assert len(grouped[0]) > 2  # the actors moved for some rounds
        for g, o in zip(grouped, single):
            np.testing.assert_array_equal(g, o)
    R, eps = np.full(len(X), 100.0), np.full(len(X), 1e-7)
    args = (np.array(X), np.array(Sal), np.array(Wt), R, eps)
    more = (*eum_mod._kernel_args(ExpectedUtility()._cfg, 20, n), 12, 10)
    np.testing.assert_array_equal(
        kern.run_final(*args, *more, True), kern.run_final(*args, *more, False)
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        dict(profile="paper_literal", Q=0.5),
        dict(profile="masad2014", offer_choice="scholz_code", capitulation=False),
    ],
)
def test_kernel_equals_numpy_in_batches(kernel, params):
    rng = np.random.default_rng(9)
    B = 40
    x = np.clip(X[None, :] + rng.normal(0, 0.8, (B, 10)), 4, 10)
    x[:5] = np.round(x[:5])  # ties
    x[5] = 7.0  # one draw with a common position
    s = np.clip(S[None, :] + rng.normal(0, 0.05, (B, 10)), 0, 1)
    s[6, :3] = 0.0
    fast, ref = both_paths(
        kernel,
        lambda: forecast_batch(
            ec(), "eum", position=x[:, :, None], salience=s[:, :, None], rounds=10, **params
        ),
    )
    np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)
    model = ExpectedUtility(**params, rounds=8)
    model.batch_chunk = 16
    fast, ref = both_paths(
        kernel,
        lambda: model.forecast_batch(
            x[:, :, None], s[:, :, None], C[None, :, None], lower=[4.0], upper=[10.0], n_jobs=2
        ),
    )
    np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)
    # 20 actors: the prefix-sum vote sums; no bounds (eps from each draw's spread)
    xs, ss, cs = random_issue(20, 2)
    xb = np.clip(xs[None] + rng.normal(0, 3, (6, 20)), 0, 100)
    fast, ref = both_paths(
        kernel, lambda: model.forecast_batch(xb[:, :, None], ss[:, None], cs[:, None])
    )
    np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)
    # ... and each draw equals its single forecast on the compiled path
    pb = BargainingProblem.single_issue([f"a{i}" for i in range(20)], xs, ss, cs)
    one = [model.forecast(pb.replace(position=xb[b][:, None])).outcome["issue"] for b in range(6)]
    np.testing.assert_allclose(fast[:, 0], one, rtol=1e-12, atol=1e-12)


def test_batch_threads_and_chunks_change_no_bit(kernel):
    """The compiled batch cuts each issue's draws into chunks for its threads (more, and
    smaller, the more threads): forecasts and diagnostics are the same bits on 1, 2 or 5
    threads (1, 2 and 7 draws a chunk here) and with any ``batch_chunk``."""
    rng = np.random.default_rng(5)
    B = 7
    x = np.clip(X[None, :, None] + rng.normal(0, 0.8, (B, 10, 2)), 4, 10)
    s = np.clip(S[None, :, None] + rng.normal(0, 0.05, (B, 10, 2)), 0, 1)
    c = np.broadcast_to(C[None, :, None], x.shape)
    runs = []
    for jobs, chunk in ((1, 1024), (2, 1024), (5, 1024), (2, 3)):
        model = ExpectedUtility(rounds=12)
        model.batch_chunk = chunk
        out = model.forecast_batch(x, s, c, lower=[4.0, 4.0], upper=[10.0, 10.0], n_jobs=jobs)
        runs.append((out, model.batch_info_))
    for out, info in runs[1:]:
        np.testing.assert_array_equal(out, runs[0][0])
        for k, v in runs[0][1].items():
            np.testing.assert_array_equal(info[k], v)


def test_kernel_switched_off_by_environment(monkeypatch):
    monkeypatch.setenv("EQUIPOISE_NUMBA", "0")
    monkeypatch.setattr(eum_mod, "_KERNEL", None)
    assert eum_mod._kernel() is None
    assert forecast(ec(), "eum", rounds=10).outcome["ec"] == pytest.approx(
        SPEC["median"][-1], abs=1e-9
    )

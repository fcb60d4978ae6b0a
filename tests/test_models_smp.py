"""KTAB's spatial model of politics (``smp``) and probabilistic Condorcet election (``pce``):
KTAB's own reference run, closed forms, invariances, the stop rule, batch = single."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from shareddata import DATA
from typer.testing import CliRunner

import equipoise
from equipoise.cli import app
from equipoise.errors import ModelInputError
from equipoise.io.ktab import read_ktab
from equipoise.models import BargainingProblem, ProbabilisticCondorcet, SpatialModel
from equipoise.models.smp_rules import coalitions, pce

REF_LOG = DATA / "ktab" / "ref-dummyData_3Dim.txt"


def ktab(name: str):  # noqa: ANN201 - a Scenario
    path = DATA / "ktab" / name
    return read_ktab(str(path), path.read_text(encoding="utf-8"))


def reference() -> tuple[dict[tuple[str, int], np.ndarray], dict[str, np.ndarray], list[float]]:
    """KTAB's log: positions per (actor, dimension) and state, winning probabilities per
    actor and state, the stop rule's ratio per turn."""
    text = REF_LOG.read_text(encoding="utf-8")
    pos_part = text.split("History of actor positions over time")[1]
    pos_part, prob_part = pos_part.split("History of actors' winning probabilities")
    positions = {}
    for line in pos_part.splitlines():
        m = re.match(r"(\S+), Pstn(\d):(.*)", line)
        if m:
            positions[(m[1], int(m[2]) - 1)] = np.array(m[3].split(), float)
    probs = {}
    for line in prob_part.splitlines():
        m = re.match(r"(\S+), prob :(.*)", line)
        if m:
            probs[m[1]] = np.array(m[2].split(), float)
    ratios = [
        float(v) for v in re.findall(r"Fractional change compared to first step: (\S+)", text)
    ]
    return positions, probs, ratios


@pytest.fixture(scope="module")
def three_dim():  # noqa: ANN201
    s = ktab("dummyData_3Dim.csv")
    return s, equipoise.forecast(s, model="smp", spaces="joint")


def test_reproduces_ktab_reference_run(three_dim) -> None:
    s, fc = three_dim
    positions, probs, ratios = reference()
    dims = [i.id for i in s.issues]
    assert len(positions) == 21 and len(probs) == 7 and len(ratios) == 10
    for issue in dims:
        assert fc.rounds_run[issue] == 10 and fc.converged[issue]  # 11 states
    for (actor, k), ref in positions.items():
        ours = fc.history[dims[k]][actor]
        assert ours.shape == ref.shape == (11,)
        np.testing.assert_allclose(ours, ref, atol=0.1, err_msg=f"{actor} dimension {k}")
    for actor, ref in probs.items():
        ours = fc.details[dims[0]]["probability_history"][actor]
        np.testing.assert_allclose(ours, ref, atol=0.01, err_msg=actor)
    # the stop rule's ratios, printed by KTAB to 4 decimals
    np.testing.assert_allclose(fc.details[dims[0]]["change_ratio"], ratios, atol=6e-5)


def test_a_ktab_files_dimensions_are_one_space_by_default(three_dim) -> None:
    s, fc = three_dim
    assert len({i.space for i in s.issues}) == 1 and s.issues[0].space is not None
    default = equipoise.forecast(s, model="smp")
    assert default.outcome == fc.outcome and default.rounds_run == fc.rounds_run


def test_pce_with_ktab_settings_gives_ktabs_initial_probabilities() -> None:
    s = ktab("dummyData_3Dim.csv")
    _, probs, _ = reference()
    fc = equipoise.forecast(s, model="pce", weights="capability", risk="inferred", spaces="joint")
    got = fc.details[s.issues[0].id]["probabilities"]
    for actor, ref in probs.items():
        assert got[actor] == pytest.approx(ref[0], abs=1e-4)


def one_issue(x, c, s=None):  # noqa: ANN001, ANN201
    n = len(x)
    return BargainingProblem.single_issue(
        [f"a{k}" for k in range(n)], x, s if s is not None else [1.0] * n, c
    )


def test_pce_closed_form_two_actors_is_the_weighted_mean() -> None:
    # C_ab = w_1 |x_1 - x_2|, C_ba = w_2 |x_1 - x_2|: p_1 = w_1 / (w_1 + w_2)
    fc = ProbabilisticCondorcet().forecast(one_issue([20.0, 80.0], [1.0, 3.0], [0.5, 0.4]))
    w1, w2 = 0.5, 1.2
    assert fc.outcome["issue"] == pytest.approx((w1 * 20 + w2 * 80) / (w1 + w2), abs=1e-6)
    probs = fc.details["issue"]["probabilities"]
    assert probs["a0"] == pytest.approx(w1 / (w1 + w2), abs=1e-7)


def test_pce_closed_form_three_equal_actors() -> None:
    # positions 0, 50, 100, equal weights: P(0 > 50) = 1/3, P(0 > 100) = 1/2, so
    # p ∝ (1/2 1/3 1/2, 2/3 1/2 2/3, 1/2 1/3 1/2) = (3, 8, 3) / 14
    fc = ProbabilisticCondorcet().forecast(one_issue([0.0, 50.0, 100.0], [1.0, 1.0, 1.0]))
    probs = fc.details["issue"]["probabilities"]
    assert [probs[a] for a in ("a0", "a1", "a2")] == pytest.approx(
        [3 / 14, 8 / 14, 3 / 14], abs=1e-7
    )
    assert fc.outcome["issue"] == pytest.approx(50.0, abs=1e-6)
    assert fc.details["issue"]["most_probable"] == 50.0


def test_pce_models_agree_on_two_options() -> None:
    # with two options every PCE model's fixed point is p_a = P[a > b]
    u = np.array([[[1.0, 0.4], [0.2, 1.0], [0.9, 0.8]]])
    c = coalitions(u, np.array([[2.0, 1.0, 3.0]]), "Prop")
    ref = pce(c, "Conditional")
    for model in ("MarkovUniform", "MarkovIncentive"):
        np.testing.assert_allclose(pce(c, model), ref, atol=1e-5)
    assert ref[0, 0] == pytest.approx(c[0, 0, 1] / (c[0, 0, 1] + c[0, 1, 0]))


def test_shared_positions_share_their_probability() -> None:
    fc = ProbabilisticCondorcet().forecast(one_issue([10.0, 10.0, 90.0], [1.0, 1.0, 1.0]))
    p = fc.details["issue"]["probabilities"]
    assert p["a0"] == p["a1"] and p["a0"] + p["a2"] == pytest.approx(1.0)
    assert p["a0"] > p["a2"]  # two voters for 10, one for 90


def problem_of(s):  # noqa: ANN001, ANN201
    return equipoise.models.api.as_problem(s)


def test_actor_order_does_not_matter(three_dim) -> None:
    s, fc = three_dim
    p = problem_of(s)
    order = [3, 6, 0, 5, 1, 4, 2]
    q = BargainingProblem(
        tuple(p.actors[k] for k in order),
        p.issues,
        p.position[order],
        p.salience[order],
        p.capability[order],
        p.lower,
        p.upper,
    )
    fq = SpatialModel(spaces="joint").forecast(q)
    for issue in p.issues:
        assert fq.outcome[issue] == pytest.approx(fc.outcome[issue], abs=1e-9)
        assert fq.rounds_run[issue] == fc.rounds_run[issue]
        for a in p.actors:
            np.testing.assert_allclose(fq.history[issue][a], fc.history[issue][a], atol=1e-9)


def test_scaling_every_capability_changes_nothing(three_dim) -> None:
    s, fc = three_dim
    p = problem_of(s)
    fq = SpatialModel(spaces="joint").forecast(p.replace(capability=p.capability * 37.5))
    for issue in p.issues:
        assert fq.outcome[issue] == pytest.approx(fc.outcome[issue], abs=1e-6)
        assert fq.rounds_run[issue] == fc.rounds_run[issue]
    pc = ProbabilisticCondorcet(spaces="joint")
    assert pc.forecast(p.replace(capability=p.capability * 0.01)).outcome == pytest.approx(
        pc.forecast(p).outcome, abs=1e-6
    )


def test_stop_rule(three_dim) -> None:
    s, fc = three_dim
    p = problem_of(s)
    issue = p.issues[0]
    capped = SpatialModel(rounds=3, spaces="joint").forecast(p)
    assert capped.rounds_run[issue] == 3 and not capped.converged[issue]
    np.testing.assert_allclose(
        capped.history[issue]["SActor-00"], fc.history[issue]["SActor-00"][:4]
    )
    # turn 2 moved 0.763 of turn 1: a ratio of 0.8 stops there, not before min_rounds
    early = SpatialModel(stop_ratio=0.8, spaces="joint").forecast(p)
    assert early.rounds_run[issue] == 2 and early.converged[issue]
    later = SpatialModel(stop_ratio=0.8, min_rounds=4, spaces="joint").forecast(p)
    assert later.rounds_run[issue] == 4
    # the run stops at the first turn from min_rounds on whose ratio is below stop_ratio
    ratios = fc.details[issue]["change_ratio"]
    assert ratios[-1] < 0.02 and all(r >= 0.02 for r in ratios[1:-1])
    same = one_issue([40.0, 40.0, 40.0], [1.0, 2.0, 3.0])
    f0 = SpatialModel().forecast(same)
    assert f0.rounds_run["issue"] == 0 and f0.converged["issue"]
    assert f0.outcome["issue"] == 40.0


def test_batch_equals_single(three_dim) -> None:
    s, fc = three_dim
    p = problem_of(s)
    rng = np.random.default_rng(3)
    x = np.clip(p.position[None] + rng.normal(0, 4, (3, *p.position.shape)), 0, 100)
    x[0] = p.position
    for model in (SpatialModel(spaces="joint"), ProbabilisticCondorcet(spaces="joint")):
        out = model.forecast_batch(
            x,
            p.salience,
            p.capability,
            lower=p.lower,
            upper=p.upper,
            issues=p.issues,
            actors=p.actors,
        )
        for b in range(3):
            single = model.forecast(p.replace(position=x[b]))
            np.testing.assert_allclose(out[b], [single.outcome[i] for i in p.issues], atol=1e-9)
    joint = SpatialModel(spaces="joint")
    first = joint.forecast_batch(x[:1], p.salience, p.capability, lower=p.lower, upper=p.upper)
    assert first[0] == pytest.approx([fc.outcome[i] for i in p.issues])


def test_separate_spaces_run_issue_by_issue(three_dim) -> None:
    s, _ = three_dim
    p = problem_of(s)
    sep = SpatialModel(spaces="separate").forecast(p)
    assert not SpatialModel(spaces="separate").joint_issues and SpatialModel().joint_issues
    for issue in p.issues:
        alone = SpatialModel().forecast(p.subset_issues([issue]))
        assert sep.outcome[issue] == pytest.approx(alone.outcome[issue], abs=1e-12)
        assert sep.details[issue]["space"] == [issue]


def test_refuses_what_it_cannot_model() -> None:
    p = BargainingProblem(
        ("a", "b"),
        ("x", "y"),
        np.array([[10.0, 20.0], [30.0, 40.0]]),
        np.array([[0.7, 0.6], [0.2, 0.2]]),
        np.ones((2, 2)),
    )
    with pytest.raises(ModelInputError, match="add up to"):
        SpatialModel(spaces="joint").forecast(p)
    q = p.replace(
        position=np.array([[10.0, np.nan], [30.0, 40.0]]),
        salience=np.array([[0.5, 0.0], [0.2, 0.2]]),
    )
    with pytest.raises(ModelInputError, match="some issues of the space"):
        ProbabilisticCondorcet(spaces="joint").forecast(q)
    assert ProbabilisticCondorcet(spaces="separate").forecast(q).outcome["y"] == 40.0
    # a problem that declares no space: each issue is a space of its own
    assert ProbabilisticCondorcet().forecast(q).outcome["y"] == 40.0
    with pytest.raises(ModelInputError, match="voting_rule"):
        SpatialModel(voting_rule="Plurality")
    with pytest.raises(ModelInputError, match="in no space"):
        SpatialModel(spaces=[["x"]]).forecast(p.replace(salience=p.salience / 2))
    with pytest.raises(ModelInputError, match="spaces="):
        SpatialModel(spaces="all")


@pytest.mark.parametrize(
    "params",
    [
        {"voting_rule": "ASymProsp"},
        {"voting_rule": "Binary"},
        {"victory_prob_model": "Octic"},
        {"victory_prob_model": "Binary"},
        {"pce_model": "MarkovUniform"},
        {"pce_model": "MarkovIncentive"},
        {"big_r_range": "Min"},
        {"big_r_adjust": "Full"},
        {"third_party_commit": "NoCommit"},
        {"inter_vec_brgn": "S2PMax"},
        {"bargn_model": "InitRcvrInterp"},
        {"bargn_model": "PWCompInterp"},
        {"state_transitions": "Stochastic", "seed": 1},
    ],
)
def test_alternatives_run_and_stay_in_the_hull(three_dim, params) -> None:
    s, _ = three_dim
    p = problem_of(s)
    fc = SpatialModel(**params, spaces="joint").forecast(p)
    for k, issue in enumerate(p.issues):
        lo, hi = p.position[:, k].min(), p.position[:, k].max()
        assert lo - 1e-9 <= fc.outcome[issue] <= hi + 1e-9
        assert 1 <= fc.rounds_run[issue] <= 100


def test_forecast_json_has_history_and_probabilities(tmp_path) -> None:
    path = str(DATA / "ktab" / "dummyData_3Dim.csv")
    res = CliRunner().invoke(
        app, ["forecast", path, "-m", "smp", "-m", "pce", "--json", "--no-store"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)["models"]
    smp = data["smp"]["Pstn1"]
    assert smp["rounds_run"] == 10 and smp["converged"] is True
    assert len(smp["history"]["SActor-00"]) == 11
    assert smp["history"]["SActor-00"][0] == pytest.approx(75.79)
    pce_ = data["pce"]["Pstn2"]
    assert set(pce_["probabilities"]) == {f"SActor-0{k}" for k in range(7)}
    assert "outcome" in pce_


def test_voting_rules_victory_models_and_risk_ranges_as_ktab_defines_them() -> None:
    from equipoise.models.smp_rules import big_r, response, victory_probability

    du = np.array([-0.5, 0.0, 0.25])
    np.testing.assert_allclose(response("PropBin")(du), [-0.6, 0.0, 0.4])
    np.testing.assert_allclose(response("Cubic")(du), [-0.125, 0.0, 0.015625])
    np.testing.assert_allclose(response("PropCbc")(du), [-0.3125, 0.0, 0.1328125])
    np.testing.assert_allclose(response("ASymProsp")(du), [-0.5, 0.0, 0.25 * 2 / 3])
    c = np.array([[[1.0, 3.0], [1.0, 1.0]]])  # C_01 = 3, C_10 = 1
    for model, k in (("Linear", 1), ("Square", 2), ("Quartic", 4), ("Octic", 8)):
        assert victory_probability(c, model)[0, 0, 1] == pytest.approx(3**k / (3**k + 1))
    assert victory_probability(c, "Binary")[0, 0, 1] == pytest.approx(1 / (1 + 1e-6))
    p = np.array([[0.1, 0.2, 0.7]])
    np.testing.assert_allclose(big_r(p, "Max"), [[-1.0, -2 / 3, 1.0]])
    np.testing.assert_allclose(big_r(p, "Min"), [[0.0, 1 / 6, 1.0]])
    np.testing.assert_allclose(big_r(p, "Mid"), [[-0.5, -0.25, 1.0]])
    assert (big_r(np.full((1, 3), 1 / 3)) == 0).all()
    for bad in (
        lambda: response("Plurality"),
        lambda: victory_probability(c, "Cubic"),
        lambda: pce(c, "Borda"),
        lambda: big_r(p, "Wide"),
    ):
        with pytest.raises(ModelInputError, match="choose one of"):
            bad()


def test_explicit_spaces(three_dim) -> None:
    s, fc = three_dim
    p = problem_of(s)
    ids = list(p.issues)
    listed = SpatialModel(spaces=[ids]).forecast(p)
    assert listed.outcome == pytest.approx(fc.outcome)
    two = ProbabilisticCondorcet(spaces=[ids[:1], ids[1:]]).forecast(p)
    assert two.details[ids[0]]["space"] == ids[:1] and two.details[ids[2]]["space"] == ids[1:]
    for bad, match in (
        ([["nope"]], "unknown issue"),
        ([ids, ids[:1]], "two spaces"),
        ([ids[:1]], "in no space"),
    ):
        with pytest.raises(ModelInputError, match=match):
            ProbabilisticCondorcet(spaces=bad).forecast(p)
    with pytest.raises(ModelInputError, match="spaces="):
        SpatialModel(spaces=3)

"""The balancer's decision: option transforms, doctrine scores and SMAA-2 indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.decision import apply, decide, options_of, smaa2
from equipoise.decision.smaa import sample_simplex, sample_weights
from equipoise.errors import ModelInputError
from equipoise.io import load

FIXTURE = Path(__file__).parent / "fixtures" / "decision.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load(FIXTURE)


# -- SMAA-2 core ---------------------------------------------------------------------------


def test_dominated_option_is_never_first() -> None:
    rng = np.random.default_rng(1)
    values = rng.random((5000, 4, 3))
    values[:, 3] = values[:, 0] - 0.05 - rng.random((5000, 3)) * 0.1  # worse on every one
    result = smaa2(values, sample_simplex(rng, 5000, 3))
    assert result.acceptability[3] == 0.0
    assert np.isnan(result.confidence[3])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 7), k=st.integers(1, 5))
def test_rank_acceptabilities_sum_to_one(seed: int, m: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, (400, m, k)).astype(float)  # many exact ties
    result = smaa2(values, sample_simplex(rng, 400, k))
    np.testing.assert_allclose(result.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)


def test_identical_options_tie_exactly() -> None:
    rng = np.random.default_rng(2)
    values = rng.random((3000, 3, 4))
    values[:, 2] = values[:, 1]
    result = smaa2(values, sample_simplex(rng, 3000, 4))
    np.testing.assert_array_equal(result.rank_acceptability[1], result.rank_acceptability[2])


def test_central_weights_and_confidence_of_a_clear_winner() -> None:
    rng = np.random.default_rng(3)
    values = np.tile(np.array([[1.0, 1.0], [0.0, 0.5]]), (1000, 1, 1))
    result = smaa2(values, sample_simplex(rng, 1000, 2))
    assert result.acceptability[0] == 1.0
    assert result.confidence[0] == 1.0
    np.testing.assert_allclose(result.central_weights[0], [0.5, 0.5], atol=0.05)


def test_box_weights_stay_in_their_ranges_after_normalising() -> None:
    rng = np.random.default_rng(4)
    w = sample_weights(rng, 2000, np.array([1.0, 0.0]), np.array([1.0, 1.0]))
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w[:, 0] >= 0.5 - 1e-12).all()  # 1 / (1 + at most 1)


# -- options as transforms ------------------------------------------------------------------


def test_applying_an_option_changes_exactly_what_it_names(scenario) -> None:
    option = next(o for o in scenario.options if o.id == "back-ally")
    after = apply(scenario, option)
    changed = [(b.actor, b.issue) for a, b in zip(scenario.stances, after.stances) if a != b]
    assert changed == [("BIG", "land")]
    assert after.stance("BIG", "land").position.value == 10
    assert after.stance("BIG", "land").salience == scenario.stance("BIG", "land").salience
    changed_actors = [b.id for a, b in zip(scenario.actors, after.actors) if a != b]
    assert changed_actors == ["ALLY"] and after.actor("ALLY").capability.value == 40
    changed_rel = [
        (b.from_, b.to, b.sign) for a, b in zip(scenario.relations, after.relations) if a != b
    ]
    assert changed_rel == [("BIG", "PART", -1)]
    assert len(after.relations) == len(scenario.relations)
    assert scenario.stance("BIG", "land").position.value == 40  # input untouched


def test_adding_and_removing_relations(scenario) -> None:
    option = next(o for o in scenario.options if o.id == "press-ally")
    after = apply(scenario, option)
    assert len(after.relations) == len(scenario.relations) + 1
    new = after.relations[-1]
    assert (new.from_, new.to, new.kind, new.sign, new.weight.value) == (
        "BIG",
        "ALLY",
        "strained",
        -1,
        0.5,
    )
    from equipoise.decision import apply_changes
    from equipoise.scenario import Change

    removed = apply_changes(
        scenario,
        [Change(target="relation", actor="ALLY", other="PART", action="remove", assumption="t")],
    )
    assert not any({r.from_, r.to} == {"ALLY", "PART"} for r in removed.relations)
    assert len(removed.relations) == len(scenario.relations) - 1


def test_status_quo_is_always_first(scenario) -> None:
    ids = [o.id for o in options_of(scenario)]
    assert ids[0] == scenario.status_quo == "baseline" and "mediate" in ids


# -- the analysis -----------------------------------------------------------------------------


def test_same_seed_same_result_other_seed_differs(scenario) -> None:
    a = decide(scenario, model="mean", draws=300, seed=7)
    b = decide(scenario, model="mean", draws=300, seed=7)
    c = decide(scenario, model="mean", draws=300, seed=8)
    assert a.to_dict() == b.to_dict()
    assert a.to_dict()["rank_acceptability"] != c.to_dict()["rank_acceptability"]


def test_twin_options_tie_and_ranks_sum_to_one(scenario) -> None:
    result = decide(scenario, model="mean", draws=500, seed=1)
    i, j = result.options.index("back-ally"), result.options.index("back-ally-twin")
    np.testing.assert_allclose(
        result.smaa.rank_acceptability[i], result.smaa.rank_acceptability[j], atol=1e-12
    )
    np.testing.assert_allclose(result.smaa.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)
    for doctrine in result.by_doctrine.values():
        assert doctrine["scores"]["back-ally"] == pytest.approx(
            doctrine["scores"]["back-ally-twin"]
        )


def test_single_criterion_doctrine_picks_the_best_option_on_it(scenario) -> None:
    result = decide(scenario, model="mean", draws=0)
    risk = result.criteria.index("risk")
    best_on_risk = result.options[int(np.argmax(result.values[:, risk]))]
    assert best_on_risk == "baseline"  # no declared risk
    assert result.by_doctrine["cautious"]["best"] == best_on_risk
    # every criterion, one at a time
    for j, criterion in enumerate(result.criteria):
        single = scenario.model_copy(deep=True)
        from equipoise.scenario import Doctrine

        single.doctrines = [
            Doctrine(id="one", name="one", weights={criterion: 1.0}, assumption="t")
        ]
        res = decide(single, model="mean", draws=0)
        best = res.by_doctrine["one"]["best"]
        assert res.values[res.options.index(best), j] == pytest.approx(res.values[:, j].max())


def test_criteria_have_the_documented_meaning(scenario) -> None:
    result = decide(scenario, model="mean", draws=0)
    col = {c: k for k, c in enumerate(result.criteria)}
    base = result.options.index("baseline")
    back = result.options.index("back-ally")
    # satisfaction is the change against the baseline: zero for the baseline itself
    assert result.values[base, col["satisfaction:ALLY"]] == 0.0
    # backing the ally moves the land outcome towards the ally (position 0): it gains
    assert result.outcomes["back-ally"]["land"] < result.outcomes["baseline"]["land"]
    assert result.values[back, col["satisfaction:ALLY"]] > 0
    assert result.values[back, col["satisfaction:PART"]] < 0
    # declared costs enter negated
    assert result.values[back, col["cost"]] == -7.0
    # turning the partnership hostile leaves BIG in the ALLY-PART-war triad balanced
    assert result.unbalanced_triads["back-ally"] < result.unbalanced_triads["baseline"]
    assert "cross_pressure" not in col  # information, a criterion only when weighed
    # the partner turned hostile: the lost weight (1) plus the hostile weight (1), over the
    # partnership weight of the status quo (alliance 1 + partnership 1; the membership of an
    # organisation is context, out of the network by default)
    assert result.values[back, col["relations"]] == pytest.approx(-2 / 2)
    # the balancer's utility is minus its salience-weighted normalised distance
    out = result.outcomes["baseline"]
    expected = -(0.6 * abs(out["land"] - 40) / 100 + 0.4 * abs(out["role"] - 30) / 100) / 1.0
    assert result.values[base, col["outcome"]] == pytest.approx(expected)


def test_variant_changes_the_world(scenario) -> None:
    plain = decide(scenario, model="mean", draws=0)
    varied = decide(scenario, model="mean", draws=0, variant="rival-joins")
    assert varied.variant == "rival-joins"
    assert varied.outcomes["baseline"]["land"] > plain.outcomes["baseline"]["land"]


def test_bad_requests_are_refused(scenario) -> None:
    with pytest.raises(ModelInputError, match="unknown variant 'nope'"):
        decide(scenario, model="mean", variant="nope", draws=0)
    no_balancer = scenario.model_copy(update={"balancer": None})
    with pytest.raises(ModelInputError, match="names no balancer"):
        decide(no_balancer, model="mean", draws=0)


def test_decide_command_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["decide", str(FIXTURE), "--model", "mean", "--draws", "200", "--seed", "3", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["balancer"] == "BIG"
    assert set(data["acceptability"]) == {
        "baseline",
        "mediate",
        "back-ally",
        "back-ally-twin",
        "press-ally",
    }
    assert sum(data["acceptability"].values()) == pytest.approx(1.0)
    assert data["by_doctrine"]["cautious"]["best"] == "baseline"


def test_decide_command_tables_and_sentence() -> None:
    result = CliRunner().invoke(app, ["decide", str(FIXTURE), "--model", "mean", "--draws", "200"])
    assert result.exit_code == 0, result.stderr
    assert "acceptability" in result.stdout.lower()
    assert "robust" in result.stdout.lower()


def test_decide_command_unknown_variant_exit_2() -> None:
    result = CliRunner().invoke(app, ["decide", str(FIXTURE), "--variant", "nope"])
    assert result.exit_code == 2
    assert "unknown variant 'nope'" in result.stderr


def test_rerunning_only_changed_issues_changes_nothing(scenario, monkeypatch) -> None:
    """The shortcut (options rerun only the issues they change) equals the full run."""
    import equipoise.decision.analysis as analysis

    fast = decide(scenario, model="eum", draws=150, seed=5).to_dict()
    monkeypatch.setattr(
        analysis, "_changed_issues", lambda p, base, per_issue: list(range(p.position.shape[1]))
    )
    monkeypatch.setattr(analysis, "_plan_key", lambda p, cols: id(p).to_bytes(8, "little"))
    full = decide(scenario, model="eum", draws=150, seed=5).to_dict()
    assert fast == full


def test_declared_uncertainty_is_used(scenario) -> None:
    from equipoise.scenario import Uncertainty

    none = scenario.model_copy(
        update={
            "uncertainty": Uncertainty(
                position=0, salience=0, capability=0, criteria=0, relations=0
            )
        }
    )
    result = decide(none, model="mean", draws=200, seed=1)
    # no input uncertainty and point weights: every draw repeats the deterministic ranking
    cautious = result.smaa_by_doctrine["cautious"].acceptability
    assert cautious[result.options.index("baseline")] == 1.0
    loyal = result.smaa_by_doctrine["loyal"].acceptability
    assert (
        loyal[result.options.index("back-ally")]
        == loyal[result.options.index("back-ally-twin")]
        == 0.5
    )
    wide = scenario.model_copy(update={"uncertainty": Uncertainty(position=40)})
    spread = decide(wide, model="mean", draws=200, seed=1)
    # with positions uncertain by 40 points the rankings spread out
    assert (spread.smaa.rank_acceptability > 0).sum() > (result.smaa.rank_acceptability > 0).sum()
    assert spread.params["position_uncertainty"].startswith("40 scale points")


def test_the_status_quo_is_the_reference_and_comes_first(scenario) -> None:
    moved = scenario.model_copy(update={"options": [*scenario.options[1:], scenario.options[0]]})
    result = decide(moved, model="mean", draws=0)
    assert result.options[0] == "baseline"
    assert result.option_names["baseline"] == "Continue the present course"
    col = result.criteria.index("satisfaction:ALLY")
    assert result.values[0, col] == 0.0  # deltas are taken against the status quo


def _refused(tmp_path: Path, text: str, marker: str, fragment: str) -> None:
    """``validate`` refuses ``text`` with FILE:LINE at the line of ``marker``."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.stdout
    line = text.splitlines().index(marker) + 1
    assert any(
        ln.startswith(f"{path}:{line}: ") and fragment in ln for ln in result.stderr.splitlines()
    ), result.stderr


def test_options_without_a_status_quo_are_refused(tmp_path) -> None:
    text = FIXTURE.read_text().replace("status_quo: baseline", "# no status quo")
    _refused(tmp_path, text, "options:", "has options but no status quo")


def test_a_criterion_left_undeclared_on_one_option_is_refused(tmp_path) -> None:
    text = FIXTURE.read_text().replace("    costs: {cost: 1, risk: 3}\n", "    costs: {cost: 1}\n")
    _refused(
        tmp_path,
        text,
        "  - id: press-ally",
        "option 'press-ally' leaves criteria undeclared that other options declare: risk",
    )


def test_variant_costs_apply_only_in_the_variant(scenario) -> None:
    plain = decide(scenario, model="mean", draws=0)
    varied = decide(scenario, model="mean", draws=0, variant="rival-joins")
    risk = plain.criteria.index("risk")
    assert plain.values[0, risk] == 0 and varied.values[0, risk] == -6  # baseline
    mediate = plain.options.index("mediate")
    assert plain.values[mediate, risk] == -1 and varied.values[mediate, risk] == -4
    cost = plain.criteria.index("cost")
    assert varied.values[mediate, cost] == plain.values[mediate, cost]  # not overridden


def test_variant_costs_must_name_known_options(tmp_path) -> None:
    text = FIXTURE.read_text().replace("      mediate: {risk: 4}", "      meditate: {risk: 4}")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = text.splitlines().index("      meditate: {risk: 4}") + 1
    assert (
        f"{path}:{line}: variant 'rival-joins' sets costs of unknown option 'meditate'"
        in result.stderr
    )

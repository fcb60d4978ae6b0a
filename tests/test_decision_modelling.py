"""Modelling a decision (issue 9): unilateral issues, relations, declared criteria, packages,
variant-dependent weights, consequences, value functions and the perturbed judgements."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML
from test_decision_format import extended
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.decision import apply, decide
from equipoise.io import load
from equipoise.models import MODELS
from equipoise.models.api import forecast, forecast_batch

FIXTURE = Path(__file__).parent / "fixtures" / "decision.yaml"


def parse(text: str) -> dict:
    return YAML(typ="safe").load(text)


def dump(data: dict) -> str:
    """JSON text (a subset of YAML) of ``data``."""
    return json.dumps(data, default=str)


def load_text(tmp_path: Path, text: str, name: str = "case.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return load(path)


def unilateral_text() -> str:
    """The decision fixture with a third issue and BIG deciding its own role alone."""
    text = FIXTURE.read_text().replace(
        "  - {id: role, name: Big Power's role, scale: {min_label: none, max_label: intervention}}",
        "  - {id: role, name: Big Power's role, decided_by: BIG,\n"
        "     scale: {min_label: none, max_label: intervention}}\n"
        "  - {id: trade, name: Trade, scale: {min_label: closed, max_label: open}}",
    )
    return text.replace(
        "relations:\n",
        """\
  - {actor: BIG, issue: trade, position: 80, salience: 0.3, assumption: test}
  - {actor: ALLY, issue: trade, position: 20, salience: 0.5, assumption: test}
  - {actor: PART, issue: trade, position: 60, salience: 0.4, assumption: test}
relations:
""",
        1,
    )


# -- unilateral issues ---------------------------------------------------------------------


def test_a_decided_issue_is_its_deciders_position_under_every_model(tmp_path) -> None:
    scenario = load_text(tmp_path, unilateral_text())
    big_role = scenario.stance("BIG", "role").position.value
    # smp and pce take the issues as one space by default; RIV has no stance on 'role'
    runs = [(m, {}) for m in MODELS if getattr(MODELS[m], "runs_by_default", True)]
    runs += [("smp", {"spaces": "separate"}), ("pce", {"spaces": "separate"})]
    for model, params in runs:
        fc = forecast(scenario, model=model, **params)
        assert fc.outcome["role"] == big_role, model
        assert fc.decided_by == {"land": None, "role": "BIG", "trade": None}
        rng = np.random.default_rng(0)
        x = np.clip(scenario_positions(scenario) + rng.uniform(-5, 5, (20, 5, 3)), 0, 100)
        out = forecast_batch(scenario, model=model, position=x, **params)
        np.testing.assert_array_equal(out[:, 1], x[:, 0, 1])  # BIG's perturbed position
    for model in (m for m, params in runs if not params):
        for variant in (None, "rival-joins"):
            result = decide(scenario, model=model, variant=variant, draws=0)
            world = (
                scenario
                if variant is None
                else apply(scenario, next(v for v in scenario.variants if v.id == variant))
            )
            for option in scenario.options:
                expected = apply(world, option).stance("BIG", "role").position.value
                assert result.outcomes[option.id]["role"] == expected, (model, option.id)
            assert result.decided_by["role"] == "BIG"


def scenario_positions(scenario) -> np.ndarray:
    """Positions ``(actors, issues)``, NaN where an actor takes no part."""
    from equipoise.models.problem import BargainingProblem

    return np.array(BargainingProblem.from_scenario(scenario).position)


def test_other_issues_are_bargained_without_the_decided_one(tmp_path) -> None:
    """The exchange model couples only the bargained issues: the decided issue's stances
    do not move the others' forecast."""
    scenario = load_text(tmp_path, unilateral_text())
    plain = forecast(scenario, model="exchange")
    moved = scenario.model_copy(deep=True)
    for s in moved.stances:
        if s.issue == "role" and s.actor != "BIG":
            s.salience.value = 0.05
    other = forecast(moved, model="exchange")
    assert other.outcome["land"] == pytest.approx(plain.outcome["land"], abs=1e-12)
    assert other.outcome["trade"] == pytest.approx(plain.outcome["trade"], abs=1e-12)


def test_forecast_json_gives_decided_by(tmp_path) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(unilateral_text())
    result = CliRunner().invoke(app, ["forecast", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for model, issues in data["models"].items():
        assert issues["role"]["decided_by"] == "BIG", model
        assert issues["land"]["decided_by"] is None


# -- relations -------------------------------------------------------------------------------


def test_turning_a_partner_hostile_costs_relations(tmp_path) -> None:
    text = FIXTURE.read_text().replace(
        """\
  - id: back-ally-twin
    name: Back the ally (a twin of back-ally)
    changes:
      - {target: stance, actor: BIG, issue: land, position: 10}
      - {target: capability, actor: ALLY, capability: 40}
      - {target: relation, actor: BIG, other: PART, action: set-sign, sign: -1}
""",
        """\
  - id: back-ally-twin
    name: Back the ally, keeping the partner
    changes:
      - {target: stance, actor: BIG, issue: land, position: 10}
      - {target: capability, actor: ALLY, capability: 40}
""",
    )
    scenario = load_text(tmp_path, text)
    result = decide(scenario, model="mean", draws=0)
    rel = result.criteria.index("relations")
    hostile = result.values[result.options.index("back-ally"), rel]
    kept = result.values[result.options.index("back-ally-twin"), rel]
    assert hostile < kept == 0.0


def test_a_neutral_tie_changes_no_relations_score(tmp_path) -> None:
    """Peacekeeping both parties accept (a neutral kind) and a relation declared neutral
    (sign 0) take no side: relations and cross-pressure are those of the option without them."""
    text = FIXTURE.read_text().replace(
        "      - {target: stance, actor: BIG, issue: role, position: 40, salience: 0.7}\n",
        "      - {target: stance, actor: BIG, issue: role, position: 40, salience: 0.7}\n"
        "      - {target: relation, actor: BIG, other: PART, action: add, kind: peacekeeping}\n"
        "      - {target: relation, actor: BIG, other: ALLY, action: add, kind: support,"
        " sign: 0}\n",
        1,
    )
    base = decide(load(FIXTURE), model="mean", draws=0)
    neutral = decide(load_text(tmp_path, text), model="mean", draws=0)
    rel = base.criteria.index("relations")
    i = base.options.index("mediate")
    assert neutral.values[i, rel] == base.values[i, rel] == 0.0
    assert neutral.unbalanced_triads == base.unbalanced_triads
    # the control: the same record as a war with the partner is not neutral
    hostile = text.replace("kind: peacekeeping}", "kind: war}")
    assert decide(load_text(tmp_path, hostile, "h.yaml"), model="mean", draws=0).values[i, rel] < 0


# -- declared criteria, doctrines, expectations ----------------------------------------------


def test_all_weight_on_a_declared_benefit_picks_the_option_declaring_most(tmp_path) -> None:
    data = parse(extended())
    data["doctrines"].append(
        {
            "id": "presence-first",
            "name": "Presence first",
            "weights": {"presence": 1},
            "assumption": "test",
        }
    )
    scenario = load_text(tmp_path, dump(data))
    result = decide(scenario, model="mean", draws=0)
    best = result.by_doctrine["presence-first"]["best"]
    assert best in ("back-ally", "back-ally-twin")  # they declare 3, the most
    assert result.declared[best]["presence"] == 3
    col = result.criteria.index("presence")
    assert result.values[result.options.index(best), col] == 3  # a benefit: not negated


def test_expectations_are_scored_but_kept_out_of_the_robust_option(tmp_path) -> None:
    scenario = load_text(tmp_path, extended())
    result = decide(scenario, model="mean", draws=200, seed=2)
    data = result.to_dict()
    ally = data["expectations"]["ALLY"]
    assert ally["actor"] == "ALLY" and ally["id"] == "ally-hopes"
    sat = result.criteria.index("satisfaction:ALLY")
    assert ally["best"] == result.options[int(np.argmax(result.values[:, sat]))]
    without = scenario.model_copy(update={"expectations": []})
    plain = decide(without, model="mean", draws=200, seed=2)
    assert plain.acceptability == result.acceptability
    assert "expectations" not in plain.to_dict()


def test_variant_dependent_weights_are_used_under_their_variant(tmp_path) -> None:
    data = parse(FIXTURE.read_text())
    data["doctrines"].append(
        {
            "id": "conditional",
            "name": "Conditional",
            "weights": {"cost": 1},
            "weights_by_variant": {"rival-joins": {"satisfaction:ALLY": 1}},
            "assumption": "test",
        }
    )
    scenario = load_text(tmp_path, dump(data))
    plain = decide(scenario, model="mean", draws=0)
    varied = decide(scenario, model="mean", draws=0, variant="rival-joins")
    assert plain.by_doctrine["conditional"]["weights"] == {"cost": 1.0}
    assert varied.by_doctrine["conditional"]["weights"] == {"satisfaction:ALLY": 1.0}
    cost = plain.criteria.index("cost")
    assert (
        plain.by_doctrine["conditional"]["best"]
        == plain.options[int(np.argmax(plain.values[:, cost]))]
    )
    sat = varied.criteria.index("satisfaction:ALLY")
    assert (
        varied.by_doctrine["conditional"]["best"]
        == varied.options[int(np.argmax(varied.values[:, sat]))]
    )


def test_json_values_cover_every_criterion_of_every_option(tmp_path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(extended())
    result = CliRunner().invoke(
        app, ["decide", str(path), "--model", "mean", "--draws", "50", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status_quo"] == "baseline"
    assert list(data["values"])[0] == "baseline"
    assert "mediate+press-ally" in data["values"]
    for option, values in data["values"].items():
        assert set(values) == set(data["criteria"]) and None not in values.values(), option
        assert set(data["outcomes"][option]) == {"land", "role"}
    assert data["perturbed"] and any("declared criteria" in p for p in data["perturbed"])


# -- packages --------------------------------------------------------------------------------


def test_a_package_is_its_parts_changes_applied_in_order(tmp_path) -> None:
    scenario = load_text(tmp_path, extended())
    result = decide(scenario, model="mean", draws=0)
    by_id = {o.id: o for o in scenario.options}
    after = apply(apply(scenario, by_id["mediate"]), by_id["press-ally"])
    from equipoise.decision.packages import package_option

    option = package_option(
        scenario.packages[0], by_id, {"presence": (0, 5), "cost": (0, 10), "risk": (0, 10)}
    )
    assert [c.model_dump(exclude={"source", "assumption"}) for c in option.changes] == [
        c.model_dump(exclude={"source", "assumption"})
        for c in (*by_id["mediate"].changes, *by_id["press-ally"].changes)
    ]
    packaged = apply(scenario, option)
    assert packaged.stances == after.stances and packaged.relations == after.relations
    assert result.kinds["mediate+press-ally"] == "package"
    assert result.declared["mediate+press-ally"] == {"cost": 3, "risk": 4, "presence": 1}
    # its forecast is the forecast of the parts applied one after the other
    direct = forecast(after, model="mean")
    for issue, value in result.outcomes["mediate+press-ally"].items():
        assert value == pytest.approx(direct.outcome[issue])


def test_combinations_skip_contradictions_and_the_status_quo(tmp_path) -> None:
    scenario = load_text(tmp_path, extended())
    result = decide(scenario, model="mean", draws=0, combinations=3)
    combos = [o for o, k in result.kinds.items() if k == "combination"]
    assert combos and all("baseline" not in result.parts[o] for o in combos)
    assert "mediate+press-ally" not in combos  # declared as a package already
    assert all(len(result.parts[o]) <= 3 for o in combos)
    # back-ally and its twin set the same values: compatible; a contradiction is skipped
    data = parse(extended())
    data["options"][-1]["changes"].append(
        {"target": "capability", "actor": "ALLY", "capability": 10}
    )
    contra = decide(
        load_text(tmp_path, dump(data), "c.yaml"), model="mean", draws=0, combinations=2
    )
    assert "back-ally+press-ally" not in contra.options
    assert "back-ally+back-ally-twin" in contra.options


def test_packages_combine_each_criterion_by_its_own_rule(tmp_path) -> None:
    # presence: mediate 1, back-ally 3; cost (a legacy cost key): mediate 2, back-ally 7
    by_sum = decide(load_text(tmp_path, extended()), model="mean", draws=0, combinations=2)
    level = extended().replace(
        "direction: benefit, scale: {min: 0, max: 5},",
        "direction: benefit, scale: {min: 0, max: 5}, combine: max,",
    )
    by_max = decide(load_text(tmp_path, level, "max.yaml"), model="mean", draws=0, combinations=2)

    def raw(result, option, criterion):
        return result.values[result.options.index(option), result.criteria.index(criterion)]

    combo = "mediate+back-ally"
    assert raw(by_sum, combo, "presence") == pytest.approx(4.0)  # 1 + 3, the default sum
    assert raw(by_max, combo, "presence") == pytest.approx(3.0)  # the criterion's own max
    assert raw(by_max, combo, "cost") == pytest.approx(-9.0)  # costs still add: -(2 + 7)
    # a package's own rule takes precedence over the criterion's
    forced = level.replace(
        "  - {options: [mediate, press-ally], assumption: test}",
        "  - {options: [mediate, back-ally], combine: mean, assumption: test}",
    )
    declared = decide(load_text(tmp_path, forced, "mean.yaml"), model="mean", draws=0)
    assert raw(declared, combo, "presence") == pytest.approx(2.0)
    assert raw(declared, combo, "cost") == pytest.approx(-4.5)


# -- consequences and value functions --------------------------------------------------------


def test_consequences_bound_the_forecast(tmp_path) -> None:
    plain = decide(load(FIXTURE), model="mean", draws=0)
    land = plain.outcomes["mediate"]["land"]
    data = parse(FIXTURE.read_text())
    mediate = next(o for o in data["options"] if o["id"] == "mediate")
    mediate["consequences"] = [
        {"issue": "land", "max": land - 10, "assumption": "test"},
        {"issue": "role", "min": 0, "assumption": "test"},
    ]
    data["variants"][0]["consequences"] = [{"issue": "land", "min": 5, "assumption": "test"}]
    scenario = load_text(tmp_path, dump(data))
    result = decide(scenario, model="mean", draws=100, seed=1)
    assert result.outcomes["mediate"]["land"] == pytest.approx(land - 10)
    assert result.bounded["mediate"]["land"] == {
        "before": pytest.approx(land),
        "after": pytest.approx(land - 10),
    }
    assert "role" not in result.bounded["mediate"]  # within the bound: unchanged
    assert result.outcomes["back-ally"] == plain.outcomes["back-ally"]
    varied = decide(scenario, model="mean", draws=0, variant="rival-joins")
    assert min(o["land"] for o in varied.outcomes.values()) >= 5


TINY = """\
id: tiny
title: Tiny
balancer: B
actors:
  - {id: B, name: B, capability: 1, assumption: test}
  - {id: X, name: X, capability: 1, assumption: test}
issues:
  - {id: land, name: Land, scale: {min_label: a, max_label: b}}
stances:
  - {actor: B, issue: land, position: 50, salience: 1, assumption: test%s}
  - {actor: X, issue: land, position: 100, salience: 1, assumption: test}
status_quo: hold
options:
  - {id: hold, name: Hold, assumption: test}
  - id: low
    name: Low
    consequences: [{issue: land, value: 30, assumption: test}]
    assumption: test
  - id: high
    name: High
    consequences: [{issue: land, value: 60, assumption: test}]
    assumption: test
doctrines:
  - {id: own, name: Own outcome, weights: {outcome: 1}, assumption: test}
"""


def test_a_threshold_value_function_changes_the_ranking(tmp_path) -> None:
    """By hand: the mean model forecasts (50 + 100) / 2 = 75 for 'hold'. Linear utility
    -|O - 50| / 100: hold -0.25, low -0.20, high -0.10 -> high first. With the threshold
    'nothing above 55' (v = 1 up to 50, 0 from 55): hold v(75) = 0 -> -1, low v(30) = 1 -> 0,
    high v(60) = 0 -> -1 -> low first."""
    linear = decide(load_text(tmp_path, TINY % ""), model="mean", draws=0)
    col = linear.criteria.index("outcome")
    np.testing.assert_allclose(linear.values[:, col], [-0.25, -0.20, -0.10])
    assert linear.by_doctrine["own"]["best"] == "high"
    threshold = decide(
        load_text(
            tmp_path,
            TINY % ",\n     value_function: [[0, 1], [50, 1], [55, 0], [100, 0]]",
            "t.yaml",
        ),
        model="mean",
        draws=0,
    )
    np.testing.assert_allclose(threshold.values[:, col], [-1.0, 0.0, -1.0])
    assert threshold.by_doctrine["own"]["best"] == "low"


# -- robustness over the judgements ------------------------------------------------------------


def test_perturbing_declared_criteria_is_seeded(tmp_path) -> None:
    from equipoise.scenario import Uncertainty

    scenario = load_text(tmp_path, extended())
    only_judgements = scenario.model_copy(
        update={
            "uncertainty": Uncertainty(
                position=0, salience=0, capability=0, relations=0, criteria=0.3
            )
        }
    )
    a = decide(only_judgements, model="mean", draws=300, seed=11).to_dict()
    b = decide(only_judgements, model="mean", draws=300, seed=11).to_dict()
    c = decide(only_judgements, model="mean", draws=300, seed=12).to_dict()
    assert a == b
    assert a["acceptability_by_doctrine"]["cautious"] != c["acceptability_by_doctrine"]["cautious"]
    # nothing but the declared values varies: with them fixed, the cautious ranking is fixed
    fixed = only_judgements.model_copy(
        update={
            "uncertainty": Uncertainty(
                position=0, salience=0, capability=0, relations=0, criteria=0
            )
        }
    )
    f = decide(fixed, model="mean", draws=300, seed=11).to_dict()
    assert sorted(f["acceptability_by_doctrine"]["cautious"].values())[-1] == 1.0
    assert max(a["acceptability_by_doctrine"]["cautious"].values()) < 1.0


def test_draws_can_use_several_models_in_turn(tmp_path) -> None:
    scenario = load(FIXTURE)
    one = decide(scenario, model="mean", draws=60, seed=3)
    mixed = decide(scenario, model="mean", draws=60, seed=3, models=["mean", "median"])
    assert mixed.models == ["mean", "median"]
    assert any("mean, median in turn" in p for p in mixed.perturbed)
    assert one.to_dict()["rank_acceptability"] != mixed.to_dict()["rank_acceptability"]
    np.testing.assert_array_equal(one.values, mixed.values)  # deterministic part: mean


# -- the report --------------------------------------------------------------------------------


def test_the_report_shows_the_decision_format(tmp_path) -> None:
    text = unilateral_text()
    for option, value in (
        ("baseline", 0),
        ("mediate", 1),
        ("back-ally", 3),
        ("back-ally-twin", 3),
        ("press-ally", 0),
    ):
        marker = f"  - id: {option}\n"
        text = text.replace(marker, marker + f"    criteria: {{presence: {value}}}\n", 1)
    from test_decision_format import EXTRA

    text += EXTRA
    text = text.replace(
        "    costs: {cost: 2, risk: 1}\n",
        "    costs: {cost: 2, risk: 1}\n"
        "    consequences:\n      - {issue: land, max: 30, assumption: test}\n",
        1,
    )
    path = tmp_path / "case.yaml"
    path.write_text(text)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["analyze", str(path), "--out", str(out), "--draws", "40", "-m", "mean"]
    )
    assert result.exit_code == 0, result.stderr
    html = (out / "report.html").read_text()
    assert 'id="status-quo"' in html and "Continue the present course" in html
    assert 'data-unilateral="BIG"' in html
    assert 'data-kind="package"' in html and 'data-kind="status quo"' in html
    assert 'data-expectation="ally-hopes"' in html
    assert 'class="n bounded"' in html
    assert '<ul id="perturbed">' in html and "declared criteria" in html
    data = json.loads((out / "results.json").read_text())
    assert data["decision"]["status_quo"] == "baseline"
    assert data["forecasts"]["mean"]["issues"]["role"]["decided_by"] == "BIG"


def test_the_problem_refuses_a_decider_without_a_position() -> None:
    from equipoise.errors import ModelInputError
    from equipoise.models.problem import BargainingProblem

    pos = np.array([[10.0, np.nan], [90.0, 40.0]])
    ok = BargainingProblem(
        ("A", "B"), ("i", "j"), pos, np.ones((2, 2)), np.ones((2, 2)), decided_by=(None, "B")
    )
    assert ok.bargained == [0] and ok.decided == {1: 1}
    assert ok.subset_issues(["j"]).decided_by == ("B",)
    with pytest.raises(ModelInputError, match="decided by 'A', who has no position"):
        BargainingProblem(
            ("A", "B"), ("i", "j"), pos, np.ones((2, 2)), np.ones((2, 2)), decided_by=(None, "A")
        )
    with pytest.raises(ModelInputError, match="unknown actor 'Z'"):
        BargainingProblem(
            ("A", "B"), ("i", "j"), pos, np.ones((2, 2)), np.ones((2, 2)), decided_by=("Z", None)
        )

"""The example case ``examples/india-2022.yaml`` (issue 9, item 9): it validates, every value
has provenance, and the decision analysis honours what the file declares — India's UN stance
decided by India alone, the status quo first, the package as the sum of its parts' changes,
declared criteria reaching the doctrines — under every bargaining model. Fast settings: few
draws."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.decision import decide
from equipoise.io.scenario_file import read_scenario
from equipoise.scenario import Doctrine, Scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "india-2022.yaml"
MODELS = ("mean", "median", "eum", "exchange")
DECLARED = {"energy-access", "defence-supply", "sanctions-exposure", "autonomy"}

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return read_scenario(EXAMPLE)


def _india_un_position(scenario: Scenario, option_ids: list[str]) -> float:
    """India's position on the UN issue after the options' changes, read from the file."""
    options = {o.id: o for o in scenario.options}
    position = scenario.stance("IND", "un-stance").position.value
    for oid in option_ids:
        for ch in options[oid].changes:
            if (ch.target, ch.actor, ch.issue) == (
                "stance",
                "IND",
                "un-stance",
            ) and ch.position is not None:
                position = ch.position
    return position


def test_validates_from_the_command_line() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_every_value_has_provenance(scenario: Scenario) -> None:
    missing = [
        f"stance {s.actor}/{s.issue}"
        for s in scenario.stances
        if not (s.position.has_provenance() and s.salience.has_provenance())
    ]
    missing += [f"relation {r.from_}-{r.to}" for r in scenario.relations if not r.has_provenance()]
    missing += [
        f"actor {a.id}"
        for a in scenario.actors
        if a.capability is not None and not a.capability.has_provenance()
    ]
    for o in scenario.options:
        missing += [f"option {o.id} {k}" for k, v in o.criteria.items() if not v.has_provenance()]
    for p in scenario.packages:
        missing += [
            f"package {p.package_id} {k}" for k, v in p.criteria.items() if not v.has_provenance()
        ]
    missing += [f"event {e.date}" for e in scenario.events if not e.has_provenance()]
    assert not missing


def test_the_case_has_what_the_issue_asks_for(scenario: Scenario) -> None:
    assert scenario.balancer == "IND"
    assert 3 <= len(scenario.issues) <= 5
    assert all(i.scale.points for i in scenario.issues)
    assert [i.id for i in scenario.issues if i.decided_by] == ["un-stance"]
    assert scenario.status_quo == "present-course"
    assert {c.id for c in scenario.criteria} == DECLARED
    assert len(scenario.doctrines) >= 2 and len(scenario.expectations) >= 1
    assert scenario.packages
    assert sum(1 for r in scenario.relations if r.since is not None) >= 5  # dated relations
    assert {e.date for e in scenario.events if e.date > scenario.as_of}  # the record after


@pytest.mark.parametrize("model", MODELS)
def test_decision_honours_the_declarations(scenario: Scenario, model: str) -> None:
    result = decide(scenario, model=model, draws=40, seed=1).to_dict()
    options = list(result["options"])
    assert options[0] == "present-course" and result["status_quo"] == "present-course"
    package = "buy-discounted-oil+speak-for-peace"
    assert package in options
    parts = {oid: [oid] for oid in options if oid != package}
    parts["present-course"] = []
    parts[package] = ["buy-discounted-oil", "speak-for-peace"]
    # the unilateral issue is India's position as each option (or package) sets it
    for oid in options:
        assert result["outcomes"][oid]["un-stance"] == pytest.approx(
            _india_un_position(scenario, parts[oid])
        ), (model, oid)
    assert result["outcomes"][package]["un-stance"] == 50.0  # from speak-for-peace
    assert result["decided_by"]["un-stance"] == "IND"
    # every criterion has a value for every option, declared ones as declared
    for oid in options:
        values = result["values"][oid]
        assert set(values) == set(result["criteria"]) and None not in values.values()
    assert result["values"]["present-course"]["energy-access"] == 5.0
    assert result["values"][package]["autonomy"] == 7.0  # the package's own override
    assert result["values"]["rupee-settlement"]["sanctions-exposure"] == -6.0  # a cost
    assert set(result["expectations"]) == {"USA"}
    assert sum(result["acceptability"].values()) == pytest.approx(1.0)


def test_a_doctrine_on_energy_alone_picks_the_most_declared_energy(scenario: Scenario) -> None:
    energy_only = Doctrine(
        id="energy-only",
        name="energy only",
        weights={"energy-access": 1.0},
        assumption="test doctrine",
    )
    s = scenario.model_copy(update={"doctrines": [energy_only]})
    result = decide(s, model="mean", draws=0).to_dict()
    best = result["by_doctrine"]["energy-only"]["best"]
    declared = {o.id: o.criteria["energy-access"].value for o in scenario.options}
    assert best in ("buy-discounted-oil", "buy-discounted-oil+speak-for-peace")
    assert declared["buy-discounted-oil"] == max(declared.values())


def test_analyze_writes_a_coherent_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--out", str(out), "--draws", "30"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(data["actual_choice"]["options"]) == {
        "buy-discounted-oil",
        "rupee-settlement",
        "speak-for-peace",
    }
    for model, forecast in data["forecasts"].items():  # India decides its UN stance alone
        assert forecast["issues"]["un-stance"]["outcome"] == 35.0, model
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "India between the United States and Russia" in html

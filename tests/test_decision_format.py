"""The decision format (issue 9): what ``validate`` accepts and refuses, with FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.io import load

FIXTURE = Path(__file__).parent / "fixtures" / "decision.yaml"

EXTRA = """\
criteria:
  - {id: presence, name: Presence on the ground, direction: benefit, scale: {min: 0, max: 5},
     assumption: test}
packages:
  - {options: [mediate, press-ally], assumption: test}
expectations:
  - {id: ally-hopes, actor: ALLY, name: The ally's hope, weights: {"satisfaction:ALLY": 1},
     assumption: test}
"""


def extended() -> str:
    """The decision fixture with declared criteria, a package and an expectation."""
    text = FIXTURE.read_text()
    for option, value in (
        ("baseline", 0),
        ("mediate", 1),
        ("back-ally", 3),
        ("back-ally-twin", 3),
        ("press-ally", 0),
    ):
        marker = f"  - id: {option}\n"
        text = text.replace(marker, marker + f"    criteria: {{presence: {value}}}\n", 1)
    return text + EXTRA


def validate(tmp_path: Path, text: str) -> tuple[Path, object]:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path, CliRunner().invoke(app, ["validate", str(path)])


def test_the_extended_fixture_is_valid(tmp_path: Path) -> None:
    path, result = validate(tmp_path, extended())
    assert result.exit_code == 0, result.stderr
    scenario = load(path)
    assert scenario.packages[0].package_id == "mediate+press-ally"
    assert scenario.options[1].criteria["presence"].value == 1


@pytest.mark.parametrize(
    "old, new, marker, fragment",
    [
        (
            "    criteria: {presence: 3}\n",
            "    criteria: {presence: 7}\n",
            "    criteria: {presence: 7}",
            "value 7 of criterion 'presence' is outside its scale [0, 5]",
        ),
        (
            "    criteria: {presence: 1}\n",
            "    criteria: {presense: 1}\n",
            "    criteria: {presense: 1}",
            "declares unknown criterion 'presense'",
        ),
        (
            "    criteria: {presence: 0}\n    name: Press",
            "    name: Press",
            "  - id: press-ally",
            "leaves criteria undeclared that other options declare: presence",
        ),
        (
            "  - {options: [mediate, press-ally], assumption: test}",
            "  - {options: [mediate, baseline], assumption: test}",
            "  - {options: [mediate, baseline], assumption: test}",
            "includes the status quo",
        ),
        (
            "actor: ALLY, name: The ally's hope",
            "actor: BIG, name: The ally's hope",
            "  - {id: ally-hopes, actor: BIG, name: The ally's hope, "
            'weights: {"satisfaction:ALLY": 1},',
            "held by the balancer itself",
        ),
        (
            "  - {id: role, name: Big Power's role, "
            "scale: {min_label: none, max_label: intervention}}",
            "  - {id: role, name: Big Power's role, decided_by: ORG,\n"
            "     scale: {min_label: none, max_label: intervention}}",
            "  - {id: role, name: Big Power's role, decided_by: ORG,",
            "who has no stance on it",
        ),
        (
            "  - {actor: BIG, issue: land, position: 40, salience: 0.6, assumption: test}",
            "  - {actor: BIG, issue: land, position: 40, salience: 0.6, assumption: test,\n"
            "     value_function: [[0, 1], [0, 0.5]]}",
            "     value_function: [[0, 1], [0, 0.5]]}",
            "must increase strictly",
        ),
    ],
)
def test_bad_decision_format_is_refused_at_its_line(
    tmp_path: Path, old: str, new: str, marker: str, fragment: str | None
) -> None:
    text = extended()
    assert old in text
    text = text.replace(old, new, 1)
    path, result = validate(tmp_path, text)
    assert result.exit_code == 2
    line = text.splitlines().index(marker) + 1
    lines = result.stderr.splitlines()
    assert any(
        ln.startswith(f"{path}:{line}: ") and (fragment is None or fragment in ln) for ln in lines
    ), result.stderr


def test_contradictory_package_names_both_options(tmp_path: Path) -> None:
    text = extended().replace("[mediate, press-ally]", "[back-ally, press-ally]")
    text = text.replace(
        "      - {target: stance, actor: ALLY, issue: land, position: 40}",
        "      - {target: capability, actor: ALLY, capability: 10}",
    )
    _, result = validate(tmp_path, text)
    assert result.exit_code == 2
    assert (
        "options 'back-ally' and 'press-ally' contradict each other: they set the "
        "capability of ALLY to 40 and 10"
    ) in result.stderr


def test_consequence_outside_the_scale_is_refused(tmp_path: Path) -> None:
    text = extended().replace(
        "    costs: {cost: 2, risk: 1}\n",
        "    costs: {cost: 2, risk: 1}\n    consequences:\n"
        "      - {issue: land, max: 120, assumption: test}\n",
        1,
    )
    path, result = validate(tmp_path, text)
    assert result.exit_code == 2
    line = text.splitlines().index("      - {issue: land, max: 120, assumption: test}") + 1
    assert (
        f"{path}:{line}: consequence max 120 is outside the scale of issue 'land'" in result.stderr
    )


def test_the_json_schema_accepts_the_decision_format(tmp_path: Path) -> None:
    """`equipoise schema` describes every new field, plain-number shorthand included."""
    import json

    import jsonschema
    from ruamel.yaml import YAML

    from equipoise.scenario import scenario_json_schema

    schema = scenario_json_schema()
    data = json.loads(json.dumps(YAML(typ="safe").load(extended()), default=str))
    data["issues"][1]["decided_by"] = "BIG"
    data["stances"][0]["value_function"] = [[0, 1], [50, 1], [60, 0]]
    data["options"][1]["consequences"] = [{"issue": "land", "max": 40, "assumption": "t"}]
    data["doctrines"][0]["weights_by_variant"] = {"rival-joins": {"outcome": 1}}
    jsonschema.validate(data, schema)
    data["packages"][0]["combine"] = "product"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)

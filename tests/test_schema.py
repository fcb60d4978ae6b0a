"""The JSON Schema (``equipoise schema``) accepts every file ``validate`` accepts: the
template, the examples, the built-in scenarios, the fixtures and generated scenarios using
every shorthand (plain numbers, cost maps, doctrine weights as numbers or ranges)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scenario_properties import scenarios

from equipoise.errors import InputError
from equipoise.io.document import read_document
from equipoise.io.scenario_file import scenario_from_document
from equipoise.scenario import scenario_json_schema

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    {
        *ROOT.glob("src/equipoise/scenarios/*.yaml"),
        ROOT / "src/equipoise/templates/scenario.yaml",
        *ROOT.glob("examples/*.yaml"),
        *ROOT.glob("tests/fixtures/*.yaml"),
    }
)
VALIDATOR = jsonschema.Draft202012Validator(scenario_json_schema())


def as_json(data: object) -> object:
    """The data as a JSON file would hold it (dates as text)."""
    return json.loads(json.dumps(data, default=str))


def schema_errors(data: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in VALIDATOR.iter_errors(as_json(data))
    ]


def valid(data: dict) -> bool:
    """Whether ``validate`` accepts the document."""
    from io import StringIO

    from ruamel.yaml import YAML

    buf = StringIO()
    YAML(typ="safe").dump(as_json(data), buf)
    try:
        scenario_from_document(read_document("g.yaml", buf.getvalue()))
    except InputError:
        return False
    return True


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(scenario_json_schema())


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_every_shipped_scenario(path: Path) -> None:
    doc = read_document(path)
    scenario_from_document(doc)  # validate accepts it ...
    assert schema_errors(doc.data) == []  # ... so the schema must too


def test_template_cost_shorthand_is_accepted() -> None:
    """``costs: {cost: 6, risk: 7}`` used to give "7 is not of type 'object'"."""
    doc = read_document(ROOT / "src/equipoise/templates/scenario.yaml")
    costs = [o["costs"] for o in doc.data["options"] if "costs" in o]
    assert {"cost": 6, "risk": 7} in costs
    assert schema_errors(doc.data) == []


@st.composite
def rich_scenarios(draw: st.DrawFn) -> dict:
    """Generated scenarios with plain-number shorthands, a balancer, options with costs and
    changes, a variant and doctrines."""
    data = draw(scenarios())
    for actor in data["actors"]:
        if draw(st.booleans()):  # capability: 3 (the record's assumption applies)
            actor["capability"] = actor["capability"]["value"]
            actor["assumption"] = "generated"
    for stance in data["stances"]:
        if draw(st.booleans()):
            stance["position"] = stance["position"]["value"]
            stance["salience"] = stance["salience"]["value"]
            stance["assumption"] = "generated"
    if not data["stances"]:  # options need a balancer with a stance (validate says so)
        return data
    data["balancer"] = data["stances"][0]["actor"]
    criteria = draw(
        st.lists(st.sampled_from(["cost", "risk", "prestige"]), min_size=1, max_size=3, unique=True)
    )
    number = st.floats(0, 10, allow_nan=False)
    options = []
    for k in range(draw(st.integers(1, 3))):
        option: dict = {
            "id": f"o{k}",
            "name": f"Option {k}",
            "assumption": "generated",
            "costs": {
                c: draw(number)
                if draw(st.booleans())
                else {"value": draw(number), "assumption": "generated"}
                for c in criteria
            },
        }
        if data["stances"] and draw(st.booleans()):
            st0 = data["stances"][0]
            option["changes"] = [
                {
                    "target": "stance",
                    "actor": st0["actor"],
                    "issue": st0["issue"],
                    "salience": draw(st.floats(0, 1)),
                }
            ]
        options.append(option)
    data["options"] = options
    data["status_quo"] = "o0"
    data["doctrines"] = [
        {
            "id": "d",
            "name": "A doctrine",
            "assumption": "generated",
            "weights": {
                c: draw(st.floats(0.1, 1)) if draw(st.booleans()) else [0.1, 0.5] for c in criteria
            },
        }
    ]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rich_scenarios())
def test_schema_accepts_what_validate_accepts(data: dict) -> None:
    assert valid(data)  # the generator makes files validate accepts ...
    assert schema_errors(data) == []  # ... and the schema must accept them too


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rich_scenarios(), field=st.sampled_from(["colour", "Actors", "option"]))
def test_schema_refuses_unknown_top_level_fields(data: dict, field: str) -> None:
    bad = copy.deepcopy(data)
    bad[field] = 1
    assert not valid(bad)
    assert any(field in e for e in schema_errors(bad))

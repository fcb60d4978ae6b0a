"""Loading scenario files: every bad-input case gives FILE:LINE: message and exit status 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.errors import InputError
from equipoise.io import load, save
from equipoise.io.document import MAX_BYTES
from equipoise.io.scenario_file import read_scenario

FIXTURES = Path(__file__).parent / "fixtures"

# Line numbers below refer to this template (line 1 is "id: t").
BASE = """\
id: t
title: Test
balancer: A
sources:
  - {id: s1, title: Source one}
actors:
  - {id: A, name: Alpha, capability: 3, assumption: guess}
  - {id: B, name: Beta, capability: 1, assumption: guess}
issues:
  - id: i1
    name: Issue one
    scale: {min_label: none, max_label: all}
stances:
  - {actor: A, issue: i1, position: 20, salience: 0.5, assumption: a}
  - {actor: B, issue: i1, position: 80, salience: 0.9, assumption: a}
relations:
  - {from: A, to: B, kind: rivalry, since: 2019-01-01, source: {ref: s1, quote: q}}
events:
  - {date: 2020-09-27, kind: war, actors: [A, B], description: war, assumption: e}
"""


def replace_line(text: str, lineno: int, new: str) -> str:
    lines = text.splitlines()
    lines[lineno - 1] = new
    return "\n".join(lines) + "\n"


def run_validate(tmp_path: Path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    return path, result


def test_base_template_is_valid(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, BASE)
    assert result.exit_code == 0, result.stderr
    s = read_scenario(path)
    assert [a.id for a in s.actors] == ["A", "B"]
    assert s.relations[0].sign == -1  # rivalry's default sign


BAD_CASES = {
    "unknown top-level field": (
        replace_line(BASE, 3, "colour: red"),
        3,
        "unknown field 'colour'; expected one of",
    ),
    "unknown nested field": (
        replace_line(BASE, 7, "  - {id: A, name: Alpha, size: 3}"),
        7,
        "unknown field 'actors[1].size'",
    ),
    "missing required field": (
        replace_line(BASE, 2, "# no title"),
        1,
        "missing required field 'title'",
    ),
    "missing actor name": (
        replace_line(BASE, 8, "  - {id: B, capability: 1, assumption: g}"),
        8,
        "missing required field 'actors[2].name'",
    ),
    "wrong type (text for a number)": (
        replace_line(
            BASE, 14, "  - {actor: A, issue: i1, position: high, salience: 0.5, assumption: a}"
        ),
        14,
        "stances[1].position: expected a number",
    ),
    "wrong type (mapping for a list)": (
        replace_line(replace_line(BASE, 19, "# (no events)"), 18, "events: {a: 1}"),
        18,
        "events: expected a list",
    ),
    "position outside the scale": (
        replace_line(
            BASE, 15, "  - {actor: B, issue: i1, position: 180, salience: 0.9, assumption: a}"
        ),
        15,
        "position 180 is outside the scale of issue 'i1'",
    ),
    "negative salience": (
        replace_line(
            BASE, 15, "  - {actor: B, issue: i1, position: 80, salience: -0.1, assumption: a}"
        ),
        15,
        "salience -0.1 is outside [0, 1]",
    ),
    "NaN salience": (
        replace_line(
            BASE, 15, "  - {actor: B, issue: i1, position: 80, salience: .nan, assumption: a}"
        ),
        15,
        "must be a finite number",
    ),
    "negative capability": (
        replace_line(BASE, 8, "  - {id: B, name: Beta, capability: -1, assumption: g}"),
        8,
        "capability must be >= 0",
    ),
    "NaN capability": (
        replace_line(BASE, 8, "  - {id: B, name: Beta, capability: .nan, assumption: g}"),
        8,
        "must be a finite number",
    ),
    "duplicate actor id": (
        replace_line(BASE, 8, "  - {id: A, name: Beta}"),
        8,
        "duplicate id 'A' in actors",
    ),
    "unknown actor in a stance": (
        replace_line(
            BASE, 15, "  - {actor: Z, issue: i1, position: 80, salience: 0.9, assumption: a}"
        ),
        15,
        "unknown actor 'Z'; expected one of the actor ids: A, B",
    ),
    "unknown issue in a stance": (
        replace_line(
            BASE, 15, "  - {actor: B, issue: i9, position: 80, salience: 0.9, assumption: a}"
        ),
        15,
        "unknown issue 'i9'",
    ),
    "relation from an actor to itself": (
        replace_line(BASE, 17, "  - {from: A, to: A, kind: rivalry, source: {ref: s1, quote: q}}"),
        17,
        "relation from actor 'A' to itself",
    ),
    "malformed date": (
        replace_line(BASE, 19, "  - {date: 2020-13-45, kind: war, description: w, assumption: e}"),
        19,
        "expected a date written YYYY-MM-DD",
    ),
    "number without provenance": (
        replace_line(BASE, 14, "  - {actor: A, issue: i1, position: 20, salience: 0.5}"),
        14,
        "position has neither a source nor an assumption",
    ),
    "unknown source": (
        replace_line(BASE, 17, "  - {from: A, to: B, kind: rivalry, source: {ref: s9, quote: q}}"),
        17,
        "unknown source 's9'",
    ),
    "unknown balancer": (replace_line(BASE, 3, "balancer: Q"), 3, "unknown balancer 'Q'"),
    "relation kind without a default sign": (
        replace_line(BASE, 17, "  - {from: A, to: B, kind: frenemy, source: {ref: s1, quote: q}}"),
        17,
        "unknown relation kind 'frenemy'; expected one of: alliance",
    ),
    "YAML syntax error": (replace_line(BASE, 11, "    name: [unclosed"), 12, "invalid YAML"),
    "YAML that is a list": (
        "- id: t\n- title: x\n",
        1,
        "the document is a list; expected a mapping",
    ),
    "YAML that is a scalar": ("just some words\n", 1, "expected a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_gives_located_message_and_exit_2(tmp_path: Path, case: str) -> None:
    text, line, fragment = BAD_CASES[case]
    path, result = run_validate(tmp_path, text)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout
    expected_prefix = f"{path}:{line}: "
    matching = [ln for ln in result.stderr.splitlines() if ln.startswith(expected_prefix)]
    assert any(fragment in ln for ln in matching), result.stderr


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = replace_line(BASE, 3, "colour: red")
    text = replace_line(
        text, 15, "  - {actor: B, issue: i1, position: 180, salience: 0.9, assumption: a}"
    )
    text = replace_line(
        text, 17, "  - {from: A, to: A, kind: rivalry, source: {ref: s1, quote: q}}"
    )
    path, result = run_validate(tmp_path, text)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(ln.startswith(f"{path}:3: unknown field 'colour'") for ln in lines)
    assert any(ln.startswith(f"{path}:15: position 180") for ln in lines)
    assert any(ln.startswith(f"{path}:17: relation from actor 'A' to itself") for ln in lines)


def test_empty_file(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, "  \n\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1: file is empty")


def test_non_utf8_bytes_give_their_line(tmp_path: Path) -> None:
    data = BASE.encode().replace(b"name: Beta", b"name: B\xe9ta")
    path, result = run_validate(tmp_path, data)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:8: byte 0xe9 is not valid UTF-8")


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    text = BASE + "# " + "x" * (MAX_BYTES + 10) + "\n"
    path, result = run_validate(tmp_path, text)
    assert result.exit_code == 2
    assert "the limit is" in result.stderr and str(path) in result.stderr


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):  # 10**9 nodes once expanded
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    lines.append("id: t\ntitle: bomb\nactors: *a8")
    path, result = run_validate(tmp_path, "\n".join(lines) + "\n")
    assert result.exit_code == 2
    assert "alias bomb" in result.stderr


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, "id: t\ntitle: x\nactors: &a [*a]\n")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_json_syntax_error_has_line(tmp_path: Path) -> None:
    text = '{\n  "id": "t",\n  "title": "x",\n  "actors": [,]\n}\n'
    path, result = run_validate(tmp_path, text, "s.json")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:4: invalid JSON")


def test_json_validation_errors_have_lines(tmp_path: Path) -> None:
    data = read_scenario_data()
    data["stances"][1]["position"] = {"value": 180, "assumption": "a"}
    text = json.dumps(data, indent=2)
    path, result = run_validate(tmp_path, text, "s.json")
    assert result.exit_code == 2
    line = result.stderr.split(":")[1]
    assert line.isdigit()
    assert (
        "180" in text.splitlines()[int(line) - 1]
        or '"position"' in text.splitlines()[int(line) - 1]
    )


def read_scenario_data() -> dict:
    from equipoise.io.scenario_file import scenario_to_data

    return scenario_to_data(read_scenario(FIXTURES / "minimal.yaml"))


def test_nothing_written_when_conversion_input_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(replace_line(BASE, 3, "colour: red"), encoding="utf-8")
    target = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["convert", str(bad), str(target)])
    assert result.exit_code == 2
    assert not target.exists()


def test_yaml_json_round_trip_of_the_fixture(tmp_path: Path) -> None:
    original = load(FIXTURES / "minimal.yaml")
    for name in ("copy.json", "copy.yaml"):
        save(original, tmp_path / name)
        again = load(tmp_path / name)
        assert again == original


def test_shorthand_numbers_inherit_record_provenance() -> None:
    s = load(FIXTURES / "minimal.yaml")
    stance = s.stance("A", "i2")
    assert stance is not None
    assert stance.capability is not None and stance.capability.value == 2
    assert stance.position.assumption == "a" and stance.salience.assumption == "a"
    assert math.isclose(s.actor("B").capability.value, 1.0)


def test_library_error_lists_problems() -> None:
    with pytest.raises(InputError) as info:
        load("no-such-scenario-or-file")
    assert info.value.problems[0].path == "no-such-scenario-or-file"


DOCTRINE_BASE = (
    BASE
    + """\
status_quo: o1
options:
  - {id: o1, name: Option one, costs: {cost: 2}, assumption: a}
doctrines:
  - {id: d1, name: Doctrine, weights: {outcome: 1, cost: 0.5}, assumption: a}
"""
)
DOCTRINE_LINE = (
    DOCTRINE_BASE.splitlines().index(
        "  - {id: d1, name: Doctrine, weights: {outcome: 1, cost: 0.5}, assumption: a}"
    )
    + 1
)


@pytest.mark.parametrize(
    "weights, fragment",
    [
        ("{outcom: 1}", "weighs unknown criterion 'outcom'; expected one of: outcome, relations"),
        ("{'satisfaction:ZZ': 1}", "unknown actor 'ZZ' in criterion 'satisfaction:ZZ'"),
        ("{outcome: [0.5, 0.2]}", "must be >= 0, or a range [lo, hi] with 0 <= lo <= hi"),
        ("{outcome: -1}", "must be >= 0"),
        ("{outcome: 0, cost: 0}", "gives no criterion a positive weight"),
    ],
)
def test_doctrine_weights_are_checked(tmp_path: Path, weights: str, fragment: str) -> None:
    assert run_validate(tmp_path, DOCTRINE_BASE)[1].exit_code == 0
    text = DOCTRINE_BASE.replace("{outcome: 1, cost: 0.5}", weights)
    path, result = run_validate(tmp_path, text)
    assert result.exit_code == 2
    assert any(
        ln.startswith(f"{path}:{DOCTRINE_LINE}: ") and fragment in ln
        for ln in result.stderr.splitlines()
    ), result.stderr


def test_scale_nearest_point_picks_the_closest_labelled_value() -> None:
    """One rule for "close to <label>" in the terminal summary and the report (was two copies)."""
    from equipoise.scenario import Scale, ScalePoint

    points = [ScalePoint(value=40, label="partial"), ScalePoint(value=60, label="most")]
    scale = Scale(min_label="none", max_label="full", points=points)
    assert scale.nearest_point(0.0) == (0.0, "none")
    assert scale.nearest_point(47.0) == (40.0, "partial")
    assert scale.nearest_point(58.5) == (60.0, "most")
    assert scale.nearest_point(99.0) == (100.0, "full")
    assert scale.nearest_point(50.0) == (40.0, "partial")  # a tie: the first declared point

"""Editing a scenario as tables (equipoise.io.scenario_edit): comments, order and validation."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from equipoise.io import parse
from equipoise.io.scenario_edit import (
    AddRow,
    CellEdit,
    DeleteRow,
    apply_edits,
    guess_indents,
    locate_problems,
    read_tables,
)
from equipoise.scenarios import builtin_names, builtin_path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [builtin_path(name) for name in builtin_names()] + sorted(
    (ROOT / "examples").glob("*.yaml")
)
BUILTIN = builtin_path("nagorno-karabakh-2020")


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_unedited_document_written_back_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # Setting a cell to the value it has makes the module load, write and validate the whole
    # document: the text must come back identical, comments, quotes and wrapping included.
    first = read_tables(str(path), text)["actors"].rows[0]
    result = apply_edits(str(path), text, [CellEdit("actors", 0, "id", first["id"])])
    assert result.ok, [p.message for p in result.problems]
    assert result.text == text


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_tables_hold_every_record(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = parse(str(path), text)
    tables = read_tables(str(path), text)
    for section in ("actors", "issues", "stances", "relations", "options", "variants", "doctrines"):
        assert len(tables[section].rows) == len(getattr(scenario, section)), section
    actors = tables["actors"]
    assert [row["id"] for row in actors.rows] == [a.id for a in scenario.actors]


def test_cells_are_flattened_paths_and_lists_are_yaml() -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    tables = read_tables("nk.yaml", text)
    assert "source.quote" in tables["actors"].columns
    assert {"scale.min_label", "outcome.value"} <= set(tables["issues"].columns)
    rus_territory = tables["stances"].rows[0]
    assert rus_territory["value_function"] == "[[0, 0.5], [50, 1.0], [75, 0.75], [100, 0.0]]"
    assert tables["relations"].rows[0]["since"] == "1992-05-15"


def test_one_edit_changes_one_line() -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    row = next(
        k for k, r in enumerate(read_tables("nk.yaml", text)["actors"].rows) if r["id"] == "TUR"
    )
    result = apply_edits("nk.yaml", text, [CellEdit("actors", row, "capability", "60")])
    assert result.ok
    assert _changed_lines(text, result.text) == ["-    capability: 55", "+    capability: 60"]
    scenario = parse("nk.yaml", result.text)
    assert scenario.actor("TUR").capability.value == 60


SMALL = """\
# A small scenario for the edit tests.
equipoise: 1
id: small
title: Small
actors:
  - id: A      # the first actor
    name: Alpha
    capability: 100  # reference point of the index
    assumption: "Index anchor."
  # B follows
  - id: B
    name: Beta
    capability: 50
    assumption: "Half of A."

# the issues
issues:
  - id: x
    name: X
    scale: {min_label: low, max_label: high}
stances:
  - {actor: A, issue: x, position: 10, salience: 0.5, assumption: "A's view."}
  - {actor: B, issue: x, position: 90, salience: 0.5, assumption: "B's view."}
"""


def test_comment_next_to_an_edited_value_survives() -> None:
    result = apply_edits(
        "small.yaml",
        SMALL,
        [CellEdit("actors", 0, "capability", "80"), CellEdit("actors", 0, "name", "Alpha prime")],
    )
    assert result.ok, [p.message for p in result.problems]
    # the comment keeps its column
    assert "    capability: 80   # reference point of the index\n" in result.text
    assert "  - id: A      # the first actor\n" in result.text
    assert result.text.startswith("# A small scenario for the edit tests.\n")
    assert len(_changed_lines(SMALL, result.text)) == 4


def test_invalid_edit_refused_with_the_problem_named_and_located() -> None:
    result = apply_edits("small.yaml", SMALL, [CellEdit("stances", 1, "actor", "C")])
    assert not result.ok
    assert result.text == SMALL  # untouched
    [problem] = result.problems
    # the line of the edited record in the edited text: the second stance, line 23
    assert problem.message.startswith("small.yaml:23: ")
    assert "unknown actor 'C'" in problem.message
    assert (problem.section, problem.row, problem.column) == ("stances", 1, "actor")


def test_every_problem_of_a_batch_is_reported_and_nothing_applied() -> None:
    edits = [
        CellEdit("actors", 1, "capability", "-5"),
        CellEdit("stances", 0, "position", "abc"),
        CellEdit("actors", 0, "name", "Fine"),
    ]
    result = apply_edits("small.yaml", SMALL, edits)
    assert not result.ok and result.text == SMALL
    cells = {(p.section, p.row, p.column) for p in result.problems}
    assert ("actors", 1, "capability") in cells
    assert ("stances", 0, "position") in cells
    assert all(":" in p.message.split(" ")[0] for p in result.problems)  # FILE:LINE:


def test_unparseable_cell_refused_before_validation() -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    result = apply_edits("nk.yaml", text, [CellEdit("issues", 0, "scale.points", "[[0, ")])
    assert not result.ok and result.text == text
    [problem] = result.problems
    assert (problem.section, problem.row, problem.column) == ("issues", 0, "scale.points")
    assert "not valid YAML" in problem.message and "expected a list" in problem.message


def test_cell_keeps_the_type_of_the_value_it_replaces() -> None:
    result = apply_edits(
        "small.yaml",
        SMALL,
        [CellEdit("actors", 1, "name", "2020"), CellEdit("actors", 1, "capability", "7.5")],
    )
    assert result.ok, [p.message for p in result.problems]
    scenario = parse("small.yaml", result.text)
    assert scenario.actors[1].name == "2020"  # text stays text
    assert scenario.actors[1].capability.value == 7.5


def test_empty_cell_removes_the_key_and_missing_field_is_named() -> None:
    result = apply_edits("small.yaml", SMALL, [CellEdit("actors", 1, "name", "")])
    assert not result.ok
    [problem] = result.problems
    assert "missing required field 'actors[2].name'" in problem.message
    assert (problem.section, problem.row, problem.column) == ("actors", 1, "name")


def test_added_row_goes_before_the_next_section_comment() -> None:
    row = {"id": "C", "name": "Gamma", "capability": "10", "assumption": "Small.", "source.ref": ""}
    result = apply_edits("small.yaml", SMALL, [AddRow("actors", row)])
    assert result.ok, [p.message for p in result.problems]
    assert (
        "  - id: C\n    name: Gamma\n    capability: 10\n    assumption: Small.\n\n"
        "# the issues\nissues:\n"
    ) in result.text
    assert [a.id for a in parse("small.yaml", result.text).actors] == ["A", "B", "C"]


def test_added_row_with_missing_fields_is_refused_on_its_row() -> None:
    result = apply_edits("small.yaml", SMALL, [AddRow("actors", {"name": "Nameless"})])
    assert not result.ok and result.text == SMALL
    assert {(p.section, p.row) for p in result.problems} == {("actors", 2)}
    assert any("'actors[3].id'" in p.message for p in result.problems)


def test_deleted_row_takes_its_comment_and_leaves_the_next_one() -> None:
    edits = [DeleteRow("stances", 1), DeleteRow("actors", 1)]
    result = apply_edits("small.yaml", SMALL, edits)
    assert result.ok, [p.message for p in result.problems]
    assert "# B follows" not in result.text and "Beta" not in result.text
    assert "# the issues\nissues:" in result.text
    assert [a.id for a in parse("small.yaml", result.text).actors] == ["A"]


def test_deleting_a_referenced_row_is_refused() -> None:
    result = apply_edits("small.yaml", SMALL, [DeleteRow("actors", 1)])
    assert not result.ok and result.text == SMALL
    assert any(
        "unknown actor 'B'" in p.message and p.section == "stances" and p.row == 1
        for p in result.problems
    )


def test_json_source_written_back_as_json_in_its_order() -> None:
    data = parse("small.yaml", SMALL)
    from equipoise.io.scenario_file import dump_scenario

    text = dump_scenario(data, "json")
    result = apply_edits("small.json", text, [CellEdit("actors", 0, "capability.value", "80")])
    assert result.ok, [p.message for p in result.problems]
    after = json.loads(result.text)
    before = json.loads(text)
    assert list(after) == list(before)
    assert after["actors"][0]["capability"]["value"] == 80
    after["actors"][0]["capability"]["value"] = 100
    assert after == before
    assert _changed_lines(text, result.text) == [
        '-        "value": 100.0',
        '+        "value": 80.0',
    ]


def test_indentation_is_read_from_the_source() -> None:
    assert guess_indents(BUILTIN.read_text(encoding="utf-8")) == (2, 4, 2)
    assert guess_indents("a:\n- x\nb:\n    c: 1\n") == (4, 2, 0)
    flat = "equipoise: 1\nid: s\ntitle: S\nactors:\n- id: A\n  name: Alpha\n"
    result = apply_edits("flat.yaml", flat, [CellEdit("actors", 0, "name", "Al")])
    assert result.text == flat.replace("Alpha", "Al")


def test_locate_problems_of_a_valid_text_is_empty() -> None:
    assert locate_problems("small.yaml", SMALL) == []

"""The command line: each command on good input, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.io import load

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = str(FIXTURES / "minimal.yaml")
runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "show", "schema", "convert", "scenarios", "analyze"):
        assert command in result.stdout


def test_show_prints_every_section() -> None:
    result = runner.invoke(app, ["show", MINIMAL])
    assert result.exit_code == 0, result.stderr
    for title in ("Actors", "Issues", "Stances", "Relations", "Events", "Alpha", "Issue one"):
        assert title in result.stdout


def test_show_json_is_the_scenario() -> None:
    result = runner.invoke(app, ["show", MINIMAL, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "minimal"
    assert [a["id"] for a in data["actors"]] == ["A", "B", "C"]


def test_schema_accepts_the_fixture_and_rejects_an_unknown_field() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    data = YAML(typ="safe").load(Path(MINIMAL).read_text())
    # dates as the JSON text a JSON file would hold
    data = json.loads(json.dumps(data, default=str))
    jsonschema.validate(data, schema)
    data["colour"] = "red"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("schema accepted an unknown field")


def test_convert_yaml_to_json_and_back(tmp_path: Path) -> None:
    out_json = tmp_path / "m.json"
    result = runner.invoke(app, ["convert", MINIMAL, str(out_json)])
    assert result.exit_code == 0, result.stderr
    assert load(out_json) == load(MINIMAL)


def test_convert_refuses_an_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", MINIMAL, str(tmp_path / "x.out"), "--to", "excel"])
    assert result.exit_code == 2
    assert "is not a format" in result.stderr
    result = runner.invoke(app, ["convert", MINIMAL, str(tmp_path / "x.out")])
    assert result.exit_code == 2
    assert "cannot tell the output format" in result.stderr
    assert not (tmp_path / "x.out").exists()


def test_unknown_input_lists_the_builtin_scenarios() -> None:
    result = runner.invoke(app, ["show", "no-such-thing"])
    assert result.exit_code == 2
    assert result.stderr.startswith("no-such-thing: no such file or built-in scenario")


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "equipoise" in result.stdout


def test_unwritable_report_folder_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["analyze", MINIMAL, "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and str(blocker / "sub") in result.stderr
    result = runner.invoke(app, ["analyze", MINIMAL, "--out", str(blocker)])
    assert result.exit_code == 2 and "is not a folder" in result.stderr


def test_new_writes_a_valid_scenario_and_does_not_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 0, result.stderr
    scenario = load(target)
    assert scenario.balancer and scenario.options and scenario.doctrines
    target.write_text("mine")
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 2 and "exists" in result.stderr
    assert target.read_text() == "mine"
    assert runner.invoke(app, ["new", str(target), "--force"]).exit_code == 0
    assert load(target) == scenario


def test_show_lists_stances_one_per_row_when_there_are_many_issues(tmp_path: Path) -> None:
    from equipoise.io import save

    scenario = load(MINIMAL)
    issue = scenario.issues[0]
    many = scenario.model_copy(
        update={
            "issues": [issue.model_copy(update={"id": f"q{k}"}) for k in range(12)],
            "stances": [
                st.model_copy(update={"issue": f"q{k}"})
                for k in range(12)
                for st in scenario.stances
                if st.issue == issue.id
            ],
        }
    )
    save(many, tmp_path / "many.yaml")
    result = runner.invoke(app, ["show", str(tmp_path / "many.yaml"), "-s", "stances"])
    assert result.exit_code == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "position" in line)
    assert "issue" in header and "salience" in header and "q11" not in header
    assert sum("q11" in line for line in result.stdout.splitlines()) == 2  # A and B


def test_show_marks_a_neutral_relation_with_sign_zero() -> None:
    result = runner.invoke(
        app, ["show", "nagorno-karabakh-2020", "-s", "relations"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "peacekeeping" in line]
    assert rows and all("│ 0 " in line for line in rows), rows

"""The workbench's Edit page: its callbacks' work as plain functions, and one callback run
through Dash's HTTP endpoint as the browser calls it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

pytest.importorskip("dash")

from equipoise.io import parse  # noqa: E402
from equipoise.scenarios import builtin_path  # noqa: E402
from equipoise.workbench.config import WorkbenchConfig  # noqa: E402
from equipoise.workbench.ui.pages import edit  # noqa: E402

BUILTIN = builtin_path("nagorno-karabakh-2020")
SMALL = """\
equipoise: 1
id: small
title: Small
actors:
  - id: A
    name: Alpha
    capability: 100  # the anchor
    assumption: "Index anchor."
  - id: B
    name: Beta
    capability: 50
    assumption: "Half of A."
issues:
  - id: x
    name: X
    scale: {min_label: low, max_label: high}
stances:
  - {actor: A, issue: x, position: 10, salience: 0.5, assumption: "A's view."}
  - {actor: B, issue: x, position: 90, salience: 0.5, assumption: "B's view."}
"""


@pytest.fixture()
def small() -> dict[str, str]:
    return {"label": "small.yaml", "yaml": SMALL}


def _tables(scenario: dict[str, str]) -> dict[str, list[dict]]:
    return copy.deepcopy(edit.render_tables(scenario).data)


def test_tables_rendered_with_hidden_record_index() -> None:
    shown = edit.render_tables(
        {"label": "nagorno-karabakh-2020", "yaml": BUILTIN.read_text(encoding="utf-8")}
    )
    assert shown.error is None
    names = [c["name"] for c in shown.columns["actors"]]
    assert names[:3] == ["id", "name", "kind"]
    # the scenario's own 'id' must not be the DataTable's row id
    assert all(c["id"].startswith(edit.COLUMN_PREFIX) for c in shown.columns["actors"])
    scenario = parse("nk.yaml", BUILTIN.read_text(encoding="utf-8"))
    assert len(shown.data["stances"]) == len(scenario.stances)
    assert [r[edit.ROW_KEY] for r in shown.data["doctrines"]] == list(
        range(len(scenario.doctrines))
    )


def test_other_formats_and_no_scenario_say_why() -> None:
    assert "No scenario open" in (edit.render_tables(None).error or "")
    csv = {"label": "t.edges", "yaml": "A B 1\nB C -1\nA C 1\n"}
    assert "convert it first" in (edit.render_tables(csv).error or "")


def test_edits_from_tables_compares_cell_by_cell(small: dict[str, str]) -> None:
    data = _tables(small)
    data["actors"][1]["f:capability"] = "50"  # typed back as it was: no edit
    data["actors"][1]["f:name"] = "Beta 2"
    data["stances"].pop(0)
    data["actors"].append({edit.ROW_KEY: None, "f:id": "C", "f:name": "Gamma", "f:kind": ""})
    edits, positions = edit.edits_from_tables(small, data)
    assert edits == [
        edit.CellEdit("actors", 1, "name", "Beta 2"),
        edit.AddRow("actors", {"id": "C", "name": "Gamma"}),
        edit.DeleteRow("stances", 0),
    ]
    assert positions["stances"] == {1: 0}


def test_valid_edit_becomes_the_open_scenario(small: dict[str, str]) -> None:
    data = _tables(small)
    data["actors"][0]["f:capability"] = "80"
    applied = edit.apply_tables(small, data)
    assert applied.messages == [] and applied.scenario is not None
    assert applied.scenario["label"] == "small.yaml"
    assert "    capability: 80   # the anchor\n" in applied.scenario["yaml"]  # same column
    assert parse("small.yaml", applied.scenario["yaml"]).actors[0].capability.value == 80
    assert all(style == [] for style in applied.styles.values())


def test_invalid_edit_highlighted_on_its_cell_and_not_applied(small: dict[str, str]) -> None:
    data = _tables(small)
    data["stances"][1]["f:actor"] = "Z"
    applied = edit.apply_tables(small, data)
    assert applied.scenario is None  # the store keeps the valid scenario
    [message] = applied.messages
    assert message.startswith("[stances row 2, actor] small.yaml:")
    assert "unknown actor 'Z'" in message
    styles = applied.styles["stances"]
    assert {"if": {"row_index": 1, "column_id": "f:actor"}, **edit._PROBLEM_STYLE} in styles
    assert "unknown actor 'Z'" in applied.tooltips["stances"][1]["f:actor"]["value"]
    assert "1 problem" in applied.status


def test_deleted_row_shown_at_its_table_position(small: dict[str, str]) -> None:
    data = _tables(small)
    data["actors"].pop(1)  # B is still used by a stance
    applied = edit.apply_tables(small, data)
    assert applied.scenario is None
    assert any(
        "unknown actor 'B'" in m and m.startswith("[stances row 2, actor]")
        for m in applied.messages
    )


def test_new_blank_row_names_its_missing_fields(small: dict[str, str]) -> None:
    data = _tables(small)
    data["actors"].append({edit.ROW_KEY: None, "f:name": "Gamma"})
    applied = edit.apply_tables(small, data)
    assert applied.scenario is None
    assert any("missing required field 'actors[3].id'" in m for m in applied.messages)
    assert {"if": {"row_index": 2}, **edit._ROW_STYLE} in applied.styles["actors"]


def test_download_named_after_the_scenario(small: dict[str, str]) -> None:
    got = edit.download(small)
    assert got is not None and got["content"] == SMALL and got["filename"] == "small.yaml"
    as_json = {"label": "/some/where/case.json", "yaml": json.dumps({"id": "x"})}
    got = edit.download(as_json)
    assert got is not None and got["filename"] == "case.json"
    assert edit.download(None) is None


def test_save_writes_only_the_file_serve_was_given(tmp_path: Path, small: dict[str, str]) -> None:
    target = tmp_path / "case.yaml"
    target.write_text(SMALL, encoding="utf-8")
    config = WorkbenchConfig(input=str(target))
    edited = edit.apply_tables(
        {"label": str(target), "yaml": SMALL},
        {
            **_tables(small),
            "actors": [
                {**_tables(small)["actors"][0], "f:name": "Alpha 2"},
                _tables(small)["actors"][1],
            ],
        },
    )
    assert edited.scenario is not None
    assert edit.save_to_file(config, edited.scenario) == f"Saved {target}."
    assert target.read_text(encoding="utf-8") == SMALL.replace("Alpha", "Alpha 2")
    # another scenario open (an upload, a built-in): refused, the file left alone
    other = {"label": "upload.yaml", "yaml": SMALL}
    assert edit.save_to_file(config, other).startswith("Not saved")
    assert "Alpha 2" in target.read_text(encoding="utf-8")
    # text that does not validate is never written, whatever the browser sends
    broken = {"label": str(target), "yaml": SMALL.replace("    name: Beta\n", "")}
    message = edit.save_to_file(config, broken)
    assert message.startswith("Not saved") and "missing required field" in message
    assert "Beta" in target.read_text(encoding="utf-8")


def test_nothing_to_save_for_a_builtin() -> None:
    config = WorkbenchConfig(input="nagorno-karabakh-2020")
    assert edit.save_target(config) is None
    assert edit.save_to_file(config, {"label": "nagorno-karabakh-2020", "yaml": SMALL}).startswith(
        "Nothing to save to"
    )


def test_apply_callback_through_dash_http(small: dict[str, str]) -> None:
    from equipoise.workbench.app import create_app

    client = create_app(WorkbenchConfig()).test_client()
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
    deps = client.get("/_dash-dependencies", headers=headers).get_json()
    dep = next(
        d
        for d in deps
        if "workbench-scenario.data@" in d["output"] and "edit-problems" in d["output"]
    )
    data = _tables(small)
    data["actors"][1]["f:capability"] = "-5"
    values = {f"{edit.table_id(s)}.data": data[s] for s in edit.SECTIONS}
    values["workbench-scenario.data"] = small

    def spec(items: list[dict]) -> list[dict]:
        return [
            {**item, "value": values.get(f"{item['id']}.{item['property']}", 1)} for item in items
        ]

    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
        for part in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": spec(dep["inputs"]),
        "state": spec(dep["state"]),
        "changedPropIds": ["edit-table-actors.data_timestamp"],
    }
    resp = client.post("/_dash-update-component", headers=headers, data=json.dumps(body))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    answer = resp.get_json()["response"]
    assert "workbench-scenario" not in answer  # refused: the store is not written
    problems = json.dumps(answer["edit-problems"]["children"])
    assert "actors row 2, capability" in problems

"""The workbench's Compare page: its callbacks' work as plain functions."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dash")

from typer.testing import CliRunner  # noqa: E402

from equipoise.cli import app  # noqa: E402
from equipoise.scenarios import builtin_path  # noqa: E402
from equipoise.workbench.config import WorkbenchConfig  # noqa: E402
from equipoise.workbench.ui.pages import compare  # noqa: E402

CASE = "nagorno-karabakh-2020"
TEXT = builtin_path(CASE).read_text(encoding="utf-8")
OPEN = {"label": CASE, "yaml": TEXT}
NO_STORE = WorkbenchConfig(input=CASE, store="")


def _differing(view: compare.CompareView) -> dict[str, tuple[str, str]]:
    return {
        view.answers[k]["path"]: (view.answers[k]["A"], view.answers[k]["B"])
        for k in view.differing_answers
    }


def test_two_dates_inputs_and_answers() -> None:
    view = compare.compare_view(
        NO_STORE, "dates", OPEN, {}, command="balance", date_a="2020-09-26", date_b="2020-12-02"
    )
    assert view.error is None
    inputs = {r["path"]: (r["A"], r["B"]) for r in view.inputs}
    assert inputs["as_of"] == ("2020-09-26", "2020-12-02")
    # the peacekeeping tie exists only after the truce
    assert inputs["relations.RUS.NKR.peacekeeping.in_force"] == ("False", "True")
    assert view.answers and all(r["differs"] in ("", "yes") for r in view.answers)
    assert "balance.unbalanced_triads" in _differing(view)
    assert view.summary.startswith(f"A: {CASE} as of 2020-09-26 (balance)")


def test_a_date_not_in_the_calendar_is_named() -> None:
    view = compare.compare_view(
        NO_STORE, "dates", OPEN, {}, command="balance", date_a="2020-19-26", date_b="2020-12-02"
    )
    assert view.error is not None and "2020-19-26" in view.error and not view.answers
    assert "Give both dates" in (
        compare.compare_view(NO_STORE, "dates", OPEN, {}, date_a="2020-09-26").error or ""
    )


def test_open_version_with_a_what_if_against_the_original() -> None:
    view = compare.compare_view(
        NO_STORE, "versions", OPEN, {"stances.TUR.territory.position": 50}, command="forecast"
    )
    assert view.error is None
    assert view.inputs == [{"path": "stances.TUR.territory.position", "A": "100", "B": "50"}]
    moved = _differing(view)
    a, b = moved["forecasts.mean.territory"]
    assert float(b) < float(a)  # Turkey less demanding: the compromise moves down
    assert not any(p.startswith("forecasts.") and ".russia-military-role" in p for p in moved)


def test_edited_file_against_the_file_as_saved(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(TEXT, encoding="utf-8")
    config = WorkbenchConfig(input=str(path), store="")
    edited = {
        "label": str(path),
        "yaml": TEXT.replace("    capability: 55\n", "    capability: 65\n", 1),
    }
    view = compare.compare_view(config, "versions", edited, {}, command="balance")
    assert view.error is None
    assert view.inputs == [{"path": "actors.TUR.capability", "A": "55", "B": "65"}]
    assert view.differing_answers == []  # capability plays no part in structural balance
    # nothing edited: nothing differs
    same = compare.compare_view(
        config, "versions", {"label": str(path), "yaml": TEXT}, {}, command="balance"
    )
    assert same.inputs == [] and same.differing_answers == []


def test_two_variants_compared_answer_for_answer() -> None:
    options = compare.variant_options(OPEN)
    assert options[0]["value"] == compare.NO_VARIANT
    variant = options[1]["value"]
    view = compare.compare_view(
        NO_STORE, "variants", OPEN, {}, draws=0, variant_a="", variant_b=variant
    )
    assert view.error is None
    assert all(r["A"] != "—" and r["B"] != "—" for r in view.answers)
    assert view.differing_answers
    assert f"variant {variant}" in view.b_label


def test_two_runs_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    runner = CliRunner()
    for extra in ([], ["--set", "stances.TUR.territory.position=50"]):
        result = runner.invoke(app, ["forecast", CASE, "-m", "mean", "--store", url, *extra])
        assert result.exit_code == 0, result.stderr
    config = WorkbenchConfig(input=CASE, store=url)
    options, note = compare.run_options(config)
    assert len(options) == 2 and note == ""
    newer, older = (o["value"] for o in options)
    view = compare.compare_view(config, "runs", None, {}, run_a=older, run_b=newer)
    assert view.error is None
    assert view.inputs == [{"path": "stances.TUR.territory.position", "A": "100", "B": "50"}]
    assert list(_differing(view)) == ["forecasts.mean.territory"]
    missing = compare.compare_view(config, "runs", None, {}, run_a="zzzzzz", run_b=newer)
    assert missing.error is not None and "zzzzzz" in missing.error


def test_without_a_store_runs_say_why() -> None:
    options, note = compare.run_options(NO_STORE)
    assert options == [] and "--store" in note
    assert "--store" in (
        compare.compare_view(NO_STORE, "runs", None, {}, run_a="a", run_b="b").error or ""
    )


def test_progress_by_side_and_a_cancel_between_the_sides(monkeypatch) -> None:
    from equipoise.workbench.jobs import JobCancelled

    steps: list[tuple[str, int, int]] = []
    view = compare.compare_view(
        NO_STORE,
        "dates",
        OPEN,
        {},
        command="balance",
        date_a="2020-09-26",
        date_b="2020-12-02",
        progress=lambda *step: steps.append(step),
    )
    assert view.error is None
    assert steps == [("side A", 0, 2), ("side B", 1, 2), ("compared", 2, 2)]

    computed: list[str] = []
    original = compare._computed

    def counted(scenario, command, params, sets, label):
        computed.append(label)
        return original(scenario, command, params, sets, label)

    def cancel_at_b(phase: str, done: int, total: int) -> None:
        if phase == "side B":
            raise JobCancelled()

    monkeypatch.setattr(compare, "_computed", counted)
    with pytest.raises(JobCancelled):
        compare.compare_view(
            NO_STORE,
            "variants",
            OPEN,
            {},
            draws=0,
            variant_a="",
            variant_b="turkish-peacekeepers",
            progress=cancel_at_b,
        )
    assert len(computed) == 1  # side B never started

"""``validate`` checks every option and variant change and every doctrine in the file
(issue 12): what used to pass validate and then fail at run time — a traceback or an
``error:`` line without FILE:LINE in ``decide``, a silently skipped decision in ``analyze``
— is now refused at its line by all three commands, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from equipoise.cli import app

runner = CliRunner()
TEMPLATE = (
    Path(__file__).parents[1] / "src" / "equipoise" / "templates" / "scenario.yaml"
).read_text("utf-8")
ADD_SANCTIONS = (
    "      - {target: relation, actor: BIG, other: EAST, action: add, kind: sanctions}\n"
)
WEST_STANCE = (
    '  - {actor: WEST, issue: border, position: 0, salience: 0.9, assumption: "its stated claim"}\n'
)
WEST_ACTOR = (
    '  - {id: WEST, name: Westland, capability: 30, assumption: "about a third of Big Power\'s"}\n'
)
DOCTRINE_WEIGHTS = 'weights: {outcome: [0.2, 0.4], risk: [0.3, 0.6], "satisfaction:WEST": 0.1}'
VARIANT_CHANGES = "changes: [{target: stance, actor: EAST, issue: border, salience: 1.0}]"


def after_sanctions(change: str) -> tuple[str, str]:
    """Add ``change`` to option back-west, after its last change."""
    return ADD_SANCTIONS, ADD_SANCTIONS + f"      - {change}\n"


def edit(*pairs: tuple[str, str]) -> str:
    text = TEMPLATE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, fragment: str) -> int:
    return next(n for n, ln in enumerate(text.splitlines(), 1) if fragment in ln)


# (edits, a fragment of the offending line, a fragment of the expected message)
CASES = {
    "infinite capability": (
        [after_sanctions("{target: capability, actor: WEST, capability: .inf}")],
        "capability: .inf",
        "capability: must be a finite number",
    ),
    "NaN position": (
        [after_sanctions("{target: stance, actor: BIG, issue: border, position: .nan}")],
        "position: .nan",
        "position: must be a finite number",
    ),
    "infinite weight of an added relation": (
        [
            after_sanctions(
                "{target: relation, actor: BIG, other: WEST, action: add, "
                "kind: alliance, weight: .inf}"
            )
        ],
        "weight: .inf",
        "weight: must be a finite number",
    ),
    "huge capability": (
        [after_sanctions("{target: capability, actor: WEST, capability: 1e300}")],
        "capability: 1e300",
        "expected a number between -1e+15 and 1e+15",
    ),
    "capability change without capability": (
        [after_sanctions("{target: capability, actor: WEST}")],
        "{target: capability, actor: WEST}",
        "a capability change needs 'capability'",
    ),
    "added relation without a kind": (
        [after_sanctions("{target: relation, actor: BIG, other: WEST, action: add}")],
        "other: WEST, action: add}",
        "adding a relation needs 'kind'",
    ),
    "relation from an actor to itself": (
        [
            after_sanctions(
                "{target: relation, actor: BIG, other: BIG, action: add, kind: alliance}"
            )
        ],
        "other: BIG",
        "relation change from actor 'BIG' to itself",
    ),
    "set-sign without a sign": (
        [after_sanctions("{target: relation, actor: BIG, other: WEST, action: set-sign}")],
        "other: WEST, action: set-sign}",
        "'set-sign' needs 'sign'",
    ),
    "unknown relation kind in an option": (
        [
            after_sanctions(
                "{target: relation, actor: BIG, other: WEST, action: add, kind: frobnicate}"
            )
        ],
        "kind: frobnicate",
        "unknown relation kind 'frobnicate'",
    ),
    "unknown relation kind in a variant": (
        [
            (
                VARIANT_CHANGES,
                "changes: [{target: relation, actor: EAST, other: WEST, action: add, kind: zork}]",
            )
        ],
        "kind: zork",
        "unknown relation kind 'zork'",
    ),
    "unknown actor in a change": (
        [after_sanctions("{target: capability, actor: NOPE, capability: 3}")],
        "actor: NOPE",
        "unknown actor 'NOPE'",
    ),
    "unknown issue in a change": (
        [after_sanctions("{target: stance, actor: BIG, issue: water, salience: 0.3}")],
        "issue: water",
        "unknown issue 'water'",
    ),
    "a change creating a stance without a position": (
        [
            (WEST_STANCE, ""),
            after_sanctions("{target: stance, actor: WEST, issue: border, salience: 0.5}"),
        ],
        "actor: WEST, issue: border, salience: 0.5",
        "actor 'WEST' has no stance on issue 'border', so this change creates one: give "
        "both 'position' and 'salience'",
    ),
    "a variant creating a stance without a salience": (
        [
            (WEST_STANCE, ""),
            (
                VARIANT_CHANGES,
                "changes: [{target: stance, actor: WEST, issue: border, position: 20}]",
            ),
        ],
        "position: 20}]",
        "actor 'WEST' has no stance on issue 'border'",
    ),
    "a change creating a stance of an actor without capability": (
        [
            (WEST_STANCE, ""),
            (WEST_ACTOR, "  - {id: WEST, name: Westland}\n"),
            (
                VARIANT_CHANGES,
                "changes: [{target: stance, actor: WEST, issue: border, "
                "position: 5, salience: 0.5}]",
            ),
        ],
        "actor: WEST, issue: border, position: 5",
        "creates a stance of actor 'WEST', who has no capability",
    ),
    "a stance of an actor without capability": (
        [(WEST_ACTOR, "  - {id: WEST, name: Westland}\n")],
        "{actor: WEST, issue: border",
        "actor 'WEST' has no capability",
    ),
    "doctrine with no positive weight": (
        [(DOCTRINE_WEIGHTS, "weights: {outcome: 0, risk: 0}")],
        "weights: {outcome: 0, risk: 0}",
        "gives no criterion a positive weight",
    ),
    "doctrine with no weights at all": (
        [(DOCTRINE_WEIGHTS, "weights: {}")],
        "weights: {}",
        "gives no criterion a positive weight",
    ),
    "doctrine with an infinite weight": (
        [(DOCTRINE_WEIGHTS, "weights: {outcome: .inf}")],
        "weights: {outcome: .inf}",
        "must be a finite number",
    ),
    "options without a balancer": (
        [("balancer: BIG                 # the actor whose decision is analysed\n", "")],
        "options:",
        "the scenario has options but names no balancer",
    ),
    "a balancer without stances": (
        [("balancer: BIG ", "balancer: WEST "), (WEST_STANCE, "")],
        "balancer: WEST",
        "the balancer 'WEST' has no stance on any issue",
    ),
}


@pytest.fixture(params=sorted(CASES), name="case")
def bad_scenario(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, int, str]:
    edits, where, message = CASES[request.param]
    text = edit(*edits)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line_of(text, where), message


def assert_located(result, path: Path, line: int, message: str) -> None:
    out = result.stdout + result.stderr
    assert result.exit_code == 2, out
    assert "Traceback" not in out and "error:" not in out, out
    assert any(
        ln.startswith(f"{path}:{line}: ") and message in ln for ln in result.stderr.splitlines()
    ), result.stderr


def test_validate_refuses_it_at_its_line(case: tuple[Path, int, str]) -> None:
    path, line, message = case
    assert_located(runner.invoke(app, ["validate", str(path)]), path, line, message)


def test_decide_refuses_it_before_running(case: tuple[Path, int, str]) -> None:
    path, line, message = case
    assert_located(runner.invoke(app, ["decide", str(path), "--draws", "4"]), path, line, message)


def test_analyze_refuses_it_and_writes_nothing(case: tuple[Path, int, str], tmp_path: Path) -> None:
    path, line, message = case
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(path), "--out", str(out), "--draws", "4"])
    assert_located(result, path, line, message)
    assert "skipped decision" not in result.stdout
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    "change",
    [
        # created with position and salience, then changed again by the same option
        "{target: stance, actor: WEST, issue: border, position: 5, salience: 0.5}\n"
        "      - {target: stance, actor: WEST, issue: border, salience: 0.6}",
        # removing or re-signing needs no kind
        "{target: relation, actor: BIG, other: WEST, action: remove}",
        "{target: relation, actor: BIG, other: WEST, action: set-sign, sign: 0}",
    ],
)
def test_valid_changes_still_pass(tmp_path: Path, change: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(edit((WEST_STANCE, ""), after_sanctions(change)), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.stdout + result.stderr
    result = runner.invoke(app, ["decide", str(path), "--draws", "4"])
    assert result.exit_code == 0, result.stdout + result.stderr

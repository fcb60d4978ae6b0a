"""Issue spaces (issue 15): issues sharing a ``space`` id are the dimensions of one position
vector. The scenario format checks them at their line; a problem carries them; a spatial
model is run once per space by both entry points, any other model as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.errors import InputError, ModelInputError
from equipoise.io import parse
from equipoise.models.api import forecast, forecast_batch
from equipoise.models.forecast import single_pass_forecast
from equipoise.models.problem import BargainingProblem
from equipoise.models.spaces import group_spaces, issue_spaces
from equipoise.scenario import scenario_json_schema

runner = CliRunner()

BASE = """\
id: plane
title: Two-dimensional test
actors:
  - {id: A, name: A, capability: 1, assumption: test}
  - {id: B, name: B, capability: 2, assumption: test}
  - {id: C, name: C, capability: 3, assumption: test}
issues:
  - {id: east, name: East-west, space: map, scale: {min_label: w, max_label: e}}
  - {id: north, name: North-south, space: map, scale: {min_label: s, max_label: n}}
  - {id: tax, name: Tax, scale: {min_label: low, max_label: high}}
stances:
  - {actor: A, issue: east, position: 10, salience: 0.5, assumption: test}
  - {actor: A, issue: north, position: 20, salience: 0.4, assumption: test}
  - {actor: B, issue: east, position: 60, salience: 0.3, assumption: test}
  - {actor: B, issue: north, position: 90, salience: 0.6, assumption: test}
  - {actor: C, issue: tax, position: 40, salience: 0.5, assumption: test}
  - {actor: A, issue: tax, position: 70, salience: 0.5, assumption: test}
"""


def edit(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        parse("s.yaml", text)
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, ln in enumerate(text.splitlines(), 1) if fragment in ln)


# -- the format ------------------------------------------------------------------------------


def test_valid_space_and_grouping() -> None:
    s = parse("s.yaml", BASE)
    assert [i.space for i in s.issues] == ["map", "map", None]
    spaces = issue_spaces(s)
    assert [(sp.id, sp.issues, sp.declared) for sp in spaces] == [
        ("map", ("east", "north"), True),
        ("tax", ("tax",), False),
    ]
    p = BargainingProblem.from_scenario(s)
    assert p.spaces == ("map", "map", None)
    assert [(sp.id, sp.index) for sp in issue_spaces(p)] == [("map", (0, 1)), ("tax", (2,))]
    assert issue_spaces(p.subset_issues(["tax", "north"]))[1].issues == ("north",)


def test_no_space_is_one_space_per_issue() -> None:
    groups = group_spaces(["a", "b", "c"], None)
    assert [(g.id, g.index, g.declared) for g in groups] == [
        ("a", (0,), False),
        ("b", (1,), False),
        ("c", (2,), False),
    ]
    # spaces interleaved with lone issues keep the order of their first issue
    groups = group_spaces(["a", "b", "c", "d"], ["s", None, "s", "t"])
    assert [(g.id, g.index) for g in groups] == [("s", (0, 2)), ("b", (1,)), ("t", (3,))]


def test_schema_describes_space() -> None:
    prop = scenario_json_schema()["$defs"]["Issue"]["properties"]["space"]
    assert "position vector" in prop["description"]


def test_one_issue_space_is_refused_at_its_line() -> None:
    text = edit("{id: tax, name: Tax,", "{id: tax, name: Tax, space: levy,")
    assert problems_of(text) == [
        f"s.yaml:{line_of(text, 'space: levy')}: space 'levy' has only issue 'tax'; a space "
        "groups two or more issues as the dimensions of one position vector (check the "
        "spelling of the id, or remove 'space')"
    ]


def test_different_scales_are_refused() -> None:
    text = edit("space: map, scale: {min_label: s", "space: map, scale: {max: 10, min_label: s")
    text = text.replace("position: 20,", "position: 2,").replace("position: 90,", "position: 9,")
    assert problems_of(text) == [
        f"s.yaml:{line_of(text, 'id: north')}: issue 'north' of space 'map' runs 0-10 but "
        "issue 'east' runs 0-100; the dimensions of a space share one scale (distances are "
        "measured across them)"
    ]


def test_incomplete_vector_is_refused() -> None:
    text = edit("  - {actor: B, issue: north, position: 90, salience: 0.6, assumption: test}\n", "")
    msgs = problems_of(text)
    assert msgs == [
        f"s.yaml:{line_of(text, 'actor: B, issue: east')}: actor 'B' has a stance on 'east' "
        "of space 'map' but none on 'north'; the issues of a space are one position vector: "
        "give the actor a stance on every issue of the space, or on none"
    ]


def test_two_capabilities_in_a_space_are_refused() -> None:
    text = edit(
        "{actor: B, issue: north, position: 90, salience: 0.6,",
        "{actor: B, issue: north, position: 90, salience: 0.6, capability: 5,",
    )
    assert problems_of(text) == [
        f"s.yaml:{line_of(text, 'capability: 5')}: actor 'B' has capability 5 on issue "
        "'north' but 2 on issue 'east' of the same space 'map'; an actor brings one "
        "capability to a space: give the same capability on each of its issues (or only the "
        "actor's)"
    ]
    # the same capability given on every stance of the space is fine
    same = edit(
        "{actor: B, issue: east, position: 60, salience: 0.3,",
        "{actor: B, issue: east, position: 60, salience: 0.3, capability: 5,",
        text,
    )
    parse("s.yaml", same)


def test_saliences_over_a_space_above_one_are_refused() -> None:
    text = edit(
        "{actor: B, issue: north, position: 90, salience: 0.6,",
        "{actor: B, issue: north, position: 90, salience: 0.75,",
    )
    assert problems_of(text) == [
        f"s.yaml:{line_of(text, 'salience: 0.75')}: the saliences of actor 'B' on the issues "
        "of space 'map' add up to 1.05; they are shares of one actor's attention over the "
        "space's dimensions and add up to at most 1 (KTAB's rule, needed by the smp and pce "
        "models): divide them by their sum or lower some"
    ]
    # exactly 1, with round-off (0.3 + 0.7), is fine
    parse(
        "s.yaml",
        edit(
            "{actor: B, issue: north, position: 90, salience: 0.6,",
            "{actor: B, issue: north, position: 90, salience: 0.7,",
        ),
    )


def test_option_raising_saliences_over_one_is_refused() -> None:
    text = (
        BASE.replace("id: plane\n", "id: plane\nbalancer: A\n")
        + """\
status_quo: hold
options:
  - {id: hold, name: Hold, assumption: test}
  - id: care
    name: A cares more about the map
    changes:
      - {target: stance, actor: A, issue: north, salience: 0.8}
    assumption: test
doctrines:
  - {id: d, name: D, weights: {outcome: 1}, assumption: test}
"""
    )
    assert problems_of(text) == [
        f"s.yaml:{line_of(text, 'issue: north, salience: 0.8')}: after these changes the "
        "saliences of actor 'A' on the issues of space 'map' add up to 1.3; they add up to at "
        "most 1 (shares of one actor's attention over the space's dimensions)"
    ]


def test_different_deciders_and_clashing_id_are_refused() -> None:
    text = edit(
        "{id: east, name: East-west, space: map,",
        "{id: east, name: East-west, space: tax, decided_by: A,",
    )
    text = text.replace(
        "{id: north, name: North-south, space: map,", "{id: north, name: North-south, space: tax,"
    )
    msgs = problems_of(text)
    assert msgs == [
        f"s.yaml:{line_of(text, 'id: east')}: space id 'tax' is also the id of an issue "
        "outside the space; give the space an id of its own",
        f"s.yaml:{line_of(text, 'id: north')}: issue 'north' of space 'tax' is decided by no "
        "one but issue 'east' by 'A'; the issues of a space share one 'decided_by' (the whole "
        "position vector is decided, or bargained)",
    ]


def test_option_creating_half_a_vector_is_refused() -> None:
    text = (
        BASE
        + """\
status_quo: hold
options:
  - {id: hold, name: Hold, assumption: test}
  - id: enter
    name: C enters the map
    changes:
      - {target: stance, actor: C, issue: east, position: 50, salience: 0.5}
    assumption: test
doctrines:
  - {id: d, name: D, weights: {outcome: 1}, assumption: test}
"""
    )
    text = text.replace("id: plane\n", "id: plane\nbalancer: A\n")
    msgs = problems_of(text)
    assert msgs == [
        f"s.yaml:{line_of(text, 'actor: C, issue: east')}: this change gives actor 'C' a "
        "stance on space 'map' but none on 'north'; the issues of a space are one position "
        "vector: create the stance on every issue of the space in the same changes"
    ]
    whole = text.replace(
        "      - {target: stance, actor: C, issue: east, position: 50, salience: 0.5}\n",
        "      - {target: stance, actor: C, issue: east, position: 50, salience: 0.5}\n"
        "      - {target: stance, actor: C, issue: north, position: 50, salience: 0.5}\n",
    )
    parse("s.yaml", whole)


def test_validate_command_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit("{id: tax, name: Tax,", "{id: tax, name: Tax, space: levy,"), "utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:" in result.output and "space 'levy' has only issue 'tax'" in result.output
    assert "Traceback" not in result.output


def test_show_lists_the_space(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, "utf-8")
    result = runner.invoke(app, ["show", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    east = next(ln for ln in result.output.splitlines() if "East-west" in ln)
    tax = next(ln for ln in result.output.splitlines() if "│ Tax" in ln or " Tax " in ln)
    assert "map" in east and "map" not in tax


# -- the problem ---------------------------------------------------------------------------


def problem(**changes: Any) -> BargainingProblem:
    kw: dict[str, Any] = dict(
        actors=("A", "B", "C"),
        issues=("x", "y", "z"),
        position=np.array([[10.0, 20.0, 70.0], [60.0, 90.0, np.nan], [30.0, 30.0, 40.0]]),
        salience=np.full((3, 3), 0.5),
        capability=np.array([1.0, 2.0, 3.0]),
        spaces=("s", "s", None),
    )
    kw.update(changes)
    return BargainingProblem(**kw)


def test_problem_refuses_partial_vector_and_two_capabilities() -> None:
    pos = problem().position.copy()
    pos[1, 1] = np.nan
    with pytest.raises(ModelInputError, match=r"space 's': actor 'B' has no position on 'y'"):
        problem(position=pos)
    cap = np.array([[1.0, 1.0, 1.0], [2.0, 4.0, 2.0], [3.0, 3.0, 3.0]])
    with pytest.raises(ModelInputError, match=r"actor 'B' has capabilities 2, 4"):
        problem(capability=cap)
    with pytest.raises(ModelInputError, match=r"issue 'y' has scale \[0, 10\]"):
        problem(
            upper=np.array([100.0, 10.0, 100.0]),
            position=np.array([[10.0, 2.0, 70.0], [60.0, 9.0, np.nan], [30.0, 3.0, 40.0]]),
        )
    with pytest.raises(ModelInputError, match="spaces: 2 entries"):
        problem(spaces=("s", "s"))
    assert problem().replace(salience=np.full((3, 3), 0.2)).spaces == ("s", "s", None)


# -- spatial models are run once per space -------------------------------------------------


class SpaceMean:
    """A toy spatial model whose forecast on every issue depends on the whole space it is
    given: each issue's weighted mean shifted by the mean of the other issues' weighted means
    (so a run over two spaces at once differs from a run per space)."""

    name = "spacemean"
    spatial = True
    joint_issues = True
    min_issues = 1

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def _values(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        means = (w * np.nan_to_num(x)).sum(axis=-2) / w.sum(axis=-2)
        return 0.5 * means + 0.5 * means.mean(axis=-1, keepdims=True)

    def forecast(self, p: BargainingProblem) -> Any:
        self.calls.append(p.issues)
        fc = single_pass_forecast(
            self.name, p, self._values(p.position, p.weight), {i: {} for i in p.issues}
        )
        fc.run_details = {"spread": float(np.ptp(p.position[p.present]))}
        return fc

    def forecast_batch(self, x: Any, s: Any, c: Any, **_: Any) -> np.ndarray:
        self.calls.append(tuple(_["issues"]))
        x = np.asarray(x, float)
        w = np.asarray(s, float) * np.asarray(c, float) * ~np.isnan(x)
        return self._values(x, w)


def test_spatial_model_runs_once_per_space() -> None:
    p = problem()
    model = SpaceMean()
    fc = forecast(p, model=model)
    assert model.calls == [("x", "y"), ("z",)]
    alone = SpaceMean().forecast(p.subset_issues(["x", "y"]))
    assert fc.outcome["x"] == pytest.approx(alone.outcome["x"])
    # by hand: weighted means 110/3 on x and 145/3 on y, shifted towards their mean
    assert fc.outcome["x"] == pytest.approx(0.5 * 110 / 3 + 0.25 * (110 / 3 + 145 / 3))
    together = SpaceMean().forecast(p)  # what one run over all issues would give instead
    assert together.outcome["x"] != pytest.approx(fc.outcome["x"], abs=0.5)
    assert fc.outcome["z"] == pytest.approx((70 * 0.5 + 3 * 0.5 * 40) / (0.5 + 1.5))
    assert list(fc.outcome) == ["x", "y", "z"]
    assert set(fc.details) == {"x", "y", "z"}  # details stay keyed per issue
    assert set(fc.run_details["by_space"]) == {"s", "z"}
    assert fc.run_details["by_space"]["s"]["spread"] == pytest.approx(80.0)


def test_spatial_batch_equals_single_per_space() -> None:
    p = problem()
    model = SpaceMean()
    rng = np.random.default_rng(3)
    x = np.clip(p.position[None] + rng.normal(0, 5, (4, 3, 3)), 0, 100)
    out = forecast_batch(p, model=model, position=x)
    assert model.calls == [("x", "y"), ("z",)]
    for b in range(4):
        one = forecast(p.replace(position=x[b]), model=SpaceMean())
        assert out[b] == pytest.approx([one.outcome[i] for i in p.issues])


def test_spatial_model_with_a_decided_space() -> None:
    p = problem(decided_by=("A", "A", None))
    model = SpaceMean()
    fc = forecast(p, model=model)
    assert model.calls == [("z",)]
    assert (fc.outcome["x"], fc.outcome["y"]) == (10.0, 20.0)


def test_non_spatial_models_ignore_spaces() -> None:
    """The exchange model couples every issue it is given, spaces or not."""
    s = parse("s.yaml", BASE.replace("  - {actor: A, issue: tax", "  - {actor: B, issue: tax"))
    with_spaces = forecast(s, model="exchange")
    data = s.model_dump(by_alias=True)
    for issue in data["issues"]:
        issue["space"] = None
    from equipoise.scenario import Scenario

    without = forecast(Scenario.model_validate(data), model="exchange")
    assert with_spaces.outcome == pytest.approx(without.outcome)


def test_readme_space_example_is_valid() -> None:
    """The README's issue-space example, inside a scenario with its two actors, validates
    and makes one space of two issues."""
    import re

    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("### Issue spaces (several dimensions)") :]
    block = re.search(r"```yml\n(.*?)```", section, re.S)
    assert block is not None
    head = (
        "id: example\ntitle: Example\nactors:\n"
        "  - {id: WEST, name: Westland, capability: 30, assumption: test}\n"
        "  - {id: EAST, name: Eastland, capability: 40, assumption: test}\n"
    )
    s = parse("example.yaml", head + block.group(1))
    assert [(sp.id, sp.issues) for sp in issue_spaces(s)] == [("map", ("east", "north"))]


class SpaceMeanPerIssueFlag(SpaceMean):
    """SpaceMean declaring ``joint_issues = False``: the decision analysis must still give it
    whole spaces (an option that moves one dimension moves the point)."""

    joint_issues = False


def test_decision_gives_a_spatial_model_whole_spaces() -> None:
    from equipoise.decision import decide

    text = (
        BASE.replace("id: plane\n", "id: plane\nbalancer: A\n")
        + """\
status_quo: hold
options:
  - {id: hold, name: Hold, assumption: test}
  - id: move
    name: A moves east
    changes:
      - {target: stance, actor: A, issue: east, position: 40}
    assumption: test
doctrines:
  - {id: d, name: D, weights: {outcome: 1}, assumption: test}
"""
    )
    s = parse("s.yaml", text)
    model = SpaceMeanPerIssueFlag()
    result = decide(s, model=model, draws=20, seed=0)
    assert model.calls and all(call != ("east",) for call in model.calls)
    assert ("east", "north") in model.calls
    moved = forecast(
        parse(
            "s.yaml",
            text.replace(
                "{actor: A, issue: east, position: 10,", "{actor: A, issue: east, position: 40,"
            ),
        ),
        model=SpaceMean(),
    )
    # the option's outcome on 'north' follows from the whole space, not north alone
    assert result.outcomes["move"]["north"] == pytest.approx(moved.outcome["north"])

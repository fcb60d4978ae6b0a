"""Two sides compared path by path (equipoise.store.compare), as `runs diff` and the
workbench's Compare page show them."""

from __future__ import annotations

from equipoise.scenarios import builtin_path
from equipoise.store.compare import Side, compare, computed_side

BUILTIN = str(builtin_path("nagorno-karabakh-2020"))
VARIANT = "fighting-on-armenian-territory"


def test_two_variants_compared_answer_for_answer() -> None:
    base = computed_side(BUILTIN, "decide", {"draws": 0})
    variant = computed_side(BUILTIN, "decide", {"draws": 0, "variant": VARIANT})
    both = compare(base, variant, same_variant_paths=True)
    # every answer is on both sides: the variant's paths are read as the decision's
    assert both.answers and all(r.a is not None and r.b is not None for r in both.answers)
    assert any(r.path.startswith("decision.best.") for r in both.answers)
    # the variant changes stances and relations before the options are scored
    changed = {r.path for r in both.differences("answers")}
    assert changed, "a variant that changes the scenario changed no answer"
    apart = compare(base, variant)  # without the renaming every path is on one side only
    assert all((r.a is None) != (r.b is None) for r in apart.answers)


def test_one_scenario_at_two_dates() -> None:
    before = computed_side(BUILTIN, "balance", sets=["as_of=2020-09-26"], label="before")
    after = computed_side(BUILTIN, "balance", sets=["as_of=2020-12-02"], label="after")
    both = compare(before, after)
    assert (both.a_label, both.b_label) == ("before", "after")
    inputs = {r.path: (r.a, r.b) for r in both.differences("inputs")}
    assert inputs["as_of"] == ("2020-09-26", "2020-12-02")
    # relations that start with the war are in force only on the later date
    assert any(p.endswith(".in_force") and v == (False, True) for p, v in inputs.items())
    assert both.to_dict()["inputs"] == [r.to_dict() for r in both.differences("inputs")]


def test_numbers_equal_within_the_tolerance_do_not_differ() -> None:
    a = Side("a", {"actors": [{"id": "A", "capability": 1.0}]}, {})
    b = Side("b", {"actors": [{"id": "A", "capability": 1.0 + 1e-12}]}, {})
    assert compare(a, b).differences("inputs") == []
    assert [r.path for r in compare(a, b, tol=0.0).differences("inputs")] == ["actors.A.capability"]


def test_set_with_a_date_not_in_the_calendar_is_bad_input() -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    result = CliRunner().invoke(
        app, ["balance", "nagorno-karabakh-2020", "--no-store", "--set", "as_of=2020-19-26"]
    )
    assert result.exit_code == 2
    assert "2020-19-26" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout

"""Accuracy claims state n and name no most accurate model with fewer than 10 scored issues
(issue 11): the analysis summary, the report, the terminal and the backtest."""

from __future__ import annotations

from pathlib import Path

import pytest

import equipoise
from equipoise.analysis import MIN_ISSUES_FOR_RANKING, run_analysis
from equipoise.display import accuracy_sentence


def scenario_with_outcomes(tmp_path: Path, n_issues: int):
    """Three actors, ``n_issues`` issues each with a recorded outcome."""
    lines = [
        "id: claims",
        "title: Claims",
        "sources:",
        "  - {id: s, title: A source}",
        "actors:",
        "  - {id: A, name: A, capability: 3, assumption: t}",
        "  - {id: B, name: B, capability: 1, assumption: t}",
        "  - {id: C, name: C, capability: 2, assumption: t}",
        "issues:",
    ]
    for k in range(n_issues):
        lines += [
            f"  - id: i{k}",
            f"    name: Issue {k}",
            "    scale: {min_label: none, max_label: all}",
            f"    outcome: {{value: {20 + 5 * k}, reasoning: r, source: {{ref: s, quote: q}}}}",
        ]
    lines.append("stances:")
    for k in range(n_issues):
        for a, x, s in (("A", 10 + 3 * k, 0.5), ("B", 90 - 2 * k, 0.9), ("C", 50, 0.3)):
            lines.append(
                f"  - {{actor: {a}, issue: i{k}, position: {x}, salience: {s}, assumption: t}}"
            )
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n")
    return equipoise.load(str(path))


def test_built_in_case_names_no_best_model_from_four_issues():
    a = run_analysis(equipoise.load("nagorno-karabakh-2020"), draws=0)
    text = a.summary()
    assert a.scored_issues() and set(a.scored_issues().values()) == {4}
    assert "errs least" not in text and "most accurate" in text
    assert "4 recorded outcomes" in text
    for m, e in a.mean_errors().items():
        assert f"{m} {e:.1f}" in text  # the errors are shown


@pytest.mark.parametrize(
    "n,named", [(MIN_ISSUES_FOR_RANKING - 1, False), (MIN_ISSUES_FOR_RANKING, True)]
)
def test_a_model_is_named_only_from_ten_scored_issues(tmp_path, n, named):
    a = run_analysis(scenario_with_outcomes(tmp_path, n), models=["mean", "median"], draws=0)
    text = a.accuracy_sentence()
    errs = a.mean_errors()
    best = min(errs, key=errs.get)
    assert (f"the {best} model errs least" in text) is named
    assert f"n = {n}" in text if named else f"Against the {n} recorded outcomes" in text


def test_terminal_sentence_states_n_and_names_nobody_below_ten():
    few = accuracy_sentence({"mean": 10.0, "eum": 12.0}, {"mean": 4, "eum": 4})
    assert "n = 4" in few and "no model is named" in few and "lowest" not in few
    many = accuracy_sentence({"mean": 10.0, "eum": 12.0}, {"mean": 178, "eum": 178})
    assert "the lowest is mean's (n = 178)" in many


def test_report_states_n_and_how_each_run_ended(tmp_path):
    from equipoise.report import write_report

    a = run_analysis(equipoise.load("nagorno-karabakh-2020"), draws=0)
    write_report(a, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "errs least" not in html and 'id="accuracy-claim"' in html
    assert '<th scope="row">n</th>' in html
    assert "a cycle of 2 rounds" in html  # eum on the built-in case
    bad = a.non_converged()["exchange"]
    assert 'id="non-converged"' in html and f"exchange model on {len(bad)} issues" in html
    assert "Spread of the forecasts across models" in html
    assert "⚑ FRA 5 → 90" in html  # France crosses more than half the Turkey scale
    assert ('id="decision-non-converged"' in html) == bool(a.decision.non_converged)

"""One command, one time budget: each date is solved once, the solves share the limit, and
the headline and the timeline give the same figure for the scenario's date."""

from __future__ import annotations

import time
from typing import Any

import pytest

import equipoise
import equipoise.network.report as report_module
from equipoise.analysis import run_analysis
from equipoise.balance import balance_of_input


@pytest.fixture
def solves(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """The time limits the exact solver (with the clock when it started: the solver stops at
    ``start + limit``) and the robust-camp examination were given."""
    seen: dict[str, list] = {"exact": [], "robust": []}
    exact, robust = report_module.frustration_index, report_module.camp_robustness

    def spy_exact(graph: Any, time_limit: float = 60.0, **kw: Any) -> Any:
        seen["exact"].append((time.perf_counter(), time_limit))
        return exact(graph, time_limit=time_limit, **kw)

    def spy_robust(*args: Any, time_limit: float = 10.0, **kw: Any) -> Any:
        seen["robust"].append(time_limit)
        return robust(*args, time_limit=time_limit, **kw)

    monkeypatch.setattr(report_module, "frustration_index", spy_exact)
    monkeypatch.setattr(report_module, "camp_robustness", spy_robust)
    return seen


def _within(calls: list, limit: float) -> bool:
    """Every solve was told to stop by the command's deadline (set before the first solve
    starts, so at the latest ``limit`` after it). Tolerance 0.5 s: a date's share is computed
    before its graph is built, a few milliseconds before its solve starts; without the shared
    budget the overshoot is whole limits."""
    return all(t + lim <= calls[0][0] + limit + 0.5 for t, lim in calls)


def _dates() -> set:
    s = equipoise.load("nagorno-karabakh-2020")
    return {s.as_of, *(c.date for c in s.checkpoints)}


def test_balance_solves_each_date_once_within_the_command_limits(solves) -> None:
    report, _ = balance_of_input("nagorno-karabakh-2020", time_limit=9.0, robust_time=3.0)
    assert len(solves["exact"]) == len(_dates()) == len(report.balancer_timeline)
    assert _within(solves["exact"], 9.0)
    assert sum(solves["robust"]) <= 3.0 + 1e-9
    same = [e for e in report.balancer_timeline if e.date == report.as_of]
    assert len(same) == 1
    assert same[0].result is report  # one solve: the headline's analysis is the timeline's
    data = report.to_dict()
    entry = next(e for e in data["balancer_timeline"] if e["date"] == data["as_of"])
    assert entry["frustration_index"] == data["frustration_index"]
    assert entry["groups"] == data["groups"] and entry["camp_fixed"] == data["camp_fixed"]


def test_compare_shares_one_budget_between_its_two_dates(solves) -> None:
    balance_of_input(
        "nagorno-karabakh-2020",
        time_limit=4.0,
        robust_time=1.0,
        compare=("2020-09-26", "2020-12-02"),
    )
    assert len(solves["exact"]) == 2 and _within(solves["exact"], 4.0)
    assert sum(solves["robust"]) <= 1.0 + 1e-9


def test_analyze_solves_each_date_once_within_its_limit(solves) -> None:
    s = equipoise.load("nagorno-karabakh-2020")
    result = run_analysis(s, models=["mean"], draws=0, time_limit=6.0)
    assert len(solves["exact"]) == len(_dates())
    assert _within(solves["exact"], 6.0)
    same = [e for e in result.timeline if e.date == result.balance.as_of]
    assert same[0].result is result.balance

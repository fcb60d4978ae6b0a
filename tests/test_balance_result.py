"""The typed balance result: dates and the graph kept, dicts only at the JSON edge, and a
report that formats the analysis instead of rebuilding the graphs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import equipoise
from equipoise.balance import TimelineEntry, balance_of_input, balance_of_scenario
from equipoise.io.edgelist import read_edgelist
from equipoise.network import BalanceResult, analyse_balance
from equipoise.network.graph import signed_graph_from_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "highland_tribes.tsv"

#: The keys of ``equipoise balance --json`` that scripts read (README "Structural balance").
BALANCE_KEYS = [
    "frustration_index",
    "optimal",
    "lower_bound",
    "frustrated_edges",
    "groups",
    "actors",
    "method",
    "status",
    "seconds",
    "weighted",
    "nodes",
    "ties",
    "positive_ties",
    "negative_ties",
    "frustrated_ties",
    "triads",
    "unbalanced_triads",
    "unbalanced_triads_truncated",
    "estrada",
    "cancelled_pairs",
    "cancelled",
    "unplaced",
    "reference",
    "camp_fixed",
    "unique",
    "swing",
    "robustness",
    "layers",
    "blocks",
]
TIMELINE_KEYS = [
    "date",
    "label",
    "frustration_index",
    "optimal",
    "unbalanced_triads",
    "triads",
    "groups",
    "unplaced",
    "frustrated_edges",
    "camp_fixed",
    "unique",
    "layers",
    "cancelled_pairs",
]


def test_edge_list_json_keys_are_unchanged():
    rep = analyse_balance(read_edgelist(FIXTURE), time_limit=30)
    assert isinstance(rep, BalanceResult) and rep.as_of is None and rep.organisations is None
    data = rep.to_dict()
    assert list(data) == BALANCE_KEYS  # no date, no graph for an edge list
    json.loads(json.dumps(data, allow_nan=False))
    assert data["frustration_index"] == 7  # Read (1954), as published


def test_scenario_result_keeps_its_date_and_the_graph_it_solved():
    s = equipoise.load("nagorno-karabakh-2020")
    day = dt.date(2020, 10, 1)
    rep = balance_of_scenario(s, as_of="2020-10-01", robust_time_limit=0)
    assert rep.as_of == day and isinstance(rep.organisations, bool)
    expected = signed_graph_from_scenario(s, as_of=day)
    assert sorted(map(str, rep.graph.nodes)) == sorted(map(str, expected.nodes))
    assert sorted(rep.graph.edges()) == sorted(expected.edges())
    data = rep.to_dict()
    assert list(data) == BALANCE_KEYS + ["as_of", "organisations"]
    assert data["as_of"] == "2020-10-01"


def test_balance_json_with_the_timeline_has_the_documented_keys():
    report, lines = balance_of_input("nagorno-karabakh-2020", time_limit=20, robust_time=0)
    assert all(isinstance(e, TimelineEntry) for e in report.balancer_timeline)
    assert [e.date for e in report.balancer_timeline] == sorted(
        e.date for e in report.balancer_timeline
    )
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert list(data) == BALANCE_KEYS + ["as_of", "organisations", "balancer", "balancer_timeline"]
    first, *rest = data["balancer_timeline"]
    assert list(first) == TIMELINE_KEYS  # the first date has nothing to compare with
    assert all(list(e) == TIMELINE_KEYS + ["appeared", "disappeared"] for e in rest)
    # each entry's balancer triads are the balancer's own, from that date's analysis
    for entry, e in zip(report.balancer_timeline, data["balancer_timeline"]):
        assert e["date"] == entry.date.isoformat()
        assert all(data["balancer"] in t for t in e["unbalanced_triads"])
        assert e["frustration_index"] == entry.result.frustration_index


def test_the_report_formats_and_does_not_rebuild_graphs(monkeypatch):
    """The report draws the graphs the analysis solved: building a graph while rendering
    fails this test (the report used to rebuild every date's graph, three times per
    checkpoint)."""
    from equipoise.analysis import run_analysis
    from equipoise.network import graph as graph_mod
    from equipoise.report.render import report_context

    analysis = run_analysis(
        equipoise.load("nagorno-karabakh-2020"), models=["mean"], draws=0, time_limit=20
    )
    assert analysis.timeline
    built = []
    real = graph_mod.signed_graph_from_scenario
    monkeypatch.setattr(
        graph_mod, "signed_graph_from_scenario", lambda *a, **k: built.append(a) or real(*a, **k)
    )
    ctx = report_context(analysis)
    assert built == []
    net = ctx["network"]
    assert net["date"] == analysis.balance.as_of.isoformat()
    assert len(net["timeline"]) == len(analysis.timeline)
    assert [t["date"] for t in net["timeline"]] == [e.date.isoformat() for e in analysis.timeline]


@pytest.mark.parametrize("weighted", [True, False])
def test_compare_reuses_the_solved_graphs(weighted):
    from equipoise.balance import DateComparison, compare_dates

    s = equipoise.load("nagorno-karabakh-2020")
    cmp = compare_dates(s, "2020-09-01", "2020-11-10", weighted=weighted, robust_time_limit=0)
    assert isinstance(cmp, DateComparison)
    assert cmp.before.graph.weighted is weighted and cmp.after.as_of == dt.date(2020, 11, 10)
    data = cmp.to_dict()
    assert list(data) == [
        "dates",
        "reference",
        "frustration_index",
        "ties",
        "triads",
        "camps",
        "groups",
    ]
    assert data["dates"] == ["2020-09-01", "2020-11-10"]


def test_the_library_balance_json_is_the_commands():
    from equipoise.command_results import balance_json

    data = balance_json(equipoise.load("nagorno-karabakh-2020"), time_limit=20, robust_time=0)
    assert isinstance(data, dict)
    assert list(data) == BALANCE_KEYS + ["as_of", "organisations", "balancer", "balancer_timeline"]
    json.dumps(data, allow_nan=False)

"""analyse_balance: the issue's JSON shape, explanation in words, triad changes, Estrada."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from equipoise.io.edgelist import read_edgelist
from equipoise.network import (
    SignedGraph,
    analyse_balance,
    explain_balance,
    triad_changes,
    walk_balance,
)

FIXTURE = Path(__file__).parent / "fixtures" / "highland_tribes.tsv"


def test_highland_report_shape():
    rep = analyse_balance(read_edgelist(FIXTURE), time_limit=30)
    json.dumps(rep.to_dict())  # JSON-ready
    assert rep.frustration_index == 7 and isinstance(rep.frustration_index, int)
    assert rep.optimal is True and rep.lower_bound == 7
    assert len(rep.frustrated_edges) == 7
    assert all(len(e) == 2 for e in rep.frustrated_edges)
    g0, g1 = rep.groups
    assert sorted(g0 + g1, key=int) == [str(i) for i in range(16)]
    assert set(rep.actors) == {str(i) for i in range(16)}
    for d in rep.actors.values():
        assert {"unbalanced_triads", "triads"} <= set(d)
        assert 0 <= d["unbalanced_triads"] <= d["triads"]
    assert sum(d["unbalanced_triads"] for d in rep.actors.values()) == 3 * rep.triads["unbalanced"]
    assert rep.method in ("certificate", "milp")
    assert 0 < rep.estrada < 1
    lines = explain_balance(rep)
    assert any("Frustration index 7" in x for x in lines)
    assert any(x.startswith("Camp 1") for x in lines)
    assert any("cross-pressured" in x for x in lines)
    assert not any("[" in x for x in lines)  # safe for rich markup


def test_cross_pressure_and_changes():
    before = SignedGraph.from_edges(
        [("RUS", "ARM", 1), ("RUS", "AZE", 1), ("ARM", "AZE", -1), ("TUR", "AZE", 1)]
    )
    after = SignedGraph.from_edges(
        [
            ("RUS", "ARM", 1),
            ("RUS", "AZE", 1),
            ("ARM", "AZE", 1),
            ("TUR", "AZE", 1),
            ("TUR", "RUS", -1),
        ]
    )
    a, b = analyse_balance(before), analyse_balance(after)
    assert a.actors["RUS"] == {
        "unbalanced_triads": 1,
        "triads": 1,
        "camp": 0,
        "unbalanced_with": [["ARM", "AZE"]],
    }
    assert a.frustration_index == 1 and a.optimal
    text = "\n".join(explain_balance(a, names={"RUS": "Russia"}))
    assert "Russia" in text and "my ally and my partner are at war" in text
    ch = triad_changes(a, b, actor="RUS")
    assert ch["disappeared"] == [["ARM", "AZE", "RUS"]]
    assert ch["appeared"] == [["AZE", "RUS", "TUR"]] and ch["complete"]


def test_weighted_and_degenerate_reports():
    g = SignedGraph.from_edges([("a", "b", 1, 2.5), ("b", "c", 1, 1.0), ("a", "c", -1, 0.5)])
    rep = analyse_balance(g)
    assert rep.weighted and rep.frustration_index == pytest.approx(0.5)
    assert isinstance(rep.frustration_index, float)
    assert rep.frustrated_edges == [["a", "c"]]
    explain_balance(rep)
    balanced = analyse_balance(
        SignedGraph.from_edges([("a", "b", -1), ("b", "c", -1), ("a", "c", 1)])
    )
    assert balanced.frustration_index == 0 and balanced.optimal
    assert any("balanced" in x for x in explain_balance(balanced))
    lonely = analyse_balance(SignedGraph(("a", "b"), [], [], [], []))
    assert lonely.frustration_index == 0 and lonely.groups == [[], []]
    assert lonely.unplaced == ["a", "b"] and lonely.camp_fixed == {}
    assert "no ties" in explain_balance(lonely)[0]


def test_walk_balance():
    assert walk_balance(
        SignedGraph.from_edges([(0, 1, -1), (1, 2, -1), (0, 2, 1)])
    ) == pytest.approx(1.0)
    tri = SignedGraph.from_edges([(0, 1, 1), (1, 2, 1), (0, 2, -1)])
    a = tri.adjacency(dense=True)
    lam, lam_abs = np.linalg.eigvalsh(a), np.linalg.eigvalsh(np.abs(a))
    assert walk_balance(tri) == pytest.approx(np.exp(lam).sum() / np.exp(lam_abs).sum())

"""Signed graph construction: validation and the combine rule for scenario relations."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS

import numpy as np
import pytest

from equipoise.errors import ModelInputError
from equipoise.network import (
    SignedGraph,
    signed_graph_from_relations,
    signed_graph_from_scenario,
)

D = dt.date


def rel(a, b, kind, sign, weight=None, since=None, until=None):
    w = None if weight is None else NS(value=float(weight))
    return NS(from_=a, to=b, kind=kind, sign=sign, weight=w, since=since, until=until)


ACTORS = [NS(id="RUS", kind="state"), NS(id="ARM", kind="state"), NS(id="AZE", kind="state"),
          NS(id="TUR", kind="state"), NS(id="CSTO", kind="organisation")]


def tie(g: SignedGraph, a, b):
    idx = g.index()
    i, j = sorted((idx[a], idx[b]))
    hit = np.flatnonzero((g.u == i) & (g.v == j))
    if len(hit) == 0:
        return None
    e = hit[0]
    return int(g.sign[e]), float(g.weight[e])


def test_signed_graph_canonical_and_validation():
    g = SignedGraph.from_edges([("b", "a", -1), ("a", "c", 1, 2.5)])
    assert g.nodes == ("b", "a", "c")
    assert np.all(g.u < g.v)
    assert g.weighted and g.total_weight == 3.5
    a = g.adjacency(dense=True)
    assert np.allclose(a, a.T) and a[0, 1] == -1 and a[1, 2] == 2.5
    assert np.allclose(g.adjacency(dense=False).toarray(), a)
    with pytest.raises(ValueError):
        SignedGraph.from_edges([("a", "a", 1)])
    with pytest.raises(ValueError):
        SignedGraph.from_edges([("a", "b", 1), ("b", "a", -1)])
    with pytest.raises(ValueError):
        SignedGraph.from_edges([("a", "b", 2)])
    with pytest.raises(ValueError):
        SignedGraph.from_edges([("a", "b", 1, 0.0)])
    assert not SignedGraph.from_edges([("a", "b", 1, 1.0)]).weighted


def test_war_dominates_partnership_and_dates():
    rels = [
        rel("ARM", "RUS", "alliance", 1),
        rel("AZE", "RUS", "strategic-partnership", 1),
        rel("ARM", "AZE", "rivalry", -1),
        rel("ARM", "AZE", "war", -1, weight=3, since=D(2020, 9, 27), until=D(2020, 11, 10)),
        rel("AZE", "ARM", "mediation", 1, since=D(2020, 11, 10)),
        rel("TUR", "AZE", "alliance", 1),
        rel("RUS", "TUR", "war", -1, since=D(2030, 1, 1)),
    ]
    during = signed_graph_from_relations(rels, ACTORS, as_of=D(2020, 10, 1))
    assert tie(during, "ARM", "AZE") == (-1, 3.0)       # war only (priority 2)
    assert tie(during, "RUS", "TUR") is None             # not yet valid
    after = signed_graph_from_relations(rels, ACTORS, as_of=D(2020, 12, 1))
    assert tie(after, "ARM", "AZE") == (-1, 1.0)        # rivalry dominates mediation
    last_day = signed_graph_from_relations(rels, ACTORS, as_of=D(2020, 11, 10))
    assert tie(last_day, "ARM", "AZE") == (-1, 3.0)     # since/until inclusive
    everything = signed_graph_from_relations(rels, ACTORS)
    assert tie(everything, "RUS", "TUR") == (-1, 1.0)
    summed = signed_graph_from_relations(rels, ACTORS, as_of=D(2020, 12, 1), combine="sum")
    assert tie(summed, "ARM", "AZE") is None             # -1 + 1 cancels
    assert ("ARM", "AZE") in summed.cancelled


def test_overrides_callable_unweighted_and_organisations():
    rels = [rel("ARM", "CSTO", "membership", 1), rel("RUS", "CSTO", "membership", 1),
            rel("ARM", "RUS", "alliance", 1, weight=2), rel("ARM", "RUS", "sanctions", -1)]
    g = signed_graph_from_relations(rels, ACTORS)
    assert "CSTO" in g.nodes and tie(g, "ARM", "CSTO") == (1, 1.0)
    assert tie(g, "ARM", "RUS") == (1, 1.0) and g.weighted is False   # 2 - 1
    g2 = signed_graph_from_relations(rels, ACTORS, organisations=False)
    assert "CSTO" not in g2.nodes and g2.m == 1
    g3 = signed_graph_from_relations(rels, ACTORS, priorities={"sanctions": 5})
    assert tie(g3, "ARM", "RUS") == (-1, 1.0)
    g4 = signed_graph_from_relations(rels, ACTORS, signs={"membership": -1})
    assert tie(g4, "RUS", "CSTO") == (-1, 1.0)
    g5 = signed_graph_from_relations(rels, ACTORS, combine="negative")
    assert tie(g5, "ARM", "RUS") == (-1, 1.0)
    g6 = signed_graph_from_relations(rels, ACTORS, combine=lambda rs: (1, float(len(rs))))
    assert tie(g6, "ARM", "RUS") == (1, 2.0) and g6.weighted
    g7 = signed_graph_from_relations(
        [rel("ARM", "RUS", "alliance", 1, weight=5)], ACTORS, weighted=False)
    assert tie(g7, "ARM", "RUS") == (1, 1.0) and not g7.weighted
    with pytest.raises(ValueError):
        signed_graph_from_relations(rels, ACTORS, combine="bogus")


def test_unknown_actor_refused():
    with pytest.raises(ModelInputError, match="unknown actor 'XYZ'"):
        signed_graph_from_relations([rel("ARM", "XYZ", "alliance", 1)], ACTORS)


def test_with_scenario_relation_model():
    scenario = pytest.importorskip("equipoise.scenario")
    try:
        rels = [scenario.Relation(**{"from": "ARM", "to": "AZE", "kind": "war", "weight": 2,
                                     "assumption": "test", "since": "2020-09-27",
                                     "until": "2020-11-10"}),
                scenario.Relation(**{"from": "ARM", "to": "RUS", "kind": "alliance"})]
    except Exception as exc:  # pragma: no cover - schema still moving
        pytest.skip(f"scenario.Relation not constructible here: {exc}")
    sc = NS(relations=rels, actors=ACTORS, as_of=D(2020, 10, 1))
    g = signed_graph_from_scenario(sc)
    assert tie(g, "ARM", "AZE") == (-1, 2.0)
    g = signed_graph_from_scenario(sc, as_of=D(2021, 1, 1))
    assert tie(g, "ARM", "AZE") is None and tie(g, "ARM", "RUS") == (1, 1.0)

"""Exact frustration index: published value, brute force, certificate soundness, time limit."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from equipoise.io.edgelist import read_edgelist
from equipoise.network import (
    SignedGraph,
    biconnected_blocks,
    certify_split,
    frustration_index,
    frustration_of,
    heuristic_split,
)
from equipoise.network.cuts import separate_cycle_inequalities
from equipoise.network.frustration import split_from_frustrated

FIXTURE = Path(__file__).parent / "fixtures" / "highland_tribes.tsv"


def brute_force(g: SignedGraph) -> float:
    """Minimum frustrated weight over all 2^(n-1) splits."""
    if g.n <= 1 or g.m == 0:
        return 0.0
    s = np.array(list(itertools.product([1, -1], repeat=g.n - 1)), dtype=np.int8)
    s = np.hstack([np.ones((len(s), 1), np.int8), s])
    bad = g.sign[None, :] * s[:, g.u] * s[:, g.v] < 0
    return float((bad * g.weight[None, :]).sum(axis=1).min())


@st.composite
def signed_graphs(draw, min_nodes=1, max_nodes=14, weighted=None):
    n = draw(st.integers(min_nodes, max_nodes))
    p = draw(st.floats(0.15, 1.0))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["unit", "int", "real"])) if weighted is None else weighted
    rng = np.random.default_rng(seed)
    iu, iv = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < p
    u, v = iu[keep], iv[keep]
    planted = rng.choice([-1, 1], size=n)
    sign = planted[u] * planted[v]
    flip = rng.random(len(u)) < draw(st.floats(0.0, 0.5))
    sign = np.where(flip, -sign, sign)
    if kind == "unit":
        w = np.ones(len(u))
    elif kind == "int":
        w = rng.integers(1, 6, size=len(u)).astype(float)
    else:
        w = rng.uniform(0.1, 3.0, size=len(u))
    return SignedGraph(tuple(range(n)), u, v, sign, w, weighted=kind != "unit")


def check_result(g: SignedGraph, res, expected: float) -> None:
    assert res.optimal, res.status
    assert res.value == pytest.approx(expected, abs=1e-7)
    assert res.lower_bound == pytest.approx(expected, abs=1e-7)
    # the split, the frustrated ties and the value agree
    assert frustration_of(g, res.spins) == pytest.approx(expected, abs=1e-7)
    bad = np.flatnonzero(g.sign * res.spins[g.u] * res.spins[g.v] < 0)
    assert np.array_equal(bad, res.frustrated)
    g0, g1 = res.groups
    assert sorted(g0 + g1) == sorted(g.nodes)
    if not g.weighted:
        assert isinstance(res.value, int)


def test_highland_tribes_fixture():
    g = read_edgelist(FIXTURE)
    assert (g.n, g.m) == (16, 58)
    res = frustration_index(g, time_limit=30)
    check_result(g, res, 7)
    assert res.method in ("certificate", "milp")
    assert len(res.frustrated_edges) == 7


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_graphs(max_nodes=14))
def test_exact_solver_matches_brute_force(g):
    expected = brute_force(g)
    check_result(g, frustration_index(g, time_limit=30), expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_graphs(min_nodes=6, max_nodes=12))
def test_binary_program_alone_matches_brute_force(g):
    """Force the MILP path: no decomposition, and a deliberately bad starting split."""
    import equipoise.network.frustration as fr

    expected = brute_force(g)
    out = fr._milp(g, np.ones(g.n), 30.0, fr.weight_step(g.weight))
    assert out.optimal
    assert out.value == pytest.approx(expected, abs=1e-7)
    assert out.lower_bound <= expected + 1e-7


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signed_graphs(max_nodes=12), st.integers(0, 2**32 - 1))
def test_certificate_never_wrong(g, seed):
    expected = brute_force(g)
    rng = np.random.default_rng(seed)
    for spins in (
        np.where(rng.random(g.n) < 0.5, 1.0, -1.0),
        heuristic_split(g, time_limit=0.05, seed=seed).spins,
    ):
        cert = certify_split(g, spins)
        assert cert.lower_bound <= expected + 1e-7
        if cert.optimal:
            assert cert.value == pytest.approx(expected, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(signed_graphs(min_nodes=3, max_nodes=12), st.integers(0, 2**32 - 1))
def test_cycle_inequalities_are_valid(g, seed):
    """Every separated inequality holds at every integral split."""
    rng = np.random.default_rng(seed)
    f = rng.random(g.m)
    cuts = separate_cycle_inequalities(g, f)
    for _ in range(20):
        s = np.where(rng.random(g.n) < 0.5, 1.0, -1.0)
        fi = (g.sign * s[g.u] * s[g.v] < 0).astype(float)
        for edges, coefs, rhs, viol in cuts:
            assert viol > 0
            assert coefs @ fi[edges] >= rhs - 1e-9


def test_certificate_on_planted_graph():
    rng = np.random.default_rng(0)
    n, m = 120, 2000
    camp = np.where(rng.random(n) < 0.5, 1, -1)
    iu, iv = np.triu_indices(n, 1)
    pick = rng.choice(len(iu), m, replace=False)
    u, v = iu[pick], iv[pick]
    sign = camp[u] * camp[v]
    flip = rng.choice(m, m // 20, replace=False)
    sign[flip] *= -1
    g = SignedGraph(tuple(range(n)), u, v, sign, np.ones(m))
    res = frustration_index(g, time_limit=30)
    assert res.optimal and res.method == "certificate" and res.value == m // 20


def test_blocks_and_trees():
    # two triangles sharing a cut vertex, plus a pendant path: three cyclic blocks? no: two
    edges = [
        (0, 1, 1),
        (1, 2, 1),
        (0, 2, -1),  # unbalanced triangle
        (2, 3, -1),
        (3, 4, -1),
        (2, 4, -1),  # unbalanced triangle
        (4, 5, 1),
        (5, 6, -1),
    ]  # path (bridges)
    g = SignedGraph.from_edges(edges)
    labels = biconnected_blocks(g)
    assert len(set(labels[:3].tolist())) == 1 and len(set(labels[3:6].tolist())) == 1
    assert labels[0] != labels[3] and len(set(labels.tolist())) == 4
    res = frustration_index(g)
    assert res.value == 2 and res.optimal and len(res.blocks) == 2
    tree = SignedGraph.from_edges([(0, 1, -1), (1, 2, 1), (1, 3, -1)])
    res = frustration_index(tree)
    assert res.value == 0 and res.optimal and res.blocks == ()
    empty = SignedGraph((), [], [], [], [])
    assert frustration_index(empty).value == 0


def test_split_from_frustrated_roundtrip():
    rng = np.random.default_rng(5)
    n = 30
    iu, iv = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < 0.3
    spins = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    u, v = iu[keep], iv[keep]
    sign = np.where(rng.random(len(u)) < 0.5, 1, -1)
    g = SignedGraph(tuple(range(n)), u, v, sign, np.ones(len(u)))
    bad = g.sign * spins[g.u] * spins[g.v] < 0
    s2 = split_from_frustrated(g, bad)
    assert np.array_equal(g.sign * s2[g.u] * s2[g.v] < 0, bad)


def test_time_limit_reports_bound_honestly():
    """A tiny time limit: the answer may stay unproven, but never overclaims."""
    rng = np.random.default_rng(1)
    n = 32
    iu, iv = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < 0.4
    u, v = iu[keep], iv[keep]
    sign = np.where(rng.random(len(u)) < 0.5, 1, -1)  # random signs: hard
    g = SignedGraph(tuple(range(n)), u, v, sign, np.ones(len(u)))
    res = frustration_index(g, time_limit=0.02)
    assert res.lower_bound <= res.value
    if not res.optimal:
        assert res.method == "heuristic" and "time limit" in res.status
    exact = frustration_index(g, time_limit=60)
    assert res.lower_bound <= exact.value <= res.value


def test_heuristic_only_method():
    g = read_edgelist(FIXTURE)
    res = frustration_index(g, method="heuristic", time_limit=2)
    assert res.value >= 7 and res.lower_bound <= 7


def test_hard_graph_stops_at_time_limit():
    rng = np.random.default_rng(1)
    n = 60
    iu, iv = np.triu_indices(n, 1)
    keep = rng.random(len(iu)) < 0.4
    u, v = iu[keep], iv[keep]
    sign = np.where(rng.random(len(u)) < 0.5, 1, -1)  # random signs: no camps
    g = SignedGraph(tuple(range(n)), u, v, sign, np.ones(len(u)))
    res = frustration_index(g, time_limit=1.0)
    assert res.seconds < 5
    assert not res.optimal and res.method == "heuristic"
    assert 0 <= res.lower_bound < res.value
    assert "lower bound" in res.status

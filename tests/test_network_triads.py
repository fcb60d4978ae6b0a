"""Triangle enumeration and balance classification against a naive check."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from equipoise.network import SignedGraph, node_triads, triangles, unbalanced_triads_of


@st.composite
def signed_graphs(draw, max_nodes=12):
    n = draw(st.integers(0, max_nodes))
    pairs = list(itertools.combinations(range(n), 2))
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    signs = draw(st.lists(st.sampled_from([-1, 1]), min_size=len(pairs), max_size=len(pairs)))
    edges = [(a, b, s) for (a, b), k, s in zip(pairs, keep, signs) if k]
    return SignedGraph.from_edges(edges, nodes=range(n))


def naive(g: SignedGraph):
    sign = {}
    for a, b, s, _ in g.edges():
        sign[(a, b)] = sign[(b, a)] = s
    out = {}
    for i, j, k in itertools.combinations(range(g.n), 3):
        if (i, j) in sign and (i, k) in sign and (j, k) in sign:
            out[(i, j, k)] = sign[(i, j)] * sign[(i, k)] * sign[(j, k)] > 0
    return out


@settings(max_examples=150, deadline=None)
@given(signed_graphs())
def test_triangles_match_naive(g):
    tri = triangles(g)
    got = {tuple(r): bool(b) for r, b in zip(tri.nodes.tolist(), tri.balanced.tolist())}
    assert got == naive(g)
    # edge indices really are the triangle's ties ij, ik, jk
    for (i, j, k), es in zip(tri.nodes.tolist(), tri.edges.tolist()):
        assert [(int(g.u[e]), int(g.v[e])) for e in es] == [(i, j), (i, k), (j, k)]
    total, unb = node_triads(g, tri)
    exp_total = np.zeros(g.n, int)
    exp_unb = np.zeros(g.n, int)
    for t, bal in naive(g).items():
        for x in t:
            exp_total[x] += 1
            exp_unb[x] += not bal
    assert np.array_equal(total, exp_total) and np.array_equal(unb, exp_unb)
    lists = unbalanced_triads_of(g, tri)
    assert all(len(lists[x]) == exp_unb[x] for x in range(g.n))


def test_named_examples():
    # my ally (ARM) and my partner (AZE) are at war: unbalanced for RUS
    g = SignedGraph.from_edges(
        [
            ("RUS", "ARM", 1),
            ("RUS", "AZE", 1),
            ("ARM", "AZE", -1),
            ("TUR", "AZE", 1),
            ("TUR", "ARM", -1),
        ]
    )
    tri = triangles(g)
    assert len(tri) == 2 and tri.balanced.sum() == 1
    lists = unbalanced_triads_of(g, tri)
    assert lists["RUS"] == [("RUS", "ARM", "AZE")]
    assert lists["TUR"] == []


def test_dense_graph_count():
    rng = np.random.default_rng(3)
    n = 60
    iu, iv = np.triu_indices(n, 1)
    s = rng.choice([-1, 1], size=len(iu))
    g = SignedGraph(tuple(range(n)), iu, iv, s, np.ones(len(iu)))
    tri = triangles(g)
    assert len(tri) == n * (n - 1) * (n - 2) // 6
    a = g.adjacency(dense=True)
    # tr(A^3)/6 = (balanced - unbalanced) for a ±1 complete graph
    assert round(np.trace(a @ a @ a) / 6) == tri.balanced.sum() - (~tri.balanced).sum()

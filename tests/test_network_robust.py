"""Robust camps: camp_fixed, uniqueness and near-optimal swings against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from equipoise.network import SignedGraph, analyse_balance, explain_balance, frustration_index
from equipoise.network.robust import camp_robustness


def all_splits(graph: SignedGraph, weights: np.ndarray):
    """Every split with node 0 on side +1 and its frustrated weight (plain Python)."""
    for rest in itertools.product((1, -1), repeat=graph.n - 1):
        s = (1, *rest)
        cost = sum(
            w
            for a, b, sg, w in zip(
                graph.u.tolist(), graph.v.tolist(), graph.sign.tolist(), weights.tolist()
            )
            if sg * s[a] * s[b] < 0
        )
        yield s, cost


def expected(graph: SignedGraph, ref: int):
    splits = list(all_splits(graph, graph.weight))
    best = min(c for _, c in splits)
    optimal = [s for s, c in splits if abs(c - best) < 1e-9]
    fixed = [len({s[i] * s[ref] for s in optimal}) == 1 for i in range(graph.n)]
    plain = list(all_splits(graph, np.ones(graph.m)))
    ubest = min(c for _, c in plain)
    near = [s for s, c in plain if c <= ubest + 1]
    swing = [len({s[i] * s[ref] for s in near}) > 1 for i in range(graph.n)]
    return best, fixed, swing


def random_graph(rng: np.random.Generator, n: int, p: float, weighted: bool) -> SignedGraph:
    edges = []
    for a, b in itertools.combinations(range(n), 2):
        if rng.random() < p:
            w = float(rng.integers(1, 4)) if weighted else 1.0
            edges.append((a, b, int(rng.choice((-1, 1))), w))
    # a spanning path keeps the graph connected
    have = {(a, b) for a, b, *_ in edges}
    edges += [(k, k + 1, 1, 1.0) for k in range(n - 1) if (k, k + 1) not in have]
    return SignedGraph.from_edges(edges, nodes=range(n))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("limit", [0, 16])  # 0: re-solving with an actor forced across
def test_camp_fixed_and_swing_match_brute_force(seed: int, limit: int) -> None:
    rng = np.random.default_rng(seed)
    g = random_graph(rng, int(rng.integers(5, 9)), 0.45, weighted=seed % 2 == 1)
    res = frustration_index(g)
    rob = camp_robustness(g, res.spins, float(res.value), res.optimal, brute_force_limit=limit)
    best, fixed, swing = expected(g, rob.reference)
    assert res.value == pytest.approx(best)
    assert rob.fixed == fixed
    assert rob.swing == swing
    assert rob.unique == all(fixed) and rob.exact


def test_reference_other_components_and_unplaced() -> None:
    # two components: the small one can be swapped freely, so it is not fixed; 'z' unplaced
    g = SignedGraph.from_edges(
        [("a", "b", 1), ("b", "c", -1), ("a", "c", -1), ("d", "e", 1)],
        nodes=["a", "b", "c", "d", "e", "z"],
    )
    rep = analyse_balance(g, reference="c")
    assert rep.reference == "c" and rep.unplaced == ["z"]
    assert rep.camp_fixed == {"a": True, "b": True, "c": True, "d": False, "e": False}
    assert rep.unique is False and "z" not in rep.camp_fixed
    assert "c" in rep.groups[0] and {"a", "b"} <= set(rep.groups[1])  # ref's camp first
    assert rep.actors["z"]["camp"] is None
    text = "\n".join(explain_balance(rep))
    assert "Unplaced (1 actor without any tie" in text
    # without a preferred reference: the highest degree, lowest index on ties
    assert analyse_balance(g).reference == "a"


def test_unique_split_is_reported() -> None:
    g = SignedGraph.from_edges(
        [("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", -1), ("d", "e", 1), ("c", "e", -1)]
    )
    rep = analyse_balance(g)
    assert rep.frustration_index == 0 and rep.unique is True
    assert all(rep.camp_fixed.values())
    assert any("only optimal one" in x for x in explain_balance(rep))


@pytest.mark.parametrize("seed", range(10))
def test_reductions_keep_the_exact_value(seed: int) -> None:
    """Pendant, degree-2 and parallel-tie reductions: same optimum, a split that realises it."""
    from equipoise.network.reduce import reduce_graph

    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(8, 13))
    g = random_graph(rng, n, 0.18, weighted=seed % 2 == 0)  # sparse: many degree <= 2
    best = min(c for _, c in all_splits(g, g.weight))
    red = reduce_graph(g)
    assert red.graph.n < g.n
    if red.graph.m:
        reduced_best = min(c for _, c in all_splits(red.graph, red.graph.weight))
    else:
        reduced_best = 0.0
    assert reduced_best + red.constant == pytest.approx(best)
    res = frustration_index(g)
    assert res.optimal and res.value == pytest.approx(best)
    spins = red.expand(
        np.ones(red.graph.n) if red.graph.m == 0 else frustration_index(red.graph).spins
    )
    frustrated = g.sign * spins[g.u] * spins[g.v] < 0
    assert g.weight[frustrated].sum() == pytest.approx(best)


def _brute_moves(graph: SignedGraph, ref: int, slack: float) -> list[bool]:
    """Whether each node sits on both sides of ``ref`` among the splits within ``slack`` of
    the optimum (vectorised enumeration, independent of the examination's stages)."""
    from equipoise.network.robust import brute_force_frustrations

    costs = brute_force_frustrations(graph)
    k = np.flatnonzero(costs <= costs.min() + slack + 1e-9)
    side = np.ones((len(k), graph.n))
    side[:, 1:] = 1 - 2 * ((k[:, None] >> np.arange(graph.n - 1)) & 1)
    rel = side * side[:, [ref]]
    return [bool(np.any(rel[:, i] != rel[0, i])) for i in range(graph.n)]


@pytest.mark.parametrize("seed", range(24))
def test_examination_of_larger_graphs_matches_brute_force(seed: int) -> None:
    """10-14 actors, dense or sparse, integer and fractional weights: the walk, the LP/max-flow
    proofs and the binary program (brute_force_limit=0) decide every actor exactly."""
    rng = np.random.default_rng(500 + seed)
    g = random_graph(
        rng, int(rng.integers(10, 15)), float(rng.uniform(0.2, 0.8)), weighted=seed % 3 == 1
    )
    if seed % 3 == 2:  # weights off any grid: no rounding of bounds possible
        g = SignedGraph(g.nodes, g.u, g.v, g.sign, rng.uniform(0.5, 2.5, g.m), weighted=True)
    res = frustration_index(g)
    rob = camp_robustness(g, res.spins, float(res.value), res.optimal, brute_force_limit=0)
    ref = rob.reference
    assert rob.fixed == [not x for x in _brute_moves(g, ref, 0.0)]
    plain = SignedGraph(g.nodes, g.u, g.v, g.sign, np.ones(g.m))
    assert rob.swing == _brute_moves(plain, ref, 1.0)
    assert rob.exact


@pytest.mark.parametrize("seed", range(4))
def test_an_exhausted_budget_leaves_actors_undecided_never_wrong(seed: int) -> None:
    rng = np.random.default_rng(900 + seed)
    g = random_graph(rng, 13, 0.5, weighted=False)
    res = frustration_index(g)
    rob = camp_robustness(
        g, res.spins, float(res.value), res.optimal, brute_force_limit=0, time_limit=0.0
    )
    truth = [not x for x in _brute_moves(g, rob.reference, 0.0)]
    assert all(f is None or f == t for f, t in zip(rob.fixed, truth))
    assert rob.exact == all(f is not None for f in rob.fixed)

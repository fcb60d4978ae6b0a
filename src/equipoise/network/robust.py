"""Are the camps robust? Uniqueness of the optimal split, per actor.

Camps are only defined up to swapping, so an actor's camp is read *relative to a reference
actor* ``r`` (the balancer of a scenario; otherwise the node of highest degree, lowest index on
ties): actor ``i`` is on ``r``'s side when ``s_i s_r = +1``.

* ``camp_fixed[i]`` — in **every** optimal split ``s_i s_r`` has the same value. Exact: the
  optimum ``L`` is compared with the optimum under the constraint that ``i`` sits on the other
  side, ``L_i = min { F(s) : s_i s_r = −s*_i s*_r }``; the camp is fixed iff ``L_i > L``.
  The constraint is imposed by replacing the tie ``r–i`` (if any) with a tie of weight
  ``M > m_w`` and the forcing sign, which no optimal split frustrates; the replaced tie's
  weight is added back when the forced side frustrates it. Actors outside ``r``'s connected
  component are never fixed (their component can be swapped at no cost).
* ``swing`` — the actors that change side among the *near-optimal* splits of the unweighted
  graph (at most one tie more than its optimum): ``i`` swings iff the unweighted forced
  optimum ``≤ L_unweighted + 1``.
* ``unique`` — the optimal split is unique up to swapping the camps: every placed actor is
  fixed (which requires a single connected component).

Shortcut: when the smallest eigenvalue ``λ₂`` of ``Diag(s∘As) − A`` on the complement of the
optimal split ``s`` exceeds ``slack · n/(n−1)`` (0 for ``camp_fixed``, 1 for the swings), no
actor can move at that cost (the bound in :func:`_spectral_gap`) — no re-solving needed.

Small components (up to ``brute_force_limit`` nodes) are solved by enumerating every split,
vectorised; larger ones by re-solving with :func:`~equipoise.network.frustration.
frustration_index` (one solve per actor not already shown to move, under a time budget —
actors left undecided get ``None``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from equipoise.network.graph import SignedGraph

__all__ = ["CampRobustness", "camp_robustness", "reference_node", "brute_force_frustrations"]


@dataclass(frozen=True)
class CampRobustness:
    """Result of :func:`camp_robustness` (node indices refer to the graph).

    ``reference``: index of the reference node (``None`` without ties); ``fixed``: per node
    ``True``/``False``/``None`` (undecided within the budget; unplaced nodes ``None``);
    ``swing``: per node, whether it changes side among near-optimal unweighted splits
    (``None`` undecided); ``unique``: the optimum is unique up to swapping (``None`` when
    undecided); ``exact``: every answer was decided and the optimum itself proven.
    """

    reference: int | None
    fixed: list[bool | None]
    swing: list[bool | None]
    unique: bool | None
    exact: bool
    note: str


def reference_node(graph: SignedGraph, preferred: object = None) -> int | None:
    """``preferred`` when it is a node with a tie; otherwise the node of highest degree
    (lowest index on ties); ``None`` for a graph without ties."""
    if graph.m == 0:
        return None
    deg = graph.degree()
    if preferred is not None:
        idx = graph.index()
        if preferred in idx and deg[idx[preferred]] > 0:
            return idx[preferred]
    return int(np.argmax(deg))


def brute_force_frustrations(graph: SignedGraph, chunk: int = 1 << 16) -> np.ndarray:
    """Frustrated weight of every split with node 0 on side +1: entry ``k`` is the split whose
    node ``j ≥ 1`` is on side −1 iff bit ``j−1`` of ``k`` is set. ``2^(n−1)`` values."""
    n = graph.n
    count = 1 << max(n - 1, 0)
    out = np.empty(count)
    bits = np.arange(max(n - 1, 0), dtype=np.int64)
    for start in range(0, count, chunk):
        k = np.arange(start, min(start + chunk, count), dtype=np.int64)
        side = np.ones((len(k), n), np.int8)
        if n > 1:
            side[:, 1:] = 1 - 2 * ((k[:, None] >> bits) & 1).astype(np.int8)
        frustrated = graph.sign * side[:, graph.u] * side[:, graph.v] < 0
        out[start:start + len(k)] = frustrated.astype(float) @ graph.weight
    return out


def _forced(graph: SignedGraph, ref: int, i: int, relation: int, time_limit: float,
            seed: int) -> tuple[float, bool, np.ndarray]:
    """Minimum frustration with ``s_i s_ref = relation``: (value, proven, spins)."""
    from equipoise.network.frustration import frustration_index

    pair = ((graph.u == min(ref, i)) & (graph.v == max(ref, i)))
    constant = 0.0
    if pair.any():
        e = int(np.flatnonzero(pair)[0])
        if graph.sign[e] * relation < 0:
            constant = float(graph.weight[e])
    keep = ~pair
    big = float(np.floor(graph.total_weight)) + 1.0
    g = SignedGraph(graph.nodes, np.append(graph.u[keep], min(ref, i)),
                    np.append(graph.v[keep], max(ref, i)),
                    np.append(graph.sign[keep], relation),
                    np.append(graph.weight[keep], big), weighted=True)
    res = frustration_index(g, time_limit=time_limit, seed=seed,
                            heuristic_time=min(0.05, 0.1 * time_limit))
    value = float(res.value)
    if res.spins[i] * res.spins[ref] != relation:  # cannot happen at an optimum
        return value + constant - big, bool(res.optimal), res.spins
    return value + constant, bool(res.optimal), res.spins


def _spectral_gap(graph: SignedGraph, spins: np.ndarray, dense_limit: int = 2000
                  ) -> float | None:
    """A guaranteed lower bound on the smallest eigenvalue of ``M = Diag(s∘As) − A`` on the
    complement of ``s`` (``None`` when it is not positive or the graph is too large).

    With ``M s = 0`` and ``sᵀ M s' = 4 (F(s') − F(s))`` for every split ``s'``, moving ``k``
    actors of ``s`` costs at least ``λ₂ · k(n−k)/n``; ``k = 1`` and ``k = n−1`` give the
    smallest bound ``λ₂ (n−1)/n``, the one used (the certificate of
    :mod:`~equipoise.network.certificate`, read quantitatively).
    """
    import scipy.linalg as sla

    n = graph.n
    if n < 3 or n > dense_limit:
        return None
    s = np.where(spins >= 0, 1.0, -1.0)
    a = graph.adjacency(dense=True)
    m = -a
    m[np.diag_indices(n)] += s * (a @ s)
    alpha = float(np.abs(m).sum(axis=1).max())
    m += (alpha / n) * np.outer(s, s)
    lam = float(sla.eigvalsh(m, subset_by_index=[0, 0], check_finite=False)[0])
    margin = 8.0 * n * np.finfo(float).eps * float(np.linalg.norm(m))
    low = lam - margin
    return low if low > 0 else None


def _component(graph: SignedGraph, ref: int) -> np.ndarray:
    n = graph.n
    adj = coo_matrix((np.ones(graph.m), (graph.u, graph.v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    return labels == labels[ref]


def _decide(graph: SignedGraph, spins: np.ndarray, value: float, ref: int, slack: float,
            deadline: float, brute_force_limit: int, seed: int
            ) -> tuple[list[bool | None], bool]:
    """Per node of ``graph`` (one connected component): can it sit on the other side of
    ``ref`` (relative to ``spins``) at a cost of at most ``value + slack``? Returns
    ``(moves, complete)`` with ``moves[i]`` True/False/None."""
    n = graph.n
    rel = spins * spins[ref]
    tol = 1e-9 * max(1.0, graph.total_weight)
    if n <= brute_force_limit:
        costs = brute_force_frustrations(graph)
        k = np.arange(len(costs), dtype=np.int64)
        good = k[costs <= value + slack + tol]
        side = np.ones((len(good), n), np.int8)
        if n > 1:
            side[:, 1:] = 1 - 2 * ((good[:, None] >> np.arange(n - 1)) & 1).astype(np.int8)
        relative = side * side[:, [ref]]
        return [bool(np.any(relative[:, i] != rel[i])) for i in range(n)], True
    gap = _spectral_gap(graph, spins)
    if gap is not None and gap * (n - 1) / n > slack + tol:
        # every split with k actors moved costs >= gap·k(n−k)/n more (module docstring)
        return [False] * n, True
    moves: list[bool | None] = [None] * n
    moves[ref] = False
    complete = True
    failures = 0
    for i in np.argsort(-graph.degree(), kind="stable").tolist():
        if moves[i] is not None:
            continue
        if failures >= 3 and not any(x is not None for k, x in enumerate(moves) if k != ref):
            complete = False  # the re-solves do not finish within their share: give up early
            break
        left = deadline - time.perf_counter()
        if left <= 0.01:
            complete = False
            break
        undecided = sum(x is None for x in moves)
        # a share of what is left, so that one hard re-solve cannot eat the whole budget
        share = min(left, max(0.1, 4.0 * left / max(undecided, 1)))
        v, proven, s = _forced(graph, ref, i, int(-rel[i]), share, seed)
        if v <= value + slack + tol:
            moves[i] = True
            if slack == 0:  # another optimal split: everyone it moves is not fixed either
                other = s * s[ref]
                for j in np.flatnonzero(other != rel).tolist():
                    moves[j] = True
        elif proven:
            moves[i] = False
        else:
            complete = False
            failures += 1
    return moves, complete


def camp_robustness(graph: SignedGraph, spins: np.ndarray, value: float, optimal: bool, *,
                    preferred: object = None, time_limit: float = 10.0,
                    max_nodes: int = 400, brute_force_limit: int = 16,
                    seed: int = 0) -> CampRobustness:
    """Which actors' camps are fixed across optimal splits, and which swing among
    near-optimal ones (module docstring).

    ``spins``/``value``/``optimal``: the optimal split found by
    :func:`~equipoise.network.frustration.frustration_index` and its value. Graphs with
    more than ``max_nodes`` nodes in the reference's component are not examined (every
    answer ``None``).
    """
    from equipoise.network.frustration import frustration_index

    t0 = time.perf_counter()
    n = graph.n
    ref = reference_node(graph, preferred)
    fixed: list[bool | None] = [None] * n
    swing: list[bool | None] = [None] * n
    if ref is None:
        return CampRobustness(None, fixed, swing, None, False, "no ties")
    deg = graph.degree()
    comp = _component(graph, ref)
    for i in np.flatnonzero((deg > 0) & ~comp).tolist():
        fixed[i] = False
        swing[i] = True
    fixed[ref], swing[ref] = True, False
    members = np.flatnonzero(comp)
    if len(members) > max_nodes:
        return CampRobustness(ref, fixed, swing, False if (deg > 0).sum() > len(members)
                              else None, False,
                              f"not examined: more than {max_nodes} actors are connected")
    sub = graph.subgraph_edges(comp[graph.u], keep_nodes=False)
    sref = int(np.searchsorted(members, ref))
    sspins = spins[members]
    svalue = float(sub.weight[sub.sign * sspins[sub.u] * sspins[sub.v] < 0].sum())
    deadline = t0 + time_limit
    moves, complete = _decide(sub, sspins, svalue, sref, 0.0, t0 + 0.6 * time_limit,
                              brute_force_limit, seed)
    unweighted = SignedGraph(sub.nodes, sub.u, sub.v, sub.sign, np.ones(sub.m))
    if sub.n <= brute_force_limit:
        costs = brute_force_frustrations(unweighted)
        best = int(np.argmin(costs))
        uspins = np.ones(sub.n)
        if sub.n > 1:
            uspins[1:] = 1 - 2 * ((best >> np.arange(sub.n - 1)) & 1)
        uvalue = float(costs[best])
        uproven = True
    else:
        ures = frustration_index(unweighted, time_limit=max(deadline - time.perf_counter(),
                                                            0.01), seed=seed)
        uspins, uvalue, uproven = ures.spins, float(ures.value), ures.optimal
    umoves, ucomplete = _decide(unweighted, uspins, uvalue, sref, 1.0, deadline,
                                brute_force_limit, seed)
    for k, i in enumerate(members.tolist()):
        if i == ref:
            continue
        fixed[i] = None if moves[k] is None else not moves[k]
        swing[i] = umoves[k] if (umoves[k] is not None and (uproven or umoves[k])) else None
    placed = [fixed[i] for i in range(n) if deg[i] > 0]
    if any(f is False for f in placed):
        unique: bool | None = False
    elif all(f is True for f in placed) and optimal:
        unique = True
    else:
        unique = None
    exact = bool(optimal and complete and ucomplete and uproven)
    note = ("exact" if exact else
            "partly undecided: the optimum is not proven or the time budget ran out")
    return CampRobustness(ref, fixed, swing, unique, exact, note)

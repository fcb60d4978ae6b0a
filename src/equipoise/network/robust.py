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
vectorised. Larger ones, exactly, without re-solving per actor (the question is only whether
a split of cost ``≤ L + slack`` moves ``i``):

1. *witnesses* — a random walk of single flips through splits of cost ``≤ L + slack``: every
   actor a visited split moves is not fixed;
2. *proofs for many actors at once* — the LP with the unbalanced-triangle and odd-cycle
   inequalities gives multipliers ``y ≥ 0`` with ``F(s') ≥ c + Σ_e r_e f_e(s')`` for every split
   (weak duality); moving a set ``S ∋ i`` changes the frustration of exactly the ties of the
   cut ``δ(S)``, so ``F(s') − bound ≥ min cut(ref, i)`` under capacities from ``r``: one
   max-flow per actor proves it fixed when that exceeds the slack;
3. *whoever is left* — one binary program per round, maximising the number of open actors
   moved subject to ``Σ w f ≤ L + slack``: a solution is a witness (checked), an optimum of 0
   proves the rest fixed.

Actors still open when the time budget runs out get ``None`` (and ``exact`` is false). On the
1,086-tie benchmark graph this decides all 145 actors in about 0.6 s, where one re-solve per
actor decided 45 in 120 s (``benchmarks/bench_network.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from equipoise.network.certificate import weight_step
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
        out[start : start + len(k)] = frustrated.astype(float) @ graph.weight
    return out


def _spectral_gap(graph: SignedGraph, spins: np.ndarray, dense_limit: int = 2000) -> float | None:
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


def _plateau_walk(
    graph: SignedGraph,
    spins: np.ndarray,
    ref: int,
    budget: float,
    moves: list[bool | None],
    seed: int,
    steps: int,
) -> None:
    """Witnesses that actors can move (``moves[i] = True``), found cheaply: a random walk of
    single-node flips through splits frustrating at most ``budget`` (never moving ``ref``).

    Every split visited is one with cost ``≤ budget``, so every actor it puts on the other side
    of ``ref`` (relative to ``spins``) provably moves at that cost; nothing is ever concluded
    from a split not visited. Flipping ``i`` changes the cost by ``s_i h_i`` with ``h = A s``
    (:mod:`~equipoise.network.heuristic`). Walkers prefer actors not yet seen to move.
    """
    from equipoise.network.heuristic import _Csr

    adj = _Csr(graph)
    rel = spins * spins[ref]
    s = spins.astype(float).copy()
    h = adj.field(s)
    cost = float(graph.weight[graph.sign * s[graph.u] * s[graph.v] < 0].sum())
    rng = np.random.default_rng(seed)
    seen = np.array([m is True for m in moves])
    seen[ref] = True
    indptr, indices, data = adj.indptr, adj.indices, adj.data
    for _ in range(steps):
        ok = cost + s * h <= budget
        ok[ref] = False
        cand = np.flatnonzero(ok)
        if len(cand) == 0:
            break
        fresh = cand[~seen[cand]]
        i = int(rng.choice(fresh if len(fresh) and rng.random() < 0.8 else cand))
        cost += float(s[i] * h[i])
        s[i] = -s[i]
        p0, p1 = indptr[i], indptr[i + 1]
        h[indices[p0:p1]] += 2.0 * s[i] * data[p0:p1]
        seen |= (s * s[ref]) != rel
    for i in np.flatnonzero(seen).tolist():
        if i != ref:
            moves[i] = True


def _lp_duals(
    graph: SignedGraph, value: float, deadline: float, seed: int
) -> tuple[float, np.ndarray] | None:
    """Multipliers of valid inequalities, as ``(constant, reduced weights r)`` such that every
    split ``s'`` frustrates at least ``constant + Σ_e r_e f_e(s')`` (``f_e(s') = 1`` for a
    frustrated tie).

    The LP ``min Σ w_e f_e`` over ``f ∈ [0, 1]^m`` with the unbalanced-triangle and odd-cycle
    inequalities ``Σ a_e f_e ≥ b`` (separated by
    :func:`~equipoise.network.frustration._cut_loop`) is solved; with its row duals clipped to
    ``y ≥ 0``, every ``f`` satisfying the rows has ``w·f = yᵀAf + (w − Aᵀy)·f ≥ yᵀb + r·f``
    (weak duality, valid for any ``y ≥ 0``, optimal or not). ``None`` when the LP fails.
    """
    import highspy

    from equipoise.network.frustration import _cut_loop, _new_highs, _Rows
    from equipoise.network.triads import triangles

    m = graph.m
    rows = _Rows()
    tri = triangles(graph)
    rows.add_triangles(tri.edges[tri.unbalanced][:20000])
    _cut_loop(graph, rows, value, weight_step(graph.weight), deadline, seed=seed)
    k, lo, st, idx, val = rows.arrays()
    if not k:
        return None
    h = _new_highs()
    h.addCols(
        m,
        graph.weight.astype(float),
        np.zeros(m),
        np.ones(m),
        0,
        np.zeros(0, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )
    h.addRows(k, lo, np.full(k, highspy.kHighsInf), len(idx), st, idx, val)
    h.setOptionValue("time_limit", float(max(deadline - time.perf_counter(), 0.05)))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    y = np.maximum(np.asarray(h.getSolution().row_dual, float), 0.0)
    from scipy.sparse import csr_matrix

    a = csr_matrix((val, idx, np.append(st, len(idx))), shape=(k, m))
    return float(y @ lo), graph.weight - a.T @ y


def _fix_by_cut_bound(
    graph: SignedGraph,
    spins: np.ndarray,
    ref: int,
    value: float,
    budget: float,
    moves: list[bool | None],
    deadline: float,
    seed: int,
    cache: dict,
) -> None:
    """Prove many actors fixed at once (``moves[i] = False``) with one LP and a max-flow per
    actor.

    A split ``s'`` that moves the set ``S`` (``i ∈ S``, ``ref ∉ S``) relative to ``s*`` changes
    the frustration of exactly the ties of the cut ``δ(S)``. With the bound of
    :func:`_lp_duals`, ``F(s') ≥ c + Σ_e r_e f*_e + Σ_{e ∈ δ(S)} r_e (1 − 2 f*_e)``; with
    ``κ_e = r_e (1 − 2 f*_e)``, ``F(s') ≥ base + mincut_{κ⁺}(ref, i)`` where
    ``base = c + r·f* + Σ min(κ_e, 0)`` and ``κ⁺ = max(κ, 0)``. When that exceeds ``budget``
    no split within the budget moves ``i``. Capacities are rounded down to integers for
    SciPy's maximum flow (a smaller cut: the bound stays valid).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    open_ = [i for i in range(graph.n) if moves[i] is None]
    if not open_:
        return
    if "duals" not in cache:  # the same graph at another slack: the same valid bound
        cache["duals"] = _lp_duals(graph, value, deadline, seed)
    duals = cache["duals"]
    if duals is None:
        return
    constant, r = duals
    fstar = (graph.sign * spins[graph.u] * spins[graph.v] < 0).astype(float)
    kappa = r * (1.0 - 2.0 * fstar)
    base = constant + float(r @ fstar) + float(np.minimum(kappa, 0.0).sum())
    need = budget - base + 1e-7 * max(1.0, graph.total_weight)  # the cut must exceed this
    if need <= 0:
        for i in open_:
            moves[i] = False
        return
    cap = np.maximum(kappa, 0.0)
    if cap.sum() <= need:  # no cut can be large enough
        return
    scale = float(2**30 / cap.sum())
    icap = np.floor(cap * scale).astype(np.int32)
    keep = icap > 0
    n = graph.n
    flow_graph = csr_matrix(
        (
            np.concatenate([icap[keep], icap[keep]]),
            (
                np.concatenate([graph.u[keep], graph.v[keep]]),
                np.concatenate([graph.v[keep], graph.u[keep]]),
            ),
        ),
        shape=(n, n),
    )
    for i in open_:
        if time.perf_counter() > deadline:
            return
        cut = maximum_flow(flow_graph, ref, i).flow_value / scale
        if cut > need:
            moves[i] = False


def _decide_by_program(
    graph: SignedGraph,
    spins: np.ndarray,
    ref: int,
    budget: float,
    moves: list[bool | None],
    deadline: float,
    seed: int,
) -> bool:
    """Decide every actor still ``None`` in ``moves`` with one binary program per round:

        maximise  Σ_{i undecided} [x_i ≠ x*_i]   subject to   Σ w_ij f_ij ≤ budget

    over the XOR model of :func:`~equipoise.network.frustration._milp` (``x_ref = 0``,
    ``x*`` the given split relative to ``ref``). A solution moving some undecided actors is a
    witness for them (checked by recomputing its cost); they leave the objective and the
    program is solved again. An optimum of 0 proves that no undecided actor can move at that
    cost. Returns whether everything was decided before ``deadline``.
    """
    import highspy

    from equipoise.network.frustration import _new_highs, frustration_mask
    from equipoise.network.triads import triangles

    n, m = graph.n, graph.m
    u, v, sg, w = graph.u, graph.v, graph.sign, graph.weight
    x_star = (spins * spins[ref] < 0).astype(float)
    fcol = n + np.arange(m)
    pos = sg > 0
    r0 = 2 * np.arange(m)
    r1 = r0 + 1
    rr = [r0, r0, r0, r1, r1, r1]
    cc = [fcol, u, v, fcol, u, v]
    vv = [
        np.ones(m),
        -np.ones(m),
        np.where(pos, 1.0, -1.0),
        np.ones(m),
        np.ones(m),
        np.where(pos, -1.0, 1.0),
    ]
    lo = [np.where(pos, 0.0, -1.0), np.where(pos, 0.0, 1.0)]
    lo_all = np.empty(2 * m)
    lo_all[r0], lo_all[r1] = lo
    hi_all = np.full(2 * m, highspy.kHighsInf)
    nrow = 2 * m
    tri = triangles(graph)
    ut = tri.edges[tri.unbalanced][:20000]
    if len(ut):  # every unbalanced triangle frustrates at least one of its ties
        k = len(ut)
        rr.append(nrow + np.repeat(np.arange(k), 3))
        cc.append(n + ut.ravel())
        vv.append(np.ones(3 * k))
        lo_all = np.concatenate([lo_all, np.ones(k)])
        hi_all = np.concatenate([hi_all, np.full(k, highspy.kHighsInf)])
        nrow += k
    rr.append(np.full(m, nrow))  # the cost cap: Σ w f ≤ budget
    cc.append(fcol)
    vv.append(w.astype(float))
    lo_all = np.append(lo_all, -highspy.kHighsInf)
    hi_all = np.append(hi_all, budget)
    nrow += 1
    from scipy.sparse import csc_matrix

    a = csc_matrix(
        (np.concatenate(vv), (np.concatenate(rr), np.concatenate(cc))), shape=(nrow, n + m)
    )
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, nrow
    lp.col_cost_ = np.zeros(n + m)
    lp.col_lower_ = np.zeros(n + m)
    upper = np.ones(n + m)
    upper[ref] = 0.0
    lp.col_upper_ = upper
    lp.row_lower_, lp.row_upper_ = lo_all, hi_all
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * m
    h = _new_highs()
    h.passModel(lp)
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.4)  # the objective counts actors: integral
    f0 = frustration_mask(graph, spins).astype(float)
    tol = 1e-9 * max(1.0, graph.total_weight)
    idx = np.arange(n, dtype=np.int32)
    while True:
        open_ = [i for i in range(n) if moves[i] is None]
        if not open_:
            return True
        left = deadline - time.perf_counter()
        if left <= 0.01:
            return False
        # minimise −(number of undecided actors moved); x*_i = 1 counts (1 − x_i)
        cost = np.zeros(n)
        cost[open_] = np.where(x_star[open_] > 0.5, 1.0, -1.0)
        h.changeColsCost(n, idx, cost)
        h.setSolution(n + m, np.arange(n + m, dtype=np.int32), np.concatenate([x_star, f0]))
        h.setOptionValue("time_limit", float(left))
        h.run()
        info = h.getInfo()
        constant = float(x_star[open_].sum())
        moved_any = False
        sol = np.asarray(h.getSolution().col_value)
        if info.primal_solution_status == 2 and len(sol) == n + m:
            x = np.round(sol[:n])
            s = np.where(x > 0.5, -1.0, 1.0) * spins[ref]
            if float(graph.weight[graph.sign * s[graph.u] * s[graph.v] < 0].sum()) <= budget + tol:
                for i in np.flatnonzero(x != x_star).tolist():
                    if moves[i] is None:
                        moved_any = True
                    moves[i] = True
        dual = info.mip_dual_bound  # a lower bound of Σ cost·x = (moved actors) − constant
        most_moved = (
            constant - float(dual) if dual is not None and np.isfinite(dual) else float("inf")
        )
        if not moved_any:
            if most_moved < 0.5:  # proven: no undecided actor moves within the budget
                for i in open_:
                    moves[i] = False
                return True
            return False


def _component(graph: SignedGraph, ref: int) -> np.ndarray:
    n = graph.n
    adj = coo_matrix((np.ones(graph.m), (graph.u, graph.v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    return labels == labels[ref]


def _decide(
    graph: SignedGraph,
    spins: np.ndarray,
    value: float,
    ref: int,
    slack: float,
    deadline: float,
    brute_force_limit: int,
    seed: int,
    known: list[bool | None] | None = None,
    cache: dict | None = None,
) -> tuple[list[bool | None], bool]:
    """Per node of ``graph`` (one connected component): can it sit on the other side of
    ``ref`` (relative to ``spins``) at a cost of at most ``value + slack``? Returns
    ``(moves, complete)`` with ``moves[i]`` True/False/None.

    ``known``: actors already shown to move (``True`` entries are kept; the same split at a
    smaller slack). ``cache``: reused between calls on the same graph (the LP duals).

    Larger components, exact in three stages: witnesses from a walk through near-optimal
    splits (:func:`_plateau_walk`), proofs for many actors at once from one LP and a max-flow
    each (:func:`_fix_by_cut_bound`), and one binary program per round for whoever is left
    (:func:`_decide_by_program`); actors still open at ``deadline`` stay ``None``."""
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
    moves: list[bool | None] = [True if known and known[i] is True else None for i in range(n)]
    moves[ref] = False
    step = weight_step(graph.weight)
    budget = value + slack + (0.5 * step if step is not None else tol)
    _plateau_walk(graph, spins, ref, budget, moves, seed, steps=5 * n)
    _fix_by_cut_bound(
        graph, spins, ref, value, budget, moves, deadline, seed, {} if cache is None else cache
    )
    complete = _decide_by_program(graph, spins, ref, budget, moves, deadline, seed)
    return moves, complete


def camp_robustness(
    graph: SignedGraph,
    spins: np.ndarray,
    value: float,
    optimal: bool,
    *,
    preferred: object = None,
    time_limit: float = 10.0,
    max_nodes: int = 400,
    brute_force_limit: int = 16,
    seed: int = 0,
) -> CampRobustness:
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
        return CampRobustness(
            ref,
            fixed,
            swing,
            False if (deg > 0).sum() > len(members) else None,
            False,
            f"not examined: more than {max_nodes} actors are connected",
        )
    sub = graph.subgraph_edges(comp[graph.u], keep_nodes=False)
    sref = int(np.searchsorted(members, ref))
    sspins = spins[members]
    svalue = float(sub.weight[sub.sign * sspins[sub.u] * sspins[sub.v] < 0].sum())
    deadline = t0 + time_limit
    plain = bool(np.all(sub.weight == 1.0))
    cache: dict = {}
    moves, complete = _decide(
        sub, sspins, svalue, sref, 0.0, t0 + 0.6 * time_limit, brute_force_limit, seed, cache=cache
    )
    unweighted = sub if plain else SignedGraph(sub.nodes, sub.u, sub.v, sub.sign, np.ones(sub.m))
    if plain and sub.n > brute_force_limit:  # the same graph: its optimum is known already
        uspins, uvalue, uproven = sspins, svalue, bool(optimal)
    elif sub.n <= brute_force_limit:
        costs = brute_force_frustrations(unweighted)
        best = int(np.argmin(costs))
        uspins = np.ones(sub.n)
        if sub.n > 1:
            uspins[1:] = 1 - 2 * ((best >> np.arange(sub.n - 1)) & 1)
        uvalue = float(costs[best])
        uproven = True
    else:
        ures = frustration_index(
            unweighted, time_limit=max(deadline - time.perf_counter(), 0.01), seed=seed
        )
        uspins, uvalue, uproven = ures.spins, float(ures.value), ures.optimal
    umoves, ucomplete = _decide(
        unweighted,
        uspins,
        uvalue,
        sref,
        1.0,
        deadline,
        brute_force_limit,
        seed,
        known=moves if plain and uspins is sspins else None,
        cache=cache if plain else None,
    )
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
    note = (
        "exact"
        if exact
        else "partly undecided: the optimum is not proven or the time budget ran out"
    )
    return CampRobustness(ref, fixed, swing, unique, exact, note)

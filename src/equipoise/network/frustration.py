"""The exact frustration index of a signed graph (the line index of balance).

The frustration index ``L(G)`` is the minimum number of ties — or, weighted, the minimum total
weight — whose removal (equivalently, whose sign change) makes ``G`` balanced (Harary 1959;
Cartwright & Harary 1956). Equivalently, over two-camp splits ``s ∈ {−1, +1}^n``,

    L(G) = min_s Σ_{ij ∈ E} w_ij · [σ_ij s_i s_j < 0] = min_s ( m_w − sᵀ A s / 2 ) / 2 .

Pipeline of :func:`frustration_index`
-------------------------------------
1. **Decomposition.** ``L`` is additive over the blocks (biconnected components) of ``G``:
   every cycle lies in one block, and camps found per block can be glued at the cut vertices
   by swapping whole blocks. Bridges (and so trees, leaves) never need to be frustrated.
2. **Heuristic** (:mod:`~equipoise.network.heuristic`): spectral start + greedy single-node
   flips + iterated local search, per block.
3. **Certificate** (:mod:`~equipoise.network.certificate`): one eigenvalue of
   ``Diag(s∘As) − A`` proves the heuristic split optimal when the SDP relaxation is tight.
4. **Binary program** otherwise: the XOR model of Aref, Mason & Wilson — binary colour ``x_i``
   per node, frustration ``f_ij ≥ x_i ⊕ x_j`` of a positive tie (``≥ 1 − x_i ⊕ x_j`` of a
   negative one) written as two linear inequalities each, minimise ``Σ w_ij f_ij`` — with
   their speed-ups: the colour of the highest-degree node is fixed (the camps are
   interchangeable), every unbalanced triangle gets ``f_ij + f_ik + f_jk ≥ 1`` (added lazily,
   most violated first, by LP rounds when there are many), and the heuristic split is passed
   as the incumbent (warm start). ``f`` are continuous in ``[0, 1]`` (integral at any integral
   ``x``), so the solver branches on node colours only. Solved with HiGHS (``highspy``)
   under a time limit; when the limit stops it, the best split and the proven bound are
   returned with ``optimal=False``.

References
----------
* D. Cartwright, F. Harary (1956), "Structural balance: a generalization of Heider's theory",
  *Psychological Review* 63(5), 277–293.
* S. Aref, A. J. Mason, M. C. Wilson (2018), "Computing the line index of balance using
  integer programming optimisation", in *Optimization Problems in Graph Theory*, Springer.
* S. Aref, A. J. Mason, M. C. Wilson (2020), "A modeling and computational study of the
  frustration index in signed networks", *Networks* 75(1), 95–110.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from equipoise.network.certificate import certify_split, round_bound, weight_step
from equipoise.network.graph import SignedGraph
from equipoise.network.heuristic import frustration_of, heuristic_split
from equipoise.network.triads import triangles

__all__ = [
    "FrustrationResult",
    "BlockResult",
    "frustration_index",
    "biconnected_blocks",
    "split_from_frustrated",
]

METHODS = ("certificate", "milp", "heuristic")


@dataclass(frozen=True)
class BlockResult:
    """How one block (biconnected component with a cycle) was solved."""

    nodes: int
    edges: int
    value: float
    lower_bound: float
    optimal: bool
    method: str  # "certificate", "milp", "heuristic", "trivial" (value 0),
    #                      "reduction" (the reductions alone solved it)
    seconds: float


@dataclass(frozen=True)
class FrustrationResult:
    """Result of :func:`frustration_index`.

    ``value``: frustrated weight of the best split (``int`` when the graph is unweighted);
    ``optimal``: whether it is proven minimal; ``lower_bound``: proven lower bound (equals
    ``value`` when optimal); ``frustrated``: indices of the frustrated ties in the graph's
    arrays; ``spins``: ±1 per node (the two camps); ``method``: what proved the value —
    ``"certificate"`` (the eigenvalue certificate, on every block), ``"milp"`` (the binary
    program was needed on at least one block and finished), ``"heuristic"`` (not proven);
    ``status`` says in words what happened; ``seconds``: wall-clock time.
    """

    graph: SignedGraph = field(repr=False)
    value: float
    optimal: bool
    lower_bound: float
    frustrated: np.ndarray
    spins: np.ndarray
    method: str
    status: str
    seconds: float
    blocks: tuple[BlockResult, ...] = ()

    @property
    def frustrated_edges(self) -> list[tuple[Hashable, Hashable]]:
        """The frustrated ties as label pairs."""
        nodes = self.graph.nodes
        return [
            (nodes[a], nodes[b])
            for a, b in zip(
                self.graph.u[self.frustrated].tolist(), self.graph.v[self.frustrated].tolist()
            )
        ]

    @property
    def groups(self) -> tuple[list[Hashable], list[Hashable]]:
        """The two camps (node labels); the first holds the first node."""
        nodes = self.graph.nodes
        if len(nodes) == 0:
            return [], []
        ref = self.spins[0]
        return (
            [x for x, s in zip(nodes, self.spins) if s == ref],
            [x for x, s in zip(nodes, self.spins) if s != ref],
        )


# -- decomposition ---------------------------------------------------------------------------


def biconnected_blocks(graph: SignedGraph) -> np.ndarray:
    """Block label per tie (biconnected components, Hopcroft & Tarjan 1973), iterative DFS.

    Returns an int array of length ``m``; ties with the same label lie in the same block.
    """
    n, m = graph.n, graph.m
    label = np.full(m, -1, np.int64)
    if m == 0:
        return label
    ends = np.concatenate([graph.u, graph.v])
    other = np.concatenate([graph.v, graph.u])
    eids = np.concatenate([np.arange(m), np.arange(m)])
    order = np.argsort(ends, kind="stable")
    nbr = other[order].tolist()
    eid = eids[order].tolist()
    start = np.searchsorted(ends[order], np.arange(n + 1)).tolist()
    disc = [-1] * n
    low = [0] * n
    ptr = start[:-1].copy() if isinstance(start, np.ndarray) else list(start[:-1])
    lab = label.tolist()
    estack: list[int] = []
    t = 0
    nblock = 0
    for root in range(n):
        if disc[root] != -1 or start[root] == start[root + 1]:
            continue
        disc[root] = low[root] = t
        t += 1
        frames = [(root, -1)]
        while frames:
            x, pe = frames[-1]
            if ptr[x] < start[x + 1]:
                p = ptr[x]
                ptr[x] += 1
                w, e = nbr[p], eid[p]
                if e == pe:
                    continue
                if disc[w] == -1:
                    estack.append(e)
                    disc[w] = low[w] = t
                    t += 1
                    frames.append((w, e))
                elif disc[w] < disc[x]:
                    estack.append(e)
                    if disc[w] < low[x]:
                        low[x] = disc[w]
            else:
                frames.pop()
                if frames:
                    px = frames[-1][0]
                    if low[x] < low[px]:
                        low[px] = low[x]
                    if low[x] >= disc[px]:
                        while True:
                            e = estack.pop()
                            lab[e] = nblock
                            if e == pe:
                                break
                        nblock += 1
    return np.asarray(lab, np.int64)


def split_from_frustrated(graph: SignedGraph, frustrated: np.ndarray) -> np.ndarray:
    """A split (±1 per node) under which exactly the ties in ``frustrated`` (boolean mask or
    indices) are frustrated — assuming flipping their signs balances the graph.

    Breadth-first 2-colouring with the corrected signs; nodes of each connected component
    start with +1 at their lowest index.
    """
    n, m = graph.n, graph.m
    mask = np.zeros(m, bool)
    mask[frustrated] = True
    sgn = np.where(mask, -graph.sign, graph.sign).astype(np.int64)
    spins = np.zeros(n, np.int64)
    if m == 0:
        return np.ones(n)
    adj = sp.csr_matrix(
        (
            np.concatenate([sgn, sgn]),
            (np.concatenate([graph.u, graph.v]), np.concatenate([graph.v, graph.u])),
        ),
        shape=(n, n),
    )
    indptr, indices, data = adj.indptr, adj.indices, adj.data
    for r in range(n):
        if spins[r]:
            continue
        spins[r] = 1
        queue = [r]
        while queue:
            nxt = []
            for x in queue:
                p0, p1 = indptr[x], indptr[x + 1]
                nb = indices[p0:p1]
                want = spins[x] * data[p0:p1]
                new = spins[nb] == 0
                spins[nb[new]] = want[new]
                nxt.extend(nb[new].tolist())
            queue = nxt
    return spins.astype(float)


# -- HiGHS -------------------------------------------------------------------------------

_BANNER_SILENCED = False


def _new_highs():
    """A quiet ``highspy.Highs`` (HiGHS prints a banner on stdout at the first construction
    in a process; it is swallowed so that ``--json`` output stays clean)."""
    global _BANNER_SILENCED
    import highspy

    if _BANNER_SILENCED:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
        if fd is None:
            h = highspy.Highs()
        else:
            saved = os.dup(fd)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, fd)
                h = highspy.Highs()
            finally:
                os.dup2(saved, fd)
                os.close(saved)
                os.close(devnull)
        _BANNER_SILENCED = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class _MilpOutcome:
    spins: np.ndarray
    value: float
    lower_bound: float
    optimal: bool
    status: str


class _Rows:
    """Accumulates inequality rows ``Σ coef·f[edges] ≥ rhs`` over the tie variables."""

    def __init__(self) -> None:
        self.starts = [0]
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.rhs: list[float] = []

    def add(self, edges: np.ndarray, coefs: np.ndarray, rhs: float) -> None:
        self.index.append(np.asarray(edges, np.int64))
        self.value.append(np.asarray(coefs, float))
        self.rhs.append(float(rhs))
        self.starts.append(self.starts[-1] + len(edges))

    def add_triangles(self, tri_edges: np.ndarray) -> None:
        for row in tri_edges:
            self.add(row, np.ones(3), 1.0)

    def __len__(self) -> int:
        return len(self.rhs)

    def arrays(self, first: int = 0, offset: int = 0):
        """Rows ``first:`` as (count, lower, starts, index, value) with column ``offset``."""
        k = len(self.rhs) - first
        if k <= 0:
            return 0, None, None, None, None
        idx = np.concatenate(self.index[first:]) + offset
        val = np.concatenate(self.value[first:])
        st = np.asarray(self.starts[first:-1], np.int64) - self.starts[first]
        return k, np.asarray(self.rhs[first:]), st.astype(np.int32), idx.astype(np.int32), val


def _cut_loop(
    graph: SignedGraph,
    rows: _Rows,
    incumbent: float,
    step: float | None,
    deadline: float,
    *,
    max_rounds: int = 60,
    seed: int = 0,
    cut_factor: float = 2.0,
    max_sources: int = 150,
    stall_rounds: int = 10,
    stall_gain: float = 0.02,
) -> tuple[float, str]:
    """LP relaxation over the tie variables ``f ∈ [0, 1]^m`` with the rows so far; add violated
    odd-cycle inequalities until none is left, the bound proves the incumbent, or time is up.

    Returns the LP lower bound (valid at every round) and a note.
    """
    import highspy

    from equipoise.network.cuts import separate_cycle_inequalities

    m = graph.m
    h = _new_highs()
    h.setOptionValue("presolve", "off")  # re-solved after every round of cuts: hot start
    inf = highspy.kHighsInf
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
    k, lo, st, idx, val = rows.arrays()
    if k:
        h.addRows(k, lo, np.full(k, inf), len(idx), st, idx, val)
    rng = np.random.default_rng(seed)
    bound, note = 0.0, "no LP rounds"
    history: list[float] = []
    total = float(graph.weight.sum())
    for rnd in range(max_rounds):
        left = deadline - time.perf_counter()
        if left <= 0.05:
            note = "time limit during LP cut rounds"
            break
        h.setOptionValue("time_limit", float(left))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            note = f"LP stopped: {h.modelStatusToString(h.getModelStatus())}"
            break
        obj = float(h.getInfo().objective_function_value)
        bound = max(bound, obj - 1e-7 * max(1.0, abs(obj)))
        lbr, proven = round_bound(bound, incumbent, step, total)
        if proven:
            return bound, f"LP with cycle inequalities closed the gap in {rnd + 1} round(s)"
        history.append(bound)
        if len(history) > stall_rounds and history[-1] - history[-1 - stall_rounds] < (
            stall_gain * max(step or 0.0, 1e-9 * total, incumbent - history[-1])
        ):
            note = f"LP bound stalled after {rnd + 1} rounds"
            break
        f = np.asarray(h.getSolution().col_value)
        cuts = separate_cycle_inequalities(
            graph, f, max_cuts=max(50, int(cut_factor * graph.n)), max_sources=max_sources, rng=rng
        )
        if not cuts:
            note = f"no violated cycle inequality after {rnd + 1} round(s)"
            break
        first = len(rows)
        for edges, coefs, rhs, _ in cuts:
            rows.add(edges, coefs, rhs)
        k, lo, st, idx, val = rows.arrays(first)
        h.addRows(k, lo, np.full(k, inf), len(idx), st, idx, val)
    return bound, note


def _milp(
    graph: SignedGraph,
    spins0: np.ndarray,
    time_limit: float,
    step: float | None,
    lower_bound0: float = 0.0,
    *,
    tri_cap: int = 20000,
    tri_mode: str = "all",
    threads: int | None = None,
    seed: int = 0,
) -> _MilpOutcome:
    """Solve the XOR binary program on one (connected) block with HiGHS."""
    import highspy

    t0 = time.perf_counter()
    deadline = t0 + time_limit
    n, m = graph.n, graph.m
    u, v, sg, w = graph.u, graph.v, graph.sign, graph.weight
    total = float(w.sum())
    s = np.where(spins0 >= 0, 1.0, -1.0)
    best_s, best_v = s, frustration_of(graph, s)

    # 1. triangle inequalities for unbalanced triangles (the most violated ones first when
    #    there are too many), then odd-cycle inequalities by LP rounds
    rows = _Rows()
    tri = triangles(graph)
    ut = tri.edges[tri.unbalanced]
    if tri_mode == "tight":
        # only those tight at the incumbent (one frustrated tie): the rest come by separation
        bad = frustration_mask(graph, s)
        ut = ut[bad[ut].sum(axis=1) == 1]
    if len(ut) > tri_cap:
        bad = frustration_mask(graph, s)
        ut = ut[np.argsort(bad[ut].sum(axis=1), kind="stable")][:tri_cap]
    rows.add_triangles(ut)
    lb_lp, note = _cut_loop(graph, rows, best_v, step, deadline, seed=seed)
    lb, proven = round_bound(max(lb_lp, lower_bound0), best_v, step, total)
    if proven:
        return _MilpOutcome(best_s, best_v, best_v, True, note)

    # 2. the XOR model: columns x_0..x_{n-1} (binary), f_0..f_{m-1} (continuous in [0, 1])
    root = int(np.argmax(graph.degree()))
    fcol = n + np.arange(m)
    pos = sg > 0
    # positive: f - x_u + x_v >= 0 ; f + x_u - x_v >= 0
    # negative: f - x_u - x_v >= -1 ; f + x_u + x_v >= 1
    r0 = 2 * np.arange(m)
    r1 = r0 + 1
    rr = np.concatenate([r0, r0, r0, r1, r1, r1])
    cc = np.concatenate([fcol, u, v, fcol, u, v])
    vv = np.concatenate(
        [
            np.ones(m),
            -np.ones(m),
            np.where(pos, 1.0, -1.0),
            np.ones(m),
            np.ones(m),
            np.where(pos, -1.0, 1.0),
        ]
    )
    lo = np.empty(2 * m)
    lo[r0] = np.where(pos, 0.0, -1.0)
    lo[r1] = np.where(pos, 0.0, 1.0)
    k, clo, cst, cidx, cval = rows.arrays(0, offset=n)
    nrow = 2 * m
    if k:
        cr = nrow + np.repeat(np.arange(k), np.diff(np.append(cst, len(cidx))))
        rr = np.concatenate([rr, cr])
        cc = np.concatenate([cc, cidx])
        vv = np.concatenate([vv, cval])
        lo = np.concatenate([lo, clo])
        nrow += k
    a = sp.csc_matrix((vv, (rr, cc)), shape=(nrow, n + m))
    h = _new_highs()
    lp = highspy.HighsLp()
    lp.num_col_ = n + m
    lp.num_row_ = nrow
    lp.col_cost_ = np.concatenate([np.zeros(n), w.astype(float)])
    lp.col_lower_ = np.zeros(n + m)
    cu = np.ones(n + m)
    cu[root] = 0.0
    lp.col_upper_ = cu
    lp.row_lower_ = lo
    lp.row_upper_ = np.full(nrow, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * m
    h.passModel(lp)
    h.setOptionValue("random_seed", int(seed))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    if step is not None:
        h.setOptionValue("mip_abs_gap", 0.999 * step)
        h.setOptionValue("mip_rel_gap", 0.0)
    else:
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-9 * max(1.0, total))
    # warm start: the heuristic split, with the fixed node in camp 0
    x0 = (s != s[root]).astype(float)
    f0 = frustration_mask(graph, s).astype(float)
    status_txt = ""
    for attempt in range(2):
        h.setSolution(n + m, np.arange(n + m, dtype=np.int32), np.concatenate([x0, f0]))
        h.setOptionValue("time_limit", float(max(deadline - time.perf_counter(), 0.05)))
        h.run()
        status = h.getModelStatus()
        status_txt = h.modelStatusToString(status)
        info = h.getInfo()
        sol = np.asarray(h.getSolution().col_value)
        if len(sol) == n + m and info.primal_solution_status == 2:
            cand = np.where(np.round(sol[:n]) > 0.5, -1.0, 1.0)
            cv = frustration_of(graph, cand)
            if cv < best_v:
                best_s, best_v = cand, cv
        dual = info.mip_dual_bound
        if dual is not None and math.isfinite(dual):
            lb = max(lb, float(dual))
        claimed = info.objective_function_value
        # HiGHS 1.16 may report the optimum but hand back the warm-start vector when presolve
        # solves the model outright; then solve again without presolve to get the split
        if (
            attempt == 0
            and claimed is not None
            and math.isfinite(claimed)
            and claimed < best_v - 1e-6 * max(1.0, abs(claimed))
            and deadline - time.perf_counter() > 0.05
        ):
            h.setOptionValue("presolve", "off")
            x0 = (best_s != best_s[root]).astype(float)
            f0 = frustration_mask(graph, best_s).astype(float)
            continue
        break
    lb, proven = round_bound(lb, best_v, step, total)
    return _MilpOutcome(best_s, best_v, min(lb, best_v), proven, f"{note}; MIP: {status_txt}")


def frustration_mask(graph: SignedGraph, spins: np.ndarray) -> np.ndarray:
    """Boolean mask of the ties frustrated by ``spins``."""
    return graph.sign * spins[graph.u] * spins[graph.v] < 0


# -- driver ----------------------------------------------------------------------------------


def _solve_block(
    g: SignedGraph,
    deadline: float,
    step: float | None,
    method: str,
    seed: int,
    heuristic_time: float | None,
    threads: int | None,
    reduce: bool = True,
) -> tuple:
    """Solve one block: reductions (pendant, degree-2, parallel ties) first, then the
    heuristic → certificate → binary program pipeline on what is left."""
    if not reduce:
        return _solve_core(g, deadline, step, method, seed, heuristic_time, threads)
    from equipoise.network.reduce import reduce_graph

    t0 = time.perf_counter()
    red = reduce_graph(g)
    if red.graph.m == 0:
        spins = red.expand(np.ones(red.graph.n))
        return (
            BlockResult(
                g.n,
                g.m,
                red.constant,
                red.constant,
                True,
                "trivial" if red.constant == 0 else "reduction",
                time.perf_counter() - t0,
            ),
            spins,
        )
    res, spins = _solve_core(red.graph, deadline, step, method, seed, heuristic_time, threads)
    c = red.constant
    return (
        BlockResult(
            g.n,
            g.m,
            res.value + c,
            res.lower_bound + c,
            res.optimal,
            res.method,
            time.perf_counter() - t0,
        ),
        red.expand(spins),
    )


def _solve_core(
    g: SignedGraph,
    deadline: float,
    step: float | None,
    method: str,
    seed: int,
    heuristic_time: float | None,
    threads: int | None,
) -> tuple:
    t0 = time.perf_counter()
    left = max(deadline - t0, 0.0)
    htime = (
        heuristic_time
        if heuristic_time is not None
        else min(max(0.05, 2e-4 * g.m), 0.25 * left if method != "heuristic" else left)
    )
    # quick pass first: a single spectral descent is often already certifiable
    h = heuristic_split(g, time_limit=min(htime, 0.05), restarts=1, patience=0, seed=seed)
    best_s, best_v = h.spins, h.value
    if best_v == 0:
        return BlockResult(g.n, g.m, 0.0, 0.0, True, "trivial", time.perf_counter() - t0), best_s
    cert = None
    if method != "heuristic":
        # large blocks: the Cholesky proof only (the eigenvalue bound costs seconds there and
        # the LP bound of the binary program is much stronger when the certificate fails)
        cert = certify_split(g, best_s, step=step, bound=g.n <= 1000)
        if cert.optimal:
            return (
                BlockResult(
                    g.n, g.m, best_v, best_v, True, "certificate", time.perf_counter() - t0
                ),
                best_s,
            )
    cert_value = best_v
    h = heuristic_split(
        g,
        time_limit=htime,
        restarts=4,
        seed=seed,
        initial=best_s,
        target=cert.lower_bound if cert else None,
    )
    if h.value < best_v:
        best_s, best_v = h.spins, h.value
    lb = 0.0
    if method != "heuristic" and (h.value < cert_value or g.n <= 1000):
        cert = certify_split(g, best_s, step=step, bound=g.n <= 1000)
        lb = cert.lower_bound
        if cert.optimal:
            return (
                BlockResult(
                    g.n, g.m, best_v, best_v, True, "certificate", time.perf_counter() - t0
                ),
                best_s,
            )
    if method == "heuristic" or deadline - time.perf_counter() <= 0.01:
        lbr, proven = round_bound(lb, best_v, step, g.total_weight)
        return (
            BlockResult(
                g.n,
                g.m,
                best_v,
                lbr,
                proven,
                "certificate" if proven else "heuristic",
                time.perf_counter() - t0,
            ),
            best_s,
        )
    out = _milp(g, best_s, deadline - time.perf_counter(), step, lb, threads=threads, seed=seed)
    return (
        BlockResult(
            g.n,
            g.m,
            out.value,
            out.lower_bound,
            out.optimal,
            "milp" if out.optimal else "heuristic",
            time.perf_counter() - t0,
        ),
        out.spins,
    )


def frustration_index(
    graph: SignedGraph,
    time_limit: float = 60.0,
    *,
    method: str = "auto",
    heuristic_time: float | None = None,
    decompose: bool = True,
    reduce: bool = True,
    threads: int | None = None,
    seed: int = 0,
) -> FrustrationResult:
    """Exact frustration index of a signed graph (minimum weight of ties to remove/flip for
    balance), with the optimal split.

    Parameters
    ----------
    graph : SignedGraph
    time_limit : float
        Overall wall-clock budget in seconds. When it runs out before optimality is proven, the
        best split found and the proven lower bound are returned with ``optimal=False``.
    method : {"auto", "heuristic"}
        ``"auto"``: heuristic → certificate → binary program (module docstring).
        ``"heuristic"``: heuristic and certificate only (no binary program).
    heuristic_time : float, optional
        Time for the iterated local search per block (default grows with the block size).
    decompose : bool
        Solve each biconnected block separately (exact; disable only for testing).
    reduce : bool
        Remove pendant and degree-2 nodes and merge parallel ties first
        (:mod:`~equipoise.network.reduce`; exact; disable only for testing).
    threads, seed : int
        Passed to HiGHS / the heuristic's random generator.

    Returns
    -------
    FrustrationResult
    """
    if method not in ("auto", "heuristic"):
        raise ValueError("method must be 'auto' or 'heuristic'")
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    m = graph.m
    step = weight_step(graph.weight)
    if decompose:
        labels = biconnected_blocks(graph)
        sizes = np.bincount(labels, minlength=labels.max() + 1) if m else np.zeros(0, int)
    else:
        labels = np.zeros(m, np.int64)
        sizes = np.array([m]) if m else np.zeros(0, int)
    frustrated = np.zeros(m, bool)
    blocks: list[BlockResult] = []
    cyclic = [b for b in np.argsort(-sizes) if sizes[b] >= 3]
    for b in cyclic:
        mask = labels == b
        g = graph.subgraph_edges(mask, keep_nodes=False)
        res, spins = _solve_block(g, deadline, step, method, seed, heuristic_time, threads, reduce)
        blocks.append(res)
        sub = frustration_mask(g, spins)
        frustrated[np.flatnonzero(mask)[sub]] = True
    spins = split_from_frustrated(graph, frustrated)
    # the split realises exactly the frustrated set of each block
    value = float(graph.weight[frustrated].sum())
    lower = float(sum(b.lower_bound for b in blocks))
    optimal = all(b.optimal for b in blocks)
    if not blocks:
        method_used, status = "certificate", "no cycles: the graph is balanced as a forest"
    elif not optimal:
        method_used = "heuristic"
        status = (
            f"time limit of {time_limit:g} s reached: best split found frustrates "
            f"{value:g}, proven lower bound {lower:g}"
        )
    elif any(b.method == "milp" for b in blocks):
        method_used = "milp"
        status = "proven optimal by the binary program (HiGHS)"
    else:
        method_used = "certificate"
        status = "proven optimal by the eigenvalue (SDP dual) certificate"
    if optimal:
        lower = value
    if not graph.weighted:
        value, lower = int(round(value)), int(math.ceil(lower - 1e-9))
    frustrated_idx = np.flatnonzero(frustration_mask(graph, spins))
    return FrustrationResult(
        graph,
        value,
        optimal,
        lower,
        frustrated_idx,
        spins,
        method_used,
        status,
        time.perf_counter() - t0,
        tuple(blocks),
    )

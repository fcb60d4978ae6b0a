"""Exact reduction rules for the frustration index: pendant and degree-2 nodes.

Write a tie as its signed weight ``c = σ·w``; it costs ``|c|`` when ``s_a s_b ≠ sign(c)``.

* **Pendant node** ``x`` (one tie ``c`` to ``a``): ``x`` can always satisfy it — remove ``x``;
  afterwards ``s_x = sign(c)·s_a``.
* **Degree-2 node** ``x`` (ties ``c₁`` to ``a`` and ``c₂`` to ``b``): whatever ``s_a s_b``,
  ``x`` satisfies its heavier tie, and both when ``s_a s_b = sign(c₁c₂)``; so its two ties cost
  exactly what one tie ``a–b`` of value ``sign(c₁c₂)·min(|c₁|, |c₂|)`` costs (series
  reduction). Afterwards ``s_x`` follows its heavier neighbour.
* **Parallel ties** (the new tie meets an existing ``a–b`` tie ``e``): same sign — the
  weights add; opposite signs — a constant ``min(|e|, |c|)`` is paid whatever the split, and
  one tie of the larger's sign and weight ``||e| − |c||`` remains (none when equal).

Applied until no node of degree ≤ 2 is left; the frustration index of the graph is the
reduced graph's plus the constant, and :meth:`Reduction.expand` turns an optimal split of
the reduced graph into an optimal split of the original. Integral weights stay integral (the
bound rounding of :mod:`~equipoise.network.certificate` still applies).

Reference: the series and parallel reductions are standard for max-cut / Ising ground
states (e.g. Barahona 1982; the preprocessing of Aref, Mason & Wilson 2020 removes
leaves and isolated nodes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from equipoise.network.graph import SignedGraph

__all__ = ["Reduction", "reduce_graph"]


@dataclass(frozen=True)
class Reduction:
    """A reduced graph, the constant frustration paid on the way, and how to expand a split."""

    graph: SignedGraph  # nodes: indices of the kept nodes in the original graph
    constant: float
    kept: np.ndarray  # original indices of the reduced graph's nodes
    steps: tuple[tuple[int, int, int, int], ...]  # (x, neighbour, sign, degree), in order
    n: int

    def expand(self, spins: np.ndarray) -> np.ndarray:
        """A split of the original graph from a split of the reduced one (same cost plus
        :attr:`constant`)."""
        s = np.zeros(self.n)
        s[self.kept] = spins
        for x, a, sign, _ in reversed(self.steps):
            s[x] = sign * (s[a] if a >= 0 else 1.0)
        s[s == 0] = 1.0
        return s


def reduce_graph(graph: SignedGraph) -> Reduction:
    """Apply the pendant, series and parallel reductions (module docstring) exhaustively."""
    n = graph.n
    adj: list[dict[int, float]] = [dict() for _ in range(n)]
    for a, b, c in zip(graph.u.tolist(), graph.v.tolist(), graph.signed_weight.tolist()):
        adj[a][b] = float(c)
        adj[b][a] = float(c)
    constant = 0.0
    alive = np.ones(n, bool)
    steps: list[tuple[int, int, int, int]] = []
    stack = [x for x in range(n) if len(adj[x]) <= 2]

    def add_tie(a: int, b: int, c: float) -> None:
        nonlocal constant
        e = adj[a].get(b)
        if e is None:
            adj[a][b] = adj[b][a] = c
            return
        if (e > 0) == (c > 0):
            total = e + c
        else:
            constant += min(abs(e), abs(c))
            total = e + c  # the larger's sign, weight ||e| - |c||
        if total == 0:
            del adj[a][b], adj[b][a]
        else:
            adj[a][b] = adj[b][a] = total

    while stack:
        x = stack.pop()
        if not alive[x] or len(adj[x]) > 2:
            continue
        nbrs = list(adj[x].items())
        alive[x] = False
        for a, _ in nbrs:
            del adj[a][x]
        adj[x] = {}
        if not nbrs:
            steps.append((x, -1, 1, 0))
        elif len(nbrs) == 1:
            ((a, c),) = nbrs
            steps.append((x, a, 1 if c > 0 else -1, 1))
        else:
            (a, c1), (b, c2) = nbrs
            heavy, ch = (a, c1) if abs(c1) >= abs(c2) else (b, c2)
            steps.append((x, heavy, 1 if ch > 0 else -1, 2))
            sign = 1.0 if (c1 > 0) == (c2 > 0) else -1.0
            add_tie(a, b, sign * min(abs(c1), abs(c2)))
        for a, _ in nbrs:
            if alive[a] and len(adj[a]) <= 2:
                stack.append(a)
    kept = np.flatnonzero(alive)
    remap = np.full(n, -1, np.int64)
    remap[kept] = np.arange(len(kept))
    us, vs, cs = [], [], []
    for a in kept.tolist():
        for b, c in adj[a].items():
            if a < b:
                us.append(remap[a])
                vs.append(remap[b])
                cs.append(c)
    c = np.array(cs, float)
    reduced = SignedGraph(
        tuple(kept.tolist()),
        np.array(us, np.int64),
        np.array(vs, np.int64),
        np.where(c > 0, 1, -1).astype(np.int8),
        np.abs(c),
        weighted=True,
    )
    return Reduction(reduced, constant, kept, tuple(steps), n)

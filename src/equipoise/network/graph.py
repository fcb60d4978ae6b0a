"""Signed, weighted, undirected graphs and their construction from scenario relations.

A signed graph ``G = (V, E, σ, w)`` has a sign ``σ(e) ∈ {+1, −1}`` and a weight ``w(e) > 0``
on every tie. Its signed adjacency matrix is ``A_ij = σ(ij)·w(ij)`` (symmetric, zero
diagonal); ``|A|`` is the matrix of weights. Structural balance (Heider 1946; Cartwright &
Harary 1956, "Structural balance: a generalization of Heider's theory", *Psychological
Review* 63) asks whether ``V`` splits into two camps with every positive tie inside a camp and
every negative tie between them.

:class:`SignedGraph` stores the ties as parallel NumPy arrays (``u < v`` node indices, sign,
weight), one entry per unordered pair, so every algorithm of :mod:`equipoise.network` can be
vectorised. :func:`signed_graph_from_relations` builds one from a scenario's relations.

The combine rule (several relations between the same two actors)
----------------------------------------------------------------
Relations are undirected for balance: ``A → B`` and ``B → A`` concern the same pair. With the
default ``combine="priority"``:

1. each relation gets its sign (the relation's own ``sign``, unless ``signs`` overrides it for
   its kind) and its weight (``weight.value``, 1 when absent);
2. each kind has a priority (``DEFAULT_PRIORITY``: ``war`` 2, ``rivalry`` and ``hostility``
   1, every other kind 0; ``priorities`` overrides per kind). Only the relations of the highest
   priority present on the pair count — a war between two states dominates their strategic
   partnership, a rivalry dominates an arms deal;
3. the tie is the sum of the signed weights of those relations: its sign is the sign of the
   sum and its weight the absolute value. A sum of exactly zero (an alliance and a dispute of
   equal weight) leaves the pair without a tie; such pairs are listed in
   :attr:`SignedGraph.cancelled`.

``combine="sum"`` skips step 2 (every relation counts); ``combine="negative"`` makes any
hostile relation decide the sign (the tie's weight is then the sum of the hostile weights);
a callable ``combine(relations) -> (sign, weight) | None`` replaces the rule entirely.
With ``weighted=False`` every resulting tie has weight 1, so the frustration index counts ties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from equipoise.errors import ModelInputError

__all__ = [
    "SignedGraph",
    "signed_graph_from_relations",
    "signed_graph_from_scenario",
    "relation_active",
    "DEFAULT_PRIORITY",
]

#: Priority of relation kinds in the default combine rule; kinds not listed have priority 0.
DEFAULT_PRIORITY: dict[str, int] = {"war": 2, "rivalry": 1, "hostility": 1}


@dataclass(frozen=True, eq=False)
class SignedGraph:
    """An undirected signed graph with positive tie weights.

    Attributes
    ----------
    nodes : tuple
        Node labels (actor ids); node ``i`` of the arrays is ``nodes[i]``.
    u, v : ndarray of int64, shape (m,)
        Endpoints of each tie as node indices, ``u < v``, each unordered pair at most once.
    sign : ndarray of int8, shape (m,)
        ``+1`` or ``-1``.
    weight : ndarray of float64, shape (m,)
        Tie weights, all ``> 0``.
    weighted : bool
        Whether weights are meaningful (the frustration index is then a total weight, a
        float); ``False`` means every weight is 1 and the index counts ties.
    cancelled : tuple of (label, label)
        Pairs whose relations cancelled out exactly (see the module docstring).
    """

    nodes: tuple[Hashable, ...]
    u: np.ndarray
    v: np.ndarray
    sign: np.ndarray
    weight: np.ndarray
    weighted: bool = False
    cancelled: tuple[tuple[Hashable, Hashable], ...] = field(default=())

    def __post_init__(self) -> None:
        u = np.asarray(self.u, dtype=np.int64).ravel()
        v = np.asarray(self.v, dtype=np.int64).ravel()
        s = np.asarray(self.sign).ravel()
        w = np.ones(len(u)) if self.weight is None else np.asarray(self.weight, float).ravel()
        n = len(self.nodes)
        if not (len(u) == len(v) == len(s) == len(w)):
            raise ValueError("u, v, sign and weight must have the same length")
        if len(set(self.nodes)) != n:
            raise ValueError("node labels must be unique")
        if len(u) and (u.min() < 0 or v.min() < 0 or max(u.max(), v.max()) >= n):
            raise ValueError("edge endpoint out of range")
        if np.any(u == v):
            raise ValueError("self-loops are not allowed in a signed graph")
        if not np.all(np.isin(s, (-1, 1))):
            raise ValueError("signs must be +1 or -1")
        if np.any(~np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("weights must be finite and > 0")
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        order = np.lexsort((hi, lo))
        lo, hi, s, w = lo[order], hi[order], s[order], w[order]
        if len(lo) > 1 and np.any((np.diff(lo) == 0) & (np.diff(hi) == 0)):
            raise ValueError("each unordered pair may carry at most one tie")
        for name, arr in (("u", lo), ("v", hi), ("sign", s.astype(np.int8)), ("weight", w)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "nodes", tuple(self.nodes))
        object.__setattr__(self, "weighted", bool(self.weighted) and bool(np.any(w != 1.0)))

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Sequence[Any]],
        nodes: Iterable[Hashable] | None = None,
        *,
        weighted: bool | None = None,
    ) -> SignedGraph:
        """Build from ``(a, b, sign)`` or ``(a, b, sign, weight)`` tuples of node labels.

        ``nodes`` fixes the node order (and adds isolated nodes); otherwise nodes appear in
        order of first mention. ``weighted`` defaults to "some weight differs from 1".
        """
        edges = [tuple(e) for e in edges]
        labels: list[Hashable] = list(nodes) if nodes is not None else []
        index = {x: i for i, x in enumerate(labels)}
        if nodes is None:
            for e in edges:
                for x in e[:2]:
                    if x not in index:
                        index[x] = len(labels)
                        labels.append(x)
        try:
            u = [index[e[0]] for e in edges]
            v = [index[e[1]] for e in edges]
        except KeyError as exc:
            raise ValueError(f"edge endpoint {exc.args[0]!r} is not among the nodes") from None
        s = [int(e[2]) for e in edges]
        w = [float(e[3]) if len(e) > 3 else 1.0 for e in edges]
        if weighted is None:
            weighted = any(x != 1.0 for x in w)
        return cls(tuple(labels), np.array(u, np.int64), np.array(v, np.int64),
                   np.array(s, np.int8), np.array(w, float), weighted=weighted)

    # -- basic properties ------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of ties."""
        return len(self.u)

    @property
    def signed_weight(self) -> np.ndarray:
        """``sign * weight`` per tie."""
        return self.sign * self.weight

    @property
    def total_weight(self) -> float:
        """``m_w``, the total tie weight (the number of ties when unweighted)."""
        return float(self.weight.sum())

    def index(self) -> dict[Hashable, int]:
        """Map from node label to node index."""
        return {x: i for i, x in enumerate(self.nodes)}

    def degree(self) -> np.ndarray:
        """Number of ties at each node."""
        return np.bincount(np.concatenate([self.u, self.v]), minlength=self.n)

    def adjacency(self, *, absolute: bool = False, dense: bool | None = None):
        """The signed adjacency ``A`` (or ``|A|`` with ``absolute=True``).

        Dense ``ndarray`` when ``dense`` is true, CSR sparse matrix when false; by default
        dense for graphs up to 2,000 nodes or with density above 5 %.
        """
        n = self.n
        data = self.weight if absolute else self.signed_weight.astype(float)
        if dense is None:
            dense = n <= 2000 or self.m > 0.05 * n * n / 2
        if dense:
            a = np.zeros((n, n))
            a[self.u, self.v] = data
            a[self.v, self.u] = data
            return a
        rows = np.concatenate([self.u, self.v])
        cols = np.concatenate([self.v, self.u])
        return sp.csr_matrix((np.concatenate([data, data]), (rows, cols)), shape=(n, n))

    def subgraph_edges(self, edge_mask: np.ndarray, keep_nodes: bool = True) -> SignedGraph:
        """The graph restricted to the ties selected by a boolean mask (or index array)."""
        u, v = self.u[edge_mask], self.v[edge_mask]
        if keep_nodes:
            return SignedGraph(self.nodes, u, v, self.sign[edge_mask], self.weight[edge_mask],
                               weighted=self.weighted)
        used = np.unique(np.concatenate([u, v]))
        remap = np.full(self.n, -1, np.int64)
        remap[used] = np.arange(len(used))
        return SignedGraph(tuple(self.nodes[i] for i in used), remap[u], remap[v],
                           self.sign[edge_mask], self.weight[edge_mask], weighted=self.weighted)

    def edges(self) -> list[tuple[Hashable, Hashable, int, float]]:
        """The ties as ``(label_u, label_v, sign, weight)`` tuples."""
        nodes = self.nodes
        return [(nodes[a], nodes[b], int(s), float(w))
                for a, b, s, w in zip(self.u.tolist(), self.v.tolist(), self.sign.tolist(),
                                      self.weight.tolist())]

    def __repr__(self) -> str:
        pos = int((self.sign > 0).sum())
        return (f"SignedGraph(n={self.n}, m={self.m}, positive={pos}, "
                f"negative={self.m - pos}, weighted={self.weighted})")


# -- from scenario relations ---------------------------------------------------------------

def _weight_of(relation: Any) -> float:
    w = getattr(relation, "weight", None)
    if w is None:
        return 1.0
    return float(getattr(w, "value", w))


def relation_active(relation: Any, as_of: dt.date | None) -> bool:
    """Whether ``relation`` holds on ``as_of``: ``since <= as_of <= until`` (both inclusive,
    open ends when ``None``). ``as_of=None`` keeps every relation."""
    if as_of is None:
        return True
    since = getattr(relation, "since", None)
    until = getattr(relation, "until", None)
    if since is not None and as_of < since:
        return False
    if until is not None and as_of > until:
        return False
    return True


Combine = Callable[[list[Any]], "tuple[int, float] | None"]


def signed_graph_from_relations(
    relations: Iterable[Any],
    actors: Iterable[Any],
    as_of: dt.date | None = None,
    organisations: bool = True,
    combine: str | Combine = "priority",
    *,
    signs: Mapping[str, int] | None = None,
    priorities: Mapping[str, int] | None = None,
    weighted: bool = True,
) -> SignedGraph:
    """Build the signed relations graph of a scenario.

    Parameters
    ----------
    relations : iterable
        Objects with ``from_``, ``to`` (actor ids), ``kind``, ``sign`` (+1/−1), ``weight``
        (``None``, a number or an object with ``.value``), ``since``/``until`` (dates or
        ``None``).
    actors : iterable
        Objects with ``id`` and ``kind``; they become the nodes, in this order (isolated
        actors included).
    as_of : date, optional
        Keep only relations with ``since <= as_of <= until``; ``None`` keeps all.
    organisations : bool
        When false, actors of kind ``"organisation"`` and their relations are left out.
    combine : {"priority", "sum", "negative"} or callable
        How several relations between the same pair become one tie (module docstring).
    signs, priorities : mapping, optional
        Per relation kind, override the sign (+1/−1) and the priority of the default rule.
    weighted : bool
        When false, every tie gets weight 1 (the frustration index then counts ties).

    Returns
    -------
    SignedGraph
    """
    actors = list(actors)
    nodes = [a.id for a in actors if organisations or getattr(a, "kind", None) != "organisation"]
    excluded = {a.id for a in actors} - set(nodes)
    index = {x: i for i, x in enumerate(nodes)}
    signs = dict(signs or {})
    prio = dict(DEFAULT_PRIORITY)
    prio.update(priorities or {})
    for k, s in signs.items():
        if s not in (-1, 1):
            raise ValueError(f"override sign for kind '{k}' must be +1 or -1, got {s!r}")

    groups: dict[tuple[int, int], list[Any]] = {}
    for r in relations:
        a, b = r.from_, r.to
        if a in excluded or b in excluded:
            continue
        for x in (a, b):
            if x not in index:
                raise ModelInputError(f"relation {a} -> {b} ({r.kind}): unknown actor '{x}'")
        if a == b:
            raise ModelInputError(f"relation {a} -> {b} ({r.kind}): an actor to itself")
        if not relation_active(r, as_of):
            continue
        i, j = sorted((index[a], index[b]))
        groups.setdefault((i, j), []).append(r)

    def sign_of(r: Any) -> int:
        s = signs.get(r.kind, getattr(r, "sign", None))
        if s not in (-1, 1):
            raise ModelInputError(f"relation {r.from_} -> {r.to} ({r.kind}): no sign")
        return int(s)

    def rule(rs: list[Any]) -> tuple[int, float] | None:
        if combine == "priority":
            top = max(prio.get(r.kind, 0) for r in rs)
            rs = [r for r in rs if prio.get(r.kind, 0) == top]
        elif combine == "negative":
            neg = [r for r in rs if sign_of(r) < 0]
            rs = neg or rs
        elif combine != "sum":
            raise ValueError(f"unknown combine rule {combine!r}: 'priority', 'sum', "
                             "'negative' or a callable")
        total = sum(sign_of(r) * _weight_of(r) for r in rs)
        if total == 0:
            return None
        return (1 if total > 0 else -1), abs(total)

    f = combine if callable(combine) else rule
    us, vs, ss, ws, cancelled = [], [], [], [], []
    for (i, j), rs in sorted(groups.items()):
        tie = f(rs)
        if tie is None:
            cancelled.append((nodes[i], nodes[j]))
            continue
        s, w = tie
        us.append(i)
        vs.append(j)
        ss.append(int(s))
        ws.append(float(w) if weighted else 1.0)
    return SignedGraph(tuple(nodes), np.array(us, np.int64), np.array(vs, np.int64),
                       np.array(ss, np.int8), np.array(ws, float), weighted=weighted,
                       cancelled=tuple(cancelled))


def signed_graph_from_scenario(scenario: Any, as_of: dt.date | None = None,
                               **kwargs: Any) -> SignedGraph:
    """:func:`signed_graph_from_relations` on ``scenario.relations`` and ``scenario.actors``.

    ``as_of`` defaults to the scenario's own ``as_of`` (``None`` when it has none).
    """
    if as_of is None:
        as_of = getattr(scenario, "as_of", None)
    return signed_graph_from_relations(scenario.relations, scenario.actors, as_of, **kwargs)

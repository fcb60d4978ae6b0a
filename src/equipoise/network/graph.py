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

The combination rule (several relations between the same two actors)
--------------------------------------------------------------------
Relations are undirected for balance: ``A → B`` and ``B → A`` concern the same pair. The
default ``combine="layers"`` applies :func:`equipoise.network.kinds.combine_records` with the
taxonomy of :mod:`equipoise.network.kinds`: within a layer the strongest record counts; across
layers a war decides the tie alone, otherwise the layers' values add up. Neutral records
(third-party roles) make no tie. A pair whose non-neutral records add up to exactly zero is
left without a tie and listed in :attr:`SignedGraph.cancelled` (with its records in
:attr:`SignedGraph.cancelled_detail`). Each tie keeps its layers' values
(:attr:`SignedGraph.layer_values`), so that frustration can be attributed to layers.

``combine="sum"`` adds every record's strength (no layers); a callable
``combine(relations) -> (sign, weight) | None`` replaces the rule entirely. With
``weighted=False`` every resulting tie has weight 1, so the frustration index counts ties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from equipoise.errors import ModelInputError
from equipoise.network.kinds import NetworkConfig, combine_records, network_config

__all__ = [
    "SignedGraph",
    "signed_graph_from_relations",
    "signed_graph_from_scenario",
    "relation_active",
]


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
    layer_names : tuple of str
        Layers of the taxonomy in use (empty for graphs not built from relations).
    layer_values : ndarray of float, shape (m, len(layer_names)), optional
        Each tie's value per layer (signed strengths; a dominant record fills one layer).
    cancelled_detail : tuple of dict
        Per cancelled pair: ``{"pair": [a, b], "layers": {...}, "records": [...]}``.
    """

    nodes: tuple[Hashable, ...]
    u: np.ndarray
    v: np.ndarray
    sign: np.ndarray
    weight: np.ndarray
    weighted: bool = False
    cancelled: tuple[tuple[Hashable, Hashable], ...] = field(default=())
    layer_names: tuple[str, ...] = field(default=())
    layer_values: np.ndarray | None = field(default=None, repr=False)
    cancelled_detail: tuple[dict, ...] = field(default=(), repr=False)

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
        if self.layer_values is not None:
            lv = np.asarray(self.layer_values, float).reshape(len(u), len(self.layer_names))
            lv = lv[order]
            lv.setflags(write=False)
            object.__setattr__(self, "layer_values", lv)
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
        return cls(
            tuple(labels),
            np.array(u, np.int64),
            np.array(v, np.int64),
            np.array(s, np.int8),
            np.array(w, float),
            weighted=weighted,
        )

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
        import scipy.sparse as sp  # here: building or validating a graph needs no SciPy

        rows = np.concatenate([self.u, self.v])
        cols = np.concatenate([self.v, self.u])
        return sp.csr_matrix((np.concatenate([data, data]), (rows, cols)), shape=(n, n))

    def subgraph_edges(self, edge_mask: np.ndarray, keep_nodes: bool = True) -> SignedGraph:
        """The graph restricted to the ties selected by a boolean mask (or index array)."""
        u, v = self.u[edge_mask], self.v[edge_mask]
        if keep_nodes:
            lv = None if self.layer_values is None else self.layer_values[edge_mask]
            return SignedGraph(
                self.nodes,
                u,
                v,
                self.sign[edge_mask],
                self.weight[edge_mask],
                weighted=self.weighted,
                layer_names=self.layer_names,
                layer_values=lv,
            )
        used = np.unique(np.concatenate([u, v]))
        remap = np.full(self.n, -1, np.int64)
        remap[used] = np.arange(len(used))
        return SignedGraph(
            tuple(self.nodes[i] for i in used),
            remap[u],
            remap[v],
            self.sign[edge_mask],
            self.weight[edge_mask],
            weighted=self.weighted,
        )

    def edges(self) -> list[tuple[Hashable, Hashable, int, float]]:
        """The ties as ``(label_u, label_v, sign, weight)`` tuples."""
        nodes = self.nodes
        return [
            (nodes[a], nodes[b], int(s), float(w))
            for a, b, s, w in zip(
                self.u.tolist(), self.v.tolist(), self.sign.tolist(), self.weight.tolist()
            )
        ]

    def __repr__(self) -> str:
        pos = int((self.sign > 0).sum())
        return (
            f"SignedGraph(n={self.n}, m={self.m}, positive={pos}, "
            f"negative={self.m - pos}, weighted={self.weighted})"
        )


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


def _own_sign(relation: Any) -> int | None:
    """The sign the record states itself (``None`` when it relies on its kind's default)."""
    fields_set = getattr(relation, "model_fields_set", None)
    if fields_set is not None and "sign" not in fields_set:
        return None
    s = getattr(relation, "sign", None)
    return None if s is None else int(s)


def signed_graph_from_relations(
    relations: Iterable[Any],
    actors: Iterable[Any],
    as_of: dt.date | None = None,
    organisations: bool | None = None,
    combine: str | Combine = "layers",
    *,
    config: NetworkConfig | None = None,
    signs: Mapping[str, int] | None = None,
    weights: Mapping[str, float] | None = None,
    layers: Mapping[str, str] | None = None,
    weighted: bool = True,
) -> SignedGraph:
    """Build the signed relations graph of a scenario.

    Parameters
    ----------
    relations : iterable
        Objects with ``from_``, ``to`` (actor ids), ``kind``, ``sign`` (+1/−1/0 or ``None``
        for the kind's default), ``weight`` (``None``, a number or an object with
        ``.value``), ``since``/``until`` (dates or ``None``).
    actors : iterable
        Objects with ``id`` and ``kind``; they become the nodes, in this order (isolated
        actors included).
    as_of : date, optional
        Keep only relations with ``since <= as_of <= until``; ``None`` keeps all.
    organisations : bool, optional
        Whether actors of kind ``"organisation"`` and the institutional layer take part
        (default: the configuration's, i.e. no).
    combine : {"layers", "sum"} or callable
        How several relations between the same pair become one tie (module docstring).
    config : NetworkConfig, optional
        The taxonomy (default :data:`~equipoise.network.kinds.DEFAULT_KINDS`).
    signs, weights, layers : mapping, optional
        Per relation kind, override the sign (+1/−1/0), weight and layer.
    weighted : bool
        When false, every tie gets weight 1 (the frustration index then counts ties).

    Returns
    -------
    SignedGraph
    """
    config = config or NetworkConfig()
    if signs or weights or layers:
        try:
            config = config.with_overrides(signs=signs, weights=weights, layers=layers)
        except ValueError as exc:
            raise ModelInputError(str(exc)) from None
    if organisations is None:
        organisations = config.organisations
    actors = list(actors)
    nodes = [a.id for a in actors if organisations or getattr(a, "kind", None) != "organisation"]
    excluded = {a.id for a in actors} - set(nodes)
    index = {x: i for i, x in enumerate(nodes)}
    layer_names = tuple(config.layers())
    layer_col = {x: k for k, x in enumerate(layer_names)}

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
        if not config.known(r.kind):
            raise ModelInputError(
                f"relation {a} -> {b}: unknown kind '{r.kind}'; known kinds: "
                f"{', '.join(sorted(config.kinds))} (declare others in the "
                "scenario's 'network: kinds:' section)"
            )
        if not organisations and config.spec(r.kind).layer == "institutional":
            continue
        if not relation_active(r, as_of):
            continue
        i, j = sorted((index[a], index[b]))
        groups.setdefault((i, j), []).append(r)

    us, vs, ss, ws, rows, cancelled, detail = [], [], [], [], [], [], []
    for (i, j), rs in sorted(groups.items()):
        if callable(combine):
            tie = combine(rs)
            layer_row = np.zeros(len(layer_names))
            if tie is None:
                cancelled.append((nodes[i], nodes[j]))
                continue
            s, w = tie
        elif combine in ("layers", "sum"):
            pair = combine_records(((r.kind, _own_sign(r), _weight_of(r)) for r in rs), config)
            if combine == "sum":
                total = sum(x for _, _, x in pair.records)
                value = 0.0 if abs(total) < 1e-12 else total
                layer_row = np.zeros(len(layer_names))
                for _, layer, x in pair.records:
                    layer_row[layer_col[layer]] += x
            else:
                value = pair.value
                layer_row = np.zeros(len(layer_names))
                for layer, x in pair.layers.items():
                    layer_row[layer_col[layer]] = x
            if value == 0:
                if any(x != 0 for _, _, x in pair.records):
                    cancelled.append((nodes[i], nodes[j]))
                    detail.append(
                        {
                            "pair": [nodes[i], nodes[j]],
                            "layers": {k: v for k, v in pair.layers.items()},
                            "records": [
                                {
                                    "from": r.from_,
                                    "to": r.to,
                                    "kind": r.kind,
                                    "layer": layer,
                                    "strength": x,
                                }
                                for r, (_, layer, x) in zip(rs, pair.records)
                            ],
                        }
                    )
                continue
            s, w = (1 if value > 0 else -1), abs(value)
        else:
            raise ValueError(f"unknown combine rule {combine!r}: 'layers', 'sum' or a callable")
        us.append(i)
        vs.append(j)
        ss.append(int(s))
        ws.append(float(w) if weighted else 1.0)
        rows.append(layer_row)
    lv = np.array(rows, float).reshape(len(rows), len(layer_names))
    return SignedGraph(
        tuple(nodes),
        np.array(us, np.int64),
        np.array(vs, np.int64),
        np.array(ss, np.int8),
        np.array(ws, float),
        weighted=weighted,
        cancelled=tuple(cancelled),
        layer_names=layer_names,
        layer_values=lv,
        cancelled_detail=tuple(detail),
    )


def signed_graph_from_scenario(
    scenario: Any, as_of: dt.date | None = None, **kwargs: Any
) -> SignedGraph:
    """:func:`signed_graph_from_relations` on ``scenario.relations`` and ``scenario.actors``.

    ``as_of`` defaults to the scenario's own ``as_of`` (``None`` when it has none). The
    taxonomy is the scenario's (its ``network:`` section over the defaults) unless ``config``
    is given; ``signs``/``weights``/``layers`` override kinds on top of it.
    """
    if as_of is None:
        as_of = getattr(scenario, "as_of", None)
    if kwargs.get("config") is None:
        kwargs["config"] = network_config(scenario)
    return signed_graph_from_relations(scenario.relations, scenario.actors, as_of, **kwargs)

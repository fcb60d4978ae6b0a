"""Balance analysis of a relations network as plain data, and its explanation in words.

:func:`analyse_balance` runs the exact frustration index (:mod:`.frustration`), the triad census
(:mod:`.triads`) and the walk-based degree of balance (:mod:`.estrada`) and returns a
:class:`~equipoise.network.result.BalanceResult` (which keeps the graph); its ``to_dict()`` is
JSON-ready::

    {"frustration_index": int | float, "optimal": bool, "lower_bound": int | float,
     "frustrated_edges": [[u, v], ...], "groups": [[...], [...]],
     "actors": {ID: {"unbalanced_triads": int, "triads": int, "camp": 0 | 1,
                     "unbalanced_with": [[b, c], ...]}},
     "method": "certificate" | "milp" | "heuristic", "status": str, "seconds": float,
     "weighted": bool, "nodes": int, "ties": int, "positive_ties": int, "negative_ties": int,
     "frustrated_ties": [{"u", "v", "sign", "weight", "strain"}, ...],
     "triads": {"total": int, "unbalanced": int},
     "unbalanced_triads": [[a, b, c], ...], "unbalanced_triads_truncated": bool,
     "estrada": float | None, "blocks": [...],
     "reference": ID | None, "camp_fixed": {ID: bool | None}, "unique": bool | None,
     "swing": [ID, ...], "robustness": str, "unplaced": [ID, ...],
     "cancelled_pairs": [[u, v], ...], "cancelled": [{"pair", "layers", "records"}, ...],
     "layers": {LAYER: {"ties": int, "frustrated": float}}}

``groups[0]`` is the reference actor's camp; actors without any tie are ``unplaced`` (in no
camp, ``"camp": null``). ``camp_fixed`` and ``swing`` come from
:func:`~equipoise.network.robust.camp_robustness`. ``layers`` attributes each frustrated tie's
weight to the layers that pull the tie's way, in proportion to their values (a war-decided tie
to the conflict layer alone), so the layers' ``frustrated`` add up to the frustration index.

(values are floats when ties are weighted). :func:`explain_balance` turns it into sentences —
the two camps, the ties under strain, the most cross-pressured actors — and
:func:`triad_changes` compares two analyses (e.g. before and after a date).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from equipoise.network._blas import single_blas_thread_when_small
from equipoise.network.estrada import walk_balance
from equipoise.network.frustration import frustration_index
from equipoise.network.graph import SignedGraph
from equipoise.network.result import BalanceResult
from equipoise.network.robust import camp_robustness
from equipoise.network.triads import node_triads, triangles

__all__ = ["analyse_balance", "explain_balance", "triad_changes"]


def _py(x: Any) -> Any:
    """Plain Python scalars for JSON (NumPy ints/floats become int/float)."""
    if isinstance(x, np.generic):
        return x.item()
    return x


@single_blas_thread_when_small
def analyse_balance(
    graph: SignedGraph,
    time_limit: float = 60.0,
    *,
    max_listed: int = 200,
    estrada: bool = True,
    seed: int = 0,
    reference: Hashable | None = None,
    robust: bool = True,
    robust_time_limit: float = 10.0,
    **solver_options: Any,
) -> BalanceResult:
    """Structural balance of ``graph``: exact frustration index, camps, triads, cross-pressure.

    Parameters
    ----------
    graph : SignedGraph
    time_limit : float
        Budget of the exact solver in seconds; past it the best split and the proven lower
        bound are reported with ``"optimal": false``.
    max_listed : int
        Cap on listed unbalanced triads (overall and per actor); counts are always exact.
    estrada : bool
        Compute the walk-based degree of balance (dense eigenvalues; skipped above 5,000
        nodes).
    reference : label, optional
        The actor camps are read against (default: the node of highest degree).
    robust : bool
        Examine whether each actor's camp is fixed across optimal splits (within
        ``robust_time_limit`` seconds).
    solver_options
        Passed on to :func:`~equipoise.network.frustration.frustration_index`.

    Returns
    -------
    BalanceResult
        The figures of the module docstring, and the graph.
    """
    res = frustration_index(graph, time_limit=time_limit, seed=seed, **solver_options)
    tri = triangles(graph)
    n_tri, n_unb = node_triads(graph, tri)
    nodes = graph.nodes
    num = (lambda x: float(x)) if graph.weighted else (lambda x: int(round(x)))
    deg = graph.degree()
    placed = deg > 0
    if robust:
        rob = camp_robustness(
            graph,
            res.spins,
            float(res.value),
            res.optimal,
            preferred=reference,
            time_limit=robust_time_limit,
            seed=seed,
        )
        ref = rob.reference
    else:
        rob = None
        ref = None
        if graph.m:
            idx = graph.index()
            ref = (
                idx[reference]
                if reference in idx and placed[idx[reference]]
                else int(np.argmax(deg))
            )
    side = res.spins * (res.spins[ref] if ref is not None else 1.0)
    camp = (side < 0).astype(int)

    unb = tri.nodes[tri.unbalanced]
    # per actor: the other two members of its unbalanced triads (capped)
    with_: dict[int, list[list[Hashable]]] = {i: [] for i in range(graph.n)}
    for row in unb.tolist():
        for p in range(3):
            i = row[p]
            if len(with_[i]) < max_listed:
                with_[i].append([_py(nodes[row[q]]) for q in range(3) if q != p])
    actors = {
        str(nodes[i]): {
            "unbalanced_triads": int(n_unb[i]),
            "triads": int(n_tri[i]),
            "camp": int(camp[i]) if placed[i] else None,
            "unbalanced_with": with_[i],
        }
        for i in range(graph.n)
    }
    ties = []
    for e in res.frustrated.tolist():
        s = int(graph.sign[e])
        ties.append(
            {
                "u": _py(nodes[graph.u[e]]),
                "v": _py(nodes[graph.v[e]]),
                "sign": s,
                "weight": num(graph.weight[e]),
                "strain": "positive tie across the camps"
                if s > 0
                else "negative tie inside a camp",
            }
        )
    groups = [[_py(nodes[i]) for i in range(graph.n) if placed[i] and camp[i] == k] for k in (0, 1)]
    pos = int((graph.sign > 0).sum())
    layers: dict[str, dict[str, float]] = {}
    if graph.layer_values is not None and graph.layer_names:
        lv = graph.layer_values
        agree = np.where(np.sign(lv) == graph.sign[:, None], np.abs(lv), 0.0)
        share = np.divide(
            agree,
            agree.sum(axis=1, keepdims=True),
            out=np.zeros_like(agree),
            where=agree.sum(axis=1, keepdims=True) > 0,
        )
        bad = np.zeros(graph.m, bool)
        bad[res.frustrated] = True
        per_layer = (share * graph.weight[:, None])[bad].sum(axis=0)
        present = (lv != 0).sum(axis=0)
        for k, name in enumerate(graph.layer_names):
            if present[k] or per_layer[k]:
                layers[name] = {
                    "ties": int(present[k]),
                    "frustrated": round(float(per_layer[k]), 12),
                }
        for t, e in zip(ties, res.frustrated.tolist()):
            t["layers"] = {
                name: float(lv[e, k]) for k, name in enumerate(graph.layer_names) if lv[e, k] != 0
            }
    return BalanceResult(
        graph=graph,
        frustration_index=num(res.value),
        optimal=bool(res.optimal),
        lower_bound=num(res.lower_bound),
        frustrated_edges=[[t["u"], t["v"]] for t in ties],
        groups=groups,
        actors=actors,  # type: ignore[arg-type]
        method=res.method,
        status=res.status,
        seconds=round(float(res.seconds), 6),
        weighted=bool(graph.weighted),
        nodes=graph.n,
        ties=graph.m,
        positive_ties=pos,
        negative_ties=graph.m - pos,
        frustrated_ties=ties,  # type: ignore[arg-type]
        triads={"total": int(len(tri)), "unbalanced": int(len(unb))},
        unbalanced_triads=[[_py(nodes[i]) for i in row] for row in unb[:max_listed].tolist()],
        unbalanced_triads_truncated=bool(len(unb) > max_listed),
        estrada=walk_balance(graph) if estrada else None,
        cancelled_pairs=[[_py(a), _py(b)] for a, b in graph.cancelled],
        cancelled=[dict(d, pair=[_py(x) for x in d["pair"]]) for d in graph.cancelled_detail],
        unplaced=[_py(nodes[i]) for i in range(graph.n) if not placed[i]],
        reference=_py(nodes[ref]) if ref is not None else None,
        camp_fixed=(
            {str(nodes[i]): rob.fixed[i] for i in range(graph.n) if placed[i]} if rob else {}
        ),
        unique=rob.unique if rob else None,
        swing=([_py(nodes[i]) for i in range(graph.n) if rob.swing[i]] if rob else []),
        robustness=rob.note if rob else "not examined",
        layers=layers,
        blocks=[
            {
                "nodes": b.nodes,
                "ties": b.edges,
                "value": num(b.value),
                "lower_bound": num(b.lower_bound),
                "optimal": b.optimal,
                "method": b.method,
                "seconds": round(b.seconds, 6),
            }
            for b in res.blocks
        ],
    )


def _fmt(x: float | int) -> str:
    return f"{x:d}" if isinstance(x, int) else f"{x:.4g}"


def _names(xs: list, names: dict | None, limit: int = 12) -> str:
    shown = [str(names.get(x, x)) if names else str(x) for x in xs[:limit]]
    more = len(xs) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def explain_balance(report: BalanceResult, *, top: int = 5, names: dict | None = None) -> list[str]:
    """Plain-language lines describing an :func:`analyse_balance` report.

    ``names`` optionally maps actor ids to display names. The lines contain no markup (no
    square brackets), so they can be printed by ``rich`` as they are.
    """
    nm = (lambda x: str(names.get(x, x))) if names else str
    lines: list[str] = []
    n, m = report.nodes, report.ties
    fi, lb = report.frustration_index, report.lower_bound
    unit = "of tie weight" if report.weighted else ("tie" if fi == 1 else "ties")
    if m == 0:
        return [f"The network has {n} actors and no ties: nothing to balance."]
    if report.optimal:
        how = {
            "certificate": "proven optimal by the eigenvalue (SDP dual) certificate",
            "milp": "proven optimal by the binary program (HiGHS)",
        }.get(report.method, "proven optimal")
        if fi == 0:
            lines.append(
                f"The network of {_count(n, 'actor')} and {_count(m, 'tie')} is "
                "structurally balanced: "
                "it splits into two camps with every positive tie inside a camp and "
                "every negative tie between them."
            )
        else:
            amount = (
                f"ties of total weight {_fmt(fi)}"
                if report.weighted
                else f"{_fmt(fi)} of the {m} ties"
            )
            lines.append(
                f"Frustration index {_fmt(fi)} ({how}): at least {amount} must be "
                f"dropped or reversed for the {n} actors to form two camps, friendly "
                "inside and hostile to each other."
            )
    else:
        lines.append(
            f"Best split found frustrates {_fmt(fi)} {unit}; not proven optimal "
            f"within the time limit — the true frustration index lies between "
            f"{_fmt(lb)} and {_fmt(fi)}."
        )
    g0, g1 = report.groups
    ref = report.reference
    with_ref = f", the reference {nm(ref)}'s" if ref is not None else ""
    lines.append(f"Camp 1 ({_count(len(g0), 'actor')}{with_ref}): {_names(g0, names)}.")
    if g1:
        lines.append(f"Camp 2 ({_count(len(g1), 'actor')}): {_names(g1, names)}.")
    lines += _robustness_lines(report, nm, names)
    unplaced = report.unplaced or []
    if unplaced:
        lines.append(
            f"Unplaced ({_count(len(unplaced), 'actor')} without any tie, in no "
            f"camp): {_names(unplaced, names)}."
        )
    ties = report.frustrated_ties
    if ties:
        shown = sorted(ties, key=lambda t: -t["weight"])[: max(top, 1) * 2]
        parts = [
            f"{nm(t['u'])}–{nm(t['v'])} ({t['strain']}"
            + (f", weight {_fmt(t['weight'])}" if report.weighted else "")
            + (f"; {_layer_text(t['layers'])}" if t.get("layers") else "")
            + ")"
            for t in shown
        ]
        more = len(ties) - len(shown)
        lines.append(
            f"Ties under strain ({len(ties)}): "
            + "; ".join(parts)
            + (f"; and {more} more." if more > 0 else ".")
        )
    layer_line = _layers_sentence(report)
    if layer_line:
        lines.append(layer_line)
    for c in report.cancelled:
        a, b = c["pair"]
        recs = ", ".join(f"{r['kind']} {r['strength']:+.3g}" for r in c["records"])
        lines.append(
            f"Cancelled pair {nm(a)}–{nm(b)}: its layers cancel out ("
            f"{_layer_text(c['layers']) or 'records of equal strength'}; records: "
            f"{recs}), so it has no tie."
        )
    if not report.cancelled and report.cancelled_pairs:
        pairs = "; ".join(f"{nm(a)}–{nm(b)}" for a, b in report.cancelled_pairs)
        lines.append(f"Cancelled pairs (records add up to 0, no tie): {pairs}.")
    tri = report.triads
    if tri["total"]:
        lines.append(
            f"Triads: {tri['unbalanced']} of {tri['total']} triangles are unbalanced "
            "(an odd number of hostile ties: 'my ally and my partner are at war')."
        )
        ranked = sorted(
            report.actors.items(),
            key=lambda kv: (-kv[1]["unbalanced_triads"], -kv[1]["triads"], kv[0]),
        )
        ranked = [(a, d) for a, d in ranked if d["unbalanced_triads"] > 0][:top]
        if ranked:
            lines.append("Most cross-pressured actors:")
            for a, d in ranked:
                partners = d.get("unbalanced_with", [])[:3]
                with_txt = "; ".join(f"{nm(b)} and {nm(c)}" for b, c in partners)
                extra = d["unbalanced_triads"] - len(partners)
                lines.append(
                    f"  {nm(a)}: {d['unbalanced_triads']} of {d['triads']} triads "
                    f"unbalanced"
                    + (f" — with {with_txt}" if with_txt else "")
                    + (f" (+{extra} more)" if extra > 0 else "")
                    + "."
                )
    else:
        lines.append("Triads: no three actors are all tied to each other.")
    if report.estrada is not None:
        lines.append(
            f"Walk-based degree of balance (Estrada & Benzi): {report.estrada:.3f} (1 = balanced)."
        )
    return lines


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "s")


def _layer_text(layers: dict) -> str:
    return ", ".join(f"{name} {v:+.3g}" for name, v in layers.items())


def _layers_sentence(report: BalanceResult) -> str | None:
    layers = {k: v["frustrated"] for k, v in (report.layers or {}).items() if v["frustrated"] > 0}
    if not layers:
        return None
    parts = ", ".join(
        f"{k} {_fmt(round(v, 6) if report.weighted else v)}"
        for k, v in sorted(layers.items(), key=lambda kv: -kv[1])
    )
    which = " and ".join(sorted(layers, key=lambda k: -layers[k]))
    return (
        f"The frustrated ties come from the {which} "
        f"layer{'s' if len(layers) > 1 else ''} (frustrated weight by layer: {parts})."
    )


def _robustness_lines(report: BalanceResult, nm: Any, names: dict | None) -> list[str]:
    fixed = report.camp_fixed or {}
    if not fixed:
        return []
    ref = report.reference
    loose = [a for a, f in fixed.items() if f is False]
    unknown = [a for a, f in fixed.items() if f is None]
    out = []
    if report.unique is True:
        out.append(
            f"The split is the only optimal one (up to swapping the camps): every "
            f"actor's side relative to {nm(ref)} is fixed."
        )
    elif loose:
        out.append(
            f"Not every camp is fixed: {_names(loose, names)} can sit on either side "
            f"of {nm(ref)} in an optimal split."
        )
    if unknown:
        out.append(
            f"Whether these camps are fixed was not decided within the time budget "
            f"(--robust-time): {_names(unknown, names)}."
        )
    swing = [a for a in report.swing if a not in loose]
    if swing:
        out.append(
            f"Among near-optimal splits (at most one tie more, unweighted) these "
            f"also change side relative to {nm(ref)}: {_names(swing, names)}."
        )
    return out


def triad_changes(
    before: BalanceResult, after: BalanceResult, actor: Hashable | None = None
) -> dict[str, Any]:
    """Unbalanced triads that appear or disappear between two analyses.

    Compares the ``unbalanced_triads`` lists (complete only when neither report was
    truncated); with ``actor``, only triads containing it. Returns
    ``{"appeared": [[a, b, c], ...], "disappeared": [...], "kept": [...], "complete": bool}``.
    """

    def triads(rep: BalanceResult) -> set[tuple]:
        out = {tuple(sorted(map(str, t))) for t in rep.unbalanced_triads}
        if actor is not None:
            out = {t for t in out if str(actor) in t}
        return out

    a, b = triads(before), triads(after)
    return {
        "appeared": [list(t) for t in sorted(b - a)],
        "disappeared": [list(t) for t in sorted(a - b)],
        "kept": [list(t) for t in sorted(a & b)],
        "complete": not (before.unbalanced_triads_truncated or after.unbalanced_triads_truncated),
    }

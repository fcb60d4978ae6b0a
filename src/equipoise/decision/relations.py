"""The balancer's ties and the relations criterion.

Ties come from the relations network as :func:`equipoise.network.graph.signed_graph_from_scenario`
builds it (its combine rule; neutral relations — ``sign: 0``, mediation, peacekeeping — make no
tie): ``t_bX`` is the signed weight of the tie between the balancer ``b`` and actor ``X``
(0 when there is none).

**relations** (0 best, lower is worse) — the share of the balancer's partnership weight an
option loses against the status quo, counting a neutral actor turned hostile as a loss too:

    relations = - sum_{X: t_bX >= 0} max(0, t_bX - t'_bX)  /  sum_{X: t_bX > 0} t_bX

with ``t`` the ties in the status quo's world and ``t'`` those in the option's world (the
denominator is 1 when the balancer has no partner). A partner whose tie weakens costs the
lost weight; a partner turned hostile costs its old weight plus the new hostile weight; a new
hostile tie with an actor the balancer had no tie with costs its weight; ties with actors
already hostile and any gain count nothing — a balancer's aim is to keep its partners, and a
neutral tie (mediation, a deployment both parties accept) is not taking a side.

**partner_satisfaction** — the older, satisfaction-weighted term:
``sum_X t_bX ΔU_X / sum_X |t_bX|`` over the actors tied to the balancer that have stances
(a partner's gain counts for, a rival's against).
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario

__all__ = ["balancer_ties", "relations_loss"]


def balancer_ties(scenario: Scenario, balancer: str) -> tuple[int, dict[str, float]]:
    """Unbalanced triads of the balancer and its signed ties (actor -> ``t_bX``)."""
    from ..network.graph import signed_graph_from_scenario
    from ..network.triads import node_triads

    graph = signed_graph_from_scenario(scenario, as_of=None)
    index = {node: k for k, node in enumerate(graph.nodes)}
    if balancer not in index:
        return 0, {}
    _, unbalanced = node_triads(graph)
    ties: dict[str, float] = {}
    for u, v, w in zip(graph.u, graph.v, graph.signed_weight):
        a, b = graph.nodes[u], graph.nodes[v]
        if a == balancer:
            ties[str(b)] = float(w)
        elif b == balancer:
            ties[str(a)] = float(w)
    return int(unbalanced[index[balancer]]), ties


def relations_loss(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The relations criterion (module docstring), vectorised.

    ``before`` ``(N, X)``: ties in the status quo's world; ``after`` ``(N, m, X)``: ties in
    each option's world. Returns ``(N, m)``.
    """
    keep = (before >= 0)[:, None, :]
    lost = np.where(keep, np.maximum(0.0, before[:, None, :] - after), 0.0).sum(axis=-1)
    total = np.where(before > 0, before, 0.0).sum(axis=-1)
    total = np.where(total > 0, total, 1.0)
    return 0.0 - lost / total[:, None]  # 0.0, not -0.0, when nothing is lost

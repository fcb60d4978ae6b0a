"""Walk-based degree of balance (Estrada & Benzi 2014).

Closed walks of length ``k`` weigh ``tr(A^k)``; a closed walk is *positive* when the product
of its signs is +1. Weighting walks of length ``k`` by ``1/k!`` (communicability), the degree
of balance is

    K(G) = tr(exp(A)) / tr(exp(|A|)) = Σ_i exp(λ_i(A)) / Σ_i exp(λ_i(|A|)) ,

which is 1 exactly when ``G`` is balanced (then ``A`` and ``|A|`` are similar by a diagonal
±1 switching) and decreases towards 0 as negative closed walks cancel positive ones.
Computed from the eigenvalues of the two symmetric matrices with a log-sum-exp, so large
weights do not overflow.

Reference: E. Estrada, M. Benzi (2014), "Walk-based measure of balance in signed networks:
Detecting lack of balance in social networks", *Physical Review E* 90, 042802.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from equipoise.network.graph import SignedGraph

__all__ = ["walk_balance"]


def _log_sum_exp(values: np.ndarray) -> float:
    """``log(Σ exp(v))`` without overflow: ``m + log(Σ exp(v - m))`` with ``m = max(v)``
    (the formula of ``scipy.special.logsumexp``, whose import would cost the command line
    more start-up time than this whole computation on a graph of a thousand ties)."""
    m = float(np.max(values))
    return m + float(np.log(np.sum(np.exp(values - m))))


def walk_balance(graph: SignedGraph, *, max_nodes: int = 5000) -> float | None:
    """Estrada–Benzi degree of balance ``K = tr(exp(A)) / tr(exp(|A|))`` in ``(0, 1]``.

    Uses the tie weights (``A_ij = σ_ij w_ij``). Returns ``None`` for graphs with more than
    ``max_nodes`` nodes (dense eigenvalues would be too costly) and 1.0 for graphs without ties.
    """
    n = graph.n
    if n == 0 or graph.m == 0:
        return 1.0
    if n > max_nodes:
        return None
    import scipy.linalg as sla

    lam = sla.eigvalsh(graph.adjacency(dense=True), check_finite=False)
    lam_abs = sla.eigvalsh(graph.adjacency(absolute=True, dense=True), check_finite=False)
    return float(min(1.0, np.exp(_log_sum_exp(lam) - _log_sum_exp(lam_abs))))

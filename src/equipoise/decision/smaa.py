"""Stochastic multicriteria acceptability analysis (SMAA-2) on arrays.

Lahdelma, R. & Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability analysis
for group decision making. *Operations Research* 49(3), 444-454.

Given criteria values ``V[n, i, j]`` (draw n, option i, criterion j; higher is better,
already on comparable scales) and weight vectors ``W[n, j]`` (non-negative, summing to 1),
the score of option i in draw n is ``u[n, i] = sum_j W[n, j] V[n, i, j]`` and:

- rank acceptability ``b[i, r]`` = share of draws in which option i has rank r (r = 0 best);
- first-rank acceptability ``b[i, 0]``;
- central weight vector ``wc[i]`` = mean of the weights in the draws where i ranks first;
- confidence factor ``pc[i]`` = share of draws of the criteria values in which option i ranks
  first when the weights are fixed at ``wc[i]``.

Ties (scores within a relative tolerance) share the ranks they occupy: ``t`` options tied at
ranks ``r .. r+t-1`` each receive ``1/t`` of every one of those ranks. So identical options
get identical acceptabilities, and every rank's acceptabilities sum to 1 over the options.

Monte Carlo standard error of the first-rank acceptability ``a_i = (1/N) sum_n c[n, i]``
(``c`` the draw's first-rank credit, ties split): draws fall into ``G`` groups ``g`` that may
share inputs (the SMAA draws that share a forecast, :mod:`equipoise.decision.analysis`), and
the cluster (sandwich) estimator is used,
``se_i^2 = G / (G - 1) · sum_g (sum_{n in g} (c[n, i] - a_i))^2 / N^2``. With one draw per
group (``G = N``) it is the ordinary iid standard error ``s_i / sqrt(N)``, ``s_i^2`` the
sample variance (``N - 1`` in the denominator) of the credits; for 0/1 credits
``sqrt(a_i (1 - a_i) / (N - 1))``. Undefined (NaN) with a single group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SMAAResult",
    "smaa2",
    "rank_shares",
    "sample_simplex",
    "sample_weights",
    "acceptability_se",
]


@dataclass(frozen=True)
class SMAAResult:
    """SMAA-2 indices for ``m`` options and ``k`` criteria."""

    rank_acceptability: np.ndarray  # (m, m): option x rank
    central_weights: np.ndarray  # (m, k); NaN rows for options never first
    confidence: np.ndarray  # (m,); NaN for options never first
    #: (m,) Monte Carlo standard error of each first-rank acceptability (module docstring);
    #: NaN when undefined (a single group of draws)
    acceptability_se: np.ndarray | None = None

    @property
    def acceptability(self) -> np.ndarray:
        """First-rank acceptability of each option."""
        return self.rank_acceptability[:, 0]


def sample_simplex(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """``n`` weight vectors uniform on the ``k``-simplex (flat Dirichlet)."""
    return rng.dirichlet(np.ones(k), size=n)


def sample_weights(
    rng: np.random.Generator, n: int, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """``n`` weight vectors uniform in the box ``[lower, upper]``, then normalised to sum 1.

    Point weights have ``lower == upper``. All-zero draws (possible only if every lower
    bound is 0) are replaced by the box midpoint.
    """
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    w = lower + (upper - lower) * rng.random((n, lower.size))
    total = w.sum(axis=1, keepdims=True)
    mid = (lower + upper) / 2
    bad = total[:, 0] <= 0
    if bad.any():
        w[bad] = mid
        total[bad, 0] = mid.sum()
    return w / total


def rank_shares(scores: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Per draw and option, the share of each rank: ``(N, m, m)`` -> summed by the caller.

    Returns ``(m, m)`` counts: ``counts[i, r]`` = (fractional) number of draws where option
    i holds rank r, ties split evenly (see the module docstring).
    """
    n, m = scores.shape
    scale = np.maximum(np.abs(scores).max(axis=1, keepdims=True), 1e-300)
    tol = rtol * scale
    diff = scores[:, None, :] - scores[:, :, None]  # diff[n, i, l] = u_l - u_i
    better = (diff > tol[:, :, None]).sum(axis=2)  # options strictly better than i
    equal = (np.abs(diff) <= tol[:, :, None]).sum(axis=2)  # including i itself
    counts = np.zeros((m, m))
    option = np.broadcast_to(np.arange(m), (n, m))
    for offset in range(m):
        mask = offset < equal
        np.add.at(counts, (option[mask], (better + offset)[mask]), 1.0 / equal[mask])
    return counts


def acceptability_se(credit: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Standard error ``(m,)`` of the column means of first-rank credits ``(N, m)``, the draws
    clustered by ``groups`` ``(N,)`` (group labels; ``None``: every draw its own group), by
    the cluster estimator of the module docstring."""
    credit = np.asarray(credit, float)
    n, m = credit.shape
    labels = np.arange(n) if groups is None else np.asarray(groups)
    _, g = np.unique(labels, return_inverse=True)
    n_groups = int(g.max()) + 1 if n else 0
    if n_groups < 2:
        return np.full(m, np.nan)
    totals = np.zeros((n_groups, m))
    np.add.at(totals, g.ravel(), credit - credit.mean(axis=0))
    var = n_groups / (n_groups - 1) * (totals**2).sum(axis=0) / n**2
    return np.sqrt(var)


def smaa2(
    values: np.ndarray,
    weights: np.ndarray,
    rtol: float = 1e-9,
    groups: np.ndarray | None = None,
) -> SMAAResult:
    """SMAA-2 indices from criteria values ``(N, m, k)`` and weights ``(N, k)``; ``groups``
    ``(N,)`` labels the draws that share inputs, for the standard errors (``None``: none
    share)."""
    values = np.asarray(values, float)
    weights = np.asarray(weights, float)
    n, m, k = values.shape
    if weights.shape != (n, k):
        raise ValueError(f"weights must have shape ({n}, {k}), got {weights.shape}")
    scores = np.einsum("nij,nj->ni", values, weights)
    counts = rank_shares(scores, rtol)
    rank_acc = counts / n
    # first-rank credit per draw (ties split) for the central weights
    first = _first_credit(scores, rtol)  # (N, m)
    credit = first.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        central = (first.T @ weights) / credit[:, None]
    confidence = np.full(m, np.nan)
    for i in np.flatnonzero(credit > 0):
        s_c = values @ central[i]  # (N, m): every draw scored with i's central weights
        confidence[i] = _first_credit(s_c, rtol)[:, i].mean()
    return SMAAResult(rank_acc, central, confidence, acceptability_se(first, groups))


def _first_credit(scores: np.ndarray, rtol: float) -> np.ndarray:
    """``(N, m)``: 1/t for each of the t options tied for first in a draw, else 0."""
    scale = np.maximum(np.abs(scores).max(axis=1, keepdims=True), 1e-300)
    best = scores.max(axis=1, keepdims=True)
    top = scores >= best - rtol * scale
    return top / top.sum(axis=1, keepdims=True)

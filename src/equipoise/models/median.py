r"""Weighted median ("median voter") model -- ``docs/models.md`` §1.2.

The forecast of an issue is the minimiser of

.. math:: F(y) = \sum_i w_i \, |x_i - y|, \qquad w_i = c_i s_i,

over the actors taking part. ``F`` is convex and piecewise linear with kinks at the actor
positions, so its minimiser set is an actor position or the closed interval between two
adjacent actor positions. Algorithm (§1.2): drop zero-weight actors, merge actors at the same
position (``|x_i - x_j| <= eps_x``), sort, and take the first distinct position whose
cumulative weight reaches ``W/2`` (tolerance ``1e-12 W``). On an exact tie (the cumulative
weight equals ``W/2`` there) the minimiser set is ``[p_r, p_{r+1}]``: the forecast is its
midpoint, ``tie = True`` and both end points are reported (``details[issue]["interval"]``).

This is also the Condorcet winner with linear votes that the expected utility model uses
(§2.3), so :func:`weighted_median` is shared with :mod:`equipoise.models.eum`.

References: docs/models.md §1.2; Black (1948) median voter; Achen (2006) in *The European Union
Decides* (CUP) for its use as a bargaining forecast.
"""

from __future__ import annotations

import numpy as np

from .base import BargainingModel, Batch
from .forecast import Forecast, single_pass_forecast
from .problem import EPS_REL, BargainingProblem

__all__ = ["WeightedMedian", "weighted_median"]


def weighted_median(
    x: np.ndarray, w: np.ndarray, eps: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised weighted median of §1.2 along the last axis.

    Parameters
    ----------
    x : (..., n) positions (``NaN`` = absent, treated as weight 0).
    w : (..., n) weights ``>= 0``.
    eps : tolerance for "same position", broadcastable to ``x.shape[:-1]``.

    Returns
    -------
    value, lower, upper, tie : arrays of shape ``x.shape[:-1]``. ``value`` is the midpoint of
    ``[lower, upper]`` on an exact tie (``tie`` True) and ``lower == upper`` otherwise.
    Rows with total weight 0 give ``NaN`` (callers refuse them first).
    """
    x = np.asarray(x, dtype=float)
    lead = x.shape[:-1]
    n = x.shape[-1]
    w = np.asarray(w, dtype=float)
    if w.shape != x.shape:
        w = np.broadcast_to(w, x.shape)
    use = w > 0
    use &= np.isfinite(x)
    xx = np.where(use, x, np.inf).reshape(-1, n)
    ww = np.where(use, w, 0.0).reshape(-1, n)
    rows = xx.shape[0]
    r = np.arange(rows)
    rc = r[:, None]
    order = np.argsort(xx, axis=1, kind="stable")
    xs = xx[rc, order]
    C = np.cumsum(ww[rc, order], axis=1)
    W = C[:, -1]
    h = 0.5 * W
    tol = 1e-12 * W
    k = np.argmax(C >= (h - tol)[:, None], axis=1)
    eps_r = np.asarray(eps, dtype=float)
    if eps_r.ndim:
        eps_r = np.broadcast_to(eps_r, lead).reshape(-1, 1)
    # group ends: last sorted index of each run of positions closer than eps (merged, §1.2)
    with np.errstate(invalid="ignore"):
        is_last = np.empty((rows, n), dtype=bool)
        np.greater(xs[:, 1:] - xs[:, :-1], eps_r, out=is_last[:, :-1])
    is_last[:, -1] = True
    nxt = np.where(is_last, np.arange(n), n)
    end = np.minimum.accumulate(nxt[:, ::-1], axis=1)[:, ::-1]
    e = end[r, k]
    tie = np.abs(C[r, e] - h) <= tol
    tie &= e < n - 1
    p_lo = xs[r, k]
    p_next = xs[r, np.minimum(e + 1, n - 1)]
    tie &= np.isfinite(p_next)
    hi = np.where(tie, p_next, p_lo)
    val = np.where(tie, 0.5 * (p_lo + hi), p_lo)
    bad = ~(W > 0)
    if bad.any():
        val = np.where(bad, np.nan, val)
        p_lo = np.where(bad, np.nan, p_lo)
        hi = np.where(bad, np.nan, hi)
    return (val.reshape(lead), p_lo.reshape(lead), hi.reshape(lead), tie.reshape(lead))


class WeightedMedian(BargainingModel):
    """Weighted median of positions with weights ``capability x salience`` (docs/models.md §1.2).

    No parameters. ``forecast(problem)`` forecasts every issue independently from the
    actors taking part; ``details[issue]`` holds ``interval`` (the two end points of the
    minimiser set) and ``tie`` (exact tie, midpoint returned). In ``forecast_batch``,
    ``eps_x`` is ``1e-9 * (upper - lower)`` when bounds are given, else ``1e-9`` times the
    spread of each draw's positions.
    """

    name = "median"

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        x = problem.position.T  # (n_i, n_a)
        w = problem.weight.T
        val, lo, hi, tie = weighted_median(x, w, problem.eps_x)
        details = {
            issue: {"interval": (float(lo[i]), float(hi[i])), "tie": bool(tie[i])}
            for i, issue in enumerate(problem.issues)
        }
        return single_pass_forecast(self.name, problem, val, details)

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """Weighted medians of every draw at once (no loop over draws)."""
        xt = np.swapaxes(batch.position, 1, 2)  # (B, n_i, n_a)
        wt = np.swapaxes(batch.weight, 1, 2)
        lo, hi = batch.lower, batch.upper
        if lo is not None and hi is not None:
            eps = np.broadcast_to(EPS_REL * (hi - lo), xt.shape[:2])
        else:
            with np.errstate(invalid="ignore"):
                spread = np.nanmax(xt, axis=2) - np.nanmin(xt, axis=2)
            eps = EPS_REL * np.nan_to_num(spread)
        return weighted_median(xt, wt, eps)[0]

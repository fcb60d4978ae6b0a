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

from typing import Any

import numpy as np

from ..errors import ModelInputError
from .forecast import Forecast, single_pass_forecast
from .problem import EPS_REL, BargainingProblem, prepare_batch

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


def _refuse_zero_weight(W: np.ndarray, issues: Any) -> None:
    """``W``: (B, n_issues) total weights. Raise naming the issue (and draw) if any is 0."""
    bad = ~(W > 0)
    if bad.any():
        b, i = (int(v[0]) for v in np.nonzero(bad))
        name = repr(issues[i]) if issues is not None else f"#{i}"
        where = (f" (draw {b}; {int(bad.sum())} draw-issue cell(s) affected)"
                 if W.shape[0] > 1 else "")
        raise ModelInputError(
            f"issue {name}: no actor has positive capability x salience{where}; "
            f"the weighted models are undefined there"
        )


class WeightedMedian:
    """Weighted median of positions with weights ``capability x salience`` (docs/models.md §1.2).

    No parameters. ``forecast(problem)`` forecasts every issue independently from the
    actors taking part; ``details[issue]`` holds ``interval`` (the two end points of the
    minimiser set) and ``tie`` (exact tie, midpoint returned).
    """

    name = "median"
    #: Issues are decided together (an option changing one issue can move the others),
    #: and the model needs at least this many.
    joint_issues = False
    min_issues = 1

    def get_params(self) -> dict[str, Any]:
        return {}

    def forecast(self, problem: BargainingProblem) -> Forecast:
        problem.require_weight()
        x = problem.position.T  # (n_i, n_a)
        w = problem.weight.T
        val, lo, hi, tie = weighted_median(x, w, problem.eps_x)
        details = {issue: {"interval": (float(lo[i]), float(hi[i])), "tie": bool(tie[i])}
                   for i, issue in enumerate(problem.issues)}
        return single_pass_forecast(self.name, problem, val, details)

    def forecast_batch(
        self,
        position: Any,
        salience: Any,
        capability: Any,
        *,
        lower: Any = None,
        upper: Any = None,
        issues: Any = None,
        actors: Any = None,
    ) -> np.ndarray:
        """Weighted medians of many draws at once.

        ``position``, ``salience``, ``capability`` broadcast to ``(B, n_actors, n_issues)``
        (see :func:`equipoise.models.problem.prepare_batch`); returns ``(B, n_issues)``.
        ``eps_x`` is ``1e-9 * (upper - lower)`` when bounds are given, else ``1e-9`` times
        the spread of each draw's positions. Fully vectorised (no loop over draws).
        """
        x, s, c, present, lo, hi = prepare_batch(
            position, salience, capability, lower, upper, issues, actors
        )
        w = c * s
        _refuse_zero_weight(w.sum(axis=1), issues)
        xt = np.swapaxes(x, 1, 2)  # (B, n_i, n_a)
        wt = np.swapaxes(w, 1, 2)
        if lo is not None and hi is not None:
            eps = np.broadcast_to(EPS_REL * (hi - lo), xt.shape[:2])
        else:
            with np.errstate(invalid="ignore"):
                spread = np.nanmax(xt, axis=2) - np.nanmin(xt, axis=2)
            eps = EPS_REL * np.nan_to_num(spread)
        return weighted_median(xt, wt, eps)[0]

"""Which weights make an option first: exact linear programs over a doctrine's ranges.

For fixed normalised criteria values ``n_i`` (option i, higher is better) an option X is
first for weights ``w`` when ``d_Y . w >= 0`` for every other option Y, with
``d_Y = n_X - n_Y`` (ties count as first). A doctrine declares a range ``[lo_j, hi_j]`` per
criterion (a point weight is ``lo = hi``; an unweighted criterion is ``[0, 0]``) and, as in
the SMAA draws (:func:`equipoise.decision.smaa.sample_weights`) and the doctrine's central
scores, its weights are the box's points normalised to sum 1. The doctrine's **feasible
set** is therefore

    W_D = { v / sum(v) : lo <= v <= hi, v != 0 }
        = { w >= 0 : sum(w) = 1, s lo <= w <= s hi for some s > 0 }

(the second form by homogeneity, ``s = 1 / sum(v)``; it is linear in ``(w, s)``).

- **Best margin** (:func:`favourable_weights`): ``max z`` subject to ``z <= d_Y . w`` for
  every Y and ``w`` in ``W_D`` — the largest lead of X over its strongest rival that the
  doctrine allows. X can be first iff the optimum is ``>= -1e-9``; the maximiser is the
  **witness** (it sums to 1 and ``w / s`` lies in the ranges). When X cannot be first, the
  LP's dual values ``lambda_Y >= 0`` (summing to 1) are a Farkas certificate: the mixture
  ``sum_Y lambda_Y n_Y`` of the rivals beats X by at least ``-z*`` for every ``w`` in
  ``W_D``.
- **Weight ranges** (same function): for each criterion j, ``min`` and ``max`` of ``w_j``
  over ``{w in W_D : d_Y . w >= 0 for all Y}`` (2k LPs; weights normalised to sum 1).
- **Widening** (:func:`smallest_widening`), when X cannot be first: the widened ranges
  ``[lo - a, hi + b]`` (``a, b >= 0``, in the doctrine's own weight units) with the least
  ``sum(a + b)`` that hold a weight vector ``v`` for which X is first. The total ``sum(v)``
  may not fall below the total of the lower bounds (of the midpoint weights when every lower
  bound is 0): otherwise shrinking every weight towards zero would count as a widening.
  Linear in ``(v, a, b)`` because "X first" is a cone condition.

Solved with HiGHS (``highspy``, :mod:`.lp`). Dantzig's linear programming;
the fractional-to-linear change of variables is Charnes & Cooper (1962), *Programming with
linear fractional functionals*, Naval Research Logistics Quarterly 9, 181-186.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .lp import lp_model, run, solve_lp

__all__ = ["Favourable", "Widening", "favourable_weights", "smallest_widening", "TIE"]

#: Score differences within this count as ties (an option tied for first is first).
TIE = 1e-9


@dataclass(frozen=True)
class Favourable:
    """Whether option X can be first for some weights of a doctrine, and how."""

    can_be_first: bool
    margin: float  # best achievable score(X) - max other score (negative: never first)
    witness: np.ndarray | None  # (k,) the maximiser of the margin, sums to 1
    weight_ranges: np.ndarray | None  # (k, 2) least and greatest w_j with X first
    certificate: np.ndarray | None  # (m,) dual mixture of the rivals when X cannot be first


@dataclass(frozen=True)
class Widening:
    """The smallest widening of a doctrine's ranges that lets X be first."""

    total: float  # sum of the widenings, in the doctrine's weight units
    lower: np.ndarray  # (k,) widened lower bounds
    upper: np.ndarray  # (k,) widened upper bounds
    weights: np.ndarray  # (k,) the favourable weight vector, normalised to sum 1


def _rows(
    normalised: np.ndarray, option: int, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inequality rows over ``(w, s, z)``: ``z - d_Y.w <= 0`` per rival, then
    ``w - s hi <= 0`` and ``s lo - w <= 0`` (the cone form of the ranges)."""
    m, k = normalised.shape
    rivals = np.delete(np.arange(m), option)
    d = normalised[option] - normalised[rivals]  # (m-1, k)
    top = np.hstack([-d, np.zeros((len(rivals), 1)), np.ones((len(rivals), 1))])
    eye = np.eye(k)
    up = np.hstack([eye, -upper[:, None], np.zeros((k, 1))])
    pos = lower > 0
    down = np.hstack([-eye[pos], lower[pos, None], np.zeros((int(pos.sum()), 1))])
    return np.vstack([top, up, down]), rivals, d


def favourable_weights(
    normalised: np.ndarray, option: int, lower: np.ndarray, upper: np.ndarray, ranges: bool = True
) -> Favourable:
    """Best margin, witness, weight ranges (or Farkas certificate) of ``option``.

    ``normalised`` ``(m, k)``: the options' normalised criteria values; ``lower``, ``upper``
    ``(k,)``: the doctrine's ranges (module docstring). ``ranges=False`` skips the 2k LPs
    of the weight ranges.
    """
    n = np.asarray(normalised, float)
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    m, k = n.shape
    if m == 1:  # no rival: first for every weight
        return Favourable(True, np.inf, upper / upper.sum(), None, None)
    a_ub, rivals, _ = _rows(n, option, lower, upper)
    a = np.vstack([a_ub, np.hstack([np.ones((1, k)), np.zeros((1, 2))])])  # sum w = 1
    row_lo = np.concatenate([np.full(a_ub.shape[0], -np.inf), [1.0]])
    row_hi = np.concatenate([np.zeros(a_ub.shape[0]), [1.0]])
    col_lo = np.concatenate([np.zeros(k), [0.0, -np.inf]])
    col_hi = np.concatenate([np.where(upper > 0, 1.0, 0.0), [np.inf, np.inf]])
    c = np.zeros(k + 2)
    c[-1] = -1.0  # maximise z
    res = solve_lp(c, a, row_lo, row_hi, col_lo, col_hi)
    if res.status != "optimal" or res.x is None or res.row_dual is None:
        raise RuntimeError(f"the margin LP failed: {res.status}")
    margin = float(-res.objective)
    witness = np.clip(res.x[:k], 0.0, None)
    witness = witness / witness.sum()
    if margin < -TIE:
        lam = np.zeros(m)
        lam[rivals] = np.clip(-res.row_dual[: len(rivals)], 0.0, None)
        total = lam.sum()
        return Favourable(False, margin, None, None, lam / total if total > 0 else lam)
    out = None
    if ranges:
        col_hi_first = col_hi.copy()
        col_lo_first = col_lo.copy()
        col_lo_first[-1] = col_hi_first[-1] = 0.0  # z = 0: X (weakly) first
        h = lp_model(np.zeros(k + 2), a, row_lo, row_hi, col_lo_first, col_hi_first)
        out = _extreme_weights(h, [j for j in range(k) if upper[j] > 0], witness)
    return Favourable(True, margin, witness, out, None)


def _extreme_weights(h: Any, columns: list[int], witness: np.ndarray) -> np.ndarray:
    """``(k, 2)``: min and max of each weight in ``columns`` over the polytope held by the
    HiGHS model ``h`` (2 LPs per column, only the objective changing)."""
    out = np.zeros((len(witness), 2))
    for j in columns:
        for side, sign in ((0, 1.0), (1, -1.0)):
            h.changeColCost(j, sign)
            r = run(h)
            # numerically at the edge: fall back on the witness
            out[j, side] = float(np.clip(r.x[j], 0.0, 1.0)) if r.x is not None else witness[j]
        h.changeColCost(j, 0.0)
    return out


def smallest_widening(
    normalised: np.ndarray, option: int, lower: np.ndarray, upper: np.ndarray
) -> Widening | None:
    """The least total widening of ``[lower, upper]`` that lets ``option`` be first
    (module docstring), or ``None`` when no weights at all make it first. Variables
    ``(v, a, b)``; minimise ``sum(a + b)``."""
    n = np.asarray(normalised, float)
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    m, k = n.shape
    rivals = np.delete(np.arange(m), option)
    d = n[option] - n[rivals]
    eye = np.eye(k)
    zero = np.zeros((k, k))
    total_floor = lower.sum() if lower.sum() > 0 else ((lower + upper) / 2).sum()
    a_ub = np.vstack(
        [
            np.hstack([eye, zero, -eye]),  # v - b <= hi
            np.hstack([-eye, -eye, zero]),  # -v - a <= -lo
            np.hstack([-d, np.zeros((len(rivals), 2 * k))]),  # X first: -d.v <= 0
            np.hstack([-np.ones((1, k)), np.zeros((1, 2 * k))]),  # sum v >= floor
        ]
    )
    b_ub = np.concatenate([upper, -lower, np.zeros(len(rivals)), [-total_floor]])
    c = np.concatenate([np.zeros(k), np.ones(2 * k)])
    res = solve_lp(
        c, a_ub, np.full(len(b_ub), -np.inf), b_ub, np.zeros(3 * k), np.full(3 * k, np.inf)
    )
    if res.status == "infeasible":  # no weights make X first
        return None
    if res.status != "optimal" or res.x is None:
        raise RuntimeError(f"the widening LP failed: {res.status}")
    v, a, b = res.x[:k], res.x[k : 2 * k], res.x[2 * k :]
    a = np.where(a > 1e-12, a, 0.0)
    b = np.where(b > 1e-12, b, 0.0)
    return Widening(
        float(a.sum() + b.sum()),
        np.clip(lower - a, 0.0, None),
        upper + b,
        np.clip(v, 0.0, None) / v.sum(),
    )

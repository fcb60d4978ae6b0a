"""Stability intervals: how far one weight can move before a doctrine's pick changes.

For central weights ``w0`` (summing to 1) and a criterion j, move the weight of j to ``t``
and rescale the others proportionally:

    w(t) = t e_j + (1 - t) q,    q = w0 with w0_j set to 0, divided by (1 - w0_j)

so ``w(w0_j) = w0`` and ``w(t)`` sums to 1 for ``t`` in [0, 1]. Every option's score
``s_i(t) = t n_ij + (1 - t) n_i . q`` is linear in ``t``, so the lead of the picked option X
over a rival Y, ``f_Y(t) = alpha_Y + t beta_Y``, crosses zero at most once, at
``t_Y = -alpha_Y / beta_Y``. X stays first on ``[max(0, max_{beta_Y > 0} t_Y),
min(1, min_{beta_Y < 0} t_Y)]``; the rival whose crossing bounds the interval takes over
there (closed form; the one-at-a-time weight sensitivity of e.g. Triantaphyllou & Sánchez
1997, with the proportional rescaling that keeps the weights summing to 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Stability", "stability_intervals"]


@dataclass(frozen=True)
class Stability:
    """X's interval for one criterion's weight (the others rescaled proportionally)."""

    criterion: str
    weight: float  # the central weight w0_j
    lower: float  # X stays first for w_j in [lower, upper]
    upper: float
    below: int | None  # option that takes over below ``lower`` (None: X first down to 0)
    above: int | None  # option that takes over above ``upper`` (None: X first up to 1)


def stability_intervals(
    normalised: np.ndarray, weights: np.ndarray, criteria: list[str]
) -> tuple[int, list[Stability]]:
    """The option first under ``weights`` (``argmax``) and its interval per criterion.

    ``normalised`` ``(m, k)``, ``weights`` ``(k,)`` summing to 1. A criterion that already
    holds all the weight has no others to rescale and is left out.
    """
    n = np.asarray(normalised, float)
    w0 = np.asarray(weights, float)
    x = int(np.argmax(n @ w0))
    m = n.shape[0]
    rivals = np.array([i for i in range(m) if i != x], dtype=int)
    out: list[Stability] = []
    for j, name in enumerate(criteria):
        if w0[j] >= 1.0 - 1e-12:
            continue
        q = w0.copy()
        q[j] = 0.0
        q /= 1.0 - w0[j]
        r = n @ q
        alpha = r[x] - r[rivals]
        beta = (n[x, j] - n[rivals, j]) - alpha
        lo, hi, below, above = 0.0, 1.0, None, None
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = -alpha / beta
        for y, b, t in zip(rivals, beta, cross):
            if b > 1e-15 and t > lo:  # Y leads below t
                lo, below = float(t), int(y)
            elif b < -1e-15 and t < hi:  # Y leads above t
                hi, above = float(t), int(y)
        out.append(Stability(name, float(w0[j]), min(lo, w0[j]), max(hi, w0[j]), below, above))
    return x, out

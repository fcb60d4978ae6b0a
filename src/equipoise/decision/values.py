"""Actors' utilities from forecast outcomes: linear loss, or a declared value function.

For actor ``a`` with position ``x_ad``, salience ``s_ad`` on issue ``d`` (scale length ``R_d``)
and outcomes ``O``, the per-issue utility is

- ``u_ad(O) = -|O_d - x_ad| / R_d`` by default (linear loss, as in the median and expected
  utility models), or
- ``u_ad(O) = v_ad(O_d) - 1`` when the stance declares a ``value_function``: the
  piecewise-linear interpolation of its points ``[x, v]`` (``v`` in [0, 1], 1 best; flat
  beyond the first and last point) — a threshold such as "the ally must not be completely
  defeated" is a steep step in ``v``.

and the actor's utility is the salience-weighted mean ``U_a = sum_d s_ad u_ad / sum_d s_ad``
(0 best, -1 worst; 0 for an actor with no salience anywhere).
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario

__all__ = ["utilities", "value_functions", "ValueFunctions"]

#: (actor index, issue index) -> (x points, v points) of a declared value function.
ValueFunctions = dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]


def value_functions(
    scenario: Scenario, actors: tuple[str, ...] | list[str], issues: tuple[str, ...] | list[str]
) -> ValueFunctions:
    """The declared value functions of ``scenario``'s stances, by array index."""
    a_idx = {a: k for k, a in enumerate(actors)}
    i_idx = {i: k for k, i in enumerate(issues)}
    out: ValueFunctions = {}
    for st in scenario.stances:
        if st.value_function and st.actor in a_idx and st.issue in i_idx:
            pts = np.asarray(st.value_function, float)
            out[(a_idx[st.actor], i_idx[st.issue])] = (pts[:, 0], pts[:, 1])
    return out


def utilities(
    outcomes: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    length: np.ndarray,
    functions: ValueFunctions | None = None,
) -> np.ndarray:
    """Utility of every actor for forecast outcomes, vectorised over draws.

    ``outcomes`` ``(N, D)``; ``position``, ``salience`` ``(N, n, D)`` or ``(n, D)`` with NaN
    positions for absent actors; ``length`` ``(D,)`` scale lengths; ``functions`` the
    declared value functions (:func:`value_functions`). Returns ``(N, n)`` (module
    docstring).
    """
    x = np.asarray(position, float)
    s = np.where(np.isnan(x), 0.0, np.asarray(salience, float))
    per_issue = -np.abs(outcomes[:, None, :] - np.nan_to_num(x)) / length  # (N, n, D)
    if functions:
        per_issue = np.array(per_issue, copy=True)
        for (a, d), (xs, vs) in functions.items():
            per_issue[:, a, d] = np.interp(outcomes[:, d], xs, vs) - 1.0
    total = s.sum(axis=-1)
    gain = (s * per_issue).sum(axis=-1)
    return np.divide(gain, total, out=np.zeros_like(gain), where=total > 0)

"""Declared consequences: bounds or values on issue outcomes, applied after forecasting.

A consequence ``{issue, min, max}`` clips the forecast of the issue to ``[min, max]``;
``{issue, value}`` sets it. A variant's consequences apply to every option in that variant,
then the option's own apply on top (``clip(clip(O, variant), option)``: where the two
disagree, the option's bound wins). Applied to every draw of the robustness analysis too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario import Consequence

__all__ = ["bounds", "apply_bounds"]


def bounds(
    consequences: Sequence[Consequence], issues: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` arrays ``(D,)`` (``-inf``/``inf`` where unbounded)."""
    lo = np.full(len(issues), -np.inf)
    hi = np.full(len(issues), np.inf)
    index = {i: k for k, i in enumerate(issues)}
    for c in consequences:
        d = index[c.issue]
        a = c.value if c.value is not None else c.min
        b = c.value if c.value is not None else c.max
        if a is not None:
            lo[d] = max(lo[d], a)
        if b is not None:
            hi[d] = min(hi[d], b)
    return lo, hi


def apply_bounds(
    outcomes: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """``outcomes`` ``(..., m, D)`` clipped by each layer in turn; a layer's arrays are
    ``(D,)`` (every option) or ``(m, D)`` (per option)."""
    out = outcomes
    for lo, hi in layers:
        out = np.minimum(np.maximum(out, lo), hi)
    return out

"""When the robust choice flips: a short rule for the draws in which it loses first rank.

Scenario discovery (Bryant & Lempert 2010, *Technological Forecasting and Social Change*
77, 34-49) with PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999,
*Statistics and Computing* 9, 123-143), as implemented by the EMA Workbench
(``ema_workbench.analysis.prim``; Kwakkel 2017): PRIM peels the box of all draws, a few
per cent at a time along one input, towards the draws of interest — here the SMAA draws in
which the robust option is **not** first (the overall acceptability's draws: inputs and
weights) — and records a trajectory of ever smaller, denser boxes.

The rule chosen from the trajectory: among the boxes that restrict at most ``max_terms``
inputs, cover at least ``min_coverage`` of the flips and are denser than all the draws, the
shortest rule whose density is within ``slack`` (5 points) of the densest, the densest of
those (a longer rule must earn its terms); when no box covers enough, the box with the
largest coverage × density. For the rule ``R``, over the draws:

- coverage = #(flips in R) / #(flips): how much of the flip region the rule explains;
- density = #(flips in R) / #(draws in R): how reliably the choice flips inside it;
- mass = #(draws in R) / #(draws).

Both are recomputed here by applying the printed rule to the draws (bounds inclusive), so
the figures are those of the rule as read. The inputs offered to PRIM, each named so that
the rule reads as a sentence: every declared criterion value of every option (options with
identical content share theirs), every stance's position and salience, each capability's
factor, each tie's factor, each criterion's weight, the doctrine drawn (and the model, when
the draws use several).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelInputError
from .executor import require

__all__ = ["FlipRule", "Condition", "flip_rule", "flip_features", "rule_stats"]

_PURPOSE = "The flip rule (--flip)"


@dataclass(frozen=True)
class Condition:
    """One term of a rule: ``lo <= input <= hi`` (either side open) or ``input in values``."""

    input: str
    lo: float | None = None
    hi: float | None = None
    values: tuple[str, ...] | None = None

    def holds(self, column: np.ndarray) -> np.ndarray:
        if self.values is not None:
            return np.isin(column.astype(str), list(self.values))
        ok = np.ones(column.shape, bool)
        if self.lo is not None:
            ok &= column >= self.lo
        if self.hi is not None:
            ok &= column <= self.hi
        return ok

    def text(self) -> str:
        if self.values is not None:
            return f"{self.input} is " + " or ".join(self.values)
        if self.lo is not None and self.hi is not None:
            return f"{self.input} between {self.lo:.3g} and {self.hi:.3g}"
        if self.hi is not None:
            return f"{self.input} ≤ {self.hi:.3g}"
        return f"{self.input} ≥ {self.lo:.3g}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input}
        if self.values is not None:
            out["in"] = list(self.values)
        else:
            out["min"], out["max"] = self.lo, self.hi
        return out


@dataclass(frozen=True)
class FlipRule:
    """The region where the robust option loses first rank, as a conjunction of
    conditions on the draws' inputs."""

    robust: str
    conditions: list[Condition]
    coverage: float
    density: float
    mass: float
    flips: int  # draws in which the robust option is not first
    draws: int
    method: str = "PRIM (EMA Workbench)"

    @property
    def flip_share(self) -> float:
        return self.flips / self.draws if self.draws else 0.0

    def sentence(self, name: str | None = None) -> str:
        who = f"'{name or self.robust}'"
        if self.flips == 0:
            return f"{who} is first in every draw: there is no flip region to describe."
        if not self.conditions:
            return (
                f"{who} loses first rank in {self.flip_share:.0%} of the draws, and no "
                "short rule on the inputs separates those draws from the others."
            )
        rule = " and ".join(c.text() for c in self.conditions)
        return (
            f"{who} loses first rank in {self.flip_share:.0%} of the draws; when {rule}, "
            f"it loses in {self.density:.0%} of them (density), and this rule takes in "
            f"{self.coverage:.0%} of all the draws where it loses (coverage)."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "robust_option": self.robust,
            "flips": self.flips,
            "draws": self.draws,
            "rule": [c.to_dict() for c in self.conditions],
            "text": " and ".join(c.text() for c in self.conditions),
            "coverage": round(self.coverage, 6),
            "density": round(self.density, 6),
            "mass": round(self.mass, 6),
        }


def flip_features(kept: Any, names: dict[str, str] | None = None) -> tuple[Any, np.ndarray]:
    """The draws' inputs as a table (``pandas.DataFrame``, one row per draw, one named
    column per input; module docstring; inputs that never vary are left out) and its
    column names."""
    pd = require("pandas", "explain", _PURPOSE)
    names = names or {}
    cols: dict[str, Any] = {}
    inp = kept.inputs
    n_j = int(kept.judgements.max()) + 1 if len(kept.options) else 0
    for j in range(n_j):
        owners = [o for o, jj in zip(kept.options, kept.judgements) if jj == j]
        first = int(np.flatnonzero(kept.judgements == j)[0])
        label = names.get(owners[0], owners[0])
        for c_i, c in enumerate(kept.declared):
            cols[f"{c} of '{label}'"] = inp.declared[:, first, c_i]
    a, d = np.nonzero(kept.stance)
    pos, sal = kept.positions(), kept.saliences()
    for i, k in zip(a, d):
        who = names.get(kept.actors[i], kept.actors[i])
        cols[f"position of {who} on {kept.issues[k]}"] = pos[:, i, k]
        cols[f"salience of {who} on {kept.issues[k]}"] = sal[:, i, k]
        cols[f"capability factor of {who} on {kept.issues[k]}"] = inp.capability[:, i, k]
    for t, x in enumerate(kept.tie_actors):
        cols[f"tie factor to {names.get(x, x)}"] = inp.ties[:, t]
    for c_i, c in enumerate(kept.criteria):
        w = kept.weights[:, c_i]
        if np.ptp(w) > 0:
            cols[f"weight of {c}"] = w
    if kept.doctrines and len(kept.doctrines) > 1:
        cols["doctrine"] = pd.Categorical([kept.doctrines[i] for i in kept.doctrine])
    if len(np.unique(inp.model)) > 1:
        cols["model draw"] = pd.Categorical([str(i) for i in inp.model])
    table = pd.DataFrame(cols)
    const = [
        c
        for c in table.columns
        if table[c].dtype != "category" and np.ptp(table[c].to_numpy()) == 0
    ]
    return table.drop(columns=const), np.asarray(table.columns)


def flips_of(kept: Any, robust: str, rtol: float = 1e-9) -> np.ndarray:
    """``(N,)`` True where ``robust`` is not first in the draw (another option's score is
    higher by more than the SMAA's tie tolerance)."""
    scores = np.einsum("nij,nj->ni", kept.values, kept.weights)
    r = kept.options.index(robust)
    others = np.delete(scores, r, axis=1)
    if others.shape[1] == 0:
        return np.zeros(len(scores), bool)
    scale = np.maximum(np.abs(scores).max(axis=1), 1e-300)
    return others.max(axis=1) > scores[:, r] + rtol * scale


def rule_stats(
    table: Any, y: np.ndarray, conditions: list[Condition]
) -> tuple[float, float, float]:
    """Coverage, density and mass of ``conditions`` applied to ``table`` (module
    docstring); density is 0 for an empty box, coverage 0 when there is no flip."""
    inside = np.ones(len(y), bool)
    for c in conditions:
        inside &= c.holds(np.asarray(table[c.input]))
    hits = int((inside & y).sum())
    n_in = int(inside.sum())
    return (
        hits / int(y.sum()) if y.sum() else 0.0,
        hits / n_in if n_in else 0.0,
        n_in / len(y) if len(y) else 0.0,
    )


def _conditions(box_lim: Any, box_init: Any) -> list[Condition]:
    out = []
    for col in box_lim.columns:
        lo, hi = box_lim[col].iloc[0], box_lim[col].iloc[1]
        lo0, hi0 = box_init[col].iloc[0], box_init[col].iloc[1]
        if isinstance(lo, set):
            if lo != lo0:
                out.append(Condition(col, values=tuple(sorted(map(str, lo)))))
            continue
        if lo == lo0 and hi == hi0:
            continue
        out.append(
            Condition(col, lo=None if lo == lo0 else float(lo), hi=None if hi == hi0 else float(hi))
        )
    return out


def prim_rule(
    table: Any,
    y: np.ndarray,
    *,
    max_terms: int = 3,
    min_coverage: float = 0.5,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    slack: float = 0.05,
) -> list[Condition]:
    """PRIM's peeling trajectory, each box read as conditions and scored by
    :func:`rule_stats`; the box chosen as the module docstring says (``[]``: none better
    than all the draws)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        require("ema_workbench", "explain", _PURPOSE)
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.WARNING)
        p = prim.Prim(
            table, np.asarray(y, bool), threshold=0.0, peel_alpha=peel_alpha, mass_min=mass_min
        )
        box = p.find_box()
    candidates = []
    for lim in box.box_lims:
        conditions = _conditions(lim, p.box_init)
        if 0 < len(conditions) <= max_terms:
            coverage, density, _ = rule_stats(table, y, conditions)
            candidates.append((coverage, density, conditions))
    base = float(np.mean(y)) if len(y) else 0.0
    candidates = [c for c in candidates if c[1] > base]  # denser than all the draws
    good = [c for c in candidates if c[0] >= min_coverage]
    if good:  # the shortest rule within `slack` of the best density, then the densest
        best = max(c[1] for c in good)
        near = [c for c in good if c[1] >= best - slack]
        return min(near, key=lambda c: (len(c[2]), -c[1], -c[0]))[2]
    if candidates:
        return max(candidates, key=lambda c: (c[0] * c[1], c[1]))[2]
    return []


def flip_rule(
    result: Any,
    *,
    robust: str | None = None,
    max_terms: int = 3,
    min_coverage: float = 0.5,
    names: dict[str, str] | None = None,
) -> FlipRule:
    """The flip rule of a decision analysed with ``decide(..., keep_draws=True)``.

    ``robust``: the option whose loss of first rank is described (default: the robust
    option); ``names``: display names of actors and options for the rule's inputs.
    """
    kept = result.draws_kept
    if kept is None:
        raise ModelInputError(
            "the flip rule needs the SMAA draws: run the decision with "
            "draws > 0 and keep_draws=True"
        )
    robust = robust or result.robust_option()
    if robust not in kept.options:
        raise ModelInputError(f"unknown option '{robust}'; options: " + ", ".join(kept.options))
    y = flips_of(kept, robust)
    table, _ = flip_features(kept, names)
    conditions = (
        prim_rule(table, y, max_terms=max_terms, min_coverage=min_coverage)
        if 0 < y.sum() < len(y)
        else []
    )
    coverage, density, mass = rule_stats(table, y, conditions)
    return FlipRule(robust, conditions, coverage, density, mass, int(y.sum()), len(y))

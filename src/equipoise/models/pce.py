r"""Probabilistic Condorcet election (PCE) over the actors' positions -- ``docs/smp.md`` §3.

One step, no bargaining: the options are the distinct positions the actors hold in a space
of issues (one issue, or several as one space: :mod:`.smp_space`); every actor votes in
every pairwise contest of options with weight ``w_k`` and the utility difference
``u_k(a) - u_k(b)``; coalition strengths give the probability that ``a`` beats ``b``
(``P = C_ab / (C_ab + C_ba)`` for the Linear model) and the Conditional PCE the probability
that each option emerges, ``p_a ∝ prod_b P[a, b]``. Utilities are KTAB's
``u = (1 - d)(1 + d R)`` of the salience-weighted distance ``d`` on the unit scale.

The **forecast** is the expected position ``sum_a p_a x_a`` over the distinct positions;
``details[issue]["probabilities"]`` gives each actor the probability that its position
emerges (actors sharing a position share it, so these can add up to more than 1), and
``most_probable`` the most probable position.

Defaults are equipoise's one-issue conventions: weight ``c s`` (capability x salience summed
over the space) and risk-neutral utilities (``R = 0``). ``weights="capability",
risk="inferred"`` is KTAB's own PCE of a state (the probabilities its SMP reports: risk
attitudes first inferred from a risk-neutral PCE, ``BigRRange``); the test suite checks it
against KTAB's reference run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Batch
from .forecast import Forecast, single_pass_forecast
from .problem import BargainingProblem
from .smp_rules import BIG_R_RANGES, PCE_MODELS, VICTORY_MODELS, VOTING_RULES, check_choice
from .smp_space import (
    SpaceGroupingModel,
    batch_spaces,
    check_spaces_param,
    space_arrays,
    space_groups,
)
from .smp_turn import (
    SMPOptions,
    distance_weights,
    distances,
    position_probabilities,
    risk_attitudes,
)

__all__ = ["ProbabilisticCondorcet", "pce_positions"]

_WEIGHTS = {
    "capability_salience": "c x s (salience summed over the space; default)",
    "capability": "c alone (KTAB)",
}
_RISK = {
    "neutral": "R = 0 for every actor (default)",
    "inferred": "R from a risk-neutral PCE, as KTAB's SMP does each turn",
}


def pce_positions(
    X: np.ndarray,
    S: np.ndarray,
    cap: np.ndarray,
    *,
    weights: str = "capability_salience",
    risk: str = "neutral",
    opt: SMPOptions | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """PCE of ``B`` problems: ``X``, ``S`` ``(B, N, D)`` on the unit scale, ``cap`` ``(B, N)``.

    Returns ``(per_actor, per_unique, expected, most_probable)``: the probability that each
    actor's position emerges ``(B, N)``, of each distinct position (``(B, N)``, 0 on the
    later copies), the expected position ``(B, D)`` and the most probable one ``(B, D)``.
    """
    opt = opt or SMPOptions()
    w = cap * S.sum(axis=2) if weights == "capability_salience" else cap
    d = distances(X, distance_weights(S))
    if risk == "inferred":
        R, _ = risk_attitudes(d, w, opt)
    else:
        R = np.zeros(cap.shape)
    per_actor, p, expected = position_probabilities(X, d, R, w, opt, voting=opt.voting)
    top = X[np.arange(X.shape[0]), p.argmax(axis=1)]
    return per_actor, p, expected, top


class ProbabilisticCondorcet(SpaceGroupingModel):
    """One-step probabilistic Condorcet election over the actors' positions (module doc).

    Parameters
    ----------
    weights : {"capability_salience", "capability"}, default "capability_salience"
    risk : {"neutral", "inferred"}, default "neutral"
    voting_rule : KTAB VotingRule, default "Prop"
    victory_prob_model : KTAB VPModel, default "Linear"
    pce_model : KTAB PCEModel, default "Conditional"
    big_r_range : KTAB BigRRange (``risk="inferred"``), default "Mid"
    spaces : "problem", "joint", "separate" or a list of lists of issue ids, default "problem"
        As for ``smp`` (:mod:`equipoise.models.smp_space`).
    """

    name = "pce"
    min_issues = 1

    def __init__(
        self,
        weights: str = "capability_salience",
        risk: str = "neutral",
        *,
        voting_rule: str = "Prop",
        victory_prob_model: str = "Linear",
        pce_model: str = "Conditional",
        big_r_range: str = "Mid",
        spaces: Any = "problem",
    ) -> None:
        self.weights = check_choice(weights, _WEIGHTS, "pce weights")
        self.risk = check_choice(risk, _RISK, "pce risk")
        self.voting_rule = check_choice(voting_rule, VOTING_RULES, "pce voting_rule")
        self.victory_prob_model = check_choice(
            victory_prob_model, VICTORY_MODELS, "pce victory_prob_model"
        )
        self.pce_model = check_choice(pce_model, PCE_MODELS, "pce pce_model")
        self.big_r_range = check_choice(big_r_range, BIG_R_RANGES, "pce big_r_range")
        self.spaces = check_spaces_param(spaces, "pce")
        self._opt = SMPOptions(
            victory=self.victory_prob_model,
            voting=self.voting_rule,
            pce=self.pce_model,
            big_r_range=self.big_r_range,
        )

    def _solve(self, arr: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return pce_positions(
            arr.X, arr.S, arr.cap, weights=self.weights, risk=self.risk, opt=self._opt
        )

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        """The PCE of every space of ``problem`` (module docstring)."""
        x, s, c = (a[None] for a in (problem.position, problem.salience, problem.capability))
        values = np.empty(problem.n_issues)
        details: dict[str, Any] = {}
        for idx in space_groups(problem.issues, self.spaces, problem):
            arr = space_arrays(
                x, s, c, problem.lower, problem.upper, idx, problem.issues, problem.actors, "pce"
            )
            per_actor, _, expected, top = self._solve(arr)
            names = [problem.actors[a] for a in arr.actors]
            probs = {a: float(per_actor[0, n]) for n, a in enumerate(names)}
            for k, i in enumerate(idx):
                values[i] = expected[0, k] * arr.width[k] + arr.lo[k]
                details[problem.issues[i]] = {
                    "space": [problem.issues[j] for j in idx],
                    "probabilities": probs,
                    "most_probable": float(top[0, k] * arr.width[k] + arr.lo[k]),
                }
        fc = single_pass_forecast(self.name, problem, values, details)
        fc.params = self.get_params()
        return fc

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """Expected positions of many draws at once, ``(B, n_issues)`` (scales default to
        0-100)."""
        x, s, c = batch.position, batch.salience, batch.capability
        B, n_a, n_i = x.shape
        lo = np.zeros(n_i) if batch.lower is None else batch.lower
        hi = np.full(n_i, 100.0) if batch.upper is None else batch.upper
        ids = list(batch.issues) if batch.issues is not None else [f"#{i}" for i in range(n_i)]
        names = list(batch.actors) if batch.actors is not None else [f"#{a}" for a in range(n_a)]
        out = np.empty((B, n_i))
        if B == 0:
            return out
        for idx in space_groups(ids, batch_spaces(self.spaces)):
            arr = space_arrays(x, s, c, lo, hi, idx, ids, names, "pce")
            out[:, idx] = self._solve(arr)[2] * arr.width + arr.lo
        return out

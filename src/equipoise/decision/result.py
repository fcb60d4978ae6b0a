"""The typed result of the decision analysis (:func:`equipoise.decision.decide`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..strict_json import finite_or_none
from .smaa import SMAAResult

__all__ = ["DecisionResult"]


@dataclass
class DecisionResult:
    """Everything the decision analysis found (``to_dict`` for JSON).

    ``options`` lists the status quo first, then the scenario's options, its packages and
    the evaluated combinations; ``kinds`` says which (``status quo``, ``option``,
    ``package``, ``combination``) and ``parts`` the options of each package.
    """

    balancer: str
    model: str
    variant: str | None
    options: list[str]
    option_names: dict[str, str]
    criteria: list[str]
    values: np.ndarray  # (m, k) criteria values oriented higher-is-better, deterministic
    normalised: np.ndarray  # (m, k) in [0, 1]
    outcomes: dict[str, dict[str, float]]  # option -> issue -> forecast (after bounds)
    unbalanced_triads: dict[str, int]  # option -> balancer's unbalanced triads
    by_doctrine: dict[str, dict[str, Any]]
    smaa: SMAAResult | None
    smaa_by_doctrine: dict[str, SMAAResult]
    draws: int
    seed: int | None
    params: dict[str, Any] = field(default_factory=dict)
    status_quo: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)
    declared: dict[str, dict[str, float]] = field(default_factory=dict)  # as declared
    bounded: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    decided_by: dict[str, str | None] = field(default_factory=dict)
    expectations: dict[str, dict[str, Any]] = field(default_factory=dict)
    perturbed: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)  # models used by the draws
    draws_kept: Any = None  # analysis.KeptDraws when decide(keep_draws=True); not in JSON
    #: option -> issues whose (unperturbed) forecast did not converge (models.convergence)
    non_converged: dict[str, list[str]] = field(default_factory=dict)
    #: F, the distinct perturbed bargaining inputs (forecasts) the draws share: ``draws``
    #: when every draw has its own, 0 without draws (:func:`~.analysis.shared_forecasts`)
    forecast_draws: int = 0
    forecast_rule: str = ""  # why F is what it is (the automatic rule or the request)

    @property
    def acceptability_se(self) -> dict[str, float]:
        """Monte Carlo standard error of each first-rank acceptability (clustered by shared
        forecast when ``forecast_draws < draws``; :mod:`.smaa`); NaN when undefined."""
        if self.smaa is None or self.smaa.acceptability_se is None:
            return {}
        return {o: float(v) for o, v in zip(self.options, self.smaa.acceptability_se)}

    @property
    def acceptability(self) -> dict[str, float]:
        if self.smaa is None:
            return {}
        return {o: float(a) for o, a in zip(self.options, self.smaa.acceptability)}

    def robust_option(self) -> str:
        """The option with the largest first-rank acceptability (deterministic if no draws)."""
        if self.smaa is not None:
            return self.options[int(np.argmax(self.smaa.acceptability))]
        best = [d["best"] for d in self.by_doctrine.values()]
        return max(set(best), key=best.count) if best else self.options[0]

    def dissenters(self) -> dict[str, str]:
        """Doctrines whose best option differs from the robust one: doctrine -> its best."""
        robust = self.robust_option()
        return {d: v["best"] for d, v in self.by_doctrine.items() if v["best"] != robust}

    def to_dict(self) -> dict[str, Any]:
        def fl(x: float) -> float | None:  # null for NaN/inf, as at the JSON edge
            v = finite_or_none(x)
            return None if v is None else round(v, 12)

        out: dict[str, Any] = {
            "balancer": self.balancer,
            "model": self.model,
            "models": self.models,
            "variant": self.variant,
            "status_quo": self.status_quo,
            "draws": self.draws,
            "forecast_draws": self.forecast_draws,
            "forecast_rule": self.forecast_rule,
            "seed": self.seed,
            "options": {o: self.option_names[o] for o in self.options},
            "kinds": self.kinds,
            "packages": self.parts,
            "criteria": self.criteria,
            "values": {
                o: {c: fl(self.values[i, j]) for j, c in enumerate(self.criteria)}
                for i, o in enumerate(self.options)
            },
            "declared": self.declared,
            "normalised": {
                o: {c: fl(self.normalised[i, j]) for j, c in enumerate(self.criteria)}
                for i, o in enumerate(self.options)
            },
            "outcomes": self.outcomes,
            "bounded": self.bounded,
            "decided_by": self.decided_by,
            "unbalanced_triads": self.unbalanced_triads,
            "by_doctrine": self.by_doctrine,
            "acceptability": self.acceptability,
            "acceptability_se": {o: fl(v) for o, v in self.acceptability_se.items()},
            "robust_option": self.robust_option(),
            "perturbed": self.perturbed,
            "params": self.params,
            "non_converged": self.non_converged,
        }
        if self.expectations:
            out["expectations"] = self.expectations
        if self.smaa is not None:
            out["rank_acceptability"] = {
                o: [fl(v) for v in self.smaa.rank_acceptability[i]]
                for i, o in enumerate(self.options)
            }
            out["central_weights"] = {
                o: (
                    {c: fl(self.smaa.central_weights[i, j]) for j, c in enumerate(self.criteria)}
                    if math.isfinite(self.smaa.confidence[i])
                    else None
                )
                for i, o in enumerate(self.options)
            }
            out["confidence"] = {o: fl(self.smaa.confidence[i]) for i, o in enumerate(self.options)}
            out["acceptability_by_doctrine"] = {
                d: {o: fl(r.acceptability[i]) for i, o in enumerate(self.options)}
                for d, r in self.smaa_by_doctrine.items()
            }
        return out

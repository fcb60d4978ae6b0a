"""Convenience entry points: ``forecast`` and ``forecast_batch`` by model name.

>>> from equipoise.models import forecast
>>> fc = forecast(scenario, model="eum", rounds=10)      # doctest: +SKIP
>>> fc.outcome["issue-id"], fc.trajectory["issue-id"]     # doctest: +SKIP

``scenario_or_problem`` is a :class:`~equipoise.models.problem.BargainingProblem` or any
object with the Scenario API (``actors``, ``issues``, ``stances``; see
:meth:`BargainingProblem.from_scenario`). ``rounds`` sets ``max_rounds`` of ``eum`` and
``rounds`` of ``exchange`` (ignored by the single-pass ``mean`` and ``median``); ``None``
keeps the model's default (a cap of 50 rounds = the convergence horizon, so the forecast does
not depend on it; ``exchange`` with ``mode="decide"``: 10 rounds, as decide). Other keyword
arguments go to the model's constructor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .forecast import Forecast
from .problem import BargainingProblem

__all__ = ["forecast", "forecast_batch", "as_problem", "make_model"]


def as_problem(scenario_or_problem: Any) -> BargainingProblem:
    """A :class:`BargainingProblem` from a problem (returned as is) or a Scenario."""
    if isinstance(scenario_or_problem, BargainingProblem):
        return scenario_or_problem
    return BargainingProblem.from_scenario(scenario_or_problem)


def make_model(model: Any, rounds: int | None = None, **params: Any) -> Any:
    """A model instance from a name (or an instance, returned as is)."""
    if not isinstance(model, str):
        if params or rounds is not None:
            raise TypeError("pass parameters to the model's constructor, not with an instance")
        return model
    from . import get_model

    if rounds is not None:
        if model == "eum":
            params.setdefault("max_rounds", rounds)
        elif model == "exchange":
            params.setdefault("rounds", rounds)
    return get_model(model, **params)


def forecast(scenario_or_problem: Any, model: Any = "eum", rounds: int | None = None,
             **params: Any) -> Forecast:
    """Run one model on every issue of a scenario or problem; returns a :class:`Forecast`.

    ``model``: ``"mean"``, ``"median"``, ``"eum"``, ``"exchange"`` or a model instance.
    """
    problem = as_problem(scenario_or_problem)
    m = make_model(model, rounds if isinstance(model, str) else None, **params)
    return m.forecast(problem)


def forecast_batch(scenario_or_problem: Any, model: Any = "mean", *, position: Any = None,
                   salience: Any = None, capability: Any = None, rounds: int | None = None,
                   **params: Any) -> np.ndarray:
    """Forecast many perturbed copies of a scenario at once; returns ``(B, n_issues)``.

    ``position``, ``salience`` and ``capability`` default to the problem's own arrays;
    any of them may carry a leading batch axis ``(B, n_actors, n_issues)`` (capability also
    ``(B, n_actors)``) and the others are broadcast. Columns follow ``problem.issues``.
    """
    problem = as_problem(scenario_or_problem)
    m = make_model(model, rounds if isinstance(model, str) else None, **params)
    x = problem.position if position is None else position
    s = problem.salience if salience is None else salience
    c = problem.capability if capability is None else capability
    return m.forecast_batch(x, s, c, lower=problem.lower, upper=problem.upper,
                            issues=problem.issues, actors=problem.actors)

"""Bargaining models: compromise (``mean``), weighted median (``median``), Bueno de
Mesquita's expected utility model (``eum``, Scholz et al. 2011), Stokman's equal-gain
exchange model (``exchange``), KTAB's spatial model of politics (``smp``) and its
probabilistic Condorcet election (``pce``). Specification: ``docs/models.md``,
``docs/smp.md``.

Every model subclasses :class:`~equipoise.models.base.BargainingModel` (the contract, written
once there): documented keyword parameters in ``__init__`` (scikit-learn style; the round cap
is ``rounds``), a ``forecast(problem) -> Forecast`` method with ``details`` keyed per issue and
a vectorised ``forecast_batch(position, salience, capability)`` returning ``(B, n_issues)``
outcomes; the base refuses problems with fewer than the model's ``min_issues`` issues. The
convenience functions :func:`~equipoise.models.api.forecast` and
:func:`~equipoise.models.api.forecast_batch` accept a Scenario or a
:class:`BargainingProblem` and a model name.
"""

from __future__ import annotations

from typing import Any

from .api import forecast, forecast_batch
from .base import BargainingModel
from .eum import PROFILES, ExpectedUtility, eum_round_diagnostics
from .exchange import EqualGainExchange
from .forecast import Forecast
from .mean import WeightedMean
from .median import WeightedMedian, weighted_median
from .pce import ProbabilisticCondorcet
from .problem import BargainingProblem
from .smp import SpatialModel

__all__ = [
    "MODELS", "get_model", "applicable_models", "forecast", "forecast_batch", "Forecast",
    "BargainingProblem", "BargainingModel",
    "WeightedMean", "WeightedMedian", "ExpectedUtility", "EqualGainExchange", "PROFILES",
    "weighted_median", "eum_round_diagnostics", "SpatialModel", "ProbabilisticCondorcet",
]

#: Model name -> class.
MODELS: dict[str, type[BargainingModel]] = {
    "mean": WeightedMean,
    "median": WeightedMedian,
    "eum": ExpectedUtility,
    "exchange": EqualGainExchange,
    "smp": SpatialModel,
    "pce": ProbabilisticCondorcet,
}


def applicable_models(n_issues: int) -> list[str]:
    """Names of the models that run by default on a problem with ``n_issues`` issues.

    ``smp`` and ``pce`` run only when asked for (``--model smp``): they treat the issues as
    the dimensions of one space, which an arbitrary scenario need not be.
    """
    return [name for name, cls in MODELS.items()
            if n_issues >= cls.min_issues and getattr(cls, "runs_by_default", True)]


def get_model(name: str, **params: Any) -> Any:
    """Instantiate the model called ``name`` with keyword ``params``.

    Raises ``ValueError`` listing the valid names for an unknown name, and ``TypeError``
    for a parameter the model does not take.
    """
    try:
        cls = MODELS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown model {name!r}; valid models are: {', '.join(MODELS)}"
        ) from None
    known = cls.param_names()
    unknown = [k for k in params if k not in known]
    if unknown:
        takes = f"its parameters are {', '.join(known)}" if known else "it takes no parameters"
        raise TypeError(f"the {name} model has no parameter {unknown[0]!r}; {takes}")
    return cls(**params)

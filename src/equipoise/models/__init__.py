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

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below are imported on first use (module __getattr__)
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
    "MODELS",
    "get_model",
    "applicable_models",
    "forecast",
    "forecast_batch",
    "Forecast",
    "BargainingProblem",
    "BargainingModel",
    "WeightedMean",
    "WeightedMedian",
    "ExpectedUtility",
    "EqualGainExchange",
    "PROFILES",
    "weighted_median",
    "eum_round_diagnostics",
    "SpatialModel",
    "ProbabilisticCondorcet",
]

#: Where each public name lives: imported when first asked for, so that a command running
#: one model (or none) does not import the others (the command line's start-up time).
_LAZY: dict[str, str] = {
    "forecast": "api",
    "forecast_batch": "api",
    "BargainingModel": "base",
    "PROFILES": "eum",
    "ExpectedUtility": "eum",
    "eum_round_diagnostics": "eum",
    "EqualGainExchange": "exchange",
    "Forecast": "forecast",
    "WeightedMean": "mean",
    "WeightedMedian": "median",
    "weighted_median": "median",
    "ProbabilisticCondorcet": "pce",
    "BargainingProblem": "problem",
    "SpatialModel": "smp",
}

#: Model name -> (module, class), in the order the models are listed and run.
_MODEL_CLASSES: dict[str, tuple[str, str]] = {
    "mean": ("mean", "WeightedMean"),
    "median": ("median", "WeightedMedian"),
    "eum": ("eum", "ExpectedUtility"),
    "exchange": ("exchange", "EqualGainExchange"),
    "smp": ("smp", "SpatialModel"),
    "pce": ("pce", "ProbabilisticCondorcet"),
}


# The submodule ``forecast`` (the Forecast class) is imported now and its name dropped, so
# that ``equipoise.models.forecast`` is always the function (models.api.forecast, from
# __getattr__): importing the submodule later would bind the package's attribute to it.
from . import forecast as _forecast_module  # noqa: E402, F401

globals().pop("forecast", None)


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


class _ModelRegistry(Mapping[str, "type[BargainingModel]"]):
    """Model name -> class, each class imported when it is first looked up."""

    def __getitem__(self, name: str) -> type[BargainingModel]:
        module, cls = _MODEL_CLASSES[name]
        return _load(module, cls)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(_MODEL_CLASSES)

    def __len__(self) -> int:
        return len(_MODEL_CLASSES)

    def __contains__(self, name: object) -> bool:
        return name in _MODEL_CLASSES

    def __repr__(self) -> str:
        return f"MODELS({', '.join(_MODEL_CLASSES)})"


#: Model name -> class (a read-only mapping; looking a name up imports only that model).
MODELS: Mapping[str, type[BargainingModel]] = _ModelRegistry()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = _load(_LAZY[name], name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def applicable_models(n_issues: int) -> list[str]:
    """Names of the models that run by default on a problem with ``n_issues`` issues.

    ``smp`` and ``pce`` run only when asked for (``--model smp``): they treat the issues as
    the dimensions of one space, which an arbitrary scenario need not be.
    """
    return [
        name
        for name, cls in MODELS.items()
        if n_issues >= cls.min_issues and getattr(cls, "runs_by_default", True)
    ]


def get_model(name: str, **params: Any) -> Any:
    """Instantiate the model called ``name`` with keyword ``params``.

    Raises ``ValueError`` listing the valid names for an unknown name, and ``TypeError``
    for a parameter the model does not take.
    """
    try:
        cls = MODELS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown model {name!r}; valid models are: {', '.join(MODELS)}") from None
    known = cls.param_names()
    unknown = [k for k in params if k not in known]
    if unknown:
        takes = f"its parameters are {', '.join(known)}" if known else "it takes no parameters"
        raise TypeError(f"the {name} model has no parameter {unknown[0]!r}; {takes}")
    return cls(**params)

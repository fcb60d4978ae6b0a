"""The contract every bargaining model follows: :class:`BargainingModel`.

A model is a class in the style of scikit-learn's estimators:

* **Parameters** are the keyword arguments of ``__init__``; each is stored, validated (a bad
  value raises :class:`~equipoise.errors.ModelInputError`) and possibly resolved (``None`` ->
  the model's default), as an attribute of the same name. ``__init__`` does nothing else.
  :meth:`BargainingModel.get_params` reads them back from the signature, so it is never
  written by hand; ``repr`` shows the ones that differ from their defaults.
* **The round cap** of an iterative model is the parameter ``rounds`` (``None``: the model's
  default), refused over :data:`equipoise.limits.MAX_ROUNDS` by the constructor
  (:func:`equipoise.limits.check_rounds`). Single-pass models do not take it.
  :func:`equipoise.models.api.make_model` and the CLI's ``--rounds`` pass it to every model
  that takes it (:meth:`BargainingModel.takes_rounds`).
* **Class attributes**: ``name`` (the registry name), ``min_issues`` (the fewest issues the
  model can forecast; the base refuses fewer), ``joint_issues`` (``True`` when the issues are
  bargained together, so that an option changing one issue can move the others), and
  ``stop_rules`` (the named stop rules an iterative model takes; empty for single-pass ones).
* **Two entry points, written once here**: :meth:`BargainingModel.forecast` (one problem ->
  a :class:`~equipoise.models.forecast.Forecast`) and :meth:`BargainingModel.forecast_batch`
  (many perturbed copies -> ``(B, n_issues)`` outcomes). They check the inputs and then call
  the subclass's :meth:`~BargainingModel._forecast` and :meth:`~BargainingModel._forecast_batch`,
  which are all a new model writes (besides ``__init__``).
* **Results**: ``Forecast.details`` is keyed by issue id, one entry (a dict) for every issue
  of the problem -- the base checks it. Diagnostics of a joint run over all issues (a joint
  model's exchanges, say) go to ``Forecast.run_details``. An iterative model sets
  ``self.batch_info_`` after :meth:`forecast_batch`: ``converged``, ``cycle`` (period, 0 =
  none), ``rounds``, ``low`` and ``high``, each a ``(B, n_issues)`` array.

The input checks of ``docs/models.md`` §0.1 (reject, never clip) are done by
:class:`~equipoise.models.problem.BargainingProblem` and
:func:`~equipoise.models.problem.prepare_batch`; the base adds the two that hold for every
weighted model: at least ``min_issues`` issues, and on each issue some actor with positive
capability x salience.

Reference: the estimator API of scikit-learn (Buitinck et al. 2013, "API design for machine
learning software: experiences from the scikit-learn project", arXiv:1309.0238) for the
parameter conventions; docs/models.md §0 for the model inputs.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import ModelInputError
from .forecast import Forecast
from .problem import BargainingProblem, prepare_batch

__all__ = ["BargainingModel", "Batch", "refuse_zero_weight"]


@dataclass(frozen=True)
class Batch:
    """The checked inputs of :meth:`BargainingModel.forecast_batch`, broadcast to ``(B,
    n_actors, n_issues)``: ``position`` (``NaN`` where absent), ``salience`` and
    ``capability`` (0 where absent), ``present``; ``lower``/``upper`` ``(n_issues,)`` or
    ``None`` when not given; ``issues``/``actors`` the ids when given (for messages)."""

    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    present: np.ndarray
    lower: np.ndarray | None
    upper: np.ndarray | None
    issues: tuple[str, ...] | None
    actors: tuple[str, ...] | None

    @property
    def weight(self) -> np.ndarray:
        """``capability x salience``, ``(B, n_actors, n_issues)``."""
        w: np.ndarray = self.capability * self.salience
        return w

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(B, n_actors, n_issues)``."""
        b, a, i = self.position.shape
        return b, a, i

    def issue_name(self, i: int) -> str:
        """The issue's id quoted, or ``#i`` when no ids were given."""
        return repr(self.issues[i]) if self.issues is not None else f"#{i}"


def refuse_zero_weight(W: np.ndarray, issues: Any) -> None:
    """``W``: ``(B, n_issues)`` total weights. Raise :class:`ModelInputError` naming the
    issue (and the draw) if any is not positive."""
    bad = ~(W > 0)
    if bad.any():
        b, i = (int(v[0]) for v in np.nonzero(bad))
        name = repr(issues[i]) if issues is not None else f"#{i}"
        where = (
            f" (draw {b}; {int(bad.sum())} draw-issue cell(s) affected)" if W.shape[0] > 1 else ""
        )
        raise ModelInputError(
            f"issue {name}: no actor has positive capability x salience{where}; "
            f"the weighted models are undefined there"
        )


class BargainingModel(ABC):
    """Base class of the bargaining models (the contract is in this module's docstring).

    A subclass sets ``name`` (and ``min_issues``, ``joint_issues``, ``stop_rules`` where they
    differ from the defaults), takes its parameters in ``__init__`` and implements
    :meth:`_forecast` and :meth:`_forecast_batch`.
    """

    #: Registry name (``equipoise.models.MODELS``), also ``Forecast.model``.
    name: ClassVar[str] = ""
    #: The fewest issues the model can forecast (the base refuses fewer).
    min_issues: ClassVar[int] = 1
    #: Issues are bargained together (an option changing one issue can move the others).
    joint_issues: ClassVar[bool] = False
    #: Named stop rules the model takes (iterative models; empty for single-pass ones).
    stop_rules: ClassVar[tuple[str, ...]] = ()
    #: The issues of one space are the dimensions of one position vector: the entry points
    #: of :mod:`equipoise.models.api` run the model once per issue space
    #: (:mod:`equipoise.models.spaces`) instead of once over all issues.
    spatial: ClassVar[bool] = False

    # ------------------------------------------------------------------ parameters
    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        """The model's parameters: the keyword arguments of ``__init__``, in order."""
        sig = inspect.signature(cls.__init__)
        return tuple(
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    @classmethod
    def takes_rounds(cls) -> bool:
        """Whether the model has a round cap (the parameter ``rounds``)."""
        return "rounds" in cls.param_names()

    def get_params(self) -> dict[str, Any]:
        """``{parameter: value}`` as the model runs with them (defaults resolved)."""
        return {k: getattr(self, k) for k in self.param_names()}

    def __repr__(self) -> str:
        """The class and the parameters that differ from a default instance's."""
        try:
            defaults = type(self)().get_params()
        except (TypeError, ModelInputError):  # no defaults: show every parameter
            defaults = {}
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if k not in defaults or not _same(v, defaults[k])
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    # ------------------------------------------------------------------ the contract
    def forecast(self, problem: BargainingProblem) -> Forecast:
        """Forecast every issue of ``problem``; returns a
        :class:`~equipoise.models.forecast.Forecast`.

        Raises :class:`~equipoise.errors.ModelInputError` when the problem has fewer than
        ``min_issues`` issues or an issue on which no actor has positive capability x
        salience. ``Forecast.details[issue]`` holds the model's diagnostics of each issue
        (documented by the model); ``Forecast.run_details`` those of a joint run.
        """
        self._check_issue_count(problem.n_issues, problem.issues)
        problem.require_weight()
        fc = self._forecast(problem)
        if set(fc.details) != set(problem.issues) or set(fc.outcome) != set(problem.issues):
            raise TypeError(
                f"{type(self).__name__}._forecast must return outcome and details "
                f"keyed by issue id, one entry per issue of the problem "
                f"(issues {list(problem.issues)}, details {list(fc.details)})"
            )
        return fc

    def forecast_batch(
        self,
        position: Any,
        salience: Any,
        capability: Any,
        *,
        lower: Any = None,
        upper: Any = None,
        issues: Any = None,
        actors: Any = None,
        n_jobs: int | None = None,
    ) -> np.ndarray:
        """Outcomes of many perturbed copies of a problem at once, by the same rule as
        :meth:`forecast`; returns ``(B, n_issues)``.

        ``position``, ``salience`` and ``capability`` broadcast to ``(B, n_actors,
        n_issues)`` (a 2-D position is one draw; capability may also be ``(B, n_actors)`` or
        ``(n_actors,)``; ``NaN`` positions mark absence); see
        :func:`equipoise.models.problem.prepare_batch`. ``lower``/``upper``: the issue scales
        ``(n_issues,)`` (each model documents what it assumes without them). ``issues`` and
        ``actors``: ids, used in messages. ``n_jobs``: threads a model may use (default: one
        per core; results never depend on it; single-threaded models ignore it). Iterative
        models set ``self.batch_info_`` (see the module docstring).
        """
        x, s, c, present, lo, hi = prepare_batch(
            position, salience, capability, lower, upper, issues, actors
        )
        batch = Batch(
            x,
            s,
            c,
            present,
            lo,
            hi,
            None if issues is None else tuple(issues),
            None if actors is None else tuple(actors),
        )
        self._check_issue_count(x.shape[2], batch.issues)
        refuse_zero_weight(batch.weight.sum(axis=1), batch.issues)
        return self._forecast_batch(batch, n_jobs)

    def _check_issue_count(self, n: int, issues: Any) -> None:
        if n < self.min_issues:
            listed = f": {', '.join(issues)}" if issues else ""
            alternatives = [m for m in _single_issue_models() if m != self.name]
            hint = (
                f"; use {', '.join(alternatives)} for a single issue"
                if n == 1 and alternatives
                else ""
            )
            raise ModelInputError(
                f"the {self.name} model needs at least {self.min_issues} "
                f"issues (got {n}{listed}){hint}"
            )

    # ------------------------------------------------------------------ for subclasses
    @abstractmethod
    def _forecast(self, problem: BargainingProblem) -> Forecast:
        """The forecast of a problem already checked by :meth:`forecast`."""

    @abstractmethod
    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """The ``(B, n_issues)`` outcomes of a batch already checked by
        :meth:`forecast_batch`."""


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def _single_issue_models() -> list[str]:
    from . import MODELS

    return [name for name, cls in MODELS.items() if getattr(cls, "min_issues", 1) <= 1]

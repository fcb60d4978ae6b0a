"""Convenience entry points: ``forecast`` and ``forecast_batch`` by model name.

>>> from equipoise.models import forecast
>>> fc = forecast(scenario, model="eum", rounds=10)      # doctest: +SKIP
>>> fc.outcome["issue-id"], fc.trajectory["issue-id"]     # doctest: +SKIP

``scenario_or_problem`` is a :class:`~equipoise.models.problem.BargainingProblem` or any
object with the Scenario API (``actors``, ``issues``, ``stances``; see
:meth:`BargainingProblem.from_scenario`). ``rounds`` is the round cap of every model that has
one (the parameter ``rounds``; ignored by the single-pass ``mean`` and ``median``); ``None``
keeps the model's default (a cap of 50 rounds = the convergence horizon, so the forecast does
not depend on it; ``exchange`` with ``mode="decide"``: 10 rounds, as decide). Other keyword
arguments go to the model's constructor.

Unilateral issues (``decided_by`` on an issue; :attr:`BargainingProblem.decided_by`) are not
bargained: both entry points run the model on the other issues only (so the exchange model
couples only those, and ``min_issues`` counts only those) and set each decided issue's
outcome to its decider's position (``Forecast.details[issue]`` is then empty).
``Forecast.decided_by`` maps every issue to its decider or ``None``.

Issue spaces (``space`` on an issue; :attr:`BargainingProblem.spaces`,
:mod:`equipoise.models.spaces`): a *spatial* model (class attribute ``spatial = True``) treats
the issues of one space as the dimensions of one position vector, so both entry points run it
once per space (an issue without a space is a space of its own) and put the results together
in issue order; the diagnostics of a joint run (``Forecast.run_details``) of each space are
kept in ``Forecast.run_details["by_space"][SPACE]``. Other models are run once on all bargained
issues, whatever the spaces.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ModelInputError
from .forecast import Forecast
from .problem import BargainingProblem
from .spaces import IssueSpace, group_spaces, is_spatial, issue_spaces

__all__ = [
    "forecast",
    "forecast_batch",
    "as_problem",
    "make_model",
    "bargain_batch",
    "check_bargained",
    "forecast_dict",
    "bargained_count",
]


def as_problem(scenario_or_problem: Any) -> BargainingProblem:
    """A :class:`BargainingProblem` from a problem (returned as is) or a Scenario."""
    if isinstance(scenario_or_problem, BargainingProblem):
        return scenario_or_problem
    return BargainingProblem.from_scenario(scenario_or_problem)


def make_model(model: Any, rounds: int | None = None, **params: Any) -> Any:
    """A model instance from a name (or an instance, returned as is).

    ``rounds`` (when not ``None``) becomes the ``rounds`` parameter of a model that has a
    round cap (:meth:`~equipoise.models.base.BargainingModel.takes_rounds`); single-pass
    models ignore it."""
    if not isinstance(model, str):
        if params or rounds is not None:
            raise TypeError("pass parameters to the model's constructor, not with an instance")
        return model
    from ..limits import check_rounds
    from . import MODELS, get_model

    check_rounds(rounds)
    check_rounds(params.get("horizon"), "horizon")
    cls = MODELS.get(model)
    if rounds is not None and cls is not None and cls.takes_rounds():
        params["rounds"] = rounds
    return get_model(model, **params)


def forecast(
    scenario_or_problem: Any, model: Any = "eum", rounds: int | None = None, **params: Any
) -> Forecast:
    """Run one model on every issue of a scenario or problem; returns a :class:`Forecast`.

    ``model``: ``"mean"``, ``"median"``, ``"eum"``, ``"exchange"`` or a model instance.
    """
    problem = as_problem(scenario_or_problem)
    m = make_model(model, rounds if isinstance(model, str) else None, **params)
    decided = problem.decided
    if not decided:
        fc = run_by_space(m, problem)
        fc.decided_by = {i: None for i in problem.issues}
        return fc
    check_bargained(m, problem)
    bargained = problem.bargained
    sub = run_by_space(m, problem.subset_issues(bargained)) if bargained else None
    return _with_decided(problem, sub, getattr(m, "name", None) or str(model))


def run_by_space(model: Any, problem: BargainingProblem) -> Forecast:
    """``model.forecast(problem)``; for a spatial model once per issue space of ``problem``,
    the results put together in issue order (see the module docstring)."""
    spaces = issue_spaces(problem)
    if not is_spatial(model) or len(spaces) <= 1:
        whole: Forecast = model.forecast(problem)
        return whole
    parts = [(sp, model.forecast(problem.subset_issues(list(sp.index)))) for sp in spaces]
    return merge_space_forecasts(problem, parts)


def merge_space_forecasts(
    problem: BargainingProblem, parts: list[tuple[IssueSpace, Forecast]]
) -> Forecast:
    """One :class:`Forecast` of every issue of ``problem`` from the forecasts of its spaces.

    Per-issue fields (``details`` included) are joined; each space's ``run_details`` go to
    ``run_details["by_space"][SPACE]``."""

    def joined(name: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for _, fc in parts:
            merged.update(getattr(fc, name))
        return {i: merged[i] for i in problem.issues if i in merged}

    by_space = {sp.id: dict(fc.run_details) for sp, fc in parts if fc.run_details}
    first = parts[0][1]
    return Forecast(
        model=first.model,
        params=first.params,
        actors=problem.actors,
        issues=problem.issues,
        outcome=joined("outcome"),
        trajectory=joined("trajectory"),
        positions=joined("positions"),
        rounds_run=joined("rounds_run"),
        converged=joined("converged"),
        details=joined("details"),
        cycle=joined("cycle"),
        forecast_range=joined("forecast_range"),
        history=joined("history"),
        scale=joined("scale"),
        run_details={"by_space": by_space} if by_space else {},
    )


def check_bargained(model: Any, problem: BargainingProblem) -> None:
    """Raise :class:`ModelInputError` if ``model`` cannot run on the bargained issues."""
    need = getattr(model, "min_issues", 1)
    n = len(problem.bargained)
    if 0 < n < need:
        decided = ", ".join(
            f"{problem.issues[i]} (decided by {problem.decided_by[i]})" for i in problem.decided
        )
        raise ModelInputError(
            f"the {getattr(model, 'name', type(model).__name__)} model needs "
            f"at least {need} bargained issues; {n} remain once the "
            f"unilateral issues are set aside: {decided}"
        )


def _with_decided(problem: BargainingProblem, sub: Forecast | None, model: str) -> Forecast:
    """The forecast of every issue: ``sub``'s for the bargained ones, the decider's position
    (no rounds, positions unchanged) for the decided ones."""
    outcome, traj, pos, rounds_run, converged = {}, {}, {}, {}, {}
    cycle, franges, history, scale, details = {}, {}, {}, {}, {}
    present = problem.present
    for i, issue in enumerate(problem.issues):
        who = problem.decided_by[i]
        if who is None and sub is not None:
            outcome[issue] = sub.outcome[issue]
            traj[issue] = sub.trajectory[issue]
            pos[issue] = sub.positions[issue]
            rounds_run[issue] = sub.rounds_run[issue]
            converged[issue] = sub.converged[issue]
            cycle[issue] = sub.cycle.get(issue)
            franges[issue] = sub.range_of(issue)
            if issue in sub.history:
                history[issue] = sub.history[issue]
            scale[issue] = (float(problem.lower[i]), float(problem.upper[i]))
            details[issue] = sub.details[issue]
            continue
        value = float(problem.position[problem.actors.index(who), i])
        outcome[issue] = value
        traj[issue] = np.array([value])
        pos[issue] = {
            a: float(problem.position[k, i]) for k, a in enumerate(problem.actors) if present[k, i]
        }
        rounds_run[issue] = 0
        converged[issue] = True
        cycle[issue] = None
        franges[issue] = (value, value)
        scale[issue] = (float(problem.lower[i]), float(problem.upper[i]))
        details[issue] = {}
    return Forecast(
        model=sub.model if sub is not None else model,
        params=sub.params if sub is not None else {},
        actors=problem.actors,
        issues=problem.issues,
        outcome=outcome,
        trajectory=traj,
        positions=pos,
        rounds_run=rounds_run,
        converged=converged,
        details=details,
        cycle=cycle,
        forecast_range=franges,
        history=history,
        scale=scale,
        run_details=dict(sub.run_details) if sub is not None else {},
        decided_by=dict(zip(problem.issues, problem.decided_by)),
    )


def bargain_batch(
    estimator: Any,
    x: Any,
    s: Any,
    c: Any,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    issues: Any,
    actors: Any,
    decided_by: Any = None,
    spaces: Any = None,
) -> np.ndarray:
    """``estimator.forecast_batch`` over the bargained issues only; each decided issue's
    outcome is its decider's (possibly perturbed) position in ``x``. Returns
    ``(B, n_issues)``. ``decided_by``: one actor id or ``None`` per issue; ``spaces``: one
    space id or ``None`` per issue (a spatial estimator is run once per space)."""
    issues = tuple(issues)
    actors = tuple(actors)
    by_space = is_spatial(estimator) and len(group_spaces(issues, spaces)) > 1
    if (decided_by is None or all(d is None for d in decided_by)) and not by_space:
        everything: np.ndarray = estimator.forecast_batch(
            x, s, c, lower=lower, upper=upper, issues=issues, actors=actors
        )
        return everything
    if decided_by is None:
        decided_by = (None,) * len(issues)
    x = np.asarray(x, float)
    if x.ndim == 2:
        x = x[None]
    s = np.broadcast_to(np.asarray(s, float), x.shape)
    c = np.asarray(c, float)
    if c.ndim == 1 or (c.ndim == 2 and c.shape != x.shape[1:]):
        c = c[..., None]
    c = np.broadcast_to(c, x.shape)
    cols = [d for d, who in enumerate(decided_by) if who is None]
    out = np.empty((x.shape[0], len(issues)))
    need = getattr(estimator, "min_issues", 1)
    if 0 < len(cols) < need:
        raise ModelInputError(
            f"the model needs at least {need} bargained issues; "
            f"{len(cols)} remain once the unilateral issues are set aside"
        )
    info = None
    if cols:
        out[:, cols], info = _batch_by_space(
            estimator,
            x[:, :, cols],
            s[:, :, cols],
            c[:, :, cols],
            lower=np.asarray(lower)[cols],
            upper=np.asarray(upper)[cols],
            issues=[issues[d] for d in cols],
            actors=actors,
            spaces=None if spaces is None else [spaces[d] for d in cols],
        )
    if info is not None:  # widen the convergence flags to every issue (decided: settled)
        full = {
            "converged": np.ones(out.shape, bool),
            "cycle": np.zeros(out.shape, int),
            "rounds": np.zeros(out.shape, int),
        }
        for k in full:
            full[k][:, cols] = info[k]
        full["low"] = out.copy()
        full["high"] = out.copy()
        full["low"][:, cols] = info["low"]
        full["high"][:, cols] = info["high"]
        estimator.batch_info_ = full
    for d, who in enumerate(decided_by):
        if who is not None:
            out[:, d] = x[:, actors.index(who), d]
    return out


def _batch_by_space(
    estimator: Any,
    x: np.ndarray,
    s: np.ndarray,
    c: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    issues: list[str],
    actors: tuple[str, ...],
    spaces: Any,
) -> tuple[np.ndarray, Any]:
    """``estimator.forecast_batch`` on every issue given (once per space for a spatial
    estimator) and its ``batch_info_`` over them all (``None`` if any run has none)."""
    groups = group_spaces(issues, spaces) if is_spatial(estimator) else None
    if groups is None or len(groups) <= 1:
        res = estimator.forecast_batch(
            x, s, c, lower=lower, upper=upper, issues=issues, actors=actors
        )
        return res, getattr(estimator, "batch_info_", None)
    out = np.empty((x.shape[0], len(issues)))
    infos: list[tuple[list[int], dict[str, Any]]] = []
    complete = True
    for sp in groups:
        idx = list(sp.index)
        estimator.batch_info_ = None  # set afresh by the models that report it
        out[:, idx] = estimator.forecast_batch(
            x[:, :, idx],
            s[:, :, idx],
            c[:, :, idx],
            lower=lower[idx],
            upper=upper[idx],
            issues=list(sp.issues),
            actors=actors,
        )
        info = getattr(estimator, "batch_info_", None)
        if info is None:
            complete = False
        else:
            infos.append((idx, info))
    if not complete:
        return out, None
    merged = {
        key: np.empty(out.shape, dtype=np.asarray(infos[0][1][key]).dtype)
        for key in ("converged", "cycle", "rounds", "low", "high")
    }
    for idx, info in infos:
        for key, arr in merged.items():
            arr[:, idx] = info[key]
    estimator.batch_info_ = merged
    return out, merged


def forecast_batch(
    scenario_or_problem: Any,
    model: Any = "mean",
    *,
    position: Any = None,
    salience: Any = None,
    capability: Any = None,
    rounds: int | None = None,
    **params: Any,
) -> np.ndarray:
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
    return bargain_batch(
        m,
        x,
        s,
        c,
        lower=problem.lower,
        upper=problem.upper,
        issues=problem.issues,
        actors=problem.actors,
        decided_by=problem.decided_by,
        spaces=problem.spaces,
    )


def forecast_dict(fc: Forecast) -> dict[str, dict[str, Any]]:
    """``fc.to_dict()`` with ``"decided_by"`` (actor id or ``None``) on every issue."""
    deciders = fc.decided_by
    out = {
        issue: {**entry, "decided_by": deciders.get(issue)} for issue, entry in fc.to_dict().items()
    }
    if fc.model == "pce":  # the probability that each actor's position emerges
        for issue, entry in out.items():
            probs = (fc.details.get(issue) or {}).get("probabilities")
            if probs is not None:
                entry["probabilities"] = dict(probs)
    return out


def bargained_count(scenario: Any) -> int:
    """Number of a scenario's issues that are bargained (no ``decided_by``)."""
    return sum(getattr(i, "decided_by", None) is None for i in scenario.issues)

"""Backtesting the bargaining models on real decisions with known outcomes.

For a DEU-style table (Thomson et al.; DEU III: Arregui & Perarnaud 2021) every model
forecasts every scored issue and is compared with the adopted outcome. Conventions (those of
the development data's README, ``--format deu``):

- capability of an actor = its value in the capability (GDP) row, or 1 for every actor with
  ``equal_capability=True``;
- an actor takes part in an issue when it has both a position and a salience; its weight is
  capability x salience (salience 0 takes part with weight 0);
- an issue is scored when it has an outcome and a positive total weight; the others are
  skipped with the reason;
- ``exchange`` needs several issues decided together: it runs on each proposal (issue ids
  ``<proposal>i<k>``) with at least two scored issues; issues of single-issue proposals are
  skipped for that model;
- ``smp`` and ``pce`` (KTAB's spatial model and its probabilistic Condorcet election) run on
  each issue as its own one-dimensional space (``spaces="separate"``): DEU's issues are
  decided one by one; they run only when named (``--model smp``);
- error = |forecast - outcome|; reported per model: mean absolute error (MAE), its standard
  deviation, median, the number of issues scored, and how many of them the iterative
  models' runs did not converge on (:mod:`equipoise.models.convergence`; scored on the last
  round's forecast).

Two baselines need no model: the reference point (``rp``, the status quo; scored where
given) and the Commission's position (``pcom``; scored where given).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ModelInputError
from .io.deu import DeuTable
from .models.api import make_model
from .models.problem import BargainingProblem

__all__ = ["ModelScore", "BacktestResult", "backtest_deu", "DEFAULT_MODELS"]

DEFAULT_MODELS = ("mean", "median", "eum", "exchange")
#: Models of issue spaces: in a backtest each issue is its own space.
_SPACE_MODELS = ("smp", "pce")


@dataclass
class ModelScore:
    """Errors of one model (or baseline) over the issues it forecast."""

    name: str
    errors: np.ndarray
    issues: list[str]
    forecasts: np.ndarray
    skipped: dict[str, str] = field(default_factory=dict)  # issue -> why
    #: issues whose iterative run did not converge (scored on the last round's forecast)
    non_converged: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.errors.size)

    @property
    def mae(self) -> float:
        return float(self.errors.mean()) if self.n else math.nan

    @property
    def sd(self) -> float:
        return float(self.errors.std(ddof=1)) if self.n > 1 else math.nan

    @property
    def median(self) -> float:
        return float(np.median(self.errors)) if self.n else math.nan

    def to_dict(self) -> dict[str, Any]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {
            "mae": clean(self.mae),
            "n": self.n,
            "sd": clean(self.sd),
            "median_abs_error": clean(self.median),
            "skipped": len(self.skipped),
            "non_converged": len(self.non_converged),
        }


@dataclass
class BacktestResult:
    """Scores of every model and baseline on one data set."""

    path: str
    n_issues: int
    scored: int
    skipped: dict[str, str]  # issues no model scores, with why
    models: dict[str, ModelScore]
    baselines: dict[str, ModelScore]
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": self.path,
            "n_issues": self.n_issues,
            "n_scored": self.scored,
            "models": {k: v.to_dict() for k, v in self.models.items()},
            "baselines": {k: v.to_dict() for k, v in self.baselines.items()},
            "skipped": self.skipped,
            "skipped_by_model": {k: v.skipped for k, v in self.models.items() if v.skipped},
            "params": self.params,
        }


def _problem(table: DeuTable, issues: Sequence[Any], equal_capability: bool) -> BargainingProblem:
    """Arrays of the given issues (actors x issues; NaN where an actor takes no part)."""
    pos = np.stack([np.where(i.taking_part, i.positions, np.nan) for i in issues], axis=1)
    sal = np.stack([np.where(i.taking_part, i.saliences / 100.0, 0.0) for i in issues], axis=1)
    cap_row = (
        np.ones(len(table.actors)) if equal_capability else np.nan_to_num(table.capability, nan=0.0)
    )
    cap = np.repeat(cap_row[:, None], len(issues), axis=1)
    cap = np.where(np.isnan(pos), 0.0, cap)
    return BargainingProblem(
        tuple(table.actors),
        tuple(i.id for i in issues),
        pos,
        sal,
        cap,
        np.zeros(len(issues)),
        np.full(len(issues), 100.0),
    )


def _proposal(issue_id: str) -> str:
    head, sep, _ = issue_id.rpartition("i")
    return head if sep else issue_id


def backtest_deu(
    table: DeuTable,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    equal_capability: bool = False,
    rounds: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Score ``models`` on every scored issue of ``table`` (see the module docstring)."""
    if not equal_capability and np.all(np.isnan(table.capability)):
        raise ModelInputError(
            f"{table.path}: the table has no capability row; use equal capabilities "
            "(--equal-capability) or add the row"
        )
    skipped: dict[str, str] = {}
    scored = []
    for issue in table.issues:
        if math.isnan(issue.out):
            skipped[issue.id] = "no outcome recorded"
            continue
        cap = (
            np.ones(len(table.actors))
            if equal_capability
            else np.nan_to_num(table.capability, nan=0.0)
        )
        w = np.where(issue.taking_part, cap * np.nan_to_num(issue.saliences), 0.0)
        if not w.sum() > 0:
            skipped[issue.id] = "no actor has positive capability x salience"
            continue
        scored.append(issue)
    if not scored:
        raise ModelInputError(
            f"{table.path}: no issue can be scored (none has an outcome "
            "and a positive total weight)"
        )
    out = np.array([i.out for i in scored])
    ids = [i.id for i in scored]
    results: dict[str, ModelScore] = {}
    total_steps = len(models)
    for step, name in enumerate(models):
        model = make_model(
            name, rounds, **({"spaces": "separate"} if name in _SPACE_MODELS else {})
        )
        if name == "exchange":
            results[name] = _exchange_scores(table, scored, model, equal_capability)
        else:
            problem = _problem(table, scored, equal_capability)
            fc = model.forecast(problem)
            pred = np.array([fc.outcome[i] for i in ids])
            results[name] = ModelScore(
                name, np.abs(pred - out), ids, pred, non_converged=fc.non_converged()
            )
        if progress is not None:
            progress(step + 1, total_steps)
    baselines = {}
    for label, attr in (("reference-point", "rp"), ("commission", "commission")):
        have = [i for i in scored if not math.isnan(getattr(i, attr))]
        pred = np.array([getattr(i, attr) for i in have])
        truth = np.array([i.out for i in have])
        missing = {
            i.id: f"no {label.replace('-', ' ')} recorded"
            for i in scored
            if math.isnan(getattr(i, attr))
        }
        baselines[label] = ModelScore(
            label, np.abs(pred - truth), [i.id for i in have], pred, missing
        )
    return BacktestResult(
        path=table.path,
        n_issues=len(table.issues),
        scored=len(scored),
        skipped=skipped,
        models=results,
        baselines=baselines,
        params={
            "capability": "equal" if equal_capability else "capability row (GDP)",
            "weight": "capability x salience",
            "rounds": rounds,
            "models": list(models),
        },
    )


def _exchange_scores(
    table: DeuTable, scored: list[Any], model: Any, equal_capability: bool
) -> ModelScore:
    groups: dict[str, list[Any]] = {}
    for issue in scored:
        groups.setdefault(_proposal(issue.id), []).append(issue)
    ids, preds, truths, skipped, unsettled = [], [], [], {}, []
    for proposal, issues in groups.items():
        if len(issues) < 2:
            skipped[issues[0].id] = (
                f"proposal {proposal} has one scored issue; the exchange "
                "model needs two or more decided together"
            )
            continue
        fc = model.forecast(_problem(table, issues, equal_capability))
        unsettled += fc.non_converged()
        for i in issues:
            ids.append(i.id)
            preds.append(fc.outcome[i.id])
            truths.append(i.out)
    pred = np.array(preds)
    return ModelScore("exchange", np.abs(pred - np.array(truths)), ids, pred, skipped, unsettled)

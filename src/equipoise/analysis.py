"""The whole analysis of one scenario: forecasts, structural balance, the decision.

:func:`run_analysis` runs every analysis the scenario supports and records, for the others,
why they were skipped. The :class:`Analysis` it returns feeds the terminal summary, the
HTML report and ``results.json`` (:meth:`Analysis.to_dict`), which carries the equipoise
version, the scenario's hash, the parameters and the seed so that a run can be reproduced
and compared.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ModelInputError
from .scenario import Scenario
from .strict_json import json_ready

if TYPE_CHECKING:
    from .balance import TimelineEntry
    from .network.result import BalanceResult

__all__ = ["Analysis", "run_analysis", "scenario_hash", "DEFAULT_DRAWS"]

#: SMAA draws of ``equipoise analyze`` unless ``--draws`` says otherwise.
DEFAULT_DRAWS = 1000

#: Fewest scored issues behind a claim that one model is the most accurate; below it the
#: errors are shown and no model is named.
MIN_ISSUES_FOR_RANKING = 10

Step = Callable[[str], Any]


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (key order fixed): same content, same hash."""
    from .io.scenario_file import scenario_to_data

    text = json.dumps(
        scenario_to_data(scenario), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Analysis:
    """Results of :func:`run_analysis` (``None`` for a section that was skipped)."""

    scenario: Scenario
    params: dict[str, Any]
    forecasts: dict[str, Any] | None = None  # model -> Forecast
    balance: BalanceResult | None = None  # the network on the scenario's date
    timeline: list[TimelineEntry] | None = None  # the balancer's triads at the checkpoints
    decision: Any = None  # DecisionResult
    variants: dict[str, Any] = field(default_factory=dict)  # variant id -> DecisionResult
    explanation: Any = None  # decision.explain.Explanation: what you would have to believe
    skipped: dict[str, str] = field(default_factory=dict)  # section -> why
    seconds: dict[str, float] = field(default_factory=dict)  # section -> run time
    sensitivity: Any = None  # decision.sensitivity.SensitivityResult (--sensitivity)
    flip: Any = None  # decision.flip.FlipRule (--flip)

    @property
    def hash(self) -> str:
        return scenario_hash(self.scenario)

    def forecast_errors(self) -> dict[str, dict[str, float]]:
        """model -> issue -> |forecast - actual| where the scenario records the outcome."""
        if not self.forecasts:
            return {}
        actual = {i.id: i.outcome.value for i in self.scenario.issues if i.outcome}
        return {
            m: {i: abs(fc.outcome[i] - actual[i]) for i in fc.issues if i in actual}
            for m, fc in self.forecasts.items()
        }

    def mean_errors(self) -> dict[str, float]:
        """model -> mean absolute error over the issues with a recorded outcome."""
        out = {}
        for m, errs in self.forecast_errors().items():
            if errs:
                out[m] = sum(errs.values()) / len(errs)
        return out

    def scored_issues(self) -> dict[str, int]:
        """model -> number of issues with a recorded outcome it forecast (the n of its
        mean error)."""
        return {m: len(errs) for m, errs in self.forecast_errors().items() if errs}

    def accuracy_sentence(self) -> str:
        """The accuracy claim of the summary, with n: names the most accurate model only
        with at least :data:`MIN_ISSUES_FOR_RANKING` scored issues."""
        errs, n = self.mean_errors(), self.scored_issues()
        if not errs:
            return ""
        text = ", ".join(f"{m} {errs[m]:.1f}" for m in errs)
        fewest = min(n.values())
        if fewest < MIN_ISSUES_FOR_RANKING:
            return (
                f"Against the {fewest} recorded outcomes the mean errors are {text} points "
                f"on the 0–100 scales; {fewest} issues are too few (fewer than "
                f"{MIN_ISSUES_FOR_RANKING}) to name a most accurate model."
            )
        best = min(errs, key=errs.__getitem__)
        return (
            f"Against the recorded outcomes (n = {n[best]}) the {best} model errs least "
            f"(mean {errs[best]:.1f} points on the 0–100 scales; all: {text})."
        )

    def non_converged(self) -> dict[str, list[str]]:
        """model -> issues whose run did not converge."""
        return {
            m: fc.non_converged() for m, fc in (self.forecasts or {}).items() if fc.non_converged()
        }

    def actual_vs_analysis(self) -> dict[str, Any] | None:
        """What the balancer actually did beside the analysis' ranking of those options."""
        choice = self.scenario.actual_choice
        if choice is None:
            return None
        out: dict[str, Any] = {
            "description": choice.description,
            "date": choice.date.isoformat() if choice.date else None,
            "provenance": choice.provenance,
            "options": {},
        }
        d = self.decision
        if d is not None:
            acc = d.acceptability
            for o in choice.options:
                if o in d.options:
                    entry: dict[str, Any] = {
                        "name": d.option_names[o],
                        # 1 + the number of options first in more draws (ties share a place)
                        "rank_by_acceptability": 1 + sum(v > acc[o] for v in acc.values())
                        if acc
                        else None,
                        "acceptability": acc.get(o),
                        "most_likely_rank": None,
                        "most_likely_rank_share": None,
                        "best_for_doctrines": [
                            k for k, v in d.by_doctrine.items() if v["best"] == o
                        ],
                    }
                    if d.smaa is not None:
                        ranks = d.smaa.rank_acceptability[d.options.index(o)]
                        entry["most_likely_rank"] = int(ranks.argmax()) + 1
                        entry["most_likely_rank_share"] = float(ranks.max())
                    out["options"][o] = entry
        return out

    def summary(self) -> str:
        """One paragraph in plain words: cross-pressure, forecast settlement, robust option."""
        s = self.scenario
        names = {a.id: a.name for a in s.actors}
        parts: list[str] = []
        if self.balance is not None:
            ranked = sorted(self.balance.actors.items(), key=lambda kv: -kv[1]["unbalanced_triads"])
            ranked = [(a, d) for a, d in ranked if d["unbalanced_triads"] > 0]
            if ranked:
                top = ", ".join(
                    f"{names.get(a, a)} ("
                    + (
                        "its one triad"
                        if d["triads"] == 1
                        else f"{d['unbalanced_triads']} of {d['triads']} triads"
                    )
                    + ")"
                    for a, d in ranked[:3]
                )
                parts.append(f"The most cross-pressured actors are {top}.")
            else:
                parts.append(
                    "The relations network is structurally balanced: nobody is cross-pressured."
                )
            if s.balancer and s.balancer in self.balance.actors:
                d = self.balance.actors[s.balancer]
                pairs = [" and ".join(names.get(x, x) for x in p) for p in d["unbalanced_with"]]
                if pairs:
                    n = d["unbalanced_triads"]
                    parts.append(
                        f"{names[s.balancer]} sits in {n} unbalanced "
                        f"triad{'s' if n != 1 else ''}: with {'; '.join(pairs[:4])}."
                    )
        if self.forecasts:
            preferred = self.params.get("decision_model")
            model = preferred if preferred in self.forecasts else next(iter(self.forecasts))
            fc = self.forecasts[model]
            issue_names = {i.id: i.name for i in s.issues}
            bits = []
            for i in s.issues:
                if i.id in fc.outcome:
                    bits.append(
                        f"{issue_names[i.id]} at {fc.outcome[i.id]:.0f} "
                        f"({_nearest_label(i, fc.outcome[i.id])})"
                    )
            parts.append(f"The {model} model forecasts " + "; ".join(bits) + ".")
            unsettled = fc.non_converged()
            if unsettled:
                ranges = "; ".join(
                    f"{issue_names.get(i, i)} {fc.range_of(i)[0]:.0f}–{fc.range_of(i)[1]:.0f}"
                    for i in unsettled
                )
                parts.append(
                    f"Its run did not converge on {len(unsettled)} of "
                    f"{len(fc.issues)} issues (the last round's forecast is given; "
                    f"range over the last rounds: {ranges})."
                )
            errs = self.mean_errors()
            if errs:
                parts.append(self.accuracy_sentence())
        if self.decision is not None:
            from .sentences import decision_sentence

            parts.append(decision_sentence(self.decision))
        actual = self.actual_vs_analysis()
        if actual is not None:
            who = names.get(s.balancer or "", "The balancer")
            text = f"What {who} actually did: {actual['description'].rstrip('.')}."
            from .sentences import option_rank_clause

            n = len(self.decision.options)
            places = [
                f"'{v['name']}' {option_rank_clause(v, n)}."
                for v in actual["options"].values()
                if v["rank_by_acceptability"] is not None
            ]
            if places:
                text += " In this analysis, " + " ".join(places)
            parts.append(text)
        return (
            " ".join(parts)
            if parts
            else "Nothing to analyse: the scenario has no "
            "issues with stances, no relations and no options."
        )

    def to_dict(self) -> dict[str, Any]:
        """All results as JSON-ready data (see the README for the layout)."""
        s = self.scenario
        out: dict[str, Any] = {
            "equipoise_version": __version__,
            "scenario": {
                "id": s.id,
                "title": s.title,
                "hash": self.hash,
                "as_of": s.as_of.isoformat() if s.as_of else None,
                "balancer": s.balancer,
            },
            "params": self.params,
            "skipped": self.skipped,
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
            "summary": self.summary(),
        }
        if self.forecasts is not None:
            from .models.api import forecast_dict

            out["forecasts"] = {
                m: {
                    "params": json_ready(fc.params),
                    "issues": forecast_dict(fc),
                    "rounds_run": fc.rounds_run,
                    "converged": fc.converged,
                    "non_converged": fc.non_converged(),
                }
                for m, fc in self.forecasts.items()
            }
            out["actual_outcomes"] = {
                i.id: {
                    "value": i.outcome.value,
                    "reasoning": i.outcome.reasoning,
                    "provenance": i.outcome.provenance,
                }
                for i in s.issues
                if i.outcome
            }
            out["forecast_errors"] = self.forecast_errors()
            out["mean_absolute_errors"] = self.mean_errors()
            out["scored_issues"] = self.scored_issues()
        if self.balance is not None:
            out["balance"] = self.balance.to_dict()
        if self.timeline is not None:
            out["balancer_timeline"] = [e.to_dict() for e in self.timeline]
        if self.decision is not None:
            out["decision"] = self.decision.to_dict()
        actual = self.actual_vs_analysis()
        if actual is not None:
            out["actual_choice"] = actual
        if self.variants:
            out["variants"] = {v: r.to_dict() for v, r in self.variants.items()}
        if self.explanation is not None:
            out["explanation"] = self.explanation.to_dict()
        if self.flip is not None:
            out["flip_rule"] = self.flip.to_dict()
        if self.sensitivity is not None:
            out["sensitivity"] = self.sensitivity.to_dict()
        return out


def _nearest_label(issue: Any, value: float) -> str:
    at, label = issue.scale.nearest_point(value)
    return ("close to " if abs(at - value) > 1e-9 else "") + f"“{label}”"


def run_analysis(
    scenario: Scenario,
    *,
    models: list[str] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    rounds: int | None = None,
    decision_model: str | None = None,
    time_limit: float = 60.0,
    step: Step | None = None,
    progress: Callable[[int, int], None] | None = None,
    sensitivity: int | None = None,
    sensitivity_seed: int = 1,
    flip: bool = False,
    executor: Any = None,
    keep_draws: bool = False,
    forecast_draws: int | None = None,
) -> Analysis:
    """Run every analysis ``scenario`` supports.

    ``models``: bargaining models for the forecasts (default: all that apply);
    ``decision_model``: the model the decision analysis uses (default: ``eum`` if it is
    among ``models``, else the first of them); ``draws``/``seed``: SMAA draws and seed;
    ``step(name)`` is called before each section, ``progress(done, total)`` during the SMAA
    draws. ``sensitivity``: Sobol base samples N of the decision's global sensitivity
    (``None``: not computed); ``flip``: the rule for the draws where the robust option loses
    first rank; ``executor``: where the draws and samples run
    (:class:`equipoise.decision.executor.Executor`; default: this process); ``keep_draws``:
    the decision and its variants keep their SMAA draws (``draws_kept``, for the run store's
    ``--store-draws``); ``forecast_draws``: the distinct perturbed forecasts the draws share
    (:func:`equipoise.decision.decide`; ``None``: its automatic rule, for the variants too).
    """
    from .models import MODELS, applicable_models
    from .models.api import bargained_count, forecast

    models = list(models) if models else applicable_models(len(scenario.issues))
    if decision_model is None:
        # no issues (a signed edge list): no model applies; the decision section is skipped
        decision_model = "eum" if "eum" in models or not models else models[0]
    result = Analysis(
        scenario,
        params={
            "models": models,
            "decision_model": decision_model,
            "draws": draws,
            "seed": seed,
            "rounds": rounds,
            "time_limit": time_limit,
            **(
                {"sensitivity_n": sensitivity, "sensitivity_seed": sensitivity_seed}
                if sensitivity
                else {}
            ),
            **({"flip": True} if flip else {}),
            **({"forecast_draws": forecast_draws} if forecast_draws is not None else {}),
        },
    )

    def timed(name: str, func: Callable[[], Any]) -> Any:
        if step is not None:
            step(name)
        start = time.perf_counter()
        try:
            return func()
        finally:
            result.seconds[name] = time.perf_counter() - start

    # forecasts
    if not scenario.issues or not scenario.stances:
        result.skipped["forecasts"] = "the scenario has no issues with stances"
    else:
        forecasts = {}
        for m in models:
            if 0 < bargained_count(scenario) < MODELS[m].min_issues:
                result.skipped[f"forecast:{m}"] = (
                    f"the {m} model needs at least {MODELS[m].min_issues} issues"
                )
                continue
            try:
                forecasts[m] = timed(
                    f"forecast:{m}", partial(forecast, scenario, model=m, rounds=rounds)
                )
            except ModelInputError as exc:
                result.skipped[f"forecast:{m}"] = str(exc)
        result.forecasts = forecasts or None
        if not forecasts:
            result.skipped["forecasts"] = "no model could run on this scenario"

    # structural balance
    if not scenario.relations:
        result.skipped["network"] = "the scenario has no relations"
    else:
        from .balance import analysed_dates, balance_of_scenario, balancer_timeline

        # one solve per date, the time limit shared between the dates (the same figure for
        # the scenario's date in the headline and in the timeline)
        solves = len(analysed_dates(scenario)) if scenario.checkpoints else 1
        deadline = time.perf_counter() + time_limit
        report = timed(
            "network", lambda: balance_of_scenario(scenario, time_limit=time_limit / solves)
        )
        if report.ties == 0:
            result.skipped["network"] = "no relation is valid on the scenario's date"
        else:
            result.balance = report
            if scenario.balancer and scenario.checkpoints:
                result.timeline = timed(
                    "network timeline",
                    lambda: balancer_timeline(
                        scenario,
                        time_limit=max(deadline - time.perf_counter(), 0.01),
                        known={report.as_of: report},
                    ),
                )

    # decision
    why_not = _decision_unsupported(scenario, result)
    if why_not:
        result.skipped["decision"] = why_not
    else:
        from .decision import decide

        try:
            result.decision = timed(
                "decision",
                lambda: decide(
                    scenario,
                    model=decision_model,
                    draws=draws,
                    seed=seed,
                    rounds=rounds,
                    progress=_counting_forecasts(step, progress),
                    executor=executor,
                    keep_draws=(flip or keep_draws) and draws > 0,
                    forecast_draws=forecast_draws,
                ),
            )
            for v in scenario.variants:
                result.variants[v.id] = timed(
                    f"variant:{v.id}",
                    partial(
                        decide,
                        scenario,
                        model=decision_model,
                        variant=v.id,
                        draws=draws // 4,
                        seed=seed,
                        rounds=rounds,
                        keep_draws=keep_draws and draws // 4 > 0,
                        forecast_draws=forecast_draws,
                    ),
                )
        except ModelInputError as exc:
            result.skipped["decision"] = str(exc)
        if result.decision is not None:
            from .decision.explain import explain
            from .decision.explain.search import grid_points_bound
            from .limits import EXPLAIN_TIME_LIMIT, MAX_ANALYZE_SEARCH_POINTS

            points = grid_points_bound(scenario)
            search = points <= MAX_ANALYZE_SEARCH_POINTS
            if not search:
                result.skipped["explanation search"] = (
                    f"the approximate search would rerun the model up to {points:,} times "
                    f"(over the cap of {MAX_ANALYZE_SEARCH_POINTS:,} in analyze); "
                    "`equipoise explain --search` runs it"
                )
            try:
                result.explanation = timed(
                    "explanation",
                    partial(
                        explain,
                        scenario,
                        model=decision_model,
                        rounds=rounds,
                        search=search,
                        time_limit=EXPLAIN_TIME_LIMIT,
                    ),
                )
            except ModelInputError as exc:
                result.skipped["explanation"] = str(exc)
    if result.decision is not None:
        kept = result.decision.draws_kept
        _sweeps(
            result,
            scenario,
            decision_model,
            rounds,
            sensitivity,
            sensitivity_seed,
            flip,
            executor,
            timed,
            progress,
        )
        if keep_draws:  # the flip rule lets its draws go; these are asked for
            result.decision.draws_kept = kept
    return result


def _counting_forecasts(
    step: Step | None, progress: Callable[[int, int], None] | None
) -> Callable[[int, int], None] | None:
    """The decision's progress, its section renamed at the first report to say what the bar
    counts: the forecasts of the SMAA draws (the slow part; the draws that share them
    follow at once)."""
    if progress is None or step is None:
        return progress
    named = False

    def report(done: int, total: int) -> None:
        nonlocal named
        if not named:
            step(f"decision: {total:,} forecasts of the SMAA draws")
            named = True
        progress(done, total)

    return report


def _sweeps(
    result: Analysis,
    scenario: Scenario,
    model: str,
    rounds: int | None,
    sensitivity: int | None,
    seed: int,
    flip: bool,
    executor: Any,
    timed: Callable[[str, Callable[[], Any]], Any],
    progress: Callable[[int, int], None] | None,
) -> None:
    """The flip rule and the Sobol indices of the decision, when asked for."""
    d = result.decision
    names = {a.id: a.name for a in scenario.actors} | dict(d.option_names)
    if flip:
        from .decision.flip import flip_rule

        if d.draws_kept is None:
            result.skipped["flip rule"] = "no SMAA draws (--draws 0)"
        else:
            result.flip = timed("flip rule", lambda: flip_rule(d, names=names))
            d.draws_kept = None  # the draws are not part of the results
    if sensitivity:
        from .decision.sensitivity import decision_sensitivity

        result.sensitivity = timed(
            "sensitivity",
            lambda: decision_sensitivity(
                scenario,
                model=model,
                rounds=rounds,
                n=sensitivity,
                seed=seed,
                robust=d.robust_option(),
                executor=executor,
                progress=progress,
            ),
        )


def _decision_unsupported(scenario: Scenario, result: Analysis) -> str | None:
    if scenario.balancer is None:
        return "the scenario names no balancer"
    if not scenario.options:
        return "the scenario has no options for the balancer"
    if result.forecasts is None:
        return "the decision needs forecasts, and none could run"
    if scenario.stance(scenario.balancer, scenario.issues[0].id) is None and not any(
        st.actor == scenario.balancer for st in scenario.stances
    ):
        return "the balancer has no stance on any issue"
    return None

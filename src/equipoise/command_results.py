"""The results of ``forecast``, ``decide``, ``explain`` and ``balance`` as their ``--json``.

One function per command builds what the command prints with ``--json``; the command line
and the workbench's JSON API (:mod:`equipoise.workbench.api`) both call it, so the two never
differ. Bad choices (an unknown model, a parameter no model takes) raise
:class:`~equipoise.errors.InputError` with the option named, as ``error: message``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .errors import InputError
from .limits import EXPLAIN_TIME_LIMIT
from .scenario import Scenario

__all__ = [
    "scenarios_json",
    "validation_json",
    "choose_models",
    "model_params",
    "parse_param_items",
    "run_forecasts",
    "forecast_json",
    "decision_sweeps",
    "decide_json",
    "explain_json",
    "balance_json",
]

Progress = Callable[[int, int], None]


def scenarios_json() -> list[dict[str, Any]]:
    """``scenarios --json``: ``[{"name", "title", "as_of", "actors", "issues"}, ...]``."""
    from .io import load
    from .scenarios import builtin_names

    rows = []
    for name in builtin_names():
        s = load(name)
        rows.append(
            {
                "name": name,
                "title": s.title,
                "as_of": str(s.as_of or ""),
                "actors": len(s.actors),
                "issues": len(s.issues),
            }
        )
    return rows


def validation_json(name: str, scenario: Scenario) -> dict[str, Any]:
    """``validate --json``'s record of a valid input."""
    return {
        "input": name,
        "valid": True,
        "actors": len(scenario.actors),
        "issues": len(scenario.issues),
        "stances": len(scenario.stances),
        "relations": len(scenario.relations),
        "events": len(scenario.events),
    }


def _error(message: str) -> InputError:
    return InputError(message, "error")


def choose_models(names: list[str] | None, n_issues: int) -> list[str]:
    """The models to run: ``names`` (checked, duplicates dropped) or all that apply to
    ``n_issues`` bargained issues."""
    from .models import MODELS, applicable_models

    chosen = names or applicable_models(n_issues)
    unknown = [m for m in chosen if m not in MODELS]
    if unknown:
        raise _error(
            f"unknown model {', '.join(map(repr, unknown))}; valid models are: {', '.join(MODELS)}"
        )
    return list(dict.fromkeys(chosen))


def bargained(scenario: Scenario) -> int:
    """Issues the models bargain over (unilateral issues set aside; all decided: any model)."""
    from .models.api import bargained_count

    return bargained_count(scenario) or 10**6


def parse_param_items(items: list[str] | None) -> dict[str, Any]:
    """``["Q=0.5", "profile=masad2014"]`` -> ``{"Q": 0.5, "profile": "masad2014"}``: each value
    read as a boolean (true/false), an integer, a float, or else text."""
    parsed: dict[str, Any] = {}
    for item in items or []:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise _error(f"--param {item!r}: expected NAME=VALUE, e.g. --param Q=0.5")
        value: Any = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            for cast in (int, float):
                try:
                    value = cast(raw)
                    break
                except ValueError:
                    continue
        if name == "rounds":
            raise _error("--param rounds: the round cap is the option --rounds N")
        parsed[name] = value
    return parsed


def model_params(params: dict[str, Any] | None, models: list[str]) -> dict[str, dict[str, Any]]:
    """Per model, the parameters of ``params`` its constructor takes. A parameter that none
    of ``models`` takes, or text where a model expects a number, is an error."""
    from .models import MODELS

    per_model: dict[str, dict[str, Any]] = {m: {} for m in models}
    for name, value in (params or {}).items():
        takers = [
            m
            for m in models
            if name != "self" and name in inspect.signature(MODELS[m].__init__).parameters
        ]
        if not takers:
            raise _error(f"--param {name}: none of the models {', '.join(models)} takes it")
        for m in takers:
            default = inspect.signature(MODELS[m].__init__).parameters[name].default
            if (
                isinstance(default, (int, float))
                and not isinstance(default, bool)
                and not isinstance(value, (int, float))
            ):
                raise _error(
                    f"--param {name}={value}: expected a number (model {m}, default {default})"
                )
            per_model[m][name] = value
    return per_model


def run_forecasts(
    scenario: Scenario,
    *,
    models: list[str] | None = None,
    rounds: int | None = None,
    params: dict[str, Any] | None = None,
    name: str = "<input>",
) -> dict[str, Any]:
    """``{model: Forecast}`` for the chosen models (default: all that apply).

    ``name`` is the input's name in the message for a scenario with nothing to forecast.
    """
    from .models.api import forecast

    if not scenario.issues or not scenario.stances:
        raise InputError("no issues with stances to forecast; add 'issues' and 'stances'", name)
    chosen = choose_models(models, bargained(scenario))
    per_model = model_params(params, chosen)
    try:
        return {m: forecast(scenario, model=m, rounds=rounds, **per_model[m]) for m in chosen}
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise _error(str(exc)) from None


def forecast_json(forecasts: dict[str, Any]) -> dict[str, Any]:
    """``forecast --json``: ``{"models": {model: {issue: {...}}}}``."""
    from .models.api import forecast_dict

    return {"models": {m: forecast_dict(fc) for m, fc in forecasts.items()}}


def decision_sweeps(
    scenario: Scenario,
    result: Any,
    *,
    model: str,
    variant: str | None,
    rounds: int | None,
    sensitivity: int | None,
    sensitivity_seed: int,
    flip: bool,
    executor: Any,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The flip rule and the Sobol indices asked for (keys ``flip_rule``, ``sensitivity``)
    of a decision ``result`` (computed with ``keep_draws=flip``)."""
    found: dict[str, Any] = {}
    names = {a.id: a.name for a in scenario.actors} | dict(result.option_names)
    if flip:
        from .decision.flip import flip_rule

        found["flip_rule"] = flip_rule(result, names=names)
    if sensitivity:
        from .decision.sensitivity import decision_sensitivity

        found["sensitivity"] = decision_sensitivity(
            scenario,
            model=model,
            variant=variant,
            rounds=rounds,
            n=sensitivity,
            seed=sensitivity_seed,
            robust=result.robust_option(),
            executor=executor,
            progress=progress,
        )
    return found


def decide_json(result: Any, sweeps: dict[str, Any]) -> dict[str, Any]:
    """``decide --json``: the decision and, when asked for, ``flip_rule``/``sensitivity``."""
    return {**result.to_dict(), **{k: v.to_dict() for k, v in sweeps.items()}}


def explain_json(
    scenario: Scenario,
    *,
    model: str = "eum",
    variant: str | None = None,
    option: str | None = None,
    doctrine: str | None = None,
    rounds: int | None = None,
    search: bool = True,
    time_limit: float | None = EXPLAIN_TIME_LIMIT,
) -> tuple[Any, dict[str, Any]]:
    """``(Explanation, explain --json)``; ``time_limit`` bounds the exact smallest-change
    MILPs (:func:`equipoise.decision.explain.explain`)."""
    from .decision.explain import explain

    result = explain(
        scenario,
        model=model,
        variant=variant,
        option=option,
        doctrine=doctrine,
        rounds=rounds,
        search=search,
        time_limit=time_limit,
    )
    return result, result.to_dict()


def balance_json(scenario: Scenario, **options: Any) -> dict[str, Any]:
    """``balance --json`` of a scenario (options of :func:`equipoise.balance.balance_report`)."""
    from .balance import balance_report

    report, _lines = balance_report(scenario, **options)
    return report.to_dict()

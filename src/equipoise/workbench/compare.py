"""Comparing two runs, two dates, two variants or two versions of a scenario (the logic of
``equipoise runs diff``, for the API's ``POST /api/runs/diff``).

Each side is a stored run (its id) or a scenario request (``{"scenario" | "yaml", "label",
"set", "as_of", "variant"}``). Scenario sides are computed with the request's commands and
options, or like the stored run on the other side; both are then compared by
:mod:`equipoise.store.compare` (what ``runs diff`` and the Compare page use).
"""

from __future__ import annotations

import json
from typing import Any

from ..store.compare import Side, compare
from .config import WorkbenchConfig
from .payload import ApiError

__all__ = ["diff_sides", "SIDE_COMMANDS"]

#: Commands a scenario side can be computed with.
SIDE_COMMANDS = ("forecast", "decide", "balance")
_SIDE_KEYS = {"scenario", "yaml", "label", "set", "as_of", "variant"}


def _check(payload: Any) -> tuple[Any, Any, list[str], dict[str, Any]]:
    if not isinstance(payload, dict):
        raise ApiError(400, ['request: expected a JSON object {"a": SIDE, "b": SIDE}'])
    problems = [
        f"request: {k}: not a field (expected a, b, commands, options)"
        for k in payload
        if k not in ("a", "b", "commands", "options")
    ]
    for side in ("a", "b"):
        value = payload.get(side)
        if isinstance(value, dict):
            problems += [
                f"request: {side}.{k}: not a field of a side (expected one of "
                f"{', '.join(sorted(_SIDE_KEYS))})"
                for k in value
                if k not in _SIDE_KEYS
            ]
        elif not isinstance(value, str) or not value:
            problems.append(
                f"request: {side}: expected a run id or a scenario request "
                '{"scenario": ..., "set": ..., "as_of": ...}'
            )
    commands = payload.get("commands") or ["forecast", "decide"]
    if not isinstance(commands, list) or not all(c in SIDE_COMMANDS for c in commands):
        problems.append(f"request: commands: expected a list of {', '.join(SIDE_COMMANDS)}")
    options = payload.get("options") or {}
    if not isinstance(options, dict) or not all(
        k in SIDE_COMMANDS and isinstance(v, dict) for k, v in options.items()
    ):
        problems.append(
            "request: options: expected {COMMAND: {OPTION: VALUE}} for " + ", ".join(SIDE_COMMANDS)
        )
    if problems:
        raise ApiError(400, problems)
    return payload["a"], payload["b"], list(dict.fromkeys(commands)), options


def _scenario_request(side: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {k: side[k] for k in ("scenario", "yaml", "label") if k in side}
    sets = dict(side.get("set") or {})
    if side.get("as_of") is not None:
        sets["as_of"] = side["as_of"]
    return {**request, "set": sets, "record": False}


def _inputs(side: dict[str, Any], config: WorkbenchConfig) -> tuple[Any, dict[str, Any]]:
    """The side's scenario (``set`` and ``as_of`` applied) and its document."""
    from ..io.scenario_file import scenario_to_data
    from ..whatif import apply_sets
    from .payload import ValidateOptions, read_options, scenario_of, set_items

    request = read_options(ValidateOptions, _scenario_request(side))
    raw, _name = scenario_of(request, config)
    data = scenario_to_data(apply_sets(raw, set_items(request)))
    if side.get("variant"):  # the what-if variant the side is evaluated under
        data["variant"] = side["variant"]
    return raw, data


def _label(side: dict[str, Any]) -> str:
    name = side.get("label") or (
        side["scenario"] if isinstance(side.get("scenario"), str) else "scenario"
    )
    extra = [f"as of {side['as_of']}"] if side.get("as_of") else []
    extra += [f"variant {side['variant']}"] if side.get("variant") else []
    extra += [f"{len(side['set'])} set"] if side.get("set") else []
    return " ".join([str(name), *extra])


def _computed(
    side: dict[str, Any], commands: list[str], options: dict[str, Any], config: WorkbenchConfig
) -> Side:
    """The side computed by the API's ``commands``, its results laid out as ``analyze``'s
    (``forecasts``, ``decision``, ``balance``) so that they are digested alike."""
    from .api import COMMANDS

    _raw, inputs = _inputs(side, config)
    results: dict[str, Any] = {}
    for command in commands:
        request = {**_scenario_request(side), **options.get(command, {}), "record": False}
        if side.get("variant") and command == "decide":
            request["variant"] = side["variant"]
        answer = COMMANDS[command](request, config)
        if command == "forecast":
            results["forecasts"] = {m: {"issues": f} for m, f in answer["models"].items()}
        elif command == "decide":
            results["decision"] = answer
        else:
            results["balance"] = answer
    return Side(_label(side), inputs, results)


def _like_run(side: dict[str, Any], run: Any, config: WorkbenchConfig) -> Side:
    """The side computed as ``run`` was (its command and parameters), as ``runs diff``."""
    import os
    import tempfile

    from ..io.scenario_file import scenario_to_data
    from ..store.compare import computed_side
    from .payload import items_of

    raw, inputs = _inputs(side, config)
    params = dict(run.params)
    if side.get("variant") and "variant" in params:
        params["variant"] = side["variant"]
    fd, path = tempfile.mkstemp(prefix="equipoise-side-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(scenario_to_data(raw), f, indent=1, ensure_ascii=False)
        computed = computed_side(
            path, run.command, params, items_of(_scenario_request(side)["set"])
        )
    finally:
        os.unlink(path)
    return Side(_label(side) + f" (as run {run.id})", inputs, computed.results)


def diff_sides(payload: Any, config: WorkbenchConfig) -> dict[str, Any]:
    """``{"a": LABEL, "b": LABEL, "inputs": [...], "answers": [...]}`` (``runs diff --json``
    with the sides' labels); a variant's answers are compared with the other side's
    decision (:func:`equipoise.store.compare.compare`, ``same_variant_paths``)."""
    from .runstore import stored_side

    a, b, commands, options = _check(payload)
    stored = {k: stored_side(config, v) for k, v in (("a", a), ("b", b)) if isinstance(v, str)}
    sides: dict[str, Side] = {}
    for key, value in (("a", a), ("b", b)):
        if key in stored:
            sides[key] = stored[key]
            continue
        template = next((s.run for s in stored.values()), None)
        sides[key] = (
            _like_run(value, template, config)
            if template is not None
            else _computed(value, commands, options, config)
        )
    found = compare(sides["a"], sides["b"], same_variant_paths=True)
    return {"a": found.a_label, "b": found.b_label, **found.to_dict()}

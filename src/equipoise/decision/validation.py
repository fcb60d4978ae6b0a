"""``validate``'s checks of the decision format (status quo, declared criteria, unilateral
issues, consequences, packages, value functions, expectations, variant-dependent weights).

:func:`check_decision` returns ``(location, message)`` pairs like
:func:`equipoise.scenario.check_scenario`, which calls it; the loaders turn locations into
``FILE:LINE``. Pure Python, so loading a scenario stays light.
"""

from __future__ import annotations

import math
from typing import Any

from ..scenario import Consequence, Scenario, _listing, provenance_problem
from .criteria import COMPUTED, OPTIONAL, declared_criteria, declared_values
from .packages import contradictions

__all__ = ["check_decision"]

Loc = tuple[Any, ...]


def check_decision(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every problem of the decision format in ``scenario`` (module docstring)."""
    problems: list[tuple[Loc, str]] = []
    add = problems.append
    option_ids = [o.id for o in scenario.options]
    actor_ids = {a.id for a in scenario.actors}
    variant_ids = {v.id for v in scenario.variants}
    source_ids = {s.id for s in scenario.sources}
    scales = {i.id: i.scale for i in scenario.issues}
    stance_pairs = {(s.actor, s.issue) for s in scenario.stances}

    def provenance(loc: Loc, *records: Any, what: str) -> None:
        problem = provenance_problem(loc, records, what, source_ids)
        if problem is not None:
            add(problem)

    # -- status quo ------------------------------------------------------------------------
    if scenario.status_quo is not None and scenario.status_quo not in option_ids:
        add(
            (
                ("status_quo",),
                f"status_quo '{scenario.status_quo}' is not an option; expected "
                f"one of the option ids: {_listing(option_ids)}",
            )
        )
    elif scenario.options and scenario.status_quo is None:
        add(
            (
                ("options",),
                "the scenario has options but no status quo; add 'status_quo: "
                "OPTION_ID' naming the option that continues the present course (its changes, "
                "possibly none, and its declared criteria values like any other option)",
            )
        )

    # -- what the decision analysis needs -------------------------------------------------
    if scenario.options:
        if scenario.balancer is None:
            add(
                (
                    ("options",),
                    "the scenario has options but names no balancer; add "
                    "'balancer: ACTOR_ID' naming the actor whose options these are",
                )
            )
        elif scenario.balancer in actor_ids and not any(
            s.actor == scenario.balancer for s in scenario.stances
        ):
            add(
                (
                    ("balancer",),
                    f"the balancer '{scenario.balancer}' has no stance on any "
                    "issue, so its options cannot be compared; add its stances (position and "
                    "salience) on the issues",
                )
            )

    # -- declared criteria -----------------------------------------------------------------
    seen: set[str] = set()
    for k, c in enumerate(scenario.criteria):
        loc: Loc = ("criteria", k)
        if c.id in seen:
            add((loc + ("id",), f"duplicate criterion id '{c.id}'; ids must be unique"))
        seen.add(c.id)
        if c.id in COMPUTED or c.id in OPTIONAL:
            add(
                (loc + ("id",), f"criterion id '{c.id}' is a computed criterion; choose another id")
            )
        provenance(loc, c, what="criterion")
    criteria = declared_criteria(scenario)
    required = {key for o in scenario.options for key in declared_values(o)}
    for k, o in enumerate(scenario.options):
        loc = ("options", k)
        for key in o.criteria:
            if key not in seen:
                add(
                    (
                        loc + ("criteria", key),
                        f"option '{o.id}' declares unknown criterion "
                        f"'{key}'; declare it under the top-level 'criteria:' (id, name, "
                        f"direction, scale); declared: {_listing(seen)}",
                    )
                )
            elif key in o.costs:
                add(
                    (
                        loc + ("criteria", key),
                        f"option '{o.id}' gives '{key}' in both "
                        "'costs' and 'criteria'; give it once",
                    )
                )
        values = declared_values(o)
        missing = sorted(required - values.keys())
        if missing:
            add(
                (
                    loc,
                    f"option '{o.id}' leaves criteria undeclared that other options "
                    f"declare: {', '.join(missing)}; no criterion is ever silently 0 — give each "
                    "a value with its source or assumption",
                )
            )
        for key, value in values.items():
            section = "criteria" if key in o.criteria else "costs"
            _on_criterion_scale(add, loc + (section, key), value.value, criteria.get(key))
            provenance(loc + (section, key), value, o, what=f"value of '{key}'")
        _check_consequences(add, provenance, loc, o.consequences, scales)
    for c in scenario.criteria:
        if scenario.options and c.id not in required:
            k = scenario.criteria.index(c)
            add(
                (
                    ("criteria", k, "id"),
                    f"criterion '{c.id}' is declared but no option gives "
                    "it a value; give every option a value or remove it",
                )
            )

    # -- variants --------------------------------------------------------------------------
    for k, v in enumerate(scenario.variants):
        for ref, values in v.costs.items():
            for key, value in values.items():
                if key not in criteria and ref in option_ids:
                    add(
                        (
                            ("variants", k, "costs", ref, key),
                            f"variant '{v.id}' sets unknown "
                            f"criterion '{key}' of option '{ref}'; expected one of: "
                            f"{_listing(criteria)}",
                        )
                    )
                _on_criterion_scale(
                    add, ("variants", k, "costs", ref, key), value.value, criteria.get(key)
                )
        _check_consequences(add, provenance, ("variants", k), v.consequences, scales)

    # -- unilateral issues -----------------------------------------------------------------
    for k, issue in enumerate(scenario.issues):
        who = issue.decided_by
        if who is None:
            continue
        if who not in actor_ids:
            add(
                (
                    ("issues", k, "decided_by"),
                    f"unknown actor '{who}' decides issue "
                    f"'{issue.id}'; expected one of the actor ids: {_listing(actor_ids)}",
                )
            )
        elif (who, issue.id) not in stance_pairs:
            add(
                (
                    ("issues", k, "decided_by"),
                    f"issue '{issue.id}' is decided by '{who}', who "
                    "has no stance on it; the outcome of a unilateral issue is its decider's "
                    f"position: add a stance of '{who}' on '{issue.id}'",
                )
            )

    # -- value functions -------------------------------------------------------------------
    for k, s in enumerate(scenario.stances):
        if s.value_function is None:
            continue
        loc = ("stances", k, "value_function")
        scale = scales.get(s.issue)
        points = s.value_function
        if len(points) < 2:
            add((loc, "a value function needs at least two points [x, v]"))
            continue
        xs = [p[0] for p in points]
        if any(b <= a for a, b in zip(xs, xs[1:])):
            add((loc, f"value function x must increase strictly; got {xs}"))
        if scale is not None and any(not scale.min <= x <= scale.max for x in xs):
            add(
                (
                    loc,
                    f"value function x {xs} must lie on the scale of issue '{s.issue}' "
                    f"[{scale.min:g}, {scale.max:g}]",
                )
            )
        if any(not (math.isfinite(v) and 0 <= v <= 1) for _, v in points):
            add(
                (loc, f"value function v must lie in [0, 1] (1 best); got {[p[1] for p in points]}")
            )

    # -- packages --------------------------------------------------------------------------
    by_id = {o.id: o for o in scenario.options}
    taken = set(option_ids)
    for k, p in enumerate(scenario.packages):
        loc = ("packages", k)
        provenance(loc, p, what="package")
        unknown = [ref for ref in p.options if ref not in by_id]
        for j, ref in enumerate(p.options):
            if ref not in by_id:
                add(
                    (
                        loc + ("options", j),
                        f"package names unknown option '{ref}'; expected "
                        f"one of the option ids: {_listing(option_ids)}",
                    )
                )
            elif ref == scenario.status_quo:
                add(
                    (
                        loc + ("options", j),
                        f"package includes the status quo '{ref}'; a "
                        "package combines departures from the present course",
                    )
                )
        if len(set(p.options)) != len(p.options):
            add((loc + ("options",), "a package names each option once"))
        if p.package_id in taken:
            add(
                (
                    loc,
                    f"package id '{p.package_id}' is already used by an option or package; "
                    "give the package its own 'id'",
                )
            )
        taken.add(p.package_id)
        for key, value in p.criteria.items():
            if key not in criteria:
                add(
                    (
                        loc + ("criteria", key),
                        f"package overrides unknown criterion '{key}'; "
                        f"expected one of: {_listing(criteria)}",
                    )
                )
            _on_criterion_scale(add, loc + ("criteria", key), value.value, criteria.get(key))
        if not unknown:
            for message in contradictions([by_id[ref] for ref in p.options]):
                add((loc + ("options",), f"package '{p.package_id}': {message}"))

    # -- doctrines and expectations --------------------------------------------------------
    weighable = {*COMPUTED, *OPTIONAL, *criteria}
    for k, d in enumerate(scenario.doctrines):
        for ref, weights in d.weights_by_variant.items():
            loc = ("doctrines", k, "weights_by_variant", ref)
            if ref not in variant_ids:
                add(
                    (
                        loc,
                        f"doctrine '{d.id}' gives weights for unknown variant '{ref}'; "
                        f"expected one of: {_listing(variant_ids)}",
                    )
                )
            _check_weights(add, loc, d.id, weights, weighable, actor_ids, bool(scenario.options))
    seen = set()
    for k, e in enumerate(scenario.expectations):
        loc = ("expectations", k)
        if e.id in seen:
            add((loc + ("id",), f"duplicate expectation id '{e.id}'; ids must be unique"))
        seen.add(e.id)
        if e.actor not in actor_ids:
            add(
                (
                    loc + ("actor",),
                    f"unknown actor '{e.actor}'; expected one of the actor ids: "
                    f"{_listing(actor_ids)}",
                )
            )
        elif e.actor == scenario.balancer:
            add(
                (
                    loc + ("actor",),
                    f"expectation '{e.id}' is held by the balancer itself; the "
                    "balancer's own views are doctrines",
                )
            )
        provenance(loc, e, what="expectation")
        _check_weights(
            add, loc + ("weights",), e.id, e.weights, weighable, actor_ids, bool(scenario.options)
        )
        if not e.weights:
            add((loc + ("weights",), f"expectation '{e.id}' weighs no criterion"))
    if scenario.uncertainty.criteria != 0.10 or scenario.uncertainty.relations != 0.2:
        if not scenario.uncertainty.has_provenance():
            add((("uncertainty",), "uncertainty has neither a source nor an assumption"))
    return problems


def _on_criterion_scale(add: Any, loc: Loc, value: float, criterion: Any) -> None:
    if criterion is not None and not criterion.lo <= value <= criterion.hi:
        add(
            (
                loc,
                f"value {value:g} of criterion '{criterion.id}' is outside its scale "
                f"[{criterion.lo:g}, {criterion.hi:g}]",
            )
        )


def _check_consequences(
    add: Any, provenance: Any, loc: Loc, items: list[Consequence], scales: dict[str, Any]
) -> None:
    for j, c in enumerate(items):
        here = loc + ("consequences", j)
        provenance(here, c, what="consequence")
        scale = scales.get(c.issue)
        if scale is None:
            add(
                (
                    here + ("issue",),
                    f"unknown issue '{c.issue}'; expected one of the issue ids: {_listing(scales)}",
                )
            )
        if c.value is None and c.min is None and c.max is None:
            add((here, "a consequence needs 'value', or 'min' and/or 'max'"))
        if c.value is not None and (c.min is not None or c.max is not None):
            add((here, "a consequence gives either 'value' or bounds 'min'/'max', not both"))
        if c.min is not None and c.max is not None and c.min > c.max:
            add((here, f"consequence min {c.min:g} is above max {c.max:g}"))
        for name in ("min", "max", "value"):
            v = getattr(c, name)
            if v is not None and scale is not None and not scale.min <= v <= scale.max:
                add(
                    (
                        here + (name,),
                        f"consequence {name} {v:g} is outside the scale of issue "
                        f"'{c.issue}' [{scale.min:g}, {scale.max:g}]",
                    )
                )


def _check_weights(
    add: Any,
    loc: Loc,
    owner: str,
    weights: dict[str, Any],
    known: set[str],
    actor_ids: set[str],
    has_options: bool,
) -> None:
    for name, w in weights.items():
        here = loc + (name,)
        actor = name.split(":", 1)[1] if name.startswith("satisfaction:") else None
        if actor is not None and actor not in actor_ids:
            add(
                (
                    here,
                    f"unknown actor '{actor}' in criterion '{name}'; expected one of the "
                    f"actor ids: {_listing(actor_ids)}",
                )
            )
        elif actor is None and has_options and name not in known:
            add(
                (
                    here,
                    f"'{owner}' weighs unknown criterion '{name}'; expected one of: "
                    f"{_listing(known)}, or satisfaction:ACTOR",
                )
            )
        lo, hi = (w, w) if isinstance(w, (int, float)) else w
        if not (0 <= lo <= hi) or not math.isfinite(hi):
            add(
                (
                    here,
                    f"weight of '{name}' must be >= 0, or a range [lo, hi] with "
                    f"0 <= lo <= hi; got {w}",
                )
            )
    if weights and all(
        ((w, w) if isinstance(w, (int, float)) else w)[1] <= 0 for w in weights.values()
    ):
        add((loc, f"'{owner}' gives no criterion a positive weight"))

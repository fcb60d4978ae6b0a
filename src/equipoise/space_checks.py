"""Checks of a scenario's issue spaces (issues sharing a ``space`` id).

The issues of a space are the dimensions of one position vector (see
:mod:`equipoise.models.spaces`), so a spatial model compares whole vectors. That needs:

* at least two issues per declared space (one issue is a space of its own anyway: a lone
  ``space`` id is most likely a misspelt one), and a space id that is not the id of an issue
  outside the space;
* one scale for all of them (``min`` and ``max``: distances add up across the dimensions);
* one ``decided_by`` for all of them (a decider decides the whole vector or none of it);
* complete vectors: an actor with a stance on one issue of the space has one on each, also
  after the changes of every option and variant;
* one capability per actor in the space (the stances' own ``capability``, else the actor's);
* an actor's saliences over a space add up to at most 1 (KTAB's rule, which the ``smp`` and
  ``pce`` models enforce: each is a share of the actor's attention over the dimensions), also
  after the changes of every option and variant.

:func:`check_spaces` returns the problems as ``(location, message)`` pairs, like
:func:`equipoise.scenario.check_scenario` (which calls it).
"""

from __future__ import annotations

from typing import Any

from .models.spaces import issue_spaces
from .numfmt import fmt_exact

__all__ = ["check_spaces"]

Loc = tuple[str | int, ...]

#: Round-off allowed in a sum of saliences (``0.1 + 0.2 + 0.7`` is not above 1).
_TOL = 1e-9


def check_spaces(scenario: Any) -> list[tuple[Loc, str]]:
    """Every problem of ``scenario``'s issue spaces as ``(location, message)`` pairs."""
    problems: list[tuple[Loc, str]] = []
    spaces = [sp for sp in issue_spaces(scenario) if sp.declared]
    if not spaces:
        return problems
    space_of = {issue: sp for sp in spaces for issue in sp.issues}
    issue_ids = {i.id for i in scenario.issues}
    for sp in spaces:
        problems.extend(_space_problems(scenario, sp, issue_ids))
    problems.extend(_stance_problems(scenario, space_of))
    for section in ("options", "variants"):
        for k, item in enumerate(getattr(scenario, section)):
            problems.extend(_change_problems(scenario, section, k, item, space_of))
    return problems


def _space_problems(scenario: Any, sp: Any, issue_ids: set[str]) -> list[tuple[Loc, str]]:
    """One space's own problems: size, id, scale and decider."""
    out: list[tuple[Loc, str]] = []
    first = scenario.issues[sp.index[0]]
    if sp.dimensions < 2:
        out.append(
            (
                ("issues", sp.index[0], "space"),
                f"space '{sp.id}' has only issue '{first.id}'; a space groups two or more "
                "issues as the dimensions of one position vector (check the spelling of "
                "the id, or remove 'space')",
            )
        )
    if sp.id in issue_ids - set(sp.issues):
        out.append(
            (
                ("issues", sp.index[0], "space"),
                f"space id '{sp.id}' is also the id of an issue outside the space; give the "
                "space an id of its own",
            )
        )
    for k in sp.index[1:]:
        issue = scenario.issues[k]
        if (issue.scale.min, issue.scale.max) != (first.scale.min, first.scale.max):
            out.append(
                (
                    ("issues", k, "scale"),
                    f"issue '{issue.id}' of space '{sp.id}' runs "
                    f"{fmt_exact(issue.scale.min)}-{fmt_exact(issue.scale.max)} but issue "
                    f"'{first.id}' runs {fmt_exact(first.scale.min)}-"
                    f"{fmt_exact(first.scale.max)}; the dimensions of a space share one "
                    "scale (distances are measured across them)",
                )
            )
        if getattr(issue, "decided_by", None) != getattr(first, "decided_by", None):
            out.append(
                (
                    ("issues", k, "decided_by"),
                    f"issue '{issue.id}' of space '{sp.id}' is decided by "
                    f"{_who(issue.decided_by)} but issue '{first.id}' by "
                    f"{_who(first.decided_by)}; the issues of a space share one "
                    "'decided_by' (the whole position vector is decided, or bargained)",
                )
            )
    return out


def _who(actor: str | None) -> str:
    return "no one" if actor is None else f"'{actor}'"


def _stance_problems(scenario: Any, space_of: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Incomplete position vectors and capabilities that differ within a space."""
    out: list[tuple[Loc, str]] = []
    actor_cap = {
        a.id: (a.capability.value if a.capability is not None else None) for a in scenario.actors
    }
    by_vector: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for k, st in enumerate(scenario.stances):
        sp = space_of.get(st.issue)
        if sp is not None:
            by_vector.setdefault((st.actor, sp.id), []).append((k, st))
    for (actor, space_id), stances in by_vector.items():
        sp = next(space_of[i] for i in space_of if space_of[i].id == space_id)
        have = {st.issue for _, st in stances}
        missing = [i for i in sp.issues if i not in have]
        k0 = stances[0][0]
        if missing:
            out.append(
                (
                    ("stances", k0, "issue"),
                    f"actor '{actor}' has a stance on {_names(sorted(have))} of space "
                    f"'{space_id}' but none on {_names(missing)}; the issues of a space are "
                    "one position vector: give the actor a stance on every issue of the "
                    "space, or on none",
                )
            )
        total = sum(st.salience.value for _, st in stances)
        if total > 1.0 + _TOL:
            out.append(
                (
                    ("stances", stances[-1][0], "salience"),
                    f"the saliences of actor '{actor}' on the issues of space '{space_id}' "
                    f"add up to {total:.4g}; they are shares of one actor's attention over the "
                    "space's dimensions and add up to at most 1 (KTAB's rule, needed by "
                    "the smp and pce models): divide them by their sum or lower some",
                )
            )
        caps = [
            (k, st.capability.value if st.capability is not None else actor_cap.get(actor))
            for k, st in stances
        ]
        first_cap = caps[0][1]
        for k, cap in caps[1:]:
            if cap != first_cap:
                out.append(
                    (
                        ("stances", k, "capability"),
                        f"actor '{actor}' has capability {_cap(cap)} on issue "
                        f"'{scenario.stances[k].issue}' but {_cap(first_cap)} on issue "
                        f"'{scenario.stances[k0].issue}' of the same space '{space_id}'; "
                        "an actor brings one capability to a space: give the same "
                        "capability on each of its issues (or only the actor's)",
                    )
                )
                break
    return out


def _names(issues: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in issues)


def _cap(value: float | None) -> str:
    return "none" if value is None else fmt_exact(value)


def _change_problems(
    scenario: Any, section: str, k: int, item: Any, space_of: dict[str, Any]
) -> list[tuple[Loc, str]]:
    """Stance changes of one option or variant that would leave a position vector
    incomplete or give an actor two capabilities in a space."""
    out: list[tuple[Loc, str]] = []
    has = {(st.actor, st.issue) for st in scenario.stances}
    salience = {(st.actor, st.issue): st.salience.value for st in scenario.stances}
    touched: dict[tuple[str, str], int] = {}  # (actor, space) -> first change index
    capped: dict[tuple[str, str], dict[str, float]] = {}
    for c, ch in enumerate(item.changes):
        if ch.target != "stance" or ch.issue is None or ch.issue not in space_of:
            continue
        key = (ch.actor, space_of[ch.issue].id)
        touched.setdefault(key, c)
        has.add((ch.actor, ch.issue))
        if ch.salience is not None:
            salience[(ch.actor, ch.issue)] = ch.salience
        if ch.capability is not None:
            capped.setdefault(key, {})[ch.issue] = ch.capability
    for (actor, space_id), c in touched.items():
        sp = next(space_of[i] for i in space_of if space_of[i].id == space_id)
        missing = [i for i in sp.issues if (actor, i) not in has]
        loc: Loc = (section, k, "changes", c)
        if missing:
            out.append(
                (
                    loc,
                    f"this change gives actor '{actor}' a stance on space "
                    f"'{space_id}' but none on {_names(missing)}; the issues of a space are "
                    "one position vector: create the stance on every issue of the space "
                    "in the same changes",
                )
            )
        total = sum(salience.get((actor, i), 0.0) for i in sp.issues)
        if total > 1.0 + _TOL:
            out.append(
                (
                    loc,
                    f"after these changes the saliences of actor '{actor}' on the issues "
                    f"of space '{space_id}' add up to {total:.4g}; they add up to at most 1 "
                    "(shares of one actor's attention over the space's dimensions)",
                )
            )
        caps = capped.get((actor, space_id), {})
        if caps and (set(caps) != set(sp.issues) or len(set(caps.values())) > 1):
            out.append(
                (
                    loc,
                    f"these changes set actor '{actor}''s capability on "
                    f"{_names(sorted(caps))} of space '{space_id}' only, or to different "
                    "values; an actor brings one capability to a space: set the same "
                    "capability on every issue of the space (or change the actor's with "
                    "'target: capability')",
                )
            )
    return out

"""The what-if levers of a scenario: which values the What-if page can move, each as the
``--set`` path that moves it (:mod:`equipoise.whatif`), its current value and its range.

========== ================================== ==========================================
kind       path                               range
========== ================================== ==========================================
position   ``stances.ACTOR.ISSUE.position``   the issue's scale
salience   ``stances.ACTOR.ISSUE.salience``   0 to 1
capability ``actors.ID.capability``           0 to twice the largest capability
relation   ``relations.N.sign`` (N: index)    −1, 0, +1
weight     ``relations.N.weight``             0.05 to 4 (a record's own weight, > 0)
option     ``options.ID.criteria.CRITERION``  the criterion's scale (0–10 without one)
doctrine   ``doctrines.ID.weights.CRITERION`` an interval within 0 to 1
========== ================================== ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Lever kinds in the order the page offers them, with their labels.
KINDS: dict[str, str] = {
    "position": "a stance's position",
    "salience": "a stance's salience",
    "capability": "an actor's capability",
    "relation": "a relation's sign",
    "weight": "a relation's weight",
    "option": "an option's declared value",
    "doctrine": "a doctrine's weight interval",
}


@dataclass(frozen=True)
class Lever:
    """One movable value: ``value`` is a number, or ``[low, high]`` for a doctrine weight."""

    path: str
    label: str
    value: Any
    low: float
    high: float
    step: float


def _num(x: Any) -> float | None:
    if x is None:
        return None
    return float(getattr(x, "value", x))


def levers(scenario: Any, kind: str) -> list[Lever]:
    """Every lever of ``kind`` in ``scenario`` (:data:`KINDS`), in the scenario's order."""
    names = {a.id: a.name for a in scenario.actors}
    if kind in ("position", "salience"):
        issues = {i.id: i for i in scenario.issues}
        out = []
        for st in scenario.stances:
            issue = issues.get(st.issue)
            if issue is None:
                continue
            what = f"{names.get(st.actor, st.actor)} on {issue.name}"
            if kind == "position":
                lo, hi = float(issue.scale.min), float(issue.scale.max)
                out.append(
                    Lever(
                        f"stances.{st.actor}.{st.issue}.position",
                        what,
                        _num(st.position),
                        lo,
                        hi,
                        (hi - lo) / 100,
                    )
                )
            else:
                out.append(
                    Lever(
                        f"stances.{st.actor}.{st.issue}.salience",
                        what,
                        _num(st.salience),
                        0.0,
                        1.0,
                        0.01,
                    )
                )
        return out
    if kind == "capability":
        caps = [_num(a.capability) or 0.0 for a in scenario.actors]
        top = 2 * max(caps + [50.0])
        return [
            Lever(f"actors.{a.id}.capability", a.name, c, 0.0, top, top / 200)
            for a, c in zip(scenario.actors, caps)
            if a.capability is not None
        ]
    if kind in ("relation", "weight"):
        out = []
        for k, r in enumerate(scenario.relations):
            when = f" since {r.since}" if r.since else ""
            what = f"{names.get(r.from_, r.from_)} → {names.get(r.to, r.to)}: {r.kind}{when}"
            if kind == "relation":
                out.append(Lever(f"relations.{k}.sign", what, float(r.sign), -1.0, 1.0, 1.0))
            else:
                out.append(
                    Lever(f"relations.{k}.weight", what, float(r.weight_value), 0.05, 4.0, 0.05)
                )
        return out
    if kind == "option":
        scales = {
            c.id: (float(c.scale.min), float(c.scale.max))
            for c in scenario.criteria
            if getattr(c, "scale", None) is not None
        }
        out = []
        for o in scenario.options:
            for c, v in o.criteria.items():
                value = _num(v)
                lo, hi = scales.get(c, (0.0, max(10.0, 2 * abs(value or 0.0))))
                out.append(
                    Lever(
                        f"options.{o.id}.criteria.{c}",
                        f"{o.name}: {c}",
                        value,
                        lo,
                        hi,
                        (hi - lo) / 100,
                    )
                )
        return out
    if kind == "doctrine":
        out = []
        for d in scenario.doctrines:
            for c, w in d.weights.items():
                lo, hi = (
                    (float(w[0]), float(w[1]))
                    if isinstance(w, (tuple, list))
                    else (float(w), float(w))
                )
                out.append(
                    Lever(
                        f"doctrines.{d.id}.weights.{c}", f"{d.name}: {c}", [lo, hi], 0.0, 1.0, 0.01
                    )
                )
        return out
    raise ValueError(f"unknown lever kind '{kind}'; expected one of {', '.join(KINDS)}")


def lever_at(scenario: Any, path: str) -> Lever | None:
    """The lever behind ``path`` (None when the scenario has none)."""
    kind = kind_of(path)
    if kind is None:
        return None
    return next((lv for lv in levers(scenario, kind) if lv.path == path), None)


def kind_of(path: str) -> str | None:
    """The lever kind of a path built by :func:`levers`."""
    head, _, rest = path.partition(".")
    last = path.rsplit(".", 1)[-1]
    if head == "stances":
        return {"position": "position", "salience": "salience"}.get(last)
    if head == "actors" and last == "capability":
        return "capability"
    if head == "relations":
        return {"sign": "relation", "weight": "weight"}.get(last)
    if head == "options" and ".criteria." in path:
        return "option"
    if head == "doctrines" and ".weights." in path:
        return "doctrine"
    return None

"""Options and variants as scenario transforms.

An option (or a variant) is a list of :class:`~equipoise.scenario.Change` records. Applying it
returns a new scenario in which exactly the named stances, capabilities and relations differ;
the input scenario is never modified.

- ``target: stance`` — set ``position``, ``salience`` and/or ``capability`` of the stance of
  (``actor``, ``issue``); creates the stance if the actor had none (position and salience then
  required), with the option's own provenance.
- ``target: capability`` — set the actor's overall capability.
- ``target: relation`` — ``action: add`` a relation ``actor -> other`` of ``kind`` (``sign`` and
  ``weight`` optional); ``remove`` every relation between the two (of ``kind``, if given);
  ``set-sign`` every relation between the two (of ``kind``, if given) to ``sign``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..errors import ModelInputError
from ..scenario import Change, Option, Relation, Scenario, Sourced, Stance, Variant

__all__ = ["apply_changes", "apply", "options_of", "status_quo_of"]


def status_quo_of(scenario: Scenario) -> Option:
    """The scenario's status quo option (``status_quo:``), the reference of every delta."""
    if scenario.status_quo is None:
        raise ModelInputError(
            f"scenario '{scenario.id}' declares no status quo; add 'status_quo: OPTION_ID' "
            "naming the option that continues the present course"
        )
    for o in scenario.options:
        if o.id == scenario.status_quo:
            return o
    raise ModelInputError(f"status_quo '{scenario.status_quo}' is not one of the options")


def options_of(scenario: Scenario) -> list[Option]:
    """The scenario's options, the status quo first, the others in declared order."""
    sq = status_quo_of(scenario)
    return [sq, *(o for o in scenario.options if o.id != sq.id)]


def _provenance_of(owner: Option | Variant, change: Change) -> dict[str, object]:
    if change.has_provenance():
        return {"source": change.source, "assumption": change.assumption}
    return {
        "source": owner.source,
        "assumption": owner.assumption or (None if owner.source else f"set by {owner.id}"),
    }


def apply(scenario: Scenario, owner: Option | Variant | None) -> Scenario:
    """``scenario`` with the changes of ``owner`` applied (``None``: unchanged)."""
    if owner is None or not owner.changes:
        return scenario
    return apply_changes(scenario, owner.changes, owner)


def apply_changes(
    scenario: Scenario, changes: Sequence[Change], owner: Option | Variant | None = None
) -> Scenario:
    """A copy of ``scenario`` with ``changes`` applied, in order."""
    s = scenario.model_copy(deep=True)
    stances = list(s.stances)
    relations = list(s.relations)
    actors = list(s.actors)
    label = owner.id if owner is not None else "changes"
    for ch in changes:
        prov = (
            _provenance_of(owner, ch)
            if owner is not None
            else {"source": ch.source, "assumption": ch.assumption or "applied change"}
        )
        if ch.target == "stance":
            if ch.issue is None:
                raise ModelInputError(f"{label}: a stance change needs 'issue'")
            k = next(
                (
                    j
                    for j, st in enumerate(stances)
                    if st.actor == ch.actor and st.issue == ch.issue
                ),
                None,
            )
            if k is None:
                if ch.position is None or ch.salience is None:
                    raise ModelInputError(
                        f"{label}: actor '{ch.actor}' has no stance on issue '{ch.issue}'; a "
                        "change that creates one must give both position and salience"
                    )
                stances.append(
                    Stance(
                        actor=ch.actor,
                        issue=ch.issue,
                        position=Sourced(value=ch.position, **prov),
                        salience=Sourced(value=ch.salience, **prov),
                        capability=None
                        if ch.capability is None
                        else Sourced(value=ch.capability, **prov),
                        **prov,
                    )
                )
                continue
            st = stances[k]
            update: dict[str, object] = {}
            for name in ("position", "salience", "capability"):
                value = getattr(ch, name)
                if value is not None:
                    update[name] = Sourced(value=value, **prov)
            stances[k] = st.model_copy(update=update)
        elif ch.target == "capability":
            if ch.capability is None:
                raise ModelInputError(f"{label}: a capability change needs 'capability'")
            k = next(j for j, a in enumerate(actors) if a.id == ch.actor)
            actors[k] = actors[k].model_copy(
                update={"capability": Sourced(value=ch.capability, **prov)}
            )
        else:  # relation
            matches = functools.partial(_relation_matches, pair={ch.actor, ch.other}, kind=ch.kind)

            if ch.action == "add":
                if ch.kind is None:
                    raise ModelInputError(f"{label}: adding a relation needs 'kind'")
                data: dict[str, object] = {
                    "from": ch.actor,
                    "to": ch.other,
                    "kind": ch.kind,
                    **prov,
                }
                if ch.sign is not None:
                    data["sign"] = ch.sign
                if ch.weight is not None:
                    data["weight"] = Sourced(value=ch.weight, **prov)
                relations.append(Relation.model_validate(data))
            elif ch.action == "remove":
                relations = [r for r in relations if not matches(r)]
            elif ch.action == "set-sign":
                if ch.sign is None:
                    raise ModelInputError(f"{label}: 'set-sign' needs 'sign'")
                relations = [
                    r.model_copy(update={"sign": ch.sign}) if matches(r) else r for r in relations
                ]
    s.stances = stances
    s.relations = relations
    s.actors = actors
    return s


def _relation_matches(r: Relation, *, pair: set[str | None], kind: str | None) -> bool:
    """Whether relation ``r`` joins the two actors of ``pair`` (either direction) and, when a
    ``kind`` is given, is of that kind: the relations a ``remove`` or ``set-sign`` acts on."""
    return {r.from_, r.to} == pair and (kind is None or r.kind == kind)

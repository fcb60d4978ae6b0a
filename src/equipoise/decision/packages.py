"""Packages: several of the balancer's options taken together, evaluated as one option.

The combination rule (documented in the README, *Modelling a decision*):

- **changes** apply in the declared order of the package's options (the first option's
  changes, then the second's, ...);
- **contradictions are refused**: two options that set the same stance field (``position``,
  ``salience``, ``capability`` of one actor on one issue) or the same actor's capability to
  different values, that add and remove the same relation, or that set one relation to
  different signs cannot be combined; the message names both options;
- **consequences** combine by intersecting bounds per issue (a ``value`` is the bound
  ``[value, value]``); an empty intersection is refused;
- **declared criteria** combine over the parts' values by the package's ``combine`` rule when
  it gives one, else by each criterion's own ``combine`` (``sum`` unless declared; ``max``
  suits a standing or a presence that does not add up, ``mean`` an average) — kept within the
  criterion's scale; a package's own ``criteria`` override the combination.

Pure Python (no NumPy): :func:`contradictions` also serves ``validate``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence

from ..scenario import Change, Consequence, Option, Package, Sourced

__all__ = [
    "contradictions",
    "combined_consequences",
    "package_option",
    "combinations",
    "combine_values",
]

#: How declared criteria values combine in a package.
COMBINE: dict[str, Callable[[list[float]], float]] = {
    "sum": lambda xs: float(sum(xs)),
    "max": lambda xs: float(max(xs)),
    "mean": lambda xs: float(sum(xs) / len(xs)),
}


def _settings(option: Option) -> dict[tuple, object]:
    """What an option's changes set: key -> value (stance fields, capabilities, signs)."""
    out: dict[tuple, object] = {}
    for ch in option.changes:
        if ch.target == "stance":
            for name in ("position", "salience", "capability"):
                value = getattr(ch, name)
                if value is not None:
                    out[("stance", ch.actor, ch.issue, name)] = value
        elif ch.target == "capability" and ch.capability is not None:
            out[("capability", ch.actor)] = ch.capability
        elif ch.target == "relation" and ch.action == "set-sign":
            out[("sign", frozenset((ch.actor, ch.other)), ch.kind)] = ch.sign
    return out


def _relation_actions(option: Option) -> list[tuple[str, frozenset, str | None]]:
    return [
        (str(ch.action), frozenset((ch.actor, ch.other)), ch.kind)
        for ch in option.changes
        if ch.target == "relation" and ch.action in ("add", "remove")
    ]


def _describe(key: tuple) -> str:
    if key[0] == "stance":
        return f"the {key[3]} of {key[1]} on issue '{key[2]}'"
    if key[0] == "capability":
        return f"the capability of {key[1]}"
    pair = " and ".join(sorted(key[1]))
    return f"the sign of the relation{'' if key[2] is None else ' ' + key[2]} between {pair}"


def contradictions(options: Sequence[Option]) -> list[str]:
    """Why ``options`` cannot be combined (empty list: they can). See the module docstring."""
    problems: list[str] = []
    for a, b in itertools.combinations(options, 2):
        sa, sb = _settings(a), _settings(b)
        for key in sa.keys() & sb.keys():
            if sa[key] != sb[key]:
                problems.append(
                    f"options '{a.id}' and '{b.id}' contradict each other: they "
                    f"set {_describe(key)} to {sa[key]:g} and {sb[key]:g}"
                )
        for (act_a, pair_a, kind_a), (act_b, pair_b, kind_b) in itertools.product(
            _relation_actions(a), _relation_actions(b)
        ):
            if (
                {act_a, act_b} == {"add", "remove"}
                and pair_a == pair_b
                and (kind_a is None or kind_b is None or kind_a == kind_b)
            ):
                adder, remover = (a, b) if act_a == "add" else (b, a)
                pair = " and ".join(sorted(pair_a))
                problems.append(
                    f"options '{adder.id}' and '{remover.id}' contradict each "
                    f"other: '{adder.id}' adds a relation between {pair} that "
                    f"'{remover.id}' removes"
                )
    if combined_consequences(options) is None:
        problems.append(
            "the consequences of options "
            + ", ".join(f"'{o.id}'" for o in options)
            + " leave no common outcome on an issue (their bounds do not overlap)"
        )
    return problems


def combined_consequences(options: Iterable[Option]) -> list[Consequence] | None:
    """The intersection of the options' consequences, one per issue (``None``: empty)."""
    bounds: dict[str, list] = {}
    for o in options:
        for c in o.consequences:
            lo = c.value if c.value is not None else c.min
            hi = c.value if c.value is not None else c.max
            cur = bounds.setdefault(c.issue, [None, None, []])
            if lo is not None:
                cur[0] = lo if cur[0] is None else max(cur[0], lo)
            if hi is not None:
                cur[1] = hi if cur[1] is None else min(cur[1], hi)
            cur[2].append(c)
    out = []
    for issue, (lo, hi, parts) in bounds.items():
        if lo is not None and hi is not None and lo > hi:
            return None
        first = parts[0]
        prov = (
            {"source": first.source, "assumption": first.assumption}
            if len(parts) == 1
            else {
                "assumption": "intersection of the bounds of: "
                + "; ".join(p.provenance for p in parts)
            }
        )
        if lo is not None and hi is not None and lo == hi:
            out.append(Consequence(issue=issue, value=lo, **prov))
        else:
            out.append(Consequence(issue=issue, min=lo, max=hi, **prov))
    return out


def combine_values(values: list[float], rule: str, lo: float, hi: float) -> float:
    """Combine the parts' values by ``rule`` (sum, max, mean), kept within ``[lo, hi]``."""
    return min(max(COMBINE[rule](values), lo), hi)


def package_option(
    package: Package,
    options: dict[str, Option],
    scales: dict[str, tuple[float, float]],
    rules: dict[str, str] | None = None,
) -> Option:
    """The package as one :class:`Option` (module docstring); ``scales``: criterion id ->
    (min, max) of every criterion the parts declare; ``rules``: criterion id -> its own
    combination rule (``sum`` where absent), used unless the package gives ``combine``."""
    parts = [options[i] for i in package.options]
    problems = contradictions(parts)
    if problems:
        from ..errors import ModelInputError

        raise ModelInputError(f"package '{package.package_id}': " + "; ".join(problems))
    changes: list[Change] = []
    for part in parts:  # each change keeps its part's provenance
        for ch in part.changes:
            if not ch.has_provenance():
                ch = ch.model_copy(
                    update={
                        "source": part.source,
                        "assumption": part.assumption or f"set by {part.id}",
                    }
                )
            changes.append(ch)
    values: dict[str, Sourced] = {}
    keys = list(dict.fromkeys(k for p in parts for k in (*p.criteria, *p.costs)))
    for key in keys:
        declared = [(p.criteria.get(key) or p.costs.get(key)) for p in parts]
        given = [d.value for d in declared if d is not None]
        lo, hi = scales.get(key, (0.0, 10.0))
        rule = package.combine or (rules or {}).get(key, "sum")
        values[key] = Sourced(
            value=combine_values(given, rule, lo, hi),
            assumption=f"{rule} of the parts' values ("
            + ", ".join(f"{p.id}: {d.value:g}" for p, d in zip(parts, declared) if d is not None)
            + f"), within [{lo:g}, {hi:g}]",
        )
    values.update(package.criteria)
    prov = (
        {"source": package.source, "assumption": package.assumption}
        if package.has_provenance()
        else {"assumption": "package of " + ", ".join(package.options)}
    )
    option = Option(
        id="package",
        name=package.name or " + ".join(p.name for p in parts),
        description=package.description,
        changes=changes,
        criteria=values,
        consequences=combined_consequences(parts) or [],
        **prov,
    )
    return option.model_copy(update={"id": package.package_id})  # 'a+b' is no identifier


def combinations(
    options: Sequence[Option], k: int, status_quo: str | None, skip: Iterable[frozenset[str]] = ()
) -> list[Package]:
    """Every package of 2..``k`` compatible options (never the status quo), in the declared
    order of the options, except the option sets in ``skip`` (declared packages)."""
    pool = [o for o in options if o.id != status_quo]
    seen = set(skip)
    out: list[Package] = []
    for size in range(2, k + 1):
        for combo in itertools.combinations(pool, size):
            ids = frozenset(o.id for o in combo)
            if ids in seen or contradictions(combo):
                continue
            seen.add(ids)
            out.append(
                Package(
                    options=[o.id for o in combo],
                    assumption=f"combination of up to {k} compatible options "
                    "(decide --combinations)",
                )
            )
    return out

"""Quick what-ifs: ``--set PATH=VALUE`` changes one value of a scenario without editing it.

A PATH walks the scenario's document (the format of ``equipoise show --json``) by field
names, with the records of a list named by their keys:

========== ============================ ==============================================
list       item named by                example
========== ============================ ==============================================
stances    ``ACTOR.ISSUE``              ``stances.TUR.sanctions.position``
relations  ``FROM.TO.KIND``             ``relations.RUS.ARM.security-guarantee.sign``
others     ``ID`` (actors, options, …)  ``options.deploy-peacekeepers.criteria.risk``
any list   its 0-based index            ``events.3.date``
========== ============================ ==============================================

VALUE is read as YAML (``50``, ``0.8``, ``true``, ``2020-09-26``, ``[a, b]``,
``{value: 2, assumption: why}``). A number that carries its provenance (``{value, source}``)
keeps its place and gets, instead of its source, the assumption ``set on the command line:
--set PATH=VALUE``. The changed scenario is validated like a file: every problem is reported
as ``--set PATH=VALUE: message`` (exit status 2 on the command line).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import InputError, Problem
from .scenario import Scenario

__all__ = ["apply_sets", "parse_set_item", "LIST_KEYS"]

#: The fields naming an item of these lists (other lists: ``id``, or the index).
LIST_KEYS: dict[str, tuple[str, ...]] = {
    "stances": ("actor", "issue"),
    "relations": ("from", "to", "kind"),
}


class _SetError(Exception):
    pass


def parse_set_item(item: str) -> tuple[list[str], Any]:
    """``"a.b.c=50"`` -> ``(["a", "b", "c"], 50)`` (the value read as YAML)."""
    path, sep, raw = item.partition("=")
    path = path.strip()
    if not sep or not path:
        raise _SetError("expected PATH=VALUE, e.g. --set stances.TUR.sanctions.position=50")
    segments = path.split(".")
    if any(not s for s in segments):
        raise _SetError(f"empty step in the path '{path}'")
    return segments, _read_value(raw)


def _read_value(raw: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if raw.strip() == "":
        raise _SetError("no value after '='")
    try:
        value = YAML(typ="safe", pure=True).load(raw)
    except YAMLError as exc:
        raise _SetError(f"the value '{raw}' cannot be read: {str(exc).splitlines()[0]}") from None
    except ValueError as exc:  # a timestamp that is not in the calendar (2020-19-26)
        raise _SetError(
            f"the value '{raw.strip()}' cannot be read: {exc}; a date is written YYYY-MM-DD"
        ) from None
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _key_of(list_name: str, item: Any) -> tuple[str, ...]:
    if not isinstance(item, dict):
        return ()
    fields = LIST_KEYS.get(list_name, ("id",))
    if not all(f in item for f in fields):
        return ()
    return tuple(str(item[f]) for f in fields)


def _find_in_list(
    list_name: str, items: list[Any], segments: list[str], at: int
) -> tuple[int, int]:
    """(index of the item, number of path steps naming it) for ``segments[at:]``."""
    seg = segments[at]
    if seg.isdigit():
        k = int(seg)
        if k >= len(items):
            raise _SetError(f"'{list_name}' has {len(items)} items; index {k} is past the end")
        return k, 1
    fields = LIST_KEYS.get(list_name, ("id",))
    keys = [_key_of(list_name, it) for it in items]
    if fields == ("id",):
        # ids may hold dots: the longest run of steps that is an id wins
        for n in range(len(segments) - at, 0, -1):
            name = ".".join(segments[at : at + n])
            hits = [k for k, key in enumerate(keys) if key == (name,)]
            if hits:
                return hits[0], n
        known = ", ".join(k[0] for k in keys if k) or "(none)"
        raise _SetError(f"no item with id '{seg}' in '{list_name}'; known: {known}")
    want = segments[at : at + len(fields)]
    for n in range(len(want), 0, -1):  # trailing key fields may be left out when unique
        hits = [k for k, key in enumerate(keys) if key[:n] == tuple(want[:n])]
        if len(hits) == 1:
            return hits[0], n
        if len(hits) > 1:
            prefix = ".".join(want[:n])
            if n < len(want):  # the next step is not one of the values found
                values = ", ".join(dict.fromkeys(keys[h][n] for h in hits))
                raise _SetError(
                    f"no item {'.'.join(want)} in '{list_name}' (named by "
                    f"{'.'.join(f.upper() for f in fields)}); {prefix} has "
                    f"{fields[n]}: {values}"
                )
            raise _SetError(
                f"'{prefix}' names {len(hits)} items of '{list_name}'; name it "
                f"by {'.'.join(f.upper() for f in fields)} or by index "
                f"({', '.join(map(str, hits[:5]))})"
            )
    raise _SetError(
        f"no item {'.'.join(want)} in '{list_name}' (named by "
        f"{'.'.join(f.upper() for f in fields)}, or by index)"
    )


def _apply_one(data: dict[str, Any], segments: list[str], value: Any, item: str) -> tuple[Any, ...]:
    """Set the value in ``data``; return the document location of the changed value."""
    node: Any = data
    loc: list[Any] = []
    k = 0
    list_name = ""
    while k < len(segments):
        seg = segments[k]
        last = k == len(segments) - 1
        if isinstance(node, dict):
            if seg not in node:
                if not last:
                    known = ", ".join(map(str, node)) or "(none)"
                    where = ".".join(segments[:k]) or "the scenario"
                    raise _SetError(f"'{seg}' is not a field of {where}; it has: {known}")
                node[seg] = value  # a new key: validation says whether it may be there
                loc.append(seg)
                return tuple(loc)
            if last:
                node[seg] = _replace(node[seg], value, item)
                loc.append(seg)
                return tuple(loc)
            list_name, node, loc = seg, node[seg], loc + [seg]
            k += 1
        elif isinstance(node, list):
            index, used = _find_in_list(list_name, node, segments, k)
            k += used
            loc.append(index)
            if k == len(segments):
                node[index] = _replace(node[index], value, item)
                return tuple(loc)
            node = node[index]
        else:
            where = ".".join(segments[:k])
            raise _SetError(f"'{where}' is a single value ({node!r}); it has no '{seg}'")
    raise _SetError("empty path")  # pragma: no cover - the loop always returns


def _replace(old: Any, value: Any, item: str) -> Any:
    """The new value in place of ``old``; a number with provenance keeps its form."""
    if isinstance(old, dict) and "value" in old and not isinstance(value, (dict, list)):
        new = {k: v for k, v in old.items() if k not in ("source", "assumption")}
        new["value"] = value
        new["assumption"] = f"set on the command line: --set {item}"
        return new
    return value


def apply_sets(scenario: Scenario, items: list[str]) -> Scenario:
    """The scenario with every ``PATH=VALUE`` of ``items`` applied, validated as a file is.

    Raises :class:`InputError` naming each bad item (``--set ITEM: message``).
    """
    if not items:
        return scenario
    from pydantic import ValidationError

    from .io.scenario_file import _describe, scenario_to_data
    from .scenario import check_scenario

    data = scenario_to_data(scenario)  # new containers (model_dump): changed freely
    problems: list[Problem] = []
    changed: list[tuple[str, tuple[Any, ...]]] = []
    for item in items:
        where = f"--set {item}"
        try:
            segments, value = parse_set_item(item)
            changed.append((where, _apply_one(data, segments, value, item)))
        except _SetError as exc:
            problems.append(Problem(where, None, str(exc)))

    # the items that could be placed are validated too, so that one run reports every problem
    def blame(loc: tuple[Any, ...]) -> list[str]:
        """The items whose change sits in (or holds) ``loc``; all of them if none does."""
        hits = [
            w
            for w, c in changed
            if tuple(loc[: len(c)]) == c[: len(loc)] or tuple(loc[:2]) == c[:2]
        ]
        return hits or [w for w, _ in changed]

    if not changed:
        raise InputError(problems)

    try:
        result = Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            for where in blame(tuple(err["loc"])):
                problems.append(Problem(where, None, _describe(err)))
        raise InputError(problems) from None
    for loc, message in check_scenario(result):
        for where in blame(tuple(loc)):
            problems.append(Problem(where, None, message))
    if problems:
        raise InputError(problems)
    return result

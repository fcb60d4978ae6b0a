"""The decide exchange-model input format: read into a :class:`Scenario` and write back.

Format reference: foarsitter/decide-exchange-model, ``docs/inputfiles.md``. One record per
line, tab- or comma-separated, text fields in single quotes; the first field names the record:

=====  ==================================================================================
``#A``  actor: key, name[, comment]
``#P``  issue: key, name[, description]
``#M``  meaning of a point on an issue's scale: issue key, position[, description]; the
        smallest and largest ``#M`` positions are the scale's ends (0-100 when there is none)
``#D``  data: actor key, issue key, position, salience (0-1), power (0-1)
``#0``  comment (also ``#/``)
=====  ==================================================================================

An actor's power is per issue, so it becomes the stance's ``capability``. Every imported
number cites the file (source ``decide-file``) with a ``line N, field`` locator.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..numfmt import fmt_exact
from ..scenario import Scenario
from ._tabular import (
    Problems,
    build_scenario,
    dump_error,
    make_id,
    not_a_number,
    parse_number,
    stem_id,
)

__all__ = ["read_decide", "dump_decide", "SOURCE_ID"]

#: Id of the :class:`~equipoise.scenario.Source` that stands for the imported file.
SOURCE_ID = "decide-file"

_KINDS = ("#A", "#P", "#M", "#D")
_COMMENTS = ("#0", "#/")


@dataclass
class _Record:
    """One decide record: its line, its kind (``#A`` ...) and its fields after the kind."""

    line: int
    kind: str
    fields: list[str]


@dataclass
class _Issue:
    key: str
    line: int
    name: str
    description: str | None
    points: dict[float, str | None] = field(default_factory=dict)


def read_decide(path: str, text: str) -> Scenario:
    """Read decide input ``text`` (from file ``path``) as a checked :class:`Scenario`.

    Raises :class:`InputError` listing every problem as ``FILE:LINE: message``.
    """
    problems = Problems(path)
    records = _records(text, problems)
    if not records and not problems:
        raise InputError(
            [
                Problem(
                    path,
                    1,
                    "file has no #A, #P or #D records; expected decide "
                    "input (#A actor, #P issue, #M meaning, #D data lines)",
                )
            ]
        )
    actors = _actors([r for r in records if r.kind == "#A"], problems)
    if records and not actors and not problems:
        problems.add(records[0].line, "no #A record; expected at least one actor: '#A', key, name")
    issues = _issues([r for r in records if r.kind == "#P"], problems)
    _meanings([r for r in records if r.kind == "#M"], issues, problems)
    scales = {key: _scale(issue, problems) for key, issue in issues.items()}
    stances, stance_lines = _data([r for r in records if r.kind == "#D"], actors, scales, problems)
    problems.raise_if_any()
    name = Path(path).name
    data = {
        "id": stem_id(path, "decide"),
        "title": f"decide input {name}",
        "sources": [
            {
                "id": SOURCE_ID,
                "title": f"decide exchange-model input {name}",
                "note": f"file {name}; power per actor and issue is the stance capability",
            }
        ],
        "actors": [a for a, _ in actors.values()],
        "issues": [_issue_data(issues[k], scales[k]) for k in issues],
        "stances": stances,
    }
    lines: dict[str, list[int | None]] = {
        "actors": [ln for _, ln in actors.values()],
        "issues": [i.line for i in issues.values()],
        "stances": stance_lines,
    }
    return build_scenario(path, data, lines)


def _split(raw: str) -> list[str]:
    """The fields of one line: tab-separated when it has a tab, else comma-separated;
    single-quoted fields unquoted; trailing empty fields dropped."""
    delimiter = "\t" if "\t" in raw else ","
    cells = next(csv.reader([raw], delimiter=delimiter, quotechar="'", skipinitialspace=True))
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _records(text: str, problems: Problems) -> list[_Record]:
    """Every non-comment record; unknown record kinds are problems."""
    records = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            cells = _split(raw)
        except csv.Error as exc:
            problems.add(
                line,
                f"cannot split the line into fields ({exc}); expected tab- or "
                "comma-separated fields",
            )
            continue
        head = cells[0] if cells else ""
        if head.startswith(_COMMENTS) or raw.lstrip().lstrip("'\"").startswith(_COMMENTS):
            continue
        if head.upper() not in _KINDS:
            problems.add(
                line,
                f"line starts with {head[:20]!r}; expected a record kind #A "
                "(actor), #P (issue), #M (meaning), #D (data) or a comment #0 / #/",
            )
            continue
        records.append(_Record(line, head.upper(), cells[1:]))
    return records


def _fields(rec: _Record, low: int, high: int, what: str, problems: Problems) -> bool:
    """Whether ``rec`` has ``low`` to ``high`` fields after its kind (problem if not)."""
    if low <= len(rec.fields) <= high:
        return True
    count = f"{low}" if low == high else f"{low} to {high}"
    problems.add(
        rec.line,
        f"{rec.kind} record has {len(rec.fields)} fields after {rec.kind}; "
        f"expected {count}: {what}",
    )
    return False


def _key(rec: _Record, raw: str, what: str, problems: Problems) -> str | None:
    key = make_id(raw)
    if not key:
        problems.add(
            rec.line,
            f"{what} key {raw!r} has no letter or digit; expected a key "
            "such as 'USA' or 'finance_vol'",
        )
        return None
    return key


def _named_records(
    records: list[_Record], what: str, tag: str, third: str, problems: Problems
) -> list[tuple[str, str, str, str | None, int]]:
    """``#A``/``#P`` records as ``(raw key, id, name, third field, line)``, duplicates and
    malformed records reported."""
    out = []
    ids: dict[str, int] = {}
    for rec in records:
        if not _fields(rec, 1, 3, f"{what} key, name[, {third}]", problems):
            continue
        raw = rec.fields[0]
        key = _key(rec, raw, what, problems)
        if key is None:
            continue
        if key in ids:
            problems.add(
                rec.line,
                f"duplicate {what} '{raw}' (first on line {ids[key]}); "
                f"expected one {tag} record per {what}",
            )
            continue
        ids[key] = rec.line
        name = rec.fields[1] if len(rec.fields) > 1 and rec.fields[1] else raw
        extra = rec.fields[2] if len(rec.fields) > 2 and rec.fields[2] else None
        out.append((raw, key, name, extra, rec.line))
    return out


def _actors(records: list[_Record], problems: Problems) -> dict[str, tuple[dict[str, Any], int]]:
    """``#A`` records: raw key -> (actor data, line)."""
    return {
        raw: ({"id": key, "name": name, "kind": "other", "description": comment}, line)
        for raw, key, name, comment, line in _named_records(
            records, "actor", "#A", "comment", problems
        )
    }


def _issues(records: list[_Record], problems: Problems) -> dict[str, _Issue]:
    """``#P`` records: raw key -> issue."""
    return {
        raw: _Issue(key, line, name, description)
        for raw, key, name, description, line in _named_records(
            records, "issue", "#P", "description", problems
        )
    }


def _meanings(records: list[_Record], issues: dict[str, _Issue], problems: Problems) -> None:
    """``#M`` records: add each point (and its description) to its issue."""
    for rec in records:
        if not _fields(rec, 2, 3, "issue key, position[, description]", problems):
            continue
        issue = _known(rec, rec.fields[0], issues, "issue", "#P", problems)
        value = parse_number(rec.fields[1])
        if value is None:
            problems.add(
                rec.line,
                f"position {not_a_number(rec.fields[1])}; expected a point on the issue's scale",
            )
        if issue is None or value is None:
            continue
        label = rec.fields[2] if len(rec.fields) > 2 and rec.fields[2] else None
        issue.points[value] = label or issue.points.get(value)


def _known(
    rec: _Record, raw: str, known: dict[str, Any], what: str, kind: str, problems: Problems
) -> Any:
    """``known[raw]``, or ``None`` with a problem naming the keys that exist."""
    if raw in known:
        return known[raw]
    listing = ", ".join(list(known)[:12]) + (", ..." if len(known) > 12 else "")
    problems.add(
        rec.line,
        f"unknown {what} '{raw}'; expected one defined by a {kind} record "
        f"({listing or 'none defined'})",
    )
    return None


def _scale(issue: _Issue, problems: Problems) -> dict[str, Any]:
    """The issue's scale: its smallest and largest ``#M`` points, else 0-100."""
    if not issue.points:
        return {
            "min": 0.0,
            "max": 100.0,
            "min_label": _end_label(0.0, "lowest"),
            "max_label": _end_label(100.0, "highest"),
        }
    low, high = min(issue.points), max(issue.points)
    if low == high:
        problems.add(
            issue.line,
            f"issue '{issue.key}' has #M points at {fmt_exact(low)} only; "
            "expected its lowest and highest positions (or no #M for 0-100)",
        )
        high = low + 1.0
    return {
        "min": low,
        "max": high,
        "min_label": issue.points.get(low) or _end_label(low, "lowest"),
        "max_label": issue.points.get(high) or _end_label(high, "highest"),
        "points": [
            {"value": v, "label": label}
            for v, label in sorted(issue.points.items())
            if label and v not in (low, high)
        ],
    }


def _end_label(value: float, which: str) -> str:
    """The label of a scale end whose meaning the file does not give."""
    return f"{fmt_exact(value)}: {which} position (meaning not given in the decide input)"


def _data(
    records: list[_Record],
    actors: dict[str, Any],
    scales: dict[str, dict[str, Any]],
    problems: Problems,
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """``#D`` records as stances (with their lines)."""
    stances: list[dict[str, Any]] = []
    lines: list[int | None] = []
    seen: dict[tuple[str, str], int] = {}
    what = "actor key, issue key, position, salience (0-1), power (0-1)"
    for rec in records:
        if not _fields(rec, 5, 5, what, problems):
            continue
        actor = _known(rec, rec.fields[0], actors, "actor", "#A", problems)
        scale = _known(rec, rec.fields[1], scales, "issue", "#P", problems)
        numbers = _data_numbers(rec, scale, problems)
        if actor is None or scale is None or numbers is None:
            continue
        pair = (rec.fields[0], rec.fields[1])
        if pair in seen:
            problems.add(
                rec.line,
                f"second #D of actor '{pair[0]}' on issue '{pair[1]}' "
                f"(first on line {seen[pair]}); expected one per actor and issue",
            )
            continue
        seen[pair] = rec.line
        position, salience, power = numbers
        stances.append(
            {
                "actor": actor[0]["id"],
                "issue": make_id(rec.fields[1]),
                "position": _cite(position, rec.line, "position"),
                "salience": _cite(salience, rec.line, "salience"),
                "capability": _cite(power, rec.line, "power"),
            }
        )
        lines.append(rec.line)
    return stances, lines


def _data_numbers(
    rec: _Record, scale: dict[str, Any] | None, problems: Problems
) -> tuple[float, float, float] | None:
    """Position (on the scale), salience and power (0-1) of a ``#D`` record."""
    names = ("position", "salience", "power")
    values = [parse_number(c) for c in rec.fields[2:5]]
    ok = True
    for name, cell, value in zip(names, rec.fields[2:5], values):
        if value is None:
            problems.add(
                rec.line,
                f"{name} {not_a_number(cell)}; expected "
                + (
                    "a point on the issue's scale" if name == "position" else "a number from 0 to 1"
                ),
            )
            ok = False
        elif name != "position" and not 0.0 <= value <= 1.0:
            problems.add(
                rec.line,
                f"{name} {fmt_exact(value)} is outside [0, 1]; expected a number from 0 to 1",
            )
            ok = False
    position = values[0]
    if scale is not None and position is not None and not scale["min"] <= position <= scale["max"]:
        problems.add(
            rec.line,
            f"position {fmt_exact(position)} is outside the scale of issue "
            f"'{rec.fields[1]}' [{fmt_exact(scale['min'])}, {fmt_exact(scale['max'])}]; "
            "expected a point between its lowest and highest #M",
        )
        ok = False
    if not ok:
        return None
    return values[0], values[1], values[2]  # type: ignore[return-value]


def _issue_data(issue: _Issue, scale: dict[str, Any]) -> dict[str, Any]:
    return {"id": issue.key, "name": issue.name, "description": issue.description, "scale": scale}


def _cite(value: float, line: int, name: str) -> dict[str, Any]:
    return {"value": value, "source": {"ref": SOURCE_ID, "quote": f"line {line}, #D {name}"}}


# -- writing -----------------------------------------------------------------------------


def _q(text: str) -> str:
    """A single-quoted field (quotes doubled; tabs and line breaks become spaces)."""
    clean = " ".join(text.replace("'", "''").split())
    return f"'{clean}'"


def dump_decide(scenario: Scenario) -> str:
    """``scenario`` as decide input text (tab-separated).

    decide wants power in [0, 1]: when a capability is larger, all are divided by the largest
    (a ``#/`` comment line says so; the models only use ratios of capability). Raises
    :class:`InputError` when a stance has no capability, from itself or its actor.
    """
    powers, messages = _powers(scenario)
    if messages:
        raise dump_error(scenario, "decide input", messages)
    top = max(powers.values(), default=0.0)
    divisor = top if top > 1.0 else 1.0
    lines = [f"'#/'\t{_q(f'written by equipoise from scenario {scenario.id}: {scenario.title}')}"]
    if divisor != 1.0:
        lines.append(f"'#/'\t{_q(f'power = capability / {fmt_exact(divisor)}')}")
    for a in scenario.actors:
        lines.append("\t".join(["'#A'", _q(a.id), _q(a.name), _q(a.description or "")]))
    for issue in scenario.issues:
        lines += _issue_lines(issue)
    for s, power in powers.items():
        stance = scenario.stance(*s)
        assert stance is not None
        lines.append(
            "\t".join(
                [
                    "'#D'",
                    _q(s[0]),
                    _q(s[1]),
                    fmt_exact(stance.position.value),
                    fmt_exact(stance.salience.value),
                    fmt_exact(power / divisor),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def _issue_lines(issue: Any) -> list[str]:
    """``#P`` and ``#M`` lines of one issue (both scale ends, then the labelled points)."""
    scale = issue.scale
    lines = ["\t".join(["'#P'", _q(issue.id), _q(issue.name), _q(issue.description or "")])]
    ends = [(scale.min, scale.min_label, "lowest"), (scale.max, scale.max_label, "highest")]
    for value, label, which in ends:
        text = "" if label == _end_label(value, which) else label
        lines.append(
            "\t".join(["'#M'", _q(issue.id), fmt_exact(value)] + ([_q(text)] if text else []))
        )
    for point in scale.points:
        if point.value not in (scale.min, scale.max):
            lines.append("\t".join(["'#M'", _q(issue.id), fmt_exact(point.value), _q(point.label)]))
    return lines


def _powers(scenario: Scenario) -> tuple[dict[tuple[str, str], float], list[str]]:
    """Power of every stance (its capability, else its actor's) and what is missing."""
    powers: dict[tuple[str, str], float] = {}
    messages: list[str] = []
    for s in scenario.stances:
        if s.capability is not None:
            powers[(s.actor, s.issue)] = s.capability.value
            continue
        actor = scenario.actor(s.actor)
        value = actor.capability.value if actor.capability is not None else None
        if value is None:
            messages.append(
                f"stance of '{s.actor}' on '{s.issue}' has no capability and "
                "neither has the actor; decide needs a power on every #D line"
            )
            continue
        powers[(s.actor, s.issue)] = value
    return powers, messages

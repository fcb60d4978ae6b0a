"""KTAB SMP CSV: read into a :class:`Scenario` and write back.

Format reference: the input files of KTAB's spatial model of politics (SMP), documented by
example in lsyaseen/KTAB ``examples/smp/doc`` (``dummyData_3Dim.csv``,
``SOE-Pol-Comp.csv``, ...)::

    <scenario name>, <description>, <number of actors>, <number of dimensions>[, ...]
    Actor, Description, Power|Influence, <dim> Position, <dim> Salience, ...
    <code>, <description>, <capability>, <position>, <salience>, ...   (one row per actor)

Cells may be padded with spaces and rows may end with a comma. Positions and saliences are
0-100; a scenario keeps positions on a 0-100 scale and divides saliences by 100.

KTAB's SMP takes an actor's positions on all of a file's dimensions as one point (one
capability per actor, distances across the dimensions), so the dimensions of a file with
two or more become the issues of one issue space (``space:`` = the scenario id; see
:mod:`equipoise.models.spaces`); writing needs the issues to be one space (or, as before,
none declared).

Every imported number cites the file (source ``ktab-file``) with a ``row N, column C`` locator.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..models.spaces import issue_spaces
from ..numfmt import fmt_exact
from ..scenario import Scenario
from ._tabular import (
    Problems,
    actor_capability,
    build_scenario,
    dump_error,
    from_percent,
    make_id,
    not_a_number,
    parse_number,
    stem_id,
)

__all__ = ["read_ktab", "dump_ktab", "SOURCE_ID"]

#: Id of the :class:`~equipoise.scenario.Source` that stands for the imported file.
SOURCE_ID = "ktab-file"

_FIXED = 3  # Actor, Description, Power|Influence
_LOW = "0: low end of the KTAB dimension (its meaning is not given in the file)"
_HIGH = "100: high end of the KTAB dimension (its meaning is not given in the file)"

Row = tuple[int, list[str]]


def read_ktab(path: str, text: str) -> Scenario:
    """Read KTAB SMP CSV ``text`` (from file ``path``) as a checked :class:`Scenario`.

    Raises :class:`InputError` listing every problem as ``FILE:LINE: message``.
    """
    problems = Problems(path)
    rows = _rows(path, text)
    if not rows:
        raise InputError(
            [
                Problem(
                    path,
                    1,
                    "file is empty; expected a KTAB SMP CSV (row 1: "
                    "name, description, #actors, #dimensions; row 2: header)",
                )
            ]
        )
    title, description, n_actors, n_dims = _title_row(rows[0], problems)
    if len(rows) < 2:
        problems.add(
            rows[0][0] + 1,
            "missing header row; expected 'Actor, Description, "
            "Power, <dim> Position, <dim> Salience, ...'",
        )
        problems.raise_if_any()
    basis, dims = _header_row(rows[1], n_dims, problems)
    if not dims:
        problems.raise_if_any()
    actor_rows = rows[2:]
    if not actor_rows:
        problems.add(
            rows[1][0],
            "no actor rows after the header; expected one row per actor: "
            "code, description, capability, then a position and a salience per "
            "dimension",
        )
    if n_actors is not None and n_actors != len(actor_rows):
        problems.add(
            rows[0][0],
            f"row 1 declares {n_actors} actors but the file has "
            f"{len(actor_rows)} actor rows; expected the count to match",
        )
    data = _scenario_data(path, title, description, basis, dims, rows[1][0], actor_rows, problems)
    problems.raise_if_any()
    return build_scenario(path, data[0], data[1])


def _rows(path: str, text: str) -> list[Row]:
    """Non-empty CSV records with their 1-based start line; cells stripped, trailing empty
    cells dropped."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            cells = [c.strip() for c in cells]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append((line, cells))
    except csv.Error as exc:
        raise InputError(
            [
                Problem(
                    path,
                    reader.line_num or 1,
                    f"not valid CSV ({exc}); expected comma-separated cells",
                )
            ]
        ) from None
    return rows


def _count(cell: str | None) -> int | None:
    value = parse_number(cell) if cell is not None else None
    if value is None or value < 0 or value != int(value):
        return None
    return int(value)


def _title_row(row: Row, problems: Problems) -> tuple[str, str | None, int | None, int | None]:
    """Row 1: name, description, number of actors, number of dimensions."""
    line, cells = row
    padded = cells + [""] * (4 - len(cells))
    name, description = padded[0], padded[1] or None
    n_actors, n_dims = _count(padded[2]), _count(padded[3])
    if n_actors is None or n_dims is None or len(cells) < 4:
        problems.add(
            line,
            f"row 1 is {', '.join(repr(c) for c in cells)}; expected the "
            "scenario name, a description, the number of actors and the number of "
            "dimensions (whole numbers)",
        )
    return name, description, n_actors, n_dims


def _header_row(
    row: Row, n_dims: int | None, problems: Problems
) -> tuple[str, list[tuple[str, str, str]]]:
    """Row 2: returns the capability column's name and, per dimension, (name, position
    header, salience header)."""
    line, cells = row
    if len(cells) < _FIXED + 2 or cells[0].lower() != "actor":
        problems.add(
            line,
            f"header row starts {', '.join(repr(c) for c in cells[:4])}; "
            "expected 'Actor, Description, Power, <dim> Position, <dim> Salience, ...'",
        )
        return "Power", []
    pairs = cells[_FIXED:]
    if len(pairs) % 2:
        problems.add(
            line,
            f"header has {len(pairs)} columns after 'Actor, Description, "
            f"{cells[2]}'; expected a position and a salience column per dimension",
        )
    elif n_dims is not None and len(pairs) // 2 != n_dims:
        problems.add(
            line,
            f"header has {len(pairs) // 2} position/salience pairs but row 1 "
            f"declares {n_dims} dimensions; expected them to match",
        )
    dims = []
    for k in range(0, len(pairs) - 1, 2):
        pos, sal = pairs[k], pairs[k + 1]
        name = pos[: -len("position")].strip() if pos.lower().endswith(" position") else pos
        dims.append((name or pos, pos, sal))
    return cells[2], dims


def _scenario_data(
    path: str,
    title: str,
    description: str | None,
    basis: str,
    dims: list[tuple[str, str, str]],
    header_line: int,
    actor_rows: list[Row],
    problems: Problems,
) -> tuple[dict[str, Any], dict[str, list[int | None]]]:
    """The scenario as plain data plus the line of every actor and stance."""
    issues = _issues(dims, header_line, problems)
    scenario_id = make_id(title) or stem_id(path, "ktab")
    if len(issues) >= 2:  # the dimensions of one KTAB space
        for issue in issues:
            issue["space"] = scenario_id
    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    lines: dict[str, list[int | None]] = {"actors": [], "stances": []}
    seen: dict[str, int] = {}
    width = _FIXED + 2 * len(dims)
    for line, cells in actor_rows:
        if len(cells) != width:
            problems.add(
                line,
                f"actor row has {len(cells)} cells; expected {width} (actor, "
                f"description, {basis}, then a position and a salience for each of "
                f"the {len(dims)} dimensions)",
            )
            continue
        actor_id = make_id(cells[0])
        if not actor_id:
            problems.add(
                line,
                f"actor code {cells[0]!r} has no letter or digit; expected a "
                "code such as 'USA' or 'Act-1'",
            )
            continue
        if actor_id in seen:
            problems.add(
                line,
                f"duplicate actor '{actor_id}' (first on line {seen[actor_id]}); "
                "expected one row per actor",
            )
            continue
        seen[actor_id] = line
        capability = _number(cells[2], line, basis, problems, 0.0, None)
        actors.append(_actor(actor_id, cells, basis, capability, line))
        lines["actors"].append(line)
        for k, (issue, (_, pos_hdr, sal_hdr)) in enumerate(zip(issues, dims)):
            position = _number(cells[_FIXED + 2 * k], line, pos_hdr, problems, 0.0, 100.0)
            salience = _number(cells[_FIXED + 2 * k + 1], line, sal_hdr, problems, 0.0, 100.0)
            if position is None or salience is None:
                continue
            stances.append(
                {
                    "actor": actor_id,
                    "issue": issue["id"],
                    "position": _cite(position, line, pos_hdr),
                    "salience": _cite(
                        from_percent(salience), line, sal_hdr, " (0-100, divided by 100)"
                    ),
                }
            )
            lines["stances"].append(line)
    raw = [s["salience"]["value"] * 100.0 for s in stances]
    if len(raw) >= 2 and max(raw) <= 1.0 and any(v not in (0.0, 1.0) for v in raw):
        problems.add(
            header_line,
            "every salience is between 0 and 1: they look like shares, "
            "but KTAB saliences are on 0-100; expected e.g. 30 for 0.3 (multiply "
            "them by 100)",
        )
    name = Path(path).name
    data = {
        "id": scenario_id,
        "title": title or name,
        "description": description,
        "sources": [
            {
                "id": SOURCE_ID,
                "title": title or name,
                "note": f"KTAB SMP CSV file {name}; saliences divided by 100",
            }
        ],
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    return data, lines


def _issues(
    dims: list[tuple[str, str, str]], header_line: int, problems: Problems
) -> list[dict[str, Any]]:
    """One 0-100 issue per dimension of the header."""
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, _, _ in dims:
        issue_id = make_id(name) or f"dim{len(issues) + 1}"
        if issue_id in seen:
            problems.add(
                header_line,
                f"dimension '{name}' appears twice in the header; expected "
                "distinct dimension names",
            )
        seen.add(issue_id)
        issues.append(
            {
                "id": issue_id,
                "name": name,
                "scale": {"min": 0, "max": 100, "min_label": _LOW, "max_label": _HIGH},
            }
        )
    return issues


def _actor(
    actor_id: str, cells: list[str], basis: str, capability: float | None, line: int
) -> dict[str, Any]:
    actor: dict[str, Any] = {
        "id": actor_id,
        "name": cells[0],
        "kind": "other",
        "description": cells[1] or None,
        "capability_basis": f"KTAB {basis}",
    }
    if capability is not None:
        actor["capability"] = _cite(capability, line, basis)
    return actor


def _number(
    cell: str, line: int, column: str, problems: Problems, low: float, high: float | None
) -> float | None:
    """The number in ``cell`` if it is one within [low, high]; else record a problem."""
    value = parse_number(cell)
    expected = f"a number from {low:g} to {high:g}" if high is not None else f"a number >= {low:g}"
    if value is None:
        problems.add(line, f"column '{column}': {not_a_number(cell)}; expected {expected}")
        return None
    if value < low or (high is not None and value > high):
        problems.add(
            line, f"column '{column}': {fmt_exact(value)} is out of range; expected {expected}"
        )
        return None
    return value


def _cite(value: float, line: int, column: str, extra: str = "") -> dict[str, Any]:
    return {
        "value": value,
        "source": {"ref": SOURCE_ID, "quote": f"row {line}, column '{column}'{extra}"},
    }


# -- writing -----------------------------------------------------------------------------


def dump_ktab(scenario: Scenario) -> str:
    """``scenario`` as KTAB SMP CSV text.

    KTAB needs every actor on every dimension, one capability per actor and 0-100 scales;
    :class:`InputError` says what is missing otherwise. Saliences are multiplied by 100.
    """
    problems = _dump_problems(scenario)
    if problems:
        raise dump_error(scenario, "KTAB SMP CSV", problems)
    basis = _basis(scenario)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            _one_line(scenario.title),
            _one_line(scenario.description or scenario.title),
            len(scenario.actors),
            len(scenario.issues),
        ]
    )
    header = ["Actor", "Description", basis]
    for issue in scenario.issues:
        label = _one_line(issue.name) if make_id(issue.name) == issue.id else issue.id
        header += [f"{label} Position", f"{label} Salience"]
    writer.writerow(header)
    for actor in scenario.actors:
        capability, _ = actor_capability(scenario, actor.id)
        row = [actor.id, _one_line(actor.description or actor.name), fmt_exact(capability or 0.0)]
        for issue in scenario.issues:
            stance = scenario.stance(actor.id, issue.id)
            assert stance is not None  # checked by _dump_problems
            row += [fmt_exact(stance.position.value), fmt_exact(stance.salience.value * 100.0)]
        writer.writerow(row)
    return out.getvalue()


def _one_line(text: str) -> str:
    """``text`` on one line: KTAB (and format detection) read a CSV record per line, so line
    breaks inside a title or description become spaces."""
    return " ".join(text.split())


def _basis(scenario: Scenario) -> str:
    """'Influence' when the scenario came from a KTAB file that said so, else 'Power'."""
    bases = {a.capability_basis for a in scenario.actors}
    return "Influence" if bases == {"KTAB Influence"} else "Power"


def _dump_problems(scenario: Scenario) -> list[str]:
    """What keeps ``scenario`` from being written as KTAB CSV (empty when nothing)."""
    messages: list[str] = []
    if not scenario.issues:
        messages.append("the scenario has no issues; KTAB needs at least one dimension")
    spaces = issue_spaces(scenario)
    if len(spaces) > 1 and any(sp.declared for sp in spaces):
        listed = "; ".join(
            f"{sp.id}: {', '.join(sp.issues)}" if sp.declared else f"{sp.id} (no space)"
            for sp in spaces
        )
        messages.append(
            f"the issues form {len(spaces)} spaces ({listed}); a KTAB SMP CSV "
            "holds one space (all its dimensions are one position vector): "
            "write each space to a file of its own"
        )
    for issue in scenario.issues:
        if issue.scale.min != 0 or issue.scale.max != 100:
            messages.append(
                f"issue '{issue.id}' runs {fmt_exact(issue.scale.min)}-"
                f"{fmt_exact(issue.scale.max)}; KTAB positions are on a 0-100 scale"
            )
    for actor in scenario.actors:
        capability, consistent = actor_capability(scenario, actor.id)
        if capability is None or not consistent:
            messages.append(
                f"actor '{actor.id}' has no single capability; KTAB needs one "
                "capability (Power) per actor"
            )
        missing = [i.id for i in scenario.issues if scenario.stance(actor.id, i.id) is None]
        if missing:
            shown = ", ".join(missing[:8]) + (
                f", ... ({len(missing)} in all)" if len(missing) > 8 else ""
            )
            messages.append(
                f"actor '{actor.id}' has no stance on {shown}; KTAB "
                "needs a position and a salience for every actor on every dimension"
            )
    return messages

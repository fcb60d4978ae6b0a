"""DEU-style issue tables (one row per issue): read as plain arrays or as a :class:`Scenario`.

Format reference: the DEU data sets on decision-making in the EU, here DEU III (Arregui &
Perarnaud 2021, "A new dataset on legislative decision-making in the European Union: the
DEU III dataset", JEPP; doi:10.34810/data53) as laid out in ``shared/data/README.md``:
a tab- (or comma-) separated table with a quoted header; for each actor ``X`` a ``pX``
(position, 0-100) and an ``sX`` (salience, 0-100) column; ``rp`` the reference point (status
quo) and ``out`` the adopted outcome; descriptive columns such as ``isnr`` (issue id) and
``prname`` (proposal name). One row without issue id and without saliences holds each
actor's capability (GDP in DEU III) in its ``pX`` cells.

Conventions (the backtest's, see the README): an actor takes part in an issue when both its
``pX`` and ``sX`` are non-empty; its weight is capability x salience; an issue can be scored
when ``out`` is non-empty and the total weight is positive. In a :class:`Scenario` saliences
are divided by 100; :class:`DeuTable` keeps the file's 0-100 numbers.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, Problem
from ..numfmt import fmt_exact
from ..scenario import Issue, Scenario, Stance
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

__all__ = [
    "DeuIssue",
    "DeuTable",
    "read_deu_table",
    "read_deu",
    "dump_deu",
    "SOURCE_ID",
    "ACTOR_NAMES",
    "RP_LABEL",
]

#: Id of the :class:`~equipoise.scenario.Source` that stands for the imported file.
SOURCE_ID = "deu-file"
#: Label of the scale point that holds an issue's reference point (``rp``).
RP_LABEL = "reference point (status quo)"
_OUT_REASONING = "adopted position as coded in DEU"
_ID_COLUMNS = ("isnr", "id", "issue")

#: Names of the DEU actor codes.
ACTOR_NAMES: dict[str, str] = {
    "com": "European Commission",
    "ep": "European Parliament",
    "at": "Austria",
    "be": "Belgium",
    "bu": "Bulgaria",
    "cr": "Croatia",
    "cy": "Cyprus",
    "cz": "Czech Republic",
    "dk": "Denmark",
    "ee": "Estonia",
    "fi": "Finland",
    "fr": "France",
    "de": "Germany",
    "el": "Greece",
    "hu": "Hungary",
    "ie": "Ireland",
    "it": "Italy",
    "lv": "Latvia",
    "lt": "Lithuania",
    "lu": "Luxembourg",
    "mt": "Malta",
    "nl": "Netherlands",
    "pl": "Poland",
    "pt": "Portugal",
    "ro": "Romania",
    "si": "Slovenia",
    "sk": "Slovakia",
    "es": "Spain",
    "se": "Sweden",
    "uk": "United Kingdom",
}
_ORGANISATIONS = {"com", "ep"}


@dataclass(frozen=True, eq=False)
class DeuIssue:
    """One issue row. Arrays follow :attr:`DeuTable.actors`; ``NaN`` marks an empty cell.

    ``positions``, ``saliences``, ``rp`` and ``out`` are the file's numbers (0-100);
    ``commission`` is the ``pcom`` cell (``NaN`` when empty or when there is no ``com``).
    """

    id: str
    line: int
    name: str
    description: str | None
    positions: np.ndarray
    saliences: np.ndarray
    rp: float
    out: float
    commission: float

    @property
    def taking_part(self) -> np.ndarray:
        """Boolean mask: the actor has both a position and a salience on this issue."""
        mask: np.ndarray = ~np.isnan(self.positions) & ~np.isnan(self.saliences)
        return mask


@dataclass(frozen=True, eq=False)
class DeuTable:
    """A DEU-style table as plain arrays (see the module docstring for the conventions).

    ``capability`` is the capability row (``NaN`` where empty, all ``NaN`` when the file has
    no such row); ``capability_line`` is its line.
    """

    path: str
    actors: tuple[str, ...]
    capability: np.ndarray
    capability_line: int | None
    issues: tuple[DeuIssue, ...]

    def weights(self, issue: DeuIssue) -> np.ndarray:
        """Capability x salience of the actors taking part; 0 for the others."""
        w = np.where(issue.taking_part, self.capability * issue.saliences, 0.0)
        return np.nan_to_num(w, nan=0.0)

    def is_scored(self, issue: DeuIssue) -> bool:
        """Whether the issue has an outcome and a positive total weight."""
        return not math.isnan(issue.out) and float(self.weights(issue).sum()) > 0.0

    @property
    def scored(self) -> tuple[DeuIssue, ...]:
        """The issues a backtest scores."""
        return tuple(i for i in self.issues if self.is_scored(i))


@dataclass
class _Layout:
    """Where the columns are."""

    header: list[str]
    actors: list[str]
    p: list[int]
    s: list[int]
    rp: int | None
    out: int
    id: int | None
    columns: dict[str, int]


# -- reading -----------------------------------------------------------------------------


def read_deu_table(path: str, text: str) -> DeuTable:
    """Read a DEU-style table as :class:`DeuTable`; :class:`InputError` lists every problem."""
    problems = Problems(path)
    rows = _rows(path, text)
    if not rows:
        raise InputError(
            [
                Problem(
                    path,
                    1,
                    "file is empty; expected a DEU-style table with a "
                    "header of pX/sX columns, rp and out",
                )
            ]
        )
    layout = _layout(rows[0], problems)
    problems.raise_if_any()
    assert layout is not None
    capability = np.full(len(layout.actors), np.nan)
    capability_line: int | None = None
    issues: list[DeuIssue] = []
    seen: dict[str, int] = {}
    for line, cells in rows[1:]:
        if len(cells) != len(layout.header):
            problems.add(
                line,
                f"row has {len(cells)} cells; expected {len(layout.header)}, one per header column",
            )
            continue
        if _is_capability_row(cells, layout):
            if capability_line is not None:
                problems.add(
                    line,
                    f"second capability row (first on line {capability_line});"
                    " expected one row without issue id and saliences",
                )
                continue
            capability_line = line
            capability = _capability(line, cells, layout, problems)
            continue
        issue = _issue(line, len(issues), cells, layout, problems)
        if issue is None:
            continue
        if issue.id in seen:
            problems.add(
                line,
                f"duplicate issue id '{issue.id}' (first on line "
                f"{seen[issue.id]}); expected one row per issue",
            )
            continue
        seen[issue.id] = line
        issues.append(issue)
    problems.raise_if_any()
    return DeuTable(path, tuple(layout.actors), capability, capability_line, tuple(issues))


def _rows(path: str, text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with their 1-based start line; tab-separated when the first line
    has more tabs than commas, else comma-separated."""
    first = text.lstrip("\n").split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            cells = [c.strip() for c in cells]
            if any(cells):
                rows.append((line, cells))
    except csv.Error as exc:
        raise InputError(
            [
                Problem(
                    path,
                    reader.line_num or 1,
                    f"not a valid table ({exc}); expected tab- or comma-separated cells",
                )
            ]
        ) from None
    return rows


def _layout(row: tuple[int, list[str]], problems: Problems) -> _Layout | None:
    """Find the actor, ``rp``, ``out`` and id columns of the header."""
    line, header = row
    columns: dict[str, int] = {}
    clashes: list[str] = []
    for k, name in enumerate(header):
        key = name.lower()
        if key in columns and key:
            first = header[columns[key]]
            clashes.append(
                f"'{name}' repeats '{first}'"
                if name == first
                else f"'{first}' and '{name}' differ only in case"
            )
        columns.setdefault(key, k)
    if clashes:
        problems.add(
            line,
            "header columns " + "; ".join(clashes) + "; expected each column "
            "once (column names are read without regard to case)",
        )
        return None
    actors = [
        name[1:]
        for name in header
        if name[:1].lower() == "p" and len(name) > 1 and "s" + name[1:].lower() in columns
    ]
    if not actors or "out" not in columns:
        problems.add(
            line,
            "header has "
            + ("no pX/sX column pairs" if not actors else "no 'out' column")
            + "; expected a position column pX and a salience "
            "column sX per actor X, and the columns 'rp' and 'out'",
        )
        return None
    id_col = next((columns[c] for c in _ID_COLUMNS if c in columns), None)
    return _Layout(
        header,
        actors,
        [columns["p" + a.lower()] for a in actors],
        [columns["s" + a.lower()] for a in actors],
        columns.get("rp"),
        columns["out"],
        id_col,
        columns,
    )


def _is_capability_row(cells: list[str], layout: _Layout) -> bool:
    """No issue id, no salience, no outcome, but some pX cells: the capability row."""
    no_id = layout.id is None or not cells[layout.id]
    return (
        no_id
        and not any(cells[k] for k in layout.s)
        and not cells[layout.out]
        and any(cells[k] for k in layout.p)
    )


def _capability(line: int, cells: list[str], layout: _Layout, problems: Problems) -> np.ndarray:
    values = [_cell(line, cells, k, layout, problems, None) for k in layout.p]
    return np.array(values, dtype=float)


def _cell(
    line: int,
    cells: list[str],
    col: int,
    layout: _Layout,
    problems: Problems,
    high: float | None = 100.0,
) -> float:
    """The number in column ``col`` (``NaN`` when empty); a problem when it is not a number
    from 0 to ``high``."""
    cell = cells[col]
    if not cell:
        return math.nan
    value = parse_number(cell)
    expected = "a number from 0 to 100" if high is not None else "a number >= 0"
    name = layout.header[col]
    if value is None:
        problems.add(
            line, f"column '{name}': {not_a_number(cell)}; expected {expected} or an empty cell"
        )
        return math.nan
    if value < 0 or (high is not None and value > high):
        problems.add(
            line, f"column '{name}': {fmt_exact(value)} is out of range; expected {expected}"
        )
        return math.nan
    return value


def _issue(
    line: int, index: int, cells: list[str], layout: _Layout, problems: Problems
) -> DeuIssue | None:
    raw_id = cells[layout.id] if layout.id is not None else f"issue{index + 1}"
    issue_id = make_id(raw_id)
    if not issue_id:
        problems.add(
            line,
            "row has no issue id but has saliences or an outcome; expected an "
            f"id in column '{layout.header[layout.id] if layout.id is not None else ''}'",
        )
        return None
    positions = np.array([_cell(line, cells, k, layout, problems) for k in layout.p])
    saliences = np.array([_cell(line, cells, k, layout, problems) for k in layout.s])
    rp = _cell(line, cells, layout.rp, layout, problems) if layout.rp is not None else math.nan
    out = _cell(line, cells, layout.out, layout, problems)
    name, description = _names(cells, layout, raw_id)
    codes = [a.lower() for a in layout.actors]
    commission = float(positions[codes.index("com")]) if "com" in codes else math.nan
    return DeuIssue(issue_id, line, name, description, positions, saliences, rp, out, commission)


def _names(cells: list[str], layout: _Layout, raw_id: str) -> tuple[str, str | None]:
    """Issue name (a ``name`` column, else ``prname`` + issue number) and description."""

    def get(col: str) -> str:
        k = layout.columns.get(col)
        return cells[k] if k is not None else ""

    if get("name"):
        name = get("name")
    else:
        number = re.search(r"i(\d+)$", raw_id)
        suffix = f"issue {number.group(1)}" if number else raw_id
        name = f"{get('prname')} {suffix}".strip() if get("prname") else raw_id
    facts = [f"{c} {get(c)}" for c in ("prnr", "type", "council", "proc", "counvte") if get(c)]
    description = get("description") or ("; ".join(facts) if facts else None)
    return name, description


# -- as a scenario ------------------------------------------------------------------------


def read_deu(path: str, text: str) -> Scenario:
    """Read a DEU-style table as a checked :class:`Scenario` (saliences divided by 100;
    stances only where the actor takes part; ``rp`` a labelled point; ``out`` the outcome)."""
    table = read_deu_table(path, text)
    name = Path(path).name
    actors, actor_lines = _scenario_actors(table)
    issues = [_scenario_issue(i) for i in table.issues]
    stances, stance_lines = _scenario_stances(table)
    data = {
        "id": stem_id(path, "deu"),
        "title": f"DEU table {name}",
        "sources": [
            {
                "id": SOURCE_ID,
                "title": f"DEU-style issue table {name}",
                "author": "Arregui & Perarnaud (DEU III); Thomson et al. (DEU I/II)",
                "note": f"file {name}; positions 0-100; saliences 0-100 divided by 100; "
                "capability from the row without issue id (GDP in DEU III)",
            }
        ],
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    lines: dict[str, list[int | None]] = {
        "actors": actor_lines,
        "issues": [i.line for i in table.issues],
        "stances": stance_lines,
    }
    return build_scenario(path, data, lines)


def _cite(value: float, line: int, column: str, extra: str = "") -> dict[str, Any]:
    return {
        "value": value,
        "source": {"ref": SOURCE_ID, "quote": f"row {line}, column '{column}'{extra}"},
    }


def _scenario_actors(table: DeuTable) -> tuple[list[dict[str, Any]], list[int | None]]:
    actors = []
    for code, cap in zip(table.actors, table.capability):
        actor: dict[str, Any] = {
            "id": make_id(code) or code,
            "name": ACTOR_NAMES.get(code.lower(), code),
            "kind": "organisation" if code.lower() in _ORGANISATIONS else "state",
        }
        if not math.isnan(cap) and table.capability_line is not None:
            actor["capability"] = _cite(float(cap), table.capability_line, f"p{code}")
            actor["capability_basis"] = "GDP (DEU capability row)"
        actors.append(actor)
    return actors, [table.capability_line] * len(actors)


def _scenario_issue(issue: DeuIssue) -> dict[str, Any]:
    scale: dict[str, Any] = {
        "min": 0,
        "max": 100,
        "min_label": "0: one end of the issue as coded by the DEU experts",
        "max_label": "100: the other end of the issue as coded by the DEU experts",
    }
    if not math.isnan(issue.rp):
        scale["points"] = [{"value": issue.rp, "label": RP_LABEL}]
    data: dict[str, Any] = {
        "id": issue.id,
        "name": issue.name,
        "description": issue.description,
        "scale": scale,
    }
    if not math.isnan(issue.out):
        data["outcome"] = {
            "value": issue.out,
            "reasoning": _OUT_REASONING,
            "source": {"ref": SOURCE_ID, "quote": f"row {issue.line}, column 'out'"},
        }
    return data


def _scenario_stances(table: DeuTable) -> tuple[list[dict[str, Any]], list[int | None]]:
    stances: list[dict[str, Any]] = []
    lines: list[int | None] = []
    for issue in table.issues:
        for k in np.flatnonzero(issue.taking_part):
            code = table.actors[k]
            stances.append(
                {
                    "actor": make_id(code) or code,
                    "issue": issue.id,
                    "position": _cite(float(issue.positions[k]), issue.line, f"p{code}"),
                    "salience": _cite(
                        from_percent(float(issue.saliences[k])),
                        issue.line,
                        f"s{code}",
                        " (0-100, divided by 100)",
                    ),
                }
            )
            lines.append(issue.line)
    return stances, lines


# -- writing -----------------------------------------------------------------------------


def dump_deu(scenario: Scenario) -> str:
    """``scenario`` as a DEU-style TSV: header, capability row, one row per issue.

    Columns: ``isnr``, ``name``, ``p<actor>``..., ``s<actor>``..., ``rp``, ``out``. Saliences
    are multiplied by 100; ``rp`` is the issue's point labelled ``reference point (status
    quo)``. Raises :class:`InputError` for scales other than 0-100 or per-issue capabilities.
    """
    messages = _dump_problems(scenario)
    if messages:
        raise dump_error(scenario, "DEU table", messages)
    ids = [a.id for a in scenario.actors]
    header = ["isnr", "name"] + [f"p{a}" for a in ids] + [f"s{a}" for a in ids] + ["rp", "out"]
    caps = [actor_capability(scenario, a)[0] for a in ids]
    rows = [
        [_quoted(h) for h in header],
        ["", ""]
        + [_quoted(fmt_exact(c)) if c is not None else "" for c in caps]
        + [""] * (len(ids) + 2),
    ]
    stances = {(st.actor, st.issue): st for st in scenario.stances}
    rows += [_issue_row(stances, issue, ids) for issue in scenario.issues]
    return "".join("\t".join(row) + "\n" for row in rows)


def _quoted(text: str) -> str:
    """A double-quoted cell, as DEU writes its header and text cells (inner quotes doubled,
    tabs and line breaks as spaces)."""
    return '"' + " ".join(text.replace('"', '""').split()) + '"'


def _issue_row(stances: dict[tuple[str, str], Stance], issue: Issue, ids: list[str]) -> list[str]:
    positions, saliences = [], []
    for a in ids:
        s = stances.get((a, issue.id))
        positions.append(fmt_exact(s.position.value) if s else "")
        saliences.append(fmt_exact(s.salience.value * 100.0) if s else "")
    rp = next((p.value for p in issue.scale.points if p.label == RP_LABEL), None)
    out = issue.outcome.value if issue.outcome is not None else None
    return (
        [_quoted(issue.id), _quoted(issue.name)]
        + positions
        + saliences
        + [fmt_exact(rp) if rp is not None else "", fmt_exact(out) if out is not None else ""]
    )


def _dump_problems(scenario: Scenario) -> list[str]:
    """What keeps ``scenario`` from being written as a DEU table (empty when nothing)."""
    messages = []
    for issue in scenario.issues:
        if issue.scale.min != 0 or issue.scale.max != 100:
            messages.append(
                f"issue '{issue.id}' runs {fmt_exact(issue.scale.min)}-"
                f"{fmt_exact(issue.scale.max)}; DEU positions are on a 0-100 scale"
            )
    for actor in scenario.actors:
        if not actor_capability(scenario, actor.id)[1]:
            messages.append(
                f"actor '{actor.id}' has different capabilities per issue; a DEU "
                "table has one capability per actor"
            )
    return messages

"""Editing a scenario document as tables, keeping its comments and key order.

The workbench's Edit page (and any script) edits a scenario through three functions:

- :func:`read_tables` lists the records of the editable sections (:data:`SECTIONS`) as
  :class:`Table` rows of cells;
- :func:`apply_edits` applies :class:`CellEdit`, :class:`AddRow` and :class:`DeleteRow` edits
  all together, validates the result exactly as ``equipoise validate`` does
  (:func:`equipoise.io.parse`) and returns the new text, or refuses the whole batch with every
  problem located in its cell (:class:`CellProblem`) and the text untouched;
- :func:`locate_problems` does the locating for a text as it is.

**Cells.** A record is flattened into columns named by the path of each value, joined with
``.``, down to :data:`MAX_DEPTH` keys (``source.quote``, ``scale.min``,
``criteria.cost.value``); a list, or a mapping deeper than that, is one cell written as
one-line YAML (``[[0, 0.5], [50, 1.0]]``). Dates are written ``YYYY-MM-DD``.

**Reading a cell back.** A new value keeps the type of the value it replaces: text stays
text, a number is read as a number, a date as a date, a list or mapping as YAML; a value in a
cell that was empty is read as YAML (``30`` a number, ``[1, 2]`` a list, anything else text).
An empty cell (``""`` or ``None``) removes the key.

**Writing.** YAML is loaded and dumped with ruamel.yaml's round-trip mode, quotes preserved,
indentation as guessed from the source and no line wrapping: comments, key order, quoting and
flow/block style stay where the source had them, and an edit changes only the lines of the
values it touches (a comment at the end of an edited line stays). A text with no edits is
returned unchanged. JSON sources are written back as JSON (JSON has no comments): keys in their
order, indented as the source was (two spaces when it cannot be told).

Limits: rows cannot be reordered; a comment *inside* a deleted record goes with it; the
comment that sits just above a record in the file is, for ruamel.yaml, the end of the record
before it, so deleting that earlier record removes it too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString

from ..errors import InputError, Problem

__all__ = [
    "SECTIONS",
    "MAX_DEPTH",
    "Table",
    "CellEdit",
    "AddRow",
    "DeleteRow",
    "Edit",
    "CellProblem",
    "EditResult",
    "read_tables",
    "apply_edits",
    "locate_problems",
    "cell_text",
]

#: The sections shown as tables, in the order the Edit page shows them.
SECTIONS: tuple[str, ...] = (
    "actors",
    "issues",
    "stances",
    "relations",
    "options",
    "variants",
    "doctrines",
)
#: Deepest key path given a column of its own; deeper values are one cell of YAML.
MAX_DEPTH = 3

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    """The records of one section: ``columns`` in first-seen order, one ``rows`` dict per
    record (column -> cell; a key the record does not have is absent)."""

    section: str
    columns: list[str]
    rows: list[dict[str, Cell]]


@dataclass(frozen=True)
class CellEdit:
    """Set the cell ``column`` of record ``row`` (0-based) of ``section``; ``None`` or ``""``
    removes the key."""

    section: str
    row: int
    column: str
    value: Any


@dataclass(frozen=True)
class AddRow:
    """Append a record to ``section`` made of ``values`` (column -> cell; empty cells skipped)."""

    section: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeleteRow:
    """Delete record ``row`` (0-based) of ``section``."""

    section: str
    row: int


Edit = CellEdit | AddRow | DeleteRow


@dataclass(frozen=True)
class CellProblem:
    """A validation problem with the cell it concerns: ``section``/``row``/``column`` are None
    where the problem's line is outside the tables (or the problem has no line);
    ``row`` indexes the records of the edited text."""

    problem: Problem
    section: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def message(self) -> str:
        """``FILE:LINE: what is wrong, what is expected``."""
        return str(self.problem)


@dataclass(frozen=True)
class EditResult:
    """The outcome of :func:`apply_edits`: ``ok`` with the new ``text``, or refused with
    ``problems`` (and ``text`` the original, untouched)."""

    ok: bool
    text: str
    problems: list[CellProblem]


# -- loading and dumping ----------------------------------------------------------------


def _is_json(name: str, text: str) -> bool:
    """The rule of :func:`equipoise.io.document.read_document`."""
    return name.lower().endswith(".json") or text.lstrip().startswith("{")


_KEY_OPENS_BLOCK = re.compile(r"^( *)[^\s#-][^#]*:[ \t]*(#.*)?$")
_CONTENT = re.compile(r"^( *)(- +)?(\S)")


def guess_indents(text: str) -> tuple[int, int, int]:
    """``(mapping, sequence, offset)`` indentation of a block-style YAML text, for
    :meth:`ruamel.yaml.YAML.indent`: read off the first key whose value is a nested mapping
    and the first key whose value is a block list (``offset``: spaces before the ``-``;
    ``sequence``: from the key to the item's content). ``(2, 2, 0)`` where the text does not
    tell."""
    mapping = sequence = offset = None
    lines = [
        line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")
    ]
    for above, line in zip(lines, lines[1:]):
        key = _KEY_OPENS_BLOCK.match(above)
        content = _CONTENT.match(line)
        if key is None or content is None:
            continue
        depth = len(content.group(1)) - len(key.group(1))
        if content.group(2) is None and depth > 0 and mapping is None:
            mapping = depth
        elif content.group(2) is not None and sequence is None and depth >= 0:
            offset = depth
            sequence = depth + len(content.group(2))
        if mapping is not None and sequence is not None:
            break
    return mapping or 2, sequence or 2, offset or 0


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 30  # never wrap: an edited line stays one line
    mapping, sequence, offset = guess_indents(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


@dataclass
class _Doc:
    """A loaded document: round-trip YAML (:class:`CommentedMap`) or JSON (dict)."""

    name: str
    text: str
    json: bool
    data: Any

    @classmethod
    def load(cls, name: str, text: str) -> _Doc:
        is_json = _is_json(name, text)
        try:
            data = json.loads(text) if is_json else _yaml(text).load(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                [Problem(name, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")]
            ) from None
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(
                [
                    Problem(
                        name,
                        mark.line + 1 if mark else None,
                        f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                    )
                ]
            ) from None
        if not isinstance(data, dict):
            raise InputError(
                [
                    Problem(
                        name,
                        1,
                        "the document is not a mapping; expected a "
                        "scenario (keys such as 'id', 'title', 'actors')",
                    )
                ]
            )
        return cls(name, text, is_json, data)

    def dump(self) -> str:
        if self.json:
            return json.dumps(
                self.data, indent=_json_indent(self.text), ensure_ascii=False, allow_nan=False
            ) + ("\n" if self.text.endswith("\n") else "")
        buf = io.StringIO()
        _yaml(self.text).dump(self.data, buf)
        return buf.getvalue()


def _json_indent(text: str) -> int:
    match = re.search(r"\n( +)\S", text)
    return len(match.group(1)) if match else 2


# -- cells -------------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """``value`` as one line of YAML (a list, or a mapping too deep for its own columns)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = True
    yaml.width = 1 << 30
    buf = io.StringIO()
    yaml.dump(_plain(value), buf)
    return buf.getvalue().strip().removesuffix("...").strip()


def _plain(value: Any) -> Any:
    """``value`` with ruamel's types turned into plain Python (for the safe dumper)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def cell_text(value: Any) -> Cell:
    """What a table cell shows for ``value``: scalars as they are, dates ``YYYY-MM-DD``,
    lists and mappings one line of YAML."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _flow(value)


def _flatten(record: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    """(key path, value) of each cell of ``record``, in the record's order."""
    if not isinstance(record, Mapping):
        yield prefix or ("value",), record
        return
    for key, value in record.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and len(path) < MAX_DEPTH and value:
            yield from _flatten(value, path)
        else:
            yield path, value


def _column(path: Sequence[str]) -> str:
    return ".".join(path)


def _section_table(section: str, items: Any) -> Table:
    columns: dict[str, None] = {}
    rows: list[dict[str, Cell]] = []
    for item in items if isinstance(items, list) else []:
        row: dict[str, Cell] = {}
        for path, value in _flatten(item):
            name = _column(path)
            columns.setdefault(name)
            row[name] = cell_text(value)
        rows.append(row)
    return Table(section, list(columns), rows)


def read_tables(name: str, text: str) -> dict[str, Table]:
    """The tables of :data:`SECTIONS` (a section the document lacks is an empty table).

    Raises :class:`~equipoise.errors.InputError` when the text is not a YAML or JSON mapping.
    """
    doc = _Doc.load(name, text)
    return {section: _section_table(section, doc.data.get(section)) for section in SECTIONS}


def _parse_yaml_value(text: str) -> Any:
    yaml = YAML(typ="rt", pure=True)
    return yaml.load(text)


def _read_cell(new: Any, old: Any, where: str) -> Any:
    """The value to store for the cell text ``new`` replacing ``old`` (module docstring)."""
    if not isinstance(new, str):
        return new
    if isinstance(old, bool):
        lowered = new.strip().lower()
        return {"true": True, "false": False}.get(lowered, new)
    if isinstance(old, str):
        return type(old)(new) if isinstance(old, ScalarString) else new
    try:
        parsed = _parse_yaml_value(new) if new.strip() else None
    except YAMLError as exc:
        if isinstance(old, (list, dict)):
            raise _CellRefused(
                f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                "expected a list [a, b] or a mapping {key: value}"
            ) from None
        return new
    if isinstance(old, (int, float)) and not isinstance(parsed, (int, float)):
        return new  # left as text: validation says "expected a number"
    if isinstance(old, float) and isinstance(parsed, int) and not isinstance(parsed, bool):
        return float(parsed)
    if isinstance(old, dt.date) and isinstance(parsed, str):
        try:
            return dt.date.fromisoformat(parsed.strip())
        except ValueError:
            return parsed
    if old is None and not isinstance(parsed, (int, float, bool, list, dict, dt.date)):
        return new  # text stays exactly as typed
    return parsed


class _CellRefused(ValueError):
    pass


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _json_ready(value: Any) -> Any:
    """Dates as text for a JSON document."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return _plain(value)


def _set_path(record: Any, path: Sequence[str], value: Any, is_json: bool) -> None:
    node = record
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, Mapping):
            if _empty(value):
                return
            child = {} if is_json else CommentedMap()
            node[key] = child
        node = child
    last = path[-1]
    if _empty(value):
        node.pop(last, None)
        # remove mappings left empty by the deletion
        for depth in range(len(path) - 1, 0, -1):
            parent = _get_path(record, path[: depth - 1]) if depth > 1 else record
            key = path[depth - 1]
            if (
                isinstance(parent, dict)
                and isinstance(parent.get(key), Mapping)
                and not parent[key]
            ):
                parent.pop(key)
        return
    node[last] = _json_ready(value) if is_json else value


def _get_path(record: Any, path: Sequence[str]) -> Any:
    node = record
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _column_path(record: Any, column: str) -> tuple[str, ...]:
    """The key path of ``column`` in ``record``: an existing key path wins (a key may hold a
    '.'), else the column split at every '.'."""
    for path, _ in _flatten(record):
        if _column(path) == column:
            return path
    parts = column.split(".")
    return tuple(parts[: MAX_DEPTH - 1]) + (
        (".".join(parts[MAX_DEPTH - 1 :]),) if len(parts) >= MAX_DEPTH else ()
    )


def _trailing_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel.yaml keeps the comment lines that follow the record ``node`` (the comment
    token after its last block value): ``(container, key, slot)``, or None when there is none
    it can be told (the record ends in a flow collection)."""
    while True:
        if isinstance(node, CommentedMap) and node:
            key = list(node.keys())[-1]
            child, slot = node[key], 2
        elif isinstance(node, CommentedSeq) and node:
            key = len(node) - 1
            child, slot = node[key], 0
        else:
            return None
        if isinstance(child, (CommentedMap, CommentedSeq)) and child:
            if child.fa.flow_style():
                return None
            node = child
            continue
        return node, key, slot


def _split_trailing(item: Any) -> str:
    """Remove and return the comment lines after ``item``'s last line (its end-of-line
    comment stays): the comments that stand above the next record in the file."""
    where = _trailing_slot(item)
    if where is None:
        return ""
    container, key, slot = where
    entry = container.ca.items.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is None or not isinstance(getattr(token, "value", None), str):
        return ""
    head, newline, rest = token.value.partition("\n")
    if not rest:
        return ""
    if head.strip():
        token.value = head + newline
    else:
        entry[slot] = None
    return str(rest)


def _add_trailing(item: Any, rest: str) -> bool:
    """Put the comment lines ``rest`` after ``item``'s last line; False when it cannot."""
    import copy

    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    where = _trailing_slot(item)
    if where is None or not rest:
        return False
    container, key, slot = where
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        token = copy.copy(token)
        head, newline, _ = token.value.partition("\n")
        token.value = head + newline + rest
        entry[slot] = token
    return True


def _apply(doc: _Doc, edits: Sequence[Edit]) -> list[CellProblem]:
    """Apply ``edits`` to ``doc.data`` in place (cell edits first, then deletions from the
    last row up, then additions); problems of edits that cannot be applied at all."""
    refused: list[CellProblem] = []
    data = doc.data

    def section_list(section: str, create: bool) -> Any:
        if section not in SECTIONS:
            raise _CellRefused(
                f"unknown section '{section}'; expected one of " + ", ".join(SECTIONS)
            )
        items = data.get(section)
        if items is None and create:
            items = [] if doc.json else CommentedSeq()
            data[section] = items
        if not isinstance(items, list):
            raise _CellRefused(f"{section}: expected a list of records")
        return items

    def refuse(edit: Edit, message: str) -> None:
        row = getattr(edit, "row", None)
        refused.append(
            CellProblem(
                Problem(doc.name, None, message), edit.section, row, getattr(edit, "column", None)
            )
        )

    cell_edits = [e for e in edits if isinstance(e, CellEdit)]
    deletions = sorted(
        (e for e in edits if isinstance(e, DeleteRow)), key=lambda e: e.row, reverse=True
    )
    additions = [e for e in edits if isinstance(e, AddRow)]
    for cell in cell_edits:
        try:
            items = section_list(cell.section, create=False)
            if not 0 <= cell.row < len(items) or not isinstance(items[cell.row], Mapping):
                raise _CellRefused(f"{cell.section}: no record {cell.row + 1}")
            record: Any = items[cell.row]
            path = _column_path(record, cell.column)
            where = f"{cell.section}[{cell.row + 1}].{cell.column}"
            value = (
                None
                if _empty(cell.value)
                else _read_cell(cell.value, _get_path(record, path), where)
            )
            _set_path(record, path, value, doc.json)
        except _CellRefused as exc:
            refuse(cell, str(exc))
    for deletion in deletions:
        try:
            items = section_list(deletion.section, create=False)
            if not 0 <= deletion.row < len(items):
                raise _CellRefused(f"{deletion.section}: no record {deletion.row + 1} to delete")
            if not doc.json and deletion.row > 0:
                # comments above the next record stay (they end the deleted one in ruamel);
                # those above the deleted record go with it
                _split_trailing(items[deletion.row - 1])
                _add_trailing(items[deletion.row - 1], _split_trailing(items[deletion.row]))
            del items[deletion.row]
        except _CellRefused as exc:
            refuse(deletion, str(exc))
    for addition in additions:
        try:
            items = section_list(addition.section, create=True)
            record = {} if doc.json else CommentedMap()
            for column, raw in addition.values.items():
                if _empty(raw):
                    continue
                value = _read_cell(raw, None, f"{addition.section}[{len(items) + 1}].{column}")
                _set_path(record, _column_path(record, column), value, doc.json)
            rest = _split_trailing(items[-1]) if items and not doc.json else ""
            items.append(record)
            if rest and not _add_trailing(record, rest):
                _add_trailing(items[-2], rest)  # the record has no block value to carry it
        except _CellRefused as exc:
            refuse(addition, str(exc))
    return refused


def apply_edits(name: str, text: str, edits: Sequence[Edit]) -> EditResult:
    """Apply ``edits`` to the scenario ``text`` (from the file ``name``) all together.

    The result is validated as ``equipoise validate`` validates a file
    (:func:`equipoise.io.parse`); when it has any problem — or an edit cannot be applied — the
    whole batch is refused: ``ok`` is False, ``text`` is the original and ``problems`` lists
    every problem, located in the edited text's cells (:func:`locate_problems`). No edits:
    the text is returned as it is.
    """
    if not edits:
        return EditResult(True, text, [])
    try:
        doc = _Doc.load(name, text)
    except InputError as exc:
        return EditResult(False, text, [CellProblem(p) for p in exc.problems])
    refused = _apply(doc, edits)
    if refused:
        return EditResult(False, text, refused)
    new_text = doc.dump()
    problems = locate_problems(name, new_text)
    if problems:
        return EditResult(False, text, problems)
    return EditResult(True, new_text, [])


def locate_problems(name: str, text: str) -> list[CellProblem]:
    """Every problem ``equipoise validate`` finds in ``text``, each with its cell."""
    from . import parse

    try:
        parse(name, text)
    except InputError as exc:
        index = _LineIndex.build(name, text)
        return [index.locate(p) for p in exc.problems]
    return []


@dataclass
class _LineIndex:
    """For each section: the first line of each record and the line of each of its cells."""

    # (first line, last line, column -> (line, cell)) of each record
    records: dict[str, list[tuple[int, int, dict[str, tuple[int, Any]]]]]

    @classmethod
    def build(cls, name: str, text: str) -> _LineIndex:
        try:
            data = YAML(typ="rt", pure=True).load(text)
        except Exception:  # noqa: BLE001 - unparseable: nothing to locate in
            return cls({})
        if not isinstance(data, CommentedMap):
            return cls({})
        last_line = text.count("\n") + 1
        top_lines = sorted(_key_line(data, k) for k in data)
        records: dict[str, list[tuple[int, int, dict[str, tuple[int, Any]]]]] = {}
        for section in SECTIONS:
            items = data.get(section)
            if not isinstance(items, CommentedSeq) or section not in data:
                continue
            section_line = _key_line(data, section)
            section_end = next((line - 1 for line in top_lines if line > section_line), last_line)
            starts = [_item_line(items, k) for k in range(len(items))]
            spans = []
            for k, item in enumerate(items):
                end = starts[k + 1] - 1 if k + 1 < len(items) else section_end
                cells: dict[str, tuple[int, Any]] = {}
                _cell_lines(item, (), cells)
                spans.append((starts[k], end, cells))
            records[section] = spans
        return cls(records)

    def locate(self, problem: Problem) -> CellProblem:
        line = problem.line
        if line is None:
            return CellProblem(problem)
        for section, spans in self.records.items():
            for row, (first, last, cells) in enumerate(spans):
                if first <= line <= last:
                    column = _named_column(problem.message, section, row, cells)
                    if column is None:
                        column = _column_on_line(problem.message, line, cells)
                    return CellProblem(problem, section, row, column)
        return CellProblem(problem)


def _named_column(
    message: str, section: str, row: int, cells: Mapping[str, tuple[int, Any]]
) -> str | None:
    """The column a message names as ``section[ROW].path`` (the longest column that starts
    the path), e.g. ``missing required field 'actors[3].name'`` -> ``name``."""
    match = re.search(rf"\b{re.escape(section)}\[{row + 1}\]\.([^\s:',]+)", message)
    if match is None:
        return None
    named = match.group(1)
    found = [c for c in cells if named == c or named.startswith(c + ".")]
    if found:
        return max(found, key=len)
    return named.split(".")[0] if "." not in named else named


def _column_on_line(message: str, line: int, cells: Mapping[str, tuple[int, Any]]) -> str | None:
    """The last cell starting at or above ``line``; among the cells of that line (a record
    written on one line) the one whose value the message quotes, else the first."""
    above = [cell_line for cell_line, _ in cells.values() if cell_line <= line]
    if not above:
        return None
    nearest = max(above)
    candidates = [column for column, (cell_line, _) in cells.items() if cell_line == nearest]
    quoted = [
        column
        for column in candidates
        if f"'{cells[column][1]}'" in message or f"({cells[column][1]!r})" in message
    ]
    return (quoted or candidates)[0] if len(candidates) > 1 else candidates[-1]


def _key_line(node: CommentedMap, key: Any) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (KeyError, TypeError, AttributeError):
        return int(node.lc.line) + 1


def _item_line(node: CommentedSeq, index: int) -> int:
    try:
        return int(node.lc.item(index)[0]) + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return int(node.lc.line) + 1


def _cell_lines(node: Any, prefix: tuple[str, ...], out: dict[str, tuple[int, Any]]) -> None:
    if not isinstance(node, CommentedMap):
        return
    for key, value in node.items():
        path = (*prefix, str(key))
        if isinstance(value, CommentedMap) and len(path) < MAX_DEPTH and value:
            _cell_lines(value, path, out)
        else:
            out[_column(path)] = (_key_line(node, key), cell_text(value))

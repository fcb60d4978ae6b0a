"""Edit: the open scenario's actors, issues, stances, relations, options, variants and
doctrines as editable tables, validated as you type, saved keeping comments and order.

Every change to a table (a cell, an added or a deleted row) is turned into edits of the
scenario's text (:mod:`equipoise.io.scenario_edit`) and validated as ``equipoise validate``
does. A valid result becomes the open scenario (the ``workbench-scenario`` store, so every page
sees it); an invalid one is refused — the text stays as it was — and each problem is shown
on its cell (highlighted, with the message as the cell's tooltip) and listed under the tables.
"Download" gives the text as a file; "Save to FILE" writes it back, atomically, to the file
``equipoise serve FILE`` was started with, and only to that file.

The callbacks are thin: the work is in the plain functions :func:`render_tables`,
:func:`edits_from_tables`, :func:`apply_tables`, :func:`download` and :func:`save_to_file`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ....io.scenario_edit import (
    SECTIONS,
    AddRow,
    CellEdit,
    CellProblem,
    DeleteRow,
    Edit,
    apply_edits,
    read_tables,
)
from ...config import WorkbenchConfig
from ..state import SCENARIO_STORE

TITLE = "Edit"

#: Key of the hidden field that holds a row's index in the scenario (None: a new row).
ROW_KEY = "_row"
#: Prefix of the table column ids (a scenario's own ``id`` column must not become the
#: DataTable's row id).
COLUMN_PREFIX = "f:"
_PROBLEM_STYLE = {"backgroundColor": "#fde2e2", "border": "2px solid #c62828"}
_ROW_STYLE = {"backgroundColor": "#fff3f3"}


def table_id(section: str) -> str:
    return f"edit-table-{section}"


def add_id(section: str) -> str:
    return f"edit-add-{section}"


def column_id(column: str) -> str:
    return COLUMN_PREFIX + column


def _column_name(cid: str) -> str:
    return cid[len(COLUMN_PREFIX) :] if cid.startswith(COLUMN_PREFIX) else cid


# -- plain functions (tested without a browser) ------------------------------------------


@dataclass
class Rendered:
    """What the tables show for a scenario text: per section the DataTable ``columns`` and
    ``data``; ``error`` when the text cannot be shown as tables."""

    columns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: str | None = None


def render_tables(scenario: dict[str, str] | None) -> Rendered:
    """The tables of the open scenario (``{"label", "yaml"}`` of the store)."""
    from ....errors import InputError
    from ....io.detect import detect_format

    out = Rendered({s: [] for s in SECTIONS}, {s: [] for s in SECTIONS})
    if not scenario or not scenario.get("yaml"):
        out.error = "No scenario open: open one first."
        return out
    label, text = scenario.get("label") or "scenario", scenario["yaml"]
    fmt = detect_format(text)
    if fmt != "scenario":
        out.error = (
            f"{label} is a {fmt} file; the tables edit scenario documents (YAML or "
            f"JSON): convert it first (equipoise convert {label} NEW.yaml)."
        )
        return out
    try:
        tables = read_tables(label, text)
    except InputError as exc:
        out.error = "; ".join(str(p) for p in exc.problems)
        return out
    for section, table in tables.items():
        out.columns[section] = [{"id": column_id(c), "name": c} for c in table.columns]
        out.data[section] = [
            {ROW_KEY: k, **{column_id(c): v for c, v in row.items()}}
            for k, row in enumerate(table.rows)
        ]
    return out


def _same(a: Any, b: Any) -> bool:
    """Whether a table cell still holds the document's value (a number typed back as the
    same text counts as unchanged; an emptied cell equals a missing one)."""
    empty_a = a is None or (isinstance(a, str) and not a.strip())
    empty_b = b is None or (isinstance(b, str) and not b.strip())
    if empty_a or empty_b:
        return empty_a and empty_b
    return a == b or str(a) == str(b)


def edits_from_tables(
    scenario: dict[str, str],
    data: dict[str, list[dict[str, Any]]],
) -> tuple[list[Edit], dict[str, dict[int, int]]]:
    """The edits that turn the open scenario into what the tables hold, and for each section
    the position in its table of each kept record (record index -> table row).

    A row with a record index is that record (cells compared one by one); a record whose
    row is gone is deleted; a row without an index is a new record.
    """
    tables = read_tables(scenario.get("label") or "scenario", scenario["yaml"])
    edits: list[Edit] = []
    positions: dict[str, dict[int, int]] = {}
    for section in SECTIONS:
        rows = data.get(section)
        if rows is None:
            continue
        original = tables[section].rows
        seen: dict[int, int] = {}
        for position, row in enumerate(rows):
            index = row.get(ROW_KEY)
            cells = {_column_name(k): v for k, v in row.items() if k != ROW_KEY}
            if isinstance(index, int) and 0 <= index < len(original) and index not in seen:
                seen[index] = position
                before = original[index]
                for column in list(before) + [c for c in cells if c not in before]:
                    if column in cells and not _same(cells[column], before.get(column)):
                        edits.append(CellEdit(section, index, column, cells[column]))
            else:
                edits.append(
                    AddRow(section, {c: v for c, v in cells.items() if not _same(v, None)})
                )
        edits += [DeleteRow(section, k) for k in range(len(original)) if k not in seen]
        positions[section] = seen
    return edits, positions


@dataclass
class Applied:
    """The outcome of the tables' edits: the new store value (None: unchanged), per section
    the DataTable ``style_data_conditional`` and ``tooltip_data``, the messages to list and a
    status line."""

    scenario: dict[str, str] | None
    styles: dict[str, list[dict[str, Any]]]
    tooltips: dict[str, list[dict[str, Any]]]
    messages: list[str]
    status: str


def _highlight(
    problems: list[CellProblem],
    rows: dict[str, list[dict[str, Any]]],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    styles: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    tooltips: dict[str, list[dict[str, Any]]] = {
        s: [{} for _ in rows.get(s) or []] for s in SECTIONS
    }
    for p in problems:
        if p.section is None or p.row is None or p.section not in styles:
            continue
        styles[p.section].append({"if": {"row_index": p.row}, **_ROW_STYLE})
        if p.column is not None:
            cid = column_id(p.column)
            styles[p.section].append(
                {"if": {"row_index": p.row, "column_id": cid}, **_PROBLEM_STYLE}
            )
            tips = tooltips[p.section]
            if 0 <= p.row < len(tips):
                old = tips[p.row].get(cid, {}).get("value")
                value = p.message if old is None else f"{old}\n\n{p.message}"
                tips[p.row][cid] = {"value": value, "type": "text"}
    return styles, tooltips


def apply_tables(scenario: dict[str, str] | None, data: dict[str, list[dict[str, Any]]]) -> Applied:
    """Apply what the tables hold to the open scenario (see the module docstring)."""
    empty: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    if not scenario or not scenario.get("yaml"):
        return Applied(None, empty, empty, [], "No scenario open.")
    label = scenario.get("label") or "scenario"
    try:
        edits, positions = edits_from_tables(scenario, data)
    except Exception as exc:  # noqa: BLE001 - a text the tables cannot read: nothing to apply
        return Applied(None, empty, empty, [str(exc)], "Cannot edit this input.")
    if not edits:
        return Applied(
            None,
            empty,
            {s: [{} for _ in data.get(s) or []] for s in SECTIONS},
            [],
            f"{label}: valid, no unsaved edits.",
        )
    result = apply_edits(label, scenario["yaml"], edits)
    if result.ok:
        return Applied(
            {"label": label, "yaml": result.text},
            empty,
            {s: [{} for _ in data.get(s) or []] for s in SECTIONS},
            [],
            f"{label}: {len(edits)} edit(s) applied; valid.",
        )
    problems = [_to_table_row(p, edits, positions) for p in result.problems]
    styles, tooltips = _highlight(problems, data)
    count = len(problems)
    return Applied(
        None,
        styles,
        tooltips,
        [_where(p) + p.message for p in problems],
        f"{label}: {count} problem{'s' if count != 1 else ''}; the edits are not "
        "applied until they are fixed (or Discard).",
    )


def _to_table_row(
    problem: CellProblem, edits: list[Edit], positions: dict[str, dict[int, int]]
) -> CellProblem:
    """Problems of edits that could not be applied name the record index; the tables show
    the row position (the same for located problems: records keep the tables' order)."""
    if problem.problem.line is None and problem.section is not None and problem.row is not None:
        row = positions.get(problem.section, {}).get(problem.row, problem.row)
        return CellProblem(problem.problem, problem.section, row, problem.column)
    return problem


def _where(p: CellProblem) -> str:
    if p.section is None or p.row is None:
        return ""
    cell = f", {p.column}" if p.column else ""
    return f"[{p.section} row {p.row + 1}{cell}] "


def download(scenario: dict[str, str] | None) -> dict[str, Any] | None:
    """The ``dcc.Download`` value for the open scenario's text (None when none is open): the
    file named like the scenario's label, ``.json`` for JSON text, else ``.yaml``."""
    if not scenario or not scenario.get("yaml"):
        return None
    from ....io.scenario_edit import _is_json

    label = scenario.get("label") or "scenario"
    stem = Path(label.replace("\\", "/")).name
    is_json = _is_json(label, scenario["yaml"])
    suffix = ".json" if is_json else ".yaml"
    for old in (".yaml", ".yml", ".json"):
        stem = stem.removesuffix(old)
    return {
        "content": scenario["yaml"],
        "filename": (stem or "scenario") + suffix,
        "type": "application/json" if is_json else "application/yaml",
        "base64": False,
    }


def save_target(config: WorkbenchConfig) -> Path | None:
    """The file "Save" may write: the local file given to ``equipoise serve`` (None for a
    built-in scenario or none)."""
    if config.input is None:
        return None
    from ....scenarios import builtin_path

    if builtin_path(config.input) is not None:
        return None
    path = Path(config.input)
    return path if path.is_file() else None


def save_to_file(config: WorkbenchConfig, scenario: dict[str, str] | None) -> str:
    """Write the open scenario back to :func:`save_target`, atomically, when it is the
    scenario that came from that file and it validates; a message saying what was done."""
    from ....errors import InputError
    from ....io.atomic import write_text
    from ....io.scenario_edit import locate_problems

    target = save_target(config)
    if target is None:
        return "Nothing to save to: the workbench was not started with a local file."
    if not scenario or scenario.get("label") != config.input or not scenario.get("yaml"):
        return (
            f"Not saved: the open scenario did not come from {config.input}; use Download instead."
        )
    problems = locate_problems(str(target), scenario["yaml"])
    if problems:
        return "Not saved: " + "; ".join(p.message for p in problems[:5])
    try:
        write_text(target, scenario["yaml"])
    except (OSError, InputError) as exc:
        return f"Not saved: {exc}"
    return f"Saved {target}."


# -- the page ------------------------------------------------------------------------------


def layout(config: WorkbenchConfig) -> Any:
    from dash import dcc, html
    from dash.dash_table.DataTable import DataTable

    target = save_target(config)
    parts: list[Any] = [
        html.P(
            "Change a cell, add or delete a row: every change is checked as "
            "'equipoise validate' checks a file. A valid scenario becomes the open one "
            "for every page; a problem is shown on its cell and nothing is applied until "
            "it is fixed. Lists (changes, scale points, value functions) are written as "
            "one line of YAML, e.g. [[0, 0.5], [100, 1.0]]."
        ),
        html.Div(
            [
                html.Button("Download", id="edit-download-button"),
                html.Button(
                    f"Save to {target}",
                    id="edit-save-button",
                    style={} if target else {"display": "none"},
                ),
                html.Button("Discard unapplied edits", id="edit-discard-button"),
            ],
            className="edit-actions",
        ),
        html.P(id="edit-status", role="status"),
        html.P(id="edit-save-status", role="status"),
        html.Ul(id="edit-problems", className="edit-problems"),
        dcc.Download(id="edit-download"),
    ]
    for section in SECTIONS:
        parts += [
            html.H3(section.capitalize()),
            DataTable(
                id=table_id(section),
                columns=[],
                data=[],
                editable=True,
                row_deletable=True,
                page_action="none",
                sort_action="none",
                fixed_rows={"headers": True},
                style_table={"overflowX": "auto", "maxHeight": "420px", "overflowY": "auto"},
                style_cell={
                    "textAlign": "left",
                    "maxWidth": "320px",
                    "minWidth": "60px",
                    "overflow": "hidden",
                    "textOverflow": "ellipsis",
                    "whiteSpace": "nowrap",
                },
                tooltip_duration=None,
                css=[],
            ),
            html.Button(f"Add a row to {section}", id=add_id(section)),
        ]
    return html.Section(parts, id="edit-page")


def register(app: Any, config: WorkbenchConfig) -> None:
    from dash import Input, Output, State, html, no_update

    @app.callback(
        *[Output(table_id(s), "columns") for s in SECTIONS],
        *[Output(table_id(s), "data") for s in SECTIONS],
        *[Output(table_id(s), "style_data_conditional") for s in SECTIONS],
        *[Output(table_id(s), "tooltip_data") for s in SECTIONS],
        Output("edit-problems", "children"),
        Output("edit-status", "children"),
        Input(SCENARIO_STORE, "data"),
        Input("edit-discard-button", "n_clicks"),
    )
    def _render(scenario: dict[str, str] | None, _discard: int | None) -> tuple[Any, ...]:
        shown = render_tables(scenario)
        status = shown.error or (f"Editing {scenario['label']}." if scenario else "")
        return (
            *[shown.columns[s] for s in SECTIONS],
            *[shown.data[s] for s in SECTIONS],
            *[[] for _ in SECTIONS],
            *[[] for _ in SECTIONS],
            [],
            status,
        )

    for section in SECTIONS:

        @app.callback(
            Output(table_id(section), "data", allow_duplicate=True),
            Input(add_id(section), "n_clicks"),
            State(table_id(section), "data"),
            prevent_initial_call=True,
        )
        def _add(_clicks: int | None, rows: list[dict[str, Any]] | None) -> Any:
            return [*(rows or []), {ROW_KEY: None}]

    @app.callback(
        Output(SCENARIO_STORE, "data", allow_duplicate=True),
        *[Output(table_id(s), "style_data_conditional", allow_duplicate=True) for s in SECTIONS],
        *[Output(table_id(s), "tooltip_data", allow_duplicate=True) for s in SECTIONS],
        Output("edit-problems", "children", allow_duplicate=True),
        Output("edit-status", "children", allow_duplicate=True),
        *[Input(table_id(s), "data_timestamp") for s in SECTIONS],
        *[State(table_id(s), "data") for s in SECTIONS],
        State(SCENARIO_STORE, "data"),
        prevent_initial_call=True,
    )
    def _apply(*args: Any) -> tuple[Any, ...]:
        n = len(SECTIONS)
        data = {s: rows or [] for s, rows in zip(SECTIONS, args[n : 2 * n])}
        applied = apply_tables(args[2 * n], data)
        return (
            applied.scenario if applied.scenario is not None else no_update,
            *[applied.styles[s] for s in SECTIONS],
            *[applied.tooltips[s] for s in SECTIONS],
            [html.Li(m) for m in applied.messages],
            applied.status,
        )

    @app.callback(
        Output("edit-download", "data"),
        Input("edit-download-button", "n_clicks"),
        State(SCENARIO_STORE, "data"),
        prevent_initial_call=True,
    )
    def _download(_clicks: int | None, scenario: dict[str, str] | None) -> Any:
        return download(scenario) or no_update

    @app.callback(
        Output("edit-save-status", "children"),
        Input("edit-save-button", "n_clicks"),
        State(SCENARIO_STORE, "data"),
        prevent_initial_call=True,
    )
    def _save(_clicks: int | None, scenario: dict[str, str] | None) -> str:
        return save_to_file(config, scenario)

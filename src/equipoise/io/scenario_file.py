"""Scenario files: YAML (primary, human-edited) and JSON.

:func:`read_scenario` reports every problem at once as ``FILE:LINE: message``
(:class:`~equipoise.errors.InputError`); :func:`write_scenario` writes YAML or JSON by suffix.
"""

from __future__ import annotations

import io
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML

from ..errors import InputError, Problem
from ..scenario import Scenario, check_scenario
from .document import Document, line_of, read_document

__all__ = [
    "read_scenario",
    "scenario_from_document",
    "write_scenario",
    "dump_scenario",
    "scenario_to_data",
]


def read_scenario(path: str | Path, text: str | None = None) -> Scenario:
    """Load and fully check a scenario file (YAML or JSON)."""
    return scenario_from_document(read_document(path, text))


def scenario_from_document(doc: Document) -> Scenario:
    """Validate a parsed document as a :class:`Scenario`; every problem at once."""
    problems: list[Problem] = []
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        for err in errors:
            loc = tuple(err["loc"])
            problems.append(Problem(doc.path, line_of(doc.located(), loc), _describe(err)))
        # Check what is left too, so that one run reports every problem.
        problems += _check_pruned(doc, errors)
        raise InputError(_dedupe(problems)) from None
    for loc, message in check_scenario(scenario):
        problems.append(Problem(doc.path, line_of(doc.located(), loc), message))
    if problems:
        raise InputError(_dedupe(problems))
    return scenario


def _check_pruned(doc: Document, errors: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Cross-record problems of the document with its structurally invalid items removed.

    Items (and top-level keys) that failed validation are dropped; the remaining document is
    validated again and :func:`check_scenario` runs on it, with item indices mapped back to
    the original document. References to the ids of dropped items are not reported (the
    item's own error already is).
    """
    data = doc.data
    bad_items: dict[str, set[int]] = {}
    bad_keys: set[str] = set()
    for err in errors:
        loc = err["loc"]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(loc[0]), list):
            bad_items.setdefault(loc[0], set()).add(loc[1])
        elif loc:
            bad_keys.add(str(loc[0]))
    pruned: dict[str, Any] = {}
    index_map: dict[str, list[int]] = {}
    dropped_ids: set[str] = set()
    for key, value in data.items():
        if key in bad_keys:
            continue
        if key in bad_items and isinstance(value, list):
            keep = [k for k in range(len(value)) if k not in bad_items[key]]
            for k in bad_items[key]:
                if isinstance(value[k], dict) and isinstance(value[k].get("id"), str):
                    dropped_ids.add(value[k]["id"])
            pruned[key] = [value[k] for k in keep]
            index_map[key] = keep
        else:
            pruned[key] = value
    try:
        scenario = Scenario.model_validate(pruned)
    except ValidationError:
        return []
    out: list[Problem] = []
    for loc, message in check_scenario(scenario):
        if any(f"'{i}'" in message and message.startswith("unknown") for i in dropped_ids):
            continue
        if loc and loc[0] in index_map and len(loc) > 1 and isinstance(loc[1], int):
            loc = (loc[0], index_map[loc[0]][loc[1]]) + tuple(loc[2:])
        out.append(Problem(doc.path, line_of(doc.located(), loc), message))
    return out


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key + 1}]")
        elif key[:1].isupper() or "[" in key or key in ("float", "int", "str", "tuple", "none"):
            continue  # pydantic union-member tags
        else:
            parts.append(("." if parts else "") + key)
    return "".join(parts) or "document"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that the (parent) location ``loc`` points into."""
    model: Any = Scenario
    for key in loc:
        if isinstance(key, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(key)
        if field is None:
            field = next((f for f in model.model_fields.values() if f.alias == key), None)
        if field is None:
            continue
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``list[X]``, ``X | None``, ``dict[str, X]``."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict, typing.Union, types.UnionType):
        for arg in reversed(typing.get_args(annotation)):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    model = _model_at(loc)
    if model is None:
        return ""
    names = [f.alias or n for n, f in model.model_fields.items()]
    return "; expected one of: " + ", ".join(names)


_NUMBER_FIELDS = {"position", "salience", "capability", "weight"}


def _describe(err: Mapping[str, Any]) -> str:
    """A message for people from one pydantic error."""
    loc = tuple(err["loc"])
    kind = err["type"]
    where = _field_path(loc)
    value = err.get("input")
    if kind == "missing":
        return f"missing required field '{where}'"
    if kind == "extra_forbidden":
        return f"unknown field '{where}'{_allowed_keys(loc[:-1])}"
    if kind == "value_error":
        return f"{where}: {err['msg'].removeprefix('Value error, ')}"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        msg = "expected a number"
    elif kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        msg = bad_date_message(value)
    elif kind in ("model_type", "dict_type"):
        if isinstance(value, (str, int, float)) and where.split(".")[-1] in _NUMBER_FIELDS:
            msg = (
                "expected a number, or a mapping {value: ..., source: ...} / "
                "{value: ..., assumption: ...}"
            )
        else:
            msg = "expected a mapping (key: value pairs)"
    elif kind == "list_type":
        msg = "expected a list"
    elif kind == "finite_number":
        msg = "must be a finite number (not NaN or infinity)"
    return f"{where}: {msg} (got {shown})"


def bad_date_message(value: Any) -> str:
    """Why ``value`` is not a date: a day or month that does not exist when it is written
    ``YYYY-MM-DD`` (``2022-02-30``: "day is out of range for month"), else the format."""
    import datetime as dt

    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            dt.date.fromisoformat(text)
        except ValueError as exc:
            return (
                f"{text} does not exist ({exc}); expected a date written YYYY-MM-DD "
                "that is in the calendar"
            )
    return "expected a date written YYYY-MM-DD"


# -- writing -----------------------------------------------------------------------------


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON-ready data (aliases, no defaults-only noise)."""
    return scenario.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=False
    )


def dump_scenario(scenario: Scenario, fmt: str = "yaml") -> str:
    """Serialise ``scenario`` as YAML or JSON text."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    yaml = YAML(typ="safe")  # C emitter when ruamel.yaml.clib is installed
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 100
    # YAML reads NEL and the Unicode line/paragraph separators as line breaks: escape
    # non-ASCII text when any string holds one, so that the text round-trips exactly.
    text_json = json.dumps(data, ensure_ascii=False)
    yaml.allow_unicode = not any(ch in text_json for ch in "\x85\u2028\u2029")
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def write_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path`` (JSON if it ends in .json, else YAML), atomically."""
    p = Path(path)
    text = dump_scenario(scenario, "json" if p.suffix.lower() == ".json" else "yaml")
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(p)

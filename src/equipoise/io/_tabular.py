"""Shared helpers of the tabular importers (KTAB, decide, DEU): ids, numbers, located
problems, and turning the collected records into a checked :class:`Scenario`.

Every importer collects *all* problems of a file (with 1-based line numbers) before raising
one :class:`~equipoise.errors.InputError`; nothing here raises anything else on bad input.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..numfmt import fmt_exact
from ..scenario import Scenario, check_scenario

__all__ = [
    "Problems",
    "make_id",
    "parse_number",
    "not_a_number",
    "MAX_MAGNITUDE",
    "build_scenario",
    "actor_capability",
    "stem_id",
    "dump_error",
    "from_percent",
    "ID_PATTERN",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")
_MAX_ID = 64


class Problems:
    """Collects located problems of one input file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        """Record one problem: ``message`` says what is wrong and what is expected."""
        self.items.append(Problem(self.path, line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every problem collected so far, if any."""
        if self.items:
            raise InputError(list(dict.fromkeys(self.items)))


def make_id(raw: str) -> str:
    """An equipoise identifier made from ``raw``: runs of other characters become ``-``,
    leading punctuation is dropped, at most 64 characters. Empty when nothing usable is left."""
    text = _BAD_ID_CHARS.sub("-", raw.strip())
    text = text.lstrip("-_.").rstrip("-")
    return text[:_MAX_ID]


def stem_id(path: str, fallback: str) -> str:
    """An id made from the file name of ``path`` (without suffix), else ``fallback``."""
    return make_id(Path(path).stem) or fallback


#: Largest magnitude accepted for a number read from a table: beyond it the models' sums
#: and products overflow to infinity (the same limit as for scenario documents).
MAX_MAGNITUDE = 1e15


def parse_number(cell: str) -> float | None:
    """``cell`` as a finite float of at most :data:`MAX_MAGNITUDE` in size, else ``None``
    (:func:`not_a_number` says which)."""
    try:
        value = float(cell.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_MAGNITUDE else None


def not_a_number(cell: str) -> str:
    """Why :func:`parse_number` refused ``cell``: ``'x' is not a number`` or too large."""
    try:
        value = float(cell.strip())
    except ValueError:
        return f"{cell!r} is not a number"
    if math.isfinite(value):
        return f"{cell!r} is larger than {MAX_MAGNITUDE:g} in size"
    return f"{cell!r} is not a finite number"


def from_percent(value: float) -> float:
    """A 0-100 value as a 0-1 share, without float noise (``43.31`` -> ``0.4331``)."""
    return float(fmt_exact(value / 100.0))


def build_scenario(path: str, data: dict[str, Any], lines: dict[str, list[int | None]]) -> Scenario:
    """Validate ``data`` as a :class:`Scenario` and run :func:`check_scenario`.

    ``lines[section][k]`` is the line of the file that item ``k`` of ``section`` (actors,
    issues, stances) comes from, so that every remaining problem is located.
    """
    problems = Problems(path)

    def line_of(loc: tuple[Any, ...]) -> int | None:
        if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in lines:
            rows = lines[str(loc[0])]
            if 0 <= loc[1] < len(rows):
                return rows[loc[1]]
        return None

    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            field = ".".join(str(k) for k in loc if not isinstance(k, int))
            msg = err["msg"].removeprefix("Value error, ")
            problems.add(line_of(loc), f"{field or 'scenario'}: {msg} (got {err.get('input')!r})")
        raise InputError(problems.items) from None
    for loc, message in check_scenario(scenario):
        problems.add(line_of(loc), message)
    problems.raise_if_any()
    return scenario


def actor_capability(scenario: Scenario, actor_id: str) -> tuple[float | None, bool]:
    """The single capability of ``actor_id`` for formats with one capability per actor.

    Returns ``(value, consistent)``: the actor's own capability when its stances carry no
    other; else the capability its stances share; ``consistent`` is ``False`` when stances
    give the actor different capabilities (which such a format cannot express).
    """
    actor = scenario.actor(actor_id)
    own = actor.capability.value if actor.capability is not None else None
    per_issue = {
        s.capability.value
        for s in scenario.stances
        if s.actor == actor_id and s.capability is not None
    }
    if not per_issue:
        return own, True
    if len(per_issue) == 1:
        (value,) = per_issue
        return value, own is None or own == value
    return own, False


def dump_error(scenario: Scenario, fmt: str, messages: list[str]) -> InputError:
    """An :class:`InputError` for a scenario that cannot be written in ``fmt``."""
    where = f"scenario '{scenario.id}'"
    return InputError([Problem(where, None, f"cannot write as {fmt}: {m}") for m in messages])

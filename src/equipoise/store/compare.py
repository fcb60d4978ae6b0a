"""Two runs or scenarios side by side: what ``equipoise runs diff`` and the workbench's
Compare page show.

A :class:`Side` is one thing compared: a run read from the store (:func:`run_side`) or a
scenario computed now, without recording, like a command would (:func:`computed_side`).
:func:`compare` flattens both sides' inputs and answers to paths
(:func:`~equipoise.store.digest.inputs_digest`, :func:`~equipoise.store.digest.answers_digest`)
and returns a :class:`Comparison`: every answer path with both values and whether they differ,
and the input paths that differ. Two variants of one scenario are compared answer for answer
by reading ``variants.V.…`` as ``decision.…`` on both sides (``same_variant_paths=True``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .digest import answers_digest, inputs_digest, same

__all__ = ["Side", "Row", "Comparison", "run_side", "computed_side", "compare"]


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its ``label``, the scenario document it ran on (``inputs``;
    None when not known), the command's ``results`` (its ``--json``) and, for a stored run,
    the run (:class:`~equipoise.store.runs.RunRow`)."""

    label: str
    inputs: dict[str, Any] | None
    results: Any
    run: Any = None


@dataclass(frozen=True)
class Row:
    """One path of a comparison with its value on each side (None: absent there)."""

    path: str
    a: Any
    b: Any
    differs: bool

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class Comparison:
    """``answers``: every answer path of either side; ``inputs``: every input path of either
    side (prose left out, see :mod:`.digest`). :meth:`to_dict` gives the ``runs diff --json``
    record (the differing rows only)."""

    a_label: str
    b_label: str
    inputs: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)

    def differences(self, part: str) -> list[Row]:
        """The rows of ``part`` ("inputs" or "answers") whose values differ."""
        return [row for row in getattr(self, part) if row.differs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [r.to_dict() for r in self.differences("inputs")],
            "answers": [r.to_dict() for r in self.differences("answers")],
        }


def _rows(a: dict[str, Any], b: dict[str, Any], tol: float) -> list[Row]:
    paths = list(a) + [p for p in b if p not in a]
    return [Row(p, a.get(p), b.get(p), not same(a.get(p), b.get(p), tol)) for p in paths]


_VARIANT_PATH = re.compile(r"^variants\.[^.]+\.")


def _as_decision(digest: dict[str, Any]) -> dict[str, Any]:
    return {_VARIANT_PATH.sub("decision.", path): value for path, value in digest.items()}


def compare(a: Side, b: Side, *, tol: float = 1e-9, same_variant_paths: bool = False) -> Comparison:
    """Side ``a`` against side ``b``: inputs and answers path by path (numbers equal within
    the relative tolerance ``tol``)."""
    answers_a, answers_b = answers_digest(a.results), answers_digest(b.results)
    if same_variant_paths:
        answers_a, answers_b = _as_decision(answers_a), _as_decision(answers_b)
    return Comparison(
        a.label,
        b.label,
        inputs=_rows(inputs_digest(a.inputs), inputs_digest(b.inputs), tol),
        answers=_rows(answers_a, answers_b, tol),
    )


def run_side(store: Any, run_id: str) -> Side:
    """The stored run ``run_id`` (an id or a unique prefix) with the scenario it ran on.

    Raises :class:`~equipoise.store.StoreError` when there is no such run.
    """
    from .runs import get_input, get_run

    row = get_run(store, run_id)
    kind, content = get_input(store, row.scenario_hash) if row.scenario_hash else (None, None)
    data = json.loads(content) if kind == "scenario" and content else None
    return Side(f"run {row.id} ({row.command}, {row.input_name})", data, row.results, row)


def computed_side(
    input_path: str | Path,
    command: str,
    params: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    label: str | None = None,
) -> Side:
    """``command`` run now on ``input_path`` (a file or a built-in name) with ``params`` and
    ``--set`` values ``sets`` (``as_of=DATE`` for a date), without printing or recording.

    Raises :class:`~equipoise.errors.InputError` for an input that does not validate.
    """
    from .. import cli  # noqa: F401 - registers the commands compute() runs
    from ..io.scenario_file import scenario_to_data
    from .record import compute

    scenario, results = compute(command, str(input_path), dict(params or {}), sets or None)
    return Side(
        label or f"{input_path} ({command})",
        scenario_to_data(scenario) if scenario is not None else None,
        results,
    )

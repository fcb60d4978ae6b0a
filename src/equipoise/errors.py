"""Exceptions for people: every input problem is located and explained.

An :class:`InputError` carries one or more :class:`Problem` records, each rendered as
``FILE:LINE: what is wrong, what is expected``. The command line prints them on stderr and
exits with status 2; library callers can inspect ``error.problems``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "InputError", "ModelInputError", "EXIT_BAD_INPUT"]

#: Exit status of the command line for bad input (files, options, data a model refuses).
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in an input file.

    ``line`` is 1-based; ``None`` when the problem concerns the file as a whole.
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class InputError(ValueError):
    """Bad input: one or more located problems, all reported at once."""

    def __init__(self, problems: list[Problem] | Problem | str, path: str = "<input>"):
        if isinstance(problems, str):
            problems = [Problem(path, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.path, p.line if p.line is not None else 0)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class ModelInputError(ValueError):
    """A model refuses its input (e.g. no actor has positive capability x salience)."""

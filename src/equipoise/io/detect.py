"""Which format a file is in, decided by its content (not its name).

Formats: ``scenario`` (equipoise YAML/JSON), ``ktab`` (KTAB SMP CSV), ``decide``
(decide exchange-model input), ``deu`` (DEU-style issue table), ``edgelist`` (signed edge
list). Rules, first match wins:

- a line whose first field is ``#A``/``#P``/``#D`` (quoted or not) -> ``decide``;
- a tab- or comma-separated header with ``out`` and at least two actors' ``p<ACTOR>`` and
  ``s<ACTOR>`` column pairs -> ``deu``;
- first row of >= 4 comma-separated cells whose 3rd and 4th are integers, second row starting
  with ``Actor`` -> ``ktab``;
- every non-comment line of 3 or 4 fields whose third is a sign (+1, 1, -1, +, -), after an
  optional header line whose third field is ``sign`` -> ``edgelist`` (fields split at commas
  when the line has one, so labels may contain spaces; else at tabs and spaces);
- otherwise -> ``scenario`` (YAML or JSON; its own checks then say what is wrong).
"""

from __future__ import annotations

import csv
import io
import re

__all__ = ["FORMATS", "detect_format"]

FORMATS = ("scenario", "ktab", "decide", "deu", "edgelist")

_DECIDE = re.compile(r"""^\s*['"]?#[APDM]['"]?\s*[\t,]""")
_SIGN = re.compile(r"^(?:[+-]?1(\.0*)?|[+-])$")


def detect_format(text: str) -> str:
    """The format of ``text`` (see the module docstring for the rules)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "scenario"
    if any(_DECIDE.match(ln) for ln in lines[:200]):
        return "decide"
    first = lines[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        cells = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    except csv.Error:  # a first line longer than the csv module's field limit (128 KB)
        cells = []
    header = [c.strip().strip('"').strip() for c in cells]
    lowered = [h.lower() for h in header]
    names = set(lowered)
    pairs = sum(1 for h in lowered if len(h) > 1 and h[0] == "p" and "s" + h[1:] in names)
    if "out" in names and pairs >= 2:
        return "deu"
    if len(lines) >= 2 and delimiter == "," and len(header) >= 4:
        second = lines[1].split(",")[0].strip().strip('"').lower()
        if second == "actor" and all(re.fullmatch(r"\d+", h) for h in header[2:4]):
            return "ktab"
    data_lines = [ln.split("#", 1)[0] for ln in lines if not ln.lstrip().startswith("#")]
    data_lines = [ln for ln in data_lines if ln.strip()]
    fields = [_edge_fields(ln) for ln in data_lines[:1000]]
    if fields and len(fields[0]) in (3, 4) and fields[0][2].lower() == "sign":
        fields = fields[1:]  # a header line such as "u v sign"
    if fields and all(len(f) in (3, 4) and _SIGN.match(f[2]) for f in fields):
        return "edgelist"
    return "scenario"


def _edge_fields(line: str) -> list[str]:
    """The fields of an edge-list line: comma-separated when it has a comma, else by blanks."""
    if "," in line:
        return [f.strip() for f in line.split(",")]
    return line.split()

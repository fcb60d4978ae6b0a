"""Signed edge lists: one tie per line, ``u v sign`` with an optional 4th column ``weight``.

Format
------
* UTF-8 text (a byte-order mark is tolerated); ``#`` starts a comment (whole line or the rest
  of a line); blank lines are ignored.
* Fields separated by tabs, commas or spaces: ``u<TAB>v<TAB>sign``, ``u,v,sign``, ``u v sign``.
  When a line contains a comma, commas are the separators (so labels may contain spaces).
* ``sign`` is ``1``/``+1``/``+`` or ``-1``/``-``; ``weight`` is a number ``> 0``. A first data
  line whose third field reads ``sign`` is taken as a header.
* Ties are undirected: ``a b`` and ``b a`` are the same pair.

Bad input raises :class:`equipoise.errors.InputError` listing *every* problem as
``FILE:LINE: message``: text that is not UTF-8, lines with the wrong number of fields,
unknown sign values, bad weights, self-loops, duplicate ties and contradictory ties (the same
pair with both signs), and a file without any tie.

Duplicates
----------
Refused unless ``merge=True``. Then every pair keeps one tie: when all its lines agree in sign,
the tie has that sign and the largest weight given; when they disagree, the sign of the larger
weight wins (the largest positive against the largest negative weight), a draw going to the
negative sign — hostility dominates, as in the default rule for scenario relations — and the
tie gets that larger weight.

Node order: numeric when every label is an integer, otherwise order of first appearance.
Node labels are kept as strings.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from equipoise.errors import InputError, Problem
from equipoise.network.graph import SignedGraph

if TYPE_CHECKING:
    import datetime as dt

    from equipoise.scenario import Scenario

__all__ = [
    "read_edgelist",
    "parse_edgelist",
    "write_edgelist",
    "format_edgelist",
    "read_edgelist_scenario",
    "dump_edgelist_scenario",
]

_POS = {"1", "+1", "+", "1.0", "+1.0"}
_NEG = {"-1", "-", "-1.0"}
_INT = re.compile(r"^[+-]?\d+$")
#: Largest tie weight accepted: beyond it sums of weights overflow to infinity (the same
#: limit as for numbers in scenarios and tables).
_MAX_WEIGHT = 1e15


def read_edgelist(path: str | os.PathLike[str], merge: bool = False) -> SignedGraph:
    """Read a signed edge list file (format in the module docstring).

    Parameters
    ----------
    path : path-like
    merge : bool
        Merge duplicate and contradictory ties by the documented rule instead of refusing them.

    Raises
    ------
    InputError
        With one :class:`~equipoise.errors.Problem` per bad line (all at once).
    """
    from .document import read_bytes

    return parse_edgelist(read_bytes(path), name=str(path), merge=merge)


def parse_edgelist(data: bytes | str, name: str = "<input>", merge: bool = False) -> SignedGraph:
    """Parse the text (or UTF-8 bytes) of a signed edge list; see :func:`read_edgelist`."""
    problems: list[Problem] = []
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            for no, raw in enumerate(data.split(b"\n"), start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    byte = raw[exc.start]
                    problems.append(
                        Problem(
                            name,
                            no,
                            f"not UTF-8 text (byte 0x{byte:02x} "
                            f"at column {exc.start + 1}); save the file "
                            "as UTF-8",
                        )
                    )
            raise InputError(problems) from None
    else:
        text = data[1:] if data.startswith("\ufeff") else data

    # pair -> list of (line, sign, weight)
    seen: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
    order: list[str] = []
    known: set[str] = set()
    has_weight = False
    first_data = True
    for no, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        if "," in body:
            fields = [f.strip() for f in body.split(",")]
        else:
            fields = body.split()
        if first_data and len(fields) in (3, 4) and fields[2].lower() in ("sign", "signs"):
            first_data = False
            continue
        first_data = False
        if len(fields) not in (3, 4) or any(f == "" for f in fields):
            shown = body if len(body) <= 60 else body[:57] + "..."
            problems.append(
                Problem(
                    name,
                    no,
                    f"expected 'u v sign' or 'u v sign weight' "
                    f"(tab, comma or space separated), got {shown!r}",
                )
            )
            continue
        a, b, s = fields[0], fields[1], fields[2]
        ok = True
        if s in _POS:
            sign = 1
        elif s in _NEG:
            sign = -1
        else:
            problems.append(Problem(name, no, f"unknown sign {s!r}: expected 1, +1, +, -1 or -"))
            ok = False
            sign = 0
        weight = 1.0
        if len(fields) == 4:
            has_weight = True
            try:
                weight = float(fields[3])
            except ValueError:
                weight = math.nan
            if not (math.isfinite(weight) and 0 < weight <= _MAX_WEIGHT):
                problems.append(
                    Problem(
                        name,
                        no,
                        f"bad weight {fields[3]!r}: expected a number "
                        f"> 0 and at most {_MAX_WEIGHT:g}",
                    )
                )
                ok = False
        if a == b:
            problems.append(
                Problem(name, no, f"self-loop {a}–{a}: a tie needs two different nodes")
            )
            ok = False
        if not ok:
            continue
        for x in (a, b):
            if x not in known:
                known.add(x)
                order.append(x)
        key = (a, b) if a <= b else (b, a)
        prev = seen.get(key)
        if prev is not None and not merge:
            first_no, first_sign, _ = prev[0]
            if first_sign != sign:
                problems.append(
                    Problem(
                        name,
                        no,
                        f"contradictory tie {a}–{b}: sign {sign:+d} "
                        f"here, {first_sign:+d} on line {first_no}; "
                        "keep one line, or use --merge",
                    )
                )
            else:
                problems.append(
                    Problem(
                        name,
                        no,
                        f"duplicate tie {a}–{b} (first on line "
                        f"{first_no}); keep one line, or use --merge",
                    )
                )
        seen.setdefault(key, []).append((no, sign, weight))
    if not seen and not problems:
        problems.append(
            Problem(name, None, "no ties found: expected lines 'u v sign' (e.g. '1<TAB>2<TAB>-1')")
        )
    if problems:
        raise InputError(problems)

    if all(_INT.match(x) for x in order):
        order.sort(key=int)
    index = {x: i for i, x in enumerate(order)}
    us, vs, ss, ws = [], [], [], []
    for (a, b), entries in seen.items():
        pos = max((w for _, s, w in entries if s > 0), default=0.0)
        neg = max((w for _, s, w in entries if s < 0), default=0.0)
        sign, weight = (-1, neg) if neg >= pos else (1, pos)
        us.append(index[a])
        vs.append(index[b])
        ss.append(sign)
        ws.append(weight)
    return SignedGraph(
        tuple(order),
        np.array(us, np.int64),
        np.array(vs, np.int64),
        np.array(ss, np.int8),
        np.array(ws, float),
        weighted=has_weight,
    )


def format_edgelist(graph: SignedGraph) -> str:
    """The text of ``graph`` as a signed edge list (see :func:`write_edgelist`)."""
    labels = [str(x) for x in graph.nodes]
    for x in labels:
        if any(c in x for c in "\t\n\r#,") or x != x.strip() or not x:
            raise ValueError(f"node label {x!r} cannot be written to an edge list")
    sep = "," if any(" " in x for x in labels) else "\t"  # commas keep labels with spaces
    lines = [f"# equipoise signed edge list: {graph.n} nodes, {graph.m} ties"]
    for a, b, s, w in graph.edges():
        row = f"{a}{sep}{b}{sep}{s:d}"
        if graph.weighted:
            row += f"{sep}{w:.17g}"
        lines.append(row)
    return "\n".join(lines) + "\n"


def write_edgelist(graph: SignedGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as a signed edge list (UTF-8).

    A comment line gives the counts; a weight column is written when the graph is weighted.
    Tab-separated, or comma-separated when a label contains a space. Isolated nodes are not
    represented. Labels must not contain tabs, newlines, commas or ``#``.
    """
    Path(path).write_text(format_edgelist(graph), encoding="utf-8")


# -- as a scenario (for ``equipoise.io.load`` / ``save``) ------------------------------------


def read_edgelist_scenario(name: str, text: str, merge: bool = False) -> Scenario:
    """A minimal :class:`~equipoise.scenario.Scenario` from an edge list: one actor (kind
    ``other``) per node, one relation per tie — kind ``cooperation`` (+1) or ``dispute``
    (−1; both of kind weight 1, so the tie keeps the file's weight), with the weight when the
    list has a weight column (marked as an assumption read from the file)."""
    from pydantic import ValidationError

    from equipoise.scenario import Scenario

    from ._tabular import ID_PATTERN, make_id

    g = parse_edgelist(text, name=name, merge=merge)
    ids: dict[object, str] = {}
    taken: set[str] = set()
    for x in g.nodes:  # labels with spaces etc. get a made id; the label stays the name
        label = str(x)
        base = label if ID_PATTERN.match(label) and len(label) <= 64 else make_id(label)
        if not base:
            raise InputError(
                Problem(
                    name,
                    None,
                    f"node label {label!r} has no letter or digit "
                    "to make an actor id from; expected labels with letters "
                    "or digits",
                )
            )
        ident, k = base, 2
        while ident in taken:
            ident, k = f"{base}-{k}", k + 1
        ids[x] = ident
        taken.add(ident)
    stem = re.sub(r"[^A-Za-z0-9_.\-]", "-", Path(name).stem).strip("-._") or "edgelist"
    relations = []
    for a, b, s, w in g.edges():
        r: dict[str, Any] = {
            "from": ids[a],
            "to": ids[b],
            "kind": "cooperation" if s > 0 else "dispute",
            "sign": int(s),
        }
        if g.weighted:
            r["weight"] = {"value": float(w), "assumption": f"tie weight read from {name}"}
        relations.append(r)
    data = {
        "id": stem,
        "title": f"Signed network from {Path(name).name}",
        "actors": [{"id": ids[x], "name": str(x), "kind": "other"} for x in g.nodes],
        "relations": relations,
    }
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:  # pragma: no cover - ids were made valid above
        raise InputError(Problem(name, None, f"cannot build a scenario: {exc}")) from None


def dump_edgelist_scenario(scenario: Scenario, as_of: dt.date | None = None) -> str:
    """The signed graph of a scenario's relations (default combine rule, at ``as_of`` or the
    scenario's own date) as edge-list text."""
    from equipoise.network.graph import signed_graph_from_scenario

    return format_edgelist(signed_graph_from_scenario(scenario, as_of=as_of))

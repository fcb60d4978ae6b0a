"""Reading YAML and JSON documents safely, with line numbers for every value.

YAML is parsed with ruamel.yaml's round-trip loader, which records the line and column of
every key and sequence item; JSON is checked with the standard library first (for exact
syntax-error positions) and then read the same way. Guards against hostile input:

- files over :data:`MAX_BYTES` are refused before parsing;
- bytes that are not UTF-8 are reported with the line they occur on;
- alias ("billion laughs") bombs are refused: the document's size *with aliases expanded*
  is counted on the shared node graph (memoised, so counting itself cannot blow up) and
  must stay below :data:`MAX_EXPANDED_NODES`.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem

if TYPE_CHECKING:  # ruamel.yaml is imported when YAML is read: not for JSON, CSV or TSV input
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

__all__ = [
    "Document",
    "read_bytes",
    "read_text",
    "decode_text",
    "read_document",
    "line_of",
    "MAX_BYTES",
    "MAX_EXPANDED_NODES",
]

#: Largest scenario file accepted (bytes).
MAX_BYTES = 5_000_000
#: Largest document accepted, counting every alias expansion (nodes).
MAX_EXPANDED_NODES = 500_000


@dataclass
class Document:
    """A parsed document and where it came from.

    ``data`` is the parsed content, read by a fast parser (the standard library for JSON,
    ruamel.yaml's C-accelerated safe loader for YAML when it is installed); :meth:`located`
    re-reads the text with ruamel's round-trip loader, which records the line of every key
    and item, only when a problem needs locating.
    """

    path: str
    data: Any
    format: str  # "yaml" or "json"
    text: str = ""
    _located: Any = None

    def located(self) -> Any:
        """The content with line information (for :func:`line_of`)."""
        if self._located is None:
            try:
                self._located = _yaml().load(self.text)
            except Exception:  # JSON the YAML reader refuses: no line numbers
                self._located = self.data
        return self._located


@functools.cache
def _text_dates_constructors() -> tuple[type, type]:
    """ruamel.yaml's round-trip and safe constructors with timestamps left as text, so that
    a malformed date (``2020-13-45``) becomes a located validation error instead of a parser
    crash (made on first use: ruamel.yaml is imported only when YAML is read)."""
    from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor

    class _TextDatesConstructor(RoundTripConstructor):
        """Round-trip constructor that leaves timestamps as text."""

    class _FastTextDatesConstructor(SafeConstructor):
        """The safe constructor (used with the C parser), timestamps left as text too."""

    for cls in (_TextDatesConstructor, _FastTextDatesConstructor):
        cls.add_constructor(
            "tag:yaml.org,2002:timestamp",
            lambda constructor, node: constructor.construct_scalar(node),
        )
    return _TextDatesConstructor, _FastTextDatesConstructor


def _fast_yaml() -> YAML:
    """ruamel.yaml's safe loader: C-accelerated when ruamel.yaml.clib is installed."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    yaml.Constructor = _text_dates_constructors()[1]
    return yaml


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _text_dates_constructors()[0]
    return yaml


def read_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """At most ``max_bytes`` bytes of the regular file ``path``; :class:`InputError` otherwise.

    The size is found by reading (at most ``max_bytes + 1`` bytes), not trusted from
    ``st_size``; devices, FIFOs and sockets are refused before anything is read (the file is
    opened non-blocking, so a FIFO without a writer cannot hang the command).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(
            "cannot read: no such file; expected an existing input file", name
        ) from None
    except IsADirectoryError:
        raise InputError("is a directory; expected a file", name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", name) from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a directory; expected a file", name)
        if not stat.S_ISREG(mode):
            raise InputError(
                "is not a regular file (a device, FIFO or socket); expected a file", name
            )
        try:
            raw = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", name) from None
    if len(raw) > max_bytes:
        raise InputError(
            f"file has more than {max_bytes:,} bytes; the limit is {max_bytes:,} "
            "bytes for an input file",
            name,
        )
    return raw


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` as UTF-8; :class:`InputError` if missing, huge, empty or not UTF-8."""
    return decode_text(str(path), read_bytes(path, max_bytes))


def decode_text(name: str, raw: bytes) -> str:
    """``raw`` (the bytes of the file called ``name``, e.g. an upload) as UTF-8 text without
    a byte-order mark; :class:`InputError` if it is not UTF-8 or is empty."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    name,
                    line,
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError([Problem(name, 1, "file is empty; expected a scenario document")])
    return text


def _expanded_size(data: Any, limit: int) -> int:
    """Node count of ``data`` with shared sub-objects counted once per reference."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:  # recursive alias: refuse as infinite
            return limit + 1
        active.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        memo[key] = total
        return total

    return size(data)


#: Deepest nesting of mappings and lists accepted (a scenario needs fewer than 10 levels).
MAX_DEPTH = 100
#: Longest run of digits accepted in a number (Python refuses to convert longer integers).
MAX_DIGITS = 4000

_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')
_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.M)
_BLOCK_MARKERS = re.compile(r"(?:[-?](?:[ \t]+|$))+")
_LONG_NUMBER = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")
_EXPECTED_FORMATS = (
    "expected a mapping with keys such as 'id', 'title', 'actors', 'issues' "
    "(a scenario in YAML or JSON), or another supported format: a KTAB CSV "
    "(comma-separated), a decide input, a DEU-style table (tab- or "
    "comma-separated) or a signed edge list ('u v sign' per line)"
)


def nesting_problem(name: str, text: str, max_depth: int = MAX_DEPTH) -> Problem | None:
    """A problem at the first line where ``text`` nests deeper than ``max_depth``, else None.

    Checked on the text, before any parser runs (the parsers recurse per level: 1,000 levels
    exhaust Python's stack and 30,000 crash the C parser). The depth is an upper estimate:
    open brackets of flow collections outside quoted strings and comments, plus, in block
    style, the indentation levels of the enclosing lines and the ``-``/``?`` markers that
    open a nested collection on the line itself.
    """
    stripped = _COMMENT.sub("", _QUOTED.sub('""', text))
    flow = 0
    indents: list[int] = []
    for number, line in enumerate(stripped.split("\n"), 1):
        body = line.lstrip(" ")
        if flow == 0 and body.strip():
            indent = len(line) - len(body)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            markers = _BLOCK_MARKERS.match(body)
            block = len(indents) + (
                markers.group(0).count("-") + markers.group(0).count("?") if markers else 0
            )
        else:
            block = len(indents)
        deepest = flow
        if any(bracket in line for bracket in "[]{}"):
            for char in line:
                if char in "[{":
                    flow += 1
                    deepest = max(deepest, flow)
                elif char in "]}":
                    flow = max(flow - 1, 0)
        if block + deepest > max_depth:
            return Problem(
                name,
                number,
                f"nested more than {max_depth} levels deep; a "
                "scenario needs only a few levels (is the file generated wrongly?)",
            )
    return None


def _long_number_problem(name: str, text: str) -> Problem | None:
    match = _LONG_NUMBER.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return Problem(
        name,
        line,
        f"a number with {len(match.group(0)):,} digits; numbers are "
        f"limited to {MAX_DIGITS:,} digits",
    )


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _duplicate_line(text: str, key: str) -> int | None:
    """The line of the second occurrence of ``"key":`` (JSON), as the located reader sees it."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        _yaml().load(text)
    except MarkedYAMLError as exc:
        if exc.problem_mark is not None:
            return int(exc.problem_mark.line) + 1
    except Exception:
        pass
    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    return text.count("\n", 0, hits[1]) + 1 if len(hits) > 1 else None


def _yaml_message(exc: MarkedYAMLError, text: str) -> str:
    what = exc.problem or exc.context or "syntax error"
    mark = exc.problem_mark
    if mark is not None:
        lines = text.split("\n")
        line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
        if "\t" in line[: mark.column + 1] and not line[: mark.column].strip(" \t-"):
            what += "; tabs are not allowed for indentation in YAML: indent with spaces"
    return f"invalid YAML: {what}"


def read_document(path: str | Path, text: str | None = None) -> Document:
    """Parse ``path`` (YAML, or JSON when it ends in .json or starts with '{')."""
    name = str(path)
    if text is None:
        text = read_text(path)
    for guard in (nesting_problem(name, text), _long_number_problem(name, text)):
        if guard is not None:
            raise InputError([guard])
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
    if is_json:
        try:
            data = json.loads(text, object_pairs_hook=_refuse_duplicates)
        except _DuplicateKey as exc:
            raise InputError(
                [
                    Problem(
                        name,
                        _duplicate_line(text, exc.key),
                        f"key '{exc.key}' appears twice in the same object; expected each key once",
                    )
                ]
            ) from None
        except json.JSONDecodeError as exc:
            raise InputError(
                [Problem(name, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")]
            ) from None
        except RecursionError:
            raise InputError([Problem(name, None, "JSON nested too deeply")]) from None
        except ValueError as exc:
            raise InputError([Problem(name, None, f"invalid JSON: {exc}")]) from None
        _refuse_non_finite(name, text, data)
        if not isinstance(data, dict):
            raise InputError([Problem(name, 1, _not_a_mapping(data))])
        return Document(name, data, "json", text)
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = _fast_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(name, line, _yaml_message(exc, text))]) from None
    except (YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise InputError([Problem(name, None, f"invalid YAML: {exc}")]) from None
    if _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb or "
                    "a recursive alias); refused",
                )
            ]
        )
    if not isinstance(data, dict):
        raise InputError([Problem(name, 1, _not_a_mapping(data))])
    doc = Document(name, data, "yaml", text)
    _refuse_non_finite(name, text, data, doc)
    return doc


def _where(loc: tuple[Any, ...]) -> str:
    """``actors[2].capability`` for the path ``("actors", 1, "capability")``."""
    text = "".join(f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".")
    return text or "value"


def _not_a_mapping(data: Any) -> str:
    kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
    return f"the document is {kind}; {_EXPECTED_FORMATS}"


#: Largest magnitude accepted for a number in a document: beyond it sums and products in
#: the models overflow to infinity.
MAX_MAGNITUDE = 1e15


def _refuse_non_finite(name: str, text: str, data: Any, doc: Document | None = None) -> None:
    """Refuse finite numbers larger than :data:`MAX_MAGNITUDE` in absolute value (such as
    1e308, whose sums overflow to infinity), at the line they are on. ``.inf`` and ``.nan``
    are left to the scenario's own checks ("must be a finite number")."""
    bad: list[tuple[tuple[Any, ...], float]] = []

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(node, bool):
            return
        if isinstance(node, (int, float)):
            if math.isfinite(node) and abs(node) > MAX_MAGNITUDE:
                bad.append((loc, float(node)))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*loc, key))
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, (*loc, k))

    walk(data, ())
    if not bad:
        return
    located = (doc or Document(name, data, "json", text)).located()
    raise InputError(
        [
            Problem(
                name,
                line_of(located, loc),
                f"{_where(loc)} is {value:g}; "
                f"expected a number between -{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}",
            )
            for loc, value in bad[:20]
        ]
    )


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest element of ``loc`` found in ``data``.

    ``loc`` is a path of mapping keys and sequence indices (pydantic's ``loc``); elements
    not present in the document (e.g. union tags) are skipped.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = data
    line: int | None = None
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        line = node.lc.line + 1
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                pass
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            try:
                line = node.lc.item(key)[0] + 1
            except (KeyError, TypeError, IndexError):
                pass
            node = node[key]
        else:
            continue
    return line

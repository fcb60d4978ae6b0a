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

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import InputError, Problem

__all__ = ["Document", "read_text", "read_document", "line_of", "MAX_BYTES",
           "MAX_EXPANDED_NODES"]

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


class _TextDatesConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text, so that a malformed date
    (``2020-13-45``) becomes a located validation error instead of a parser crash."""


_TextDatesConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda constructor, node: constructor.construct_scalar(node),
)


class _FastTextDatesConstructor(SafeConstructor):
    """The safe constructor (used with the C parser), timestamps left as text too."""


_FastTextDatesConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda constructor, node: constructor.construct_scalar(node),
)


def _fast_yaml() -> YAML:
    """ruamel.yaml's safe loader: C-accelerated when ruamel.yaml.clib is installed."""
    yaml = YAML(typ="safe")
    yaml.Constructor = _FastTextDatesConstructor
    return yaml


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _TextDatesConstructor
    return yaml


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` as UTF-8; :class:`InputError` if missing, huge, empty or not UTF-8."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file; expected a scenario file or a built-in name", name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name)
    if p.is_dir():
        raise InputError("is a directory; expected a file", name)
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes; the limit is {max_bytes:,} bytes for an input file", name
        )
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, line, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
                     "save the file as UTF-8")]
        )
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


def read_document(path: str | Path, text: str | None = None) -> Document:
    """Parse ``path`` (YAML, or JSON when it ends in .json or starts with '{')."""
    name = str(path)
    if text is None:
        text = read_text(path)
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(name, exc.lineno, f"invalid JSON: {exc.msg} "
                                      f"(column {exc.colno})")])
        except RecursionError:
            raise InputError([Problem(name, None, "JSON nested too deeply")])
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
            raise InputError([Problem(name, 1, f"the document is {kind}; expected a mapping "
                                      "with keys such as 'id', 'title', 'actors', 'issues'")])
        return Document(name, data, "json", text)
    try:
        data = _fast_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "syntax error"
        raise InputError([Problem(name, line, f"invalid YAML: {what}")])
    except (YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise InputError([Problem(name, None, f"invalid YAML: {exc}")])
    if _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
        raise InputError([Problem(
            name, None,
            f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb or "
            "a recursive alias); refused")])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise InputError([Problem(name, 1, f"the document is {kind}; expected a mapping "
                                  "with keys such as 'id', 'title', 'actors', 'issues'")])
    return Document(name, data, "yaml", text)


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest element of ``loc`` found in ``data``.

    ``loc`` is a path of mapping keys and sequence indices (pydantic's ``loc``); elements
    not present in the document (e.g. union tags) are skipped.
    """
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

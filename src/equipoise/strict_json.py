"""The one JSON edge: every ``--json`` output and ``results.json`` go through :func:`dumps`.

Strict JSON (RFC 8259) has no NaN and no infinity, and Python's :mod:`json` writes them by
default as ``NaN``/``Infinity``, which other readers refuse. :func:`json_ready` turns a
result into plain JSON types:

- a float (Python or NumPy) that is NaN or ±infinity becomes ``null`` — every number in the
  documented outputs may be ``null`` for "not defined" (e.g. the confidence of an option
  that is never ranked first, a bound that was never reached);
- NumPy scalars and arrays become numbers and lists, tuples become lists, mapping keys
  strings, dates ISO strings (``YYYY-MM-DD``); anything else its ``str``.

:func:`dumps` then serialises with ``allow_nan=False``, so a value that escapes the cleaner
raises ``ValueError`` instead of printing invalid JSON. :func:`finite_or_none` and
:func:`rounded` clean one number (results that round their figures for output use them).
This is the only JSON cleaner: the run store (``to_json``), ``runs`` commands, ``explain``
and the sensitivity indices go through it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

__all__ = ["dumps", "finite_or_none", "json_ready", "rounded"]


def finite_or_none(x: Any) -> float | None:
    """``x`` as a float, or ``None`` when it is not a number or not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def rounded(x: Any, digits: int) -> float | None:
    """``x`` rounded to ``digits`` decimals, or ``None`` when it is not a finite number."""
    v = finite_or_none(x)
    return None if v is None else round(v, digits)


def json_ready(value: Any) -> Any:
    """``value`` in plain JSON types, non-finite floats as ``None`` (module docstring)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [json_ready(v) for v in sorted(value, key=str)]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # NumPy array or scalar
        return json_ready(value.tolist())
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def dumps(value: Any, indent: int | None = 2, *, sort_keys: bool = False,
          compact: bool = False) -> str:
    """``value`` as strict JSON text (no NaN, no infinity; non-ASCII kept as is).
    ``sort_keys``: keys in a fixed order (equal data, equal text); ``compact``: no spaces
    after separators (with ``indent=None``: one line)."""
    return json.dumps(json_ready(value), indent=indent, ensure_ascii=False, allow_nan=False,
                      sort_keys=sort_keys, separators=(",", ":") if compact else None)

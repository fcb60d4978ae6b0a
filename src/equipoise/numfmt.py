"""Every number written as text, in one place.

- :func:`fmt_num` — for people (terminal tables, the report, messages): at most ``digits``
  decimals, trailing zeros dropped (``49.5``, ``0.333``, ``12``); ``-`` when there is no
  number (``None`` or NaN), ``∞``/``-∞`` for infinities, never ``-0``.
- :func:`fmt_exact` — for files that are read back (KTAB, DEU, decide exports) and for
  quoting an input value in a message: 12 significant digits, so a value keeps its
  precision without float noise (``49.53``, not ``49.530000000000001``); ``-0`` is ``0``.
"""

from __future__ import annotations

import math

__all__ = ["fmt_exact", "fmt_num"]


def fmt_num(value: float | None, digits: int = 3) -> str:
    """``value`` for people: up to ``digits`` decimals, '-' for None or NaN (docstring)."""
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits > 0 else f"{value:.0f}"
    return text if text not in ("", "-0") else "0"


def fmt_exact(value: float) -> str:
    """``value`` with 12 significant digits, for files read back and messages (docstring)."""
    text = f"{value:.12g}"
    return "0" if text == "-0" else text

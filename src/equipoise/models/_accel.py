"""Optional compiled kernels (numba): found on first use, switched off by
``EQUIPOISE_NUMBA=0``, and replaced by the NumPy path (same numbers) when numba is missing
or a kernel cannot be compiled."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["numba_enabled", "load_kernel"]

_OFF = ("0", "false", "no", "off")


def numba_enabled() -> bool:
    """Whether compiled kernels may be used (``EQUIPOISE_NUMBA`` not set to 0/false/no/off)."""
    return os.environ.get("EQUIPOISE_NUMBA", "1").strip().lower() not in _OFF


def load_kernel(import_kernel: Callable[[], Any], warm_up: Callable[[Any], None],
                label: str) -> Any | None:
    """The kernel that ``import_kernel()`` returns, compiled (or loaded from numba's cache)
    by ``warm_up(kernel)`` on a tiny input; ``None`` when switched off, when numba is not
    installed, or (with a warning) when it cannot be compiled."""
    if not numba_enabled():
        return None
    try:
        kernel = import_kernel()
    except ImportError:  # numba not installed: the NumPy path
        return None
    try:
        warm_up(kernel)
    except Exception as exc:  # pragma: no cover - a broken numba installation
        warnings.warn(f"{label}: numba kernel unusable ({exc!r}); using the NumPy path",
                      RuntimeWarning, stacklevel=3)
        return None
    return kernel

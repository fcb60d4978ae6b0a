"""Compiled kernels (numba, the production path; docs/kernels.md): found on first use,
switched off by ``EQUIPOISE_NUMBA=0``, and replaced by the NumPy path (the reference, equal
to 1e-12) when numba is missing or a kernel cannot be compiled (with a warning).

The kernels ask numba to cache their machine code on disk (``cache=True``). When no cache
folder is writable (a read-only installation and a read-only home), numba refuses to even
define a cached function ("cannot cache function ...: no locator available"); the kernel is
then compiled again without the on-disk cache, which costs only the compile time.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from ..signals import sigint_held

__all__ = ["numba_enabled", "load_kernel"]

_OFF = ("0", "false", "no", "off")


def numba_enabled() -> bool:
    """Whether compiled kernels may be used (``EQUIPOISE_NUMBA`` not set to 0/false/no/off)."""
    return os.environ.get("EQUIPOISE_NUMBA", "1").strip().lower() not in _OFF


def load_kernel(
    import_kernel: Callable[[], Any], warm_up: Callable[[Any], None], label: str
) -> Any | None:
    """The kernel that ``import_kernel()`` returns, compiled (or loaded from numba's cache)
    by ``warm_up(kernel)`` on a tiny input; ``None`` when switched off, when numba is not
    installed, or (with a warning) when it cannot be compiled. A Ctrl-C while the kernel is
    imported and compiled is raised as KeyboardInterrupt once that is done: numba's compiler
    calls back into Python through ctypes, where an interrupt would be printed and lost."""
    if not numba_enabled():
        return None
    with sigint_held():  # a Ctrl-C while compiling is raised after it, not lost (signals.py)
        return _compiled(import_kernel, warm_up, label)


def _compiled(
    import_kernel: Callable[[], Any], warm_up: Callable[[Any], None], label: str
) -> Any | None:
    try:
        kernel = import_kernel()
    except ImportError:  # numba not installed: the NumPy path
        return None
    except RuntimeError as exc:  # no writable cache folder: compile without the disk cache
        if "cannot cache" not in str(exc):
            raise
        try:
            with _without_disk_cache():
                kernel = import_kernel()
        except Exception as again:  # pragma: no cover - numba broken beyond the cache
            warnings.warn(
                f"{label}: numba kernel unusable ({again!r}); using the NumPy path",
                RuntimeWarning,
                stacklevel=3,
            )
            return None
    try:
        warm_up(kernel)
    except Exception as exc:  # pragma: no cover - a broken numba installation
        warnings.warn(
            f"{label}: numba kernel unusable ({exc!r}); using the NumPy path",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    return kernel


@contextlib.contextmanager
def _without_disk_cache() -> Iterator[None]:
    """Within the block, numba functions declared with ``cache=True`` are compiled without
    the on-disk cache (numba's dispatcher is told not to enable it)."""
    from numba.core.dispatcher import Dispatcher

    original = Dispatcher.enable_caching
    Dispatcher.enable_caching = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        Dispatcher.enable_caching = original  # type: ignore[method-assign]

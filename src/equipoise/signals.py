"""Ctrl-C held back over a block that must not be cut, then delivered.

Two places need it: completing a run in the store (a half-written run must not be left
behind) and compiling a numba kernel (llvmlite calls back into Python through ctypes while
it compiles, and a KeyboardInterrupt raised inside such a callback is printed as "Exception
ignored" and lost: the command would then run on as if Ctrl-C had not been pressed).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["sigint_held"]


@contextmanager
def sigint_held() -> Iterator[list[int]]:
    """Hold Ctrl-C back while the block runs: a SIGINT that arrives meanwhile is raised as
    KeyboardInterrupt right after the block (a signal mask would not do: Python runs its
    handlers in the main thread whichever thread the signal reaches). Yields the list of the
    signals held back so far (empty: none), so that a long block can stop early on its own
    terms. Outside the main thread nothing is held (Python delivers signals only there)."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    old = signal.signal(signal.SIGINT, lambda signum, _frame: pending.append(signum))
    try:
        yield pending
    finally:
        signal.signal(signal.SIGINT, old)
        if pending and callable(old):
            old(signal.SIGINT, None)

"""A long-lived child process that runs one call at a time and is given up after a time
limit: work that cannot be stopped from a thread (a MILP solve inside native code) stays
bounded, without paying a new interpreter's start-up and imports on every call.

The child is started once (``spawn``: a fresh interpreter, safe with the server's threads),
imports what its calls need (``warm_up``), then answers calls in turn. A call that takes
longer than its limit is given up: the child is killed (``SIGKILL``) and a fresh one started
at once, so that the next call finds it warm. Calls are serialised (one child; a caller waits
for the one before it, and the wait counts against its own limit).

Used by the workbench pages for the explanation (:func:`.ui.pages._shared.explained_text`).
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Answer", "Worker"]


@dataclass(frozen=True)
class Answer:
    """What a call gave: ``status`` is ``"ok"`` (``value`` is the function's return value),
    ``"failed"`` (``value`` is the exception's message), ``"timeout"`` (the limit passed; the
    child was replaced) or ``"died"`` (the child ended without answering)."""

    status: str
    value: Any = None


def _child_main(conn: Any, warm_up: Callable[[], None] | None) -> None:
    """The child's loop: ``(func, args)`` in, ``("ok", value)`` or ``("failed", message)``
    out, until the pipe closes."""
    if warm_up is not None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - only a speed-up; a real call reports the problem
            pass
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except Exception as exc:  # noqa: BLE001 - sent to the caller with its message
            reply = ("failed", str(exc) or type(exc).__name__)
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be pickled
            conn.send(("failed", f"the answer could not be sent back: {exc}"))


class Worker:
    """One child process answering :meth:`call`; :meth:`close` ends it (also at exit)."""

    def __init__(self, warm_up: Callable[[], None] | None = None):
        self._warm_up = warm_up
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None
        self._closed = False
        atexit.register(self.close)

    @property
    def pid(self) -> int | None:
        """The child's process id (None when none is running)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.is_alive() else None

    def start(self) -> None:
        """Start the child now if none is running (it warms up while the caller goes on)."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._closed:
            raise RuntimeError("the worker is closed")
        if self._proc is not None and self._proc.is_alive():
            return
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_child_main, args=(child, self._warm_up), name="equipoise-worker", daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def _stop_child(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(5)

    def call(self, func: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Answer:
        """``func(*args)`` in the child (both picklable; ``func`` a module-level function),
        given up after ``seconds`` (waiting for an earlier call included)."""
        deadline = time.monotonic() + seconds
        if not self._lock.acquire(timeout=max(seconds, 0.0)):
            return Answer("timeout")
        try:
            self._ensure_started()
            try:
                self._conn.send((func, args))
                if self._conn.poll(max(deadline - time.monotonic(), 0.0)):
                    status, value = self._conn.recv()
                    return Answer(status, value)
            except (EOFError, OSError, BrokenPipeError):
                self._stop_child()
                return Answer("died")
            died = not self._proc.is_alive()
            self._stop_child()
            if not self._closed:
                self._ensure_started()  # warm again by the next call
            return Answer("died" if died else "timeout")
        finally:
            self._lock.release()

    def close(self) -> None:
        """End the child; a call in progress answers ``"died"`` at once."""
        self._closed = True
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
        if self._lock.acquire(timeout=10):
            try:
                self._stop_child()
            finally:
                self._lock.release()

"""Long work of the pages (SMAA draws, Sobol sensitivity) in a background thread, polled by
the page (``dcc.Interval``) for its progress, and cancellable (at exit, running jobs are
cancelled and waited for: :func:`shutdown`).

A task is ``func(progress)``; the library's sweeps call ``progress(done, total)`` as their
chunks finish, and that call raises :class:`Cancelled` once the job is cancelled, which ends
the sweep between two chunks. Jobs live in this process only (the workbench is one local
server); the oldest finished ones are forgotten past :data:`KEEP`.
"""

from __future__ import annotations

import atexit
import itertools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Finished jobs kept for polling.
KEEP = 16


class Cancelled(Exception):
    """Raised inside a job's progress call once the job is cancelled."""


@dataclass
class Job:
    id: str
    done: int = 0
    total: int = 0
    state: str = "running"  # running, done, cancelled, failed
    result: Any = None
    error: str | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = int(done), int(total)
        if self.cancel_event.is_set():
            raise Cancelled()


_jobs: dict[str, Job] = {}
_lock = threading.Lock()
_ids = itertools.count(1)


def start(task: Callable[[Callable[[int, int], None]], Any]) -> str:
    """Run ``task(progress)`` in a daemon thread; return the job's id."""
    job = Job(id=f"job-{next(_ids)}")
    with _lock:
        finished = [j for j in _jobs.values() if j.state != "running"]
        for old in finished[:max(len(finished) - KEEP, 0)]:
            _jobs.pop(old.id, None)
        _jobs[job.id] = job

    def run() -> None:
        try:
            job.result = task(job.progress)
            job.state = "cancelled" if job.cancel_event.is_set() else "done"
        except Cancelled:
            job.state = "cancelled"
        except Exception as exc:  # reported on the page, with the message people can act on
            job.error = str(exc) or traceback.format_exception_only(exc)[-1].strip()
            job.state = "failed"

    job.thread = threading.Thread(target=run, name=job.id, daemon=True)
    job.thread.start()
    return job.id


def get(job_id: str | None) -> Job | None:
    with _lock:
        return _jobs.get(job_id or "")


def cancel(job_id: str | None) -> None:
    job = get(job_id)
    if job is not None:
        job.cancel_event.set()


@atexit.register
def shutdown(timeout: float = 60.0) -> None:
    """Cancel every running job and wait (up to ``timeout`` seconds in all) for its thread:
    a thread still inside the models' native code when the interpreter exits aborts it."""
    import time

    with _lock:
        running = [j for j in _jobs.values() if j.state == "running"]
    for job in running:
        job.cancel_event.set()
    deadline = time.monotonic() + timeout
    for job in running:
        if job.thread is not None:
            job.thread.join(max(deadline - time.monotonic(), 0.0))

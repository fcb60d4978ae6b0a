"""Background jobs: long work (SMAA draws, Sobol sensitivity, comparisons) with progress,
cancellable. The workbench's one job system: the JSON API's jobs (``/api/jobs``) and the
pages' long work (the What-if page's draws and Sobol indices, the Compare page) are jobs of
the same :class:`JobManager` (``server.extensions["equipoise_jobs"]``).

A job runs one API command (``decide``, ``forecast``, ``explain``, ``balance``) or a page's
work in a worker thread of a bounded pool (:attr:`WorkbenchConfig.max_jobs` at once;
further jobs wait as ``queued``, and at most :data:`MAX_WAITING` wait). The job's sweeps
run in that thread (``workers=1``: no worker process is started, so none can be orphaned);
between chunks of
draws or samples (250 rows, :data:`equipoise.decision.executor.CHUNK_DRAWS`) the job reports
its progress and checks whether it was cancelled, so a cancel takes effect within one chunk.

States: ``queued`` → ``running`` → ``done`` | ``failed`` | ``cancelled``. The newest
:data:`KEPT` finished jobs are kept for ``GET /api/jobs/ID``.
"""

from __future__ import annotations

import atexit
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "JobCancelled", "JobManager", "Progress", "KEPT", "MAX_WAITING"]

#: Finished jobs kept for their results (the oldest are dropped first).
KEPT = 50
#: Jobs that may wait for a free worker thread; more are refused (status 429).
MAX_WAITING = 8
FINISHED = ("done", "failed", "cancelled")

#: ``progress(phase, done, total)``: called by the work; raises :class:`JobCancelled`.
Progress = Callable[[str, int, int], None]


class JobCancelled(Exception):
    """Raised inside a job's work at its next progress report once it was cancelled."""

    run_status = "interrupted"  # how the run store records the cancelled run

    def __init__(self) -> None:
        super().__init__("cancelled by the user")


@dataclass
class Job:
    """One background job and what is known of it (read by ``GET /api/jobs/ID``)."""

    id: str
    command: str
    status: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    phase: str | None = None
    done: int = 0
    total: int = 0
    result: Any = None
    errors: list[str] = field(default_factory=list)
    error_status: int | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def to_dict(self, result: bool = True) -> dict[str, Any]:
        """``{"id", "command", "status", "progress": {"phase", "done", "total",
        "fraction"}, "seconds", "errors"?, "result"?}``."""
        now = self.ended or time.time()
        out: dict[str, Any] = {
            "id": self.id,
            "command": self.command,
            "status": self.status,
            "progress": {
                "phase": self.phase,
                "done": self.done,
                "total": self.total,
                "fraction": (self.done / self.total)
                if self.total
                else (1.0 if self.status == "done" else 0.0),
            },
            "seconds": round(now - (self.started or now), 3),
        }
        if self.errors:
            out["errors"] = self.errors
        if result and self.status == "done":
            out["result"] = self.result
        return out


class JobManager:
    """Runs jobs in at most ``max_running`` threads; ``shutdown()`` cancels them all."""

    def __init__(self, max_running: int = 1):
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, max_running), thread_name_prefix="equipoise-job"
        )
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._closed = False
        # at exit, whoever created it: a job's thread still inside the models' native code
        # when the interpreter ends aborts it
        atexit.register(self.shutdown)

    def submit(
        self,
        command: str,
        work: Callable[[Progress], Any],
        describe_error: Callable[[BaseException], tuple[int, list[str]]],
    ) -> Job:
        """Queue ``work(progress)``; its return value becomes the job's result.

        ``describe_error(exc)`` gives the status and error lines of a failure. Raises
        :class:`OverflowError` when :data:`MAX_WAITING` jobs already wait, and
        :class:`RuntimeError` once shut down.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the workbench is shutting down")
            waiting = sum(1 for j in self._jobs.values() if j.status == "queued")
            if waiting >= MAX_WAITING:
                raise OverflowError(f"{waiting} jobs are waiting already; cancel one or wait")
            job = Job(id=secrets.token_hex(6), command=command)
            self._jobs[job.id] = job
            self._trim()
        self._pool.submit(self._run, job, work, describe_error)
        return job

    def _trim(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.status in FINISHED]
        for job_id in finished[: max(0, len(finished) - KEPT)]:
            del self._jobs[job_id]

    def _run(
        self,
        job: Job,
        work: Callable[[Progress], Any],
        describe_error: Callable[[BaseException], tuple[int, list[str]]],
    ) -> None:
        if job.cancel_event.is_set():
            job.status, job.ended = "cancelled", time.time()
            return
        job.status, job.started, job.phase = "running", time.time(), "preparing"

        def progress(phase: str, done: int, total: int) -> None:
            job.phase, job.done, job.total = phase, done, total
            if job.cancel_event.is_set():
                raise JobCancelled()

        try:
            result = work(progress)
        except JobCancelled:
            job.status = "cancelled"
        except BaseException as exc:  # noqa: BLE001 - reported to the client, not lost
            try:
                job.error_status, job.errors = describe_error(exc)
            except BaseException:  # noqa: BLE001 - not an input problem: a bug, say so
                import traceback

                traceback.print_exc()
                job.error_status, job.errors = 500, [f"internal error: {exc!r}"]
            job.status = "failed"
        else:
            job.result, job.status = result, "done"
        finally:
            job.ended = time.time()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all_jobs(self) -> list[Job]:
        """The jobs known, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def cancel(self, job_id: str) -> Job | None:
        """Ask the job to stop (a queued job never starts; a running one stops at its next
        progress report)."""
        job = self.get(job_id)
        if job is not None and job.status not in FINISHED:
            job.cancel_event.set()
            if job.status == "queued":
                job.status, job.ended = "cancelled", time.time()
        return job

    def shutdown(self, wait: bool = True, timeout: float = 10.0) -> list[Job]:
        """Cancel every job and (``wait``) wait up to ``timeout`` seconds for the running
        ones to stop; return those still running (work without progress reports, such as
        ``explain``'s search or a balance solve, stops only when it ends)."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
        for job in jobs:
            self.cancel(job.id)
        self._pool.shutdown(wait=False, cancel_futures=True)
        end = time.monotonic() + (timeout if wait else 0.0)
        while time.monotonic() < end and any(j.status == "running" for j in jobs):
            time.sleep(0.02)
        return [j for j in jobs if j.status == "running"]

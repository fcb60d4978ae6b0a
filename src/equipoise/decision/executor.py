"""One executor for the sweeps: SMAA draws and Sobol samples (a search that evaluates
many candidate inputs can use it the same way).

A sweep is a pure function ``func(shared, chunk) -> array`` applied to the rows of a large
input (draws, samples) cut into chunks of a fixed number of rows
(:data:`CHUNK_DRAWS`, never derived from the number of workers), the results concatenated
in chunk order. Because every random number is drawn before the split (the SMAA inputs from
the analysis' seeded generator, the Sobol sample by SALib from its seed) and each chunk is
a deterministic function of its rows, the results are bit-identical whatever runs the
chunks:

- in this process (``workers=1``);
- local worker processes (``workers=N``; default: all cores, except that a sweep of
  fewer than :data:`AUTO_PROCESSES_FROM` chunks then runs in this process), started by
  :mod:`concurrent.futures` with the ``forkserver`` method where it exists (safe beside the
  progress bar's thread), ``spawn`` elsewhere;
- a Dask distributed cluster (``scheduler="tcp://HOST:PORT"`` or the environment variable
  ``EQUIPOISE_SCHEDULER``): the shared setting is scattered to every worker once, the chunks
  are submitted as tasks. The workers need equipoise installed (the same version). Dask is
  the optional extra ``equipoise[dask]``.

Each worker is one thread of computation: while a chunk runs under an executor, a model
that can use several threads (eum's batch) is told to use one (:func:`model_threads`), so
``workers=N`` means N cores; without an executor (``decide()``'s default) the model keeps
its own threads. Results do not depend on the threads either.

Ctrl-C (or an error in a chunk) stops a sweep at once: the local workers are terminated
rather than waited for (a chunk of a large model runs for minutes in compiled code that no
signal interrupts), the Dask tasks are cancelled.

No random number is drawn inside a chunk, so no per-chunk seed is needed: a sweep that
must draw inside its chunks should give chunk ``i`` the stream
``numpy.random.SeedSequence(seed).spawn(n_chunks)[i]``, which again does not depend on the
workers.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import pickle
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..errors import ModelInputError
from ..signals import sigint_held

__all__ = [
    "Executor",
    "CHUNK_DRAWS",
    "SCHEDULER_ENV",
    "executor_from",
    "MissingExtraError",
    "require",
    "model_threads",
]

#: Rows (draws, samples) per chunk: fixed, so chunks do not depend on the worker count.
CHUNK_DRAWS = 250
#: With the default worker count, sweeps of fewer chunks run in this process (starting
#: the worker processes would cost more than it saves; the model's threads use the cores).
AUTO_PROCESSES_FROM = 8
#: Environment variable naming a Dask scheduler when ``--scheduler`` is not given.
SCHEDULER_ENV = "EQUIPOISE_SCHEDULER"

Progress = Callable[[int, int], None]


class MissingExtraError(ModelInputError):
    """An optional dependency is not installed; the message says what to install."""


def require(module: str, extra: str, purpose: str) -> Any:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra to install."""
    import warnings
    from importlib import import_module

    try:
        with warnings.catch_warnings():  # e.g. EMA Workbench on its optional parallel backends
            warnings.simplefilter("ignore")
            return import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs the optional package '{module.split('.')[0]}'; install it "
            f"with: pip install 'equipoise[{extra}]'"
        ) from None


class Rows(Protocol):
    """Anything cut into chunks by rows: NumPy arrays, :class:`DrawInputs`."""

    def __len__(self) -> int: ...


def _rows(data: Any, start: int, stop: int) -> Any:
    return data.rows(start, stop) if hasattr(data, "rows") else data[start:stop]


# -- local worker processes --------------------------------------------------------------

_SHARED: tuple[str, Any] | None = None  # in a worker: (key, the sweep's shared setting)
_THREADS: int | None = None  # threads a model may use inside one chunk (None: its default)


def model_threads() -> int | None:
    """Threads a model may use while a chunk runs: 1 inside a worker (the workers are the
    parallelism), ``None`` (the model's default, one per core) outside any executor."""
    return _THREADS


def _one_thread(func: Callable[[Any, Any], Any], shared: Any, chunk: Any) -> Any:
    global _THREADS
    before, _THREADS = _THREADS, 1
    try:
        return func(shared, chunk)
    finally:
        _THREADS = before


_POOL: tuple[int, ProcessPoolExecutor] | None = None  # in the parent: reused across sweeps


def _call(func: Callable[[Any, Any], Any], key: str, blob: bytes, chunk: Any) -> Any:
    """Run one chunk in a worker; the shared setting is unpickled once per sweep."""
    global _SHARED
    if _SHARED is None or _SHARED[0] != key:
        _SHARED = (key, pickle.loads(blob))
    return _one_thread(func, _SHARED[1], chunk)


def _exit_quietly(_signum: int, _frame: Any) -> None:
    """A worker's SIGINT handler: leave at once, without the KeyboardInterrupt traceback that
    multiprocessing prints for a worker ("Process ForkServerProcess-2: Traceback ...")."""
    os._exit(130)


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit when the process that started the pool is gone. A parent
    killed with SIGKILL cannot shut its workers down; without this they would live on idle,
    holding the parent's pipes open (a caller reading its stderr would wait for ever).

    A terminal's Ctrl-C reaches the whole process group, the workers too: a worker then
    leaves quietly (:func:`_exit_quietly`), as it would have died of the KeyboardInterrupt,
    but without printing its traceback on the user's terminal; the process that started the
    pool handles the Ctrl-C."""
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, _exit_quietly)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # pragma: no cover - the pid was reused by another user
                os._exit(0)

    threading.Thread(target=watch, name="equipoise-parent-watch", daemon=True).start()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:  # pragma: no cover - platforms without forkserver
        return multiprocessing.get_context("spawn")
    _start_forkserver_without_sigint()
    return multiprocessing.get_context("forkserver")


def _start_forkserver_without_sigint() -> None:
    """Start multiprocessing's fork server with SIGINT blocked, as multiprocessing starts
    its resource tracker: a terminal's Ctrl-C reaches the whole process group, and a fork
    server (or a worker forked from it) interrupted while it imports printed a
    KeyboardInterrupt traceback on the user's terminal. The blocked mask is inherited by the
    server and its workers, which never see SIGINT; the process that started the pool handles
    the Ctrl-C and terminates them (:func:`_abandon_pool`). A SIGINT that arrives here stays
    pending for this process and is delivered when the mask is restored.

    The resource tracker is started first: its own start blocks SIGINT and SIGTERM and then
    *unblocks* them, which, inside our block, left the fork server started with SIGINT open
    (the CI run's interrupt test caught a fork server's traceback)."""
    import signal
    from multiprocessing import forkserver, resource_tracker

    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        forkserver.ensure_running()
        return
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _pool(workers: int) -> ProcessPoolExecutor:
    """The local worker processes, started once and kept for later sweeps (starting a
    process and loading the compiled models costs about a second)."""
    global _POOL
    if _POOL is not None and _POOL[0] != workers:
        _POOL[1].shutdown(cancel_futures=True)
        _POOL = None
    if _POOL is None:
        _POOL = (
            workers,
            ProcessPoolExecutor(
                workers, mp_context=_context(), initializer=_watch_parent, initargs=(os.getpid(),)
            ),
        )
    return _POOL[1]


@atexit.register
def _shutdown() -> None:
    global _POOL
    if _POOL is not None:
        _POOL[1].shutdown(cancel_futures=True)
        _POOL = None


def _abandon_pool() -> None:
    """Stop the local workers now, without waiting for their chunks (after Ctrl-C or an
    error: the sweep's results are not wanted any more).

    ``shutdown(cancel_futures=True)`` only cancels the chunks not yet handed to a worker: it
    still waits for every chunk running or already queued in the workers' call queue (one
    more per worker), and a chunk of a large model (eum on many actors) runs for minutes in
    compiled code that no signal interrupts. So the workers are terminated (SIGTERM, then
    SIGKILL) and the pool forgotten; the next sweep starts a new one.
    """
    global _POOL
    if _POOL is None:
        return
    pool = _POOL[1]
    _POOL = None
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:  # pragma: no cover - newer Pythons
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(5.0)
        if proc.exitcode is None:  # pragma: no cover - a worker that ignores SIGTERM
            proc.kill()
            proc.join(5.0)
    # the pool sees its workers gone (a broken pool) and cleans up as it does after a crash
    pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Executor:
    """Where the chunks of a sweep run (module docstring).

    ``workers``: local processes (``None``: all cores; 1: this process);
    ``scheduler``: address of a Dask scheduler (``workers`` is then ignored: the cluster
    decides).
    """

    workers: int | None = None
    scheduler: str | None = None
    chunk: int = CHUNK_DRAWS

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ModelInputError(f"workers must be at least 1; got {self.workers}")
        if self.chunk < 1:
            raise ModelInputError(f"chunk must be at least 1 row; got {self.chunk}")

    @property
    def backend(self) -> str:
        """``dask``, ``processes`` or ``serial`` (for the record of a run)."""
        if self.scheduler:
            return "dask"
        return "serial" if self.n_workers == 1 else "processes"

    @property
    def n_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.backend, "chunk": self.chunk}
        if self.scheduler:
            out["scheduler"] = self.scheduler
        else:
            out["workers"] = self.n_workers
        return out

    def map_rows(
        self,
        func: Callable[[Any, Any], np.ndarray],
        shared: Any,
        data: Rows,
        total: int,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """``func(shared, rows)`` on every chunk of ``data``'s first ``total`` rows,
        concatenated in row order (``progress(done_rows, total)`` as chunks finish)."""
        bounds = [(a, min(a + self.chunk, total)) for a in range(0, total, self.chunk)]
        chunks = [_rows(data, a, b) for a, b in bounds]
        sizes = [b - a for a, b in bounds]
        results = self.map(func, shared, chunks, sizes, progress)
        return np.concatenate(results) if results else np.empty((0,))

    def map(
        self,
        func: Callable[[Any, Any], Any],
        shared: Any,
        chunks: Sequence[Any],
        sizes: Sequence[int] | None = None,
        progress: Progress | None = None,
    ) -> list[Any]:
        """``[func(shared, c) for c in chunks]``, run by this executor's backend."""
        sizes = list(sizes) if sizes is not None else [1] * len(chunks)
        total = sum(sizes)
        done = 0

        def tick(i: int) -> None:
            nonlocal done
            done += sizes[i]
            if progress is not None:
                progress(done, total)

        if self.scheduler:
            return _dask_map(self.scheduler, func, shared, chunks, tick)
        small = self.workers is None and len(chunks) < AUTO_PROCESSES_FROM
        if self.n_workers == 1 or len(chunks) <= 1 or small:
            out = []
            for i, c in enumerate(chunks):
                # workers=1: one core; a small sweep by default: the model's own threads
                out.append(func(shared, c) if small else _one_thread(func, shared, c))
                tick(i)
            return out
        results: list[Any] = [None] * len(chunks)
        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        key = uuid.uuid4().hex
        pool = _pool(self.n_workers)
        try:
            # the pool starts its workers inside submit(): a Ctrl-C there could land between
            # the fork server's fork and the pool's record of the new worker, which then
            # outlived the interrupted sweep and printed a traceback (FileNotFoundError
            # rebuilding a lock the exiting parent had removed); held until all are recorded
            with sigint_held():
                pending = {pool.submit(_call, func, key, blob, c): i for i, c in enumerate(chunks)}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    i = pending.pop(f)
                    results[i] = f.result()
                    tick(i)
        except BaseException:
            _abandon_pool()  # a broken or interrupted pool is not reused, nor waited for
            raise
        return results


def _dask_map(
    address: str,
    func: Callable[[Any, Any], Any],
    shared: Any,
    chunks: Sequence[Any],
    tick: Callable[[int], None],
) -> list[Any]:
    distributed = require("distributed", "dask", "--scheduler (Dask distributed)")
    try:
        client = distributed.Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ModelInputError(
            f"cannot reach the Dask scheduler at {address}: {exc}; "
            "expected the address of a running scheduler, e.g. "
            "tcp://HOST:8786"
        ) from None
    futures: list[Any] = []
    try:
        shared_f = client.scatter(shared, broadcast=True, hash=False)
        run = uuid.uuid4().hex[:8]
        futures = [
            client.submit(_one_thread, func, shared_f, c, key=f"equipoise-{run}-{i}", pure=False)
            for i, c in enumerate(chunks)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        for f in distributed.as_completed(futures, loop=client.loop):
            tick(index[f.key])
        return client.gather(futures)
    except BaseException:
        if futures:  # Ctrl-C or an error: the cluster need not finish the sweep
            client.cancel(futures)
        raise
    finally:
        client.close()


def executor_from(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor the command line asks for: ``scheduler`` (or ``$EQUIPOISE_SCHEDULER``)
    selects Dask, else ``workers`` local processes (default all cores)."""
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler is not None:
        require("distributed", "dask", "--scheduler (Dask distributed)")
        if "://" not in scheduler:
            raise ModelInputError(
                f"--scheduler {scheduler!r}: expected an address such as tcp://HOST:8786"
            )
    return Executor(workers=workers, scheduler=scheduler)

"""Ctrl-C on a long sweep: the local worker processes are stopped, not waited for, and the
run is recorded as interrupted (issue 13, item 6).

A chunk of a large eum batch runs for minutes in compiled code that no signal interrupts;
``ProcessPoolExecutor.shutdown`` used to wait for every chunk a worker had started or queued
before the command could exit. The timeouts below are generous limits against a hang, not
speed measurements (those are in ``benchmarks/``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CASE = "nagorno-karabakh-2020"

# A module the worker processes can import: each chunk says it started, then "computes" for
# far longer than any test may wait, then says it finished.
SLOW_CHUNK = """
import os, time
from pathlib import Path

def slow(folder, chunk):
    Path(folder, f"started-{os.getpid()}-{chunk[0]}").touch()
    time.sleep(1000)
    Path(folder, f"finished-{chunk[0]}").touch()
    return chunk
"""

# The first chunk is slow, the second quick: one worker is then left waiting for work.
IDLE_CHUNK = """

def one_slow(folder, chunk):
    if chunk[0] == 0:
        return slow(folder, chunk)
    Path(folder, f"quick-{os.getpid()}").touch()
    return chunk
"""

SWEEP = r"""
import sys
import numpy as np
from equipoise.decision.executor import Executor
import slowchunk

folder = sys.argv[1]
try:
    Executor(workers=2, chunk=1).map_rows(slowchunk.slow, folder, np.arange(8), 8)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (dead, not yet reaped by its parent, the forkserver) counts as gone
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_the_workers_instead_of_waiting_for_their_chunks(tmp_path: Path) -> None:
    (tmp_path / "slowchunk.py").write_text(SLOW_CHUNK, encoding="utf-8")
    folder = tmp_path / "marks"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-c", SWEEP, str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(folder.glob("started-*"))) < 2:  # both workers inside a chunk
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
        workers = {int(p.name.split("-")[1]) for p in folder.glob("started-*")}
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)  # the chunks would take 1000 s
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and out.strip() == "interrupted", err
    assert not list(folder.glob("finished-*"))
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "a worker outlived the interrupted sweep"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_to_the_process_group_prints_no_worker_traceback(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches the workers too: they leave quietly instead of printing
    "Process ForkServerProcess-N: Traceback ... KeyboardInterrupt" on the terminal. (A
    worker inside a chunk hands the interrupt back to the pool; one waiting for work, as here
    after its quick chunk, could print it: 1 run in 3 before the fix.)"""
    (tmp_path / "slowchunk.py").write_text(SLOW_CHUNK + IDLE_CHUNK, encoding="utf-8")
    folder = tmp_path / "marks"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SWEEP.replace("slowchunk.slow", "slowchunk.one_slow").replace(
                "np.arange(8), 8", "np.arange(2), 2"
            ),
            str(folder),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (list(folder.glob("started-*")) and list(folder.glob("quick-*"))):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130 and out.strip() == "interrupted", err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


SPAWN_INTERRUPTED = r"""
import os, signal, sys
import numpy as np
from concurrent.futures import ProcessPoolExecutor
from equipoise.decision.executor import Executor
import slowchunk

spawned = []
original = ProcessPoolExecutor._spawn_process

def spawn(self):
    if not spawned:  # Ctrl-C while the pool starts its first worker
        os.kill(os.getpid(), signal.SIGINT)
    original(self)
    spawned.append(list(self._processes))

ProcessPoolExecutor._spawn_process = spawn
try:
    Executor(workers=2, chunk=1).map_rows(slowchunk.slow, sys.argv[1], np.arange(8), 8)
except KeyboardInterrupt:
    print("interrupted", len(spawned), len(spawned[-1]) if spawned else 0, flush=True)
    sys.exit(130)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_pool_starts_a_worker_waits_until_it_is_recorded(
    tmp_path: Path,
) -> None:
    """The pool starts its workers inside ``submit``: a Ctrl-C there could land between the
    fork and the pool's record of the worker, which then outlived the sweep and printed a
    FileNotFoundError traceback (CI, 1 run in 3 under load). Held until every chunk is
    submitted: both workers are started and recorded, then the interrupt is raised."""
    (tmp_path / "slowchunk.py").write_text(SLOW_CHUNK, encoding="utf-8")
    folder = tmp_path / "marks"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    out = subprocess.run(
        [sys.executable, "-c", SPAWN_INTERRUPTED, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 130, out.stderr
    assert out.stdout.split() == ["interrupted", "2", "2"], out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr


FORK_SERVER_MASK = """
import signal
from multiprocessing import forkserver, resource_tracker
from equipoise.decision.executor import _start_forkserver_without_sigint

_start_forkserver_without_sigint()
blocked = lambda pid: int(
    next(l for l in open(f"/proc/{pid}/status") if l.startswith("SigBlk:")).split()[1], 16
)
bit = 1 << (signal.SIGINT - 1)
print(bool(blocked(forkserver._forkserver._forkserver_pid) & bit), bool(blocked("self") & bit))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/status")
def test_the_fork_server_is_started_with_sigint_blocked_and_the_caller_keeps_its_mask() -> None:
    """The fork server must start with SIGINT blocked for its whole life (a Ctrl-C while it
    imports printed its traceback). Starting the resource tracker inside the block unblocked
    SIGINT again before the fork server was spawned: the CI run caught the traceback."""
    out = subprocess.run(
        [sys.executable, "-c", FORK_SERVER_MASK],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"], out.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_on_a_large_eum_decision_records_the_run_as_interrupted(tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it."""
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "equipoise.cli",
            "decide",
            CASE,
            "--model",
            "eum",
            "--draws",
            "100000",
            "--workers",
            "2",
            "--store",
            store,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    import sqlite3

    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never started"
            try:
                with sqlite3.connect(tmp_path / "runs.sqlite") as conn:
                    rows = conn.execute("SELECT status FROM runs").fetchall()
            except sqlite3.Error:
                rows = []
            if rows == [("running",)]:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # into the draws
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    from typer.testing import CliRunner

    from equipoise.cli import app

    listed = json.loads(
        CliRunner().invoke(app, ["runs", "list", "--json", "--store", store]).stdout
    )
    assert [r["status"] for r in listed] == ["interrupted"]


# --- eum's batch threads ---------------------------------------------------------------------

EUM_BATCH = r"""
import sys
import numpy as np
import equipoise
from equipoise.models.problem import BargainingProblem

rng = np.random.default_rng(0)
n, B = 200, 1024
problem = BargainingProblem(
    actors=[f"A{k}" for k in range(n)], issues=["i0", "i1"],
    position=rng.uniform(0, 100, (n, 2)), salience=rng.uniform(0.1, 1, (n, 2)),
    capability=rng.uniform(1, 100, n))
x = np.clip(problem.position + rng.uniform(-5, 5, (B, n, 2)), 0, 100)
equipoise.forecast_batch(problem, "eum", position=x[:2])  # compiled kernels loaded
print("ready", flush=True)
try:
    equipoise.forecast_batch(problem, "eum", position=x)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
print("finished", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_large_eum_batch_between_compiled_calls() -> None:
    """200 actors x 1024 draws: one compiled call per issue used to run for minutes after
    Ctrl-C (the thread pool waited for it); now the threads stop at their next call."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", EUM_BATCH],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.communicate()
        time.sleep(2.0)  # inside the compiled rounds
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # uncut, the batch takes several minutes
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and out.strip() == "interrupted", err


def test_cutting_the_compiled_calls_changes_no_forecast(monkeypatch) -> None:
    import numpy as np

    import equipoise
    import equipoise.models.eum as eum
    from equipoise.io import load
    from equipoise.models.api import as_problem

    problem = as_problem(load(CASE))
    rng = np.random.default_rng(3)
    x = np.clip(
        problem.position + rng.uniform(-10, 10, (37,) + problem.position.shape),
        problem.lower,
        problem.upper,
    )
    whole = equipoise.forecast_batch(problem, "eum", position=x)
    monkeypatch.setattr(eum, "_CALL_WORK", 1)  # one draw per compiled call
    cut = equipoise.forecast_batch(problem, "eum", position=x)
    assert np.array_equal(whole, cut, equal_nan=True)
    assert np.isfinite(whole).any()


# --- Ctrl-C while a kernel compiles ----------------------------------------------------------


def test_ctrl_c_while_a_kernel_compiles_is_raised_after_it_not_lost(monkeypatch) -> None:
    """numba's compiler calls back into Python through ctypes, where a KeyboardInterrupt is
    printed as "Exception ignored" and lost (the command then ran on, exit 0). The loader
    holds Ctrl-C while it compiles and raises it once the compile is over."""
    from equipoise.models import _accel

    monkeypatch.setenv("EQUIPOISE_NUMBA", "1")
    steps: list[str] = []

    def warm_up(_kernel: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of the compile
        time.sleep(0.05)  # the handler runs here: it must not interrupt the compile
        steps.append("compiled")

    with pytest.raises(KeyboardInterrupt):
        _accel.load_kernel(lambda: object(), warm_up, "test kernel")
    assert steps == ["compiled"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored

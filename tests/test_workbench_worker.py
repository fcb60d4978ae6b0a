"""The workbench's long-lived worker process (equipoise.workbench.worker): reused from call
to call, given up (killed and replaced) past its time limit, failures reported."""

from __future__ import annotations

import os
import time

import pytest

from equipoise.workbench.worker import Worker


@pytest.fixture
def worker():
    w = Worker()
    yield w
    w.close()


def test_one_process_serves_the_calls_in_turn(worker):
    first = worker.call(os.getpid, (), 60)
    assert first.status == "ok" and first.value != os.getpid()
    assert worker.call(os.getpid, (), 60).value == first.value == worker.pid


def test_a_call_past_its_limit_is_given_up_and_the_process_replaced(worker):
    old = worker.call(os.getpid, (), 60).value
    t = time.monotonic()
    assert worker.call(time.sleep, (30,), 0.5).status == "timeout"
    assert time.monotonic() - t < 10  # not the 30 s of the call
    with pytest.raises(ProcessLookupError):
        os.kill(old, 0)  # killed and reaped
    new = worker.call(os.getpid, (), 60)
    assert new.status == "ok" and new.value != old


def test_a_failure_is_reported_with_its_message_and_the_process_kept(worker):
    pid = worker.call(os.getpid, (), 60).value
    failed = worker.call(int, ("seven",), 60)
    assert failed.status == "failed" and "invalid literal" in failed.value
    assert worker.call(os.getpid, (), 60).value == pid


def test_closing_ends_the_process(worker):
    pid = worker.call(os.getpid, (), 60).value
    worker.close()
    assert worker.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError):
        worker.call(os.getpid, (), 1)

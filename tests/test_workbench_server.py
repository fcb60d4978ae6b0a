"""``equipoise serve`` as a real server on a free port: it prints its URL, answers, records
runs in ``--store``, stops cleanly on Ctrl-C with a background job running, and refuses a
taken port or a non-loopback host with a clear message and exit status 2."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("dash")

CLI = [sys.executable, "-c", "from equipoise.cli import app; app()"]


def _start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if match is None:
        proc.kill()
        raise AssertionError(f"no URL printed: {line!r} {proc.stderr.read()}")
    return proc, match.group(0)


def _call(url: str, payload: dict | None = None, method: str | None = None) -> tuple[int, dict]:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_answers_records_and_stops_on_ctrl_c(tmp_path):
    store = tmp_path / "runs.sqlite"
    proc, url = _start("--store", str(store))
    try:
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        status, body = _call(
            url + "api/forecast",
            {
                "scenario": "nagorno-karabakh-2020",
                "model": ["mean"],
                "set": {"stances.TUR.territory.position": 40},
            },
        )
        assert status == 200
        assert body["models"]["mean"]["territory"]["positions"]["TUR"] == 40
        status, job = _call(
            url + "api/jobs",
            {
                "command": "decide",
                "scenario": "nagorno-karabakh-2020",
                "draws": 100_000,
                "record": False,
            },
        )
        assert status == 202
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # the job is cancelled, not waited for
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopping" in err
    check = subprocess.run(
        [*CLI, "runs", "list", "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    runs = json.loads(check.stdout)
    assert [(r["command"], r["status"]) for r in runs] == [("forecast", "done")]


def test_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*CLI, "serve", "--port", str(port), "--no-browser", "--store", "none"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_remote_host_refused_without_allow_remote():
    done = subprocess.run(
        [*CLI, "serve", "--host", "0.0.0.0", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr and "Traceback" not in done.stderr


def test_bad_scenario_refused_before_serving(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: 3\n", encoding="utf-8")
    start = time.monotonic()
    done = subprocess.run(
        [*CLI, "serve", str(bad), "--no-browser", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{bad}:2:" in done.stderr
    assert time.monotonic() - start < 60


@pytest.mark.parametrize(
    "flag,terminal,opened", [(True, True, True), (False, True, False), (True, False, False)]
)
def test_browser_opened_only_on_a_terminal_without_no_browser(
    monkeypatch, capsys, flag, terminal, opened
):
    import threading
    import webbrowser

    from equipoise.workbench import server as srv
    from equipoise.workbench.config import WorkbenchConfig

    class FakeServer:
        port = 8123

        def serve_forever(self):
            time.sleep(0.6)  # the browser is opened 0.3 s after start
            raise KeyboardInterrupt

        def server_close(self):
            pass

    class FakeApp:
        extensions: dict = {}

    seen: list[str] = []
    done = threading.Event()
    monkeypatch.setattr(srv, "make_server", lambda config: (FakeServer(), FakeApp()))
    monkeypatch.setattr(srv, "_warm_up", lambda config: None)
    monkeypatch.setattr(srv.sys.stdout, "isatty", lambda: terminal)
    monkeypatch.setattr(webbrowser, "open", lambda url: (seen.append(url), done.set()))
    srv.serve(WorkbenchConfig(store="none"), open_browser=flag)
    done.wait(2 if opened else 0.5)
    assert seen == (["http://127.0.0.1:8123/"] if opened else [])
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out

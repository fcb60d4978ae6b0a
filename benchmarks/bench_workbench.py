"""Benchmarks of the workbench (issue 14): server start, first page interactive, the what-if
round trip (the API's, and the What-if page's own: forecasts, decision and explanation), and
20 concurrent API clients.

    .venv/bin/python benchmarks/bench_workbench.py            # prints the figures
    .venv/bin/python -m pytest benchmarks/bench_workbench.py --benchmark-only

Targets: server start < 3 s; first page interactive < 2 s; ``POST /api/forecast`` with one
``set``, eum, the built-in case < 1 s at the 95th percentile over 50 requests, and so the
What-if page's update (its two callbacks: forecasts and decision ranking; the explanation);
20 concurrent API clients for 30 s with no error and bounded memory.

Every figure is taken against a real ``equipoise serve`` process on a free port (whole
process: Python start-up and imports included in the start figure), recording into a
throwaway SQLite store as a user's server would. "Interactive" is measured in Debian's
Chromium (Playwright): from navigation to the Dash layout rendered and the page's first
callbacks answered (network idle). Memory is the server's resident set size read from
``/proc/PID/status`` (Linux).
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CASE = "nagorno-karabakh-2020"
CLI = [sys.executable, "-c", "from equipoise.cli import app; app()"]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server:
    """``equipoise serve --port 0`` in a child process (a context manager)."""

    def __init__(self, store: str):
        self.store = store

    def __enter__(self) -> Server:
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--port", "0", "--no-browser", "--store", self.store],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        match = re.search(r"http://\S+/", line)
        if match is None:
            self.proc.kill()
            raise RuntimeError(f"the server printed no URL: {line!r}")
        self.url = match.group(0)
        self.listening_s = time.perf_counter() - self.t0
        return self

    def wait_ready(self) -> float:
        """Seconds from the process start to the first page served."""
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=10):
                    return time.perf_counter() - self.t0
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far."""
        import os

        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def __exit__(self, *exc: Any) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def post(url: str, payload: dict[str, Any]) -> tuple[int, float]:
    """``(status, seconds)`` of one JSON request."""
    data = json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - t


def whatif(value: int) -> dict[str, Any]:
    return {"scenario": CASE, "model": ["eum"], "set": {"stances.TUR.territory.position": value}}


def server_start(repeat: int = 3) -> dict[str, float]:
    """Seconds from ``equipoise serve`` to the URL printed and to the page served, and
    the CPU seconds the server process used until then (less dependent on the machine's
    load than the wall-clock time)."""
    printed, ready, cpu = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            with Server(str(Path(tmp) / "runs.sqlite")) as server:
                ready.append(server.wait_ready())
                cpu.append(server.cpu_s())
                printed.append(server.listening_s)
    return {
        "url_printed_s": statistics.median(printed),
        "first_answer_s": statistics.median(ready),
        "max_first_answer_s": max(ready),
        "cpu_s": statistics.median(cpu),
    }


def first_page(repeat: int = 3) -> dict[str, float]:
    """Seconds from navigation to the layout rendered and to the network idle, in Chromium
    (a fresh browser page each time, the server already started)."""
    from playwright.sync_api import sync_playwright

    rendered, idle = [], []
    with tempfile.TemporaryDirectory() as tmp, Server(str(Path(tmp) / "r.sqlite")) as server:
        server.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(repeat):
                context = browser.new_context()
                page = context.new_page()
                t = time.perf_counter()
                page.goto(server.url)
                page.wait_for_selector("#workbench-tabs", state="visible")
                rendered.append(time.perf_counter() - t)
                page.wait_for_load_state("networkidle")
                idle.append(time.perf_counter() - t - 0.5)  # networkidle waits 500 ms of quiet
                context.close()
            browser.close()
    return {
        "rendered_s": statistics.median(rendered),
        "idle_s": statistics.median(idle),
        "first_rendered_s": rendered[0],
    }


def round_trips(n: int = 50) -> dict[str, float]:
    """The what-if round trip: ``POST /api/forecast`` with one ``set`` (a new value each
    time), eum, the built-in case, recorded in the store; the first request included."""
    with tempfile.TemporaryDirectory() as tmp, Server(str(Path(tmp) / "r.sqlite")) as server:
        server.wait_ready()
        times = []
        for k in range(n):
            status, seconds = post(server.url + "api/forecast", whatif(k * 2 % 101))
            assert status == 200, status
            times.append(seconds)
    times_sorted = sorted(times)
    return {
        "first_s": times[0],
        "median_s": statistics.median(times),
        "p95_s": times_sorted[int(0.95 * (n - 1))],
        "max_s": times_sorted[-1],
    }


def _callback(
    outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]], changed: str
) -> dict[str, Any]:
    """The body the page sends to ``/_dash-update-component`` for one callback."""
    outs = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": (
            f"{outputs[0][0]}.{outputs[0][1]}"
            if len(outputs) == 1
            else "..{}..".format("...".join(f"{i}.{p}" for i, p in outputs))
        ),
        "outputs": outs[0] if len(outs) == 1 else outs,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [changed],
        "state": [],
    }


def page_round_trips(n: int = 30) -> dict[str, float]:
    """The What-if page's update after a move of the slider, as the browser asks for it:
    its two callbacks sent at once to ``/_dash-update-component`` (forecasts with the
    decision ranking; the explanation: how stable each doctrine's choice is), eum, the
    built-in case, a new value of Turkey's territory stance each time; the time until both
    answered, and each callback's own."""
    from equipoise.scenarios import builtin_path

    scenario = {"label": CASE, "yaml": builtin_path(CASE).read_text(encoding="utf-8")}
    results_outputs = [
        ("whatif-problems", "children"),
        ("whatif-forecasts", "data"),
        ("whatif-forecasts", "columns"),
        ("whatif-decision", "data"),
        ("whatif-decision", "columns"),
        ("whatif-robust", "children"),
    ]

    def inputs(value: int) -> list[tuple[str, str, Any]]:
        return [
            ("workbench-scenario", "data", scenario),
            ("workbench-sets", "data", {"stances.TUR.territory.position": value}),
            ("whatif-model", "value", "eum"),
            ("workbench-tabs", "value", "whatif"),
        ]

    def ask(url: str, body: dict[str, Any], out: dict[str, float], key: str) -> None:
        status, seconds = post(url, body)
        assert status == 200, status
        out[key] = seconds

    both, results, explanation = [], [], []
    with tempfile.TemporaryDirectory() as tmp, Server(str(Path(tmp) / "r.sqlite")) as server:
        server.wait_ready()
        url = server.url + "_dash-update-component"
        for k in range(n + 1):
            value = 10 + (k * 7) % 81
            bodies = {
                "results": _callback(results_outputs, inputs(value), "workbench-sets.data"),
                "explain": _callback(
                    [("whatif-explain", "children")], inputs(value), "workbench-sets.data"
                ),
            }
            times: dict[str, float] = {}
            t = time.perf_counter()
            threads = [
                threading.Thread(target=ask, args=(url, body, times, key))
                for key, body in bodies.items()
            ]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            if k == 0:
                continue  # the first: the scenario parsed, the server's own warm-up
            both.append(time.perf_counter() - t)
            results.append(times["results"])
            explanation.append(times["explain"])

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    return {
        "median_s": statistics.median(both),
        "p95_s": p95(both),
        "max_s": max(both),
        "results_p95_s": p95(results),
        "explain_median_s": statistics.median(explanation),
        "explain_p95_s": p95(explanation),
    }


def concurrent_clients(clients: int = 20, seconds: float = 30.0) -> dict[str, Any]:
    """``clients`` threads, each sending what-if forecasts (and every fifth a validate) as
    fast as answered for ``seconds``; the server's memory sampled every second."""
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory() as tmp, Server(str(Path(tmp) / "r.sqlite")) as server:
        server.wait_ready()
        post(server.url + "api/forecast", whatif(50))  # warm
        rss = [server.rss_mib()]
        stop = time.perf_counter() + seconds

        def client(k: int) -> None:
            i = 0
            while time.perf_counter() < stop:
                i += 1
                if i % 5 == 0:
                    status, t = post(server.url + "api/validate", {"scenario": CASE})
                else:
                    status, t = post(server.url + "api/forecast", whatif((k * 7 + i) % 101))
                with lock:
                    latencies.append(t)
                    if status != 200:
                        errors.append(str(status))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for th in threads:
            th.start()
        while any(th.is_alive() for th in threads):
            time.sleep(1.0)
            rss.append(server.rss_mib())
        for th in threads:
            th.join()
    lat = sorted(latencies)
    return {
        "requests": len(lat),
        "errors": len(errors),
        "per_s": len(lat) / seconds,
        "median_s": statistics.median(lat),
        "p95_s": lat[int(0.95 * (len(lat) - 1))],
        "rss_start_mib": rss[0],
        "rss_peak_mib": max(rss),
        "rss_end_mib": rss[-1],
        "rss_at_10s_mib": rss[min(10, len(rss) - 1)],
    }


def test_whatif_round_trip(benchmark) -> None:
    with tempfile.TemporaryDirectory() as tmp, Server(str(Path(tmp) / "r.sqlite")) as server:
        server.wait_ready()
        post(server.url + "api/forecast", whatif(50))
        benchmark.pedantic(
            post, args=(server.url + "api/forecast", whatif(40)), rounds=20, iterations=1
        )


if __name__ == "__main__":
    which = set(sys.argv[1:]) or {"start", "page", "whatif", "whatif-page", "load"}
    if "start" in which:
        s = server_start()
        print(
            f"server start (median of 3): URL printed {s['url_printed_s']:.2f} s, page "
            f"served {s['first_answer_s']:.2f} s (max {s['max_first_answer_s']:.2f} s); "
            f"CPU {s['cpu_s']:.2f} s"
        )
    if "page" in which:
        p = first_page()
        print(
            f"first page in Chromium (median of 3): layout rendered {p['rendered_s']:.2f} s, "
            f"network idle {p['idle_s']:.2f} s (first load {p['first_rendered_s']:.2f} s)"
        )
    if "whatif" in which:
        r = round_trips()
        print(
            f"what-if POST /api/forecast, 50 requests: first {r['first_s'] * 1000:.0f} ms, "
            f"median {r['median_s'] * 1000:.0f} ms, p95 {r['p95_s'] * 1000:.0f} ms, max "
            f"{r['max_s'] * 1000:.0f} ms"
        )
    if "whatif-page" in which:
        w = page_round_trips()
        print(
            f"What-if page update (forecasts + decision, and the explanation, sent at once), "
            f"30 moves: median {w['median_s'] * 1000:.0f} ms, p95 {w['p95_s'] * 1000:.0f} ms, "
            f"max {w['max_s'] * 1000:.0f} ms; forecasts + decision p95 "
            f"{w['results_p95_s'] * 1000:.0f} ms; explanation median "
            f"{w['explain_median_s'] * 1000:.0f} ms, p95 {w['explain_p95_s'] * 1000:.0f} ms"
        )
    if "load" in which:
        c = concurrent_clients()
        print(
            f"20 clients x 30 s: {c['requests']} requests ({c['per_s']:.0f}/s), "
            f"{c['errors']} errors, median {c['median_s'] * 1000:.0f} ms, p95 "
            f"{c['p95_s'] * 1000:.0f} ms; server RSS {c['rss_start_mib']:.0f} MiB at start, "
            f"{c['rss_at_10s_mib']:.0f} at 10 s, peak {c['rss_peak_mib']:.0f}, end "
            f"{c['rss_end_mib']:.0f} MiB"
        )

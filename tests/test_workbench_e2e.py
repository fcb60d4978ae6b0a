"""End to end: the workbench in headless Chromium, used as a person would use it.

The real server (the Flask + Dash app of ``equipoise serve``, threaded WSGI) runs on a free
loopback port in a thread of this process; Debian's ``chromium`` is driven by Playwright.
Every test fails on any request to an address that is not loopback (they are also blocked)
and on any console error or uncaught page error; a screenshot of the end state is kept in
the test's temporary folder. Skipped, with the reason, only when Dash, Playwright or the
browser is missing.
"""

from __future__ import annotations

import re
import socket
import threading
import warnings
from urllib.parse import urlparse

import pytest
from browser import ARGS, CHROMIUM, require_browser

pytest.importorskip("dash", reason="the workbench extra is not installed (pip install dash)")
sync_api = require_browser()


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CASE = "nagorno-karabakh-2020"
TIMEOUT = 20_000  # ms, for one visible change after an action

BROKEN = """equipoise: 1
id: broken
title: A broken scenario
actors:
  - id: A
    name: Aa
    capability: {value: -5, assumption: a negative capability}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per request drowns the report
            pass

    return Quiet


@pytest.fixture(scope="module")
def server():
    from werkzeug.serving import make_server

    from equipoise.workbench.app import create_app
    from equipoise.workbench.config import WorkbenchConfig

    port = _free_port()
    app = create_app(WorkbenchConfig(input=CASE, port=port, store=""))
    httpd = make_server("127.0.0.1", port, app, threaded=True, request_handler=_quiet_handler())
    # request threads are joined when the server closes: none may still be computing when
    # the interpreter exits (a thread inside native model code then aborts the process)
    httpd.daemon_threads = False
    httpd.block_on_close = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        thread.start()
        yield f"http://127.0.0.1:{port}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)
    app.extensions["equipoise_jobs"].shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a broken browser install is not a workbench failure
            pytest.skip(f"chromium could not be started by Playwright: {exc}")
        yield b
        b.close()


@pytest.fixture()
def page(server, browser, tmp_path):
    """A fresh page on the workbench, guarded: foreign requests and console errors fail."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []

    def guard(route, request):
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOOPBACK:
            foreign.append(request.url)
            route.abort()
        else:
            route.continue_()

    pg.route("**/*", guard)
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server, wait_until="load")
    pg.wait_for_selector(
        "#home-open-scenario:has-text('Open: nagorno-karabakh-2020')", timeout=TIMEOUT
    )
    yield pg
    pg.screenshot(path=str(tmp_path / "end.png"), full_page=True)
    context.close()
    assert not foreign, f"requests left the machine: {foreign}"
    assert not errors, f"console errors: {errors}"


def _tab(page, name: str) -> None:
    page.locator("#workbench-tabs .tab", has_text=re.compile(f"^{re.escape(name)}$")).click()


def _cell(page, table: str, row_text: str, column: int) -> str:
    """The text of a DataTable cell: the row containing ``row_text``, 0-based column."""
    row = page.locator(f"#{table} tr", has_text=row_text).first
    return row.locator("td").nth(column).inner_text().strip()


def test_open_builtin_and_move_a_stance(page, tmp_path):
    _tab(page, "Open")
    page.click("#open-builtin-button")
    page.wait_for_selector(
        "#open-status:has-text('Opened nagorno-karabakh-2020: 12 actors')", timeout=TIMEOUT
    )
    _tab(page, "What-if")
    page.wait_for_selector(
        "#whatif-base:has-text('stances.RUS.territory.position')", timeout=TIMEOUT
    )
    page.wait_for_selector(
        "#whatif-forecasts td:has-text('Territorial settlement')", timeout=TIMEOUT
    )
    before = _cell(page, "whatif-forecasts", "Territorial settlement", 3)
    box = page.locator("#whatif-slider-box input").first
    box.fill("80")
    box.press("Tab")  # the number box commits when it loses the focus
    page.wait_for_selector(
        "#whatif-sets-table td:has-text('stances.RUS.territory.position')", timeout=TIMEOUT
    )
    page.wait_for_function(
        """([before]) => {
            const row = [...document.querySelectorAll('#whatif-forecasts tr')]
                .find(r => r.innerText.includes('Territorial settlement'));
            return row && row.querySelectorAll('td')[3].innerText.trim() !== before;
        }""",
        arg=[before],
        timeout=TIMEOUT,
    )
    after = float(_cell(page, "whatif-forecasts", "Territorial settlement", 3))
    in_file = float(_cell(page, "whatif-forecasts", "Territorial settlement", 2))
    assert float(before) == in_file
    assert after != in_file
    change = float(_cell(page, "whatif-forecasts", "Territorial settlement", 4))
    assert change == pytest.approx(after - in_file, abs=0.02)
    # and how stable each doctrine's choice is, for the changed scenario: a sentence for
    # each of the case's 7 doctrines and one for "any weights"
    page.wait_for_function(
        """() => {
            const items = [...document.querySelectorAll('#whatif-explain li')];
            return items.length === 8 && items.every(li => li.innerText.includes('stays first'));
        }""",
        timeout=TIMEOUT,
    )
    # the other pages see the same changed scenario
    _tab(page, "Home")
    page.wait_for_selector("#home-changes:has-text('1 what-if change applied')", timeout=TIMEOUT)
    _tab(page, "What-if")
    page.click("#whatif-reset")
    page.wait_for_selector(
        "#whatif-forecasts tr:has-text('Territorial settlement') td >> nth=4", timeout=TIMEOUT
    )
    _tab(page, "Home")
    page.wait_for_selector("#home-changes:has-text('No what-if change')", timeout=TIMEOUT)
    page.screenshot(path=str(tmp_path / "whatif.png"), full_page=True)


def test_background_draws_with_progress_and_cancel(page):
    _tab(page, "What-if")
    draws = page.locator("#whatif-draws")
    draws.fill("100000")
    page.click("#whatif-run")
    page.wait_for_selector("#whatif-job-status:has-text('Running')", timeout=TIMEOUT)
    page.click("#whatif-cancel")
    page.wait_for_selector("#whatif-job-status:has-text('Cancelled.')", timeout=TIMEOUT)
    draws.fill("100")
    page.click("#whatif-run")
    page.wait_for_selector("#whatif-job-status:has-text('Done: 100 draws')", timeout=TIMEOUT)
    assert page.locator("#whatif-progress").get_attribute("value") == page.locator(
        "#whatif-progress"
    ).get_attribute("max")
    shares = [
        float(_cell(page, "whatif-sweep-table", name, 1))
        for name in page.locator("#whatif-sweep-table tr td:first-child").all_inner_texts()
    ]
    assert sum(shares) == pytest.approx(1.0, abs=0.01)


def test_compare_two_dates_on_the_network(page):
    _tab(page, "Network")
    page.wait_for_selector("#network-stats:has-text('2020-11-09')", timeout=TIMEOUT)
    page.wait_for_selector("#network-figure .main-svg", timeout=TIMEOUT)
    page.click("#network-compare")
    page.get_by_text("2020-12-02 · after the truce and the handovers").click()
    page.wait_for_selector("#network-compare-summary", timeout=TIMEOUT)
    items = page.locator("#network-compare-list li").all_inner_texts()
    assert "Russia – Turkey: appeared (none → +)" in items
    # the date slider moves the network to the checkpoint
    thumb = page.locator("#network-date [role=slider]")
    thumb.focus()
    thumb.press("Home")
    page.wait_for_selector("#network-stats:has-text('2020-09-26')", timeout=TIMEOUT)


def test_export_a_figure_and_a_table(page, tmp_path):
    _tab(page, "Network")
    page.wait_for_selector("#network-figure .main-svg", timeout=TIMEOUT)
    page.hover("#network-figure")
    buttons = page.locator("#network-figure .modebar-btn").evaluate_all(
        "es => es.map(e => e.getAttribute('data-title'))"
    )
    assert not [b for b in buttons if "share" in b.lower() or "cloud" in b.lower()], buttons
    with page.expect_download(timeout=TIMEOUT) as dl:
        page.click("#network-figure .modebar-btn[data-title='Download plot']")
    svg = dl.value.path().read_bytes()
    assert dl.value.suggested_filename == "network-figure.svg"
    assert b"<svg" in svg[:2000]
    _tab(page, "Export")
    page.get_by_text("PNG", exact=True).click()
    _tab(page, "Network")
    page.hover("#network-figure")
    with page.expect_download(timeout=TIMEOUT) as dl:
        page.click(
            "#network-figure .modebar-btn[data-title='Download plot as a PNG']", timeout=TIMEOUT
        )
    assert dl.value.suggested_filename == "network-figure.png"
    assert dl.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download(timeout=TIMEOUT) as dl:
        page.locator("#network-frustrated").get_by_role("button", name="Export").click()
    text = dl.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("tie,sign,weight")
    assert re.search(r"Russia – Armenia,\+,", text)
    dl.value.save_as(tmp_path / dl.value.suggested_filename)


def test_upload_a_broken_file_and_read_its_errors(page, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    _tab(page, "Open")
    page.locator("#open-upload input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#open-status:has-text('Not opened')", timeout=TIMEOUT)
    problems = page.locator("#open-problems li").all_inner_texts()
    assert problems and all(p.startswith("broken.yaml:") for p in problems)
    assert any(p.startswith("broken.yaml:7:") and "capability" in p for p in problems)
    # nothing half-loaded: the built-in scenario is still the open one
    _tab(page, "Home")
    assert page.locator("#home-open-scenario").inner_text() == f"Open: {CASE}"


def test_upload_over_the_limit_is_refused_with_a_message(page, tmp_path):
    from equipoise.workbench.config import WorkbenchConfig
    from equipoise.workbench.ui.pages.open import upload_limit

    limit = upload_limit(WorkbenchConfig())
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * (limit // 10 + 1))
    _tab(page, "Open")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    page.locator("#open-upload input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#open-status:has-text('Not opened')", timeout=TIMEOUT)
    problems = page.locator("#open-problems li").all_inner_texts()
    assert len(problems) == 1 and problems[0].startswith(
        f"huge.yaml: the file has {path.stat().st_size:,} bytes, more than the upload limit "
        f"of {limit:,} bytes"
    )
    assert not any("# padding" in body or "base64" in body for body in sent)  # never sent
    _tab(page, "Home")
    assert page.locator("#home-open-scenario").inner_text() == f"Open: {CASE}"

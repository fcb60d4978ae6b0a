"""End to end: the workbench's Edit and Compare pages in headless Chromium, as a person would
use them: change a cell to a wrong value and read the problem on it, correct it, save the file
back (its comment kept), then compare the scenario as saved with its original.

Like tests/test_report_browser.py: Debian's ``chromium`` driven by Playwright, skipped with the
reason when either is missing. The app is served on an ephemeral loopback port in a thread;
every request must stay on that address and no console error may occur. Screenshots are kept in
the test's temporary folder.
"""

from __future__ import annotations

import threading
from urllib.parse import urlparse

import pytest
from browser import ARGS, CHROMIUM, require_browser

pytest.importorskip("dash")

sync_api = require_browser()

SCENARIO = """\
equipoise: 1
id: small
title: Small
actors:
  - id: A
    name: Alpha
    capability: 100  # the anchor of the index
    assumption: "Index anchor."
  - id: B
    name: Beta
    capability: 50
    assumption: "Half of A."
issues:
  - id: x
    name: X
    scale: {min_label: low, max_label: high}
stances:
  - {actor: A, issue: x, position: 10, salience: 0.5, assumption: "A's view."}
  - {actor: B, issue: x, position: 90, salience: 0.5, assumption: "B's view."}
"""


@pytest.fixture()
def served(tmp_path):
    from werkzeug.serving import make_server

    from equipoise.workbench.app import create_app
    from equipoise.workbench.config import WorkbenchConfig

    path = tmp_path / "small.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    config = WorkbenchConfig(input=str(path), store="")
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", path
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture()
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a broken browser install is not a workbench failure
            pytest.skip(f"chromium could not be started by Playwright: {exc}")
        yield b
        b.close()


def _cell(page, section: str, row: int, column: str):
    return page.locator(
        f'#edit-table-{section} td[data-dash-column="f:{column}"][data-dash-row="{row}"]'
    )


def _type_into(page, cell, text: str) -> None:
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_edit_save_and_compare_in_chromium(served, browser, tmp_path):
    url, path = served
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    foreign: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", None) else None
        ),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.locator("#workbench-tabs .tab", has_text="Edit").click()
    capability = _cell(page, "actors", 1, "capability")
    capability.wait_for(timeout=20_000)
    assert capability.inner_text().strip() == "50"

    # a wrong value: refused, the problem shown on its cell and listed with its line
    _type_into(page, capability, "-5")
    problems = page.locator("#edit-problems li")
    problems.first.wait_for(timeout=20_000)
    text = problems.first.inner_text()
    assert "[actors row 2, capability]" in text and f"{path}:11:" in text
    # highlighted (once another cell is the active one: the table colours the active cell)
    _cell(page, "actors", 0, "name").click()
    assert "background-color: rgb(253, 226, 226)" in (capability.get_attribute("style") or "")
    assert "background-color" not in (
        _cell(page, "actors", 0, "capability").get_attribute("style") or ""
    )
    page.screenshot(path=str(tmp_path / "edit-problem.png"), full_page=True)
    assert path.read_text(encoding="utf-8") == SCENARIO

    # corrected: applied, the problems gone; saved back to the file, its comment kept
    _type_into(page, _cell(page, "actors", 0, "capability"), "80")
    page.locator("#edit-status", has_text="1 problem").wait_for(timeout=20_000)  # still -5
    _type_into(page, _cell(page, "actors", 1, "capability"), "60")
    page.locator("#edit-status", has_text="applied").wait_for(timeout=20_000)
    sync_api.expect(problems).to_have_count(0, timeout=20_000)
    page.get_by_role("button", name=f"Save to {path}").click()
    page.locator("#edit-save-status", has_text="Saved").wait_for(timeout=20_000)
    saved = path.read_text(encoding="utf-8")
    assert "    capability: 80   # the anchor of the index\n" in saved
    assert "    capability: 60\n" in saved
    page.screenshot(path=str(tmp_path / "edit-saved.png"), full_page=True)

    # an edit not saved yet, then Compare: the file as saved against the open scenario
    _type_into(page, _cell(page, "actors", 1, "capability"), "70")
    page.locator("#edit-status", has_text="applied").wait_for(timeout=20_000)
    page.locator("#workbench-tabs .tab", has_text="Compare").click()
    page.locator("#compare-command").click()
    page.get_by_role("option", name="forecast", exact=True).click()
    page.get_by_role("button", name="Compare").click()
    page.locator("#compare-summary", has_text="inputs differ").wait_for(timeout=60_000)
    inputs = page.locator("#compare-inputs td")
    assert [inputs.nth(k).inner_text().strip() for k in range(3)] == [
        "actors.B.capability",
        "60",
        "70",
    ]
    differing = page.locator('#compare-answers td[data-dash-column="differs"]', has_text="yes")
    assert differing.count() >= 1  # B's weight moves the forecast
    row = differing.first.locator("xpath=..")
    assert "rgb(255, 244, 194)" in row.locator("td").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)

    assert not foreign, foreign
    assert not errors, errors

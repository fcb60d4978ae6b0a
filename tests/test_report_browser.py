"""End to end: the report opened in headless Chromium, as a person would open it.

Debian's ``chromium`` (``/usr/bin/chromium``, installed by ``.ci/setup-browser``) driven by
Playwright for Python. The page is opened from a file:// URL; every request is recorded and
none may leave file:// (no fonts, scripts, styles or images from the network). Every
section and figure must be present and visible; a screenshot is saved under the test's
temporary folder. Skipped, with the reason, only when the browser or Playwright is missing.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, require_browser

sync_api = require_browser()

SECTIONS = ["summary", "network", "issues", "decision", "variants", "events", "method", "sources"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from equipoise.analysis import run_analysis
    from equipoise.io import load
    from equipoise.report import write_report

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        analysis = run_analysis(load("nagorno-karabakh-2020"), draws=200, seed=0)
    out = tmp_path_factory.mktemp("browser-report")
    return analysis, write_report(analysis, out)["report"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a broken browser install is not a report failure
            pytest.skip(f"chromium could not be started by Playwright: {exc}")
        yield b
        b.close()


def _open(browser, path: Path, width: int = 1366, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, requests, failed, errors


def test_report_in_chromium(report, browser, tmp_path):
    analysis, path = report
    page, requests, failed, errors = _open(browser, path)

    # sections, each visible
    for section in SECTIONS:
        loc = page.locator(f'section[data-section="{section}"]')
        assert loc.count() == 1, section
        loc.scroll_into_view_if_needed()
        assert loc.is_visible(), section
    # figures: present, visible, of a sensible size, with drawn content
    figures = page.locator("figure.report-figure")
    n = figures.count()
    checkpoints = len(analysis.timeline or [])  # one small multiple each
    bargained = sum(1 for i in analysis.scenario.issues if i.decided_by is None)
    # network, ranks, the checkpoints, one per issue, rounds for each bargained issue (none
    # when one actor decides)
    assert n == 2 + checkpoints + len(analysis.scenario.issues) + bargained
    for k in range(n):
        fig = figures.nth(k)
        fig.scroll_into_view_if_needed()
        svg = fig.locator("svg")
        assert svg.count() == 1
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 250 and box["height"] > 100, box
        assert svg.locator("path, use, text").count() > 10
    # the title and the provenance links work inside the page
    assert analysis.scenario.title[:30] in page.title()
    page.locator('a.cite[href^="#src-"]').first.click()
    assert page.evaluate("location.hash").startswith("#src-")
    # nothing but the file itself was requested
    outside = [u for u in requests if not u.startswith("file://")]
    assert not outside, outside[:5]
    assert requests and requests[0].startswith("file://")
    assert not failed, failed[:5]
    assert not errors, errors[:5]

    shot = tmp_path / "report.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.exists() and shot.stat().st_size > 50_000
    page.close()


def test_report_readable_on_a_narrow_screen_and_in_print(report, browser, tmp_path):
    analysis, path = report
    page, requests, failed, errors = _open(browser, path, width=800, height=1000)
    # no horizontal scrolling of the page itself (wide tables scroll in their own box)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800 + 1, width
    page.screenshot(path=str(tmp_path / "narrow.png"))
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 50_000
    assert not [u for u in requests if not u.startswith("file://")]
    page.close()


LAYOUT_JS = r"""
() => {
  const out = {tables: [], headers: [], clipped: [], svgText: []};
  for (const t of document.querySelectorAll('table')) {
    const box = t.parentElement;
    const width = t.getBoundingClientRect().width;
    if (width > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1)
      out.tables.push({id: t.id, width: Math.round(width), container: box.clientWidth});
  }
  // a header word (between spaces or hyphens) drawn on more than one line
  for (const th of document.querySelectorAll('thead th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const re = /[^\s\-\u2013\/]+/g; let m;
      while ((m = re.exec(node.textContent))) {
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0)
                                 .map(x => Math.round(x.top)));
        if (tops.size > 1) out.headers.push({word: m[0], table: th.closest('table').id});
      }
    }
  }
  // every text of every figure inside its SVG's viewBox
  for (const svg of document.querySelectorAll('figure svg')) {
    const vb = svg.viewBox.baseVal;
    const toSvg = svg.getCTM().inverse();
    for (const t of svg.querySelectorAll('text')) {
      out.svgText.push(t.textContent);
      const b = t.getBBox();
      if (!b.width) continue;
      const m = toSvg.multiply(t.getCTM());
      const pts = [[b.x, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height],
                   [b.x + b.width, b.y]].map(([x, y]) => {
        const p = svg.createSVGPoint(); p.x = x; p.y = y; return p.matrixTransform(m); });
      const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
      if (Math.min(...xs) < vb.x - 0.5 || Math.max(...xs) > vb.x + vb.width + 0.5 ||
          Math.min(...ys) < vb.y - 0.5 || Math.max(...ys) > vb.y + vb.height + 0.5)
        out.clipped.push({figure: svg.closest('figure').id, text: t.textContent});
    }
  }
  out.text = document.body.innerText;
  return out;
}
"""


def test_report_layout_at_1280_pixels(report, browser):
    """At 1280 px (issue 12): no table wider than its container (the checkpoints table was
    wider than the page), no table header broken inside a word (it broke "acceptability"
    into "accepta|bility"), no figure text outside its drawing (legends were cut:
    "exchang"), and no doubled or mis-counted phrases ("proven optimal, proven optimal by
    the binary program", "camp B (1 actors)")."""
    import re

    _, path = report
    page, _, _, errors = _open(browser, path, width=1280, height=900)
    found = page.evaluate(LAYOUT_JS)
    assert not errors, errors[:5]
    assert found["tables"] == [], found["tables"]
    assert found["headers"] == [], found["headers"]
    assert found["clipped"] == [], found["clipped"]
    assert len(found["svgText"]) > 50
    for text in (found["text"], "\n".join(found["svgText"])):
        doubled = re.findall(r"\b(\w+(?: \w+){1,4}), \1\b", text)
        assert not doubled, doubled
        assert not re.search(r"\b1 (actors|ties|triads|pairs|issues|options|draws)\b", text)
    page.close()

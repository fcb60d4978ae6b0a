"""The workbench's Content-Security-Policy in a real browser: Dash and Plotly.js (a bar chart,
a WebGL scatter, figure export as PNG and SVG) work under it with no violation, and nothing
is requested from outside this server.

Debian's Chromium driven by Playwright, as in ``test_report_browser.py``; skipped with the
reason when either is missing.
"""

from __future__ import annotations

import threading

import pytest
from browser import ARGS, CHROMIUM, require_browser

pytest.importorskip("dash")
sync_api = require_browser()


@pytest.fixture()
def figure_server():
    """A Dash page with two Plotly figures behind the workbench's security hooks."""
    import dash
    import flask
    import plotly.graph_objects as go
    from dash import dcc, html
    from werkzeug.serving import make_server

    from equipoise.workbench import security
    from equipoise.workbench.config import WorkbenchConfig

    server = flask.Flask("csp-test")
    security.install(server, WorkbenchConfig())
    app = dash.Dash("csp-test", server=server, serve_locally=True)
    app.layout = html.Div(
        [
            dcc.Graph(id="bar", figure=go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))),
            dcc.Graph(id="gl", figure=go.Figure(go.Scattergl(x=[1, 2, 3], y=[3, 1, 2]))),
        ]
    )
    security.quiet_dash(app)
    server.extensions["equipoise_dash"] = app
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.port}/"
    httpd.shutdown()
    thread.join(10)


def test_plotly_figures_render_and_export_under_the_policy(figure_server, tmp_path):
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a broken browser install is not a workbench failure
            pytest.skip(f"chromium could not be started by Playwright: {exc}")
        page = browser.new_page()
        errors: list[str] = []
        outside: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        local = (figure_server, "blob:" + figure_server, "data:")  # blob: made by the page
        page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
        page.goto(figure_server)
        page.wait_for_selector("#bar .main-svg", timeout=60_000)
        page.wait_for_selector("#gl .main-svg", timeout=60_000)
        exports = page.evaluate("""async () => {
            const plot = document.querySelector('#bar .js-plotly-plot');
            return [await Plotly.toImage(plot, {format: 'png'}),
                    await Plotly.toImage(plot, {format: 'svg'})];
        }""")
        page.screenshot(path=str(tmp_path / "csp.png"))
        browser.close()
    assert exports[0].startswith("data:image/png;base64,")
    assert exports[1].startswith("data:image/svg+xml,")
    assert errors == []  # a CSP violation is reported as a console error
    assert outside == []

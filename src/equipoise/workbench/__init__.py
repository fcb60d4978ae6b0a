"""The analyst's workbench: a local web app (``equipoise serve``) and its JSON API.

Layout (one job per module):

- ``config.py``   — :class:`WorkbenchConfig`, what the server was started with.
- ``app.py``      — :func:`create_app` builds the Flask server, installs the security checks,
  registers the JSON API and mounts the Dash user interface.
- ``security.py`` — loopback Host check (DNS rebinding), same-origin check for state-changing
  requests, Content-Security-Policy and other response headers.
- ``api.py``      — the JSON API (``/api/...``): the same JSON as the commands' ``--json``.
- ``ui/``         — the Dash pages and their callbacks (the browser side).
- ``server.py``   — runs the app on 127.0.0.1 (``equipoise serve``).

Dash ships its front-end (React, Plotly.js) inside its wheel; nothing is fetched from the
network at run time.
"""

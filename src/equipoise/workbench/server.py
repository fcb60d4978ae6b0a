"""Run the workbench on the local machine (``equipoise serve``)."""

from __future__ import annotations

from .config import WorkbenchConfig


def serve(config: WorkbenchConfig) -> None:
    """Serve until interrupted (threaded WSGI server on ``config.host:config.port``)."""
    from werkzeug.serving import run_simple

    from .app import create_app

    run_simple(config.host, config.port, create_app(config), threaded=True,
               use_reloader=False, use_debugger=False)

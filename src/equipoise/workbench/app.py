"""Build the workbench: a Flask server with the JSON API and the Dash user interface."""

from __future__ import annotations

from typing import Any

from .config import WorkbenchConfig


def create_app(config: WorkbenchConfig | None = None) -> Any:
    """Return the Flask application of the workbench (WSGI; ``app.test_client()`` in tests).

    Order matters: the security hooks are installed first so that they guard the API and the
    Dash routes alike. ``server.extensions["equipoise_jobs"]`` is the background jobs'
    :class:`~equipoise.workbench.jobs.JobManager` (shut down by the server at exit).
    """
    import flask

    from . import api, security
    from .jobs import JobManager
    from .ui import mount_ui

    config = config or WorkbenchConfig()
    server = flask.Flask("equipoise.workbench")
    server.config["MAX_CONTENT_LENGTH"] = config.max_upload_bytes
    server.config["EQUIPOISE_WORKBENCH"] = config
    security.install(server, config)
    server.register_blueprint(api.blueprint(config, JobManager(config.max_jobs)))
    dash_app = mount_ui(server, config)
    security.quiet_dash(dash_app)
    server.extensions["equipoise_dash"] = dash_app
    return server

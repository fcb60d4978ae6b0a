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
    # one job system: the API's jobs and the pages' long work (SMAA draws, Sobol indices,
    # comparisons) share this manager, its worker threads and its shutdown
    jobs = JobManager(config.max_jobs)
    server.extensions["equipoise_jobs"] = jobs
    server.register_blueprint(api.blueprint(config, jobs))
    dash_app = mount_ui(server, config)
    security.quiet_dash(dash_app)
    server.extensions["equipoise_dash"] = dash_app
    return server

"""The workbench's JSON API: what the page uses and scripts can call.

Every endpoint returns the same JSON as the matching command's ``--json``; errors are
``{"errors": ["FILE:LINE: message", ...]}`` with status 400 (malformed request) or 422
(a scenario that does not validate).
"""

from __future__ import annotations

from typing import Any

from .config import WorkbenchConfig


def blueprint(config: WorkbenchConfig) -> Any:
    """The Flask blueprint of ``/api/...``."""
    import flask

    bp = flask.Blueprint("api", __name__, url_prefix="/api")

    @bp.get("/scenarios")
    def scenarios() -> Any:
        from ..scenarios import builtin_names

        return flask.jsonify([{"name": n} for n in builtin_names()])

    return bp

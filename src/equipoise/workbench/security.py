"""Request and response checks of the workbench (a local app must not be a local hole).

- Host header: only the configured names (loopback by default), which defeats DNS rebinding.
- State-changing requests (POST, PUT, PATCH, DELETE) from another origin are refused.
- Every response carries a Content-Security-Policy and related headers.
"""

from __future__ import annotations

from typing import Any

from .config import WorkbenchConfig


def install(server: Any, config: WorkbenchConfig) -> None:
    """Install the request checks and response headers on the Flask ``server``."""
    import flask

    allowed = {h.lower() for h in config.allowed_hosts}

    @server.before_request
    def _check_host() -> Any:
        host = (flask.request.host or "").rsplit(":", 1)[0].strip("[]").lower()
        if not config.allow_remote and host not in allowed:
            return flask.jsonify(errors=[f"Host {host!r} is not served here"]), 403
        return None

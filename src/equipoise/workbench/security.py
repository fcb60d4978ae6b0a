"""Request and response checks of the workbench (a local app must not be a local hole).

- **Host header**: only the configured names (loopback by default). A page on another site
  that points its own name at 127.0.0.1 (DNS rebinding) sends its name as Host and is refused.
- **Cross-origin writes**: a state-changing request (POST, PUT, PATCH, DELETE) whose
  ``Origin`` (or, without one, ``Referer``) is not this server, or that the browser marks
  ``Sec-Fetch-Site: cross-site``/``same-site``, is refused (403). Scripts that send none of
  these headers (curl, Python) are let through: they are local programs already.
- **Response headers** on every response: a Content-Security-Policy that allows scripts from
  this server only, plus the hashes of Dash's inline scripts (:meth:`dash.Dash.csp_hashes`;
  no ``'unsafe-eval'``, no ``'unsafe-inline'`` script); styles may be inline (Plotly.js writes
  its styles at run time); images from this server, ``data:`` and ``blob:`` (figure
  export); ``connect-src 'self'`` so that nothing is fetched from elsewhere;
  ``frame-ancestors 'none'``. Also ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``,
  ``Cross-Origin-Opener-Policy``/``Cross-Origin-Resource-Policy: same-origin``, and
  ``Cache-Control: no-store`` on the API's answers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .config import WorkbenchConfig

__all__ = ["install", "content_security_policy", "STATE_CHANGING"]

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy text, allowing the inline scripts whose ``'sha256-...'`` hashes are given."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def _host_name(netloc: str) -> str:
    """``"[::1]:8050"`` -> ``"::1"``; ``"LocalHost:80"`` -> ``"localhost"``."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].split("]", 1)[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def _same_origin(url: str, request: Any) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc.lower() == request.host.lower()
        and parts.scheme == request.scheme
    )


def cross_origin_reason(request: Any) -> str | None:
    """Why ``request`` (a state-changing one) counts as coming from another origin, if it
    does."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site: {site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if _same_origin(origin, request) else f"Origin {origin}"
    referer = request.headers.get("Referer")
    if referer is not None and not _same_origin(referer, request):
        return f"Referer {urlsplit(referer).netloc or referer}"
    return None


def install(server: Any, config: WorkbenchConfig) -> None:
    """Install the request checks and response headers on the Flask ``server``.

    The Dash app, once mounted, is found in ``server.extensions["equipoise_dash"]``: its
    inline scripts' hashes are computed at the first response (after every page has
    registered its callbacks) and kept.
    """
    import flask

    allowed = {h.lower() for h in config.allowed_hosts}
    policy: list[str] = []

    def refuse(message: str) -> Any:
        return flask.Response(
            f'{{"errors": ["{message}"]}}', status=403, mimetype="application/json"
        )

    def _check_request() -> Any:
        request = flask.request
        host = _host_name(request.host or "")
        if not config.allow_remote and host not in allowed:
            return refuse(f"Host {host!r} is not served here (loopback names only)")
        if request.method in STATE_CHANGING:
            reason = cross_origin_reason(request)
            if reason is not None:
                return refuse(f"cross-origin request refused ({reason})")
        return None

    def _headers(response: Any) -> Any:
        if not policy:
            dash_app = server.extensions.get("equipoise_dash")
            hashes = list(dict.fromkeys(dash_app.csp_hashes())) if dash_app is not None else []
            policy.append(content_security_policy(hashes))
        response.headers["Content-Security-Policy"] = policy[0]
        for name, value in _FIXED_HEADERS.items():
            response.headers[name] = value
        if flask.request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    server.before_request(_check_request)
    server.after_request(_headers)


def quiet_dash(dash_app: Any) -> None:
    """No request from the page to plotly.com: Dash's version check is turned off."""
    dash_app._dev_tools["disable_version_check"] = True  # noqa: SLF001 - no public setter

"""Run the workbench on the local machine (``equipoise serve``).

The server listens on 127.0.0.1 (``--host`` elsewhere only with ``--allow-remote``, and then
with a warning), prints its URL, opens the browser when run on a terminal (unless
``--no-browser``), and stops cleanly on Ctrl-C: running background jobs are cancelled and
their threads joined, the run store closed. A port that is taken is an input error (exit
status 2) naming another port to try.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from ..errors import InputError
from .config import WorkbenchConfig, is_loopback

__all__ = ["serve", "make_server", "check_host", "url_of"]


def check_host(config: WorkbenchConfig) -> WorkbenchConfig:
    """Refuse a non-loopback ``host`` unless ``allow_remote``; warn when it is allowed."""
    if is_loopback(config.host):
        return config
    if not config.allow_remote:
        raise InputError(
            f"--host {config.host} is not a loopback address: anyone who can "
            "reach it could use the workbench and read your files' analyses; "
            "add --allow-remote if that is what you want",
            "error",
        )
    sys.stderr.write(
        f"warning: listening on {config.host}: anyone who can reach this port "
        "can use the workbench (no login, no encryption)\n"
    )
    return config


def _open_store(config: WorkbenchConfig) -> WorkbenchConfig:
    """Open the run store now: a named store that cannot be used stops the server (exit 2);
    the default store that cannot be created only costs the recording, with a warning."""
    from ..store.engine import StoreError
    from ..store.location import ENV_VAR
    from .runstore import store_of

    try:
        store_of(config)
    except StoreError as exc:
        if config.store or os.environ.get(ENV_VAR, "").strip() or not exc.unreachable:
            raise
        sys.stderr.write(f"warning: runs are not recorded: {exc}\n")
        return dataclasses.replace(config, store="none")
    return config


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _listening_socket(config: WorkbenchConfig) -> Any:
    """A socket bound to ``config.host:config.port`` and listening (our own, so that a port
    in use is reported here, once, with what to do)."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(config.host, config.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--host {config.host}: {exc.strerror}", "error") from None
    family, _type, _proto, _name, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"port {config.port} on {config.host} is in use (another "
                f"workbench?); choose another with --port, e.g. --port "
                f"{config.port + 1}, or --port 0 for any free one",
                "error",
            ) from None
        raise InputError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", "error"
        ) from None
    return sock


def make_server(config: WorkbenchConfig) -> tuple[Any, Any]:
    """``(server, app)``: a threaded WSGI server bound to ``config.host:config.port`` (port 0:
    a free one, see ``server.port``), not yet serving.

    Raises :class:`InputError` when the port is taken or the address cannot be used.
    """
    from werkzeug.serving import make_server as werkzeug_server

    from .app import create_app

    sock = _listening_socket(config)
    app = create_app(config)
    server = werkzeug_server(
        config.host, sock.getsockname()[1], app, threaded=True, fd=sock.fileno()
    )
    sock.detach()  # the server owns the descriptor now
    return server, app


def _warm_up(config: WorkbenchConfig) -> None:
    """Load the first scenario and the eum model once, off the request path, so that the
    first what-if is as quick as the next ones (the model's compiled code is loaded here),
    and start the explanation's worker process (it warms up on its own)."""
    from .api import run_forecast
    from .ui.pages._shared import EXPLAINER

    try:
        run_forecast(
            {
                "scenario": config.input or "nagorno-karabakh-2020",
                "model": ["eum"],
                "record": False,
            },
            config,
        )
    except Exception:  # noqa: BLE001 - the page reports the scenario's problems itself
        pass
    EXPLAINER.start()  # after the forecast's warm-up, not competing with it for the CPU


def _stop_on_sigterm() -> Callable[[], None]:
    """SIGTERM (a service manager, ``kill``) stops the server as Ctrl-C does; returns the
    function that puts the previous handlers back."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, stop)
    old_int = signal.getsignal(signal.SIGINT)
    if old_int is signal.SIG_IGN:  # started in the background by a shell
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def restore() -> None:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)

    return restore


def serve(config: WorkbenchConfig, *, open_browser: bool = True) -> None:
    """Serve until interrupted (Ctrl-C), printing the URL and opening the browser when
    ``open_browser`` and standard output is a terminal."""
    config = _open_store(check_host(config))
    server, app = make_server(config)
    url = url_of(config.host, server.port)
    sys.stdout.write(f"equipoise workbench: {url}  (Ctrl-C stops it)\n")
    sys.stdout.flush()
    threading.Thread(target=_warm_up, args=(config,), name="equipoise-warm-up", daemon=True).start()
    if open_browser and sys.stdout.isatty():
        import webbrowser

        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    restore_signals = _stop_on_sigterm()
    try:
        server.serve_forever()  # returns on Ctrl-C (werkzeug catches KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        restore_signals()
        sys.stderr.write("equipoise workbench: stopping (background jobs cancelled)\n")
        server.server_close()
        jobs = app.extensions.get("equipoise_jobs")
        stuck = jobs.shutdown(wait=True) if jobs is not None else []
        from .runstore import close_stores

        close_stores()
        from .ui.pages._shared import EXPLAINER

        EXPLAINER.close()
        if stuck:  # a job that reports no progress cannot be stopped: do not wait for it
            sys.stderr.write(
                f"equipoise workbench: {len(stuck)} job(s) still running "
                f"({', '.join(j.command for j in stuck)}) left behind\n"
            )
            sys.stderr.flush()
            os._exit(0)

"""What the workbench was started with."""

from __future__ import annotations

from dataclasses import dataclass, field

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class WorkbenchConfig:
    """Settings of one workbench server.

    ``input`` is the scenario opened first (a built-in name or a file); ``store`` the run-store
    URL (None: the default store; ``""``: no store); ``host``/``port`` where the server listens.
    ``allowed_hosts`` are the Host header values accepted (loopback names unless remote access
    was allowed).
    """

    input: str | None = None
    store: str | None = None
    host: str = "127.0.0.1"
    port: int = 8050
    allow_remote: bool = False
    allowed_hosts: tuple[str, ...] = field(default=LOOPBACK_HOSTS)
    max_upload_bytes: int = 5 * 1024 * 1024

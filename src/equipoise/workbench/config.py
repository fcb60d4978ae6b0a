"""What the workbench was started with."""

from __future__ import annotations

from dataclasses import dataclass, field

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback interface."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WorkbenchConfig:
    """Settings of one workbench server.

    ``input`` is the scenario opened first (a built-in name or a file); ``store`` the run-store
    URL (``None``: ``$EQUIPOISE_STORE`` or the user's default store; ``"none"``: no
    recording); ``host``/``port`` where the server listens. ``allowed_hosts`` are the Host
    header values accepted (loopback names unless remote access was allowed);
    ``max_upload_bytes`` caps a request's body; ``max_jobs`` background jobs run at once.
    """

    input: str | None = None
    store: str | None = None
    host: str = "127.0.0.1"
    port: int = 8050
    allow_remote: bool = False
    allowed_hosts: tuple[str, ...] = field(default=LOOPBACK_HOSTS)
    max_upload_bytes: int = 5 * 1024 * 1024
    max_jobs: int = 1

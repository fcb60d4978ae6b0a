"""What the browser tests share: Debian's Chromium driven by Playwright, headless.

``sync_api = require_browser()`` at the top of a test module skips the whole module, with the
reason, when Playwright for Python or the browser is missing; ``CHROMIUM`` and ``ARGS`` are
what ``p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)`` takes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> ModuleType:
    """``playwright.sync_api``, or skip the calling module saying what is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright for Python is not installed (pip install playwright; it is in the "
        "test extras)",
    )
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium "
            "(run .ci/setup-browser as root on Debian)",
            allow_module_level=True,
        )
    return sync_api

"""Test configuration: make the shared test helpers (``tests/fuzzing.py``) importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


import os  # noqa: E402

import pytest  # noqa: E402

# the coverage summary, and its gate on a full run (hooks; see tests/coverage_gate.py)
from coverage_gate import (  # noqa: E402, F401
    pytest_deselected,
    pytest_sessionfinish,
    pytest_terminal_summary,
)


@pytest.fixture(autouse=True, scope="session")
def _run_store_outside_the_user_data_folder(tmp_path_factory: pytest.TempPathFactory):
    """Every run the tests record goes to a throwaway store, never to the user's data folder
    (tests that need a store of their own pass --store or set EQUIPOISE_STORE themselves)."""
    old = os.environ.get("EQUIPOISE_STORE")
    os.environ["EQUIPOISE_STORE"] = str(tmp_path_factory.mktemp("store") / "runs.sqlite")
    yield
    if old is None:
        os.environ.pop("EQUIPOISE_STORE", None)
    else:
        os.environ["EQUIPOISE_STORE"] = old

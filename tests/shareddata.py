"""Where the development data lives, for the tests that use it.

The workplace keeps it in ``shared/`` beside the repository; ``$EQUIPOISE_SHARED`` points
elsewhere. A user's clone has none of it: the tests that need it skip with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_CANDIDATES = [Path(os.environ["EQUIPOISE_SHARED"])] if "EQUIPOISE_SHARED" in os.environ else []
_CANDIDATES += [Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")]

#: The shared folder (``seed/``, ``docs/``, ``data/``), or the first candidate if none exists.
SHARED = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
#: Its development data sets.
DATA = SHARED / "data"


def data_file(*parts: str) -> Path:
    """``DATA/<parts>``; skips the calling test with the reason when the file is absent."""
    path = DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"development data {path} is absent (it exists only in the equipoise "
                    "workplace; set EQUIPOISE_SHARED to its shared folder)")
    return path

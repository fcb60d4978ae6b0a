"""Test configuration: make the shared test helpers (``tests/fuzzing.py``) importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

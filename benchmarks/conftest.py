"""Collect the ``bench_*.py`` modules when pytest is pointed at this folder::

.venv/bin/python -m pytest benchmarks/ --benchmark-only
"""

from __future__ import annotations

import pytest


def pytest_collect_file(parent, file_path):
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and not parent.session.isinitpath(file_path)
    ):  # explicit paths are collected anyway
        return pytest.Module.from_parent(parent, path=file_path)
    return None

"""The repository's lint, format and type checks, run as part of the test suite.

`.ci/run` runs exactly the README's test command (`python -m pytest -q`), so the checks are
tests: each runs the tool as a subprocess on the whole repository, with the configuration
in `pyproject.toml`, and fails with the tool's own report. ruff and mypy come with the
`test` extra. Fix what they report (`ruff check --fix .`, `ruff format PATH`), or see
"Development" in README.md for what each check covers.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file() or not (ROOT / "src" / "equipoise").is_dir(),
    reason="the code checks need the source tree (not an installed copy)",
)


def _run(module: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed: install the test extra (pip install -e '.[test]')")
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _report(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


def test_ruff_lint() -> None:
    """pycodestyle, pyflakes, import order, bugbear, pyupgrade (rules in [tool.ruff.lint])."""
    proc = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert proc.returncode == 0, _report(proc)


def test_ruff_format() -> None:
    """Formatted as `ruff format` would (paths under [tool.ruff.format] exclude are not yet)."""
    proc = _run("ruff", "format", "--no-cache", "--check", ".")
    assert proc.returncode == 0, _report(proc)


def test_mypy() -> None:
    """The package type-checks: strictly on the public API, normally elsewhere ([tool.mypy])."""
    proc = _run("mypy", "--no-error-summary", "--hide-error-context")
    assert proc.returncode == 0, _report(proc)

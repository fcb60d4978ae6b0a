"""Branch coverage of the test suite: a summary after every run, a gate after a full run.

pytest-cov measures every run (``addopts`` in ``pyproject.toml``: ``--cov``, branch coverage,
its own report turned off). After the run this module prints one line per gated package
(``models``, ``network``, ``decision``: at least :data:`THRESHOLD` % of their statements and
branches), the modules of those packages under the threshold, and the modules no test ran.
The threshold is enforced only on a **full run** — the whole ``tests/`` folder, nothing
deselected, no test failed (a failure already fails the run): a developer running one test
file sees the numbers without a failure that says nothing about the file. ``--no-cov`` turns
both the measurement and the gate off. Hooks re-exported by ``tests/conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Minimum branch coverage, in percent, of each gated package.
THRESHOLD = 90.0

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "equipoise"
TESTS = ROOT / "tests"
GATED = ("models", "network", "decision")


@dataclass
class CoverageSummary:
    """Branch coverage per gated package and the modules to look at."""

    packages: dict[str, float]
    under: list[tuple[str, float]] = field(default_factory=list)  # gated modules < THRESHOLD
    untested: list[str] = field(default_factory=list)  # modules no test ran
    failing: list[str] = field(default_factory=list)  # gated packages < THRESHOLD

    def lines(self, full: bool = True) -> list[str]:
        """The totals; on a full run also the modules under the threshold and those no test
        ran (after a subset of the tests, those lists would name most of the package)."""
        totals = ", ".join(f"{name} {pct:.1f} %" for name, pct in self.packages.items())
        out = [f"branch coverage: {totals} (at least {THRESHOLD:g} % each on a full run)"]
        if not full:
            out[0] += "; a subset of the tests ran: not checked"
            return out
        if self.under:
            out.append(
                f"under {THRESHOLD:g} %: "
                + ", ".join(f"{name} {pct:.0f} %" for name, pct in self.under)
            )
        if self.untested:
            out.append("not run by any test: " + ", ".join(self.untested))
        return out


_deselected = 0
_summary: CoverageSummary | None = None
_full = False
_gate_failed = False


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(PACKAGE).as_posix()
    except ValueError:
        return path


def summarise() -> CoverageSummary | None:
    """The summary of the coverage data pytest-cov saved (``None`` when there is none).

    Coverage of a package = (statements run + branches taken) / (statements + branches),
    as ``coverage report`` counts with ``branch = true``."""
    import json
    import tempfile

    import coverage

    cov = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"))
    cov.load()
    if not cov.get_data().measured_files():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coverage.json"
        cov.json_report(outfile=str(out), ignore_errors=True)
        files = json.loads(out.read_text(encoding="utf-8"))["files"]
    done: dict[str, int] = dict.fromkeys(GATED, 0)
    total: dict[str, int] = dict.fromkeys(GATED, 0)
    summary = CoverageSummary({})
    for path, entry in sorted(files.items(), key=lambda kv: _relative(kv[0])):
        name, numbers = _relative(path), entry["summary"]
        if numbers["covered_lines"] == 0:
            summary.untested.append(name)
        package = name.split("/")[0]
        if package not in GATED:
            continue
        done[package] += numbers["covered_lines"] + numbers.get("covered_branches", 0)
        total[package] += numbers["num_statements"] + numbers.get("num_branches", 0)
        if numbers["percent_covered"] < THRESHOLD:
            summary.under.append((name, numbers["percent_covered"]))
    summary.packages = {p: 100.0 * done[p] / total[p] if total[p] else 100.0 for p in GATED}
    summary.failing = [p for p, pct in summary.packages.items() if pct < THRESHOLD]
    return summary


def _coverage_on(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "cov_source", None)) and not getattr(
        config.option, "no_cov", False
    )


def _full_run(session: pytest.Session) -> bool:
    config = session.config
    if config.option.keyword or config.option.markexpr or _deselected:
        return False
    if session.testsfailed or session.shouldstop or session.shouldfail:
        return False
    given = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    return given <= {TESTS, ROOT}


def pytest_deselected(items: list[pytest.Item]) -> None:
    global _deselected
    _deselected += len(items)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """pytest-cov has saved its data by now (at the end of the test loop)."""
    global _summary, _full, _gate_failed
    if not _coverage_on(session.config) or exitstatus == pytest.ExitCode.INTERRUPTED:
        return
    _summary = summarise()
    _full = _full_run(session)
    if _summary is not None and _summary.failing and _full:
        _gate_failed = True
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _summary is None:
        return
    for line in _summary.lines(full=_full):
        terminalreporter.write_line(line)
    if _gate_failed:
        terminalreporter.write_line(
            f"FAILED: branch coverage under {THRESHOLD:g} % in " + ", ".join(_summary.failing),
            red=True,
        )

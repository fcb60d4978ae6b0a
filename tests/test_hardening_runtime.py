"""Issue 12 findings outside the readers: report links, decide's arguments, numba's cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from equipoise.decision import decide
from equipoise.io import load
from equipoise.report.render import web_link

FIXTURES = Path(__file__).parent / "fixtures"


# -- only web links in the report -------------------------------------------------------------


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://example.org/a?b=c", "https://example.org/a?b=c"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.org/x", None),
        ("http:/no-host", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_links(url, link) -> None:
    assert web_link(url) == link


def test_report_renders_other_urls_as_text(tmp_path: Path) -> None:
    from equipoise.analysis import run_analysis
    from equipoise.report import write_report

    s = load(FIXTURES / "minimal.yaml")
    evil = s.sources[0].model_copy(update={"url": "javascript:alert(document.cookie)"})
    good = s.sources[0].model_copy(update={"id": "web", "url": "https://example.org/page"})
    s = s.model_copy(update={"sources": [evil, good, *s.sources[1:]]})
    html = write_report(run_analysis(s, draws=0, seed=1), tmp_path)["report"].read_text("utf-8")
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert(document.cookie)" in html  # still shown, as text
    assert 'href="https://example.org/page"' in html


# -- decide's arguments -----------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"draws": -5}, {"draws": 2.5}, {"seed": -1}])
def test_decide_refuses_negative_draws_and_seeds(kwargs) -> None:
    s = load("nagorno-karabakh-2020")
    with pytest.raises(ValueError, match="must be a whole number >= 0"):
        decide(s, **kwargs)


# -- numba's cache ----------------------------------------------------------------------------

NO_LOCATOR = '''
class NoLocator:
    """A numba cache locator that never finds a writable place (a read-only install)."""
    @classmethod
    def from_function(cls, py_func, source_path):
        return None
'''


def test_kernels_work_when_no_cache_folder_is_writable(tmp_path: Path) -> None:
    pytest.importorskip("numba")
    (tmp_path / "nolocator.py").write_text(NO_LOCATOR, encoding="utf-8")
    env = dict(
        os.environ,
        NUMBA_CACHE_LOCATOR_CLASSES="nolocator.NoLocator",
        PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    )
    env.pop("EQUIPOISE_NUMBA", None)
    code = (
        "from equipoise.models import eum, exchange, forecast\n"
        "from equipoise.io import load\n"
        "s = load('nagorno-karabakh-2020')\n"
        "print(eum._kernel() is not None, exchange._kernel() is not None)\n"
        "print(forecast(s, 'eum', rounds=3).outcome)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "True True"  # compiled, just not cached on disk


# -- show --section ---------------------------------------------------------------------------


def test_show_refuses_unknown_sections_and_lists_them() -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    result = CliRunner().invoke(app, ["show", "nagorno-karabakh-2020", "--section", "foo"])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("--section: unknown section 'foo'; expected one of actors,")
    assert "actual_choice" in result.stderr


@pytest.mark.parametrize(
    "section, title, expected",
    [
        ("options", "Options", "Deploy peacekeepers"),
        ("variants", "Variants", "fighting-on-armenian-territory"),
        ("doctrines", "Doctrines", "trenin"),
        ("checkpoints", "Checkpoints", "2020-09-26"),
        ("actual_choice", "Actual choice", "deploy-peacekeepers"),
    ],
)
def test_show_decision_sections(section: str, title: str, expected: str) -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    result = CliRunner().invoke(
        app, ["show", "nagorno-karabakh-2020", "--section", section], terminal_width=250
    )
    assert result.exit_code == 0, result.stderr
    assert title in result.stdout and expected in result.stdout
    assert "Actors" not in result.stdout  # only the chosen section


def test_show_says_when_a_chosen_section_is_empty() -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    result = CliRunner().invoke(
        app, ["show", str(FIXTURES / "minimal.yaml"), "--section", "doctrines"]
    )
    assert result.exit_code == 0 and "no records in: doctrines" in result.stdout


# -- analyze on a network without issues; --param messages; KTAB shares ------------------------


def test_analyze_a_signed_edge_list(tmp_path: Path) -> None:
    """No issues, so no model applies: used to raise IndexError and leave --out empty."""
    import json

    from typer.testing import CliRunner

    from equipoise.cli import app

    out = tmp_path / "rep"
    result = CliRunner().invoke(
        app, ["analyze", str(FIXTURES / "highland_tribes.tsv"), "--out", str(out), "--draws", "0"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["skipped"]["forecasts"] == "the scenario has no issues with stances"
    assert "frustration index" in (out / "report.html").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize(
    "param, message",
    [
        ("Q=abc", "error: --param Q=abc: expected a number (model eum, default 1.0)"),
        ("self=1", "error: --param self: none of the models eum takes it"),
    ],
)
def test_param_errors_name_the_parameter(param: str, message: str) -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    result = CliRunner().invoke(
        app, ["forecast", "nagorno-karabakh-2020", "-m", "eum", "-p", param]
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == message


def test_ktab_saliences_given_as_shares_are_refused(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    path = tmp_path / "k.csv"
    path.write_text(
        "K,desc,2,1\nActor,Description,Power,A Position,A Salience\nX,d,10,20,0.3\nY,d,5,80,0.9\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2: every salience is between 0 and 1")


def test_dir_shows_the_lazy_api() -> None:
    import equipoise

    assert {"load", "save", "forecast", "forecast_batch", "Scenario"} <= set(dir(equipoise))
    assert callable(equipoise.load)

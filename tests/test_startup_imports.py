"""Start-up stays light: the command line and the scenario validator do not import the heavy
numerical libraries (SciPy, Matplotlib, numba, HiGHS, Jinja2) until a command needs them;
a command imports only what it uses: SQLAlchemy when it records a run (not with
``--no-store``), the bargaining model it runs (not the others), rich's console when it
prints for a person (not ``--json``), NumPy when it computes (not ``--help`` or
``validate``), ruamel.yaml when it reads YAML, the scenario models when it reads a scenario.

Behavioural, not timed: each check runs in a fresh interpreter and inspects ``sys.modules``
(the speed itself is measured in ``benchmarks/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
KTAB = str(FIXTURES / "ktab" / "dummyData_3Dim.csv")
EDGES = str(FIXTURES / "highland_tribes.tsv")
MINIMAL = str(FIXTURES / "minimal.yaml")

HEAVY = ("scipy", "matplotlib", "numba", "highspy", "jinja2", "networkx")


def _loaded_after(code: str) -> list[str]:
    probe = (
        code + "\nimport json, sys\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
        f" & {set(HEAVY)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import equipoise.cli") == []


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert _loaded_after("import equipoise") == []


@pytest.mark.parametrize("argv", [["--help"], ["validate", "nagorno-karabakh-2020"], ["scenarios"]])
def test_light_commands_load_no_heavy_library(argv: list[str]) -> None:
    code = (
        "import contextlib, io\nfrom equipoise.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        app({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
    )
    assert _loaded_after(code) == []


def _modules_after_command(argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Every module loaded by a fresh interpreter that runs ``equipoise ARGV`` (exit 0)."""
    code = (
        "import contextlib, io, json, sys\nfrom equipoise.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        app({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _present(loaded: set[str], names: list[str]) -> list[str]:
    """Those of ``names`` (modules or packages) that are loaded."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in loaded)]


OTHER_MODELS = [
    "equipoise.models.median",
    "equipoise.models.eum",
    "equipoise.models.exchange",
    "equipoise.models.smp",
    "equipoise.models.pce",
]


@pytest.mark.parametrize(
    "argv", [["--help"], ["validate", MINIMAL], ["validate", "nagorno-karabakh-2020"]]
)
def test_help_and_validate_load_no_store_numpy_or_model(argv: list[str]) -> None:
    loaded = _modules_after_command(argv)
    assert (
        _present(
            loaded,
            ["sqlalchemy", "alembic", "numpy", "scipy", "equipoise.models.api", *OTHER_MODELS],
        )
        == []
    )


def test_forecast_json_without_store_loads_only_its_model() -> None:
    loaded = _modules_after_command(["forecast", KTAB, "-m", "mean", "--json", "--no-store"])
    assert "equipoise.models.mean" in loaded  # the model that ran
    assert (
        _present(
            loaded,
            [
                "sqlalchemy",
                "alembic",
                "scipy",
                "numba",
                "rich.console",
                "equipoise.display",
                "ruamel.yaml",
                *OTHER_MODELS,
            ],
        )
        == []
    )


def test_forecast_recorded_loads_the_store_and_records(tmp_path: Path) -> None:
    """The control of the tests above: recording still imports SQLAlchemy and writes the run
    (the lazy imports did not turn recording off)."""
    store = tmp_path / "runs.sqlite"
    loaded = _modules_after_command(
        ["forecast", KTAB, "-m", "mean", "--json"], env={"EQUIPOISE_STORE": str(store)}
    )
    assert "sqlalchemy" in loaded
    import sqlite3

    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT command, status FROM runs").fetchall()
    assert rows == [("forecast", "done")]


def test_edge_list_balance_without_store_loads_no_scenario_models() -> None:
    loaded = _modules_after_command(["balance", EDGES, "--json", "--no-store"])
    assert "highspy" in loaded  # the exact solver ran
    assert (
        _present(
            loaded,
            [
                "sqlalchemy",
                "alembic",
                "equipoise.scenario",
                "scipy.special",
                "ruamel.yaml",
                "rich.console",
            ],
        )
        == []
    )


def test_store_package_imports_no_sqlalchemy() -> None:
    code = (
        "import json, sys\nimport equipoise.store, equipoise.store.record\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert _present(set(json.loads(done.stdout)), ["sqlalchemy", "alembic"]) == []

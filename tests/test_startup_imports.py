"""Start-up stays light: the command line and the scenario validator do not import the heavy
numerical libraries (SciPy, Matplotlib, numba, HiGHS, Jinja2) until a command needs them.

Behavioural, not timed: each check runs in a fresh interpreter and inspects ``sys.modules``
(the speed itself is measured in ``benchmarks/``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "matplotlib", "numba", "highspy", "jinja2", "networkx")


def _loaded_after(code: str) -> list[str]:
    probe = (code + "\nimport json, sys\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
             f" & {set(HEAVY)!r})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import equipoise.cli") == []


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert _loaded_after("import equipoise") == []


@pytest.mark.parametrize("argv", [["--help"], ["validate", "nagorno-karabakh-2020"],
                                  ["scenarios"]])
def test_light_commands_load_no_heavy_library(argv: list[str]) -> None:
    code = ("import contextlib, io\nfrom equipoise.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        app({argv!r})\n"
            "    except SystemExit as exc:\n"
            "        assert not exc.code, exc.code\n")
    assert _loaded_after(code) == []

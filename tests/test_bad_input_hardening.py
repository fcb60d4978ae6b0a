"""Hostile and malformed inputs found by the fuzzing pass of issue 12: each one gives a
located message and exit status 2 (no traceback, no crash, no hang)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_scenario_loading import BASE, replace_line, run_validate
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.errors import InputError
from equipoise.io import detect_format, load
from equipoise.io.document import MAX_BYTES, read_text
from equipoise.io.ktab import dump_ktab

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def located(result, path: Path, line: int | None, fragment: str) -> None:
    """Exit 2, no traceback, and a ``FILE:LINE:`` message containing ``fragment``."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert any(ln.startswith(prefix) and fragment in ln for ln in result.stderr.splitlines()), (
        result.stderr
    )


# -- nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        ("id: t\nx: " + "[" * 1000 + "]" * 1000 + "\n", 2),  # flow, 2 KB
        ("id: t\nx:\n  " + "- " * 1000 + "a\n", 3),  # compact block sequences
        ('{"id": "t",\n "x": ' + "[" * 1000 + "]" * 1000 + "}\n", 2),  # JSON
    ],
)
def test_deep_nesting_is_refused_before_parsing(tmp_path: Path, text: str, line: int) -> None:
    path, result = run_validate(tmp_path, text, "deep.json" if text.startswith("{") else "s.yaml")
    located(result, path, line, "nested more than 100 levels deep")


def test_very_deep_nesting_does_not_crash_the_process(tmp_path: Path) -> None:
    """30,000 levels (60 KB) crashed the C YAML parser (segmentation fault)."""
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * 30000 + "]" * 30000 + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from equipoise.cli import app; app()", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"{path}:1: nested more than 100 levels deep")


def test_scenarios_nest_far_less_than_the_limit() -> None:
    from equipoise.io.document import nesting_problem

    for name in ("scenarios/nagorno_karabakh_2020.yaml", "templates/scenario.yaml"):
        text = (Path(__file__).parents[1] / "src" / "equipoise" / name).read_text("utf-8")
        assert nesting_problem(name, text, max_depth=12) is None


# -- what is read -----------------------------------------------------------------------------


def test_read_text_refuses_more_than_its_limit(tmp_path: Path) -> None:
    """The limit is found by reading at most limit + 1 bytes (see the /dev/zero test)."""
    path = tmp_path / "big.yaml"
    path.write_text(BASE + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="limit is 1,000 bytes"):
        read_text(path, max_bytes=1000)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_device_is_refused_without_reading() -> None:
    result = runner.invoke(app, ["validate", "/dev/zero"])
    assert result.exit_code == 2
    assert result.stderr.startswith("/dev/zero: is not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-c", "from equipoise.cli import app; app()", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{fifo}: is not a regular file")


def test_size_limit_message(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, BASE + "# " + "x" * (MAX_BYTES + 10) + "\n")
    located(result, path, None, f"the limit is {MAX_BYTES:,} bytes")


# -- numbers ----------------------------------------------------------------------------------


def test_json_integer_of_4300_digits(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, '{"id": "t",\n "n": ' + "9" * 4300 + "}\n", "s.json")
    located(result, path, 2, "a number with 4,300 digits")


def test_yaml_integer_of_4300_digits(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, BASE + "extra: " + "9" * 4300 + "\n")
    located(result, path, 20, "a number with 4,300 digits")


@pytest.mark.parametrize("number", ["1e308", "-1.7e300", "12345678901234567"])
def test_magnitudes_that_overflow_are_refused(tmp_path: Path, number: str) -> None:
    text = replace_line(
        BASE, 7, f"  - {{id: A, name: Alpha, capability: {number}, assumption: guess}}"
    )
    path, result = run_validate(tmp_path, text)
    located(result, path, 7, "expected a number between -1e+15 and 1e+15")


def test_magnitudes_in_a_ktab_table_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(
        "K,desc,2,1\nActor,Description,Power,A Position,A Salience\n"
        "X,d,1e308,20,30\nY,d,1,80,100\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["forecast", str(path), "--model", "mean", "--json"])
    located(result, path, 3, "'1e308' is larger than 1e+15 in size")


# -- JSON duplicate keys ----------------------------------------------------------------------


def test_json_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    text = '{\n  "id": "t",\n  "title": "x",\n  "id": "u"\n}\n'
    path, result = run_validate(tmp_path, text, "s.json")
    located(result, path, 4, "key 'id' appears twice")


def test_json_duplicate_key_in_a_nested_object(tmp_path: Path) -> None:
    text = (
        '{"id": "t", "title": "x",\n "actors": [\n  {"id": "A", "name": "a",\n   "name": "b"}]}\n'
    )
    path, result = run_validate(tmp_path, text, "s.json")
    located(result, path, 4, "key 'name' appears twice")


# -- messages ---------------------------------------------------------------------------------


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    text = BASE.replace("  - {id: B, name: Beta", "\t- {id: B, name: Beta")
    path, result = run_validate(tmp_path, text)
    located(result, path, 8, "tabs are not allowed for indentation")


def test_impossible_date_says_the_day_is_out_of_range(tmp_path: Path) -> None:
    text = replace_line(
        BASE, 19, "  - {date: 2022-02-30, kind: war, description: w, assumption: e}"
    )
    path, result = run_validate(tmp_path, text)
    located(result, path, 19, "2022-02-30 does not exist (day is out of range for month)")


def test_impossible_as_of_date_on_the_command_line() -> None:
    result = runner.invoke(app, ["balance", "nagorno-karabakh-2020", "--as-of", "2022-02-30"])
    assert result.exit_code == 2
    assert "day is out of range for month" in result.stderr


def test_semicolon_csv_says_which_formats_are_expected(tmp_path: Path) -> None:
    path, result = run_validate(tmp_path, "a;b;c\n1;2;3\n", "data.csv")
    located(result, path, 1, "a KTAB CSV (comma-separated)")
    assert "signed edge list" in result.stderr


def test_first_line_over_128_kb(tmp_path: Path) -> None:
    """The csv module's field limit (128 KB) used to escape as a traceback."""
    path, result = run_validate(tmp_path, "a,b,c,d\n" + "x" * 140_000 + ",1,2,3\n", "w.csv")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert detect_format("x" * 140_000 + ",1\n") == "scenario"


# -- edge lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a\tb\t+\nb\tc\t-\n",
        "u v sign\na b 1\nb c -1\n",
        "a,b,+1\nb,c,-1   # a comment\n",
    ],
)
def test_edge_list_variants_are_recognised(tmp_path: Path, text: str) -> None:
    assert detect_format(text) == "edgelist"
    path = tmp_path / "e.txt"
    path.write_text(text, encoding="utf-8")
    s = load(path)
    assert sorted((r.from_, r.to, r.sign) for r in s.relations) == [("a", "b", 1), ("b", "c", -1)]


def test_edge_list_labels_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text("New York, Los Angeles, +\nLos Angeles, San Diego, -1\n", encoding="utf-8")
    s = load(path)
    assert [(a.id, a.name) for a in s.actors] == [
        ("New-York", "New York"),
        ("Los-Angeles", "Los Angeles"),
        ("San-Diego", "San Diego"),
    ]
    assert sorted((r.from_, r.to, r.sign) for r in s.relations) == [
        ("Los-Angeles", "San-Diego", -1),
        ("New-York", "Los-Angeles", 1),
    ]


# -- DEU columns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, fragment",
    [
        ('"isnr"\t"pde"\t"pDE"\t"sde"\t"sDE"\t"out"', "'pde' and 'pDE' differ only in case"),
        ('"isnr"\t"pde"\t"sde"\t"pde"\t"sde"\t"out"', "'pde' repeats 'pde'"),
    ],
)
def test_deu_columns_that_clash_are_refused(tmp_path: Path, header: str, fragment: str) -> None:
    path = tmp_path / "d.tsv"
    path.write_text(header + '\n"x1"\t10\t20\t30\t40\t50\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    located(result, path, 1, fragment)


# -- KTAB export ------------------------------------------------------------------------------


def test_ktab_export_of_a_multiline_title_reads_back(tmp_path: Path) -> None:
    s = load(FIXTURES / "ktab" / "dummyData_3Dim.csv")
    s = s.model_copy(update={"title": "two\nlines, with a comma", "description": "a\nb"})
    path = tmp_path / "k.csv"
    path.write_text(dump_ktab(s), encoding="utf-8")
    again = load(path)
    assert again.title == "two lines, with a comma"
    assert [st.position.value for st in again.stances] == [st.position.value for st in s.stances]


def test_edge_list_weights_that_overflow_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_text("a b 1 2\nb c -1 1e308\n", encoding="utf-8")
    result = runner.invoke(app, ["balance", str(path)])
    located(result, path, 2, "bad weight '1e308': expected a number > 0 and at most 1e+15")

"""One JSON edge and one number formatter (issue 12): no ``NaN`` or ``Infinity`` is ever
printed as JSON — every ``--json`` output and ``results.json`` pass through
:mod:`equipoise.strict_json`, which writes a non-finite number as ``null`` — and every number
written as text comes from :mod:`equipoise.numfmt`."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.numfmt import fmt_exact, fmt_num
from equipoise.strict_json import dumps, json_ready

runner = CliRunner()
TEMPLATE = Path(__file__).parents[1] / "src" / "equipoise" / "templates" / "scenario.yaml"


def strict_loads(text: str):
    """Parse ``text`` as RFC 8259 JSON: ``NaN``/``Infinity`` are errors."""

    def refuse(name: str):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null_everywhere() -> None:
    value = {
        "a": math.nan,
        "b": [1.5, math.inf, -math.inf],
        "c": (np.float64("nan"), 2),
        "d": np.array([[1.0, np.inf], [np.nan, 3.0]]),
        "e": np.float32(np.inf),
        "f": {"g": np.int64(7), "h": np.bool_(True), 3: dt.date(2020, 9, 27)},
    }
    assert json_ready(value) == {
        "a": None,
        "b": [1.5, None, None],
        "c": [None, 2],
        "d": [[1.0, None], [None, 3.0]],
        "e": None,
        "f": {"g": 7, "h": True, "3": "2020-09-27"},
    }
    assert strict_loads(dumps(value))["b"] == [1.5, None, None]


def test_dumps_refuses_what_the_cleaner_would_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    """``allow_nan=False`` at the edge: a regression in the cleaner fails loudly."""
    import equipoise.strict_json as sj

    monkeypatch.setattr(sj, "json_ready", lambda v: v)
    with pytest.raises(ValueError):
        sj.dumps({"x": math.nan})


def test_a_nan_in_a_result_is_null_in_the_json_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--json`` used ``json.dumps`` with its default ``allow_nan=True``: a NaN anywhere in a
    result printed ``NaN``, which is not JSON."""
    import equipoise.models.api as api

    real = api.forecast_dict

    def with_nan(fc):
        data = real(fc)
        first = next(iter(data))
        data[first]["outcome"] = float("nan")
        data[first]["extra"] = np.array([np.inf, 1.0])
        return data

    monkeypatch.setattr(api, "forecast_dict", with_nan)
    result = runner.invoke(app, ["forecast", str(TEMPLATE), "--model", "mean", "--json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data = strict_loads(result.stdout)
    issue = data["models"]["mean"]["border"]
    assert issue["outcome"] is None and issue["extra"] == [None, 1.0]


@pytest.mark.parametrize(
    "args",
    [
        ["scenarios"],
        ["validate", "nagorno-karabakh-2020"],
        ["show", "nagorno-karabakh-2020"],
        ["forecast", "nagorno-karabakh-2020"],
        ["balance", "nagorno-karabakh-2020"],
        ["decide", "nagorno-karabakh-2020", "--draws", "20"],
        ["decide", str(TEMPLATE), "--draws", "8"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_every_json_output_is_strict_json(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    strict_loads(result.stdout)


def test_results_json_writes_null_for_a_non_finite_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from equipoise.analysis import Analysis
    from equipoise.io import load
    from equipoise.report.render import results_json

    analysis = Analysis(load(TEMPLATE), params={"draws": 0, "odd": [math.inf, np.nan]})
    data = strict_loads(results_json(analysis))
    assert data["params"]["odd"] == [None, None]


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (49.53, 3, "49.53"),
        (1 / 3, 3, "0.333"),
        (12.0, 3, "12"),
        (-0.0001, 3, "0"),
        (2.5, 0, "2"),
        (None, 3, "-"),
        (math.nan, 2, "-"),
        (math.inf, 1, "∞"),
        (-math.inf, 1, "-∞"),
        (np.float64(7.25), 1, "7.2"),
    ],
)
def test_fmt_num_for_people(value, digits: int, text: str) -> None:
    assert fmt_num(value, digits) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (49.53, "49.53"),
        (0.1 + 0.2, "0.3"),
        (-0.0, "0"),
        (1e-7, "1e-07"),
        (123456.789, "123456.789"),
    ],
)
def test_fmt_exact_for_files(value: float, text: str) -> None:
    assert fmt_exact(value) == text
    assert float(text) == pytest.approx(value, rel=1e-11, abs=0)


def test_one_formatter_for_the_terminal_and_the_report() -> None:
    from equipoise import display, numfmt

    assert display.fmt_num is numfmt.fmt_num


def test_one_cleaner_for_rounded_figures_and_the_run_store() -> None:
    """``rounded`` (explain, sensitivity) and the run store's ``to_json`` clean with the one
    cleaner: non-finite -> null, NumPy numbers -> numbers, sets -> sorted lists."""
    from equipoise.decision.sensitivity import SobolIndices
    from equipoise.store.runs import to_json
    from equipoise.strict_json import rounded

    assert rounded(np.float64(1 / 3), 6) == 0.333333 and rounded(math.nan, 3) is None
    assert rounded("x", 2) is None and rounded(np.inf, 12) is None
    text = to_json({"b": math.inf, "a": np.int64(7), "s": {"z", "y"}, "n": np.nan})
    assert text == '{"a":7,"b":null,"n":null,"s":["y","z"]}'
    assert strict_loads(dumps({"x": [np.nan]}, indent=None, compact=True)) == {"x": [None]}
    idx = SobolIndices(
        groups=["g"],
        first=np.array([np.nan]),
        first_conf=np.array([0.1]),
        total=np.array([np.inf]),
        total_conf=np.array([1 / 3]),
    )
    assert idx.to_dict() == {"g": {"S1": None, "S1_conf": 0.1, "ST": None, "ST_conf": 0.333333}}

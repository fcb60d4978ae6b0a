"""The analysis commands: forecast, backtest, balance (JSON shapes, reference figures, errors)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from shareddata import data_file
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.io import load

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def invoke_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- forecast --------------------------------------------------------------------------------


def test_forecast_json_shape_and_trajectories() -> None:
    data = invoke_json("forecast", str(FIXTURES / "decision.yaml"), "--rounds", "6")
    assert set(data["models"]) == {"mean", "median", "eum", "exchange"}
    scenario = load(FIXTURES / "decision.yaml")
    for issues in data["models"].values():
        assert set(issues) == {"land", "role"}
        for f in issues.values():
            if f["cycle"] is None:  # a cycle's forecast is the mean over the cycle
                assert f["outcome"] == pytest.approx(f["trajectory"][-1])
            assert set(f["positions"]) == {"BIG", "ALLY", "PART", "RIV"}
            assert 0 <= f["outcome"] <= 100
    # eum's trajectory[0] is the weighted median of the initial positions: the position
    # minimising sum_i w_i |x_i - y| (brute force over the actor positions)
    for issue in ("land", "role"):
        st = [s for s in scenario.stances if s.issue == issue]
        x = np.array([s.position.value for s in st])
        w = np.array([s.salience.value * scenario.actor(s.actor).capability.value for s in st])
        cost = [(w * np.abs(x - y)).sum() for y in x]
        assert data["models"]["eum"][issue]["trajectory"][0] == pytest.approx(
            x[int(np.argmin(cost))]
        )


def test_forecast_json_convergence_diagnostics() -> None:
    """Issue 11: per model and issue converged, rounds_run, cycle, range; history for the
    iterative models (index 0 the initial position)."""
    data = invoke_json("forecast", "nagorno-karabakh-2020")
    scenario = load("nagorno-karabakh-2020")
    for model, issues in data["models"].items():
        for issue, f in issues.items():
            assert isinstance(f["converged"], bool) and isinstance(f["rounds_run"], int)
            lo, hi = f["range"]
            assert lo <= f["outcome"] + 1e-9 and f["outcome"] <= hi + 1e-9
            if model in ("mean", "median") or f.get("decided_by"):  # no rounds
                assert "history" not in f and f["rounds_run"] == 0 and lo == hi
                continue
            assert f["rounds_run"] <= 50
            for actor, h in f["history"].items():
                assert len(h) == f["rounds_run"] + 1
                assert h[0] == scenario.stance(actor, issue).position.value
    eum = data["models"]["eum"]
    assert eum["turkey-role"]["cycle"] == 2 and eum["turkey-role"]["outcome"] == 50
    assert eum["turkey-role"]["history"]["FRA"][-1] == pytest.approx(90)
    unsettled = [i for i, f in data["models"]["exchange"].items() if not f["converged"]]
    assert unsettled  # the exchange model keeps trading on the built-in case
    result = runner.invoke(app, ["forecast", "nagorno-karabakh-2020", "-m", "exchange"])
    assert result.stdout.count("warning: exchange:") == len(unsettled)
    assert "did not converge" in result.stdout


def test_forecast_selected_models_and_ktab_input() -> None:
    path = data_file("ktab", "dummyData_3Dim.csv")
    data = invoke_json("forecast", str(path), "--model", "mean")
    outcomes = [f["outcome"] for f in data["models"]["mean"].values()]
    np.testing.assert_allclose(outcomes, [78.7837, 47.5997, 52.3226], atol=1e-3)


def test_forecast_terminal_output_has_rounds() -> None:
    result = runner.invoke(app, ["forecast", "nagorno-karabakh-2020"])
    assert result.exit_code == 0, result.stderr
    assert "Forecasts" in result.stdout and "eum: forecast by round" in result.stdout
    assert "actual" in result.stdout


def test_forecast_refuses_unknown_model_and_one_issue_exchange(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forecast", str(FIXTURES / "decision.yaml"), "-m", "oracle"])
    assert result.exit_code == 2 and "unknown model 'oracle'" in result.stderr
    from equipoise.io import save

    scenario = load(FIXTURES / "decision.yaml")
    one = scenario.model_copy(
        update={
            "issues": scenario.issues[:1],
            "options": [],
            "variants": [],
            "status_quo": None,
            "stances": [s for s in scenario.stances if s.issue == "land"],
        }
    )
    save(one, tmp_path / "one.yaml")
    result = runner.invoke(app, ["forecast", str(tmp_path / "one.yaml"), "-m", "exchange"])
    assert result.exit_code == 2
    assert "issue" in result.stderr and "Traceback" not in result.stderr
    # without --model, the models that apply run (exchange is left out)
    data = invoke_json("forecast", str(tmp_path / "one.yaml"))
    assert set(data["models"]) == {"mean", "median", "eum"}


# -- backtest --------------------------------------------------------------------------------


def test_backtest_reproduces_the_reference_figures() -> None:
    path = data_file("deu3", "deu3-dev.tsv")
    data = invoke_json("backtest", str(path), "--format", "deu", "-m", "mean", "-m", "median")
    assert data["n_issues"] == 182
    # reference figures of data/README.md, tolerance 1e-4
    assert data["models"]["mean"]["mae"] == pytest.approx(22.5508, abs=1e-4)
    assert data["models"]["median"]["mae"] == pytest.approx(27.4382, abs=1e-4)
    assert data["models"]["mean"]["n"] == data["models"]["median"]["n"] == 178
    assert set(data["baselines"]) == {"reference-point", "commission"}
    equal = invoke_json("backtest", str(path), "-m", "mean", "--equal-capability")
    assert equal["models"]["mean"]["mae"] != pytest.approx(22.5508, abs=1e-3)


def test_backtest_all_models_and_skips_explained() -> None:
    path = data_file("deu3", "deu3-dev.tsv")
    data = invoke_json("backtest", str(path))
    assert set(data["models"]) == {"mean", "median", "eum", "exchange"}
    assert len(data["skipped"]) == 4
    assert all(v == "no outcome recorded" for v in data["skipped"].values())
    ex = data["models"]["exchange"]
    assert ex["n"] + ex["skipped"] == 178  # single-issue proposals are skipped, with why


def test_backtest_refuses_other_formats(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", str(FIXTURES / "minimal.yaml"), "--format", "ktab"])
    assert result.exit_code == 2 and "not supported" in result.stderr


# -- balance ---------------------------------------------------------------------------------


def test_balance_highland_tribes() -> None:
    data = invoke_json("balance", str(FIXTURES / "highland_tribes.tsv"))
    assert data["frustration_index"] == 7  # Read (1954); published value
    assert data["optimal"] is True and data["lower_bound"] == 7
    assert len(data["frustrated_edges"]) == 7
    assert sorted(len(g) for g in data["groups"]) and sum(len(g) for g in data["groups"]) == 16
    assert all(set(v) >= {"unbalanced_triads", "triads"} for v in data["actors"].values())


def test_balance_of_the_builtin_names_russias_triads_over_time() -> None:
    result = runner.invoke(app, ["balance", "nagorno-karabakh-2020"])
    assert result.exit_code == 0, result.stderr
    assert "Russia's unbalanced triads over time" in result.stdout
    assert "2020-09-26" in result.stdout and "2020-12-02" in result.stdout
    data = invoke_json("balance", "nagorno-karabakh-2020")
    timeline = data["balancer_timeline"]
    assert [t["date"] for t in timeline] == ["2020-09-26", "2020-11-09", "2020-12-02"]
    for entry in timeline:
        assert all("RUS" in t for t in entry["unbalanced_triads"])
    # the ally (ARM) and the partner (AZE) are hostile at the eve of the truce: unbalanced
    assert any(set(t) == {"RUS", "ARM", "AZE"} for t in timeline[1]["unbalanced_triads"])


def test_balance_as_of_and_bad_date() -> None:
    before = invoke_json("balance", "nagorno-karabakh-2020", "--as-of", "2000-01-01")
    now = invoke_json("balance", "nagorno-karabakh-2020")
    assert before["ties"] < now["ties"]
    result = runner.invoke(app, ["balance", "nagorno-karabakh-2020", "--as-of", "2020-02-30"])
    assert result.exit_code == 2
    assert (
        "is not a date: 2020-02-30 does not exist (day is out of range for month)" in result.stderr
    )


def test_balance_edge_list_duplicates_need_merge(tmp_path: Path) -> None:
    path = tmp_path / "dup.txt"
    path.write_text("a b 1\nb c -1\na b 1\n", encoding="utf-8")
    result = runner.invoke(app, ["balance", str(path)])
    assert result.exit_code == 2 and f"{path}:3:" in result.stderr
    merged = invoke_json("balance", str(path), "--merge")
    assert merged["ties"] == 2 and merged["frustration_index"] == 0


def test_balance_kind_overrides_change_the_graph() -> None:
    plain = invoke_json("balance", "nagorno-karabakh-2020")
    # arms supply to both sides read as hostile ties: more negative ties
    hostile = invoke_json(
        "balance", "nagorno-karabakh-2020", "--sign", "arms-supply=-1", "--weight", "arms-supply=3"
    )
    assert hostile["negative_ties"] > plain["negative_ties"]
    for bad in (
        ["--sign", "war=+2"],
        ["--sign", "war"],
        ["--weight", "war=high"],
        ["--weight", "war=0"],
    ):
        result = runner.invoke(app, ["balance", "nagorno-karabakh-2020", *bad])
        assert result.exit_code == 2 and "expected KIND=VALUE" in result.stderr
    result = runner.invoke(app, ["balance", "nagorno-karabakh-2020", "--weight", "bogus=2"])
    assert result.exit_code == 2 and "'bogus' is not known" in result.stderr


def test_balance_organisations_only_on_request() -> None:
    orgs = {"CSTO", "NATO", "OSCE-MG", "EU"}
    default = invoke_json("balance", "nagorno-karabakh-2020")
    assert not orgs & set(default["actors"])
    assert not default["organisations"]
    assert invoke_json(
        "balance", "nagorno-karabakh-2020", "--no-organisations"
    ) == default or not orgs & set(
        invoke_json("balance", "nagorno-karabakh-2020", "--no-organisations")["actors"]
    )
    included = invoke_json("balance", "nagorno-karabakh-2020", "--organisations")
    assert orgs <= set(included["actors"]) and included["organisations"]
    # memberships tie the members to their organisations
    assert included["ties"] > default["ties"]


def test_forecast_model_parameters() -> None:
    default = invoke_json("forecast", "nagorno-karabakh-2020", "-m", "eum")
    other = invoke_json(
        "forecast",
        "nagorno-karabakh-2020",
        "-m",
        "eum",
        "-m",
        "mean",
        "-p",
        "profile=paper_literal",
    )
    assert other["models"]["eum"] != default["models"]["eum"]  # the profile changes eum
    plain_mean = invoke_json("forecast", "nagorno-karabakh-2020", "-m", "mean")
    assert other["models"]["mean"] == plain_mean["models"]["mean"]  # mean takes no profile
    for bad, message in (
        (["-m", "mean", "-p", "Q=0.5"], "none of the models mean takes it"),
        (["-m", "eum", "-p", "Q=7"], "must lie in [0, 1]"),
        (["-m", "eum", "-p", "Q"], "expected NAME=VALUE"),
    ):
        result = runner.invoke(app, ["forecast", "nagorno-karabakh-2020", *bad])
        assert result.exit_code == 2 and message in result.stderr, result.stderr

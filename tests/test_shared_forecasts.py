"""SMAA draws that share forecasts (``decide(..., forecast_draws=F)``): the automatic rule,
the draws' structure, the standard errors and the CLI flag."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.decision import decide
from equipoise.decision.analysis import (
    FORECAST_BUDGET,
    FORECAST_FLOOR,
    _setting,
    forecast_work,
    shared_forecasts,
)
from equipoise.decision.smaa import acceptability_se, smaa2
from equipoise.io import load

FIXTURE = Path(__file__).parent / "fixtures" / "decision.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load(FIXTURE)


def _results(result) -> dict:
    """The decision's JSON without what says how the draws were organised."""
    out = result.to_dict()
    for key in ("forecast_draws", "forecast_rule", "perturbed"):
        out.pop(key)
    out["params"].pop("forecast_draws")
    return out


# -- the automatic rule ----------------------------------------------------------------------


def test_rule_keeps_one_forecast_per_draw_within_the_budget() -> None:
    assert shared_forecasts(1000, FORECAST_BUDGET // 1000) == 1000  # exactly at the budget
    assert shared_forecasts(1000, 136_800) == 1000  # the built-in case's draw (12 x 4)
    assert shared_forecasts(0, 10**12) == 0


def test_rule_over_the_budget_divides_it_with_a_floor_and_never_exceeds_the_draws() -> None:
    # 200 actors x (10 + 5 x 3) issue forecasts x 50 rounds = 5e7 a draw
    assert shared_forecasts(1000, 200**2 * 25 * 50) == 20
    assert shared_forecasts(1000, FORECAST_BUDGET // 1000 + 1) == 999
    assert shared_forecasts(1000, 10**12) == FORECAST_FLOOR  # the floor
    assert shared_forecasts(5, 10**12) == 5  # never above the draws


def test_forecast_work_counts_pairs_issue_forecasts_and_round_cap(scenario) -> None:
    # by hand from the fixture: 5 actors; the status quo's 2 issues, mediate 1 (role),
    # back-ally 2 (its ally's capability counts on both issues), its twin 0 (identical),
    # press-ally 1 (land): 6 issue forecasts; eum's cap 50 rounds
    st = _setting(scenario, "eum", None, None, {}, None, 0)
    assert forecast_work(st) == 5**2 * 6 * 50
    st10 = _setting(scenario, "eum", None, 10, {}, None, 0)
    assert forecast_work(st10) == 5**2 * 6 * 10
    single = _setting(scenario, "mean", None, None, {}, None, 0)  # single pass: no rounds
    assert forecast_work(single) == 5**2 * 6
    both = _setting(scenario, "eum", None, None, {}, ["eum", "mean"], 0)  # in turn: mean
    assert forecast_work(both) == (5**2 * 6 * 50 + 5**2 * 6 + 1) // 2


def test_small_cases_keep_one_forecast_per_draw(scenario) -> None:
    result = decide(load("nagorno-karabakh-2020"), model="eum", draws=20, seed=0)
    assert result.forecast_draws == 20
    assert (
        shared_forecasts(
            1000,
            forecast_work(_setting(load("nagorno-karabakh-2020"), "eum", None, None, {}, None, 0)),
        )
        == 1000
    )


# -- F = N is today's analysis, F < N shares the forecasts ---------------------------------------


def test_as_many_forecasts_as_draws_is_the_default_analysis(scenario) -> None:
    auto = decide(scenario, model="eum", draws=60, seed=4)
    forced = decide(scenario, model="eum", draws=60, seed=4, forecast_draws=60)
    more = decide(scenario, model="eum", draws=60, seed=4, forecast_draws=500)
    assert auto.forecast_draws == forced.forecast_draws == more.forecast_draws == 60
    assert _results(auto) == _results(forced) == _results(more)


def test_draws_sharing_a_forecast_share_its_outcome_criteria_only(scenario) -> None:
    result = decide(scenario, model="eum", draws=40, seed=2, forecast_draws=6, keep_draws=True)
    kept = result.draws_kept
    assert result.forecast_draws == 6
    assert kept.forecast.tolist() == [n % 6 for n in range(40)]
    outcome = [j for j, c in enumerate(kept.criteria) if c == "outcome" or c.startswith("sat")]
    declared = [kept.criteria.index(c) for c in kept.declared]
    pos = kept.inputs.position
    for f in range(6):
        group = np.flatnonzero(kept.forecast == f)
        assert len(group) >= 6
        assert np.array_equal(pos[group], np.broadcast_to(pos[group[0]], pos[group].shape))
        vals = kept.values[group]
        shared = vals[:, :, outcome]
        assert np.array_equal(shared, np.broadcast_to(shared[:1], shared.shape))
        # each draw its own declared values and tie factors
        assert len({tuple(v.ravel()) for v in vals[:, :, declared]}) == len(group)
        assert len({tuple(t) for t in kept.inputs.ties[group]}) == len(group)
    # distinct forecasts differ
    assert not np.array_equal(pos[0], pos[1])


def test_shared_forecasts_use_the_models_in_turn(scenario) -> None:
    result = decide(
        scenario,
        model="mean",
        models=["mean", "median"],
        draws=12,
        seed=1,
        forecast_draws=3,
        keep_draws=True,
    )
    assert result.draws_kept.inputs.model.tolist() == [(n % 3) % 2 for n in range(12)]


def test_same_seed_same_shared_result(scenario) -> None:
    a = decide(scenario, model="eum", draws=30, seed=9, forecast_draws=5)
    b = decide(scenario, model="eum", draws=30, seed=9, forecast_draws=5)
    assert a.to_dict() == b.to_dict()
    assert "shared forecasts" in " ".join(a.perturbed)
    assert "--forecast-draws 5" in a.forecast_rule


def test_bad_forecast_draws_refused(scenario) -> None:
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="forecast_draws"):
            decide(scenario, model="mean", draws=10, forecast_draws=bad)


# -- standard errors ----------------------------------------------------------------------


def test_standard_errors_by_hand() -> None:
    credit = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    # iid: a = 1/2, sample variance 1/3 -> se = sqrt(1/3 / 4) = sqrt(1/12)
    assert acceptability_se(credit) == pytest.approx([12**-0.5, 12**-0.5], abs=1e-15)
    # two groups {0, 1}, {2, 3}: group totals of (c - a) are +1 and -1;
    # se^2 = G/(G-1) * (1 + 1) / N^2 = 2 * 2 / 16
    assert acceptability_se(credit, np.array([0, 0, 1, 1])) == pytest.approx([0.5, 0.5])
    # groups that mix the draws: totals 0 -> se 0
    assert acceptability_se(credit, np.array([0, 1, 0, 1])) == pytest.approx([0.0, 0.0])
    assert np.isnan(acceptability_se(credit, np.zeros(4))).all()  # one group: undefined


def test_smaa_standard_error_of_a_fixed_winner_share() -> None:
    # option 0 wins exactly the first 30 of 100 draws (values fixed, one criterion)
    values = np.zeros((100, 2, 1))
    values[:30, 0, 0], values[30:, 1, 0] = 1.0, 1.0
    res = smaa2(values, np.ones((100, 1)))
    assert res.acceptability[0] == pytest.approx(0.3)
    assert res.acceptability_se[0] == pytest.approx((0.3 * 0.7 / 99) ** 0.5)
    # the same draws in 10 groups of 10 (groups 0-2 all wins): cluster se
    grouped = smaa2(values, np.ones((100, 1)), groups=np.arange(100) // 10)
    by_hand = (10 / 9 * (3 * 7**2 + 7 * 3**2) / 100**2) ** 0.5
    assert grouped.acceptability_se[0] == pytest.approx(by_hand)


# -- the CLI ------------------------------------------------------------------------------


def _no_nan(text: str) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the JSON")

    return json.loads(text, parse_constant=refuse)


def test_cli_forecast_draws_in_json(scenario) -> None:
    run = CliRunner().invoke(
        app,
        ["decide", str(FIXTURE), "--draws", "40", "--forecast-draws", "8", "--json", "--no-store"],
    )
    assert run.exit_code == 0, run.stderr
    data = _no_nan(run.stdout)
    decision = data.get("decision", data)
    assert decision["forecast_draws"] == 8
    se = decision["acceptability_se"]
    assert set(se) == set(decision["acceptability"])
    assert all(v is None or 0 <= v <= 0.5 for v in se.values())


def test_cli_one_forecast_gives_null_standard_errors() -> None:
    run = CliRunner().invoke(
        app,
        ["decide", str(FIXTURE), "--draws", "10", "--forecast-draws", "1", "--json", "--no-store"],
    )
    assert run.exit_code == 0, run.stderr
    decision = _no_nan(run.stdout)
    decision = decision.get("decision", decision)
    assert decision["forecast_draws"] == 1
    assert all(v is None for v in decision["acceptability_se"].values())


@pytest.mark.parametrize("bad", ["0", "-1", "many"])
def test_cli_bad_forecast_draws_exit_2(bad: str) -> None:
    run = CliRunner().invoke(app, ["decide", str(FIXTURE), "--forecast-draws", bad, "--no-store"])
    assert run.exit_code == 2
    assert "--forecast-draws" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_terminal_says_how_many_forecasts() -> None:
    run = CliRunner().invoke(
        app, ["decide", str(FIXTURE), "--draws", "40", "--forecast-draws", "8", "--no-store"]
    )
    assert run.exit_code == 0, run.stderr
    text = " ".join(run.stdout.split())
    assert "40 draws over 8 distinct forecasts" in text
    assert "clustered by shared forecast" in text


# -- analyze: variants and the flip rule ----------------------------------------------------


def test_analysis_variants_and_flip_with_shared_forecasts(scenario) -> None:
    pytest.importorskip("ema_workbench")
    from equipoise.analysis import run_analysis

    a = run_analysis(scenario, models=["eum"], draws=80, flip=True, forecast_draws=8)
    assert a.decision.forecast_draws == 8
    assert a.variants["rival-joins"].forecast_draws == 8  # of its 20 draws
    assert a.variants["rival-joins"].draws == 20
    assert a.flip is not None
    assert a.to_dict()["params"]["forecast_draws"] == 8


def test_report_states_forecasts_and_standard_error(scenario, tmp_path) -> None:
    import html

    from equipoise.analysis import run_analysis
    from equipoise.report import write_report

    a = run_analysis(scenario, models=["mean"], draws=60, forecast_draws=6)
    page = html.unescape(write_report(a, tmp_path)["report"].read_text(encoding="utf-8"))
    robust = a.decision.robust_option()
    se = a.decision.acceptability_se[robust]
    assert "60 draws over 6 distinct forecasts (--forecast-draws 6)" in page
    assert f"{a.decision.acceptability[robust]:.1%} ± {se:.1%}" in page


def test_progress_count_column_with_an_unknown_total() -> None:
    """A section named by ``step`` has no total yet: its count must render (the analyze
    progress on a terminal failed with 'unsupported format string passed to NoneType')."""
    from rich.progress import Progress

    from equipoise.progress import CountColumn

    progress = Progress()
    task_id = progress.add_task("decision", total=None)
    task = progress.tasks[task_id]
    assert CountColumn().render(task).plain == ""
    progress.update(task_id, completed=1234, total=None)
    assert CountColumn().render(task).plain == "1,234"
    progress.update(task_id, completed=3, total=20)
    assert CountColumn().render(task).plain == "3/20"


def test_cli_analyze_passes_forecast_draws(tmp_path) -> None:
    run = CliRunner().invoke(
        app,
        [
            "analyze",
            str(FIXTURE),
            "--out",
            str(tmp_path),
            "--model",
            "mean",
            "--draws",
            "40",
            "--forecast-draws",
            "4",
            "--no-store",
        ],
    )
    assert run.exit_code == 0, run.stderr
    results = _no_nan((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["params"]["forecast_draws"] == 4
    assert results["decision"]["forecast_draws"] == 4
    assert results["variants"]["rival-joins"]["forecast_draws"] == 4  # of its 10 draws

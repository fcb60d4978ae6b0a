"""Caps on rounds and draws (memory bounded, clear refusal) and the empty batch."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import equipoise
from equipoise.cli import app
from equipoise.errors import ModelInputError
from equipoise.limits import MAX_DRAWS, MAX_ROUNDS
from equipoise.models import MODELS
from equipoise.models.convergence import HORIZON
from equipoise.models.problem import BargainingProblem

runner = CliRunner()


def three_actors() -> BargainingProblem:
    """3 actors, 2 issues, a problem the iterative models keep moving on for some rounds."""
    pos = [[0.0, 100.0], [100.0, 0.0], [40.0, 60.0]]
    sal = [[0.9, 0.2], [0.3, 0.8], [0.5, 0.5]]
    return BargainingProblem(("a", "b", "c"), ("p", "q"), pos, sal, [1.0, 1.2, 0.8])


@pytest.mark.parametrize(
    "argv",
    [
        ["decide", "nagorno-karabakh-2020", "--draws", str(10**9)],
        ["analyze", "nagorno-karabakh-2020", "--draws", str(MAX_DRAWS + 1)],
        ["forecast", "nagorno-karabakh-2020", "--rounds", "1000000"],
        ["backtest", "whatever.tsv", "--rounds", str(MAX_ROUNDS + 1)],
        ["explain", "nagorno-karabakh-2020", "--rounds", str(MAX_ROUNDS + 1)],
    ],
)
def test_cli_refuses_counts_over_the_caps_before_any_work(argv: list[str], tmp_path) -> None:
    res = runner.invoke(
        app, argv + (["--out", str(tmp_path / "r")] if argv[0] == "analyze" else [])
    )
    assert res.exit_code == 2
    assert "less than or equal to" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "r").exists()


def test_cli_refuses_a_horizon_parameter_over_the_cap() -> None:
    res = runner.invoke(
        app, ["forecast", "nagorno-karabakh-2020", "-m", "eum", "-p", f"horizon={MAX_ROUNDS * 100}"]
    )
    assert res.exit_code == 2
    assert f"cap of {MAX_ROUNDS:,} rounds" in res.output


def test_library_refuses_rounds_and_draws_over_the_caps() -> None:
    s = equipoise.load("nagorno-karabakh-2020")
    with pytest.raises(ModelInputError, match="cap"):
        equipoise.forecast(s, model="eum", rounds=MAX_ROUNDS + 1)
    with pytest.raises(ModelInputError, match="cap"):
        equipoise.forecast(s, model="exchange", rounds=10**6, mode="decide")
    from equipoise.decision import decide

    with pytest.raises(ValueError, match="cap"):
        decide(s, draws=10**9)


@pytest.mark.parametrize("model", ["eum", "exchange"])
def test_the_largest_round_cap_runs_no_further_than_the_horizon(model: str) -> None:
    fc = equipoise.forecast(three_actors(), model=model, rounds=MAX_ROUNDS)
    assert max(fc.rounds_run.values()) <= HORIZON
    assert all(len(t) <= HORIZON + 1 for t in fc.trajectory.values())
    assert fc.outcome == equipoise.forecast(three_actors(), model=model, rounds=HORIZON).outcome


def test_exchange_decide_mode_runs_its_capped_rounds_with_bounded_records() -> None:
    fc = equipoise.forecast(three_actors(), model="exchange", rounds=MAX_ROUNDS, mode="decide")
    assert max(fc.rounds_run.values()) <= MAX_ROUNDS
    assert all(len(t) <= MAX_ROUNDS + 1 for t in fc.trajectory.values())


@pytest.mark.parametrize("model", sorted(MODELS))
def test_forecast_batch_with_no_draws_is_empty(model: str) -> None:
    p = three_actors()
    empty = np.zeros((0, *p.position.shape))
    out = equipoise.forecast_batch(p, model=model, position=empty)
    assert out.shape == (0, len(p.issues))
    est = equipoise.models.get_model(model)
    assert est.forecast_batch(empty, p.salience, p.capability).shape == (0, len(p.issues))

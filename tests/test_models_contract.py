"""The model contract of :mod:`equipoise.models.base`, checked over every registered model.

A model added to ``MODELS`` that breaks the contract (details not keyed per issue, its own
``forecast``/``forecast_batch`` instead of the base's, parameters that do not round-trip,
no round cap under the name ``rounds``) fails here.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from equipoise.errors import ModelInputError
from equipoise.limits import MAX_ROUNDS
from equipoise.models import MODELS, BargainingModel, BargainingProblem, Forecast, get_model
from equipoise.models.api import forecast, forecast_batch, make_model
from equipoise.models.base import Batch
from equipoise.models.forecast import single_pass_forecast


def problem(n_i: int = 3, n_a: int = 6, seed: int = 4) -> BargainingProblem:
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 21, size=(n_a, n_i)) * 5.0
    X[0, 0] = np.nan  # an actor that takes no part in one issue
    S = rng.uniform(0.2, 1.0, size=(n_a, n_i)).round(2)
    C = rng.uniform(0.2, 1.0, size=n_a).round(2)
    return BargainingProblem(
        tuple(f"A{i}" for i in range(n_a)), tuple(f"I{j}" for j in range(n_i)), X, S, C
    )


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_is_a_bargaining_model_with_the_one_contract(name):
    cls = MODELS[name]
    assert issubclass(cls, BargainingModel) and cls.name == name
    # the entry points are the base's, written once (a model implements the hooks only)
    assert cls.forecast is BargainingModel.forecast
    assert cls.forecast_batch is BargainingModel.forecast_batch
    assert cls.min_issues >= 1


@pytest.mark.parametrize("name", list(MODELS))
def test_details_are_keyed_per_issue(name):
    p = problem()
    fc = get_model(name).forecast(p)
    assert isinstance(fc, Forecast) and fc.model == name
    assert list(fc.details) == list(p.issues)
    assert all(isinstance(fc.details[i], dict) for i in p.issues)


@pytest.mark.parametrize("name", list(MODELS))
def test_params_round_trip(name):
    """scikit-learn's clone rule: a model rebuilt from its parameters has the same ones."""
    m = get_model(name)
    again = type(m)(**m.get_params())
    assert again.get_params() == m.get_params()
    assert repr(m) == f"{type(m).__name__}()"


@pytest.mark.parametrize("name", list(MODELS))
def test_rounds_is_the_one_round_cap(name):
    cls = MODELS[name]
    p = problem()
    if not cls.takes_rounds():
        assert make_model(name, 3).get_params() == get_model(name).get_params()
        return
    m = make_model(name, 3)
    assert m.rounds == 3 and m.get_params()["rounds"] == 3
    fc = forecast(p, m)
    assert max(fc.rounds_run.values()) <= 3
    # the cap on rounds holds however the model is made
    with pytest.raises(ModelInputError, match="over the cap of 1,000 rounds"):
        cls(rounds=MAX_ROUNDS + 1)
    with pytest.raises(ModelInputError, match="over the cap"):
        make_model(name, MAX_ROUNDS + 1)


@pytest.mark.parametrize("name", list(MODELS))
def test_batch_matches_forecast(name):
    p = problem()
    rng = np.random.default_rng(1)
    x = np.clip(p.position[None] + rng.normal(0, 4, (3,) + p.position.shape), 0, 100)
    out = forecast_batch(p, name, position=x, rounds=6)
    assert out.shape == (3, p.n_issues)
    for b in range(3):
        fc = forecast(p.replace(position=x[b]), name, rounds=6)
        np.testing.assert_allclose(out[b], [fc.outcome[i] for i in p.issues], rtol=1e-9)


@pytest.mark.parametrize("name", [n for n, c in MODELS.items() if c.min_issues > 1])
def test_min_issues_refused_by_every_entry_point(name):
    need = MODELS[name].min_issues
    p = problem(n_i=need - 1)
    with pytest.raises(ModelInputError, match=f"needs at least {need} issues"):
        get_model(name).forecast(p)
    with pytest.raises(ModelInputError, match=f"needs at least {need} issues"):
        get_model(name).forecast_batch(p.position, p.salience, p.capability)


class _Toy(BargainingModel):
    """A model that needs three issues and counts how often its hooks run."""

    name = "toy"
    min_issues = 3

    def __init__(self, per_issue: bool = True) -> None:
        self.per_issue = per_issue
        self.calls = 0

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        self.calls += 1
        details = (
            {i: {} for i in problem.issues} if self.per_issue else {"all": {"n": problem.n_issues}}
        )
        return single_pass_forecast(self.name, problem, np.zeros(problem.n_issues), details)

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        self.calls += 1
        return np.zeros(batch.shape[::2])


def test_the_base_honours_min_issues_before_the_model_runs():
    toy = _Toy()
    p = problem(n_i=2)
    with pytest.raises(ModelInputError, match="the toy model needs at least 3 issues"):
        toy.forecast(p)
    with pytest.raises(ModelInputError, match="needs at least 3 issues"):
        toy.forecast_batch(p.position, p.salience, p.capability)
    assert toy.calls == 0
    assert toy.forecast_batch(
        *(a[None] for a in (problem().position, problem().salience)), problem().capability
    ).shape == (1, 3)


def test_the_base_refuses_details_not_keyed_per_issue():
    with pytest.raises(TypeError, match="keyed by issue id"):
        _Toy(per_issue=False).forecast(problem())


def test_the_base_refuses_an_issue_without_weight():
    p = problem()
    s = p.salience.copy()
    s[:, 1] = 0.0
    toy = _Toy()
    with pytest.raises(ModelInputError, match="'I1'"):
        toy.forecast(p.replace(salience=s))
    with pytest.raises(ModelInputError, match="'I1'"):
        toy.forecast_batch(p.position, s, p.capability, issues=p.issues)
    assert toy.calls == 0


def test_one_batch_signature():
    params = list(inspect.signature(BargainingModel.forecast_batch).parameters)
    assert params == [
        "self",
        "position",
        "salience",
        "capability",
        "lower",
        "upper",
        "issues",
        "actors",
        "n_jobs",
    ]


def test_unknown_parameter_names_the_model_and_its_parameters():
    with pytest.raises(
        TypeError,
        match="the eum model has no parameter 'max_rounds'; its parameters are profile, Q, rounds",
    ):
        get_model("eum", max_rounds=3)
    with pytest.raises(
        TypeError, match="the mean model has no parameter 'rounds'; it takes no parameters"
    ):
        get_model("mean", rounds=3)

"""BargainingProblem: validation (docs/models.md §0.1), from_scenario, registry and API basics."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pytest

from equipoise.errors import ModelInputError
from equipoise.models import MODELS, BargainingProblem, Forecast, forecast, get_model
from equipoise.models.problem import prepare_batch

NAN = np.nan


def small(**kw):
    base = dict(
        actors=("a", "b", "c"),
        issues=("p", "q"),
        position=[[10.0, 20.0], [50.0, NAN], [90.0, 80.0]],
        salience=[[0.5, 1.0], [0.2, 0.0], [1.0, 0.3]],
        capability=[[1.0, 1.0], [2.0, 2.0], [0.5, 0.5]],
    )
    base.update(kw)
    return BargainingProblem(**base)


def test_valid_problem_is_read_only_and_absent_cells_zeroed():
    p = small(salience=[[0.5, 1.0], [0.2, 0.7], [1.0, 0.3]])
    assert p.n_actors == 3 and p.n_issues == 2
    assert p.present.tolist() == [[True, True], [True, False], [True, True]]
    # salience and capability given for an absent cell are ignored (set to 0)
    assert p.salience[1, 1] == 0.0 and p.capability[1, 1] == 0.0
    assert p.lower.tolist() == [0.0, 0.0] and p.upper.tolist() == [100.0, 100.0]
    with pytest.raises(ValueError):
        p.position[0, 0] = 3.0  # read-only
    np.testing.assert_allclose(p.weight[:, 0], [0.5, 0.4, 0.5])


def test_capability_per_actor_is_broadcast_over_issues():
    p = small(capability=[1.0, 2.0, 3.0])
    assert p.capability[:, 0].tolist() == [1.0, 2.0, 3.0]
    assert p.capability[2, 1] == 3.0


@pytest.mark.parametrize(
    "field, value, words",
    [
        (
            "position",
            [[10.0, 20.0], [150.0, NAN], [90.0, 80.0]],
            ["'b'", "'p'", "position", "150", "[0, 100]"],
        ),
        (
            "position",
            [[10.0, 20.0], [np.inf, NAN], [90.0, 80.0]],
            ["'b'", "'p'", "position", "inf"],
        ),
        (
            "salience",
            [[0.5, 1.0], [0.2, 0.0], [1.0, 30.0]],
            ["'c'", "'q'", "salience", "30", "[0, 1]"],
        ),
        ("salience", [[NAN, 1.0], [0.2, 0.0], [1.0, 0.3]], ["'a'", "'p'", "salience", "nan"]),
        (
            "capability",
            [[1.0, -1.0], [2.0, 2.0], [0.5, 0.5]],
            ["'a'", "'q'", "capability", "-1", ">= 0"],
        ),
        ("capability", [[1.0, 1.0], [NAN, 2.0], [0.5, 0.5]], ["'b'", "'p'", "capability", "nan"]),
    ],
)
def test_bad_values_are_rejected_with_a_located_message(field, value, words):
    with pytest.raises(ModelInputError) as exc:
        small(**{field: value})
    msg = str(exc.value)
    for w in words:
        assert w in msg, (w, msg)


def test_bad_scale_shape_and_duplicates_rejected():
    with pytest.raises(ModelInputError, match="scale"):
        small(lower=[0.0, 50.0], upper=[100.0, 50.0])
    with pytest.raises(ModelInputError, match="shape"):
        small(position=[[1.0, 2.0]])
    with pytest.raises(ModelInputError, match="duplicate actor"):
        small(actors=("a", "a", "c"))


def test_positions_on_a_non_default_scale():
    p = BargainingProblem.single_issue(["x", "y"], [4, 10], [0.5, 0.5], [1, 1], lower=4, upper=10)
    assert p.eps_x[0] == pytest.approx(6e-9)
    with pytest.raises(ModelInputError, match=r"\[4, 10\]"):
        BargainingProblem.single_issue(["x", "y"], [3.9, 10], [0.5, 0.5], [1, 1], lower=4, upper=10)


def test_require_weight_names_the_issue():
    p = small(salience=[[0.5, 0.0], [0.2, 0.0], [1.0, 0.0]])
    with pytest.raises(ModelInputError, match="'q'"):
        p.require_weight()
    for name in MODELS:
        with pytest.raises(ModelInputError, match="'q'"):
            forecast(p, name)


# ----------------------------------------------------------------------------- scenarios
def _stance(actor, issue, x, s, c=None):
    return NS(
        actor=actor,
        issue=issue,
        position=NS(value=x),
        salience=NS(value=s),
        capability=None if c is None else NS(value=c),
    )


def _scenario(stances, caps=(1.0, None, 3.0)):
    actors = [
        NS(id=i, capability=None if c is None else NS(value=c))
        for i, c in zip(("a", "b", "c"), caps)
    ]
    issues = [NS(id="p", scale=NS(min=0.0, max=100.0)), NS(id="q", scale=NS(min=-1.0, max=1.0))]
    return NS(actors=actors, issues=issues, stances=stances)


def test_from_scenario_with_stand_in_objects():
    sc = _scenario(
        [
            _stance("a", "p", 20.0, 0.5),
            _stance("b", "p", 80.0, 0.9, c=2.5),  # b has no actor capability: stance gives it
            _stance("c", "p", 50.0, 0.1),
            _stance("c", "q", 0.5, 1.0, c=7.0),  # per-issue capability overrides the actor's
        ]
    )
    p = BargainingProblem.from_scenario(sc)
    assert p.actors == ("a", "b", "c") and p.issues == ("p", "q")
    assert p.capability[:, 0].tolist() == [1.0, 2.5, 3.0]
    assert p.capability[2, 1] == 7.0
    assert np.isnan(p.position[0, 1]) and np.isnan(p.position[1, 1])  # no stance: absent
    assert p.lower.tolist() == [0.0, -1.0] and p.upper.tolist() == [100.0, 1.0]


def test_from_scenario_missing_capability_names_the_actor():
    sc = _scenario([_stance("a", "p", 20.0, 0.5), _stance("b", "p", 80.0, 0.9)])
    with pytest.raises(ModelInputError, match="'b'"):
        BargainingProblem.from_scenario(sc)


def test_from_scenario_out_of_scale_position_rejected():
    sc = _scenario([_stance("a", "q", 2.0, 0.5)])
    with pytest.raises(ModelInputError, match=r"'a', issue 'q': position 2.0"):
        BargainingProblem.from_scenario(sc)


def test_from_real_builtin_scenario():
    io = pytest.importorskip("equipoise.io")
    try:
        sc = io.load("nagorno-karabakh-2020")
    except Exception as exc:  # the loader is being written by another engineer
        pytest.skip(f"built-in scenario not loadable yet: {exc}")
    p = BargainingProblem.from_scenario(sc)
    assert p.n_actors == len(sc.actors) and p.n_issues == len(sc.issues)
    assert p.present.sum() == len(sc.stances)
    # smp and pce treat the issues as one space unless told otherwise: here each its own
    runs = [(name, {}) for name in MODELS if getattr(MODELS[name], "runs_by_default", True)]
    runs += [("smp", {"spaces": "separate"}), ("pce", {"spaces": "separate"})]
    for name, params in runs:
        fc = forecast(sc, name, **params)
        for i, issue in enumerate(p.issues):
            lo, hi = p.lower[i], p.upper[i]
            assert lo <= fc.outcome[issue] <= hi


# ----------------------------------------------------------------------------- registry/API
def test_registry_and_unknown_model():
    assert set(MODELS) == {"mean", "median", "eum", "exchange", "smp", "pce"}
    with pytest.raises(ValueError) as exc:
        get_model("nbs")
    for name in MODELS:
        assert name in str(exc.value)
    assert get_model("eum", Q=0.5).Q == 0.5
    with pytest.raises(TypeError):
        get_model("mean", rounds=3)


def test_forecast_to_dict_is_json_ready():
    import json

    p = small()
    fc = forecast(p, "median")
    assert isinstance(fc, Forecast)
    d = json.loads(json.dumps(fc.to_dict()))
    assert set(d) == {"p", "q"}
    assert set(d["q"]["positions"]) == {"a", "c"}  # only actors taking part
    assert d["p"]["outcome"] == d["p"]["trajectory"][-1] == fc.outcome["p"]


def test_prepare_batch_broadcasts_and_locates_errors():
    x = np.full((4, 3, 2), 50.0)
    x, s, c, present, lo, hi = prepare_batch(
        x, np.ones((3, 2)), [1.0, 2.0, 3.0], [0, 0], [100, 100]
    )
    assert x.shape == s.shape == c.shape == (4, 3, 2)
    assert c[2, 1, 0] == 2.0
    bad = np.full((4, 3, 2), 50.0)
    bad[3, 2, 1] = 101.0
    with pytest.raises(ModelInputError, match="draw 3, actor 'c', issue 'q'"):
        prepare_batch(bad, 0.5, 1.0, [0, 0], [100, 100], issues=("p", "q"), actors=("a", "b", "c"))

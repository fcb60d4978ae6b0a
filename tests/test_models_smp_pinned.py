"""The ``smp`` and ``pce`` results on KTAB's inputs stay what they were before the speed-up of
their kernels (issue 15): ``fixtures/ktab/smp-pinned.json`` was computed by the code before
it (``fixtures/ktab/pin_smp.py``; the commit is in the file). The reorganised sums may
change the last bits only: every position (on its issue's scale), probability, risk
attitude and ratio within ``TOL``; the numbers of turns and the convergence exactly.

KTAB's own reference run is checked in ``test_models_smp.py``; this file guards the rest:
80 and 40 actors, and every alternative option on two and three dimensions.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from shareddata import DATA

import equipoise
from equipoise.io.ktab import read_ktab

TOL = 1e-9  # absolute, on 0-100 position scales and on probabilities (floating-point noise)
PINNED = json.loads((DATA / "ktab" / "smp-pinned.json").read_text(encoding="utf-8"))


def _helpers() -> Any:
    """The fixture's own writer (its option lists and Monte Carlo draws)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pin_smp", DATA / "ktab" / "pin_smp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HELPERS = _helpers()


def scenario(name: str):  # noqa: ANN201 - a Scenario
    path = DATA / "ktab" / name
    return read_ktab(str(path), path.read_text(encoding="utf-8"))


def assert_same(ours: Any, pinned: Any, where: str) -> None:
    """Recursive comparison: numbers within ``TOL``, everything else equal."""
    if isinstance(pinned, dict):
        assert set(ours) == set(pinned), where
        for k in pinned:
            assert_same(ours[k], pinned[k], f"{where}/{k}")
    elif isinstance(pinned, list):
        assert len(ours) == len(pinned), where
        np.testing.assert_allclose(
            np.asarray(ours, float), np.asarray(pinned, float), rtol=0, atol=TOL, err_msg=where
        )
    elif isinstance(pinned, (bool, int)):
        assert ours == pinned, where
    else:
        assert abs(ours - pinned) <= TOL, f"{where}: {ours!r} != {pinned!r}"


@pytest.mark.parametrize(
    "name", ["dummyData-a080.csv", "dummyData-a040.csv", "dummyData_2Dim.csv", "dummyData_3Dim.csv"]
)
def test_smp_default_run_is_unchanged(name) -> None:
    fc = equipoise.forecast(scenario(name), model="smp")
    assert_same(HELPERS.smp_result(fc, True), PINNED["smp"][name], name)


@pytest.mark.parametrize("name", ["dummyData_2Dim.csv", "dummyData_3Dim.csv"])
@pytest.mark.parametrize("params", HELPERS.ALTERNATIVES, ids=lambda p: json.dumps(p))
def test_smp_alternatives_are_unchanged(name, params) -> None:
    key = f"{name} " + json.dumps(params, sort_keys=True)
    fc = equipoise.forecast(scenario(name), model="smp", **params)
    assert_same(HELPERS.smp_result(fc, False), PINNED["smp"][key], key)


@pytest.mark.parametrize("name", ["dummyData-a080.csv", "dummyData_3Dim.csv"])
@pytest.mark.parametrize("params", HELPERS.PCE_PARAMS, ids=lambda p: json.dumps(p))
def test_pce_is_unchanged(name, params) -> None:
    key = f"{name} " + json.dumps(params, sort_keys=True)
    fc = equipoise.forecast(scenario(name), model="pce", **params)
    assert_same(HELPERS.pce_result(fc), PINNED["pce"][key], key)


def test_batches_are_unchanged() -> None:
    smp, pce = HELPERS.monte_carlo()
    assert_same(smp, PINNED["batch_smp"], "batch smp")
    assert_same(pce, PINNED["batch_pce"], "batch pce")


@pytest.mark.parametrize("rule", ["Prop", "Cubic", "ASymProsp"])
def test_blocks_do_not_change_the_kernels(rule) -> None:
    """The kernels cut their tensors into blocks (several draws per block, or one draw and
    some rows): any block size gives the same coalitions and challenges (to round-off)."""
    from equipoise.models.smp_rules import blocks, coalitions, estimated_r
    from equipoise.models.smp_turn import SMPOptions, _all_challenges, distance_weights, distances

    rng = np.random.default_rng(11)
    B, N, D = 3, 9, 2
    X, S = rng.random((B, N, D)), rng.uniform(0.05, 0.5, (B, N, D))
    cap, R = rng.uniform(1, 100, (B, N)), rng.uniform(-0.5, 1.0, (B, N))
    d = distances(X, distance_weights(S))
    u = (1 - d) * (1 + d * R[:, :, None])
    ssum = S.sum(axis=2)
    opt = SMPOptions(voting=rule)
    whole_c = coalitions(u, cap, rule, chunk=10**9)
    whole_pg = _all_challenges(d, R, estimated_r(R), ssum * cap, ssum, opt, chunk=10**9)
    for chunk in (1, 50, N * N * N + 1, 2 * N * N * N):  # rows, one draw, several draws
        np.testing.assert_allclose(
            coalitions(u, cap, rule, chunk=chunk), whole_c, rtol=1e-12, atol=0
        )
        for ours, ref in zip(
            _all_challenges(d, R, estimated_r(R), ssum * cap, ssum, opt, chunk=chunk), whole_pg
        ):
            np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15)
    # every (draw, row) exactly once
    for chunk in (1, 50, 2 * N * N * N):
        seen = [
            (b, r)
            for b0, b1, r0, r1 in blocks(B, N, N * N, chunk)
            for b in range(b0, b1)
            for r in range(r0, r1)
        ]
        assert sorted(seen) == [(b, r) for b in range(B) for r in range(N)]

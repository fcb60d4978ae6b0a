"""Sweeps (issue 10 items 4-6): Sobol indices, flip rules, and one executor whose results
do not depend on the backend or the number of workers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.decision import decide
from equipoise.decision.executor import Executor, MissingExtraError, executor_from, require
from equipoise.errors import ModelInputError
from equipoise.io import load

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()

pytest.importorskip("SALib")  # the extras are installed by .ci/run (README's test command)


# -- Sobol indices on a function whose indices are known -----------------------------------

A, B = 7.0, 0.1  # Ishigami & Homma (1990), the usual constants
_V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
ISHIGAMI_S1 = np.array([_V1 / _V, _V2 / _V, 0.0])  # 0.3139, 0.4424, 0
ISHIGAMI_ST = np.array([(_V1 + _V13) / _V, _V2 / _V, _V13 / _V])  # 0.5576, 0.4424, 0.2437


def ishigami(_: object, u: np.ndarray) -> np.ndarray:
    """The Ishigami function of uniforms on [0, 1] mapped to [-pi, pi]."""
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_analytic_ishigami_indices_are_the_published_ones() -> None:
    # the reference values used below, as printed by Saltelli et al. (2010, table 1)
    assert ISHIGAMI_S1 == pytest.approx([0.3139, 0.4424, 0.0], abs=5e-4)
    assert ISHIGAMI_ST == pytest.approx([0.5576, 0.4424, 0.2437], abs=5e-4)


def test_sobol_indices_of_ishigami_within_tolerance() -> None:
    from equipoise.decision.sensitivity import sobol_indices

    (idx,), evaluations = sobol_indices(
        ["x1", "x2", "x3"], ["x1", "x2", "x3"], ishigami, None, n=2048, seed=7
    )
    assert evaluations == 2048 * (3 + 2)
    # tolerance 0.03 on every index (N = 2048; the estimator's error is ~0.01 here)
    assert idx.first == pytest.approx(ISHIGAMI_S1, abs=0.03)
    assert idx.total == pytest.approx(ISHIGAMI_ST, abs=0.03)
    assert np.all(idx.first_conf > 0) and np.all(idx.first_conf < 0.1)


def test_grouped_sobol_indices_of_ishigami() -> None:
    """Group {x1, x3}: first-order = S1 + S3 + S13 = 1 - S2, total = 1 - S2 as well."""
    from equipoise.decision.sensitivity import sobol_indices

    (idx,), evaluations = sobol_indices(
        ["x1", "x2", "x3"],
        ["a", "b", "a"],
        ishigami,
        None,
        n=2048,
        seed=3,
        executor=Executor(workers=1, chunk=999),
    )
    assert evaluations == 2048 * (2 + 2)
    assert idx.groups == ["a", "b"]
    assert idx.first == pytest.approx([1 - ISHIGAMI_S1[1], ISHIGAMI_S1[1]], abs=0.03)
    assert idx.total == pytest.approx([1 - ISHIGAMI_S1[1], ISHIGAMI_ST[1]], abs=0.03)


@pytest.mark.parametrize("n", [0, 1, 1000, 1536])
def test_sobol_n_must_be_a_power_of_two(n: int) -> None:
    from equipoise.decision.sensitivity import sobol_indices

    with pytest.raises(ModelInputError, match="power of 2"):
        sobol_indices(["x"], ["x"], ishigami, None, n=n)


def test_sobol_seed_must_be_non_zero() -> None:
    from equipoise.decision.sensitivity import sobol_indices

    with pytest.raises(ModelInputError, match="non-zero"):
        sobol_indices(["x"], ["x"], ishigami, None, n=64, seed=0)


# -- the decision's sensitivity -------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_scenario():
    return load(FIXTURES / "decision.yaml")


def test_decision_sensitivity_groups_and_outputs(fixture_scenario) -> None:
    from equipoise.decision.sensitivity import KINDS, decision_sensitivity

    res = decision_sensitivity(fixture_scenario, n=32, seed=5)
    options = decide(fixture_scenario, draws=0).options
    assert res.outputs == [*options, "margin"]
    assert len(res.by_kind) == len(res.by_actor) == len(options) + 1
    kinds = res.by_kind[0].groups
    assert set(kinds) <= set(KINDS) and {
        "positions",
        "saliences",
        "capabilities",
        "doctrine weights",
    } <= set(kinds)
    actors = {a.id for a in fixture_scenario.actors}
    assert set(res.by_actor[0].groups) - {"declared criteria", "doctrine weights"} <= actors
    g_kind, g_actor = len(kinds), len(res.by_actor[0].groups)
    assert res.evaluations == 32 * (g_kind + 2) + 32 * (g_actor + 2)
    # every variable in exactly one group of each grouping
    assert sum(res.group_sizes["kind"].values()) == res.variables
    assert sum(res.group_sizes["actor"].values()) == res.variables
    for idx in res.by_kind + res.by_actor:
        assert np.all(np.isfinite(idx.total))


def test_sobol_of_a_score_that_ignores_an_input_is_zero_for_it() -> None:
    """Two options with no declared criteria and doctrines that weigh only declared
    criteria would give constant scores; here: a doctrine weighing only 'outcome' makes
    the margin blind to the weights, so the doctrine-weight group explains nothing."""
    from equipoise.decision.sensitivity import decision_sensitivity

    s = load(FIXTURES / "decision.yaml")
    d = s.doctrines[0].model_copy(update={"weights": {"outcome": 1.0}})
    s = s.model_copy(update={"doctrines": [d]})
    res = decision_sensitivity(s, n=64, seed=2)
    idx = res.margin("kind")
    w = idx.groups.index("doctrine weights")
    assert idx.total[w] == pytest.approx(0.0, abs=1e-9)
    assert idx.first[w] == pytest.approx(0.0, abs=1e-9)
    assert idx.total.max() > 0.1  # something else does explain the margin


def test_sobol_inputs_map_like_the_smaa_draws(fixture_scenario) -> None:
    """u = 0.5 is the unperturbed scenario; u = 1 moves every input by its full
    uncertainty (the SMAA draw's noise at +1); weights lie in the picked doctrine's box."""
    from equipoise.decision.analysis import _evaluate_draws, _position_uncertainty
    from equipoise.decision.sensitivity import _plan

    s = fixture_scenario
    plan = _plan(s, "eum", None, None, {})
    st = plan.setting
    mid = plan.inputs(np.full((1, len(plan.names)), 0.5))
    assert np.all(mid.position == 0) and np.all(mid.salience == 1)
    assert np.all(mid.capability == 1) and np.all(mid.ties == 1)
    assert np.array_equal(mid.declared[0], st.declared_values)
    exact = decide(s, draws=0).values
    assert _evaluate_draws(st, mid)[0] == pytest.approx(exact, abs=1e-12)
    top = plan.inputs(np.ones((1, len(plan.names))))
    stance = ~np.isnan(st.base.position)
    unc = _position_uncertainty(st, s)
    assert top.position[0][stance] == pytest.approx(unc[stance])
    assert top.salience[0][stance] == pytest.approx(1 + s.uncertainty.salience)
    assert top.capability[0][stance] == pytest.approx(1 + s.uncertainty.capability)
    assert top.ties[0] == pytest.approx(1 + s.uncertainty.relations)
    his = np.array([c.hi for c in st.declared.values()])
    ups = np.array([c.uncertainty for c in st.declared.values()])
    assert top.declared[0] == pytest.approx(np.minimum(st.declared_values + ups, his))
    u = np.random.default_rng(1).random((300, len(plan.names)))
    w = plan.weights(u)
    assert w.sum(axis=1) == pytest.approx(np.ones(300))
    for row in w:  # some doctrine's box holds a positive multiple of the weights
        assert any(_in_cone(row, lo, hi) for lo, hi in plan.doctrine_bounds)


def _in_cone(w: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """Is t * w inside [lo, hi] for some t > 0?"""
    pos = w > 1e-15
    if np.any(lo[~pos] > 1e-12):
        return False
    t_lo = np.max(lo[pos] / w[pos]) if pos.any() else 0.0
    t_hi = np.min(hi[pos] / w[pos]) if pos.any() else np.inf
    return t_lo <= t_hi * (1 + 1e-9)


def test_without_doctrines_weights_are_drawn_on_the_simplex(fixture_scenario) -> None:
    """No doctrines: the weights are uniform on the simplex of outcome, relations and the
    declared criteria, as in the SMAA; they still form a group, and the flip rule runs."""
    from equipoise.decision.flip import flip_rule
    from equipoise.decision.sensitivity import _plan, decision_sensitivity

    s = fixture_scenario.model_copy(update={"doctrines": []})
    plan = _plan(s, "eum", None, None, {})
    u = np.random.default_rng(0).random((500, len(plan.names)))
    w = plan.weights(u)
    assert w.sum(axis=1) == pytest.approx(np.ones(500))
    outside = [j for j in range(w.shape[1]) if j not in plan.core]
    assert np.all(w[:, outside] == 0) and np.all(w[:, plan.core] > 0)
    res = decision_sensitivity(s, n=16, seed=3)
    assert "doctrine weights" in res.margin("kind").groups
    assert np.all(np.isfinite(res.margin("kind").total))
    rule = flip_rule(decide(s, draws=200, keep_draws=True))
    assert 0 <= rule.coverage <= 1 and 0 <= rule.density <= 1


# -- one executor, identical results -------------------------------------------------------


def test_decide_identical_for_any_chunking_and_worker_count(fixture_scenario) -> None:
    base = decide(fixture_scenario, draws=600, seed=11)
    for ex in (Executor(workers=1, chunk=37), Executor(workers=2)):
        other = decide(fixture_scenario, draws=600, seed=11, executor=ex)
        assert np.array_equal(other.smaa.rank_acceptability, base.smaa.rank_acceptability)
        assert np.array_equal(other.smaa.central_weights, base.smaa.central_weights, equal_nan=True)
        assert other.to_dict() == base.to_dict()


def test_evaluation_chunk_follows_the_work_of_a_draw() -> None:
    """A large case is evaluated a draw at a time (the progress bar moves every draw, not
    every 250 draws minutes apart); a small one keeps the executor's chunk."""
    from equipoise.decision.analysis import WORK_PER_CHUNK, evaluation_chunk
    from equipoise.decision.executor import CHUNK_DRAWS

    assert evaluation_chunk(12, 4, 7) == CHUNK_DRAWS  # the built-in case's size
    assert evaluation_chunk(200, 10, 6) == 1
    assert evaluation_chunk(60, 5, 6) == WORK_PER_CHUNK // (60**2 * 5 * 6)  # 18
    assert evaluation_chunk(0, 0, 0) == CHUNK_DRAWS


def test_decide_identical_when_the_evaluation_chunk_is_small(fixture_scenario, monkeypatch) -> None:
    """The chunk of evaluated draws only sets the progress steps: one draw a chunk (in this
    process, and through an executor) gives the same decision."""
    import equipoise.decision.analysis as analysis

    base = decide(fixture_scenario, draws=120, seed=5)
    monkeypatch.setattr(analysis, "WORK_PER_CHUNK", 1)
    ticks: list[int] = []
    one = decide(fixture_scenario, draws=120, seed=5, progress=lambda d, t: ticks.append(d))
    assert ticks == list(range(1, 121))
    assert one.to_dict() == base.to_dict()
    through = decide(fixture_scenario, draws=120, seed=5, executor=Executor(workers=1))
    assert through.to_dict() == base.to_dict()


def test_dask_local_cluster_gives_the_local_results(fixture_scenario) -> None:
    """A 2-worker ``distributed.LocalCluster`` (threads in this process: processes=False,
    which keeps the test quick) against this process and local worker processes."""
    distributed = pytest.importorskip("distributed")
    from equipoise.decision.sensitivity import decision_sensitivity

    local = decide(fixture_scenario, draws=700, seed=4)
    sens_local = decision_sensitivity(fixture_scenario, n=32, seed=9, executor=Executor(workers=2))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        ex = Executor(scheduler=cluster.scheduler_address)
        assert ex.backend == "dask"
        remote = decide(fixture_scenario, draws=700, seed=4, executor=ex)
        sens_remote = decision_sensitivity(fixture_scenario, n=32, seed=9, executor=ex)
    assert remote.to_dict() == local.to_dict()
    for a, b in zip(
        sens_local.by_kind + sens_local.by_actor, sens_remote.by_kind + sens_remote.by_actor
    ):
        for f in ("first", "first_conf", "total", "total_conf"):
            assert np.array_equal(getattr(a, f), getattr(b, f))


def test_executor_refuses_bad_settings(monkeypatch) -> None:
    with pytest.raises(ModelInputError, match="at least 1"):
        Executor(workers=0)
    with pytest.raises(ModelInputError, match="tcp://HOST"):
        executor_from(None, "localhost")
    monkeypatch.setenv("EQUIPOISE_SCHEDULER", "tcp://127.0.0.1:1")
    assert executor_from(None, None).scheduler == "tcp://127.0.0.1:1"
    monkeypatch.delenv("EQUIPOISE_SCHEDULER")
    assert executor_from(3, None).backend == "processes"


def test_missing_extra_names_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)  # import SALib now raises ImportError
    with pytest.raises(MissingExtraError, match=r"pip install 'equipoise\[explain\]'"):
        require("SALib", "explain", "Sobol sensitivity")


# -- flip rules -----------------------------------------------------------------------------


def test_rule_stats_counts_on_a_constructed_case() -> None:
    """Coverage and density counted by hand on ten draws."""
    import pandas as pd

    from equipoise.decision.flip import Condition, rule_stats

    table = pd.DataFrame(
        {
            "x": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "d": pd.Categorical(list("aabbaabbab")),
        }
    )
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1, 0, 1], bool)  # 5 flips
    rule = [Condition("x", lo=0.35)]  # draws 4..10: flips 4, 6, 7, 8, 10 -> 5 of 7
    assert rule_stats(table, y, rule) == pytest.approx((5 / 5, 5 / 7, 7 / 10))
    rule = [Condition("x", lo=0.35, hi=0.85), Condition("d", values=("b",))]
    # x in [0.35, 0.85] and d == b: draws 4 (b, flip), 7 (b, flip), 8 (b, flip) -> 3 of 3
    assert rule_stats(table, y, rule) == pytest.approx((3 / 5, 3 / 3, 3 / 10))
    assert rule_stats(table, np.zeros(10, bool), rule)[0] == 0.0


def test_prim_finds_a_planted_rule() -> None:
    """Flips where x1 > 0.7 and the doctrine is 'b' (plus 3 % noise): PRIM's rule names
    those inputs, and its coverage and density are the counts of the rule as printed."""
    import pandas as pd

    from equipoise.decision.flip import prim_rule, rule_stats

    rng = np.random.default_rng(0)
    n = 2000
    table = pd.DataFrame({f"x{i}": rng.random(n) for i in range(6)})
    table["doctrine"] = pd.Categorical(rng.choice(["a", "b", "c"], n))
    y = ((table.x1 > 0.7) & (table.doctrine == "b")).to_numpy().copy()
    y ^= rng.random(n) < 0.03
    rule = prim_rule(table, y, max_terms=3, min_coverage=0.5)
    assert {c.input for c in rule} == {"x1", "doctrine"}
    x1 = next(c for c in rule if c.input == "x1")
    assert x1.lo == pytest.approx(0.7, abs=0.05) and x1.hi is None
    coverage, density, _ = rule_stats(table, y, rule)
    inside = (table.x1 >= x1.lo).to_numpy() & (table.doctrine == "b").to_numpy()
    assert coverage == pytest.approx((inside & y).sum() / y.sum())
    assert density == pytest.approx((inside & y).sum() / inside.sum())
    # the planted rule itself: density ~0.97, coverage ~0.79 (the 3 % noise flips outside
    # it, ~54 of ~254 flips, no rule can cover)
    assert density > 0.85 and coverage > 0.65


def test_flip_rule_of_the_fixture_decision(fixture_scenario) -> None:
    from equipoise.decision.flip import flip_features, flip_rule, flips_of, rule_stats

    result = decide(fixture_scenario, draws=800, seed=2, keep_draws=True)
    rule = flip_rule(result)
    kept = result.draws_kept
    y = flips_of(kept, rule.robust)
    # the robust option loses first rank exactly where the SMAA says it is not first
    acc = result.acceptability[rule.robust]
    assert rule.flips == int(y.sum())
    assert 1 - rule.flips / rule.draws == pytest.approx(acc, abs=0.02)  # ties split
    table, _ = flip_features(kept)
    assert (rule.coverage, rule.density, rule.mass) == pytest.approx(
        rule_stats(table, y, rule.conditions)
    )
    if rule.conditions:
        assert rule.density > rule.flips / rule.draws
        assert 1 <= len(rule.conditions) <= 3
    assert "draws" in rule.sentence()


def test_flip_rule_needs_kept_draws(fixture_scenario) -> None:
    from equipoise.decision.flip import flip_rule

    with pytest.raises(ModelInputError, match="keep_draws"):
        flip_rule(decide(fixture_scenario, draws=50))


# -- command line ---------------------------------------------------------------------------


def test_decide_json_with_flip_and_sensitivity() -> None:
    result = runner.invoke(
        app,
        [
            "decide",
            str(FIXTURES / "decision.yaml"),
            "--draws",
            "300",
            "--flip",
            "--sensitivity",
            "--sensitivity-n",
            "16",
            "--workers",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["flip_rule"]["robust_option"] == data["robust_option"]
    sens = data["sensitivity"]
    assert sens["n"] == 16 and sens["robust_option"] == data["robust_option"]
    assert set(sens["by_kind"]) == {*data["options"], "margin"}
    first = next(iter(sens["by_kind"]["margin"].values()))
    assert set(first) == {"S1", "S1_conf", "ST", "ST_conf"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sensitivity", "--sensitivity-n", "1000"], "power of 2"),
        (["--sensitivity", "--sensitivity-seed", "0"], "non-zero"),
        (["--flip", "--draws", "0"], "--flip needs SMAA draws"),
        (["--scheduler", "localhost:8786"], "tcp://HOST"),
    ],
)
def test_bad_sweep_flags_are_clean_errors(args: list[str], message: str) -> None:
    import importlib.util

    if args[0] == "--scheduler" and importlib.util.find_spec("distributed") is None:
        message = "equipoise[dask]"  # without the extra the command says what to install
    for command in (
        ["decide", str(FIXTURES / "decision.yaml")],
        ["analyze", str(FIXTURES / "decision.yaml"), "--out", "/nonexistent/x"],
    ):
        result = runner.invoke(app, [*command, *args])
        assert result.exit_code == 2, (command, result.stdout)
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_workers_must_be_positive() -> None:
    result = runner.invoke(app, ["decide", str(FIXTURES / "decision.yaml"), "--workers", "0"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_missing_extra_exit_2_with_install_hint(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)
    result = runner.invoke(app, ["decide", str(FIXTURES / "decision.yaml"), "--sensitivity"])
    assert result.exit_code == 2
    assert "pip install 'equipoise[explain]'" in result.stderr


# -- report ---------------------------------------------------------------------------------


def test_report_section_with_tornado_chart_and_flip_rule(fixture_scenario) -> None:
    from equipoise.analysis import run_analysis
    from equipoise.report import render_html

    analysis = run_analysis(fixture_scenario, draws=300, sensitivity=16, flip=True)
    assert analysis.decision.draws_kept is None  # the draws are not kept in the results
    data = analysis.to_dict()
    assert data["sensitivity"]["robust_option"] == data["decision"]["robust_option"]
    assert data["flip_rule"]["draws"] == 300
    html = render_html(analysis)
    section = html[html.index('<section id="sensitivity"') :]
    section = section[: section.index("</section>")]
    assert 'id="fig-tornado"' in section and "<svg" in section
    margin = analysis.sensitivity.margin("kind")
    # one row per group in the by-kind table, sorted by total index
    table = section[section.index("by kind of judgement</caption>") :]
    table = table[: table.index("</table>")]
    rows = [r.split("</th>")[0] for r in table.split('<th scope="row">')[1:]]
    assert rows == [margin.groups[i] for i in np.argsort(-margin.total, kind="stable")]
    assert (
        analysis.flip.sentence(analysis.decision.option_names[analysis.flip.robust])
        .split(";")[0]
        .replace("'", "&#39;")
        in section
    )


def test_no_sensitivity_section_by_default(fixture_scenario) -> None:
    from equipoise.analysis import run_analysis
    from equipoise.report import render_html

    html = render_html(run_analysis(fixture_scenario, draws=100))
    assert 'id="sensitivity"' not in html

"""What you would have to believe (issue 10, items 1-3): favourable weights, stability
intervals, the smallest change of judgement — each checked against an independent
computation (dense sampling, a closed-form Farkas check, a grid, re-running ``decide``)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from equipoise.decision import decide
from equipoise.decision.explain import (
    ANY,
    apply_judgements,
    explain,
    favourable_weights,
    smallest_widening,
    stability_intervals,
)
from equipoise.decision.explain.search import apply_input_change
from equipoise.decision.smaa import sample_weights
from equipoise.io import load

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "india-2022.yaml"


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    m, k = int(rng.integers(2, 6)), int(rng.integers(2, 4))
    n = rng.random((m, k))
    lo = rng.uniform(0, 0.4, k) * (rng.random(k) < 0.7)
    hi = lo + rng.uniform(0, 0.5, k)
    return n, lo, hi


def _samples(lo: np.ndarray, hi: np.ndarray, count: int = 20000) -> np.ndarray:
    """Dense sample of the doctrine's feasible set: uniform in the box and its vertices,
    normalised (as the SMAA draws are)."""
    rng = np.random.default_rng(0)
    w = sample_weights(rng, count, lo, hi)
    corners = np.array(list(itertools.product(*zip(lo, hi))), float)
    corners = corners[corners.sum(axis=1) > 0]
    return np.vstack([w, corners / corners.sum(axis=1, keepdims=True)])


def _lead(n: np.ndarray, x: int, w: np.ndarray) -> np.ndarray:
    """score(X) - best other score, for each weight row."""
    s = w @ n.T
    return s[:, x] - np.delete(s, x, axis=1).max(axis=1)


def _certificate_holds(
    n: np.ndarray, x: int, lam: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> bool:
    """Farkas check in closed form: the rivals' mixture beats X for every v in the box."""
    c = lam.sum() * n[x] - lam @ n  # sum_Y lam_Y (n_X - n_Y)
    if lo.sum() > 0:
        return float(np.maximum(c * lo, c * hi).sum()) < 0
    return bool(np.all(c[hi > 0] < 0))


@pytest.mark.parametrize("seed", range(40))
def test_favourable_weights_agree_with_dense_sampling(seed: int) -> None:
    n, lo, hi = _random_case(seed)
    w = _samples(lo, hi)
    for x in range(n.shape[0]):
        fav = favourable_weights(n, x, lo, hi)
        lead = _lead(n, x, w)
        # the LP's best margin is at least every sampled margin
        assert fav.margin >= lead.max() - 1e-12
        if fav.can_be_first:
            wit = fav.witness
            assert wit.sum() == pytest.approx(1.0, abs=1e-9)
            assert _lead(n, x, wit[None])[0] >= -1e-9
            assert _lead(n, x, wit[None])[0] == pytest.approx(fav.margin, abs=1e-9)
            # a positive multiple of the witness lies in the ranges
            pos = wit > 1e-12
            assert np.all(lo[~pos] <= 1e-9)
            t_lo, t_hi = (lo[pos] / wit[pos]).max(), (hi[pos] / wit[pos]).min()
            assert t_lo <= t_hi * (1 + 1e-7)
            # every sampled weight with X first lies within the weight ranges
            good = w[lead >= 0]
            if len(good):
                assert np.all(good >= fav.weight_ranges[:, 0] - 1e-9)
                assert np.all(good <= fav.weight_ranges[:, 1] + 1e-9)
        else:
            assert np.all(lead < 0), "a sampled weight makes an option first the LP rules out"
            assert _certificate_holds(n, x, fav.certificate, lo, hi)
            assert fav.certificate.sum() == pytest.approx(1.0)


def test_a_dominated_option_cannot_be_first_even_on_the_simplex() -> None:
    n = np.array([[0.9, 0.8, 0.7], [0.5, 0.4, 0.6], [0.2, 0.9, 0.1]])
    k = n.shape[1]
    fav = favourable_weights(n, 1, np.zeros(k), np.ones(k))
    assert not fav.can_be_first
    assert fav.certificate[0] == pytest.approx(1.0)  # option 0 alone beats it everywhere
    assert smallest_widening(n, 1, np.zeros(k), np.ones(k)) is None


@pytest.mark.parametrize("seed", range(12))
def test_smallest_widening_matches_a_grid_search(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = rng.random((4, 2))
    lo = rng.uniform(0.1, 0.5, 2)
    hi = lo + rng.uniform(0, 0.3, 2)
    for x in range(4):
        if favourable_weights(n, x, lo, hi).can_be_first:
            continue
        wide = smallest_widening(n, x, lo, hi)
        grid = np.linspace(0, 2.0, 801)
        v = np.array(np.meshgrid(grid, grid)).reshape(2, -1).T
        first = (_lead(n, x, v) >= 0) & (v.sum(axis=1) >= lo.sum())
        if wide is None:
            assert not first[v.sum(axis=1) > 0].any()
            continue
        cost = (np.maximum(0, lo - v) + np.maximum(0, v - hi)).sum(axis=1)
        assert first.any()
        best = cost[first].min()
        assert wide.total <= best + 1e-9
        assert wide.total >= best - 2 * 2.0 / 800  # the grid's resolution
        again = favourable_weights(n, x, wide.lower, wide.upper)
        assert again.can_be_first
        assert again.margin >= -1e-9


@pytest.mark.parametrize("seed", range(25))
def test_stability_intervals_just_inside_and_outside(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    m, k = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    n = rng.random((m, k))
    w0 = rng.dirichlet(np.ones(k))
    x, intervals = stability_intervals(n, w0, [f"c{j}" for j in range(k)])
    assert x == int(np.argmax(n @ w0))
    eps = 1e-7
    for j, iv in enumerate(intervals):
        assert iv.lower <= w0[j] <= iv.upper

        def at(t: float, j: int = j) -> np.ndarray:
            q = w0.copy()
            q[j] = 0
            q = q / q.sum() * (1 - t)
            q[j] = t
            return n @ q

        for end, side, other in ((iv.lower, -1, iv.below), (iv.upper, 1, iv.above)):
            inside = at(end - side * eps)
            assert inside[x] >= inside.max() - 1e-9
            if other is None:
                assert end in (0.0, 1.0)
            else:
                outside = at(end + side * eps)
                assert outside[other] > outside[x]


# -- the built-in scenario ---------------------------------------------------------------


@pytest.fixture(scope="module")
def builtin():
    return load("nagorno-karabakh-2020")


@pytest.fixture(scope="module")
def explained(builtin):
    return explain(builtin, search=True)


def test_json_has_the_documented_shape_and_witnesses_hold(explained) -> None:
    data = explained.to_dict()
    crit = data["criteria"]
    norm = np.array([[data["normalised"][o][c] for c in crit] for o in data["normalised"]])
    names = list(data["normalised"])
    assert set(data["doctrines"]) >= {"trenin", "balancing-act", ANY}
    for o, entry in data["options"].items():
        x = names.index(o)
        for d, v in entry["doctrines"].items():
            assert set(v) >= {
                "can_be_first",
                "witness",
                "margin",
                "weight_ranges",
                "widening",
                "smallest_change",
            }
            if v["can_be_first"]:
                w = np.array([v["witness"][c] for c in crit])
                assert w.sum() == pytest.approx(1.0, abs=1e-9)
                s = norm @ w
                assert s[x] >= np.delete(s, x).max() - 1e-9
                assert v["widening"] is None
            else:
                assert v["witness"] is None and v["margin"] < 0
                if d != ANY:
                    assert v["widening"] > 0


def test_can_be_first_agrees_with_sampling_the_ranges(explained) -> None:
    data = explained.to_dict()
    crit = data["criteria"]
    names = list(data["normalised"])
    norm = np.array([[data["normalised"][o][c] for c in crit] for o in names])
    for d, doc in data["doctrines"].items():
        lo = np.array([doc["ranges"][c][0] for c in crit])
        hi = np.array([doc["ranges"][c][1] for c in crit])
        w = sample_weights(np.random.default_rng(1), 20000, lo, hi)
        for o in names:
            lead = _lead(norm, names.index(o), w)
            if lead.max() >= 0:
                assert data["options"][o]["doctrines"][d]["can_be_first"], (o, d)
            if not data["options"][o]["doctrines"][d]["can_be_first"]:
                assert lead.max() < 0


def test_picks_are_the_deterministic_decision(builtin, explained) -> None:
    result = decide(builtin, draws=0)
    for d, v in result.by_doctrine.items():
        assert explained.options[explained.doctrines[d].pick] == v["best"]


def _pairs(explained, status: str, count: int) -> list[tuple[str, str]]:
    data = explained.to_dict()
    out = [
        (o, d)
        for o, e in data["options"].items()
        for d, v in e["doctrines"].items()
        if v["change_status"] == status and d != ANY
    ]
    return out[:: max(1, len(out) // count)][:count]


def test_smallest_change_makes_the_option_first_when_applied(builtin, explained) -> None:
    pairs = _pairs(explained, "found", 6)
    assert len(pairs) == 6
    for o, d in pairs:
        change = explained.views[o][d].change
        result = decide(apply_judgements(builtin, change), draws=0)
        assert result.by_doctrine[d]["best"] == o, (o, d, change)
        # nothing smaller along the way does it, unless the normalisation bounds move
        part = [
            type(c)(
                c.input, c.old, c.old + 0.9 * (c.new - c.old), 0.9 * c.units, c.owner, c.criterion
            )
            for c in change
        ]
        shrunk = decide(apply_judgements(builtin, part), draws=0)
        same_bounds = np.allclose(np.ptp(shrunk.values, axis=0), np.ptp(result.values, axis=0))
        assert shrunk.by_doctrine[d]["best"] != o or not same_bounds


def test_smallest_change_is_measured_in_uncertainty_units(explained) -> None:
    for o, d in _pairs(explained, "found", 10):
        for c in explained.views[o][d].change:
            unit = {
                "cost": 1.5,
                "risk": 1.5,
                "presence": 1.0,
                "patron": 0.8,
                "turkish-foothold": 1.0,
            }[c.criterion]  # the file's declared ± (decide's
            assert c.units == pytest.approx(abs(c.new - c.old) / unit)  # perturbed list)


def test_searched_single_changes_make_the_option_first(builtin, explained) -> None:
    found = [
        (o, d, v.approximate[0])
        for o, per in explained.views.items()
        for d, v in per.items()
        if v.approximate and d != ANY
    ]
    assert found, "the search finds some single change on the built-in case"
    kinds = {c.kind for _, _, c in found}
    for o, d, change in found[:: max(1, len(found) // 4)][:4] + [
        next(f for f in found if f[2].kind == k) for k in sorted(kinds)
    ]:
        result = decide(apply_input_change(builtin, change), draws=0)
        assert result.by_doctrine[d]["best"] == o, (o, d, change)


def test_variant_uses_the_doctrines_weights_by_variant(builtin) -> None:
    e = explain(builtin, variant="fighting-on-armenian-territory", doctrine="karaganov")
    doc = e.to_dict()["doctrines"]["karaganov"]
    assert doc["ranges"]["satisfaction:ARM"] == [0.4, 0.6]
    assert doc["ranges"]["cost"] == [0.0, 0.05]
    plain = explain(builtin, doctrine="karaganov").to_dict()["doctrines"]["karaganov"]
    assert plain["ranges"]["cost"] == [0.25, 0.35]


def test_the_example_case_is_explained() -> None:
    from equipoise.io.scenario_file import read_scenario

    s = read_scenario(EXAMPLE)
    e = explain(s)
    data = e.to_dict()
    assert data["options"] and data["doctrines"]
    for o, per in e.views.items():
        for d, v in per.items():
            if v.change:
                result = decide(apply_judgements(s, v.change), draws=0)
                assert result.by_doctrine[d]["best"] == o
                break


# -- the command ---------------------------------------------------------------------------


def test_cli_explain_json_and_words() -> None:
    import json

    from typer.testing import CliRunner

    from equipoise.cli import app

    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "explain",
            "nagorno-karabakh-2020",
            "--option",
            "deploy-peacekeepers",
            "--doctrine",
            "trenin",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data["options"]) == ["deploy-peacekeepers"]
    assert set(data["doctrines"]) == {"trenin"}
    entry = data["options"]["deploy-peacekeepers"]["doctrines"]["trenin"]
    assert entry["can_be_first"] is False and entry["widening"] > 0
    assert all(set(c) >= {"input", "from", "to"} for c in entry["smallest_change"])
    res = runner.invoke(
        app,
        [
            "explain",
            "nagorno-karabakh-2020",
            "--option",
            "deploy-peacekeepers",
            "--doctrine",
            "trenin",
            "--no-search",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "would be first under its central weights if" in res.output
    assert "cannot be first under" in res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--option", "no-such-option"], "unknown option 'no-such-option'"),
        (["--doctrine", "no-such-doctrine"], "unknown doctrine 'no-such-doctrine'"),
        (["--variant", "no-such-variant"], "unknown variant 'no-such-variant'"),
    ],
)
def test_cli_explain_bad_names_exit_2(args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from equipoise.cli import app

    res = CliRunner().invoke(app, ["explain", "nagorno-karabakh-2020", "--no-search", *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


# -- the report ----------------------------------------------------------------------------


def test_report_explains_the_actual_choice_then_the_robust_option(builtin, tmp_path) -> None:
    import json

    from equipoise.analysis import run_analysis
    from equipoise.report import write_report

    analysis = run_analysis(builtin, models=["eum"], draws=200, seed=0)
    written = write_report(analysis, tmp_path)
    html = Path(
        written["html"]
        if isinstance(written, dict) and "html" in written
        else tmp_path / "report.html"
    ).read_text(encoding="utf-8")
    assert "What you would have to believe" in html
    actual = builtin.actual_choice.options
    robust = analysis.decision.robust_option()
    order = [o for o in (*actual, robust) if f'id="believe-{o}"' in html]
    assert order and order[0] == actual[0]
    positions = [html.index(f'id="believe-{o}"') for o in dict.fromkeys(order)]
    assert positions == sorted(positions)
    assert f'id="believe-{robust}"' in html
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(data["explanation"]["options"]) == set(analysis.decision.options)


def test_smallest_change_for_a_package_follows_its_combination_rules(builtin, explained) -> None:
    """The package's values follow its parts' (each criterion's own ``combine`` rule); the
    change, applied to the parts in the file, must make the package first."""
    package = builtin.packages[0].package_id
    found = [(d, v.change) for d, v in explained.views[package].items() if v.change and d != ANY]
    assert found
    for d, change in found[:3]:
        result = decide(apply_judgements(builtin, change), draws=0)
        assert result.by_doctrine[d]["best"] == package, (d, change)


def test_readme_worked_example_is_the_real_output() -> None:
    """The sentences quoted in README's *Explaining a decision* are what the command prints
    today (the tables depend on the terminal's width; the sentences do not)."""
    import re

    from typer.testing import CliRunner

    from equipoise.cli import app

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"```console\n\$ equipoise explain (nagorno-karabakh-2020 [^\n]*)\n"
        r"(.*?)```",
        readme,
        re.S,
    )
    assert block, "the README quotes an explain run"
    quoted = [line for line in block.group(2).splitlines() if line.startswith("• ")]
    res = CliRunner().invoke(app, ["explain", *block.group(1).split()], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    printed = [line for line in res.stdout.splitlines() if line.startswith("• ")]
    assert quoted and quoted == printed


def test_smallest_change_under_a_variant_edits_its_overrides(builtin) -> None:
    """Under a variant that overrides options' declared values, the change is made where
    the variant's world takes the value from (the override), and decide under the variant
    agrees."""
    variant = "fighting-on-armenian-territory"
    overridden = {
        (o, c) for v in builtin.variants if v.id == variant for o, cs in v.costs.items() for c in cs
    }
    e = explain(builtin, variant=variant)
    pairs = [
        (o, d, v.change)
        for o, per in e.views.items()
        for d, v in per.items()
        if v.change and d != ANY
    ]
    touching = [p for p in pairs if any((c.owner, c.criterion) in overridden for c in p[2])]
    assert touching, "some smallest change touches a value the variant overrides"
    for o, d, change in touching[:2] + pairs[:1]:
        changed = apply_judgements(builtin, change, variant=variant)
        result = decide(changed, variant=variant, draws=0)
        assert result.by_doctrine[d]["best"] == o, (o, d, change)


def test_time_limit_marks_unsettled_views_and_changes_no_settled_one():
    """A time limit of 0 s leaves the views that need the MILP unsettled — said as such, not
    as "impossible" — and every view settled without it keeps the unlimited answer."""
    from equipoise import load
    from equipoise.decision.explain import explain
    from equipoise.scenarios import builtin_path

    s = load(builtin_path("nagorno-karabakh-2020"))
    full = explain(s, model="eum")
    limited = explain(s, model="eum", time_limit=0.0)
    timed_out = [
        (o, d) for o in limited.views for d, v in limited.views[o].items() if v.change_timed_out
    ]
    assert timed_out, "the built-in case has views that need the MILP"
    data = limited.to_dict()
    for o, d in timed_out:
        assert limited.views[o][d].change is None
        assert data["options"][o]["doctrines"][d]["change_status"] == "time limit"
    for o in limited.views:
        for d, v in limited.views[o].items():
            if not v.change_timed_out:
                assert v.change == full.views[o][d].change


def test_cli_time_limit_reported_in_json():
    """`explain --time-limit` reaches the MILPs: with a limit too short for any of them the
    views that need one say "time limit", and every status is one of the documented four."""
    import json

    from typer.testing import CliRunner

    from equipoise.cli import app

    res = CliRunner().invoke(
        app,
        [
            "explain",
            "nagorno-karabakh-2020",
            "--no-search",
            "--no-store",
            "--time-limit",
            "0.01",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    statuses = [
        v["change_status"]
        for o in json.loads(res.stdout)["options"].values()
        for v in o["doctrines"].values()
    ]
    assert "time limit" in statuses
    assert set(statuses) <= {"first already", "found", "impossible", "time limit"}


def _approximate(e) -> dict:
    return {(o, d): v.approximate for o in e.views for d, v in e.views[o].items()}


def test_search_in_small_batches_finds_the_same_changes(builtin, explained, monkeypatch):
    """The search is evaluated in batches so that the deadline can be checked between them;
    each grid point is its own model run, so batches of one input give the same changes."""
    from equipoise.decision.explain import search

    monkeypatch.setattr(search, "SEARCH_BATCH", 1)
    small = explain(builtin, search=True)
    assert small.search_inputs == explained.search_inputs
    assert small.search_complete and explained.search_inputs[0] > 10
    assert _approximate(small) == _approximate(explained)
    assert explained.to_dict()["search"] == {
        "inputs_searched": explained.search_inputs[1],
        "inputs": explained.search_inputs[1],
        "complete": True,
    }


def test_search_stops_at_the_time_limit_and_says_what_it_covered(builtin, monkeypatch):
    """`explain --search --time-limit` bounds the search too (it ran to its end before): no
    batch starts after the deadline, and the result says how many inputs were searched
    instead of claiming that no single change works. A clock that jumps past the deadline
    after the first batch stands in for a slow model."""
    from equipoise.decision.explain import search

    class Clock:
        def __init__(self) -> None:
            self.calls = 0

        def monotonic(self) -> float:
            self.calls += 1
            return 0.0 if self.calls <= 1 else 1e9

    monkeypatch.setattr(search, "SEARCH_BATCH", 1)
    monkeypatch.setattr(search, "time", Clock())
    full = explain(builtin, search=True)  # no limit: no deadline, the clock is not read
    cut = explain(builtin, search=True, time_limit=3600.0)  # a deadline from the real clock
    searched, total = cut.search_inputs
    assert searched == 1 and total == full.search_inputs[1] > 1 and full.search_complete
    assert not cut.search_complete
    data = cut.to_dict()
    assert data["search"] == {"inputs_searched": 1, "inputs": total, "complete": False}
    from equipoise.decision.explain.words import option_sentences

    words = [
        s
        for o in cut.views
        for d in cut.views[o]
        for s in option_sentences(cut, o, d)
        if "Approximately" in s and "no single change" in s
    ]
    assert words and all(f"of the 1 of {total} inputs searched" in s for s in words)

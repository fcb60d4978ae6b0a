"""Benchmarks for the decision analysis and the whole ``analyze`` run (issues 5 and 6).

Run as a benchmark suite::

    .venv/bin/python -m pytest benchmarks/bench_decision.py --benchmark-only

or as a plain script that prints the figures (and the peak memory) of
``benchmarks/RESULTS-decision.md``::

    .venv/bin/python benchmarks/bench_decision.py

Input ``synthetic()``: a balancer and 11 other actors, 4 issues, 5 options + the status quo
(6 options; the status quo has no changes and declares cost 0, risk 0), 3 doctrines with
weight ranges; positions uniform on 0-100, saliences
U(0.1, 1), capabilities U(1, 100), all from numpy ``default_rng(0)``.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pytest

from equipoise.decision import decide
from equipoise.scenario import Scenario


def options_and_doctrines(
    rng: np.random.Generator, actors: list[str], issues: list[str], prov: dict[str, str]
) -> tuple[list[dict], list[dict]]:
    """Six options (a status quo 'hold' and five that move three random stances, with
    random declared cost and risk) and three doctrines, for the synthetic benchmarks."""
    options = [
        {"id": "hold", "name": "Hold the course", "costs": {"cost": 0.0, "risk": 0.0}, **prov}
    ]
    for k in range(5):
        changes = [
            {
                "target": "stance",
                "actor": str(rng.choice(actors)),
                "issue": str(rng.choice(issues)),
                "position": float(rng.uniform(0, 100)),
            }
            for _ in range(3)
        ]
        options.append(
            {
                "id": f"opt{k}",
                "name": f"Option {k}",
                "changes": changes,
                "costs": {"cost": float(rng.integers(0, 10)), "risk": float(rng.integers(0, 10))},
                **prov,
            }
        )
    doctrines = [
        {
            "id": "d1",
            "name": "Outcome first",
            "weights": {"outcome": [0.4, 0.8], "cost": [0, 0.3], "risk": [0, 0.3]},
            **prov,
        },
        {
            "id": "d2",
            "name": "Friends first",
            "weights": {"relations": [0.4, 0.8], "cross_pressure": [0, 0.3]},
            **prov,
        },
        {"id": "d3", "name": "Caution", "weights": {"risk": 1, "cost": [0.2, 0.5]}, **prov},
    ]
    return options, doctrines


def synthetic_scenario(
    rng: np.random.Generator,
    scenario_id: str,
    title: str,
    actors: list[str],
    issues: list[str],
    stances: list[dict],
    relations: list[dict],
    prov: dict,
) -> Scenario:
    """A benchmark scenario from its stances and relations: the options and doctrines of
    :func:`options_and_doctrines`, then a random capability per actor (in that order, so
    that a seed gives the same scenario)."""
    options, doctrines = options_and_doctrines(rng, actors, issues, prov)
    return Scenario.model_validate(
        {
            "id": scenario_id,
            "title": title,
            "balancer": "A0",
            "actors": [
                {"id": a, "name": a, "capability": float(rng.uniform(1, 100)), **prov}
                for a in actors
            ],
            "issues": [
                {"id": i, "name": i, "scale": {"min_label": "lo", "max_label": "hi"}}
                for i in issues
            ],
            "stances": stances,
            "relations": relations,
            "options": options,
            "status_quo": "hold",
            "doctrines": doctrines,
        }
    )


def synthetic(seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    actors = [f"A{k}" for k in range(12)]
    issues = [f"i{k}" for k in range(4)]
    prov = {"assumption": "benchmark"}
    stances = [
        {
            "actor": a,
            "issue": i,
            "position": float(rng.uniform(0, 100)),
            "salience": float(rng.uniform(0.1, 1)),
            **prov,
        }
        for a in actors
        for i in issues
    ]
    relations = [
        {"from": "A0", "to": a, "kind": "alliance" if k % 2 else "rivalry", **prov}
        for k, a in enumerate(actors[1:6])
    ]
    relations += [{"from": "A1", "to": "A2", "kind": "war", **prov}]
    return synthetic_scenario(rng, "bench", "benchmark", actors, issues, stances, relations, prov)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return synthetic()


def test_smaa_10k_draws_mean(benchmark, scenario) -> None:
    result = benchmark(decide, scenario, model="mean", draws=10_000, seed=0)
    assert len(result.options) == 6


def test_smaa_10k_draws_median(benchmark, scenario) -> None:
    benchmark(decide, scenario, model="median", draws=10_000, seed=0)


def test_smaa_10k_draws_eum(benchmark, scenario) -> None:
    benchmark.pedantic(
        decide,
        args=(scenario,),
        kwargs={"model": "eum", "draws": 10_000, "seed": 0},
        rounds=1,
        iterations=1,
    )


def test_analyze_builtin(benchmark, tmp_path_factory) -> None:
    from equipoise.analysis import run_analysis
    from equipoise.io import load

    nk = load("nagorno-karabakh-2020")
    benchmark.pedantic(run_analysis, args=(nk,), rounds=1, iterations=1)


def main() -> None:
    s = synthetic()
    print(f"Python {sys.version.split()[0]}; 6 options x 4 issues x 12 actors")
    for model in ("mean", "median", "eum"):
        start = time.perf_counter()
        decide(s, model=model, draws=10_000, seed=0)
        print(f"decide --model {model} --draws 10000: {time.perf_counter() - start:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MiB")
    from equipoise.analysis import run_analysis
    from equipoise.io import load

    nk = load("nagorno-karabakh-2020")
    start = time.perf_counter()
    run_analysis(nk)
    print(
        f"run_analysis(nagorno-karabakh-2020), default draws: {time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()

"""Scale benchmarks (issue 12 item 6): a 200-actor × 10-issue scenario.

Plain script (prints the figures of the README's Performance table)::

    .venv/bin/python benchmarks/bench_scale.py            # models one by one + whole analyze
    .venv/bin/python benchmarks/bench_scale.py models     # the forecasts only
    .venv/bin/python benchmarks/bench_scale.py write large.yaml  # the scenario, for timing
    .venv/bin/python benchmarks/bench_scale.py report     # writing report.html (--draws 0)
    time equipoise analyze large.yaml --out /tmp/large-report     # the whole command

Input ``large()``: ``n_actors`` actors (``A0`` the balancer) × ``n_issues`` issues, every actor
with a stance on every issue; positions uniform on 0-100, saliences U(0.1, 1), capabilities
U(1, 100); 2 relations per actor to random others (alliance / rivalry / war); 5 options + the
status quo (3 stance changes each), 3 doctrines — numpy ``default_rng(seed)``, seed 0. Every
value is marked ``assumption: benchmark`` (a synthetic input, not a case).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

from equipoise.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from bench_decision import synthetic_scenario  # noqa: E402  (the same options)


def large(n_actors: int = 200, n_issues: int = 10, seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    actors = [f"A{k}" for k in range(n_actors)]
    issues = [f"i{k}" for k in range(n_issues)]
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
    relations, seen = [], set()
    kinds = ("alliance", "rivalry", "war")
    for k in range(n_actors):
        for other in rng.choice(n_actors, size=2, replace=False).tolist():
            pair = (min(k, other), max(k, other))
            if other == k or pair in seen:
                continue
            seen.add(pair)
            relations.append(
                {
                    "from": actors[pair[0]],
                    "to": actors[pair[1]],
                    "kind": kinds[int(rng.integers(0, 3))],
                    **prov,
                }
            )
    return synthetic_scenario(
        rng, "bench-large", "scale benchmark", actors, issues, stances, relations, prov
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def models(s: Scenario) -> None:
    from equipoise.models.api import forecast

    for m in ("mean", "median", "eum", "exchange"):
        forecast(s, model=m, rounds=2)  # warm-up (numba compilation, caches)
        t = time.perf_counter()
        fc = forecast(s, model=m)
        print(
            f"  forecast {m:9s} {time.perf_counter() - t:7.2f} s  rounds "
            f"{max(fc.rounds_run.values())}  converged {sum(fc.converged.values())}"
            f"/{len(fc.converged)}",
            flush=True,
        )


def analyze(s: Scenario) -> None:
    """``run_analysis`` as the default command runs it: the draws' forecasts in local worker
    processes (``executor_from()``: all cores), the rest in this process."""
    from equipoise.analysis import run_analysis
    from equipoise.decision.executor import executor_from

    steps: list[tuple[str, float]] = []
    t = time.perf_counter()
    result = run_analysis(
        s,
        step=lambda name: steps.append((name, time.perf_counter())),
        executor=executor_from(),
    )
    total = time.perf_counter() - t
    marks = [*steps, ("end", t + total)]
    for (name, t0), (_, t1) in zip(marks, marks[1:]):
        print(f"  {name:22s} {t1 - t0:7.2f} s")
    print(f"  default analyze total  {total:7.2f} s  (peak {_peak_mib():.0f} MiB)")
    d = result.decision
    if d is not None and d.smaa is not None:  # the draws share forecasts on this case
        robust = d.robust_option()
        print(
            f"  decision: {d.draws:,} draws over {d.forecast_draws:,} distinct forecasts; "
            f"first-rank acceptability of {robust} {d.acceptability[robust]:.1%} "
            f"± {d.acceptability_se[robust]:.1%}"
        )


def report(s: Scenario, repeat: int = 3) -> None:
    """Seconds of ``write_report`` (report.html + results.json) for an analysis without SMAA
    draws (``equipoise analyze --draws 0``): the minimum of ``repeat`` runs, the slowest
    figure, the page's size and the process's peak memory."""
    import tempfile

    from equipoise.analysis import run_analysis
    from equipoise.report.render import report_context, write_report

    analysis = run_analysis(s, draws=0)
    with tempfile.TemporaryDirectory() as out:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            paths = write_report(analysis, out)
            times.append(time.perf_counter() - t)
        size = paths["report"].stat().st_size / 1e6
    figures = report_context(analysis)["figure_seconds"]
    slowest = max(figures, key=figures.__getitem__)
    print(
        f"  write_report (--draws 0) {min(times):7.2f} s  (min of {repeat}; {len(figures)} "
        f"figures {sum(figures.values()):.2f} s, slowest {slowest} {figures[slowest]:.2f} s; "
        f"report.html {size:.1f} MB; peak {_peak_mib():.0f} MiB)"
    )


def main() -> int:
    s = large()
    if sys.argv[1:2] == ["write"] and len(sys.argv) == 3:
        from equipoise.io.scenario_file import write_scenario

        write_scenario(s, sys.argv[2])
        return 0
    print(
        f"scale benchmark: {len(s.actors)} actors, {len(s.issues)} issues, "
        f"{len(s.relations)} relations, {len(s.options)} options"
    )
    if sys.argv[1:] == ["report"]:
        report(s)
        return 0
    models(s)
    if sys.argv[1:] != ["models"]:
        analyze(s)
        report(s)
    return 0


if __name__ == "__main__":
    sys.exit(main())

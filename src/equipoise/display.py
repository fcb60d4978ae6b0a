"""Rich renderables for the terminal: scenario tables and summaries.

Pure presentation: functions take result objects and return rich renderables; nothing here
computes an analysis or reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .numfmt import fmt_num
from .scenario import Scenario
from .sentences import decision_sentence, draws_precision_sentence, non_converged_note

__all__ = [
    "scenario_summary",
    "scenario_tables",
    "fmt_num",
    "decision_tables",
    "analysis_summary",
    "decision_sentence",
]


#: Above this many issues, stances are listed one per row rather than one column per issue.
WIDE_ISSUES = 8

#: How a relation's sign is shown in the relations table.
_SIGN_MARK = {1: "+", -1: "-", 0: "0"}


def scenario_summary(scenario: Scenario) -> Text:
    """One paragraph: title, date, balancer and counts."""
    parts = [
        f"{len(scenario.actors)} actors",
        f"{len(scenario.issues)} issues",
        f"{len(scenario.stances)} stances",
        f"{len(scenario.relations)} relations",
        f"{len(scenario.events)} events",
    ]
    if scenario.options:
        parts.append(f"{len(scenario.options)} options")
    if scenario.doctrines:
        parts.append(f"{len(scenario.doctrines)} doctrines")
    text = Text()
    text.append(scenario.title, style="bold")
    text.append(f"  [{scenario.id}]", style="dim")
    if scenario.as_of:
        text.append(f"  as of {scenario.as_of.isoformat()}")
    text.append("\n" + ", ".join(parts))
    if scenario.balancer:
        text.append(f"\nbalancer: {scenario.actor(scenario.balancer).name} ({scenario.balancer})")
    return text


def _table(title: str, columns: Iterable[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


#: The sections ``equipoise show --section`` knows, in display order.
SHOW_SECTIONS = (
    "actors",
    "issues",
    "stances",
    "relations",
    "events",
    "red_lines",
    "options",
    "variants",
    "doctrines",
    "checkpoints",
    "actual_choice",
)


def scenario_tables(scenario: Scenario, sections: set[str] | None = None) -> RenderableType:
    """Tables of the scenario's records: by default actors, issues, stances, relations,
    events and red lines; else the chosen ``sections`` of :data:`SHOW_SECTIONS` (a chosen
    section without records says so)."""
    want = sections or set(SHOW_SECTIONS[:6])
    out: list[RenderableType] = [scenario_summary(scenario)]
    if "actors" in want:
        t = _table("Actors", ["id", "name", "kind", "capability", "basis"])
        for a in scenario.actors:
            t.add_row(
                a.id,
                a.name,
                a.kind,
                fmt_num(a.capability.value if a.capability else None),
                a.capability_basis or "",
            )
        out.append(t)
    if "issues" in want and scenario.issues:
        spaced = any(i.space is not None for i in scenario.issues)
        t = _table(
            "Issues",
            [
                "id",
                "name",
                *(["space"] if spaced else []),
                "scale",
                "low end",
                "high end",
                "actual outcome",
            ],
        )
        for i in scenario.issues:
            outcome = fmt_num(i.outcome.value) if i.outcome else "-"
            name = i.name + (f" (decided by {i.decided_by})" if i.decided_by else "")
            t.add_row(
                i.id,
                name,
                *([i.space or ""] if spaced else []),
                f"{fmt_num(i.scale.min)}-{fmt_num(i.scale.max)}",
                i.scale.min_label,
                i.scale.max_label,
                outcome,
            )
        out.append(t)
    if "stances" in want and scenario.stances and len(scenario.issues) > WIDE_ISSUES:
        # many issues: one row per stance instead of one column per issue
        t = _table("Stances", ["issue", "actor", "position", "salience", "capability"])
        for st in scenario.stances:
            t.add_row(
                st.issue,
                st.actor,
                fmt_num(st.position.value, 2),
                fmt_num(st.salience.value, 2),
                fmt_num(st.capability.value) if st.capability else "",
            )
        out.append(t)
    elif "stances" in want and scenario.stances:
        issues = [i.id for i in scenario.issues]
        t = _table("Stances (position / salience)", ["actor", *issues])
        for a in scenario.actors:
            cells = []
            for issue in issues:
                s = scenario.stance(a.id, issue)
                cells.append(
                    ""
                    if s is None
                    else f"{fmt_num(s.position.value, 1)} / {fmt_num(s.salience.value, 2)}"
                )
            if any(cells):
                t.add_row(a.id, *cells)
        out.append(t)
    if "relations" in want and scenario.relations:
        from .network.kinds import network_config

        config = network_config(scenario)
        t = _table("Relations", ["from", "to", "kind", "layer", "sign", "weight", "since", "until"])
        for r in scenario.relations:
            spec = config.kinds.get(r.kind)
            own = r.sign if "sign" in r.model_fields_set else None
            sign = config.record_sign(r.kind, own) if spec is not None else r.sign
            t.add_row(
                r.from_,
                r.to,
                r.kind,
                spec.layer if spec is not None else "?",
                _SIGN_MARK.get(sign, "?") if sign is not None else "?",
                fmt_num(r.weight_value),
                str(r.since or ""),
                str(r.until or ""),
            )
        out.append(t)
    if "events" in want and scenario.events:
        t = _table("Events", ["date", "kind", "actors", "description"])
        for e in sorted(scenario.events, key=lambda e: e.date):
            t.add_row(e.date.isoformat(), e.kind, ", ".join(e.actors), e.description)
        out.append(t)
    if "red_lines" in want and scenario.red_lines:
        t = _table("Red lines", ["actor", "protects", "condition", "commitment", "excludes"])
        for rl in scenario.red_lines:
            t.add_row(rl.actor, rl.protects or "", rl.condition, rl.commitment, rl.excludes or "")
        out.append(t)
    out += _decision_tables(scenario, want)
    if sections:
        empty = [
            name for name in SHOW_SECTIONS if name in sections and not getattr(scenario, name, None)
        ]
        if empty:
            out.append(Text("no records in: " + ", ".join(empty), style="dim"))
    return Group(*out)


def _change_text(c: Any) -> str:
    """One change of an option or variant, in words (``stance BIG/border: salience 0.7``)."""
    if c.target == "stance":
        parts = [
            f"{name} {fmt_num(getattr(c, name))}"
            for name in ("position", "salience", "capability")
            if getattr(c, name) is not None
        ]
        return f"stance {c.actor}/{c.issue}: " + ", ".join(parts)
    if c.target == "capability":
        return f"capability {c.actor}: {fmt_num(c.capability)}"
    what = c.action or "add"
    extra = " ".join(x for x in (c.kind or "", "" if c.sign is None else f"sign {c.sign:+d}") if x)
    return f"relation {c.actor}-{c.other}: {what}" + (f" {extra}" if extra else "")


def _criteria_text(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} {fmt_num(v.value)}" for k, v in values.items())


def _weights_text(weights: dict[str, Any]) -> str:
    def one(w: Any) -> str:
        return f"{fmt_num(w[0])}-{fmt_num(w[1])}" if isinstance(w, (tuple, list)) else fmt_num(w)

    return ", ".join(f"{k} {one(w)}" for k, w in weights.items())


def _decision_tables(scenario: Scenario, want: set[str]) -> list[RenderableType]:
    """Tables of options, variants, doctrines, checkpoints and the actual choice."""
    out: list[RenderableType] = []
    if "options" in want and scenario.options:
        t = _table("Options", ["id", "name", "changes", "criteria"])
        for o in scenario.options:
            name = o.name + (" (status quo)" if o.id == scenario.status_quo else "")
            t.add_row(
                o.id,
                name,
                "\n".join(_change_text(c) for c in o.changes) or "-",
                _criteria_text({**o.costs, **o.criteria}) or "-",
            )
        out.append(t)
    if "variants" in want and scenario.variants:
        t = _table("Variants", ["id", "name", "changes"])
        for v in scenario.variants:
            t.add_row(v.id, v.name, "\n".join(_change_text(c) for c in v.changes) or "-")
        out.append(t)
    if "doctrines" in want and scenario.doctrines:
        t = _table("Doctrines", ["id", "name", "holder", "weights"])
        for d in scenario.doctrines:
            t.add_row(d.id, d.name, d.holder or "", _weights_text(d.weights) or "-")
        out.append(t)
    if "checkpoints" in want and scenario.checkpoints:
        t = _table("Checkpoints", ["date", "label"])
        for cp in sorted(scenario.checkpoints, key=lambda cp: cp.date):
            t.add_row(cp.date.isoformat(), cp.label)
        out.append(t)
    if "actual_choice" in want and scenario.actual_choice is not None:
        ac = scenario.actual_choice
        t = _table(
            "Actual choice (the record, not a model result)",
            ["date", "matching options", "what was done"],
        )
        t.add_row(
            ac.date.isoformat() if ac.date else "", ", ".join(ac.options) or "-", ac.description
        )
        out.append(t)
    return out


# -- decision ----------------------------------------------------------------------------


def decision_tables(result: Any) -> RenderableType:
    """Options x doctrines scores, and the SMAA-2 acceptability indices."""
    out: list[RenderableType] = []
    title = f"Options of {result.balancer} (model: {result.model}"
    title += f", variant: {result.variant})" if result.variant else ")"
    if result.by_doctrine:
        doctrines = list(result.by_doctrine)
        t = _table(title + " — score under each doctrine (best in bold)", ["option", *doctrines])
        for o in result.options:
            cells = []
            for d in doctrines:
                score = result.by_doctrine[d]["scores"][o]
                cell = f"{score:.3f}"
                cells.append(f"[bold]{cell}[/bold]" if result.by_doctrine[d]["best"] == o else cell)
            t.add_row(_option_label(result, o), *cells)
        out.append(t)
    crit = _table("Criteria (raw values; higher is better)", ["option", *result.criteria])
    for i, o in enumerate(result.options):
        crit.add_row(o, *(fmt_num(v) for v in result.values[i]))
    out.append(crit)
    if result.smaa is not None:
        m = len(result.options)
        ranks = [f"rank {r + 1}" for r in range(min(m, 3))]
        t = _table(
            f"Rank acceptability (SMAA-2, {result.draws:,} draws, seed {result.seed})",
            ["option", *ranks, "confidence"],
        )
        order = np.argsort(-result.smaa.acceptability, kind="stable")
        for i in order:
            conf = result.smaa.confidence[i]
            t.add_row(
                _option_label(result, result.options[i]),
                *(f"{result.smaa.rank_acceptability[i, r]:.1%}" for r in range(len(ranks))),
                "-" if np.isnan(conf) else f"{conf:.1%}",
            )
        out.append(t)
    out.extend(_decision_notes(result))
    precision = draws_precision_sentence(result)
    if precision:
        out.append(Text(precision[0].upper() + precision[1:] + "."))
    out.append(Text(decision_sentence(result), style="bold"))
    note = non_converged_note(result)
    if note:
        out.append(Text("warning: " + note, style="yellow"))
    return Group(*out)


def _option_label(result: Any, o: str) -> str:
    """An option's name, marked as the status quo, a package or a combination."""
    kind = getattr(result, "kinds", {}).get(o, "option")
    name = result.option_names[o]
    return name if kind == "option" else f"{name} ({kind})"


def _decision_notes(result: Any) -> list[RenderableType]:
    """Expectations, unilateral issues, bounded forecasts and what the draws perturbed."""
    out: list[RenderableType] = []
    expectations = getattr(result, "expectations", {})
    if expectations:
        t = _table(
            "Expectations of other actors (not the balancer's doctrines; kept out of "
            "the robust option)",
            ["actor", "expectation", "best option", "score"],
        )
        for e in expectations.values():
            t.add_row(
                e["actor"],
                e["name"],
                result.option_names[e["best"]],
                f"{e['scores'][e['best']]:.3f}",
            )
        out.append(t)
    decided = {i: a for i, a in getattr(result, "decided_by", {}).items() if a}
    if decided:
        out.append(
            Text(
                "Unilateral issues (outcome = the decider's position, not bargained): "
                + ", ".join(f"{i} (decided by {a})" for i, a in decided.items())
            )
        )
    for o, issues in getattr(result, "bounded", {}).items():
        out.append(
            Text(
                f"Bounded by declared consequences under '{result.option_names[o]}': "
                + "; ".join(f"{i} {b['before']:.1f} → {b['after']:.1f}" for i, b in issues.items())
            )
        )
    perturbed = getattr(result, "perturbed", [])
    if perturbed:
        out.append(Text("The draws perturb: " + "; ".join(perturbed) + ".", style="dim"))
    return out


# -- forecasts ---------------------------------------------------------------------------


def accuracy_sentence(mae: dict[str, float], n: dict[str, int], unit: str = "points") -> str:
    """An accuracy claim that states n (see :func:`equipoise.models.convergence` for why
    forecasts can be unstable): with at least :data:`MIN_ISSUES_FOR_RANKING` issues scored
    by every model it names the model with the lowest mean absolute error, with fewer it
    gives the errors and names none."""
    from .analysis import MIN_ISSUES_FOR_RANKING

    if not mae:
        return ""
    parts = ", ".join(f"{m} {fmt_num(v, 1)} (n = {n[m]})" for m, v in mae.items())
    fewest = min(n.values())
    if fewest < MIN_ISSUES_FOR_RANKING:
        return (
            f"Mean absolute error in {unit}: {parts}. With fewer than "
            f"{MIN_ISSUES_FOR_RANKING} scored issues no model is named the most accurate."
        )
    best = min(mae, key=mae.__getitem__)
    return (
        f"Mean absolute error in {unit}: {parts}; the lowest is {best}'s (n = {n[best]}), "
        "a difference that can be within the spread of the errors (sd above)."
    )


def convergence_note(fc: Any, issue: str) -> str | None:
    """One line on how an iterative model's run on ``issue`` ended, or None when it reached
    a fixed point (or the model is single-pass)."""
    if not fc.iterative:
        return None
    c = fc.convergence(issue)
    lo, hi = c["range"]
    if c["cycle"]:
        return (
            f"{fc.model}: {issue} settles into a cycle of {c['cycle']} rounds (found after "
            f"{c['rounds_run']}); forecast = the cycle's mean, range {fmt_num(lo, 2)}–"
            f"{fmt_num(hi, 2)}"
        )
    if not c["converged"]:
        s_lo, s_hi = fc.scale.get(issue, (0.0, 100.0))
        if hi - lo < 1e-3 * (s_hi - s_lo):
            return (
                f"{fc.model}: {issue} did not converge in {c['rounds_run']} rounds (the "
                f"positions still move), though its forecast varied by less than 0.1 % of "
                f"the scale over the last rounds (range {fmt_num(lo, 3)}–{fmt_num(hi, 3)})"
            )
        return (
            f"{fc.model}: {issue} did not converge in {c['rounds_run']} rounds; last "
            f"round's forecast, range {fmt_num(lo, 2)}–{fmt_num(hi, 2)} over the last "
            f"rounds"
        )
    return None


def forecast_tables(
    scenario_issues: dict[str, Any],
    forecasts: dict[str, Any],
    outcomes: dict[str, float | None] | None = None,
) -> RenderableType:
    """Per issue: each model's forecast (``*`` a cycle's mean, ``!`` not converged), the
    spread across models and the actual outcome; a warning per issue that did not converge;
    the actors that moved most; then a compact round-by-round view of the iterative
    models."""
    out: list[RenderableType] = []
    issues = list(next(iter(forecasts.values())).issues) if forecasts else []
    t = _table("Forecasts", ["issue", *forecasts, "spread", *(["actual"] if outcomes else [])])
    for issue in issues:
        cells, values = [], []
        for fc in forecasts.values():
            if issue not in fc.outcome:
                cells.append("-")
                continue
            v = fc.outcome[issue]
            values.append(v)
            mark = ""
            if fc.iterative:
                c = fc.convergence(issue)
                mark = " *" if c["cycle"] else ("" if c["converged"] else " !")
            cells.append(fmt_num(v, 2) + mark)
        cells.append(fmt_num(max(values) - min(values), 2) if len(values) > 1 else "-")
        if outcomes:
            cells.append(fmt_num(outcomes.get(issue), 2))
        label = scenario_issues.get(issue, issue)
        decider = next(
            (fc.decided_by.get(issue) for fc in forecasts.values() if fc.decided_by.get(issue)),
            None,
        )
        if decider:
            label += f" (decided by {decider})"
        t.add_row(label, *cells)
    out.append(t)
    legend = (
        "* the mean of a cycle the positions settled into; ! did not converge (the "
        "last round's forecast); spread = largest minus smallest forecast"
    )
    out.append(Text(legend, style="dim"))
    for fc in forecasts.values():
        for issue in fc.issues:
            note = convergence_note(fc, issue)
            if note is None:
                continue
            warn = not fc.converged.get(issue, True)
            out.append(
                Text(("warning: " if warn else "note: ") + note, style="yellow" if warn else "dim")
            )
    for name, fc in forecasts.items():
        if not fc.iterative:
            continue
        mt = _table(
            f"{name}: actors that moved most (initial → final position; ⚑ more than "
            "half the scale)",
            ["issue", "actor", "initial", "final", "moved"],
        )
        for issue in fc.issues:
            for row in fc.movers(issue, top=3):
                if abs(row["moved"]) <= 0.0:
                    continue
                flag = " ⚑" if row["crossed_half"] else ""
                mt.add_row(
                    issue,
                    row["actor"],
                    fmt_num(row["initial"], 1),
                    fmt_num(row["final"], 1),
                    f"{row['moved']:+.1f}{flag}",
                )
        if mt.row_count:
            out.append(mt)
    for name, fc in forecasts.items():
        longest = max((len(fc.trajectory[i]) for i in fc.issues), default=0)
        if longest <= 1:
            continue
        shown = min(longest, 12)
        rt = _table(
            f"{name}: forecast by round (0 = initial positions)",
            [
                "issue",
                *(str(r) for r in range(shown)),
                *(["...", "last"] if longest > shown else []),
            ],
        )
        for issue in fc.issues:
            traj = list(fc.trajectory[issue])
            cells = [fmt_num(traj[r], 1) if r < len(traj) else "" for r in range(shown)]
            if longest > shown:
                cells += [
                    "",
                    f"{fmt_num(traj[-1], 1)} (r{len(traj) - 1})" if len(traj) > shown else "",
                ]
            rt.add_row(issue, *cells)
        out.append(rt)
    return Group(*out)


def backtest_table(result: Any) -> RenderableType:
    """Per model and baseline: MAE, spread, issues scored and skipped."""
    t = _table(
        f"Backtest on {result.path}: {result.scored} of {result.n_issues} issues scored",
        ["model", "MAE", "sd", "median |error|", "n", "skipped", "not converged"],
    )
    ranked = sorted(result.models.values(), key=lambda s: s.mae)
    for score in ranked:
        t.add_row(
            score.name,
            fmt_num(score.mae, 2),
            fmt_num(score.sd, 2),
            fmt_num(score.median, 2),
            str(score.n),
            str(len(score.skipped)),
            str(len(score.non_converged)),
        )
    for score in result.baselines.values():
        t.add_row(
            f"[dim]{score.name} (baseline)[/dim]",
            fmt_num(score.mae, 2),
            fmt_num(score.sd, 2),
            fmt_num(score.median, 2),
            str(score.n),
            str(len(score.skipped)),
            "",
        )
    notes: list[RenderableType] = [
        t,
        Text(
            accuracy_sentence(
                {s.name: s.mae for s in result.models.values()},
                {s.name: s.n for s in result.models.values()},
                unit="points",
            )
        ),
    ]
    for score in ranked:
        if score.non_converged:
            notes.append(
                Text(
                    f"warning: {score.name} did not converge on "
                    f"{len(score.non_converged)} of {score.n} scored issues (scored "
                    "on the last round's forecast)",
                    style="yellow",
                )
            )
    if result.skipped:
        reasons: dict[str, list[str]] = {}
        for issue, why in result.skipped.items():
            reasons.setdefault(why, []).append(issue)
        for why, ids in reasons.items():
            notes.append(
                Text(
                    f"Not scored ({len(ids)}): {why} — {', '.join(ids[:8])}"
                    + (" ..." if len(ids) > 8 else "")
                )
            )
    for score in result.models.values():
        if score.skipped:
            example = next(iter(score.skipped.values()))
            notes.append(Text(f"{score.name} skipped {len(score.skipped)} issues, e.g.: {example}"))
    return Group(*notes)


# -- the whole analysis ------------------------------------------------------------------


def analysis_summary(analysis: Any) -> RenderableType:
    """Terminal summary of :func:`equipoise.analysis.run_analysis`."""
    from rich.panel import Panel

    s = analysis.scenario
    parts: list[RenderableType] = [
        Panel(
            Text(analysis.summary()),
            title=f"{s.title}",
            title_align="left",
            subtitle=f"as of {s.as_of}" if s.as_of else None,
            subtitle_align="left",
        )
    ]
    if analysis.forecasts:
        names = {i.id: i.name for i in s.issues}
        actual = {i.id: i.outcome.value if i.outcome else None for i in s.issues}
        t = _table(
            "Forecasts (actual outcome where recorded; ! not converged)",
            ["issue", *analysis.forecasts, "spread", "actual"],
        )
        for issue in s.issues:
            cells, values = [], []
            for fc in analysis.forecasts.values():
                v = fc.outcome.get(issue.id)
                mark = "" if fc.converged.get(issue.id, True) else " !"
                cells.append(fmt_num(v, 1) + mark if v is not None else "-")
                if v is not None:
                    values.append(v)
            spread = fmt_num(max(values) - min(values), 1) if len(values) > 1 else "-"
            t.add_row(names[issue.id], *cells, spread, fmt_num(actual[issue.id], 1))
        errs = analysis.mean_errors()
        if errs:
            n = analysis.scored_issues()
            t.add_row(
                "[italic]mean |error| (n)[/italic]",
                *(
                    f"{fmt_num(errs[m], 1)} ({n[m]})" if m in errs else "-"
                    for m in analysis.forecasts
                ),
                "",
                "",
            )
        parts.append(t)
        for m, issues in analysis.non_converged().items():
            parts.append(
                Text(
                    f"warning: the {m} model did not converge on {len(issues)} "
                    f"issue(s): {', '.join(issues)} (the last round's forecast; "
                    "see the report for the range)",
                    style="yellow",
                )
            )
    if analysis.balance is not None:
        b = analysis.balance
        proven = "proven optimal" if b.optimal else f"lower bound {fmt_num(b.lower_bound)}"
        parts.append(
            Text(
                f"Relations network: frustration index {fmt_num(b.frustration_index)}"
                f" ({proven}, {b.method}); {b.triads['unbalanced']} of "
                f"{b.triads['total']} triads unbalanced."
            )
        )
    if analysis.decision is not None:
        parts.append(decision_tables(analysis.decision))
        for vid, res in analysis.variants.items():
            parts.append(Text(f"Variant {vid}: " + decision_sentence(res)))
    for section, why in analysis.skipped.items():
        parts.append(Text(f"skipped {section}: {why}", style="yellow"))
    return Group(*parts)

"""The HTML report and ``results.json`` of one :class:`~equipoise.analysis.Analysis`.

:func:`write_report` renders ``report.html`` (Jinja2 with autoescape; figures from
:mod:`equipoise.report.figures` as inline SVG; CSS inlined: one self-contained file that
makes no network request) and ``results.json`` (:meth:`Analysis.to_dict`), both written
atomically: everything is rendered in memory first, then each file is written to a
temporary file in ``out_dir`` and renamed over the target, so a failure leaves no
half-written file behind.

:func:`report_context` gathers the plain data the template shows; :func:`render_html`
turns an analysis into the HTML text.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..io.atomic import write_files
from ..numfmt import fmt_num
from ..strict_json import finite_or_none

__all__ = ["write_report", "render_html", "report_context", "results_json"]

TEMPLATES = Path(__file__).parent / "templates"

#: Report sections (anchor, title) in page order; a section appears when it applies.
SECTIONS = [
    ("summary", "Summary"),
    ("network", "Relations network"),
    ("issues", "Issues and forecasts"),
    ("decision", "The balancer's decision"),
    ("variants", "What-if variants"),
    ("sensitivity", "Sensitivity and flip rules"),
    ("events", "Timeline of events"),
    ("method", "Method notes"),
    ("sources", "Sources"),
]


# -- small helpers -----------------------------------------------------------------------


def results_json(analysis: Any) -> str:
    """``results.json`` text: :meth:`Analysis.to_dict` as strict JSON (non-finite numbers
    as ``null``; :mod:`equipoise.strict_json`)."""
    from ..strict_json import dumps

    return dumps(analysis.to_dict(), indent=1) + "\n"


def _prov(record: Any, known: set[str]) -> dict[str, Any]:
    """Provenance of a record or :class:`Sourced` number: tooltip text and source link."""
    if record is None:
        return {"text": "", "ref": None, "assumed": False}
    source = getattr(record, "source", None)
    ref = source.ref if source is not None else None
    text = getattr(record, "provenance", "") or ""
    assumption = getattr(record, "assumption", None)
    if source is not None and assumption:
        text = f"{text}; assumption: {assumption}"
    return {
        "text": text,
        "ref": ref if ref in known else None,
        "missing_ref": ref if ref is not None and ref not in known else None,
        "assumed": assumption is not None,
    }


def _num(value: Any, record: Any, known: set[str], digits: int = 3) -> dict[str, Any]:
    return {
        "value": None if value is None else float(value),
        "text": fmt_num(None if value is None else float(value), digits),
        "prov": _prov(record, known),
    }


def _refs(records: Iterable[Any], known: set[str]) -> dict[str, Any]:
    """Distinct source links and assumptions of several provenance-carrying records."""
    refs: list[str] = []
    assumptions: list[str] = []
    for r in records:
        if r is None:
            continue
        src = getattr(r, "source", None)
        if src is not None and src.ref in known and src.ref not in refs:
            refs.append(src.ref)
        a = getattr(r, "assumption", None)
        if a and a not in assumptions:
            assumptions.append(a)
    return {"refs": refs, "assumptions": assumptions}


def _citations(obj: Any, counter: Counter) -> None:
    """Count the citations (``source.ref``) anywhere in a pydantic model tree."""
    from pydantic import BaseModel

    from ..scenario import Citation

    if isinstance(obj, Citation):
        counter[obj.ref] += 1
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            _citations(getattr(obj, name), counter)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _citations(v, counter)
    elif isinstance(obj, dict):
        for v in obj.values():
            _citations(v, counter)


def _figure(func: Callable[..., str], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Render one figure; a figure that fails becomes a note, not a broken report."""
    start = time.perf_counter()
    try:
        svg = func(*args, **kwargs)
        error = None
    except Exception as exc:  # pragma: no cover - defensive: the report must still render
        svg, error = None, f"{type(exc).__name__}: {exc}"
    return {"svg": svg, "error": error, "seconds": time.perf_counter() - start}


# -- context -----------------------------------------------------------------------------


def report_context(
    analysis: Any, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Everything the template shows, as plain data (figures as SVG strings)."""
    from markupsafe import Markup

    from . import figures as F
    from .dense_figures import DENSE_ACTORS, dense_note, heaviest, network_note

    s = analysis.scenario
    known = {src.id for src in s.sources}
    names = {a.id: a.name for a in s.actors}
    actor_by_id = {a.id: a for a in s.actors}
    figure_seconds: dict[str, float] = {}
    skipped_notes: dict[str, str] = {}

    def fig(key: str, func: Callable[..., str], *args: Any, **kwargs: Any) -> dict[str, Any]:
        out = _figure(func, *args, name=key, **kwargs)
        figure_seconds[key] = out["seconds"]
        if out["svg"] is not None:
            out["svg"] = Markup(out["svg"])  # matplotlib's own escaped SVG
        out["id"] = key
        return out

    ctx: dict[str, Any] = {
        "title": s.title,
        "scenario_id": s.id,
        "description": s.description,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "balancer": s.balancer,
        "balancer_name": names.get(s.balancer, s.balancer) if s.balancer else None,
        "version": __version__,
        "hash": analysis.hash,
        "params": dict(analysis.params),
        "rounds_label": _rounds_label(analysis.params.get("rounds")),
        "seed": analysis.params.get("seed"),
        "generated": None,
        "summary": analysis.summary(),
        "names": names,
        "long_table": DENSE_ACTORS,  # longer tables and lists are collapsed (<details>)
    }

    # -- network -------------------------------------------------------------------------
    ctx["network"] = None
    if analysis.balance is not None:
        b = analysis.balance  # a BalanceResult: the graph that was solved, and its date
        date = b.as_of or s.as_of
        from ..network.kinds import COMBINATION_RULE, LAYERS, network_config

        organisations = b.organisations
        graph = b.graph
        edges = [(str(u), str(v), int(sg), float(w)) for u, v, sg, w in graph.edges()]
        sign_of = {frozenset((u, v)): sg for u, v, sg, _ in edges}
        groups = [[str(x) for x in g] for g in b.groups]
        while len(groups) < 2:
            groups.append([])
        frustrated = [[str(t["u"]), str(t["v"])] for t in b.frustrated_ties]

        def signs_of(g: Any) -> dict[frozenset, int]:
            return {frozenset((str(u), str(v))): int(sg) for u, v, sg, _ in g.edges()}

        def triad_row(
            triad: Iterable[Any], signs: dict[frozenset, int] | None = None
        ) -> dict[str, Any]:
            signs = sign_of if signs is None else signs
            t = [str(x) for x in triad]
            if s.balancer in t:
                t.remove(s.balancer)
                t.insert(0, s.balancer)
            ties = []
            for x, y in ((t[0], t[1]), (t[1], t[2]), (t[2], t[0])):
                sg = signs.get(frozenset((x, y)))
                ties.append(
                    {"a": x, "b": y, "sign": "+" if sg and sg > 0 else ("−" if sg else "?")}
                )
            return {"actors": t, "names": [names.get(x, x) for x in t], "ties": ties}

        balancer_info = b.actors.get(s.balancer) if s.balancer else None
        balancer_triads = []
        if balancer_info:
            balancer_triads = [
                triad_row([s.balancer, *pair]) for pair in balancer_info.get("unbalanced_with", [])
            ]
        cross = sorted(
            ((a, d) for a, d in b.actors.items() if d["unbalanced_triads"] > 0),
            key=lambda kv: (-kv[1]["unbalanced_triads"], kv[0]),
        )
        config = network_config(s, organisations=organisations)
        relations = []
        for r in s.relations:
            spec = config.kinds.get(r.kind)
            own = r.sign if "sign" in r.model_fields_set else None
            rsign = config.record_sign(r.kind, own) if spec is not None else r.sign
            relations.append(
                {
                    "from": r.from_,
                    "to": r.to,
                    "kind": r.kind,
                    "layer": spec.layer if spec is not None else "",
                    "sign": {1: "+", -1: "−", 0: "0"}.get(rsign, "?"),
                    "weight": _num(r.weight_value, r.weight if r.weight is not None else r, known),
                    "since": r.since.isoformat() if r.since else "",
                    "until": r.until.isoformat() if r.until else "",
                    "active": r.active_on(date),
                    "prov": _prov(r, known),
                    "description": r.description,
                }
            )
        timeline = None
        if analysis.timeline:
            timeline = []
            previous_signs: dict[frozenset, int] = {}
            for k, entry in enumerate(analysis.timeline):
                r = entry.result  # the analysis of that date, with the graph it solved
                day_signs = signs_of(r.graph)
                day = entry.date.isoformat()
                timeline.append(
                    {
                        "date": day,
                        "label": entry.label,
                        "frustration_index": r.frustration_index,
                        "optimal": r.optimal,
                        "triads": entry.triads,
                        "unbalanced": [triad_row(t, day_signs) for t in entry.unbalanced_triads],
                        "appeared": [triad_row(t, day_signs) for t in entry.appeared or []],
                        # resolved triads: the signs they had on the previous date
                        "disappeared": [
                            triad_row(t, previous_signs) for t in entry.disappeared or []
                        ],
                        "first": entry.first,
                        "groups": r.groups,
                        "unplaced": r.unplaced,
                        "layers": r.layers,
                        "dense": (
                            network_note(len(r.graph.nodes), s.balancer in r.graph.nodes)
                            if len(r.graph.nodes) > DENSE_ACTORS
                            else None
                        ),
                        "figure": fig(
                            f"fig-network-{k}",
                            F.network_figure,
                            [str(x) for x in r.graph.nodes],
                            [
                                (str(u), str(v), int(sg), float(w))
                                for u, v, sg, w in r.graph.edges()
                            ],
                            r.groups or [[], []],
                            r.frustrated_edges,
                            balancer=s.balancer,
                            labels=names,
                            unplaced=r.unplaced,
                            not_fixed=r.loose,
                            cancelled=r.cancelled_pairs,
                            compact=True,
                            title=f"{day} · {entry.label}",
                        ),
                    }
                )
                previous_signs = day_signs
        ctx["network"] = {
            "figure": fig(
                "fig-network",
                F.network_figure,
                [str(x) for x in graph.nodes],
                edges,
                groups,
                frustrated,
                balancer=s.balancer,
                labels=names,
                unplaced=b.unplaced,
                not_fixed=b.loose,
                cancelled=b.cancelled_pairs,
            ),
            "dense": (
                network_note(len(graph.nodes), s.balancer in graph.nodes)
                if len(graph.nodes) > DENSE_ACTORS
                else None
            ),
            "rule": COMBINATION_RULE,
            "organisations": organisations,
            "layers": [
                {
                    "name": name,
                    "what": LAYERS.get(name, ""),
                    "ties": d.get("ties", 0),
                    "frustrated": d.get("frustrated", 0),
                }
                for name, d in b.layers.items()
            ],
            "kinds": [
                {
                    "kind": name,
                    "layer": k.layer,
                    "sign": {1: "+", -1: "−", 0: "0 (neutral)"}[k.sign],
                    "weight": k.weight,
                    "dominant": k.dominant,
                }
                for name, k in sorted(
                    config.kinds.items(),
                    key=lambda kv: (
                        list(LAYERS).index(kv[1].layer) if kv[1].layer in LAYERS else 99,
                        kv[0],
                    ),
                )
            ],
            "reference": b.reference,
            "reference_name": names.get(b.reference, b.reference),
            "unique": b.unique,
            "not_fixed": [{"id": a, "name": names.get(a, a)} for a in b.loose],
            "undecided": [
                {"id": a, "name": names.get(a, a)} for a, f in b.camp_fixed.items() if f is None
            ],
            "swing": [{"id": a, "name": names.get(a, a)} for a in b.swing],
            "unplaced": [{"id": a, "name": names.get(a, a)} for a in b.unplaced],
            "cancelled": [
                {
                    "u": c["pair"][0],
                    "v": c["pair"][1],
                    "un": names.get(c["pair"][0], c["pair"][0]),
                    "vn": names.get(c["pair"][1], c["pair"][1]),
                    "layers": ", ".join(f"{k} {v:+.3g}" for k, v in c["layers"].items()),
                    "records": ", ".join(
                        f"{r['kind']} ({r['from']}→{r['to']}, {r['strength']:+.3g})"
                        for r in c["records"]
                    ),
                }
                for c in b.cancelled
            ],
            "date": date.isoformat() if date else None,
            "stats": {
                k: getattr(b, k)
                for k in (
                    "frustration_index",
                    "optimal",
                    "lower_bound",
                    "method",
                    "status",
                    "nodes",
                    "ties",
                    "positive_ties",
                    "negative_ties",
                    "estrada",
                )
            },
            "triads": b.triads,
            "camps": [
                {
                    "label": "AB"[k],
                    "shape": ("circles", "squares")[k],
                    "members": [{"id": x, "name": names.get(x, x)} for x in g],
                }
                for k, g in enumerate(groups[:2])
            ],
            "frustrated": [
                {
                    "u": t["u"],
                    "v": t["v"],
                    "un": names.get(t["u"], t["u"]),
                    "vn": names.get(t["v"], t["v"]),
                    "sign": "+" if t["sign"] > 0 else "−",
                    "weight": t["weight"],
                    "strain": t["strain"],
                    "layers": ", ".join(
                        f"{k} {v:+.3g}" for k, v in (t.get("layers") or {}).items()
                    ),
                }
                for t in b.frustrated_ties
            ],
            "balancer_triads": balancer_triads,
            "balancer_counts": balancer_info,
            "all_triads": [triad_row(t) for t in b.unbalanced_triads],
            "truncated": b.unbalanced_triads_truncated,
            "cross": [{"id": a, "name": names.get(a, a), **d} for a, d in cross],
            "relations": relations,
            "timeline": timeline,
        }
        if s.balancer and s.checkpoints and not analysis.timeline:
            skipped_notes["balancer timeline"] = "no checkpoint gave a result"
        elif not s.checkpoints:
            skipped_notes["balancer timeline"] = "the scenario has no checkpoints"
        elif not s.balancer:
            skipped_notes["balancer timeline"] = "the scenario names no balancer"

    # -- issues --------------------------------------------------------------------------
    ctx["issues"] = []
    errors = analysis.forecast_errors() if analysis.forecasts else {}
    ctx["mean_errors"] = analysis.mean_errors() if analysis.forecasts else {}
    ctx["scored_issues"] = analysis.scored_issues() if analysis.forecasts else {}
    ctx["accuracy_sentence"] = analysis.accuracy_sentence() if analysis.forecasts else ""
    ctx["non_converged"] = analysis.non_converged() if analysis.forecasts else {}
    if analysis.forecasts:
        for k, issue in enumerate(s.issues):
            if progress is not None:
                progress(k + 1, len(s.issues))
            stances = [st for st in s.stances if st.issue == issue.id]
            if not stances:
                continue
            rows, points = [], []
            for st in stances:
                actor = actor_by_id.get(st.actor)
                cap_rec = (
                    st.capability
                    if st.capability is not None
                    else (actor.capability if actor is not None else None)
                )
                cap = cap_rec.value if cap_rec is not None else None
                weight = (cap * st.salience.value) if cap is not None else None
                rows.append(
                    {
                        "actor": st.actor,
                        "name": names.get(st.actor, st.actor),
                        "position": _num(st.position.value, st.position, known, 1),
                        "salience": _num(st.salience.value, st.salience, known, 2),
                        "capability": _num(cap, cap_rec, known, 3) if cap_rec is not None else None,
                        "capability_from": "stance" if st.capability is not None else "actor",
                        "weight": weight,
                        "refs": _refs([st.position, st.salience, cap_rec], known),
                        "note": st.note,
                    }
                )
                name = names.get(st.actor, st.actor)
                label = st.actor if name == st.actor or len(name) > 22 else f"{name} ({st.actor})"
                points.append((label, float(st.position.value), float(weight or 0.0)))
            # the stances labelled in the figure (same actors, same order: heaviest first)
            heaviest_rows = [rows[i] for i in heaviest([max(p[2], 0.0) for p in points])]
            rows.sort(key=lambda r: (r["position"]["value"], r["actor"]))
            outcomes = {
                m: fc.outcome[issue.id]
                for m, fc in analysis.forecasts.items()
                if issue.id in fc.outcome
            }
            actual = issue.outcome.value if issue.outcome else None
            forecast_rows = []
            for m, fc in analysis.forecasts.items():
                if issue.id not in fc.outcome:
                    continue
                value = float(fc.outcome[issue.id])
                at, lab = issue.scale.nearest_point(value)
                forecast_rows.append(
                    {
                        "model": m,
                        "value": value,
                        "nearest": lab,
                        "nearest_at": at,
                        "exact": abs(at - value) < 1e-9,
                        "error": errors.get(m, {}).get(issue.id),
                        "rounds": fc.rounds_run.get(issue.id)
                        if isinstance(fc.rounds_run, dict)
                        else None,
                        "converged": fc.converged.get(issue.id)
                        if isinstance(fc.converged, dict)
                        else None,
                        "iterative": len(np.asarray(fc.trajectory.get(issue.id, [0]))) > 1,
                        "settled": _settled_text(fc, issue.id),
                    }
                )
            trajectories = {
                m: [float(v) for v in np.asarray(fc.trajectory[issue.id])]
                for m, fc in analysis.forecasts.items()
                if issue.id in fc.trajectory and len(np.asarray(fc.trajectory[issue.id])) > 1
            }
            key = f"issue-{k + 1}"
            item = {
                "anchor": f"issue-{issue.id}",
                "id": issue.id,
                "name": issue.name,
                "description": issue.description,
                "decided_by": issue.decided_by,
                "decider_name": names.get(issue.decided_by, issue.decided_by),
                "min": issue.scale.min,
                "max": issue.scale.max,
                "min_label": issue.scale.min_label,
                "max_label": issue.scale.max_label,
                "points": [
                    {"value": p.value, "label": p.label}
                    for p in sorted(issue.scale.points, key=lambda p: p.value)
                ],
                "stances": rows,
                "forecasts": forecast_rows,
                "figure": fig(f"fig-{key}", F.issue_figure, issue, points, outcomes, actual),
                "dense": dense_note(len(points)) if len(points) > DENSE_ACTORS else None,
                "heaviest": heaviest_rows,
                "trajectory": (
                    fig(f"fig-{key}-rounds", F.trajectory_figure, issue, trajectories, actual)
                    if trajectories
                    else None
                ),
                "trajectory_table": trajectories,
                "outcome": None,
                "spread": (
                    max(outcomes.values()) - min(outcomes.values()) if len(outcomes) > 1 else None
                ),
                "movers": {
                    m: [row for row in fc.movers(issue.id, top=3) if row["moved"]]
                    for m, fc in analysis.forecasts.items()
                    if issue.id in fc.outcome and fc.iterative
                },
            }
            if issue.outcome is not None:
                at, lab = issue.scale.nearest_point(issue.outcome.value)
                item["outcome"] = {
                    "value": issue.outcome.value,
                    "date": issue.outcome.date.isoformat() if issue.outcome.date else None,
                    "reasoning": issue.outcome.reasoning,
                    "label": lab,
                    "exact": abs(at - issue.outcome.value) < 1e-9,
                    "prov": _prov(issue.outcome, known),
                }
            ctx["issues"].append(item)
        ctx["models"] = [
            {
                "name": m,
                "params": {k: v for k, v in fc.params.items()},
                "iterative": any(len(np.asarray(t)) > 1 for t in fc.trajectory.values()),
            }
            for m, fc in analysis.forecasts.items()
        ]
    else:
        ctx["models"] = []
    from .space_context import spaces_context

    ctx["spaces"] = spaces_context(analysis, fig) if analysis.forecasts else []

    # -- decision ------------------------------------------------------------------------
    ctx["decision"] = None
    ctx["decision_non_converged"] = None
    d = analysis.decision
    if d is not None:
        ctx["decision"] = _decision_context(analysis, d, known, names, fig)
        from ..sentences import non_converged_note

        note = non_converged_note(d)
        ctx["decision_non_converged"] = ("Not converged: " + note + ".") if note else None
    from .believe import believe_context

    ctx["believe"] = believe_context(analysis)  # "What you would have to believe"
    ctx["variants"] = []
    for vid, vr in analysis.variants.items():
        variant = next((v for v in s.variants if v.id == vid), None)
        ctx["variants"].append(
            {
                "id": vid,
                "name": variant.name if variant else vid,
                "description": variant.description if variant else None,
                "prov": _prov(variant, known),
                "changes": len(variant.changes) if variant else 0,
                "best": [
                    {
                        "doctrine": dd,
                        "name": v.get("name", dd),
                        "best": v["best"],
                        "best_name": vr.option_names[v["best"]],
                        "score": v["scores"][v["best"]],
                    }
                    for dd, v in vr.by_doctrine.items()
                ],
                "robust": vr.robust_option(),
                "robust_name": vr.option_names[vr.robust_option()],
                "acceptability": vr.acceptability.get(vr.robust_option()),
                "draws": vr.draws,
                "sentence": _sentence(vr),
                "same_as_base": d is not None and vr.robust_option() == d.robust_option(),
            }
        )
    if d is not None and not s.variants:
        skipped_notes["variants"] = "the scenario defines no what-if variants"
    ctx["sensitivity"] = _sensitivity_context(analysis, names, fig)

    # -- events --------------------------------------------------------------------------
    ctx["events"] = []
    for e in sorted(s.events, key=lambda e: (e.date, e.end_date or e.date)):
        ctx["events"].append(
            {
                "date": e.date.isoformat(),
                "end": e.end_date.isoformat() if e.end_date else None,
                "kind": e.kind,
                "actors": e.actors,
                "description": e.description,
                "after": s.as_of is not None and e.date > s.as_of,
                "on": s.as_of is not None and e.date == s.as_of,
                "prov": _prov(e, known),
            }
        )
    if not s.events:
        skipped_notes["events"] = "the scenario records no events"

    # -- red lines -----------------------------------------------------------------------
    ctx["red_lines"] = [
        {
            "id": r.id,
            "actor": r.actor,
            "protects": r.protects,
            "condition": r.condition,
            "commitment": r.commitment,
            "excludes": r.excludes,
            "variant": r.variant,
            "prov": _prov(r, known),
        }
        for r in s.red_lines
    ]

    # -- sources -------------------------------------------------------------------------
    cited: Counter = Counter()
    _citations(s, cited)
    ctx["sources"] = [
        {
            "id": src.id,
            "title": src.title,
            "author": src.author,
            "publisher": src.publisher,
            "date": src.date.isoformat() if src.date else None,
            "url": src.url,
            "link": web_link(src.url),
            "note": src.note,
            "cited": cited.get(src.id, 0),
        }
        for src in s.sources
    ]
    ctx["actors"] = [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "capability": _num(a.capability.value, a.capability, known) if a.capability else None,
            "basis": a.capability_basis,
            "description": a.description,
        }
        for a in s.actors
    ]

    # -- skipped and sections ------------------------------------------------------------
    skipped = dict(analysis.skipped)
    for section, why in skipped_notes.items():
        skipped.setdefault(section, why)
    ctx["skipped"] = skipped
    present = {
        "summary": True,
        "network": ctx["network"] is not None,
        "issues": bool(ctx["issues"]),
        "decision": ctx["decision"] is not None,
        "variants": bool(ctx["variants"]),
        "sensitivity": ctx["sensitivity"] is not None,
        "events": bool(ctx["events"]),
        "method": True,
        "sources": True,
    }
    ctx["sections"] = [{"id": a, "title": t} for a, t in SECTIONS if present[a]]
    ctx["present"] = present
    ctx["seconds"] = dict(analysis.seconds)
    ctx["figure_seconds"] = figure_seconds
    return ctx


def _sensitivity_context(
    analysis: Any, names: dict[str, str], fig: Callable[..., dict[str, Any]]
) -> dict[str, Any] | None:
    """The flip rule and the Sobol indices (``--flip``, ``--sensitivity``), when computed."""
    from . import figures as F

    d, sens, flip = analysis.decision, analysis.sensitivity, analysis.flip
    if d is None or (sens is None and flip is None):
        return None
    out: dict[str, Any] = {"flip": None, "sobol": None}
    if flip is not None:
        out["flip"] = {
            **flip.to_dict(),
            "sentence": flip.sentence(d.option_names.get(flip.robust, flip.robust)),
            "terms": [c.text() for c in flip.conditions],
        }
    if sens is not None:
        robust = d.option_names.get(sens.robust, sens.robust)
        panels = []
        tables = []
        for grouping, title in (("kind", "by kind of judgement"), ("actor", "by actor")):
            idx = sens.margin(grouping)
            labels = [names.get(g, g) for g in idx.groups]
            panels.append((title, labels, idx.first, idx.first_conf, idx.total, idx.total_conf))
            order = sorted(range(len(labels)), key=lambda i: -idx.total[i])
            tables.append(
                {
                    "title": title,
                    "rows": [
                        {
                            "group": labels[i],
                            "S1": float(idx.first[i]),
                            "S1_conf": float(idx.first_conf[i]),
                            "ST": float(idx.total[i]),
                            "ST_conf": float(idx.total_conf[i]),
                        }
                        for i in order
                    ],
                }
            )
        kinds = sens.by_kind[0].groups
        out["sobol"] = {
            "n": sens.n,
            "seed": sens.seed,
            "evaluations": sens.evaluations,
            "variables": sens.variables,
            "conf_level": sens.conf_level,
            "robust": sens.robust,
            "robust_name": robust,
            "tables": tables,
            "kinds": kinds,
            "executor": sens.executor,
            "options": [
                {"name": d.option_names.get(o, o), "totals": [float(v) for v in idx.total]}
                for o, idx in zip(sens.outputs[:-1], sens.by_kind[:-1])
            ],
            "figure": fig(
                "fig-tornado", F.tornado_figure, panels, subject=f"the margin of '{robust}'"
            ),
        }
    return out


def _sentence(result: Any) -> str:
    from ..sentences import decision_sentence

    return decision_sentence(result)


def _decision_context(
    analysis: Any,
    d: Any,
    known: set[str],
    names: dict[str, str],
    fig: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    from . import figures as F

    s = analysis.scenario
    options = list(d.options)
    option_records = {o.id: o for o in s.options}
    doctrine_records = {doc.id: doc for doc in s.doctrines}
    robust = d.robust_option()
    acc = d.acceptability
    doctrines = []
    for did, v in d.by_doctrine.items():
        rec = doctrine_records.get(did)
        ordered = sorted(options, key=lambda o: -v["scores"][o])
        doctrines.append(
            {
                "id": did,
                "name": v.get("name", did),
                "holder": v.get("holder"),
                "best": v["best"],
                "prov": _prov(rec, known),
                "weights": v.get("weights", {}),
                "raw_weights": {
                    k: (list(w) if isinstance(w, tuple) else w)
                    for k, w in (rec.weights.items() if rec else [])
                },
                "rank": {o: ordered.index(o) + 1 for o in options},
            }
        )
    confidence = {}
    if d.smaa is not None:
        confidence = {o: finite_or_none(d.smaa.confidence[i]) for i, o in enumerate(options)}
    rows = []
    package_records = {p.package_id: p for p in s.packages}
    for i, o in enumerate(options):
        rec = option_records.get(o)
        costs = []
        declared_records = (
            {**rec.costs, **rec.criteria}
            if rec is not None
            else dict(package_records[o].criteria)
            if o in package_records
            else {}
        )
        for cname, value in d.declared.get(o, {}).items():
            cval = declared_records.get(cname)
            costs.append(
                {
                    "name": cname,
                    **(_num(cval.value, cval, known, 2) if cval else _num(value, None, known, 2)),
                }
            )
        prec = rec or package_records.get(o)
        rows.append(
            {
                "id": o,
                "name": d.option_names[o],
                "robust": o == robust,
                "kind": d.kinds.get(o, "option"),
                "parts": [d.option_names.get(p, p) for p in d.parts.get(o, [])],
                "bounded": d.bounded.get(o, {}),
                "description": prec.description if prec else None,
                "prov": _prov(prec, known) if prec else None,
                "scores": {dd["id"]: d.by_doctrine[dd["id"]]["scores"][o] for dd in doctrines},
                "best_in": [dd["id"] for dd in doctrines if dd["best"] == o],
                "criteria_values": [finite_or_none(x) for x in d.values[i]],
                "acceptability": acc.get(o),
                "confidence": confidence.get(o),
                "rank_acceptability": (
                    [finite_or_none(x) for x in d.smaa.rank_acceptability[i]]
                    if d.smaa is not None
                    else None
                ),
                "outcomes": d.outcomes.get(o, {}),
                "unbalanced_triads": d.unbalanced_triads.get(o),
                "costs": costs,
                "changes": len(rec.changes) if rec else 0,
            }
        )
    ranks_fig = None
    if d.smaa is not None:
        ranks_fig = fig(
            "fig-ranks",
            F.rank_acceptability_figure,
            [d.option_names[o] for o in options],
            d.smaa.rank_acceptability,
            draws=d.draws,
        )
    return {
        "balancer": d.balancer,
        "model": d.model,
        "draws": d.draws,
        "seed": d.seed,
        "params": d.params,
        "options": rows,
        "doctrines": doctrines,
        "criteria": list(d.criteria),
        "criteria_labels": [_criterion_label(c, names) for c in d.criteria],
        "criteria_groups": _criteria_groups(d, names),
        "robust": robust,
        "robust_name": d.option_names[robust],
        "dissenters": [
            {
                "doctrine": k,
                "name": d.by_doctrine[k].get("name", k),
                "best": v,
                "best_name": d.option_names[v],
            }
            for k, v in d.dissenters().items()
        ],
        "sentence": _sentence(d),
        "figure": ranks_fig,
        "issues": [
            {"id": i.id, "name": i.name, "decided_by": d.decided_by.get(i.id)}
            for i in s.issues
            if any(i.id in out for out in d.outcomes.values())
        ],
        "status_quo": d.status_quo,
        "status_quo_name": d.option_names.get(d.status_quo, d.status_quo),
        "expectations": [
            {
                **e,
                "actor_name": names.get(e["actor"], e["actor"]),
                "best_name": d.option_names[e["best"]],
                "prov": _prov(next((x for x in s.expectations if x.id == e["id"]), None), known),
            }
            for e in d.expectations.values()
        ],
        "perturbed": list(d.perturbed),
        "models": list(d.models),
        "precision": _precision(d),
        "actual": _what_happened(analysis, d, names, known),
    }


def _precision(d: Any) -> str | None:
    """The SMAA draws' distinct forecasts and the robust option's standard error."""
    from ..sentences import draws_precision_sentence

    text = draws_precision_sentence(d)
    return None if text is None else text[0].upper() + text[1:] + "."


def _criteria_groups(d: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    """The criteria columns in two tables, so that each fits the page: those computed from
    the forecasts and the network, and those declared in the scenario."""
    declared = {c for values in d.declared.values() for c in values}
    groups = []
    for gid, title, keep in (
        ("criteria-table", "computed from the forecasts and the network", False),
        ("declared-criteria-table", "declared in the scenario", True),
    ):
        cols = [j for j, c in enumerate(d.criteria) if (c in declared) == keep]
        if cols or not keep:
            groups.append(
                {
                    "id": gid,
                    "title": title,
                    "columns": cols,
                    "triads": not keep,
                    "labels": [_criterion_label(d.criteria[j], names) for j in cols],
                }
            )
    return groups


def _criterion_label(c: str, names: dict[str, str]) -> str:
    if c.startswith("satisfaction:"):
        who = c.split(":", 1)[1]
        return f"satisfaction of {names.get(who, who)}"
    return c.replace("_", " ")


def _what_happened(
    analysis: Any, d: Any, names: dict[str, str], known: set[str]
) -> dict[str, Any] | None:
    """What the scenario records the balancer did (events from ``as_of`` on that involve it,
    the issues' recorded outcomes) and which analysed option's forecast comes closest."""
    s = analysis.scenario
    b = s.balancer
    events = []
    if s.as_of is not None and b is not None:
        for e in sorted(s.events, key=lambda e: e.date):
            if e.date >= s.as_of and b in e.actors:
                events.append(
                    {
                        "date": e.date.isoformat(),
                        "end": e.end_date.isoformat() if e.end_date else None,
                        "kind": e.kind,
                        "description": e.description,
                        "prov": _prov(e, known),
                    }
                )
    outcomes = []
    actual: dict[str, float] = {}
    spans: dict[str, float] = {}
    for issue in s.issues:
        if issue.outcome is not None:
            at, lab = issue.scale.nearest_point(issue.outcome.value)
            outcomes.append(
                {
                    "issue": issue.id,
                    "name": issue.name,
                    "value": issue.outcome.value,
                    "label": lab,
                    "exact": abs(at - issue.outcome.value) < 1e-9,
                    "date": issue.outcome.date.isoformat() if issue.outcome.date else None,
                    "prov": _prov(issue.outcome, known),
                }
            )
            actual[issue.id] = issue.outcome.value
            spans[issue.id] = issue.scale.max - issue.scale.min
    choice = None
    recorded = getattr(s, "actual_choice", None)
    if recorded is not None and hasattr(analysis, "actual_vs_analysis"):
        choice = analysis.actual_vs_analysis()
        if choice is not None:
            choice = dict(choice)
            choice["prov"] = _prov(recorded, known)
            from ..sentences import option_rank_clause

            choice["matched"] = [
                {
                    "id": o,
                    **v,
                    "best_for": [
                        d.by_doctrine[k].get("name", k) for k in v.get("best_for_doctrines", [])
                    ],
                    "clause": option_rank_clause(v, len(d.options)),
                }
                for o, v in choice.get("options", {}).items()
            ]
    if not events and not outcomes and choice is None:
        return None
    closest = []
    for o in d.options:
        out = d.outcomes.get(o, {})
        common = [i for i in actual if i in out]
        if not common:
            continue
        dist = sum(abs(out[i] - actual[i]) / spans[i] * 100 for i in common) / len(common)
        closest.append(
            {"option": o, "name": d.option_names[o], "distance": dist, "issues": len(common)}
        )
    closest.sort(key=lambda c: (c["distance"], c["option"]))
    best = closest[0] if closest else None
    ranks = None
    if best is not None:
        ranks = []
        for did, v in d.by_doctrine.items():
            ordered = sorted(d.options, key=lambda o: -v["scores"][o])
            ranks.append(
                {
                    "doctrine": did,
                    "name": v.get("name", did),
                    "rank": ordered.index(best["option"]) + 1,
                }
            )
    return {
        "choice": choice,
        "events": events,
        "outcomes": outcomes,
        "closest": closest,
        "best": best,
        "ranks_of_best": ranks,
        "n_options": len(d.options),
        "acceptability_of_best": d.acceptability.get(best["option"]) if best else None,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "balancer_name": names.get(b, b) if b else None,
    }


# -- rendering and writing ---------------------------------------------------------------


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2", "html.j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def num(value: Any, digits: int = 3) -> str:
        v = finite_or_none(value)
        return "–" if v is None else fmt_num(v, digits)

    def pct(value: Any, digits: int = 0) -> str:
        v = finite_or_none(value)
        return "–" if v is None else f"{v:.{digits}%}"

    env.filters["num"] = num
    env.filters["pct"] = pct
    env.filters["plural"] = lambda n, word, many=None: (
        f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"
    )
    return env


def render_html(analysis: Any, context: dict[str, Any] | None = None) -> str:
    """The report's HTML text (one self-contained page)."""
    from markupsafe import Markup

    ctx = context if context is not None else report_context(analysis)
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(css=Markup(css), **ctx)


def web_link(url: str | None) -> str | None:
    """``url`` when it is an ``http(s)://`` address with a host, else ``None``: only web
    links become clickable in the report (a ``javascript:``, ``data:`` or ``file:`` address
    is shown as plain text, never as a link)."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def write_report(
    analysis: Any,
    out_dir: str | os.PathLike[str],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Path]:
    """Write ``out_dir/report.html`` and ``out_dir/results.json`` (atomically).

    Both texts are rendered in memory before anything is written, so an error in the
    analysis data or a figure leaves ``out_dir`` as it was. ``progress(done, total)`` is
    called as the issues' figures are drawn. Returns ``{"report": Path, "results": Path}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = results_json(analysis)
    html = render_html(analysis, report_context(analysis, progress))
    paths = {"report": out / "report.html", "results": out / "results.json"}
    # results.json first; a failure in either rename restores the previous pair
    write_files({paths["results"]: results, paths["report"]: html})
    return paths


def _settled_text(fc: Any, issue: str) -> str:
    """How the model's run ended on ``issue``, in words, for the forecasts table."""
    if not fc.iterative:
        return "single pass"
    c = fc.convergence(issue)
    lo, hi = c["range"]
    rng = f"{lo:.4g}" if abs(hi - lo) < 1e-9 else f"{lo:.4g}–{hi:.4g}"
    if c["cycle"]:
        return f"yes: a cycle of {c['cycle']} rounds (mean shown; range {rng})"
    if c["converged"]:
        return "yes: fixed point"
    s_lo, s_hi = fc.scale.get(issue, (0.0, 100.0))
    if abs(hi - lo) < 1e-3 * (s_hi - s_lo):
        return (
            f"NO: the positions still move, though the forecast varied by less than 0.1 % "
            f"of the scale over the last rounds ({lo:.6g}–{hi:.6g})"
        )
    return f"NO: range {rng} over the last rounds (last round shown)"


def _rounds_label(rounds: int | None) -> str:
    """The round cap as the reader should see it: the default stops at convergence."""
    from ..models.convergence import HORIZON

    if rounds is None:
        return f"until converged (at most {HORIZON})"
    return f"at most {rounds}"

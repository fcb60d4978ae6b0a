"""The report's issue spaces: what the template shows for each space of two or more issues
(see :mod:`equipoise.models.spaces`).

A two-dimensional space gets a scatter of the actors' positions with every model's forecast
and, for the iterative models, the forecast's path over the rounds
(:func:`equipoise.report.space_figures.space_figure`); a space of more dimensions is listed
with its issues (their own figures show it dimension by dimension).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models.spaces import issue_spaces, space_history
from .dense_figures import DENSE_ACTORS, dense_note
from .space_figures import space_figure

__all__ = ["spaces_context"]


def spaces_context(analysis: Any, fig: Callable[..., dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per declared space of the analysed scenario: ``id``, ``issues`` (id, name,
    anchor), ``figure`` (two dimensions only), ``forecasts`` (model, position per dimension,
    states) and ``actual`` (when every issue has a recorded outcome)."""
    s = analysis.scenario
    out: list[dict[str, Any]] = []
    for k, sp in enumerate(issue_spaces(s)):
        if not sp.declared:
            continue
        issues = [s.issue(i) for i in sp.issues]
        outcomes = [i.outcome.value if i.outcome is not None else None for i in issues]
        actual = None if any(v is None for v in outcomes) else tuple(outcomes)
        forecasts, paths, rows = {}, {}, []
        for model, fc in (analysis.forecasts or {}).items():
            if not all(i in fc.outcome for i in sp.issues):
                continue
            forecasts[model] = tuple(float(fc.outcome[i]) for i in sp.issues)
            history = space_history(fc, sp)
            if history is not None and history.n_states > 1:
                paths[model] = history.forecast
            rows.append(
                {
                    "model": model,
                    "values": forecasts[model],
                    "states": history.n_states if history is not None else 1,
                }
            )
        item: dict[str, Any] = {
            "id": sp.id,
            "anchor": f"space-{sp.id}",
            "issues": [{"id": i.id, "name": i.name, "anchor": f"issue-{i.id}"} for i in issues],
            "forecasts": rows,
            "actual": actual,
            "figure": None,
        }
        item["dense"] = None
        if sp.dimensions == 2 and forecasts:
            points = _points(s, sp.issues)
            if len(points) > DENSE_ACTORS:
                item["dense"] = dense_note(len(points), "capability × mean salience")
            item["figure"] = fig(
                f"fig-space-{k + 1}",
                space_figure,
                issues,
                points,
                forecasts,
                paths,
                actual,
            )
        out.append(item)
    return out


def _points(s: Any, issues: tuple[str, ...]) -> list[tuple[str, float, float, float]]:
    """``(actor, x, y, weight)`` of every actor with a stance on both issues; weight =
    capability × the mean of its two saliences."""
    points = []
    for actor in s.actors:
        stances = [s.stance(actor.id, i) for i in issues]
        if any(st is None for st in stances):
            continue
        cap_rec = stances[0].capability or actor.capability
        cap = cap_rec.value if cap_rec is not None else 0.0
        salience = sum(st.salience.value for st in stances) / len(stances)
        points.append(
            (
                actor.id,
                float(stances[0].position.value),
                float(stances[1].position.value),
                float(cap * salience),
            )
        )
    return points

"""The report's "What you would have to believe" part (issue 10): plain data for the
template, from :class:`equipoise.decision.explain.Explanation` (formatting only)."""

from __future__ import annotations

from typing import Any

__all__ = ["believe_context"]


def believe_context(analysis: Any) -> dict[str, Any] | None:
    """The options to explain — the one(s) the scenario records as actually chosen, then the
    robust option — each with a row per doctrine and its sentences; and each doctrine's
    stability sentence. ``None`` when there is no explanation."""
    from ..decision.explain import ANY
    from ..decision.explain.words import focus_options, option_sentences, stability_sentence

    e = getattr(analysis, "explanation", None)
    if e is None:
        return None
    s = analysis.scenario
    actual = list(s.actual_choice.options) if s.actual_choice is not None else []
    robust = analysis.decision.robust_option() if analysis.decision is not None else None
    items = []
    for o in focus_options(e, actual, robust):
        role = (
            "what the scenario records as actually chosen"
            if o in actual
            else "the robust option (largest first-rank acceptability)"
        )
        if o in actual and o == robust:
            role += ", and the robust option"
        rows = []
        for d, view in e.views[o].items():
            f, ch = view.favourable, view.change
            rows.append(
                {
                    "doctrine": "any weights" if d == ANY else e.doctrines[d].name,
                    "can_be_first": f.can_be_first,
                    "lead": f.margin,
                    "widening": None if view.widening is None else view.widening.total,
                    "change": (
                        "not settled within the time limit"
                        if view.change_timed_out
                        else "first already"
                        if ch == []
                        else "none within the criteria's ranges"
                        if ch is None
                        else f"{sum(c.units for c in ch):.2f} units, {len(ch)} value"
                        + ("s" if len(ch) != 1 else "")
                    ),
                    "approximate": (
                        None
                        if not view.approximate
                        else f"{view.approximate[0].input} → "
                        f"{view.approximate[0].new:.3g} "
                        f"({view.approximate[0].units:.1f} units)"
                    ),
                }
            )
        sentences = [line for d in e.views[o] for line in option_sentences(e, o, d)]
        items.append(
            {
                "id": f"believe-{o}",
                "option": o,
                "name": e.name(o),
                "role": role,
                "rows": rows,
                "sentences": sentences,
            }
        )
    return {
        "options": items,
        "stability": [stability_sentence(e, d) for d in e.doctrines],
        "searched": e.searched,
    }

"""Sentences shared by the terminal and the report, free of rich (so that
:mod:`equipoise.analysis` and the report can use them without the terminal's imports).

Each function takes a typed result and returns plain text; :mod:`equipoise.display` styles it
for the terminal, the report's template places it in the page.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "decision_sentence",
    "draws_precision_sentence",
    "non_converged_note",
    "option_rank_clause",
    "share_text",
]


def decision_sentence(result: Any) -> str:
    """One sentence: which option is robust and which doctrines would choose otherwise."""
    robust = result.robust_option()
    name = result.option_names[robust]
    acc = result.acceptability
    text = f"The robust option is '{name}'"
    if acc:
        text += f" (first in {acc[robust]:.0%} of {result.draws:,} draws)"
    dissent = result.dissenters()
    if dissent:
        parts = [f"{d} would choose '{result.option_names[o]}'" for d, o in dissent.items()]
        text += "; " + "; ".join(parts)
    elif result.by_doctrine:
        text += "; every doctrine agrees"
    return text + "."


def draws_precision_sentence(result: Any) -> str | None:
    """How many distinct forecasts the SMAA draws had, and the Monte Carlo standard error
    of the robust option's first-rank acceptability, e.g. "1,000 draws over 20 distinct
    forecasts (the case is large: ...); first-rank acceptability of 'Mediate' 62% ± 9%
    (Monte Carlo standard error, clustered by shared forecast)" (None without draws)."""
    se = getattr(result, "acceptability_se", {})
    if result.smaa is None or not se:
        return None
    robust = result.robust_option()
    n_f = getattr(result, "forecast_draws", 0) or result.draws
    if n_f < result.draws:
        head = f"{result.draws:,} draws over {n_f:,} distinct forecasts ({result.forecast_rule})"
        kind = "Monte Carlo standard error, clustered by shared forecast"
    else:
        head = f"{result.draws:,} draws, each with its own forecast"
        kind = "Monte Carlo standard error"
    err = se[robust]
    spread = f" ± {err:.1%}" if err == err else " (standard error undefined: one forecast)"
    return (
        f"{head}; first-rank acceptability of '{result.option_names[robust]}' "
        f"{result.acceptability[robust]:.1%}{spread} ({kind})"
    )


def non_converged_note(result: Any) -> str | None:
    """How many of the decision's forecasts did not converge (None if all did)."""
    bad = getattr(result, "non_converged", None) or {}
    if not bad:
        return None
    n = sum(len(v) for v in bad.values())
    total = len(result.options) * len(next(iter(result.outcomes.values()), {}))
    where = "; ".join(f"{o}: {', '.join(v)}" for o, v in bad.items())
    return (
        f"the {result.model} forecast did not converge on {n} of {total} option x issue "
        f"forecasts (scored on the last round's forecast) — {where}"
    )


def share_text(share: float) -> str:
    """A share of the draws in words: ``12%``, ``under 1%`` (never ``0%`` for a non-zero
    share)."""
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def option_rank_clause(entry: dict[str, Any], n_options: int) -> str:
    """Where one option stands in the SMAA draws, in words that stay true whatever its
    first-rank share: how often it comes first and how that share compares with the other
    options', then its most likely rank when that is not first. ``entry`` holds
    ``acceptability`` (first-rank share), ``rank_by_acceptability`` (1 + the number of
    options first more often), ``most_likely_rank`` and ``most_likely_rank_share``.

    E.g. "comes first in 12% of the draws, the 3rd most often of 9 options; its most likely
    rank is 7 of 9 (in 36% of the draws)" — not "ranks 3 of 9", which reads as its place."""
    acc = entry.get("acceptability")
    if acc is None:
        return "is not ranked by the draws"
    place = entry.get("rank_by_acceptability")
    if acc <= 0:
        text = "never comes first in the draws"
    elif place is None:
        text = f"comes first in {share_text(acc)} of the draws"
    elif place == 1:
        text = f"comes first in {share_text(acc)} of the draws, more often than any other option"
    else:
        text = (
            f"comes first in {share_text(acc)} of the draws, the {_ordinal(place)} most "
            f"often of {n_options} options"
        )
    likely, likely_share = entry.get("most_likely_rank"), entry.get("most_likely_rank_share")
    if likely is not None and likely != 1 and likely_share is not None:
        text += (
            f"; its most likely rank is {likely} of {n_options} (in "
            f"{share_text(likely_share)} of the draws)"
        )
    return text

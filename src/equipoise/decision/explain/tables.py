"""Rich tables and paragraphs of an explanation (``equipoise explain``; formatting only)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from .explanation import ANY, Explanation
from .words import option_sentences, stability_sentence

__all__ = ["explanation_renderables"]


def _small(x: float) -> str:
    """3 decimals, or 2 significant digits below 0.001 (a near tie is not 0.000)."""
    return f"{x:.3f}" if x >= 5e-4 else f"{x:.1g}"


def _first_table(e: Explanation) -> Table:
    doctrines = list(e.doctrines)
    t = Table(
        title="Can each option be first? (exact LP over each doctrine's weight ranges; "
        "+ best lead over the runner-up, − least shortfall; widening needed in "
        "brackets)",
        title_justify="left",
    )
    t.add_column("option")
    for d in doctrines:
        t.add_column("any weights" if d == ANY else d, justify="right")
    for o in e.explained:
        cells = []
        for d in doctrines:
            v = e.views[o][d]
            f = v.favourable
            pick = e.options[e.doctrines[d].pick] == o
            if f.can_be_first:
                text = f"yes +{_small(f.margin)}" if f.margin > 1e-9 else "tied at best"
                cell = Text(text, style="bold" if pick else "")
            else:
                cell = Text(
                    f"no −{_small(-f.margin)}"
                    + (f" ({_small(v.widening.total)})" if v.widening is not None else ""),
                    style="dim",
                )
            cells.append(cell)
        t.add_row(e.name(o), *cells)
    return t


def _change_table(e: Explanation) -> Table:
    t = Table(
        title="Smallest change of the declared criteria values that makes the option "
        "first under each doctrine's central weights (units of declared uncertainty; "
        "exact MILP)",
        title_justify="left",
    )
    t.add_column("option")
    doctrines = [d for d in e.doctrines if d != ANY]
    for d in doctrines:
        t.add_column(d, justify="right")
    for o in e.explained:
        cells = []
        for d in doctrines:
            ch = e.views[o][d].change
            cells.append(
                "first"
                if ch == []
                else "—"
                if ch is None
                else f"{sum(c.units for c in ch):.2f} ({len(ch)})"
            )
        t.add_row(e.name(o), *cells)
    return t


def explanation_renderables(e: Explanation, focus: list[str]) -> list[Any]:
    """Tables for every explained option, then sentences: each doctrine's stability, and
    items 1 and 3 for the ``focus`` options."""
    out: list[Any] = [_first_table(e)]
    if any(d != ANY for d in e.doctrines):
        out.append(_change_table(e))
    out.append(
        Text(
            "Where each doctrine's pick stays first (stability intervals, one weight at a time):",
            style="bold",
        )
    )
    for d in e.doctrines:
        out.append(Text("• " + stability_sentence(e, d)))
    for o in focus:
        out.append(Text(f"What you would have to believe for '{e.name(o)}':", style="bold"))
        for d in e.doctrines:
            for line in option_sentences(e, o, d):
                out.append(Text("• " + line))
    out.append(
        Text(
            "Scores are the deterministic analysis' (each criterion normalised by its minimum "
            "and maximum over the options). Weights sum to 1. The smallest change keeps each "
            "declared criterion's normalisation bounds; 'approximately' marks a grid search over "
            "one stance, capability or tie weight at a time.",
            style="dim",
        )
    )
    return out

"""The explanation in sentences (for ``equipoise explain`` and the report)."""

from __future__ import annotations

from typing import Any

from .explanation import ANY, Explanation
from .judgements import Change

__all__ = ["option_sentences", "stability_sentence", "change_phrase", "focus_options"]


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _lead(x: float) -> str:
    """3 decimals, or 1 significant digit below 0.001 (a near tie is not 0.000)."""
    return f"{x:.3f}" if x >= 5e-4 else f"{x:.1g}"


def _weights(crit: list[str], w: Any, top: int = 4) -> str:
    order = sorted(range(len(crit)), key=lambda j: -w[j])
    return ", ".join(f"{crit[j]} {w[j]:.2f}" for j in order[:top] if w[j] > 5e-3)


def _under(e: Explanation, d: str) -> str:
    return "for any weights at all" if d == ANY else f"under '{e.doctrines[d].name}'"


def change_phrase(e: Explanation, c: Change, option: str) -> str:
    """``its risk were 2 instead of 4`` / ``the status quo's risk ...`` / ``RUS's position on
    'territory' were 95 instead of 50``."""
    if c.kind == "declared criterion":
        if c.owner == option:
            what = f"its {c.criterion}"
        elif c.owner == e.decision.status_quo:
            what = f"the status quo's {c.criterion}"
        else:
            what = f"the {c.criterion} of '{e.name(c.owner)}'"
        return f"{what} were {_num(c.new)} instead of {_num(c.old)}"
    parts = c.input.split(".")
    if c.kind in ("position", "salience"):
        what = f"{parts[1]}'s {c.kind} on '{'.'.join(parts[2:-1])}'"
    elif c.kind == "capability":
        what = f"{'.'.join(parts[1:-1])}'s capability"
    else:
        what = f"the weight of the tie {'.'.join(parts[1:-1])}"
    return f"{what} were {_num(c.new)} instead of {_num(c.old)}"


def repr_q(name: str) -> str:
    return f"'{name}'"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def option_sentences(e: Explanation, option: str, doctrine: str) -> list[str]:
    """Items 1 and 3 for one option and doctrine, in words."""
    view = e.views[option][doctrine]
    f = view.favourable
    name = f"'{e.name(option)}'"
    crit = e.criteria
    out: list[str] = []
    under = _under(e, doctrine)
    if f.can_be_first:
        ranges = ""
        if f.weight_ranges is not None:
            spans = [
                f"{crit[j]} {lo:.2f}–{hi:.2f}"
                for j, (lo, hi) in enumerate(f.weight_ranges)
                if hi > 5e-3
            ]
            ranges = "; while it is first the weights (summing to 1) span " + ", ".join(spans)
        lead = (
            f"by up to {_lead(f.margin)} over the runner-up"
            if f.margin > 1e-9
            else "but only tied with another option at best"
        )
        out.append(
            f"{name} can be first {under}: {lead}, with weights "
            f"{_weights(crit, f.witness)}{ranges}."
        )
    else:
        text = f"{name} cannot be first {under}: at best it trails by {_lead(-f.margin)}"
        if f.certificate is not None:
            beat = [
                e.name(e.options[i])
                for i in f.certificate.argsort()[::-1]
                if f.certificate[i] > 0.05
            ][:3]
            if beat:
                verb = "stays" if len(beat) == 1 else "stay"
                text += f" ({_join([repr_q(b) for b in beat])} {verb} ahead for every such weight)"
        wd = view.widening
        if wd is not None:
            doc = e.doctrines[doctrine]
            moved = [
                f"{crit[j]} [{doc.lower[j]:.2f}, {doc.upper[j]:.2f}] → "
                f"[{wd.lower[j]:.2f}, {wd.upper[j]:.2f}]"
                for j in range(len(crit))
                if abs(wd.lower[j] - doc.lower[j]) > 1e-9 or abs(wd.upper[j] - doc.upper[j]) > 1e-9
            ]
            text += (
                f". Widening the ranges by {_lead(wd.total)} in total would let it: "
                + "; ".join(moved)
            )
        elif doctrine != ANY:
            text += ". No weights at all make it first"
        out.append(text + ".")
    central = "its central weights" if doctrine != ANY else "equal weights"
    if view.change_timed_out:
        out.append(
            f"The smallest change of the declared criteria values that makes {name} first "
            f"under {central} was not settled within the time limit."
        )
    elif view.change is None:
        out.append(
            f"No change of the declared criteria values (within each criterion's "
            f"present range) makes {name} first under {central}."
        )
    elif view.change:
        units = sum(c.units for c in view.change)
        out.append(
            f"{name} would be first under {central} if "
            + _join([change_phrase(e, c, option) for c in view.change])
            + f" ({units:.2f} units of declared uncertainty in all)."
        )
    if e.searched and view.change != [] and not view.approximate:
        searched, total = e.search_inputs
        scope = (
            "no single change of a stance, capability or tie weight"
            if e.search_complete
            else f"of the {searched} of {total} inputs searched before the time limit, "
            "no single change"
        )
        out.append(
            "Approximately (one input at a time, on a grid of ±0.5 to 5 units of its "
            f"uncertainty): {scope} makes {name} first."
        )
    if view.approximate:
        c = view.approximate[0]
        others = [change_phrase(e, a, option) for a in view.approximate[1:]]
        out.append(
            f"Approximately (one input at a time, on a grid): it would also be first "
            f"if {change_phrase(e, c, option)} ({c.units:.1f} units)"
            + (f"; or if {_join(others)}" if others else "")
            + "."
        )
    return out


def stability_sentence(e: Explanation, doctrine: str) -> str:
    """Item 2 for one doctrine, in words (the criteria with weight, the tightest first)."""
    v = e.doctrines[doctrine]
    pick = f"'{e.name(e.options[v.pick])}'"
    parts = []
    for s in sorted(v.stability, key=lambda s: s.upper - s.lower):
        if s.weight <= 0:
            continue
        ends = []
        if s.below is not None:
            ends.append(f"below {s.lower:.2f} '{e.name(e.options[s.below])}' takes over")
        if s.above is not None:
            ends.append(f"above {s.upper:.2f} '{e.name(e.options[s.above])}'")
        parts.append(
            f"{s.criterion} (now {s.weight:.2f}): " + ("; ".join(ends) if ends else "at any weight")
        )
    under = _under(e, doctrine)
    return (
        f"{under[0].upper() + under[1:]}, {pick} is first; it stays first while "
        "each weight moves alone (the others rescaled) — " + "; ".join(parts[:6]) + "."
    )


def focus_options(e: Explanation, actual: list[str], robust: str | None) -> list[str]:
    """The options to explain first: the actual choice (in the analysis), then the robust
    option."""
    out = [o for o in actual if o in e.explained]
    if robust is not None and robust in e.explained and robust not in out:
        out.append(robust)
    return out

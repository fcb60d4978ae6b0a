"""The terminal's position history of an iterative forecast, as KTAB's log prints it.

KTAB's ``smpc`` ends its log with "History of actor positions over time": one line per actor
and dimension, one position per state (0 = the initial positions). :func:`history_tables`
prints the same, one table per model and issue space (:class:`SpaceHistory`), with a
``forecast`` row per dimension; a long run shows its first and last states with ``…``
between (``--json`` has every state). Formatting only: the rounds come from
:func:`equipoise.models.spaces.space_history`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table

from .models.spaces import SpaceHistory

__all__ = ["history_tables", "shown_states", "hidden_states", "MAX_STATES"]

#: States shown in full; a longer run shows its first and last ones with "…" between.
MAX_STATES = 12


def shown_states(n: int, limit: int = MAX_STATES) -> list[int | None]:
    """The state indices to print for a run of ``n`` states (``None``: the "…" column)."""
    if n <= limit:
        return list(range(n))
    head = limit // 2
    tail = limit - head - 1
    return [*range(head), None, *range(n - tail, n)]


def hidden_states(n: int, limit: int = MAX_STATES) -> tuple[int, int]:
    """The first and last state index behind the "…" column of :func:`shown_states`."""
    head = limit // 2
    return head, n - (limit - head - 1) - 1


def history_tables(histories: Sequence[SpaceHistory], limit: int = MAX_STATES) -> RenderableType:
    """One table per history: actor, dimension, then one position per state (1 decimal)."""
    tables: list[RenderableType] = []
    for h in histories:
        cols = shown_states(h.n_states, limit)
        where = (
            f"space {h.space.id} ({', '.join(h.space.issues)})"
            if h.space.declared
            else f"issue {h.space.id}"
        )
        t = Table(
            title=f"History of actor positions over time: {h.model}, {where}",
            title_justify="left",
            title_style="bold",
            show_edge=False,
            pad_edge=False,
            box=None,
            padding=(0, 1),
        )
        t.add_column("actor")
        t.add_column("dimension")
        for k in cols:
            t.add_column("…" if k is None else str(k), justify="right")

        for a, actor in enumerate(h.actors):
            for d, issue in enumerate(h.space.issues):
                t.add_row(actor, issue, *_cells(h.positions[a, d], cols))
        for d, issue in enumerate(h.space.issues):
            t.add_row("forecast", issue, *_cells(h.forecast[:, d], cols), style="bold")
        if h.n_states > limit:
            first, last = hidden_states(h.n_states, limit)
            t.caption = (
                f"{h.n_states} states; states {first}-{last} not shown (--json has them all)"
            )
            t.caption_justify = "left"
        tables.append(t)
    return Group(*tables)


def _cells(values: Sequence[float] | np.ndarray, cols: Sequence[int | None]) -> list[str]:
    """One row's values at the shown states (``None``: the gap between the first and last)."""
    return ["…" if k is None else f"{values[k]:.1f}" for k in cols]

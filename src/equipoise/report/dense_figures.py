"""The report's figures for many actors: one artist per layer, a few labels.

Above :data:`DENSE_ACTORS` actors the one-row-per-actor issue figure grows to metres of
page and the relations network becomes a knot of overlapping names (and each takes seconds
to draw: matplotlib lays out every label and Line2D). These variants draw every actor and
every tie, but as one collection per layer (a scatter, a ``LineCollection``), and label only
the :data:`LABELLED` actors of greatest weight; the caption says how many are labelled and
how many drawn unlabelled (:func:`dense_note`). They return an inline ``<svg>`` string like
every figure of :mod:`equipoise.report.figures`, compute nothing and stay readable without
colour (ties solid/dashed, camps by marker shape, models by line style).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .figures import (
    CAMP_FILLS,
    CAMP_SHAPES,
    INK,
    NEGATIVE,
    POSITIVE,
    _count,
    _forecast_handle,
    _margins,
    _network_legend,
    _new_figure,
    _render,
    _scale_end_labels,
    _style,
    _text_width,
    camp_layout,
)

__all__ = [
    "DENSE_ACTORS",
    "LABELLED",
    "heaviest",
    "dense_note",
    "dense_issue_figure",
    "dense_network_figure",
    "network_note",
]

#: Above this many actors a figure is drawn in its dense form (the built-in case has 12).
DENSE_ACTORS = 40
#: Actors labelled by name in a dense figure (those of greatest weight).
LABELLED = 8
#: The SVG group (``id`` suffix) of each layer of ties in a dense network figure.
TIE_GROUPS = {
    "+": "ties-positive",
    "-": "ties-negative",
    "+bad": "ties-positive-frustrated",
    "-bad": "ties-negative-frustrated",
    "bad": "ties-frustrated-highlight",
    "=0": "ties-cancelled",
}
OTHER_FILL, OTHER_EDGE = "#b9b9b9", "#7a7a7a"
LABELLED_FILL, LABELLED_EDGE = "#8fb3d9", "#2b4f7a"


def heaviest(weights: Sequence[float], k: int = LABELLED) -> list[int]:
    """Indices of the ``k`` largest ``weights`` (ties: the earlier index first), heaviest first."""
    w = np.asarray(weights, float)
    order = np.lexsort((np.arange(len(w)), -np.nan_to_num(w, nan=-np.inf)))
    return [int(i) for i in order[:k]]


def dense_note(n: int, what: str = "capability × salience", k: int = LABELLED) -> str:
    """The caption sentence of a dense figure of ``n`` actors: who is labelled, who is not."""
    k = min(k, n)
    return (
        f"The {_count(k, 'actor')} of greatest weight ({what}) "
        f"{'is' if k == 1 else 'are'} labelled; the {n - k} others are drawn in grey."
    )


def _place_labels(
    points: np.ndarray, texts: Sequence[str], width: float, height: float
) -> list[tuple[float, float, str]]:
    """Offsets in points (dx, dy, ha) for the labels of ``points`` (axes fractions, heaviest
    first) so that no two label boxes overlap and none leaves the axes (greedy: the first
    free of eight places around the point; ``width``, ``height``: the axes in inches)."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    line = 8.0 / 72  # label height in inches
    for (fx, fy), text in zip(points, texts):
        tw = _text_width([text], 7.5) + 0.04
        px, py = fx * width, fy * height
        chosen = None
        for dx, dy in (
            (5, 3),
            (-5, 3),
            (5, -10),
            (-5, -10),
            (5, 12),
            (-5, 12),
            (5, -19),
            (-5, -19),
        ):
            x0 = px + dx / 72 - (tw if dx < 0 else 0.0)
            y0 = py + dy / 72
            box = (x0, y0, x0 + tw, y0 + line)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            free = all(
                box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed
            )
            if inside and free:
                chosen = (dx, dy, box)
                break
        if chosen is None:  # everything taken: the first place, overlap accepted
            dx, dy = (5, 3) if fx < 0.8 else (-5, 3)
            x0 = px + dx / 72 - (tw if dx < 0 else 0.0)
            chosen = (dx, dy, (x0, py + dy / 72, x0 + tw, py + dy / 72 + line))
        dx, dy, box = chosen
        placed.append(box)
        out.append((float(dx), float(dy), "right" if dx < 0 else "left"))
    return out


def dense_issue_figure(
    issue: Any,
    actors: Sequence[tuple[str, float, float]],
    forecasts: Mapping[str, float],
    actual: float | None = None,
    *,
    name: str = "fig-issue",
    labelled: int = LABELLED,
) -> str:
    """One issue with many actors: position (x) against weight (y), every actor one dot.

    ``actors``: ``(label, position, weight)``, weight = capability × salience. The top panel
    is the share of the total weight in each twentieth of the scale (where the weighted
    mean and median come from); below, one dot per actor in a single scatter: the
    ``labelled`` heaviest in blue with their labels, the others grey. Each model's forecast
    is a vertical line across both panels in its own line style, the recorded outcome a
    thick black line.
    """
    scale = issue.scale
    labels = [a[0] for a in actors]
    x = np.array([a[1] for a in actors], float)
    w = np.clip(np.array([a[2] for a in actors], float), 0.0, None)
    top_k = heaviest(w, labelled)
    is_top = np.zeros(len(actors), bool)
    is_top[top_k] = True

    def draw() -> Any:
        from matplotlib.lines import Line2D

        n_legend = len(forecasts) + (actual is not None) + 2
        legend_rows = -(-n_legend // 3)
        top, bottom = 0.12 + 0.19 * legend_rows, 0.95
        hist_h, main_h = 0.75, 2.6
        fig = _new_figure(7.0, top + bottom + hist_h + 0.12 + main_h)
        _margins(fig, left=0.75, right=0.15, top=top, bottom=bottom)
        grid = fig.add_gridspec(2, 1, height_ratios=[hist_h, main_h], hspace=0.12 / main_h)
        ax_h = fig.add_subplot(grid[0, 0])
        ax = fig.add_subplot(grid[1, 0], sharex=ax_h)
        lo, hi = float(scale.min), float(scale.max)
        span = hi - lo or 1.0
        ax.set_xlim(lo - 0.03 * span, hi + 0.03 * span)
        ticks = sorted({lo, hi, *(float(p.value) for p in scale.points)})
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax_h.tick_params(axis="x", labelbottom=False, length=0)
        for a in (ax, ax_h):
            for t in ticks:
                a.axvline(t, color="#e3e3e3", lw=0.8, zorder=0)
        total = float(w.sum()) or 1.0
        ax_h.hist(
            x,
            bins=np.linspace(lo, hi, 21),
            weights=w / total,
            histtype="stepfilled",
            color="#c9d7e8",
            edgecolor="#6b8fb5",
            lw=0.8,
            zorder=2,
        )
        ax_h.set_ylabel("share of\nweight", fontsize=7.5)
        ax_h.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax_h.locator_params(axis="y", nbins=3)
        wmax = float(w.max()) if len(w) else 1.0
        ax.set_ylim(0.0, (wmax or 1.0) * 1.1)
        ax.set_ylabel("weight (capability × salience)", fontsize=7.5)
        ax.scatter(
            x[~is_top],
            w[~is_top],
            s=16,
            c=OTHER_FILL,
            edgecolors=OTHER_EDGE,
            linewidths=0.5,
            alpha=0.8,
            zorder=3,
            gid="actors-grey",
        )
        ax.scatter(
            x[top_k],
            w[top_k],
            s=34,
            c=LABELLED_FILL,
            edgecolors=LABELLED_EDGE,
            linewidths=0.9,
            zorder=5,
            gid="actors-labelled",
        )
        fx = (x[top_k] - ax.get_xlim()[0]) / (ax.get_xlim()[1] - ax.get_xlim()[0])
        fy = w[top_k] / ax.get_ylim()[1]
        width = 7.0 - 0.75 - 0.15
        for i, (dx, dy, ha) in zip(
            top_k,
            _place_labels(np.column_stack([fx, fy]), [labels[i] for i in top_k], width, main_h),
        ):
            ax.annotate(
                labels[i],
                (x[i], w[i]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va="bottom",
                fontsize=7.5,
                color=INK,
                zorder=6,
            )
        handles = []
        for j, (model, value) in enumerate(forecasts.items()):
            st = _style(model, j)
            for a in (ax, ax_h):
                a.axvline(value, color=st["color"], linestyle=st["linestyle"], lw=1.7, zorder=4)
            ax_h.plot(
                [value],
                [1.0],
                marker=st["marker"],
                color=st["color"],
                ms=6,
                linestyle="none",
                zorder=5,
                clip_on=False,
                transform=ax_h.get_xaxis_transform(),
            )
            handles.append(_forecast_handle(st, model, value))
        if actual is not None:
            for a in (ax, ax_h):
                a.axvline(actual, color=INK, lw=3.2, zorder=4, alpha=0.9)
            handles.append(Line2D([], [], color=INK, lw=3.2, label=f"actual outcome {actual:g}"))
        k = len(top_k)
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                ms=6,
                color=LABELLED_FILL,
                markeredgecolor=LABELLED_EDGE,
                linestyle="none",
                label=f"{_count(k, 'actor')} of greatest weight (labelled)",
            ),
            Line2D(
                [],
                [],
                marker="o",
                ms=4.5,
                color=OTHER_FILL,
                markeredgecolor=OTHER_EDGE,
                linestyle="none",
                label=f"{len(actors) - k} other actors",
            ),
        ]
        below = -0.33 / main_h
        _scale_end_labels(ax, scale, below)
        fig.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=3, handlelength=3.0
        )
        return fig

    label = (
        f"{issue.name}: positions and weights of {len(actors)} actors and the forecasts. "
        + dense_note(len(actors), k=labelled)
    )
    return _render(draw, name, label)


def dense_network_figure(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, int, float]],
    camps: Sequence[Sequence[str]],
    frustrated: Sequence[Sequence[str]],
    *,
    balancer: str | None = None,
    unplaced: Sequence[str] = (),
    not_fixed: Sequence[str] = (),
    cancelled: Sequence[Sequence[str]] = (),
    compact: bool = False,
    title: str | None = None,
    name: str = "fig-network",
    labelled: int = LABELLED,
) -> str:
    """The signed relations network of many actors, every node and tie in a few artists.

    The same encoding as :func:`equipoise.report.figures.network_figure` (camp A circles
    left, camp B squares right, unplaced diamonds below; positive ties solid, negative
    dashed; frustrated ties highlighted with an ✕; cancelled pairs dotted grey; a ring for a
    camp that is not fixed; the balancer larger with a thick outline), but ties are straight
    (one ``LineCollection`` per kind of tie), the ties that agree with the split (positive
    inside a camp, negative across) pale so that the frustrated ones stand out, nodes one
    scatter per shape, and only the balancer and the ``labelled`` actors with the largest
    total tie weight carry a label.
    """
    from matplotlib.collections import LineCollection

    groups = [list(map(str, g)) for g in camps[:2]]
    while len(groups) < 2:
        groups.append([])
    pos = camp_layout(list(nodes), list(edges), groups, unplaced)
    camp_of = {x: k for k, group in enumerate(groups) for x in group}
    bad = {frozenset(map(str, e)) for e in frustrated}
    loose = set(map(str, not_fixed)) & set(pos)
    lone = set(map(str, unplaced))
    strength: dict[str, float] = {x: 0.0 for x in pos}
    for u, v, _sign, w in edges:
        if u in pos and v in pos:
            strength[u] += abs(w)
            strength[v] += abs(w)
    names = list(pos)
    top = [names[i] for i in heaviest([strength[x] for x in names], labelled + 1)]
    shown = ([balancer] if balancer in pos else []) + [x for x in top if x != balancer][:labelled]

    def draw() -> Any:
        xs = np.array([p[0] for p in pos.values()] or [0.0])
        ys = np.array([p[1] for p in pos.values()] or [0.0])
        aspect = (np.ptp(ys) + 1.0) / (np.ptp(xs) + 1.0)
        width = 3.6 if compact else 7.2
        fig = _new_figure(width, width * min(max(aspect, 0.5), 0.9))
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.92 if title else 1.0))
        ax.set_axis_off()
        ax.set_aspect("equal")
        if title:
            fig.suptitle(title, fontsize=8.5, y=0.99)
        scale = 0.55 if compact else 1.0
        wmax = max((abs(w) for *_, w in edges), default=1.0) or 1.0
        segs: dict[str, list[Any]] = {k: [] for k in ("+", "-", "+bad", "-bad", "bad", "=0")}
        widths: dict[str, list[float]] = {k: [] for k in ("+", "-", "+bad", "-bad")}
        for u, v, sign, w in edges:
            if u not in pos or v not in pos or u == v:
                continue
            seg = [pos[u], pos[v]]
            kind = ("+" if sign > 0 else "-") + ("bad" if frozenset((u, v)) in bad else "")
            segs[kind].append(seg)
            widths[kind].append((0.4 + 1.2 * abs(w) / wmax) * scale)
            if kind.endswith("bad"):
                segs["bad"].append(seg)
        for u, v in cancelled:
            if str(u) in pos and str(v) in pos:
                segs["=0"].append([pos[str(u)], pos[str(v)]])
        layers = (
            ("bad", {"colors": "#f2c94c", "linewidths": 3.2 * scale, "alpha": 0.6}, 1),
            ("=0", {"colors": "#888888", "linewidths": 0.8, "linestyles": (0, (1, 2))}, 1.5),
            # ties that agree with the split recede; the frustrated ones are drawn in full
            ("+", {"colors": POSITIVE, "alpha": 0.3}, 2),
            ("-", {"colors": NEGATIVE, "alpha": 0.3, "linestyles": (0, (4, 2.5))}, 2),
            ("+bad", {"colors": POSITIVE, "alpha": 0.95}, 2.5),
            ("-bad", {"colors": NEGATIVE, "alpha": 0.95, "linestyles": (0, (4, 2.5))}, 2.5),
        )
        for kind, style, z in layers:
            if segs[kind]:
                lw = {"linewidths": widths[kind]} if kind in widths else {}
                ax.add_collection(
                    LineCollection(segs[kind], zorder=z, gid=TIE_GROUPS[kind], **{**style, **lw})
                )
        if segs["bad"]:
            mids = np.array([[(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] for a, b in segs["bad"]])
            ax.scatter(
                mids[:, 0],
                mids[:, 1],
                marker="X",
                s=30 * scale,
                c=INK,
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
            )
        size = 30 * scale
        for key, marker, fill, members in (
            ("camp-a", CAMP_SHAPES[0], CAMP_FILLS[0], [x for x in pos if camp_of.get(x) == 0]),
            ("camp-b", CAMP_SHAPES[1], CAMP_FILLS[1], [x for x in pos if camp_of.get(x) == 1]),
            ("unplaced", "D", "#eeeeee", [x for x in pos if x in lone or x not in camp_of]),
        ):
            members = [x for x in members if x != balancer]
            if members:
                p = np.array([pos[x] for x in members])
                ax.scatter(
                    p[:, 0],
                    p[:, 1],
                    marker=marker,
                    s=size,
                    c=fill,
                    edgecolors=INK,
                    linewidths=0.7,
                    zorder=4,
                    gid=f"nodes-{key}",
                )
        if loose:
            p = np.array([pos[x] for x in sorted(loose)])
            ax.scatter(
                p[:, 0],
                p[:, 1],
                marker="o",
                s=size * 3.2,
                facecolors="none",
                edgecolors=INK,
                linewidths=0.9,
                linestyles=(0, (1, 1.5)),
                zorder=3.5,
            )
        if balancer in pos:
            bx, by = pos[balancer]
            k = camp_of.get(balancer)
            ax.scatter(
                [bx],
                [by],
                marker=CAMP_SHAPES[k % 2] if k is not None else "D",
                s=size * 4,
                c=CAMP_FILLS[k % 2] if k is not None else "#eeeeee",
                edgecolors=INK,
                linewidths=2.4,
                zorder=4.5,
            )
        for x in shown:
            px, py = pos[x]
            ax.annotate(
                x,
                (px, py),
                xytext=(0, 6 if x != balancer else 9),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7 * (0.85 if compact else 1.0),
                fontweight="bold" if x == balancer else "normal",
                color=INK,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        padx = 0.05 * (np.ptp(xs) or 1) + 0.3
        pady = 0.05 * (np.ptp(ys) or 1) + 0.3
        ax.set_xlim(xs.min() - padx, xs.max() + padx)
        ax.set_ylim(ys.min() - pady, ys.max() + pady)
        if compact:
            return fig
        _network_legend(fig, groups, bad, cancelled, lone, loose, balancer, pos)
        return fig

    label = (
        f"Relations network{': ' + title if title else ''}: "
        f"{_count(len(nodes), 'actor')}, {_count(len(edges), 'tie')}, "
        f"{len(bad)} frustrated. " + network_note(len(pos), balancer in pos, labelled)
    )
    return _render(draw, name, label)


def network_note(n: int, with_balancer: bool, labelled: int = LABELLED) -> str:
    """The caption sentence of a dense network figure of ``n`` actors: which carry a label
    (the balancer when ``with_balancer``, and ``labelled`` others)."""
    others = min(labelled, n - (1 if with_balancer else 0))
    shown = others + (1 if with_balancer else 0)
    who = ("the balancer and " if with_balancer else "") + (
        f"the {_count(others, 'actor')} with the largest total tie weight"
    )
    return f"Labelled: {who}; the other {n - shown} actors are unlabelled."

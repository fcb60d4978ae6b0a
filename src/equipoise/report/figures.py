"""The report's figures: matplotlib (no pyplot, no global backend) rendered to inline SVG.

One function per figure; each returns the ``<svg>`` element as a string, ready to be placed
in the HTML page (XML prolog, DOCTYPE and metadata removed, element ids prefixed so that
several figures can share a page). Text stays text (``svg.fonttype: none``): it is
searchable, selectable and small. Nothing here reads files or computes an analysis.

Every figure is readable without colour: ties are solid (positive) or dashed (negative),
camps are told apart by node shape, models by line style, ranks by printed labels.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

__all__ = [
    "network_figure",
    "issue_figure",
    "trajectory_figure",
    "rank_acceptability_figure",
    "tornado_figure",
    "network_layout",
    "camp_layout",
    "MODEL_STYLES",
]

#: Line style, colour and marker of each model's forecast (told apart without colour).
MODEL_STYLES: dict[str, dict[str, Any]] = {
    "mean": {"linestyle": (0, (1, 1.5)), "color": "#7b3294", "marker": "v"},
    "median": {"linestyle": (0, (6, 2, 1, 2)), "color": "#008837", "marker": "s"},
    "eum": {"linestyle": (0, (5, 2)), "color": "#d95f02", "marker": "o"},
    "exchange": {"linestyle": "-", "color": "#1f78b4", "marker": "D"},
}
_FALLBACK_STYLES: list[dict[str, Any]] = [
    {"linestyle": (0, (3, 1, 1, 1, 1, 1)), "color": "#e7298a", "marker": "^"},
    {"linestyle": (0, (8, 3)), "color": "#666666", "marker": "P"},
]
POSITIVE = "#2060a8"
NEGATIVE = "#b8322a"
INK = "#222222"
CAMP_SHAPES = ("o", "s")
CAMP_FILLS = ("#dce8f5", "#f6e0c8")

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "equipoise",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.8,
    "legend.frameon": False,
    "path.simplify": True,
    # names, labels and titles are text, never TeX: '$TUR$ 50% \alpha' is drawn as written
    # (mathtext would parse '$...$' and fail on an unknown command or an odd '$')
    "text.parse_math": False,
}


def _style(model: str, k: int = 0) -> dict[str, Any]:
    return MODEL_STYLES.get(model, _FALLBACK_STYLES[k % len(_FALLBACK_STYLES)])


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96)


def _to_svg(fig: Any, name: str, label: str) -> str:
    """Serialise ``fig`` as an inline ``<svg>`` element with ids prefixed by ``name``.

    Figures that set their own margins (``fig._eq_fixed``) are drawn once; the others are
    cropped to their content (``bbox_inches="tight"``, which costs a second draw).
    """
    buf = io.StringIO()
    crop: dict[str, Any] = (
        {"bbox_inches": _grown_to_content(fig)}
        if getattr(fig, "_eq_fixed", False)
        else {"bbox_inches": "tight", "pad_inches": 0.06}
    )
    fig.savefig(
        buf,
        format="svg",
        **crop,
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", name) + "-"
    text = re.sub(
        r'(\bid="|href="#|url\(#)([^")]+)', lambda m: m.group(1) + prefix + m.group(2), text
    )
    esc = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
    text = text.replace("<svg ", f'<svg role="img" aria-label="{esc}" class="fig-svg" ', 1)
    return text.strip()


def _grown_to_content(fig: Any, pad: float = 0.04) -> Any:
    """The figure's own box, grown where a legend, label or tick text reaches past it (the
    fixed margins are estimates; a label cut at the edge — "exchang" — is worse than a
    slightly wider figure). ``None`` (no crop) when everything fits."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    w, h = fig.get_size_inches()
    content = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())
    if content.x0 >= 0 and content.y0 >= 0 and content.x1 <= w and content.y1 <= h:
        return None
    return Bbox.union([Bbox.from_bounds(0, 0, w, h), content.padded(pad)])


def _render(draw: Any, name: str, label: str) -> str:
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = draw()
        return _to_svg(fig, name, label)


def _margins(fig: Any, *, left: float, right: float, top: float, bottom: float) -> None:
    """Fixed margins in inches (one draw instead of two for a cropped figure)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h)
    fig._eq_fixed = True


def _text_width(texts: Sequence[str], size: float = 8.0) -> float:
    """Rough width in inches of the longest of ``texts`` at ``size`` points (DejaVu Sans)."""
    return max((len(t) for t in texts), default=0) * size * 0.0074


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


# -- relations network -------------------------------------------------------------------


def network_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, int, float]]
) -> dict[str, tuple[float, float]]:
    """Deterministic 2-D layout: stress majorisation started from classical scaling.

    Target distances are shortest paths with positive ties of length 1 and negative ties
    of length 1.7 (so rivals sit apart, and no triad is drawn on one line); unconnected pairs
    get the longest distance plus one. The matrices are small (one camp of a drawn network):
    one BLAS thread, as in :mod:`equipoise.network._blas` (OpenBLAS's threads made a
    100-node layout take 0.1–3 s on a busy two-core machine).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _stress_layout(nodes, edges)


def _stress_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, int, float]]
) -> dict[str, tuple[float, float]]:
    """:func:`network_layout` without the thread limit."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    idx = {x: i for i, x in enumerate(nodes)}
    rows, cols, lengths = [], [], []
    for u, v, sign, _w in edges:
        if u in idx and v in idx and u != v:
            length = 1.0 if sign > 0 else 1.7
            rows += [idx[u], idx[v]]
            cols += [idx[v], idx[u]]
            lengths += [length, length]
    dist = shortest_path(csr_matrix((lengths, (rows, cols)), shape=(n, n)), directed=False)
    finite = dist[np.isfinite(dist)]
    far = (finite.max() if finite.size else 1.0) + 1.0
    dist[~np.isfinite(dist)] = far
    dist = np.maximum(dist, 1e-9)
    np.fill_diagonal(dist, 0.0)
    # classical scaling
    d2 = dist**2
    j = np.eye(n) - 1.0 / n
    b = -0.5 * j @ d2 @ j
    vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals)[::-1][:2]
    x = vecs[:, order] * np.sqrt(np.maximum(vals[order], 1e-9))
    if x.shape[1] < 2:
        x = np.column_stack([x, np.zeros(n)])
    # break exact ties deterministically (structurally equivalent nodes)
    x = x + 1e-3 * np.column_stack([np.cos(np.arange(n)), np.sin(np.arange(n))])
    # SMACOF iterations, weights 1/d^2
    w = np.zeros_like(dist)
    off = ~np.eye(n, dtype=bool)
    w[off] = 1.0 / dist[off] ** 2
    v = -w.copy()
    np.fill_diagonal(v, w.sum(axis=1))
    v_pinv = np.linalg.pinv(v)
    for _ in range(200):
        diff = x[:, None, :] - x[None, :, :]
        cur = np.sqrt((diff**2).sum(-1))
        ratio = np.zeros_like(cur)
        nz = cur > 1e-12
        ratio[nz] = dist[nz] / cur[nz]
        bz = -w * ratio
        np.fill_diagonal(bz, 0.0)
        np.fill_diagonal(bz, -bz.sum(axis=1))
        new = v_pinv @ bz @ x
        if np.abs(new - x).max() < 1e-6:
            x = new
            break
        x = new
    x = x - x.mean(axis=0)
    # fix orientation: widest spread horizontal, first node on the left
    u_, s_, vt = np.linalg.svd(x, full_matrices=False)
    x = x @ vt.T
    if x[0, 0] > 0:
        x[:, 0] = -x[:, 0]
    if n > 1 and x[1, 1] < 0:
        x[:, 1] = -x[:, 1]
    return {nodes[i]: (float(x[i, 0]), float(x[i, 1])) for i in range(n)}


def camp_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, int, float]],
    camps: Sequence[Sequence[str]],
    unplaced: Sequence[str] = (),
) -> dict[str, tuple[float, float]]:
    """Camps by position: camp A on the left, camp B on the right, unplaced actors in a row
    below. Inside each camp the stress layout of the camp's own ties (``network_layout``)
    is scaled into its half of the picture, so allies sit close and rivals apart."""
    pos: dict[str, tuple[float, float]] = {}
    node_set = set(nodes)
    for k, group in enumerate(camps[:2]):
        members = [x for x in group if x in node_set]
        if not members:
            continue
        inner = [e for e in edges if e[0] in members and e[1] in members]
        local = network_layout(members, inner)
        xs = np.array([local[x][0] for x in members])
        ys = np.array([local[x][1] for x in members])
        if np.ptp(ys) > np.ptp(xs):  # tall camps: the long axis vertical
            xs, ys = ys, xs
        span = max(np.ptp(xs), np.ptp(ys), 1e-9)
        scale = min(1.0, 0.45 * math.sqrt(len(members))) / span * 2.0
        xs = (xs - xs.mean()) * scale * 0.6
        ys = (ys - ys.mean()) * scale
        centre = -1.6 if k == 0 else 1.6
        for x, px, py in zip(members, xs, ys):
            pos[x] = (float(centre + px), float(py))
    rest = [x for x in nodes if x not in pos]
    if rest:
        low = min((p[1] for p in pos.values()), default=0.0) - 1.1
        width = 0.9 * (len(rest) - 1)
        for i, x in enumerate(rest):
            pos[x] = (float(-width / 2 + 0.9 * i), float(low))
    return pos


def _route(
    p0: tuple[float, float],
    p1: tuple[float, float],
    obstacles: Sequence[tuple[float, float]],
    radius: float,
) -> np.ndarray:
    """Points of a tie from ``p0`` to ``p1``: the straight segment when it passes no other
    node (distance ≥ ``radius``), otherwise the least bent quadratic Bézier curve that does
    (bends tried on both sides, growing)."""
    a, b = np.asarray(p0, float), np.asarray(p1, float)
    obs = np.asarray(obstacles, float).reshape(-1, 2)
    t = np.linspace(0.0, 1.0, 41)[:, None]
    d = b - a
    normal = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1.0)

    def clear(points: np.ndarray) -> bool:
        if len(obs) == 0:
            return True
        seg_a, seg_b = points[:-1], points[1:]
        v = seg_b - seg_a
        w = obs[:, None, :] - seg_a[None, :, :]
        tt = np.clip((w * v).sum(-1) / np.maximum((v * v).sum(-1), 1e-12), 0.0, 1.0)
        closest = seg_a[None] + tt[..., None] * v[None]
        return bool(np.hypot(*(obs[:, None, :] - closest).transpose(2, 0, 1)).min() >= radius)

    best = a + t * d
    if clear(best):
        return best
    length = float(np.hypot(*d))
    for bend in (0.15, -0.15, 0.3, -0.3, 0.45, -0.45, 0.65, -0.65, 0.9, -0.9):
        control = (a + b) / 2 + bend * length * normal
        curve = (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t**2 * b
        if clear(curve):
            return curve
    return best


def network_figure(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, int, float]],
    camps: Sequence[Sequence[str]],
    frustrated: Sequence[Sequence[str]],
    *,
    balancer: str | None = None,
    labels: Mapping[str, str] | None = None,
    unplaced: Sequence[str] = (),
    not_fixed: Sequence[str] = (),
    cancelled: Sequence[Sequence[str]] = (),
    compact: bool = False,
    title: str | None = None,
    name: str = "fig-network",
) -> str:
    """The signed relations network, camps by position and by shape.

    Camp A (circles) on the left, camp B (squares) on the right, unplaced actors (no tie;
    diamonds) in a row below; the balancer drawn larger with a thick outline; actors whose
    camp is not fixed across optimal splits ringed with a dotted circle. Positive ties solid,
    negative ties dashed, line width by weight; frustrated ties highlighted with an ✕ at
    their middle; pairs whose layers cancel drawn as thin dotted grey lines marked ``=0``.
    No tie passes through a node it does not join: such ties are bent around (quadratic
    Bézier). ``compact``: a small multiple (smaller, legend left to the large figure).
    """
    from .dense_figures import DENSE_ACTORS, dense_network_figure

    if len(nodes) > DENSE_ACTORS:
        return dense_network_figure(
            nodes,
            edges,
            camps,
            frustrated,
            balancer=balancer,
            unplaced=unplaced,
            not_fixed=not_fixed,
            cancelled=cancelled,
            compact=compact,
            title=title,
            name=name,
        )
    labels = dict(labels or {})
    groups = [list(map(str, g)) for g in camps[:2]]
    while len(groups) < 2:
        groups.append([])
    pos = camp_layout(list(nodes), list(edges), groups, unplaced)
    camp_of = {x: k for k, group in enumerate(groups) for x in group}
    bad = {frozenset(map(str, e)) for e in frustrated}
    loose = set(map(str, not_fixed))
    lone = set(map(str, unplaced))
    radius = 0.2

    def draw() -> Any:

        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        aspect = (max(ys) - min(ys) + 1.0) / (max(xs) - min(xs) + 1.0)
        width = 3.6 if compact else 7.2
        fig = _new_figure(width, width * min(max(aspect, 0.5), 0.9))
        ax = fig.add_axes((0.0, 0.0, 1.0, 0.92 if title else 1.0))
        ax.set_axis_off()
        ax.set_aspect("equal")
        if title:
            fig.suptitle(title, fontsize=8.5, y=0.99)
        wmax = max((abs(w) for *_, w in edges), default=1.0) or 1.0
        scale = 0.55 if compact else 1.0

        def path(u: str, v: str) -> np.ndarray:
            others = [pos[x] for x in pos if x not in (u, v)]
            return _route(pos[u], pos[v], others, radius)

        for u, v in cancelled:
            u, v = str(u), str(v)
            if u in pos and v in pos:
                pts = path(u, v)
                ax.plot(
                    pts[:, 0], pts[:, 1], color="#888888", lw=1.0, linestyle=(0, (1, 2)), zorder=1
                )
                mid = pts[len(pts) // 2]
                ax.text(
                    mid[0],
                    mid[1],
                    "=0",
                    fontsize=7 * max(scale, 0.8),
                    ha="center",
                    va="center",
                    color=INK,
                    zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#888888", "lw": 0.6},
                )
        for u, v, sign, w in edges:
            u, v = str(u), str(v)
            if u not in pos or v not in pos:
                continue
            pts = path(u, v)
            lw = ((1.0 if sign > 0 else 1.6) + 2.2 * abs(w) / wmax) * scale
            is_bad = frozenset((u, v)) in bad
            colour = POSITIVE if sign > 0 else NEGATIVE
            if is_bad:
                ax.plot(
                    pts[:, 0],
                    pts[:, 1],
                    color="#f2c94c",
                    lw=lw + 5 * scale,
                    alpha=0.55,
                    solid_capstyle="round",
                    zorder=1,
                )
            ax.plot(
                pts[:, 0],
                pts[:, 1],
                color=colour,
                lw=lw,
                linestyle="-" if sign > 0 else (0, (4, 2.5)),
                zorder=2,
                dash_capstyle="butt",
            )
            if is_bad:
                mid = pts[len(pts) // 2]
                ax.plot(
                    [mid[0]],
                    [mid[1]],
                    marker="X",
                    ms=11 * scale,
                    color=INK,
                    markeredgecolor="white",
                    markeredgewidth=1.0,
                    zorder=3,
                )
        for node in nodes:
            node = str(node)
            if node not in pos:
                continue
            x, y = pos[node]
            is_b = node == balancer
            if node in lone:
                marker, fill = "D", "#eeeeee"
            else:
                k = camp_of.get(node, 0)
                marker, fill = CAMP_SHAPES[k % 2], CAMP_FILLS[k % 2]
            size = (30 if is_b else 24) * (0.62 if compact else 1.0)
            if node in loose:
                ax.add_patch(_dotted_ring(x, y, radius * 0.95))
            ax.plot(
                [x],
                [y],
                marker=marker,
                ms=size,
                color=fill,
                markeredgecolor=INK,
                markeredgewidth=2.6 if is_b else 1.0,
                zorder=4,
                linestyle="none",
            )
            ax.text(
                x,
                y,
                str(node),
                ha="center",
                va="center",
                zorder=5,
                fontsize=(8 if len(str(node)) <= 4 else 6.5) * (0.8 if compact else 1),
                fontweight="bold" if is_b else "normal",
                color=INK,
            )
        padx = 0.1 * (max(xs) - min(xs) or 1) + 0.45
        pady = 0.1 * (max(ys) - min(ys) or 1) + 0.45
        ax.set_xlim(min(xs) - padx, max(xs) + padx)
        ax.set_ylim(min(ys) - pady, max(ys) + pady)
        if compact:
            return fig
        _network_legend(fig, groups, bad, cancelled, lone, loose, balancer, pos)
        return fig

    label = (
        f"Relations network{': ' + title if title else ''}: "
        f"{_count(len(nodes), 'actor')}, {_count(len(edges), 'tie')}, "
        f"{len(bad)} frustrated"
    )
    return _render(draw, name, label)


def _network_legend(
    fig: Any,
    groups: Sequence[Sequence[str]],
    bad: set[frozenset],
    cancelled: Sequence[Sequence[str]],
    lone: set[str],
    loose: set[str],
    balancer: str | None,
    pos: Mapping[str, tuple[float, float]],
) -> None:
    """The legend of the relations network (ties, camps, markers, in order) under ``fig``'s
    axes, as the row and the dense network figures place it."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=POSITIVE, lw=2, label="positive tie (solid)"),
        Line2D(
            [], [], color=NEGATIVE, lw=2, linestyle=(0, (4, 2.5)), label="negative tie (dashed)"
        ),
    ]
    if bad:
        handles.append(
            Line2D(
                [],
                [],
                color="#f2c94c",
                lw=7,
                alpha=0.7,
                marker="X",
                ms=9,
                markerfacecolor=INK,
                markeredgecolor="white",
                label="frustrated tie (✕)",
            )
        )
    if cancelled:
        handles.append(
            Line2D(
                [],
                [],
                color="#888888",
                lw=1,
                linestyle=(0, (1, 2)),
                label=f"layers cancel, no tie (=0): {_count(len(cancelled), 'pair')}",
            )
        )
    for k, group in enumerate(groups):
        if group:
            side = "left" if k == 0 else "right"
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=CAMP_SHAPES[k % 2],
                    ms=10,
                    color=CAMP_FILLS[k % 2],
                    markeredgecolor=INK,
                    linestyle="none",
                    label=f"camp {'AB'[k]}, {side} ({_count(len(group), 'actor')})",
                )
            )
    if lone:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                ms=9,
                color="#eeeeee",
                markeredgecolor=INK,
                linestyle="none",
                label=f"unplaced, no tie ({_count(len(lone), 'actor')})",
            )
        )
    if loose:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ms=13,
                color="none",
                markeredgecolor=INK,
                linestyle="none",
                markeredgewidth=1.0,
                label=f"camp not fixed ({_count(len(loose), 'actor')})",
            )
        )
    if balancer and balancer in pos:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ms=11,
                color="white",
                markeredgecolor=INK,
                markeredgewidth=2.6,
                linestyle="none",
                label=f"balancer ({balancer})",
            )
        )
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=min(3, len(handles)),
        bbox_to_anchor=(0.5, 0.0),
        handlelength=3.2,
    )


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "s")


def _dotted_ring(x: float, y: float, r: float) -> Any:
    from matplotlib.patches import Circle

    return Circle(
        (x, y), r, fill=False, edgecolor=INK, linewidth=1.1, linestyle=(0, (1, 1.5)), zorder=3.5
    )


# -- issues ------------------------------------------------------------------------------


def _forecast_handle(style: Mapping[str, Any], model: str, value: float) -> Any:
    """The legend entry of one model's forecast line on an issue figure."""
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        color=style["color"],
        linestyle=style["linestyle"],
        lw=1.7,
        marker=style["marker"],
        ms=5,
        label=f"{model} forecast {value:.1f}",
    )


def _scale_end_labels(ax: Any, scale: Any, below: float) -> None:
    """The scale's end labels under the axis, ``below`` in axes units (◀ low, high ▶)."""
    style = dict(transform=ax.transAxes, va="top", fontsize=7.5, color="#333333")
    ax.text(0.0, below, "◀ " + _wrap(scale.min_label, 36, 4), ha="left", **style)
    ax.text(
        1.0,
        below,
        _wrap(scale.max_label, 36, 4) + " ▶",
        ha="right",
        multialignment="right",
        **style,
    )


def issue_figure(
    issue: Any,
    actors: Sequence[tuple[str, float, float]],
    forecasts: Mapping[str, float],
    actual: float | None = None,
    *,
    name: str = "fig-issue",
) -> str:
    """One issue's scale with every actor's position and the forecasts.

    ``actors``: ``(label, position, weight)`` with weight = capability × salience (marker
    area proportional to it); ``forecasts``: model -> forecast (a vertical line per model,
    each in its own line style); ``actual``: the recorded outcome (thick black line).
    The scale's labelled points are the ticks, its two ends are labelled in words.
    """
    from .dense_figures import DENSE_ACTORS, dense_issue_figure

    if len(actors) > DENSE_ACTORS:
        return dense_issue_figure(issue, actors, forecasts, actual, name=name)
    scale = issue.scale
    rows = sorted(actors, key=lambda a: (a[1], a[0]))

    def draw() -> Any:
        from matplotlib.lines import Line2D

        n = max(len(rows), 1)
        n_legend = len(forecasts) + (actual is not None) + 1
        legend_rows = math.ceil(n_legend / (3 if n_legend > 4 else 2))
        top, bottom = 0.12 + 0.19 * legend_rows, 0.95
        fig = _new_figure(7.0, top + bottom + 0.3 + 0.27 * n)
        ax = fig.add_subplot(1, 1, 1)
        _margins(
            fig, left=0.2 + _text_width([r[0] for r in rows]), right=0.15, top=top, bottom=bottom
        )
        lo, hi = float(scale.min), float(scale.max)
        span = hi - lo
        ax.set_xlim(lo - 0.03 * span, hi + 0.03 * span)
        ax.set_ylim(-0.7, n - 0.3)
        ticks = sorted({lo, hi, *(float(p.value) for p in scale.points)})
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        for t in ticks:
            ax.axvline(t, color="#e3e3e3", lw=0.8, zorder=0)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([r[0] for r in rows])
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        weights = [max(r[2], 0.0) for r in rows]
        wmax = max(weights, default=1.0) or 1.0
        for k, (_label, x, w) in enumerate(rows):
            ax.plot([lo, hi], [k, k], color="#f0f0f0", lw=0.6, zorder=0)
            size = 4 + 18 * math.sqrt(max(w, 0.0) / wmax)
            ax.plot(
                [x],
                [k],
                marker="o",
                ms=size,
                color="#8fb3d9",
                alpha=0.85,
                markeredgecolor="#2b4f7a",
                markeredgewidth=0.9,
                linestyle="none",
                zorder=3,
            )
        handles = []
        for j, (model, value) in enumerate(forecasts.items()):
            st = _style(model, j)
            ax.axvline(value, color=st["color"], linestyle=st["linestyle"], lw=1.7, zorder=4)
            ax.plot(
                [value],
                [n - 0.45],
                marker=st["marker"],
                color=st["color"],
                ms=6,
                linestyle="none",
                zorder=5,
                clip_on=False,
            )
            handles.append(_forecast_handle(st, model, value))
        if actual is not None:
            ax.axvline(actual, color=INK, lw=3.2, zorder=4, alpha=0.9)
            handles.append(Line2D([], [], color=INK, lw=3.2, label=f"actual outcome {actual:g}"))
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ms=9,
                color="#8fb3d9",
                markeredgecolor="#2b4f7a",
                linestyle="none",
                label="position (area ∝ capability × salience)",
            )
        )
        below = -0.33 / (fig.get_size_inches()[1] - top - bottom)
        _scale_end_labels(ax, scale, below)
        fig.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=3 if len(handles) > 4 else 2,
            handlelength=3.0,
        )
        return fig

    label = f"{issue.name}: positions of {len(rows)} actors and the forecasts"
    return _render(draw, name, label)


def trajectory_figure(
    issue: Any,
    trajectories: Mapping[str, Sequence[float]],
    actual: float | None = None,
    *,
    name: str = "fig-trajectory",
) -> str:
    """Forecast by round of the iterative models (round 0 = the initial positions)."""
    scale = issue.scale

    def draw() -> Any:
        fig = _new_figure(4.8, 2.2)
        ax = fig.add_subplot(1, 1, 1)
        _margins(
            fig,
            left=0.55,
            right=0.3 + _text_width([*trajectories, "actual 100.5"]),
            top=0.1,
            bottom=0.45,
        )
        longest = 1
        for j, (model, traj) in enumerate(trajectories.items()):
            st = _style(model, j)
            ys = list(traj)
            longest = max(longest, len(ys))
            ax.plot(
                range(len(ys)),
                ys,
                color=st["color"],
                linestyle=st["linestyle"],
                marker=st["marker"],
                ms=3.5,
                lw=1.5,
                label=model,
            )
        if actual is not None:
            ax.axhline(actual, color=INK, lw=2.4, alpha=0.85, label=f"actual {actual:g}")
        lo, hi = float(scale.min), float(scale.max)
        span = hi - lo
        ax.set_ylim(lo - 0.04 * span, hi + 0.04 * span)
        ax.set_xlim(-0.3, longest - 0.7)
        ax.set_xlabel("round (0 = initial positions)")
        ax.set_ylabel("forecast")
        ax.set_xticks(range(0, longest, max(1, longest // 10)))
        ax.grid(axis="y", color="#e8e8e8", lw=0.6)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), handlelength=3.0)
        return fig

    label = f"{issue.name}: forecast by round of {', '.join(trajectories)}"
    return _render(draw, name, label)


# -- decision ----------------------------------------------------------------------------


def rank_acceptability_figure(
    option_labels: Sequence[str],
    rank_acceptability: np.ndarray,
    *,
    name: str = "fig-ranks",
    draws: int | None = None,
) -> str:
    """SMAA-2 rank acceptability: one stacked bar per option, a segment per rank.

    Options are ordered by first-rank acceptability; every segment wide enough carries its
    rank number, so the chart reads without colour.
    """
    ra = np.asarray(rank_acceptability, float)
    m = ra.shape[0]
    order = sorted(range(m), key=lambda i: tuple(-ra[i, r] for r in range(ra.shape[1])))

    def draw() -> Any:
        from matplotlib import colormaps

        cmap = colormaps["viridis"]
        fig = _new_figure(7.0, 0.6 + 0.34 * m)
        ax = fig.add_subplot(1, 1, 1)
        _margins(fig, left=0.2 + _text_width(option_labels), right=0.15, top=0.05, bottom=0.55)
        ranks = ra.shape[1]
        for row, i in enumerate(order):
            left = 0.0
            for r in range(ranks):
                share = float(ra[i, r])
                if share <= 0:
                    continue
                colour = cmap(r / max(ranks - 1, 1))
                ax.barh(
                    row,
                    share,
                    left=left,
                    height=0.7,
                    color=colour,
                    edgecolor="white",
                    lw=0.6,
                    label=f"rank {r + 1}" if row == 0 else None,
                )
                if share >= 0.06:
                    dark = r / max(ranks - 1, 1) < 0.55
                    ax.text(
                        left + share / 2,
                        row,
                        f"{r + 1}" + (f" · {share:.0%}" if share >= 0.16 else ""),
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color="white" if dark else INK,
                    )
                left += share
        ax.set_yticks(range(m))
        ax.set_yticklabels([option_labels[i] for i in order])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
        fig.text(
            0.5,
            0.02,
            "share of the"
            + (f" {draws:,}" if draws else "")
            + " draws in which the option takes each rank (1 = best)",
            ha="center",
            va="bottom",
        )
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return fig

    label = "Rank acceptability of the options (SMAA-2)"
    return _render(draw, name, label)


# -- sensitivity -------------------------------------------------------------------------


def tornado_figure(
    panels: Sequence[tuple[str, Sequence[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    *,
    name: str = "fig-tornado",
    subject: str = "the margin",
) -> str:
    """Sobol indices as a tornado chart: one panel per grouping, one row per group of
    inputs, sorted by total index; the total index ST is the wide light bar, the
    first-order index S1 the narrow dark bar inside it, each with its confidence interval
    and printed value (readable without colour).

    ``panels``: ``(title, groups, S1, S1_conf, ST, ST_conf)`` per grouping.
    """
    rows = sum(len(p[1]) for p in panels)
    labels = [g for p in panels for g in p[1]]

    def draw() -> Any:
        fig = _new_figure(7.0, 0.9 + 0.28 * rows + 0.45 * len(panels))
        heights = [len(p[1]) + 0.8 for p in panels]
        grid = fig.add_gridspec(len(panels), 1, height_ratios=heights, hspace=0.45)
        _margins(fig, left=0.25 + _text_width(labels), right=0.6, top=0.25, bottom=0.55)
        for k, (title, groups, s1, s1c, st, stc) in enumerate(panels):
            ax = fig.add_subplot(grid[k, 0])
            order = sorted(range(len(groups)), key=lambda i: -st[i])
            y = np.arange(len(order))
            st_o = np.clip(np.asarray(st, float)[order], 0, None)
            s1_o = np.clip(np.asarray(s1, float)[order], 0, None)
            ax.barh(
                y,
                st_o,
                height=0.72,
                color="#c6dbef",
                edgecolor="#6b8fb5",
                lw=0.6,
                xerr=np.asarray(stc, float)[order],
                error_kw={"lw": 0.7, "capsize": 2, "ecolor": "#555555"},
                label="total ST",
            )
            ax.barh(
                y,
                s1_o,
                height=0.32,
                color=POSITIVE,
                lw=0,
                xerr=np.asarray(s1c, float)[order],
                error_kw={"lw": 0.7, "capsize": 1.5, "ecolor": INK},
                label="first-order S1",
            )
            for row, i in enumerate(order):
                reach = max(st_o[row] + float(stc[i]), s1_o[row] + float(s1c[i]), 0.0)
                ax.text(
                    reach + 0.015,
                    row,
                    f"ST {st[i]:.2f} · S1 {s1[i]:.2f}",
                    va="center",
                    fontsize=7,
                    color=INK,
                )
            ax.set_yticks(y)
            ax.set_yticklabels([groups[i] for i in order])
            ax.invert_yaxis()
            ax.set_xlim(0, max(1.0, float(np.max(np.asarray(st) + np.asarray(stc))) + 0.3))
            ax.set_title(title, loc="left")
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            if k == 0:
                ax.legend(loc="lower right", fontsize=7)
        fig.text(
            0.5,
            0.02,
            f"share of the variance of {subject} (Sobol index; bars: confidence intervals)",
            ha="center",
            va="bottom",
        )
        return fig

    return _render(draw, name, f"Sobol indices of {subject} (tornado chart)")

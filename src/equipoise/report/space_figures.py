"""The report's figure of a two-dimensional issue space: the actors' positions as a scatter
and each model's forecast, with the path over rounds of every iterative model.

Like every figure of :mod:`equipoise.report.figures` it returns an inline ``<svg>`` string,
computes nothing (the paths come from :func:`equipoise.models.spaces.space_history`) and is
readable without colour: models differ by line style and marker, the start of a path is an
open marker, its end a filled one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .dense_figures import DENSE_ACTORS, LABELLED, dense_note, heaviest
from .figures import INK, _margins, _new_figure, _render, _style, _wrap

__all__ = ["space_figure"]


def space_figure(
    issues: Sequence[Any],
    actors: Sequence[tuple[str, float, float, float]],
    forecasts: Mapping[str, tuple[float, float]],
    paths: Mapping[str, np.ndarray],
    actual: tuple[float, float] | None = None,
    *,
    name: str = "fig-space",
) -> str:
    """A two-dimensional space: ``issues`` are its two issues (x, then y; each with
    ``.name`` and ``.scale``), ``actors`` ``(label, x, y, weight)`` with weight = capability
    × mean salience over the two dimensions (marker area proportional to it), ``forecasts``
    model -> final ``(x, y)``, ``paths`` model -> ``(n_states, 2)`` forecast by state for the
    iterative models, ``actual`` the recorded outcome when both issues have one."""
    ix, iy = issues[0], issues[1]
    dense = len(actors) > DENSE_ACTORS

    def draw() -> Any:
        from matplotlib.lines import Line2D

        fig = _new_figure(6.0, 5.6)
        _margins(fig, left=0.75, right=0.2, top=0.75, bottom=0.8)
        ax = fig.add_subplot(1, 1, 1)
        for issue, setlim in ((ix, ax.set_xlim), (iy, ax.set_ylim)):
            lo, hi = float(issue.scale.min), float(issue.scale.max)
            setlim(lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo))
        ax.set_xlabel(
            f"{_wrap(ix.name, 50, 1)}\n◀ {_wrap(ix.scale.min_label, 30, 1)}   ·   "
            f"{_wrap(ix.scale.max_label, 30, 1)} ▶",
            fontsize=8,
        )
        ax.set_ylabel(
            f"{_wrap(iy.name, 50, 1)}\n◀ {_wrap(iy.scale.min_label, 30, 1)}   ·   "
            f"{_wrap(iy.scale.max_label, 30, 1)} ▶",
            fontsize=8,
        )
        ax.grid(color="#ececec", lw=0.6, zorder=0)
        wmax = max((max(w, 0.0) for *_, w in actors), default=1.0) or 1.0
        if dense:
            _dense_actors(ax, actors, wmax)
        for label, x, y, w in [] if dense else actors:
            size = 4 + 16 * math.sqrt(max(w, 0.0) / wmax)
            ax.plot(
                [x],
                [y],
                marker="o",
                ms=size,
                color="#8fb3d9",
                alpha=0.8,
                markeredgecolor="#2b4f7a",
                markeredgewidth=0.9,
                linestyle="none",
                zorder=3,
            )
            ax.annotate(
                label,
                (x, y),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7.5,
                color="#333333",
                zorder=6,
            )
        handles = [
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
        ]
        for j, (model, (fx, fy)) in enumerate(forecasts.items()):
            st = _style(model, j)
            path = paths.get(model)
            if path is not None and len(path) > 1:
                ax.plot(
                    path[:, 0],
                    path[:, 1],
                    color=st["color"],
                    linestyle=st["linestyle"],
                    lw=1.5,
                    zorder=4,
                )
                ax.plot(
                    [path[0, 0]],
                    [path[0, 1]],
                    marker=st["marker"],
                    ms=6,
                    zorder=5,
                    markerfacecolor="white",
                    markeredgecolor=st["color"],
                    linestyle="none",
                )
            ax.plot(
                [fx],
                [fy],
                marker=st["marker"],
                ms=7,
                color=st["color"],
                zorder=5,
                markeredgecolor=INK,
                markeredgewidth=0.6,
                linestyle="none",
            )
            rounds = f", {len(path) - 1} rounds" if path is not None and len(path) > 1 else ""
            handles.append(
                Line2D(
                    [],
                    [],
                    color=st["color"],
                    linestyle=st["linestyle"],
                    lw=1.5,
                    marker=st["marker"],
                    ms=5,
                    label=f"{model} ({fx:.1f}, {fy:.1f}){rounds}",
                )
            )
        if actual is not None:
            ax.plot(
                [actual[0]], [actual[1]], marker="*", ms=13, color=INK, linestyle="none", zorder=6
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="*",
                    ms=10,
                    color=INK,
                    linestyle="none",
                    label=f"actual outcome ({actual[0]:g}, {actual[1]:g})",
                )
            )
        fig.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=2, handlelength=3.0
        )
        return fig

    label = (
        f"{ix.name} × {iy.name}: positions of {len(actors)} actors and the forecasts of "
        f"{', '.join(forecasts)}"
        + (" with their paths over rounds" if paths else "")
        + (". " + dense_note(len(actors), "capability × mean salience") if dense else "")
    )
    return _render(draw, name, label)


def _dense_actors(ax: Any, actors: Sequence[tuple[str, float, float, float]], wmax: float) -> None:
    """Many actors: one scatter (marker area ∝ weight), a label on the :data:`LABELLED`
    heaviest only (see :func:`equipoise.report.dense_figures.dense_note`)."""
    xy = np.array([(a[1], a[2]) for a in actors], float)
    w = np.clip(np.array([a[3] for a in actors], float), 0.0, None)
    sizes = (4 + 16 * np.sqrt(w / wmax)) ** 2
    top = heaviest(w, LABELLED)
    grey = np.ones(len(actors), bool)
    grey[top] = False
    ax.scatter(
        xy[grey, 0],
        xy[grey, 1],
        s=sizes[grey] * 0.5,
        c="#c4c4c4",
        edgecolors="#7a7a7a",
        linewidths=0.5,
        alpha=0.7,
        zorder=3,
        gid="actors-grey",
    )
    ax.scatter(
        xy[top, 0],
        xy[top, 1],
        s=sizes[top],
        c="#8fb3d9",
        edgecolors="#2b4f7a",
        linewidths=0.9,
        alpha=0.85,
        zorder=3,
        gid="actors-labelled",
    )
    for i in top:
        ax.annotate(
            actors[i][0],
            (xy[i, 0], xy[i, 1]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7.5,
            color="#333333",
            zorder=6,
        )

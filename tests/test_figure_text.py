"""Names are text in every figure, never TeX (issue 12): ``$…$`` in an actor, issue or
option name or a scale label used to make matplotlib parse mathtext, and an unknown command
or an odd ``$`` replaced the figure by "could not be drawn"."""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np

from equipoise.analysis import run_analysis
from equipoise.io import load
from equipoise.report.figures import issue_figure, rank_acceptability_figure, trajectory_figure
from equipoise.report.render import render_html

TEMPLATE = Path(__file__).parents[1] / "src" / "equipoise" / "templates" / "scenario.yaml"
NAME = "$TUR$ 50% \\alpha"  # a valid mathtext span: drawn as 'TUR' before the fix
BROKEN = "the old $line\\q$ ($5"  # an unknown command and an odd '$': a ValueError


def svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_every_figure_draws_names_as_written(tmp_path: Path) -> None:
    text = TEMPLATE.read_text("utf-8")
    text = text.replace("name: Westland", f"name: '{NAME}'")
    text = text.replace("name: Back Westland", f"name: '{NAME} option'")
    text = text.replace("min_label: the old line (Westland's claim)", f"min_label: '{BROKEN}'")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    page = render_html(run_analysis(load(path), draws=20))
    assert "could not be drawn" not in page
    drawn = [t for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S) for t in svg_texts(svg)]
    assert f"{NAME} option" in drawn  # the option in the rank chart
    assert any(BROKEN in t for t in drawn)  # the scale's end in the issue figure


def test_figure_functions_take_mathtext_literally() -> None:
    class Scale:
        min, max, min_label, max_label, points = 0.0, 100.0, BROKEN, "$x^2$", []

    class Issue:
        id, name, scale = "i", NAME, Scale()

    svg = issue_figure(Issue(), [(NAME, 20.0, 1.0), ("B", 80.0, 2.0)], {"eum": 50.0})
    assert NAME in svg_texts(svg) and "$x^2$ ▶" in svg_texts(svg)
    svg = trajectory_figure(Issue(), {"$eum$": [10.0, 20.0]})
    assert "$eum$" in svg_texts(svg)
    svg = rank_acceptability_figure([NAME, "b"], np.array([[0.7, 0.3], [0.3, 0.7]]))
    assert NAME in svg_texts(svg)

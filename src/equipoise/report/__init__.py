"""The HTML report of ``equipoise analyze`` and its ``results.json``.

:func:`write_report` writes both files for an :class:`~equipoise.analysis.Analysis`;
:func:`render_html` gives the page as text. Figures are in :mod:`.figures` (matplotlib
rendered to inline SVG), the page layout in ``templates/report.html.j2`` (Jinja2, autoescaped)
with its stylesheet ``templates/report.css`` inlined.
"""

from __future__ import annotations

from .render import render_html, report_context, results_json, write_report

__all__ = ["write_report", "render_html", "report_context", "results_json"]

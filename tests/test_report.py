"""The HTML report and results.json of `equipoise analyze` (equipoise.report).

Unit level: sections present for each kind of input, skipped sections explained, every
provenance link resolves, the page loads nothing from outside, results.json carries the
version, the scenario hash, the parameters and the seed, and the page and the JSON agree.
The end-to-end check in a real browser is tests/test_report_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest
from shareddata import data_file

from equipoise.analysis import run_analysis
from equipoise.io import load
from equipoise.report import render as render_mod
from equipoise.report import write_report

FIXTURES = Path(__file__).parent / "fixtures"
KTAB = data_file("ktab", "dummyData_3Dim.csv")
DECIDE = data_file("decide", "sample_data.txt")


class Page(HTMLParser):
    """Collects ids, links, tags and attributes of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.tags.append((tag, d))
        if d.get("id"):
            self.ids.append(d["id"])
        if tag == "a" and d.get("href"):
            self.hrefs.append(d["href"])

    handle_startendtag = handle_starttag

    def with_attr(self, name: str, value: str | None = None) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if name in a and (value is None or a[name] == value)]


def _analyse(source: str | Path, draws: int = 100):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return run_analysis(load(str(source)), draws=draws, seed=3)


@pytest.fixture(scope="module")
def builtin(tmp_path_factory):
    analysis = _analyse("nagorno-karabakh-2020", draws=200)
    out = tmp_path_factory.mktemp("report-builtin")
    paths = write_report(analysis, out)
    html = paths["report"].read_text(encoding="utf-8")
    data = json.loads(paths["results"].read_text(encoding="utf-8"))
    return analysis, paths, html, Page(html), data


# -- the built-in scenario --------------------------------------------------------------


def test_writes_both_files_and_no_temporary_files(builtin):
    analysis, paths, html, page, data = builtin
    assert set(paths) == {"report", "results"}
    assert paths["report"].name == "report.html" and paths["results"].name == "results.json"
    assert sorted(p.name for p in paths["report"].parent.iterdir()) == [
        "report.html",
        "results.json",
    ]
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.rstrip().endswith("</html>")


def test_results_json_makes_the_run_reproducible(builtin):
    analysis, paths, html, page, data = builtin
    from equipoise import __version__

    assert data["equipoise_version"] == __version__
    assert data["scenario"]["hash"] == analysis.hash
    assert data["scenario"]["hash"].startswith("sha256:")
    assert data["params"]["seed"] == 3
    assert data["params"]["draws"] == 200
    assert set(data["params"]["models"]) >= {"mean", "median", "eum", "exchange"}
    for key in ("forecasts", "balance", "decision", "variants", "balancer_timeline"):
        assert key in data
    # the header shows the same
    assert analysis.hash in html and __version__ in html
    assert re.search(r"<dt>seed</dt><dd>3</dd>", html)


def test_every_section_and_figure_present(builtin):
    analysis, paths, html, page, data = builtin
    sections = [a["data-section"] for a in page.with_attr("data-section")]
    assert sections == [
        "summary",
        "network",
        "issues",
        "decision",
        "variants",
        "events",
        "method",
        "sources",
    ]
    figures = {a["data-figure"] for a in page.with_attr("data-figure")}
    assert "fig-network" in figures and "fig-ranks" in figures
    for k, issue in enumerate(analysis.scenario.issues, start=1):
        assert f"fig-issue-{k}" in figures
        # eum and exchange iterate on bargained issues; an issue one actor decides has no rounds
        assert (f"fig-issue-{k}-rounds" in figures) == (issue.decided_by is None), issue.id
        assert f'id="issue-{issue.id}"' in html
    assert html.count("<svg") == len(figures)
    assert "fig-error" not in re.sub(r"\.fig-error", "", html)  # no figure failed
    # table of contents links every section
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    for s in sections:
        assert f'href="#{s}"' in toc


def test_summary_and_no_skips(builtin):
    analysis, paths, html, page, data = builtin
    assert page.with_attr("id", "summary-text")
    summary = analysis.summary()
    assert summary[:60].replace("'", "&#39;") in html or summary[:60] in html
    assert 'id="skipped"' not in html  # the built-in scenario supports every section


def test_every_link_inside_the_page_has_a_target(builtin):
    analysis, paths, html, page, data = builtin
    ids = set(page.ids)
    internal = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert internal, "the page should link to its own sections and sources"
    missing = sorted({h for h in internal if h not in ids})
    assert not missing, f"links without a target: {missing[:10]}"
    cites = [h for h in internal if h.startswith("src-")]
    assert len(cites) > 50
    # every source of the scenario has its anchor
    for src in analysis.scenario.sources:
        assert f"src-{src.id}" in ids


def test_ids_are_unique_across_figures(builtin):
    analysis, paths, html, page, data = builtin
    dupes = {i for i in page.ids if page.ids.count(i) > 1}
    assert not dupes, sorted(dupes)[:10]


def test_self_contained_no_external_resources(builtin):
    analysis, paths, html, page, data = builtin
    tags = {t for t, _ in page.tags}
    assert not tags & {
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "image",
        "video",
        "audio",
        "source",
    }
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        for name, value in attrs.items():
            if name in ("href", "xlink:href") and value and tag != "a":
                assert value.startswith("#"), (tag, name, value)
    assert "@import" not in html and "@font-face" not in html
    assert not re.search(r"url\((?!#)", html)


def test_provenance_on_stance_values(builtin):
    analysis, paths, html, page, data = builtin
    s = analysis.scenario
    stance = s.stances[0]
    titled = [a["title"] for a in page.with_attr("title") if a.get("class") == "v"]
    assert any(stance.position.provenance in t for t in titled)
    # every recorded outcome's reasoning is shown
    for issue in s.issues:
        if issue.outcome:
            assert issue.outcome.reasoning.split()[0] in html
    assert html.count('class="reasoning"') == sum(1 for i in s.issues if i.outcome)


def test_json_and_report_agree(builtin):
    analysis, paths, html, page, data = builtin
    from equipoise.display import fmt_num

    # forecasts in the per-issue tables
    for issue in analysis.scenario.issues:
        table = html[html.index(f'id="issue-{issue.id}-forecasts"') :]
        table = table[: table.index("</table>")]
        for model, fc in data["forecasts"].items():
            value = fc["issues"][issue.id]["outcome"]
            row = re.search(
                rf'data-model="{model}"><th scope="row">{model}</th>'
                r'<td class="n">([^<]+)</td>',
                table,
            )
            assert row is not None, (issue.id, model)
            assert row.group(1) == fmt_num(value, 2)
    # mean absolute errors
    for err in data["mean_absolute_errors"].values():
        assert f"{err:.1f}".rstrip("0").rstrip(".") in html
    # frustration index
    fi = fmt_num(data["balance"]["frustration_index"], 3)
    assert f"frustration index of <b>{fi}</b>" in html
    # robust option and the best option per doctrine
    robust = data["decision"]["robust_option"]
    name = data["decision"]["options"][robust]
    row = html[html.index(f'data-option="{robust}"') :]
    assert 'class="badge">robust' in row[: row.index("</tr>")]
    for doctrine, d in data["decision"]["by_doctrine"].items():
        best_row = html[html.index(f'data-option="{d["best"]}"') :]
        best_row = best_row[: best_row.index("</tr>")]
        assert f'data-best="{doctrine}"' in best_row
        assert "★" in best_row
    assert name.replace("'", "&#39;") in html


def test_events_after_as_of_are_marked(builtin):
    analysis, paths, html, page, data = builtin
    s = analysis.scenario
    after = [e for e in s.events if e.date > s.as_of]
    assert after
    assert len(page.with_attr("data-after", "true")) == len(after)
    assert len(page.with_attr("data-after", "false")) == len(s.events) - len(after)


def test_what_the_balancer_did_comes_from_the_scenario(builtin):
    analysis, paths, html, page, data = builtin
    s = analysis.scenario
    section = html[html.index('id="actual-vs-ranked"') :]
    section = section[: section.index("</section>")]
    if s.actual_choice is not None:
        assert s.actual_choice.description[:40] in section
    # the events on and after as_of that involve the balancer are listed
    for e in s.events:
        if e.date >= s.as_of and s.balancer in e.actors:
            assert e.description[:30].replace("'", "&#39;") in section


def test_balancer_triads_and_timeline(builtin):
    analysis, paths, html, page, data = builtin
    items = re.findall(r"<li>", html[html.index('id="balancer-triad-list"') :].split("</ul>")[0])
    assert len(items) == data["balance"]["actors"]["RUS"]["unbalanced_triads"]
    timeline = html[html.index('id="timeline-table"') :].split("</table>")[0]
    for entry in data["balancer_timeline"]:
        assert entry["date"] in timeline
    assert "+ new" in timeline
    if any(e.get("disappeared") for e in data["balancer_timeline"]):
        assert "✓ resolved" in timeline


def test_network_section_layers_robust_camps_and_checkpoints(builtin):
    analysis, paths, html, page, data = builtin
    b = data["balance"]
    section = html[html.index('id="network"') : html.index('id="issues"')]
    from equipoise.network.kinds import COMBINATION_RULE

    assert COMBINATION_RULE in section  # the same words as --help
    layers = section[section.index('id="layers-table"') :].split("</table>")[0]
    for name in b["layers"]:
        assert f'<th scope="row">{name}</th>' in layers
    robust = section[section.index('id="robust-camps"') :].split("</div>")[0]
    assert ("only optimal one" in robust) == (b["unique"] is True)
    for actor in b["unplaced"]:
        assert analysis.scenario.actor(actor).name in robust
    # one small multiple per checkpoint, titled with its date
    multiples = section[section.index('id="network-checkpoints"') :]
    for entry in data["balancer_timeline"]:
        assert f"Relations network: {entry['date']}" in multiples


def test_network_figure_geometry_and_legend():
    import numpy as np

    from equipoise.report.figures import _route, camp_layout, network_figure

    nodes = ["A", "B", "C", "D", "E"]
    edges = [("A", "B", 1, 1.0), ("A", "C", 1, 1.0), ("B", "C", 1, 1.0), ("D", "A", -1, 1.0)]
    pos = camp_layout(nodes, edges, [["A", "B", "C"], ["D"]], unplaced=["E"])
    assert max(pos[x][0] for x in "ABC") < pos["D"][0]  # camp A left of camp B
    assert pos["E"][1] < min(pos[x][1] for x in "ABCD")  # unplaced below
    # a straight tie through a third node is bent around it
    path = _route((0.0, 0.0), (2.0, 0.0), [(1.0, 0.0)], 0.2)
    assert np.hypot(path[:, 0] - 1.0, path[:, 1]).min() >= 0.2
    assert np.allclose(_route((0.0, 0.0), (2.0, 0.0), [(1.0, 1.0)], 0.2)[:, 1], 0.0)
    svg = network_figure(
        nodes,
        edges,
        [["A", "B", "C"], ["D"]],
        [],
        unplaced=["E"],
        not_fixed=["C"],
        cancelled=[["B", "D"]],
    )
    assert "(1 actor)" in svg and "(3 actors)" in svg and "1 actors" not in svg
    assert "camp not fixed" in svg and "=0" in svg


def test_print_rules_and_figure_breaks(builtin):
    analysis, paths, html, page, data = builtin
    assert "@media print" in html
    assert re.search(r"figure[^{]*\{[^}]*break-inside:\s*avoid", html)


# -- other inputs: the sections that apply, the skipped ones explained ------------------

CASES = {
    "ktab": (KTAB, {"summary", "issues", "method", "sources"}, {"network", "decision"}),
    "decide": (DECIDE, {"summary", "issues", "method", "sources"}, {"network", "decision"}),
    "no_relations": (
        FIXTURES / "no_relations.yaml",
        {"summary", "issues", "decision", "variants", "method", "sources"},
        {"network"},
    ),
    "no_options": (
        FIXTURES / "no_options.yaml",
        {"summary", "network", "issues", "method", "sources"},
        {"decision"},
    ),
    "minimal": (
        FIXTURES / "minimal.yaml",
        {"summary", "network", "issues", "events", "method", "sources"},
        {"decision"},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_other_inputs_report_what_applies(case, tmp_path):
    source, present, skipped = CASES[case]
    analysis = _analyse(source, draws=60)
    paths = write_report(analysis, tmp_path)
    html = paths["report"].read_text(encoding="utf-8")
    page = Page(html)
    sections = {a["data-section"] for a in page.with_attr("data-section")}
    assert sections == present
    assert "Traceback" not in html
    # every skipped section is named with its reason
    skips = {a["data-skip"] for a in page.with_attr("data-skip")}
    assert skipped <= skips
    for name, why in analysis.skipped.items():
        assert name in skips
        assert why.replace("'", "&#39;") in html
    # links resolve, figures drawn, JSON valid
    ids = set(page.ids)
    assert all(h[1:] in ids for h in page.hrefs if h.startswith("#"))
    assert "fig-error" not in re.sub(r"\.fig-error", "", html)
    assert html.count("<svg") == len(page.with_attr("data-figure"))
    data = json.loads(paths["results"].read_text(encoding="utf-8"))
    assert data["skipped"] == analysis.skipped
    assert data["scenario"]["hash"] == analysis.hash


def test_scenario_text_is_escaped(tmp_path):
    scenario = load(str(FIXTURES / "minimal.yaml"))
    scenario = scenario.model_copy(update={"title": "<script>alert('x')</script> & co"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        analysis = run_analysis(scenario, draws=10)
    html = write_report(analysis, tmp_path)["report"].read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; co" in html


# -- atomic writing --------------------------------------------------------------------


def test_failure_leaves_previous_files_untouched(tmp_path, monkeypatch):
    analysis = _analyse(FIXTURES / "minimal.yaml", draws=10)
    (tmp_path / "report.html").write_text("old report")
    (tmp_path / "results.json").write_text("{}")

    def broken(*args, **kwargs):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(render_mod, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_report(analysis, tmp_path)
    assert (tmp_path / "report.html").read_text() == "old report"
    assert (tmp_path / "results.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "results.json"]


def test_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    analysis = _analyse(FIXTURES / "minimal.yaml", draws=10)
    calls = []
    real = os.replace

    def flaky(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(render_mod.os, "replace", flaky)
    with pytest.raises(OSError):
        write_report(analysis, tmp_path)
    monkeypatch.setattr(render_mod.os, "replace", real)
    assert calls
    assert list(tmp_path.iterdir()) == []


def test_written_files_are_readable_by_others(tmp_path):
    analysis = _analyse(FIXTURES / "minimal.yaml", draws=10)
    paths = write_report(analysis, tmp_path / "new" / "dir")
    mode = paths["report"].stat().st_mode & 0o777
    assert mode & 0o044 == 0o044 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_header_says_how_far_the_models_ran(builtin):
    analysis, paths, html, page, data = builtin
    # the default cap stops at convergence: the header says so rather than printing None
    assert "<dt>rounds</dt><dd>until converged (at most 50)</dd>" in html
    assert ">None<" not in html
    summary = analysis.summary()
    assert "1 unbalanced triads" not in summary

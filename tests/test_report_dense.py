"""The report of a scenario with many actors (issue 12 item 6): above DENSE_ACTORS actors
the issue and network figures draw every actor and tie but label only the heaviest, the
caption says so, and the long tables are collapsed; below it the figures are unchanged."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pytest

from equipoise.analysis import run_analysis
from equipoise.report.dense_figures import DENSE_ACTORS, LABELLED
from equipoise.report.figures import issue_figure, network_figure
from equipoise.report.render import render_html
from equipoise.scenario import Scenario

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def _issue() -> SimpleNamespace:
    scale = SimpleNamespace(min=0.0, max=100.0, min_label="none", max_label="all", points=[])
    return SimpleNamespace(id="i", name="Issue", scale=scale)


def _group(svg: str, gid: str) -> ET.Element:
    """The ``<g>`` of the figure whose id ends with ``gid``."""
    root = ET.fromstring(svg)
    found = [g for g in root.iter(f"{SVG}g") if g.get("id", "").endswith("-" + gid)]
    assert len(found) == 1, gid
    return found[0]


def _marks(group: ET.Element) -> list[tuple[float, float]]:
    """Positions of a scatter's marks (one ``<use>`` each)."""
    return [(float(u.get("x")), float(u.get("y"))) for u in group.iter(f"{SVG}use")]


def _count_marks(group: ET.Element) -> int:
    """Marks of a scatter: a ``<use>`` each, or a ``<path>`` each when matplotlib does not
    share one marker definition (markers of different sizes)."""
    uses = len(list(group.iter(f"{SVG}use")))
    defs = sum(len(list(d.iter(f"{SVG}path"))) for d in group.iter(f"{SVG}defs"))
    return uses or len(list(group.iter(f"{SVG}path"))) - defs


def _texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_many_actor_issue_figure_draws_all_and_labels_the_heaviest() -> None:
    n = 60
    rng = np.random.default_rng(1)
    weights = rng.permutation(np.arange(1, n + 1)).astype(float)  # distinct: one top 8
    actors = [(f"X{k}", float(rng.uniform(0, 100)), weights[k]) for k in range(n)]
    svg = issue_figure(_issue(), actors, {"mean": 40.0, "eum": 55.0}, 50.0)
    grey, labelled = _marks(_group(svg, "actors-grey")), _marks(_group(svg, "actors-labelled"))
    assert (len(grey), len(labelled)) == (n - LABELLED, LABELLED)
    heaviest = {a[0] for a in sorted(actors, key=lambda a: -a[2])[:LABELLED]}
    assert {t for t in _texts(svg) if re.fullmatch(r"X\d+", t)} == heaviest
    # weight is drawn upwards: every labelled mark above every grey one (SVG y grows down)
    assert max(y for _, y in labelled) < min(y for _, y in grey)
    assert f"The {LABELLED} actors of greatest weight" in svg
    assert f"the {n - LABELLED} others are drawn in grey" in svg
    assert "mean forecast 40.0" in _texts(svg) and "actual outcome 50" in _texts(svg)


def test_issue_figure_up_to_the_threshold_labels_every_actor() -> None:
    actors = [(f"X{k}", float(k), 1.0 + k) for k in range(DENSE_ACTORS)]
    svg = issue_figure(_issue(), actors, {"mean": 40.0})
    assert {t for t in _texts(svg) if re.fullmatch(r"X\d+", t)} == {a[0] for a in actors}
    assert "actors-grey" not in svg and "greatest weight" not in svg


def test_many_actor_network_draws_every_tie_and_labels_balancer_and_heaviest() -> None:
    n = 60
    nodes = [f"N{k}" for k in range(n)]
    left, right = nodes[: n // 2], nodes[n // 2 :]
    edges = []
    for k in range(n - 1):  # a chain: inside a camp positive, across negative
        u, v = nodes[k], nodes[k + 1]
        edges.append((u, v, 1 if (u in left) == (v in left) else -1, 1.0))
    edges.append(("N0", "N40", 1, 1.0))  # positive across the camps: frustrated
    edges += [("N7", x, 1, 3.0) for x in left[10:20]]  # N7: the largest tie weight
    svg = network_figure(
        nodes, edges, [left, right], [["N0", "N40"]], balancer="N3", not_fixed=["N5"]
    )
    ties = {
        gid: len(list(_group(svg, gid).iter(f"{SVG}path")))
        for gid in ("ties-positive", "ties-negative", "ties-positive-frustrated")
    }
    positive = sum(1 for e in edges if e[2] > 0)
    assert ties == {
        "ties-positive": positive - 1,
        "ties-negative": len(edges) - positive,
        "ties-positive-frustrated": 1,
    }
    drawn = len(_marks(_group(svg, "nodes-camp-a"))) + len(_marks(_group(svg, "nodes-camp-b")))
    assert drawn == n - 1  # the balancer on its own, larger
    labels = {t for t in _texts(svg) if re.fullmatch(r"N\d+", t)}
    assert len(labels) == LABELLED + 1 and {"N3", "N7"} <= labels
    assert f"the balancer and the {LABELLED} actors with the largest total tie weight" in svg


def _many(n: int) -> Scenario:
    rng = np.random.default_rng(0)
    prov = {"assumption": "test input"}
    actors = [f"A{k}" for k in range(n)]
    return Scenario.model_validate(
        {
            "id": "many",
            "title": "many actors",
            "balancer": "A0",
            "as_of": "2021-01-01",
            "checkpoints": [{"date": "2020-06-01", "label": "mid-year"}],
            "actors": [
                {"id": a, "name": a, "capability": float(rng.uniform(1, 100)), **prov}
                for a in actors
            ],
            "issues": [
                {"id": "i", "name": "Issue", "scale": {"min_label": "lo", "max_label": "hi"}}
            ],
            "stances": [
                {
                    "actor": a,
                    "issue": "i",
                    "position": float(rng.uniform(0, 100)),
                    "salience": float(rng.uniform(0.1, 1)),
                    **prov,
                }
                for a in actors
            ],
            "relations": [
                {"from": actors[k], "to": actors[k + 1], "kind": ("alliance", "rivalry")[k % 2]}
                | prov
                for k in range(n - 1)
            ],
        }
    )


@pytest.fixture(scope="module")
def many_page() -> str:
    return render_html(run_analysis(_many(DENSE_ACTORS + 5), models=["mean"], draws=0))


def test_many_actor_report_captions_and_collapsed_tables(many_page: str) -> None:
    n = DENSE_ACTORS + 5
    page = html.unescape(many_page)
    assert "could not be drawn" not in page
    issue = page[page.index('<figure id="fig-issue-1"') :]
    caption = issue[issue.index("<figcaption>") : issue.index("</figcaption>")]
    assert f"The {LABELLED} actors of greatest weight" in caption
    assert f"the {n - LABELLED} others are drawn in grey" in caption
    for key in ("fig-network", "fig-network-0"):  # the network and its small multiple
        network = page[page.index(f'<figure id="{key}"') :]
        caption = network[network.index("<figcaption>") : network.index("</figcaption>")]
        assert f"the balancer and the {LABELLED} actors with the largest total tie weight" in (
            caption
        )
    # the heaviest stances shown, every stance behind a <details>
    top = page[page.index('id="issue-i-heaviest"') :]
    assert top[: top.index("</table>")].count('<th scope="row">') == LABELLED
    full = page[page.index("All 45 stances, by position") :]
    assert page.rindex("<details", 0, page.index('id="issue-i-stances"')) > page.rindex(
        "</details>", 0, page.index('id="issue-i-stances"')
    )
    assert full[: full.index("</table>")].count('<th scope="row">') == n
    assert 'data-rows="45"' in page and "All 45 actors" in page


def test_small_report_keeps_row_figures_and_open_tables() -> None:
    page = render_html(run_analysis(_many(12), models=["mean"], draws=0))
    assert "long-list" not in page and "greatest weight" not in page
    issue = page[page.index('<figure id="fig-issue-1"') :]
    issue = issue[: issue.index("</figure>")]
    assert {t for t in _texts(issue) if re.fullmatch(r"A\d+", t)} == {f"A{k}" for k in range(12)}


def test_many_actor_space_figure_labels_the_heaviest() -> None:
    from equipoise.report.space_figures import space_figure

    n = 50
    rng = np.random.default_rng(2)
    weights = rng.permutation(np.arange(1, n + 1)).astype(float)
    actors = [(f"X{k}", *map(float, rng.uniform(0, 100, 2)), weights[k]) for k in range(n)]
    path = np.array([[50.0, 50.0], [45.0, 52.0]])
    svg = space_figure([_issue(), _issue()], actors, {"eum": (45.0, 52.0)}, {"eum": path})
    grey, labelled = (_count_marks(_group(svg, g)) for g in ("actors-grey", "actors-labelled"))
    assert (grey, labelled) == (n - LABELLED, LABELLED)
    heaviest = {a[0] for a in sorted(actors, key=lambda a: -a[3])[:LABELLED]}
    assert {t for t in _texts(svg) if re.fullmatch(r"X\d+", t)} == heaviest
    assert f"the {n - LABELLED} others are drawn in grey" in svg

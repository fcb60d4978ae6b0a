"""The built-in scenario ``nagorno-karabakh-2020``: it validates, every number has provenance,
quotes are verbatim, and the content the foundation and decision issues require is present."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from shareddata import SHARED as _SHARED

from equipoise.io.scenario_file import read_scenario
from equipoise.scenario import Citation, Scenario, Sourced
from equipoise.scenarios import builtin_names, builtin_path

NAME = "nagorno-karabakh-2020"

SEED = _SHARED / "seed" / "000_b648253928af2a5c.txt"
CASE_FACTS = Path(__file__).resolve().parents[1] / "docs" / "case-facts.md"  # in the repo

STATES = ["RUS", "ARM", "AZE", "TUR", "IRN", "USA", "FRA"]
ISSUES = ["territory", "russia-military-role", "turkey-role", "mediation-format"]
DECLARED = {"cost", "risk", "presence", "patron", "turkish-foothold"}
CRITERIA = {
    "outcome",
    "relations",
    "satisfaction:ARM",
    "satisfaction:AZE",
    "satisfaction:TUR",
    *DECLARED,
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    path = builtin_path(NAME)
    assert path is not None, f"built-in scenario {NAME} is missing"
    return read_scenario(path)


def _norm(text: str) -> str:
    """Straighten curly quotes and collapse whitespace, for verbatim-quote comparisons."""
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def _citations(obj: Any, path: str = "") -> Iterator[tuple[str, Citation]]:
    """Every citation anywhere in the model, with its path."""
    if isinstance(obj, Citation):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _citations(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, (list, tuple)):
        for k, item in enumerate(obj):
            yield from _citations(item, f"{path}[{k}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _citations(item, f"{path}.{key}")


def _between(s: Scenario, a: str, b: str, kind: str, on: dt.date | None = None) -> list[Any]:
    """Relations of ``kind`` between ``a`` and ``b`` (either direction) active on ``on``."""
    return [
        r for r in s.relations if r.kind == kind and {r.from_, r.to} == {a, b} and r.active_on(on)
    ]


# -- validity and provenance --------------------------------------------------------------------


def test_listed_and_valid(scenario: Scenario) -> None:
    assert NAME in builtin_names()
    assert scenario.id == NAME
    assert scenario.as_of == dt.date(2020, 11, 9)
    assert scenario.balancer == "RUS"


def test_every_number_has_provenance(scenario: Scenario) -> None:
    missing: list[str] = []

    def need(what: str, value: Sourced | None) -> None:
        if value is not None and not value.has_provenance():
            missing.append(what)

    for a in scenario.actors:
        need(f"actor {a.id} capability", a.capability)
        if a.capability is not None:
            assert a.capability_basis, f"actor {a.id} has a capability without a basis"
    for s in scenario.stances:
        for field in ("position", "salience", "capability"):
            need(f"stance {s.actor}/{s.issue} {field}", getattr(s, field))
    for r in scenario.relations:
        need(f"relation {r.from_}-{r.to} {r.kind} weight", r.weight)
        if not r.has_provenance():
            missing.append(f"relation {r.from_}-{r.to} {r.kind}")
    for i in scenario.issues:
        if i.outcome is not None and not i.outcome.has_provenance():
            missing.append(f"issue {i.id} outcome")
    for c in scenario.criteria:
        if not c.has_provenance():
            missing.append(f"criterion {c.id}")
    for o in scenario.options:
        if not o.has_provenance():
            missing.append(f"option {o.id}")
        for key, value in {**o.costs, **o.criteria}.items():
            need(f"option {o.id} criterion {key}", value)
        for k, c in enumerate(o.consequences):
            if not c.has_provenance():
                missing.append(f"option {o.id} consequence {k}")
    for p in scenario.packages:
        if not p.has_provenance():
            missing.append(f"package {p.package_id}")
        for key, value in p.criteria.items():
            need(f"package {p.package_id} criterion {key}", value)
    for x in scenario.expectations:
        if not x.has_provenance():
            missing.append(f"expectation {x.id}")
    for v in scenario.variants:
        if not v.has_provenance():
            missing.append(f"variant {v.id}")
        for k, c in enumerate(v.consequences):
            if not c.has_provenance():
                missing.append(f"variant {v.id} consequence {k}")
    for d in scenario.doctrines:
        if not d.has_provenance():
            missing.append(f"doctrine {d.id}")
    for e in scenario.events:
        if not e.has_provenance():
            missing.append(f"event {e.date} {e.kind}")
    for rl in scenario.red_lines:
        if not rl.has_provenance():
            missing.append(f"red line {rl.id}")
    assert not missing, "numbers or records without source or assumption: " + "; ".join(missing)


def test_cited_sources_exist(scenario: Scenario) -> None:
    ids = {src.id for src in scenario.sources}
    assert "aliyev2020" in ids
    unknown = {c.ref for _, c in _citations(scenario)} - ids
    assert not unknown


@pytest.mark.skipif(
    not SEED.is_file(),
    reason=f"seed article not present at {SEED}; "
    "set EQUIPOISE_SHARED to the shared folder to check quotes",
)
def test_article_quotes_are_verbatim(scenario: Scenario) -> None:
    seed = _norm(SEED.read_text(encoding="utf-8"))
    bad = [
        f"{path}: {c.quote!r}"
        for path, c in _citations(scenario)
        if c.ref == "aliyev2020" and _norm(c.quote) not in seed
    ]
    assert not bad, "quotes not found verbatim in the seed article:\n" + "\n".join(bad)


def test_case_fact_quotes_are_verbatim(scenario: Scenario) -> None:
    """News sources are quoted with the wording of their case-facts row."""
    facts = _norm(CASE_FACTS.read_text(encoding="utf-8"))
    bad = [
        f"{path}: {c.quote!r}"
        for path, c in _citations(scenario)
        if c.ref != "aliyev2020" and _norm(c.quote) not in facts
    ]
    assert not bad, "quotes not found verbatim in case-facts.md:\n" + "\n".join(bad)


# -- content ------------------------------------------------------------------------------------


def test_required_actors(scenario: Scenario) -> None:
    kinds = {a.id: a.kind for a in scenario.actors}
    for a in STATES:
        assert kinds.get(a) == "state", a
        assert scenario.actor(a).capability is not None, a
    assert kinds.get("NKR") == "sub-state"
    assert scenario.actor("NKR").capability is not None
    for org in ("EU", "CSTO", "NATO", "OSCE-MG"):
        assert kinds.get(org) == "organisation", org
    bases = {a.capability_basis for a in scenario.actors if a.capability is not None}
    assert len(bases) == 1, "capabilities must share one basis"


def test_issues_have_scales_and_outcomes(scenario: Scenario) -> None:
    for issue_id in ISSUES:
        issue = scenario.issue(issue_id)
        assert issue.scale.points, issue_id
        assert issue.outcome is not None, issue_id
        assert issue.outcome.reasoning.strip()
        assert issue.scale.min <= issue.outcome.value <= issue.scale.max


def test_every_state_and_nkr_has_a_stance_on_every_issue(scenario: Scenario) -> None:
    missing = [(a, i) for a in STATES + ["NKR"] for i in ISSUES if scenario.stance(a, i) is None]
    assert not missing


def test_required_relations(scenario: Scenario) -> None:
    eve = scenario.as_of
    s = scenario
    assert _between(s, "RUS", "ARM", "security-guarantee", eve)
    assert _between(s, "RUS", "ARM", "security-guarantee", dt.date(2000, 1, 1))
    assert _between(s, "RUS", "ARM", "alliance", eve)
    assert _between(s, "RUS", "ARM", "military-base", eve)
    assert _between(s, "ARM", "CSTO", "membership", eve)
    assert _between(s, "RUS", "CSTO", "membership", eve)
    assert _between(s, "RUS", "AZE", "strategic-partnership", eve)
    assert _between(s, "RUS", "ARM", "arms-supply", eve)
    assert _between(s, "RUS", "AZE", "arms-supply", eve)
    assert _between(s, "RUS", "ARM", "mediation", eve)
    assert _between(s, "RUS", "AZE", "mediation", eve)
    for co_chair in ("RUS", "USA", "FRA"):
        assert _between(s, co_chair, "OSCE-MG", "co-chair", eve), co_chair
    for member in ("TUR", "USA", "FRA"):
        assert _between(s, member, "NATO", "membership", eve), member
    assert _between(s, "TUR", "AZE", "support", eve)
    assert _between(s, "RUS", "TUR", "strained", eve)
    assert _between(s, "ARM", "NKR", "support", eve)
    assert _between(s, "NKR", "AZE", "war", eve)


def test_war_dates(scenario: Scenario) -> None:
    s = scenario
    assert _between(s, "ARM", "AZE", "war", dt.date(2020, 10, 1))
    assert _between(s, "ARM", "AZE", "war", s.as_of)
    assert not _between(s, "ARM", "AZE", "war", dt.date(2020, 12, 1))
    assert not _between(s, "ARM", "AZE", "war", dt.date(2020, 9, 1))
    assert _between(s, "ARM", "AZE", "rivalry", dt.date(2020, 9, 1))
    assert not _between(s, "NKR", "AZE", "war", dt.date(2020, 12, 1))
    for r in s.relations:
        if r.kind == "war":
            assert r.sign == -1


def test_required_events(scenario: Scenario) -> None:
    dates = {e.date for e in scenario.events}
    required = [
        dt.date(2020, 9, 27),  # war begins
        dt.date(2020, 10, 7),
        dt.date(2020, 10, 8),  # Kremlin, CSTO: not Karabakh
        dt.date(2020, 10, 10),
        dt.date(2020, 10, 18),
        dt.date(2020, 10, 26),  # ceasefires
        dt.date(2020, 11, 9),  # helicopter, trilateral statement
        dt.date(2020, 11, 11),  # Russian-Turkish memorandum
        dt.date(2020, 11, 20),
        dt.date(2020, 11, 25),
        dt.date(2020, 12, 1),  # handovers
        dt.date(2021, 1, 30),  # monitoring centre opens
    ]
    assert not [d for d in required if d not in dates]
    years_months = {(e.date.year, e.date.month) for e in scenario.events}
    assert (1994, 5) in years_months and (2016, 4) in years_months and (2020, 7) in years_months
    ceasefires = [
        e
        for e in scenario.events
        if e.kind == "ceasefire" and dt.date(2020, 10, 1) <= e.date <= dt.date(2020, 10, 31)
    ]
    assert len(ceasefires) == 3
    kinds = {e.kind for e in scenario.events}
    assert {"appeal", "handover", "agreement"} <= kinds


def test_red_line(scenario: Scenario) -> None:
    lines = [rl for rl in scenario.red_lines if rl.actor == "RUS" and rl.protects == "ARM"]
    assert len(lines) == 1
    rl = lines[0]
    assert rl.variant == "fighting-on-armenian-territory"
    assert rl.excludes and "Karabakh" in rl.excludes
    assert rl.source is not None and rl.source.ref == "aliyev2020"


def test_options_variants_doctrines(scenario: Scenario) -> None:
    options = {o.id: o for o in scenario.options}
    for required in (
        "stay-out",
        "mediate",
        "arm-armenia",
        "deploy-peacekeepers",
        "intervene-for-armenia",
        "pressure-azerbaijan",
    ):
        assert required in options, required
        assert options[required].changes, required
    scales = {c.id: c.scale for c in scenario.criteria}
    assert set(scales) == DECLARED
    for option in options.values():  # every option, the status quo included, declares all
        assert set(option.criteria) == DECLARED, option.id
        for key, value in option.criteria.items():
            assert scales[key].min <= value.value <= scales[key].max, (option.id, key)
    intervene = options["intervene-for-armenia"].changes
    assert any(
        c.target == "relation"
        and {c.actor, c.other} == {"RUS", "AZE"}
        and c.action == "set-sign"
        and c.sign == -1
        for c in intervene
    )
    variants = {v.id for v in scenario.variants}
    assert {"fighting-on-armenian-territory", "turkish-peacekeepers"} <= variants
    doctrines = {d.id: d for d in scenario.doctrines}
    experts = {"trenin", "kortunov", "baumov", "karaganov", "lukyanov", "frolov"}
    assert experts <= set(doctrines)
    assert "alliance-obligation" not in doctrines  # Armenia's voice, not one of Moscow's
    for d in doctrines.values():
        assert d.source is not None and d.source.ref == "aliyev2020", d.id
        for weights in (d.weights, *d.weights_by_variant.values()):
            assert set(weights) <= CRITERIA, d.id
            for w in weights.values():
                lo, hi = (w, w) if isinstance(w, (int, float)) else w
                assert 0 <= lo <= hi, d.id
            assert sum(w if isinstance(w, (int, float)) else w[1] for w in weights.values()) > 0


def test_decision_format(scenario: Scenario) -> None:
    """Issue 9: a declared status quo, the military role decided by Russia, the package the
    article describes, Armenia's expectation, Karaganov's conditional view, a neutral
    peacekeeping tie and the threshold 'Armenia must not be completely defeated'."""
    options = {o.id: o for o in scenario.options}
    status_quo = options[scenario.status_quo]
    assert not status_quo.changes  # the scenario already describes 9 November 2020
    assert status_quo.criteria["risk"].value > 0  # judged, not free
    assert scenario.issue("russia-military-role").decided_by == "RUS"
    assert all(i.decided_by is None for i in scenario.issues if i.id != "russia-military-role")
    packages = {p.package_id: p for p in scenario.packages}
    assert packages["mediate+deploy-peacekeepers"].options == ["mediate", "deploy-peacekeepers"]
    freeze = [c for c in options["deploy-peacekeepers"].consequences if c.issue == "territory"]
    assert any(c.max is not None and c.max < 100 for c in freeze)
    expectations = {x.id: x for x in scenario.expectations}
    assert expectations["alliance-obligation"].actor == "ARM"
    karaganov = next(d for d in scenario.doctrines if d.id == "karaganov")
    red_line = karaganov.weights_by_variant["fighting-on-armenian-territory"]

    def mid(w: float | tuple[float, float]) -> float:
        return w if isinstance(w, (int, float)) else (w[0] + w[1]) / 2

    assert mid(red_line["satisfaction:ARM"]) > mid(karaganov.weights["satisfaction:ARM"])
    assert mid(red_line["cost"]) < mid(karaganov.weights["cost"])
    peacekeeping = _between(scenario, "RUS", "NKR", "peacekeeping", dt.date(2020, 12, 1))
    assert peacekeeping and all(r.sign == 0 for r in peacekeeping)
    # in the red-line world, options without a military act of their own carry Russia's
    # commitment; their declared values must describe that (every criterion re-declared)
    red = next(v for v in scenario.variants if v.id == "fighting-on-armenian-territory")
    carriers = [
        o.id
        for o in scenario.options
        if not any(
            c.target == "stance"
            and c.actor == "RUS"
            and c.issue == "russia-military-role"
            and c.position is not None
            for c in o.changes
        )
    ]
    assert carriers and set(red.costs) == set(carriers)
    assert all(set(values) == DECLARED for values in red.costs.values())
    rus = scenario.stance("RUS", "territory")
    assert rus is not None and rus.value_function is not None
    values = dict(rus.value_function)
    assert values[100] == 0.0 and values[rus.position.value] == 1.0


def test_actual_choice_is_recorded_and_refers_to_options():
    from equipoise.io import load

    s = load("nagorno-karabakh-2020")
    assert s.actual_choice is not None
    option_ids = {o.id for o in s.options}
    assert set(s.actual_choice.options) <= option_ids
    assert "deploy-peacekeepers" in s.actual_choice.options
    assert "intervene-for-armenia" not in s.actual_choice.options
    assert s.actual_choice.has_provenance()

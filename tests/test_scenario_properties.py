"""Property tests of the loaders: random valid scenarios round-trip through YAML and JSON;
random corruptions are refused with located messages, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from equipoise.cli import app
from equipoise.errors import InputError
from equipoise.io import load
from equipoise.io.scenario_file import dump_scenario
from equipoise.scenario import DEFAULT_SIGN, Scenario

ids = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,8}", fullmatch=True)
texts = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_categories=["Cs"]),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    actor_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    issue_ids = draw(st.lists(ids, min_size=0, max_size=4, unique=True))
    prov = {"assumption": "generated"}
    actors = [
        {
            "id": a,
            "name": draw(texts),
            "kind": draw(st.sampled_from(["state", "organisation", "sub-state", "other"])),
            "capability": {"value": draw(st.floats(0, 1e4)), **prov},
        }
        for a in actor_ids
    ]
    issues, stances = [], []
    for i in issue_ids:
        lo = draw(st.floats(-100, 100))
        hi = lo + draw(st.floats(0.5, 200))
        issues.append(
            {
                "id": i,
                "name": draw(texts),
                "scale": {"min": lo, "max": hi, "min_label": "low", "max_label": "high"},
            }
        )
        for a in actor_ids:
            if draw(st.booleans()):
                stances.append(
                    {
                        "actor": a,
                        "issue": i,
                        "position": {"value": draw(st.floats(lo, hi)), **prov},
                        "salience": {"value": draw(st.floats(0, 1)), **prov},
                    }
                )
    relations = []
    if len(actor_ids) >= 2:
        for _ in range(draw(st.integers(0, 6))):
            a, b = draw(st.lists(st.sampled_from(actor_ids), min_size=2, max_size=2, unique=True))
            relations.append(
                {
                    "from": a,
                    "to": b,
                    "kind": draw(st.sampled_from(sorted(DEFAULT_SIGN))),
                    "weight": {"value": draw(st.floats(0.01, 10)), **prov},
                    "since": draw(dates).isoformat(),
                    **prov,
                }
            )
    events = [
        {
            "date": draw(dates).isoformat(),
            "kind": "event",
            "actors": [actor_ids[0]],
            "description": draw(texts),
            **prov,
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "id": draw(ids),
        "title": draw(texts),
        "actors": actors,
        "issues": issues,
        "stances": stances,
        "relations": relations,
        "events": events,
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=scenarios())
def test_random_valid_scenarios_round_trip(tmp_path: Path, data: dict) -> None:
    scenario = Scenario.model_validate(data)
    for suffix, fmt in ((".yaml", "yaml"), (".json", "json")):
        path = tmp_path / f"s{suffix}"
        path.write_text(dump_scenario(scenario, fmt), encoding="utf-8")
        assert load(path) == scenario


CORRUPTIONS = st.sampled_from(
    ["delete_line", "swap_char", "junk_line", "truncate", "bad_number", "duplicate_line", "indent"]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=scenarios(),
    how=CORRUPTIONS,
    where=st.floats(0, 1),
    junk=st.sampled_from(["nan", "-5", "abc", "[", "{", "*x", "&a", ": :", "\t", "1e999"]),
)
def test_random_corruptions_are_refused_cleanly(
    tmp_path: Path, data: dict, how: str, where: float, junk: str
) -> None:
    text = dump_scenario(Scenario.model_validate(data), "yaml")
    lines = text.splitlines()
    k = min(int(where * len(lines)), len(lines) - 1)
    if how == "delete_line":
        del lines[k]
    elif how == "swap_char":
        line = lines[k]
        pos = min(int(where * len(line)), max(len(line) - 1, 0))
        lines[k] = line[:pos] + junk + line[pos + 1 :]
    elif how == "junk_line":
        lines.insert(k, junk)
    elif how == "truncate":
        lines = lines[:k]
    elif how == "bad_number":
        lines[k] = lines[k].split(":")[0] + ": " + junk if ":" in lines[k] else junk
    elif how == "duplicate_line":
        lines.insert(k, lines[k])
    elif how == "indent":
        lines[k] = "   " + lines[k]
    path = tmp_path / "corrupt.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load(path, format="scenario")
    except InputError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.path == str(path)
            assert p.message
            assert p.line is None or 1 <= p.line <= len(lines) + 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=scenarios(), cut=st.floats(0.05, 0.95))
def test_cli_never_shows_a_traceback(tmp_path: Path, data: dict, cut: float) -> None:
    text = dump_scenario(Scenario.model_validate(data), "json")
    path = tmp_path / "cut.json"
    path.write_text(text[: int(len(text) * cut)], encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(str(path) + ":")

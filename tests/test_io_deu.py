"""DEU-style tables: the DEU III development file, round trips and bad input."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from fuzzing import corrupt_and_read
from hypothesis import given, settings
from hypothesis import strategies as hst
from shareddata import data_file

from equipoise.errors import InputError
from equipoise.io import load, save
from equipoise.io.deu import RP_LABEL, SOURCE_ID, dump_deu, read_deu, read_deu_table
from equipoise.scenario import Scenario

DEU = data_file("deu3", "deu3-dev.tsv")

STATES = "at be bu cr cy cz dk ee fi fr de el hu ie it lv lt lu mt nl pl pt ro si sk es se uk"
NO_OUTCOME = ["d05127i1", "d05214i2", "d05214i4", "d160397i2"]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return read_deu(str(DEU), DEU.read_text(encoding="utf-8"))


def mean_mae(s: Scenario) -> tuple[float, int]:
    """MAE of the capability x salience weighted mean against the outcome (scored issues)."""
    errors = []
    for issue in s.issues:
        stances = [st for st in s.stances if st.issue == issue.id]
        caps = [s.actor(st.actor).capability for st in stances]
        w = np.array([c.value * st.salience.value for c, st in zip(caps, stances) if c])
        if issue.outcome is None or w.sum() <= 0:
            continue
        x = np.array([st.position.value for st in stances])
        errors.append(abs(float((w * x).sum() / w.sum()) - issue.outcome.value))
    return float(np.mean(errors)), len(errors)


def numbers(s: Scenario) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = {}
    for st in s.stances:
        out[(st.actor, st.issue, "position")] = st.position.value
        out[(st.actor, st.issue, "salience")] = st.salience.value
    for a in s.actors:
        if a.capability is not None:
            out[(a.id, "capability")] = a.capability.value
    for i in s.issues:
        if i.outcome is not None:
            out[(i.id, "out")] = i.outcome.value
        for p in i.scale.points:
            out[(i.id, p.label)] = p.value
    return out


# -- development file ----------------------------------------------------------------------


def test_counts(scenario: Scenario) -> None:
    assert len(scenario.issues) == 182
    assert sum(i.outcome is not None for i in scenario.issues) == 178
    assert sorted(i.id for i in scenario.issues if i.outcome is None) == sorted(NO_OUTCOME)
    assert [a.id for a in scenario.actors] == ["com", "ep"] + STATES.split()
    assert sum(bool(i.scale.points) for i in scenario.issues) == 182 - 51  # rp empty for 51


def test_actors_and_capability_row(scenario: Scenario) -> None:
    kinds = {a.id: a.kind for a in scenario.actors}
    assert kinds["com"] == kinds["ep"] == "organisation"
    assert {kinds[c] for c in STATES.split()} == {"state"}
    cap = {a.id: a.capability.value for a in scenario.actors}  # type: ignore[union-attr]
    assert (cap["de"], cap["fr"], cap["mt"], cap["com"], cap["ep"]) == (4.1, 2.8, 0.02, 4.1, 4.1)
    assert scenario.actor("de").name == "Germany"
    src = scenario.actor("de").capability.source  # type: ignore[union-attr]
    assert src is not None and src.ref == SOURCE_ID and src.quote.startswith("row 2")
    assert all(not i.id.startswith("row") and i.id for i in scenario.issues)


def test_participation_counts(scenario: Scenario) -> None:
    """Stances exactly where both pX and sX are non-empty (counted here with plain csv)."""
    with DEU.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header, issue_rows = rows[0], rows[2:]
    codes = [h[1:] for h in header[13:43]]
    expected = {
        r[4]: sum(1 for c in codes if r[header.index("p" + c)] and r[header.index("s" + c)])
        for r in issue_rows
    }
    got = Counter(st.issue for st in scenario.stances)
    assert {i: got.get(i, 0) for i in expected} == expected
    assert (min(got.values()), max(got.values())) == (2, 30)
    assert sum(st.salience.value == 0 for st in scenario.stances) == 192
    with_p = sum(1 for r in issue_rows for c in codes if r[header.index("p" + c)])
    assert with_p - len(scenario.stances) == 7  # a position but an empty salience


def test_issue_fields(scenario: Scenario) -> None:
    first = scenario.issue("d00032i1")
    assert first.name == "documents issue 1"
    assert first.outcome is not None and first.outcome.value == 100
    assert first.outcome.reasoning == "adopted position as coded in DEU"
    assert first.outcome.source is not None and first.outcome.source.quote == "row 3, column 'out'"
    assert [(p.value, p.label) for p in first.scale.points] == [(0, RP_LABEL)]
    st = scenario.stance("com", "d00032i1")
    assert st is not None and (st.position.value, st.salience.value) == (100, 0.5)


def test_reference_mean_mae(scenario: Scenario) -> None:
    mae, n = mean_mae(scenario)
    assert n == 178
    assert mae == pytest.approx(22.5508, abs=1e-3)


def test_table_follows_the_conventions() -> None:
    table = read_deu_table(str(DEU), DEU.read_text(encoding="utf-8"))
    assert len(table.issues) == 182 and len(table.actors) == 30
    assert table.capability_line == 2 and table.capability[table.actors.index("mt")] == 0.02
    assert len(table.scored) == 178
    errors = []
    for issue in table.scored:
        w = table.weights(issue)
        errors.append(abs((w * np.nan_to_num(issue.positions)).sum() / w.sum() - issue.out))
    assert float(np.mean(errors)) == pytest.approx(22.5508, abs=1e-3)
    first = table.issues[0]
    assert first.commission == 100 and first.saliences[0] == 50  # file units: 0-100
    assert math.isnan(table.issues[0].positions[table.actors.index("bu")])


def test_load_detects_deu() -> None:
    assert mean_mae(load(DEU)) == pytest.approx((22.5508, 178), abs=1e-3)


# -- round trips ---------------------------------------------------------------------------


def test_round_trip_deu(scenario: Scenario) -> None:
    text = dump_deu(scenario)
    again = read_deu("again.tsv", text)
    assert numbers(again) == numbers(scenario)
    assert [i.name for i in again.issues] == [i.name for i in scenario.issues]
    assert dump_deu(again) == text


def first_issues(s: Scenario, n: int) -> Scenario:
    """The scenario cut down to its first ``n`` issues (YAML/JSON loading of all 182 issues
    takes many seconds)."""
    keep = {i.id for i in s.issues[:n]}
    return s.model_copy(
        update={"issues": s.issues[:n], "stances": [st for st in s.stances if st.issue in keep]}
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".tsv"])
def test_round_trip_through_files(tmp_path: Path, scenario: Scenario, suffix: str) -> None:
    part = scenario if suffix == ".tsv" else first_issues(scenario, 12)
    out = tmp_path / f"scenario{suffix}"
    save(part, out)
    again = load(out)
    assert numbers(again) == numbers(part)


def test_comma_separated_without_capability_row() -> None:
    text = '"isnr","pa","pb","sa","sb","rp","out"\n"x1",10,90,50,,20,30\n'
    # the comma-separated table is read (actors, the stance); without a capability row no
    # model could weigh the positions, so it is refused at the stance's line, as validate
    # does (every model used to fail later with "no capability given" and no line)
    with pytest.raises(InputError) as info:
        read_deu("c.csv", text)
    assert [str(p) for p in info.value.problems] == [
        "c.csv:2: actor 'a' has no capability, neither on the actor nor on this stance; "
        "every model weighs a position by capability: give the actor a 'capability' (or "
        "this stance one)"
    ]
    s = read_deu("c.csv", '"isnr","pa","pb","sa","sb","rp","out"\n,3,4,,,,\n"x1",10,90,50,,20,30\n')
    assert [a.capability.value for a in s.actors] == [3, 4]  # type: ignore[union-attr]
    assert [(st.actor, st.position.value, st.salience.value) for st in s.stances] == [
        ("a", 10, 0.5)
    ]
    assert s.issue("x1").outcome.value == 30  # type: ignore[union-attr]


# -- bad input -----------------------------------------------------------------------------

HEADER = '"isnr"\t"pa"\t"pb"\t"sa"\t"sb"\t"rp"\t"out"\n'
CAPS = '\t"1"\t"2"\t\t\t\t\n'


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        read_deu("bad.tsv", text)
    return [str(p) for p in info.value.problems]


def test_empty_file() -> None:
    assert problems("\n") == [
        "bad.tsv:1: file is empty; expected a DEU-style table with a "
        "header of pX/sX columns, rp and out"
    ]


def test_header_without_out() -> None:
    assert problems('"isnr"\t"pa"\t"sa"\n"x"\t1\t2\n') == [
        "bad.tsv:1: header has no 'out' column; expected a position column pX and a salience "
        "column sX per actor X, and the columns 'rp' and 'out'"
    ]


def test_wrong_column_count_non_numeric_and_range() -> None:
    got = problems(
        HEADER + CAPS + '"x1"\t10\t20\t30\n"x2"\tten\t20\t30\t140\t\t50\n'
        '"x3"\t10\t20\t30\t40\t-5\t101\n'
    )
    assert got == [
        "bad.tsv:3: row has 4 cells; expected 7, one per header column",
        "bad.tsv:4: column 'pa': 'ten' is not a number; expected a number from 0 to 100 or an "
        "empty cell",
        "bad.tsv:4: column 'sb': 140 is out of range; expected a number from 0 to 100",
        "bad.tsv:5: column 'rp': -5 is out of range; expected a number from 0 to 100",
        "bad.tsv:5: column 'out': 101 is out of range; expected a number from 0 to 100",
    ]


def test_duplicate_issue_missing_id_and_second_capability_row() -> None:
    got = problems(
        HEADER + CAPS + '"x1"\t10\t20\t30\t40\t\t50\n"x1"\t10\t20\t30\t40\t\t50\n'
        '""\t10\t20\t30\t40\t\t50\n' + CAPS
    )
    assert got == [
        "bad.tsv:4: duplicate issue id 'x1' (first on line 3); expected one row per issue",
        "bad.tsv:5: row has no issue id but has saliences or an outcome; expected an id in "
        "column 'isnr'",
        "bad.tsv:6: second capability row (first on line 2); expected one row without issue "
        "id and saliences",
    ]


def test_negative_capability(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + '\t"-1"\t"2"\t\t\t\t\n"x1"\t10\t20\t30\t40\t\t50\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(bad)
    assert str(info.value) == f"{bad}:2: column 'pa': -1 is out of range; expected a number >= 0"


def test_dump_refuses_other_scales() -> None:
    s = read_deu("ok.tsv", HEADER + CAPS + '"x1"\t10\t20\t30\t40\t\t50\n')
    data = s.model_dump()
    data["issues"][0]["scale"]["max"] = 120
    with pytest.raises(InputError) as info:
        dump_deu(Scenario.model_validate(data))
    assert str(info.value) == (
        "scenario 'ok': cannot write as DEU table: issue 'x1' runs "
        "0-120; DEU positions are on a 0-100 scale"
    )


SAMPLE_TEXT = HEADER + CAPS + '"x1"\t10\t20\t30\t40\t\t50\n"x2"\t\t20\t\t40\t5\t\n'
CORRUPT_ALPHABET = '\t,\n "0123456789.-ps'


# -- random corruption: an InputError or a scenario, never another exception ---------------


@settings(max_examples=300, deadline=None)
@given(hst.data())
def test_random_corruption_never_crashes(data: hst.DataObject) -> None:
    corrupt_and_read(data, SAMPLE_TEXT, CORRUPT_ALPHABET, read_deu)

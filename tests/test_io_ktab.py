"""KTAB SMP CSV: the development files, round trips and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fuzzing import corrupt_and_read
from hypothesis import given, settings
from hypothesis import strategies as hst
from shareddata import DATA

from equipoise.errors import InputError
from equipoise.io import load, save
from equipoise.io.ktab import SOURCE_ID, dump_ktab, read_ktab
from equipoise.scenario import Scenario, Stance

REFERENCE = {
    "dummyData_3Dim.csv": [78.7837, 47.5997, 52.3226],
    "dummyData-a040.csv": [62.9514],
}


def capability(s: Scenario, st: Stance) -> float:
    """The stance's capability, else its actor's."""
    cap = st.capability or s.actor(st.actor).capability
    assert cap is not None
    return cap.value


def weighted_means(s: Scenario) -> list[float]:
    """Capability x salience weighted mean position per issue, in issue order."""
    means = []
    for issue in s.issues:
        stances = [st for st in s.stances if st.issue == issue.id]
        cap = np.array([capability(s, st) for st in stances])
        w = cap * np.array([st.salience.value for st in stances])
        x = np.array([st.position.value for st in stances])
        means.append(float((w * x).sum() / w.sum()))
    return means


def numbers(s: Scenario) -> dict[tuple[str, str, str], float]:
    """(actor, issue, field) -> value, for position, salience and capability."""
    out = {}
    for st in s.stances:
        cap = st.capability or s.actor(st.actor).capability
        assert cap is not None
        out[(st.actor, st.issue, "position")] = st.position.value
        out[(st.actor, st.issue, "salience")] = st.salience.value
        out[(st.actor, st.issue, "capability")] = cap.value
    return out


def read(name: str) -> Scenario:
    path = DATA / "ktab" / name
    return read_ktab(str(path), path.read_text(encoding="utf-8"))


# -- development files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_reference_means(name: str) -> None:
    assert weighted_means(read(name)) == pytest.approx(REFERENCE[name], abs=1e-3)


def test_3dim_structure_and_provenance() -> None:
    s = read("dummyData_3Dim.csv")
    assert s.id == "DummyData_3Dim"
    assert s.description == "Dummy scenario to test reading format"
    assert [a.id for a in s.actors] == [f"SActor-0{k}" for k in range(7)]
    assert [i.id for i in s.issues] == ["Pstn1", "Pstn2", "Pstn3"]
    assert len(s.stances) == 21
    cap = s.actor("SActor-00").capability
    assert cap is not None and cap.value == pytest.approx(102.543)
    first = s.stance("SActor-00", "Pstn1")
    assert first is not None
    assert first.position.value == pytest.approx(75.79)
    assert first.salience.value == pytest.approx(0.4953)
    assert first.position.source is not None and first.position.source.ref == SOURCE_ID
    assert first.position.source.quote.startswith("row 3")
    assert [src.id for src in s.sources] == [SOURCE_ID]
    assert s.sources[0].note is not None and "dummyData_3Dim.csv" in s.sources[0].note
    for st in s.stances:
        assert st.position.source is not None and st.salience.source is not None
        assert 0 <= st.salience.value <= 1


def test_a040_influence_column() -> None:
    s = read("dummyData-a040.csv")
    assert len(s.actors) == 40 and [i.id for i in s.issues] == ["XYZ"]
    assert s.actors[0].capability_basis == "KTAB Influence"
    assert "Influence" in dump_ktab(s).splitlines()[1]


def test_load_detects_ktab() -> None:
    s = load(DATA / "ktab" / "dummyData_3Dim.csv")
    assert weighted_means(s) == pytest.approx(REFERENCE["dummyData_3Dim.csv"], abs=1e-3)


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_round_trip_csv(name: str) -> None:
    s = read(name)
    again = read_ktab("again.csv", dump_ktab(s))
    assert [a.id for a in again.actors] == [a.id for a in s.actors]
    assert [i.id for i in again.issues] == [i.id for i in s.issues]
    assert numbers(again) == pytest.approx(numbers(s))
    assert dump_ktab(again) == dump_ktab(s)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
def test_round_trip_through_files(tmp_path: Path, suffix: str) -> None:
    s = read("dummyData_3Dim.csv")
    out = tmp_path / f"scenario{suffix}"
    save(s, out)
    again = load(out)
    assert numbers(again) == pytest.approx(numbers(s))
    assert weighted_means(again) == pytest.approx(REFERENCE["dummyData_3Dim.csv"], abs=1e-3)


def test_round_trip_no_trailing_comma_and_quoted_cells() -> None:
    text = (
        '"Name, with comma",desc,2,1\n'
        "Actor,Description,Power,A Position,A Salience\n"
        'X,"a, b",10,20,30\n'
        "Y,d,5,80,100\n"
    )
    s = read_ktab("t.csv", text)
    assert s.title == "Name, with comma" and s.actor("X").description == "a, b"
    again = read_ktab("t2.csv", dump_ktab(s))
    assert numbers(again) == pytest.approx(numbers(s))
    assert weighted_means(s) == pytest.approx([(10 * 0.3 * 20 + 5 * 1 * 80) / (10 * 0.3 + 5)])


def _without_locators(s: Scenario) -> dict:
    """``s`` as data without what names the file it was read from: the source's note (the
    file name) and the quotes (row and column locators: the columns are written as
    '<dim> Position' / '<dim> Salience' whatever the original file called them)."""
    data = s.model_dump()
    data["sources"][0].pop("note")

    def strip(obj: object) -> None:
        if isinstance(obj, dict):
            if "quote" in obj and "ref" in obj:
                obj["quote"] = obj["quote"].split(",")[0]  # keep 'row N'
            for v in obj.values():
                strip(v)
        elif isinstance(obj, list):
            for v in obj:
                strip(v)

    strip(data)
    return data


def test_multidimensional_file_is_one_space() -> None:
    s = read("dummyData_3Dim.csv")
    assert [i.space for i in s.issues] == ["DummyData_3Dim"] * 3
    assert read("dummyData-a040.csv").issues[0].space is None  # one dimension: no space


def test_multidimensional_round_trip_is_identical(tmp_path: Path) -> None:
    """import -> export -> import gives the same scenario (space included), and the second
    export is the first, byte for byte; also through ``equipoise convert`` and YAML."""
    from typer.testing import CliRunner

    from equipoise.cli import app

    s = read("dummyData_3Dim.csv")
    again = read_ktab("again.csv", dump_ktab(s))
    assert _without_locators(again) == _without_locators(s)
    assert dump_ktab(read_ktab("third.csv", dump_ktab(again))) == dump_ktab(again)
    runner = CliRunner()
    yaml_path, csv_path = tmp_path / "s.yaml", tmp_path / "back.csv"
    for src, dst in ((DATA / "ktab" / "dummyData_3Dim.csv", yaml_path), (yaml_path, csv_path)):
        result = runner.invoke(app, ["convert", str(src), str(dst)])
        assert result.exit_code == 0, result.output
    assert "space: DummyData_3Dim" in yaml_path.read_text("utf-8")
    assert csv_path.read_text("utf-8") == dump_ktab(s)
    back = load(csv_path)
    assert [i.space for i in back.issues] == ["DummyData_3Dim"] * 3
    assert numbers(back) == pytest.approx(numbers(s))


def test_dump_refuses_several_spaces() -> None:
    s = read("dummyData_3Dim.csv")
    data = s.model_dump()
    data["issues"][0]["space"] = None  # Pstn1 on its own, Pstn2 and Pstn3 a space
    with pytest.raises(InputError) as info:
        dump_ktab(Scenario.model_validate(data))
    assert [str(p) for p in info.value.problems] == [
        "scenario 'DummyData_3Dim': cannot write as KTAB SMP CSV: the issues form 2 spaces "
        "(Pstn1 (no space); DummyData_3Dim: Pstn2, Pstn3); a KTAB SMP CSV holds one space "
        "(all its dimensions are one position vector): write each space to a file of its own"
    ]


# -- bad input -----------------------------------------------------------------------------

HEAD = "S,desc,2,1,\nActor,Description,Power,A Position,A Salience,\n"


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        read_ktab("bad.csv", text)
    return [str(p) for p in info.value.problems]


def test_empty_file() -> None:
    assert problems("") == [
        "bad.csv:1: file is empty; expected a KTAB SMP CSV (row 1: name, "
        "description, #actors, #dimensions; row 2: header)"
    ]


def test_wrong_column_count() -> None:
    got = problems(HEAD + "X,d,1,50,50,\nY,d,1,50\n")
    assert got == [
        "bad.csv:4: actor row has 4 cells; expected 5 (actor, description, Power, "
        "then a position and a salience for each of the 1 dimensions)"
    ]


def test_non_numeric_and_out_of_range_all_reported() -> None:
    got = problems(HEAD + "X,d,lots,50,50\nY,d,1,150,-1\n")
    assert got == [
        "bad.csv:3: column 'Power': 'lots' is not a number; expected a number >= 0",
        "bad.csv:4: column 'A Position': 150 is out of range; expected a number from 0 to 100",
        "bad.csv:4: column 'A Salience': -1 is out of range; expected a number from 0 to 100",
    ]


def test_salience_above_100() -> None:
    got = problems(HEAD + "X,d,1,50,50\nY,d,1,50,101\n")
    assert got == [
        "bad.csv:4: column 'A Salience': 101 is out of range; expected a number from 0 to 100"
    ]


def test_duplicate_actor() -> None:
    got = problems(HEAD + "X,d,1,50,50\nX,d,1,40,40\n")
    assert got == ["bad.csv:4: duplicate actor 'X' (first on line 3); expected one row per actor"]


def test_declared_counts_must_match() -> None:
    got = problems(
        "S,desc,3,2\nActor,Description,Power,A Position,A Salience\nX,d,1,50,50\nY,d,1,50,50\n"
    )
    assert got == [
        "bad.csv:1: row 1 declares 3 actors but the file has 2 actor rows; expected the count "
        "to match",
        "bad.csv:2: header has 1 position/salience pairs but row 1 declares 2 dimensions; "
        "expected them to match",
    ]


def test_bad_title_row_and_header() -> None:
    got = problems("S,desc,many\nName,Description,Power,A Position,A Salience\n")
    assert got[0].startswith(
        "bad.csv:1: row 1 is 'S', 'desc', 'many'; expected the scenario "
        "name, a description, the number of actors"
    )
    assert got[1].startswith("bad.csv:2: header row starts 'Name', 'Description'")


def test_load_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD + "X,d,1,50,50\nY,d,1,50,abc\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(bad)
    assert str(info.value) == (
        f"{bad}:4: column 'A Salience': 'abc' is not a number; expected a number from 0 to 100"
    )


def test_dump_refuses_what_ktab_cannot_hold() -> None:
    s = read_ktab("t.csv", HEAD + "X,d,1,50,50\nY,d,1,50,50\n")
    data = s.model_dump()
    data["issues"][0]["scale"]["max"] = 200
    data["stances"] = data["stances"][:1]
    bad = Scenario.model_validate(data)
    with pytest.raises(InputError) as info:
        dump_ktab(bad)
    assert [str(p) for p in info.value.problems] == [
        "scenario 'S': cannot write as KTAB SMP CSV: issue 'A' runs 0-200; KTAB positions are "
        "on a 0-100 scale",
        "scenario 'S': cannot write as KTAB SMP CSV: actor 'Y' has no stance on A; KTAB needs "
        "a position and a salience for every actor on every dimension",
    ]


def test_no_actor_rows_and_duplicate_dimension() -> None:
    got = problems(
        "S,desc,0,2\nActor,Description,Power,A Position,A Salience,A Position,A Salience\n"
    )
    assert sorted(got) == [
        "bad.csv:2: dimension 'A' appears twice in the header; expected distinct dimension names",
        "bad.csv:2: no actor rows after the header; expected one row per actor: code, "
        "description, capability, then a position and a salience per dimension",
    ]


SAMPLE_TEXT = HEAD + "X,d,1,50,50\nY,d,1,40.5,7\n"
CORRUPT_ALPHABET = ',\t\n "0123456789.-eAPSa'


# -- random corruption: an InputError or a scenario, never another exception ---------------


@settings(max_examples=300, deadline=None)
@given(hst.data())
def test_random_corruption_never_crashes(data: hst.DataObject) -> None:
    corrupt_and_read(data, SAMPLE_TEXT, CORRUPT_ALPHABET, read_ktab)

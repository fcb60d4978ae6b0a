"""decide exchange-model input: the development file, round trips and bad input."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from fuzzing import corrupt_and_read
from hypothesis import given, settings
from hypothesis import strategies as hst
from shareddata import data_file

from equipoise.errors import InputError
from equipoise.io import load, save
from equipoise.io.decide import SOURCE_ID, dump_decide, read_decide
from equipoise.scenario import Scenario, Stance

SAMPLE = data_file("decide", "sample_data.txt")

REFERENCE = {
    "tolheffing-binnenstad": 49.3532,
    "tol-hoogte": 2.2710,
    "wanneer-tol": 50.5789,
    "woonwerkverkeer": 52.4855,
    "extra-investering": 49.4883,
    "kleine-of-grote-ring": 56.6008,
}


def capability(s: Scenario, st: Stance) -> float:
    """The stance's capability, else its actor's."""
    cap = st.capability or s.actor(st.actor).capability
    assert cap is not None
    return cap.value


def weighted_means(s: Scenario) -> dict[str, float]:
    """Power (stance capability, else the actor's) x salience weighted mean per issue."""
    means = {}
    for issue in s.issues:
        stances = [st for st in s.stances if st.issue == issue.id]
        cap = np.array([capability(s, st) for st in stances])
        w = cap * np.array([st.salience.value for st in stances])
        x = np.array([st.position.value for st in stances])
        means[issue.id] = float((w * x).sum() / w.sum())
    return means


def numbers(s: Scenario) -> dict[tuple[str, str, str], float]:
    out = {}
    for st in s.stances:
        assert st.capability is not None
        out[(st.actor, st.issue, "position")] = st.position.value
        out[(st.actor, st.issue, "salience")] = st.salience.value
        out[(st.actor, st.issue, "power")] = st.capability.value
    return out


def read_sample() -> Scenario:
    return read_decide(str(SAMPLE), SAMPLE.read_text(encoding="utf-8"))


# -- development file ----------------------------------------------------------------------


def test_reference_means() -> None:
    assert weighted_means(read_sample()) == pytest.approx(REFERENCE, abs=1e-3)


def test_round_one_means_match_decide_exactly() -> None:
    """decide's own first-round NBS (its reference run, as exact fractions) is the power x
    salience weighted mean of what the reader reads, to rounding."""
    ref = json.loads(data_file("decide", "sample_data_reference.json").read_text(encoding="utf-8"))
    exact = {k: float(Fraction(v)) for k, v in ref["nbs_round1_exact_fraction"].items()}
    assert list(exact) == [i.id for i in read_sample().issues]
    assert weighted_means(read_sample()) == pytest.approx(exact, rel=1e-12)


def test_structure_scales_and_provenance() -> None:
    s = read_sample()
    assert len(s.actors) == 10 and len(s.issues) == 6 and len(s.stances) == 60
    assert s.actor("Willems").description == "Test"
    assert s.issue("wanneer-tol").description == "Wat is dit voor onzin?"
    scale = s.issue("tol-hoogte").scale
    assert (scale.min, scale.max) == (0.5, 7.0)
    assert (s.issue("woonwerkverkeer").scale.min, s.issue("woonwerkverkeer").scale.max) == (0, 100)
    st = s.stance("GL", "tol-hoogte")
    assert st is not None and st.capability is not None
    assert (st.position.value, st.salience.value, st.capability.value) == (5.0, 0.9, 0.6)
    assert st.position.source is not None and st.position.source.ref == SOURCE_ID
    assert st.position.source.quote.startswith("line ")
    assert all(a.capability is None for a in s.actors)  # power is per issue


def test_load_detects_decide() -> None:
    assert weighted_means(load(SAMPLE)) == pytest.approx(REFERENCE, abs=1e-3)


# -- round trips ---------------------------------------------------------------------------


def test_round_trip_decide() -> None:
    s = read_sample()
    again = read_decide("again.txt", dump_decide(s))
    assert numbers(again) == numbers(s)
    assert [(i.id, i.scale.min, i.scale.max) for i in again.issues] == [
        (i.id, i.scale.min, i.scale.max) for i in s.issues
    ]
    assert dump_decide(again).splitlines()[1:] == dump_decide(s).splitlines()[1:]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_through_scenario_files(tmp_path: Path, suffix: str) -> None:
    s = read_sample()
    out = tmp_path / f"scenario{suffix}"
    save(s, out)
    again = load(out)
    assert numbers(again) == numbers(s)
    assert weighted_means(again) == pytest.approx(REFERENCE, abs=1e-3)


def test_comma_separated_comments_and_labelled_points() -> None:
    text = (
        "#0 a comment\n"
        "'#/', 'another'\n"
        "'#A', 'a1', 'Actor one'\n"
        "'#A', 'a2', 'Actor two', 'O''Brien'\n"
        "'#P', 'i', 'Issue'\n"
        "'#M', 'i', -5, 'no deal'\n"
        "'#M', 'i', 0, 'status quo'\n"
        "'#M', 'i', 5\n"
        "'#D', 'a1', 'i', -5, 0.5, 1\n"
        "'#D', 'a2', 'i', 5, 1, 0.5\n"
    )
    s = read_decide("c.txt", text)
    scale = s.issue("i").scale
    assert (scale.min, scale.max, scale.min_label) == (-5, 5, "no deal")
    assert [(p.value, p.label) for p in scale.points] == [(0, "status quo")]
    assert s.actor("a2").description == "O'Brien"
    again = read_decide("c2.txt", dump_decide(s))
    assert numbers(again) == numbers(s)
    assert again.issue("i").scale == scale


def test_dump_scales_capabilities_above_one() -> None:
    s = read_decide(
        "c.txt",
        "'#A'\t'a'\t'a'\n'#A'\t'b'\t'b'\n'#P'\t'i'\t'i'\n"
        "'#D'\t'a'\t'i'\t10\t0.5\t1\n'#D'\t'b'\t'i'\t90\t0.5\t0.5\n",
    )
    data = s.model_dump()
    for st in data["stances"]:
        st["capability"]["value"] *= 40
    text = dump_decide(Scenario.model_validate(data))
    assert "'#/'\t'power = capability / 40'" in text
    assert numbers(read_decide("c2.txt", text)) == numbers(s)


# -- bad input -----------------------------------------------------------------------------

GOOD = "'#A'\t'a'\t'A'\n'#A'\t'b'\t'B'\n'#P'\t'i'\t'I'\n'#M'\t'i'\t0\n'#M'\t'i'\t10\n"


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        read_decide("bad.txt", text)
    return [str(p) for p in info.value.problems]


def test_empty_file() -> None:
    assert problems("#0 only a comment\n\n") == [
        "bad.txt:1: file has no #A, #P or #D records; expected decide input (#A actor, "
        "#P issue, #M meaning, #D data lines)"
    ]


def test_unknown_actor_and_issue_keys() -> None:
    got = problems(GOOD + "'#D'\t'x'\t'i'\t5\t0.5\t1\n'#D'\t'a'\t'j'\t5\t0.5\t1\n")
    assert got == [
        "bad.txt:6: unknown actor 'x'; expected one defined by a #A record (a, b)",
        "bad.txt:7: unknown issue 'j'; expected one defined by a #P record (i)",
    ]


def test_salience_power_and_position_out_of_range() -> None:
    got = problems(GOOD + "'#D'\t'a'\t'i'\t11\t1.5\t1\n'#D'\t'b'\t'i'\t5\t0.5\t-0.1\n")
    assert got == [
        "bad.txt:6: salience 1.5 is outside [0, 1]; expected a number from 0 to 1",
        "bad.txt:6: position 11 is outside the scale of issue 'i' [0, 10]; expected a point "
        "between its lowest and highest #M",
        "bad.txt:7: power -0.1 is outside [0, 1]; expected a number from 0 to 1",
    ]


def test_non_numeric_and_wrong_field_count() -> None:
    got = problems(GOOD + "'#D'\t'a'\t'i'\tfive\t0.5\t1\n'#D'\t'b'\t'i'\t5\t0.5\n")
    assert got == [
        "bad.txt:6: position 'five' is not a number; expected a point on the issue's scale",
        "bad.txt:7: #D record has 4 fields after #D; expected 5: actor key, issue key, "
        "position, salience (0-1), power (0-1)",
    ]


def test_duplicates_and_unknown_record_kind() -> None:
    got = problems(
        GOOD + "'#A'\t'a'\t'again'\n'#X'\t'?'\n'#D'\t'a'\t'i'\t5\t0.5\t1\n"
        "'#D'\t'a'\t'i'\t6\t0.5\t1\n"
    )
    assert got == [
        "bad.txt:6: duplicate actor 'a' (first on line 1); expected one #A record per actor",
        "bad.txt:7: line starts with '#X'; expected a record kind #A (actor), #P (issue), "
        "#M (meaning), #D (data) or a comment #0 / #/",
        "bad.txt:9: second #D of actor 'a' on issue 'i' (first on line 8); expected one per "
        "actor and issue",
    ]


def test_meaning_of_unknown_issue_and_single_point() -> None:
    got = problems("'#A'\t'a'\t'A'\n'#P'\t'i'\t'I'\n'#M'\t'i'\t3\n'#M'\t'k'\t0\n")
    assert got == [
        "bad.txt:2: issue 'i' has #M points at 3 only; expected its lowest and highest "
        "positions (or no #M for 0-100)",
        "bad.txt:4: unknown issue 'k'; expected one defined by a #P record (i)",
    ]


def test_load_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(GOOD + "'#D'\t'a'\t'i'\t5\t2\t1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(bad)
    assert str(info.value) == (
        f"{bad}:6: salience 2 is outside [0, 1]; expected a number from 0 to 1"
    )


def test_dump_needs_a_power() -> None:
    s = read_decide("ok.txt", GOOD + "'#D'\t'a'\t'i'\t5\t0.5\t1\n")
    data = s.model_dump()
    data["stances"][0]["capability"] = None
    with pytest.raises(InputError) as info:
        dump_decide(Scenario.model_validate(data))
    assert str(info.value) == (
        "scenario 'ok': cannot write as decide input: stance of 'a' on 'i' has no capability "
        "and neither has the actor; decide needs a power on every #D line"
    )


def test_no_actors() -> None:
    assert problems("'#P'\t'i'\t'I'\n") == [
        "bad.txt:1: no #A record; expected at least one actor: '#A', key, name"
    ]


SAMPLE_TEXT = GOOD + "'#D'\t'a'\t'i'\t5\t0.5\t1\n'#D'\t'b'\t'i'\t7\t1\t0.25\n"
CORRUPT_ALPHABET = "#ADPM0/\t,\n '0123456789.-eai"


# -- random corruption: an InputError or a scenario, never another exception ---------------


@settings(max_examples=300, deadline=None)
@given(hst.data())
def test_random_corruption_never_crashes(data: hst.DataObject) -> None:
    corrupt_and_read(data, SAMPLE_TEXT, CORRUPT_ALPHABET, read_decide)

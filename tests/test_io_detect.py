"""Format detection on the development files and on what the writers produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from shareddata import data_file

from equipoise.io import detect_format, load
from equipoise.io.decide import dump_decide, read_decide
from equipoise.io.deu import dump_deu
from equipoise.io.ktab import dump_ktab, read_ktab
from equipoise.io.scenario_file import dump_scenario

DEV_FILES = {
    "ktab/dummyData_3Dim.csv": "ktab",
    "ktab/dummyData-a040.csv": "ktab",
    "decide/sample_data.txt": "decide",
    "deu3/deu3-dev.tsv": "deu",
    "highland_tribes.tsv": "edgelist",
    "emission_standards.json": "scenario",  # not a scenario: JSON goes to the YAML/JSON loader
}

KTAB = "K,desc,2,1\nActor,Description,Power,A Position,A Salience\nX-1,d,10,20,30\nY-2,d,5,80,100\n"
DECIDE = (
    "'#A'\t'a'\t'A'\n'#A'\t'b'\t'B'\n'#P'\t'i'\t'I'\n"
    "'#D'\t'a'\t'i'\t5\t0.5\t1\n'#D'\t'b'\t'i'\t50\t0.5\t0.2\n"
)


@pytest.mark.parametrize("name", sorted(DEV_FILES))
def test_development_files(name: str) -> None:
    path = data_file(name)
    assert detect_format(path.read_text(encoding="utf-8")) == DEV_FILES[name]


def test_scenario_yaml_and_json() -> None:
    s = read_ktab("k.csv", KTAB)
    assert detect_format(dump_scenario(s, "yaml")) == "scenario"
    assert detect_format(dump_scenario(s, "json")) == "scenario"


def test_written_files_are_detected_as_their_format() -> None:
    k = read_ktab("k.csv", KTAB)
    d = read_decide("d.txt", DECIDE)
    assert detect_format(dump_ktab(k)) == "ktab"
    assert detect_format(dump_decide(k)) == "decide"
    assert detect_format(dump_decide(d)) == "decide"
    # actor ids that are not DEU's two-letter codes (X-1, Y-2) still make a DEU header
    assert detect_format(dump_deu(k)) == "deu"
    assert detect_format(dump_deu(d)) == "deu"


def test_converted_files_load_back(tmp_path: Path) -> None:
    """KTAB -> DEU -> decide -> KTAB keeps every number (capability ratios for decide)."""
    k = read_ktab("k.csv", KTAB)
    deu = tmp_path / "k.tsv"
    deu.write_text(dump_deu(k), encoding="utf-8")
    via_deu = load(deu)
    dec = tmp_path / "k.txt"
    dec.write_text(dump_decide(via_deu), encoding="utf-8")
    via_decide = load(dec)
    st = {(s.actor, s.issue): s for s in via_decide.stances}
    assert st[("X-1", "A")].capability.value == 1.0  # type: ignore[union-attr]
    assert st[("Y-2", "A")].capability.value == 0.5  # type: ignore[union-attr]
    assert [(s.position.value, s.salience.value) for s in via_decide.stances] == [
        (s.position.value, s.salience.value) for s in k.stances
    ]


def test_builtin_scenario_is_detected_as_scenario() -> None:
    from equipoise.scenarios import builtin_names, builtin_path

    names = builtin_names()
    if not names:
        pytest.skip("no built-in scenario yet")
    path = builtin_path(names[0])
    assert path is not None
    assert detect_format(path.read_text(encoding="utf-8")) == "scenario"

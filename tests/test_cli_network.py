"""The relations network on the command line: cancelled pairs, the scenario's network
section, unknown kinds, --compare, and the shared kind options of decide and analyze."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from equipoise.cli import app

runner = CliRunner()

CASE = """\
id: turkey-test
title: Alliance and sanctions
as_of: 2022-06-01
balancer: TUR
sources:
  - {id: s1, title: A test source}
actors:
  - {id: TUR, name: Turkey}
  - {id: USA, name: United States}
  - {id: RUS, name: Russia}
  - {id: UKR, name: Ukraine}
  - {id: NATO, name: NATO, kind: organisation}
  - {id: UN, name: United Nations, kind: organisation}
relations:
  - {from: USA, to: TUR, kind: alliance, source: {ref: s1, quote: "allies"}}
  - {from: USA, to: TUR, kind: sanctions, since: 2020-12-14, source: {ref: s1, quote: "CAATSA"}}
  - {from: RUS, to: UKR, kind: war, since: 2022-02-24, source: {ref: s1, quote: "war"}}
  - {from: USA, to: UKR, kind: arms-supply, source: {ref: s1, quote: "arms"}}
  - {from: TUR, to: UKR, kind: arms-supply, source: {ref: s1, quote: "drones"}}
  - {from: TUR, to: RUS, kind: mediation, source: {ref: s1, quote: "talks in Istanbul"}}
  - {from: TUR, to: NATO, kind: membership, source: {ref: s1, quote: "member"}}
  - {from: USA, to: NATO, kind: membership, source: {ref: s1, quote: "member"}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return runner.invoke(app, list(args))


def test_cancelled_pair_is_printed_and_in_the_json(tmp_path: Path) -> None:
    path = write(tmp_path, CASE)
    result = run("balance", str(path))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Cancelled pair Turkey–United States" in out
    assert "security +1, economic -1" in out and "sanctions" in out
    data = json.loads(run("balance", str(path), "--json").stdout)
    assert data["cancelled_pairs"] == [["TUR", "USA"]]
    assert data["cancelled"][0]["layers"] == {"security": 1.0, "economic": -1.0}
    assert data["reference"] == "TUR"
    assert set(data) >= {"camp_fixed", "unique", "layers", "unplaced"}
    # mediation is neutral: Turkey-Russia is no tie; organisations stay out by default
    assert ["RUS", "TUR"] not in data["frustrated_edges"]
    assert "NATO" not in data["actors"] and "UN" not in data["actors"]
    # before the sanctions, the alliance stands
    early = json.loads(run("balance", str(path), "--as-of", "2020-01-01", "--json").stdout)
    assert early["cancelled_pairs"] == [] and early["ties"] == 3
    assert early["unplaced"] == ["RUS"]  # its only tie is the 2022 war


def test_network_section_overrides_and_declares_kinds(tmp_path: Path) -> None:
    text = (
        CASE
        + """\
  - {from: TUR, to: RUS, kind: energy-dependence, source: {ref: s1, quote: "gas"}}
network:
  organisations: true
  kinds:
    sanctions: {weight: 0.5, assumption: "secondary sanctions on one agency"}
    energy-dependence: {layer: economic, sign: 1, weight: 2, assumption: "gas and tourism"}
"""
    )
    path = write(tmp_path, text)
    data = json.loads(run("balance", str(path), "--json").stdout)
    assert data["cancelled_pairs"] == []  # alliance 1 - sanctions 0.5
    assert "NATO" in data["actors"] and data["organisations"] is True
    assert "economic" in data["layers"]
    # the command line beats the scenario
    again = json.loads(
        run("balance", str(path), "--weight", "sanctions=1", "--no-organisations", "--json").stdout
    )
    assert again["cancelled_pairs"] == [["TUR", "USA"]] and "NATO" not in again["actors"]


def test_unknown_kind_refused_with_the_known_ones(tmp_path: Path) -> None:
    text = CASE + "  - {from: TUR, to: RUS, kind: frenemy, source: {ref: s1, quote: q}}\n"
    path = write(tmp_path, text)
    for command in ("validate", "balance"):
        result = run(command, str(path))
        assert result.exit_code == 2
        assert f"{path}:{CASE.count(chr(10)) + 1}: unknown relation kind 'frenemy'" in result.stderr
        assert "peacekeeping" in result.stderr and "Traceback" not in result.stderr
    bad_section = CASE + "network:\n  kinds:\n    frenemy: {weight: 2, assumption: x}\n"
    result = run("validate", str(write(tmp_path, bad_section)))
    assert result.exit_code == 2 and "needs a 'layer' and a 'sign'" in result.stderr


def test_compare_lists_ties_triads_and_camps(tmp_path: Path) -> None:
    path = write(tmp_path, CASE)
    result = run("balance", str(path), "--compare", "2020-01-01", "2022-06-01")
    assert result.exit_code == 0, result.stderr
    assert "Turkey–United States: removed" in result.stdout
    assert "Russia–Ukraine: added" in result.stdout
    data = json.loads(
        run("balance", str(path), "--compare", "2020-01-01", "2022-06-01", "--json").stdout
    )
    changes = {tuple(t["pair"]): t["change"] for t in data["ties"]}
    assert changes == {("TUR", "USA"): "removed", ("RUS", "UKR"): "added"}
    assert {c["actor"]: c["change"] for c in data["camps"]} == {"RUS": "placed"}
    bad = run("balance", str(path), "--compare", "2020-01-01", "soon")
    assert bad.exit_code == 2 and "--compare 'soon'" in bad.stderr


def test_builtin_network_reads_as_the_case() -> None:
    data = json.loads(run("balance", "nagorno-karabakh-2020", "--json").stdout)
    # third-party roles are neutral and organisations context: the US and France, tied to
    # the others only by mediating, co-chairing and memberships, are unplaced
    assert set(data["unplaced"]) == {"USA", "FRA"}
    assert data["reference"] == "RUS" and data["camp_fixed"]["RUS"] is True
    war = json.loads(
        run("balance", "nagorno-karabakh-2020", "--as-of", "2020-10-15", "--json").stdout
    )
    # at war, Armenia and Azerbaijan are in different camps
    camps = {a: d["camp"] for a, d in war["actors"].items()}
    assert camps["ARM"] != camps["AZE"] and camps["NKR"] == camps["ARM"]
    assert sum(v["frustrated"] for v in war["layers"].values()) == war["frustration_index"]


def test_decide_and_analyze_take_the_same_kind_options(tmp_path: Path) -> None:
    for command in ("balance", "decide", "analyze"):
        result = run(command, "--help")
        assert "--sign" in result.stdout and "--organisations" in result.stdout
        assert "--layer" in result.stdout and "--weight" in result.stdout
    result = run("decide", "nagorno-karabakh-2020", "--draws", "0", "--weight", "bogus=2")
    assert result.exit_code == 2 and "'bogus' is not known" in result.stderr


def test_edge_list_reference_and_robust_time() -> None:
    fixture = Path(__file__).parent / "fixtures" / "highland_tribes.tsv"
    data = json.loads(run("balance", str(fixture), "--json").stdout)
    assert data["frustration_index"] == 7 and data["optimal"]  # the published value
    assert data["reference"] in data["camp_fixed"] and data["camp_fixed"][data["reference"]]
    assert len(data["camp_fixed"]) == 16 and data["unplaced"] == []
    skipped = json.loads(run("balance", str(fixture), "--robust-time", "0", "--json").stdout)
    assert skipped["camp_fixed"] == {} and skipped["robustness"] == "not examined"
    assert skipped["frustration_index"] == 7


def test_overrides_reach_decide_and_analyze_through_the_scenario() -> None:
    from equipoise.balance import with_network_overrides
    from equipoise.io import load
    from equipoise.network import signed_graph_from_scenario

    s = load("nagorno-karabakh-2020")
    changed = with_network_overrides(s, signs={"arms-supply": -1}, organisations=True)
    g = signed_graph_from_scenario(changed)
    # Russia-Armenia: security +1, supply now -1: the layers cancel
    assert ("RUS", "ARM") in g.cancelled and "CSTO" in g.nodes
    assert s.network is None  # the loaded scenario is intact
    assert ("RUS", "ARM") not in signed_graph_from_scenario(s).cancelled
    assert with_network_overrides(s) is s


def test_balance_unweighted_edge_list_counts_ties_not_weights(tmp_path: Path) -> None:
    """`balance EDGES --unweighted` raised TypeError (wrong arguments to from_edges). With
    weights the light a-c tie (0.5) is the one frustrated; unweighted, any one tie of the
    unbalanced triangle counts 1."""
    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\t-1\t5\nb\tc\t1\t3\na\tc\t1\t0.5\n")  # u v sign weight
    weighted = runner.invoke(app, ["balance", str(edges), "--json", "--no-store"])
    unweighted = runner.invoke(app, ["balance", str(edges), "--unweighted", "--json", "--no-store"])
    assert weighted.exit_code == 0, weighted.output
    assert unweighted.exit_code == 0, unweighted.output
    assert json.loads(weighted.output)["frustration_index"] == 0.5
    assert json.loads(unweighted.output)["frustration_index"] == 1

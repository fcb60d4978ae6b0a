"""Signed edge list reader/writer: formats, every problem at once, the merge rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from equipoise.errors import InputError
from equipoise.io.edgelist import parse_edgelist, read_edgelist, write_edgelist
from equipoise.network import SignedGraph

FIXTURE = Path(__file__).parent / "fixtures" / "highland_tribes.tsv"


def write(tmp_path, text, name="g.tsv", raw=None):
    p = tmp_path / name
    if raw is not None:
        p.write_bytes(raw)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems(excinfo):
    return [(p.line, p.message) for p in excinfo.value.problems]


def test_highland_fixture():
    g = read_edgelist(FIXTURE)
    assert (g.n, g.m) == (16, 58)
    assert g.nodes == tuple(str(i) for i in range(16))  # numeric order
    assert int((g.sign > 0).sum()) == 29 and not g.weighted


def test_separators_comments_weights_and_header(tmp_path):
    p = write(
        tmp_path,
        "\ufeffsource\ttarget\tsign\n# a comment\n\n"
        "RUS\tARM\t+1   # ally\nRUS,AZE,1\nARM AZE -\n"
        "Nagorno Karabakh, AZE, -1, 2.5\n",
    )
    g = read_edgelist(p)
    assert g.nodes == ("RUS", "ARM", "AZE", "Nagorno Karabakh")
    assert g.m == 4 and g.weighted
    assert sorted(g.weight.tolist()) == [1.0, 1.0, 1.0, 2.5]


def test_all_problems_at_once(tmp_path):
    p = write(
        tmp_path,
        "a\tb\t1\n"  # 1 ok
        "a\ta\t1\n"  # 2 self-loop
        "b\ta\t1\n"  # 3 duplicate (reversed)
        "a\tb\t-1\n"  # 4 contradictory
        "c\td\tfriend\n"  # 5 unknown sign
        "junk\n"  # 6 junk
        "c\te\t1\t-2\n"  # 7 bad weight
        "c\te\t1\t2\t3\n",
    )  # 8 too many fields
    with pytest.raises(InputError) as ei:
        read_edgelist(p)
    got = problems(ei)
    assert [line for line, _ in got] == [2, 3, 4, 5, 6, 7, 8]
    text = str(ei.value)
    assert f"{p}:2: self-loop" in text
    assert "duplicate tie b–a (first on line 1)" in text
    assert "contradictory tie a–b: sign -1 here, +1 on line 1" in text
    assert "unknown sign 'friend'" in text
    assert "--merge" in text


def test_merge_rule(tmp_path):
    p = write(
        tmp_path,
        "a b 1\nb a 1\n"  # same sign: one tie
        "a c 1 2\na c -1 3\n"  # contradictory: larger weight wins
        "b c 1\nb c -1\n",
    )  # draw: negative wins
    with pytest.raises(InputError):
        read_edgelist(p)
    g = read_edgelist(p, merge=True)
    ties = {(a, b): (s, w) for a, b, s, w in g.edges()}
    assert ties == {("a", "b"): (1, 1.0), ("a", "c"): (-1, 3.0), ("b", "c"): (-1, 1.0)}


def test_empty_and_comment_only(tmp_path):
    for text in ("", "# 16\n\n   \n"):
        with pytest.raises(InputError, match="no ties found") as ei:
            read_edgelist(write(tmp_path, text))
        assert ei.value.problems[0].line is None


def test_not_utf8(tmp_path):
    p = write(tmp_path, None, raw=b"a\tb\t1\nc\xe9\td\t-1\n")
    with pytest.raises(InputError, match="not UTF-8") as ei:
        read_edgelist(p)
    assert ei.value.problems[0].line == 2


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_edgelist(tmp_path / "nope.tsv")


def test_roundtrip(tmp_path):
    g = SignedGraph.from_edges([("x", "y", 1, 2.0), ("y", "z", -1, 0.5), ("x", "z", -1, 1.0)])
    p = tmp_path / "out.tsv"
    write_edgelist(g, p)
    h = read_edgelist(p)
    assert h.nodes == g.nodes and h.weighted
    assert np.array_equal(h.u, g.u) and np.array_equal(h.sign, g.sign)
    assert np.allclose(h.weight, g.weight)
    g2 = read_edgelist(FIXTURE)
    write_edgelist(g2, p)
    assert "\t" in p.read_text() and read_edgelist(p).m == 58
    spaced = SignedGraph.from_edges([("New York", "b", 1)])
    write_edgelist(spaced, p)
    assert read_edgelist(p).nodes == ("New York", "b")
    with pytest.raises(ValueError):
        write_edgelist(SignedGraph.from_edges([("a#1", "b", 1)]), p)


def test_parse_text_directly():
    g = parse_edgelist("1 2 1\n2 3 -1\n", name="inline")
    assert g.m == 2
    with pytest.raises(InputError, match="inline:1"):
        parse_edgelist("1 2 x\n", name="inline")


def test_as_scenario_via_io_load(tmp_path):
    io = pytest.importorskip("equipoise.io")
    sc = io.load(str(FIXTURE))
    assert len(sc.actors) == 16 and len(sc.relations) == 58
    from equipoise.io.edgelist import dump_edgelist_scenario
    from equipoise.io.edgelist import parse_edgelist as parse

    g = parse(dump_edgelist_scenario(sc))
    assert (g.n, g.m) == (16, 58)
    from equipoise.network import frustration_index, signed_graph_from_scenario

    assert frustration_index(signed_graph_from_scenario(sc)).value == 7

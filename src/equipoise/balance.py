"""Structural balance of an input: a scenario's relations or a signed edge list.

Application layer over :mod:`equipoise.network`: builds the signed graph (relations valid on
a date, organisations optional), runs :func:`~equipoise.network.report.analyse_balance`, and
for a scenario with a balancer adds the balancer's unbalanced triads at each of the
scenario's checkpoints and what changed between them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .errors import InputError
from .network.graph import signed_graph_from_scenario
from .network.report import analyse_balance, explain_balance, triad_changes
from .scenario import Scenario

__all__ = ["balance_of_input", "balance_of_scenario", "balancer_timeline", "parse_date",
           "parse_overrides"]


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    """``YYYY-MM-DD`` -> date; :class:`InputError` naming the option otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from .io.scenario_file import bad_date_message

        raise InputError(f"{option} {text!r} is not a date: {bad_date_message(text)}",
                         option) from None


def parse_overrides(items: list[str] | None, option: str,
                    allowed: tuple[int, ...] | None = None) -> dict[str, int]:
    """``["war=2", "arms-supply=-1"]`` -> ``{"war": 2, "arms-supply": -1}``; bad items give an
    :class:`InputError` naming the option."""
    out: dict[str, int] = {}
    for item in items or []:
        kind, sep, value = item.partition("=")
        try:
            number = int(value)
        except ValueError:
            number = None
        if not sep or not kind or number is None or (allowed and number not in allowed):
            expected = (" or ".join(f"{a:+d}" for a in allowed) if allowed else "an integer")
            raise InputError(f"{option} {item!r}: expected KIND=VALUE with VALUE {expected}",
                             option)
        out[kind] = number
    return out


def balance_of_scenario(scenario: Scenario, as_of: dt.date | None = None, *,
                        time_limit: float = 60.0, organisations: bool = True,
                        weighted: bool = True, signs: dict[str, int] | None = None,
                        priorities: dict[str, int] | None = None) -> dict[str, Any]:
    """:func:`analyse_balance` of the scenario's relations on ``as_of`` (default: its own);
    ``signs``/``priorities`` override the defaults per relation kind."""
    date = as_of or scenario.as_of
    graph = signed_graph_from_scenario(scenario, as_of=date, organisations=organisations,
                                       weighted=weighted, signs=signs, priorities=priorities)
    report = analyse_balance(graph, time_limit=time_limit)
    report["as_of"] = date.isoformat() if date else None
    return report


def balancer_timeline(scenario: Scenario, *, time_limit: float = 60.0,
                      organisations: bool = True, weighted: bool = True,
                      **overrides: Any) -> list[dict[str, Any]]:
    """The balancer's unbalanced triads at each checkpoint (and ``as_of``), in date order,
    with the triads that appeared and disappeared since the previous date."""
    if scenario.balancer is None:
        return []
    dates: dict[dt.date, str] = {c.date: c.label for c in scenario.checkpoints}
    if scenario.as_of is not None:
        dates.setdefault(scenario.as_of, "as of the scenario date")
    timeline: list[dict[str, Any]] = []
    previous = None
    for date in sorted(dates):
        report = balance_of_scenario(scenario, date, time_limit=time_limit,
                                     organisations=organisations, weighted=weighted,
                                     **overrides)
        entry: dict[str, Any] = {
            "date": date.isoformat(), "label": dates[date],
            "frustration_index": report["frustration_index"],
            "optimal": report["optimal"],
            "unbalanced_triads": [t for t in report["unbalanced_triads"]
                                  if scenario.balancer in map(str, t)],
            "triads": report["actors"].get(scenario.balancer, {}).get("triads", 0),
        }
        if previous is not None:
            change = triad_changes(previous, report, scenario.balancer)
            entry["appeared"] = change["appeared"]
            entry["disappeared"] = change["disappeared"]
        timeline.append(entry)
        previous = report
    return timeline


def _timeline_lines(scenario: Scenario, timeline: list[dict[str, Any]]) -> list[str]:
    names = {a.id: a.name for a in scenario.actors}
    b = scenario.balancer
    lines = [f"{names.get(b, b)}'s unbalanced triads over time:"]

    def fmt(triad: list[str]) -> str:
        others = [names.get(x, x) for x in triad if x != b]
        return " and ".join(others)

    for entry in timeline:
        lines.append(f"  {entry['date']} ({entry['label']}): {len(entry['unbalanced_triads'])} "
                     f"of {entry['triads']} triads unbalanced"
                     + (" — with " + "; ".join(fmt(t) for t in entry["unbalanced_triads"][:6])
                        if entry["unbalanced_triads"] else ""))
        if entry.get("appeared"):
            lines.append("    new: " + "; ".join(fmt(t) for t in entry["appeared"]))
        if entry.get("disappeared"):
            lines.append("    resolved: " + "; ".join(fmt(t) for t in entry["disappeared"]))
    return lines


def balance_of_input(input: str, *, as_of: str | None = None, time_limit: float = 60.0,
                     organisations: bool = True, weighted: bool = True,
                     merge: bool = False, signs: dict[str, int] | None = None,
                     priorities: dict[str, int] | None = None
                     ) -> tuple[dict[str, Any], list[str]]:
    """Balance report (JSON-ready) and its explanation in words for any input."""
    from .io import detect_format, parse, resolve
    from .io.document import read_text

    date = parse_date(as_of)
    path = resolve(input)
    shown = input if Path(input).exists() else str(path)
    text = read_text(path)
    fmt = detect_format(text)
    if fmt == "edgelist":
        from .io.edgelist import parse_edgelist

        graph = parse_edgelist(text, name=shown, merge=merge)
        if not weighted:
            graph = type(graph).from_edges(graph.u, graph.v, graph.sign, nodes=graph.nodes)
        report = analyse_balance(graph, time_limit=time_limit)
        return report, explain_balance(report)
    scenario = parse(shown, text, fmt)  # the text already read, not the file again
    report = balance_of_scenario(scenario, date, time_limit=time_limit,
                                 organisations=organisations, weighted=weighted,
                                 signs=signs, priorities=priorities)
    names = {a.id: a.name for a in scenario.actors}
    lines = []
    if report["as_of"]:
        lines.append(f"Relations valid on {report['as_of']}.")
    lines += explain_balance(report, names=names)
    if scenario.balancer and as_of is None:
        timeline = balancer_timeline(scenario, time_limit=time_limit,
                                     organisations=organisations, weighted=weighted,
                                     signs=signs, priorities=priorities)
        report["balancer"] = scenario.balancer
        report["balancer_timeline"] = timeline
        if timeline:
            lines += _timeline_lines(scenario, timeline)
    return report, lines

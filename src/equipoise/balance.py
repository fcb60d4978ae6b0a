"""Structural balance of an input: a scenario's relations or a signed edge list.

Application layer over :mod:`equipoise.network`: builds the signed graph (relations valid on
a date, organisations optional), runs :func:`~equipoise.network.report.analyse_balance`, and
for a scenario with a balancer adds the balancer's unbalanced triads at each of the
scenario's checkpoints and what changed between them.

Results are typed: :class:`~equipoise.network.result.BalanceResult` (one date; it keeps the
graph and the date), :class:`TimelineEntry` (one checkpoint of the balancer's timeline) and
:class:`DateComparison` (``--compare``); their ``to_dict()`` is the JSON of ``balance --json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from .errors import InputError, ModelInputError

if TYPE_CHECKING:  # an edge list's balance never builds the scenario models (start-up time)
    from .network.result import BalanceResult
    from .scenario import Scenario

__all__ = [
    "as_date",
    "balance_of_input",
    "balance_of_scenario",
    "balancer_timeline",
    "parse_date",
    "parse_overrides",
    "parse_kind_overrides",
    "compare_dates",
    "with_network_overrides",
    "TimelineEntry",
    "DateComparison",
]


@dataclass
class TimelineEntry:
    """The network on one date of the balancer's timeline: the full analysis of that date
    (``result``, with its graph), the balancer's unbalanced triads, and the triads that
    appeared and disappeared since the previous date (``None`` on the first date)."""

    date: dt.date
    label: str
    result: BalanceResult
    balancer: str
    appeared: list[list[str]] | None = None
    disappeared: list[list[str]] | None = None

    @property
    def first(self) -> bool:
        """The earliest date (nothing to compare with)."""
        return self.appeared is None

    @property
    def unbalanced_triads(self) -> list[list[Any]]:
        """The unbalanced triads the balancer is in (as listed by the analysis)."""
        return [t for t in self.result.unbalanced_triads if self.balancer in map(str, t)]

    @property
    def triads(self) -> int:
        """How many triads the balancer is in."""
        entry = self.result.actors.get(self.balancer)
        return int(entry["triads"]) if entry else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON of one ``balancer_timeline`` entry."""
        r = self.result
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "label": self.label,
            "frustration_index": r.frustration_index,
            "optimal": r.optimal,
            "unbalanced_triads": self.unbalanced_triads,
            "triads": self.triads,
            "groups": r.groups,
            "unplaced": r.unplaced,
            "frustrated_edges": r.frustrated_edges,
            "camp_fixed": r.camp_fixed,
            "unique": r.unique,
            "layers": r.layers,
            "cancelled_pairs": r.cancelled_pairs,
        }
        if not self.first:
            out["appeared"] = self.appeared
            out["disappeared"] = self.disappeared
        return out


@dataclass
class DateComparison:
    """What changed in the network between two dates (:func:`compare_dates`): ``ties``
    (``{"pair", "change", "before", "after"}``), unbalanced ``triads`` (``appeared``,
    ``resolved``, ``complete``) and ``camps`` (``{"actor", "change", "before", "after"}``);
    ``before``/``after`` are the two analyses."""

    dates: tuple[dt.date | None, dt.date | None]
    before: BalanceResult
    after: BalanceResult
    ties: list[dict[str, Any]]
    triads: dict[str, Any]
    camps: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``balance --compare``."""
        b, a = self.before, self.after
        return {
            "dates": [str(d) for d in self.dates],
            "reference": [b.reference, a.reference],
            "frustration_index": [b.frustration_index, a.frustration_index],
            "ties": self.ties,
            "triads": self.triads,
            "camps": self.camps,
            "groups": [b.groups, a.groups],
        }


@overload
def parse_date(text: str, option: str = ...) -> dt.date: ...


@overload
def parse_date(text: None, option: str = ...) -> None: ...


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    """``YYYY-MM-DD`` -> date; :class:`InputError` naming the option otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from .io.scenario_file import bad_date_message

        raise InputError(
            f"{option} {text!r} is not a date: {bad_date_message(text)}", option
        ) from None


def as_date(value: dt.date | str | None, what: str = "as_of") -> dt.date | None:
    """A date given to the library: a :class:`datetime.date` (a ``datetime`` gives its
    date), an ISO string ``YYYY-MM-DD``, or ``None``; :class:`ValueError` for anything else."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            from .io.scenario_file import bad_date_message

            raise ValueError(f"{what} {value!r} is not a date: {bad_date_message(value)}") from None
    raise ValueError(
        f"{what} must be a datetime.date or an ISO date string 'YYYY-MM-DD'; "
        f"got {type(value).__name__} {value!r}"
    )


def parse_overrides(
    items: list[str] | None,
    option: str,
    allowed: tuple[int, ...] | None = None,
    *,
    number: type = int,
) -> dict[str, Any]:
    """``["war=2", "arms-supply=-1"]`` -> ``{"war": 2, "arms-supply": -1}``; bad items give an
    :class:`InputError` naming the option. ``number=str`` keeps the values as text."""
    out: dict[str, Any] = {}
    for item in items or []:
        kind, sep, value = item.partition("=")
        try:
            parsed = number(value) if value else None
        except ValueError:
            parsed = None
        if number is float and parsed is not None and not (parsed > 0 and parsed < float("inf")):
            parsed = None
        if not sep or not kind or parsed is None or (allowed is not None and parsed not in allowed):
            if allowed is not None:
                expected = ", ".join(f"{a:+d}" if a else "0" for a in allowed)
            else:
                expected = {int: "an integer", float: "a number > 0"}.get(number, "a name")
            raise InputError(
                f"{option} {item!r}: expected KIND=VALUE with VALUE {expected}", option
            )
        out[kind] = parsed
    return out


def parse_kind_overrides(
    sign: list[str] | None = None,
    weight: list[str] | None = None,
    layer: list[str] | None = None,
    organisations: bool | None = None,
) -> dict[str, Any]:
    """The command line's relation-kind overrides (``--sign``, ``--weight``, ``--layer``,
    ``--organisations``) as keyword arguments of
    :func:`equipoise.network.kinds.network_config`."""
    return {
        "signs": parse_overrides(sign, "--sign", (-1, 0, 1)) or None,
        "weights": parse_overrides(weight, "--weight", number=float) or None,
        "layers": parse_overrides(layer, "--layer", number=str) or None,
        "organisations": organisations,
    }


def _config(scenario: Scenario, overrides: dict[str, Any]):
    from .network.kinds import network_config

    kinds = {
        k: v for k, v in overrides.items() if k in ("signs", "weights", "layers", "organisations")
    }
    try:
        return network_config(scenario, **kinds)
    except ValueError as exc:
        raise InputError(str(exc), "--sign") from None


def with_network_overrides(scenario: Scenario, **overrides: Any) -> Scenario:
    """A copy of ``scenario`` whose ``network:`` section carries the command line's kind
    overrides (so that every command — ``decide``, ``analyze`` — builds the same graph)."""
    from .scenario import KindSettings, NetworkSettings

    signs = overrides.get("signs") or {}
    weights = overrides.get("weights") or {}
    layers = overrides.get("layers") or {}
    orgs = overrides.get("organisations")
    if not (signs or weights or layers) and orgs is None:
        return scenario
    _config(scenario, overrides)  # refuse unknown kinds without layer and sign now
    section = scenario.network or NetworkSettings()
    kinds = dict(section.kinds)
    for name in set(signs) | set(weights) | set(layers):
        old = kinds.get(name)
        data = old.model_dump(exclude_none=True) if old is not None else {}
        data.update(
            {
                k: v
                for k, v in (
                    ("sign", signs.get(name)),
                    ("weight", weights.get(name)),
                    ("layer", layers.get(name)),
                )
                if v is not None
            }
        )
        data.setdefault("assumption", "set on the command line")
        kinds[name] = KindSettings.model_validate(data)
    new = NetworkSettings(
        organisations=section.organisations if orgs is None else orgs, kinds=kinds
    )
    return scenario.model_copy(update={"network": new})


def balance_of_scenario(
    scenario: Scenario,
    as_of: dt.date | str | None = None,
    *,
    time_limit: float = 60.0,
    weighted: bool = True,
    robust_time_limit: float = 2.0,
    **overrides: Any,
) -> BalanceResult:
    """:func:`analyse_balance` of the scenario's relations on ``as_of`` (default: its own),
    camps read against the balancer. ``as_of``: a date or an ISO string ``YYYY-MM-DD``
    (:class:`ValueError` otherwise). ``overrides`` (``signs``, ``weights``, ``layers``,
    ``organisations``) change the kinds on top of the scenario's ``network:`` section."""
    from .network.graph import signed_graph_from_scenario
    from .network.report import analyse_balance
    from .network.result import BalanceContext

    date = as_date(as_of) or scenario.as_of
    config = _config(scenario, overrides)
    try:
        graph = signed_graph_from_scenario(scenario, as_of=date, config=config, weighted=weighted)
    except ModelInputError as exc:
        raise InputError(str(exc)) from None
    report = analyse_balance(
        graph,
        time_limit=time_limit,
        reference=scenario.balancer,
        robust=robust_time_limit > 0,
        robust_time_limit=robust_time_limit,
    )
    report.context = BalanceContext(as_of=date, organisations=bool(config.organisations))
    return report


def _share(deadline: float, parts_left: int) -> float:
    """Seconds for the next of ``parts_left`` solves that share one budget ending at
    ``deadline`` (``time.perf_counter`` clock): an equal part of what is left, so that the
    command as a whole keeps its limit."""
    import time

    return max((deadline - time.perf_counter()) / max(parts_left, 1), 0.01)


def analysed_dates(scenario: Scenario, as_of: dt.date | None = None) -> list[dt.date | None]:
    """The distinct dates one ``balance`` (headline + timeline) of ``scenario`` analyses."""
    dates: list[dt.date | None] = [as_of or scenario.as_of]
    if scenario.balancer is not None:
        dates += [d for d in sorted(_checkpoint_dates(scenario)) if d not in dates]
    return dates


def _checkpoint_dates(scenario: Scenario) -> dict[dt.date, str]:
    dates: dict[dt.date, str] = {c.date: c.label for c in scenario.checkpoints}
    if scenario.as_of is not None:
        dates.setdefault(scenario.as_of, "as of the scenario date")
    return dates


def balancer_timeline(
    scenario: Scenario,
    *,
    time_limit: float = 60.0,
    weighted: bool = True,
    known: dict[Any, BalanceResult] | None = None,
    **overrides: Any,
) -> list[TimelineEntry]:
    """The network at each checkpoint (and ``as_of``), in date order: the balancer's unbalanced
    triads, the triads that appeared and disappeared since the previous date, and the camps,
    frustrated ties and unplaced actors of that date (``"report"``: the full analysis).

    ``time_limit`` (and ``robust_time_limit`` in ``overrides``) is the budget of the whole
    timeline, shared between the dates still to solve. ``known``: reports already computed
    for some dates (the headline's), reused as they are — one solve per date, so the same
    figure everywhere in one output."""
    import time

    if scenario.balancer is None:
        return []
    dates = _checkpoint_dates(scenario)
    known = known or {}
    todo = [d for d in dates if d not in known]
    deadline = time.perf_counter() + time_limit
    robust = overrides.pop("robust_time_limit", 2.0)
    robust_each = robust / max(len(todo), 1)  # the examination: an equal part per date
    timeline: list[TimelineEntry] = []
    previous = None
    for date in sorted(dates):
        if date in known:
            report = known[date]
        else:
            left = len(todo)
            todo.remove(date)
            report = balance_of_scenario(
                scenario,
                date,
                time_limit=_share(deadline, left),
                weighted=weighted,
                robust_time_limit=robust_each,
                **overrides,
            )
        entry = TimelineEntry(
            date=date, label=dates[date], result=report, balancer=scenario.balancer
        )
        if previous is not None:
            from .network.report import triad_changes

            change = triad_changes(previous, report, scenario.balancer)
            entry.appeared = change["appeared"]
            entry.disappeared = change["disappeared"]
        timeline.append(entry)
        previous = report
    return timeline


def compare_dates(
    scenario: Scenario,
    first: dt.date | str,
    second: dt.date | str,
    *,
    time_limit: float = 60.0,
    weighted: bool = True,
    **overrides: Any,
) -> DateComparison:
    """What changed in the network between two dates: ties (added, removed, sign or weight
    changed), unbalanced triads (appeared, resolved) and camps (actors whose side relative to
    the reference changed, or who became placed/unplaced)."""
    import time

    from .network.report import triad_changes

    day0, day1 = as_date(first, "first"), as_date(second, "second")
    reports, ties = [], []
    deadline = time.perf_counter() + time_limit  # one budget for both dates
    robust = overrides.pop("robust_time_limit", 2.0)
    for left, date in ((2, day0), (1, day1)):
        reports.append(
            balance_of_scenario(
                scenario,
                date,
                time_limit=_share(deadline, left),
                weighted=weighted,
                robust_time_limit=robust / 2,
                **overrides,
            )
        )
        g = reports[-1].graph  # the graph that was solved
        ties.append({(str(a), str(b)): (s, w) for a, b, s, w in g.edges()})
    a, b = ties
    tie_changes = []
    for pair in sorted(set(a) | set(b)):
        x, y = a.get(pair), b.get(pair)
        if x == y:
            continue
        change = (
            "added"
            if x is None
            else "removed"
            if y is None
            else "sign changed"
            if x[0] != y[0]
            else "weight changed"
        )
        tie_changes.append(
            {
                "pair": list(pair),
                "change": change,
                "before": None if x is None else x[0] * x[1],
                "after": None if y is None else y[0] * y[1],
            }
        )
    before, after = reports
    triads = triad_changes(before, after)

    def side(rep: BalanceResult) -> dict[str, int | None]:
        return {k: v["camp"] for k, v in rep.actors.items()}

    s0, s1 = side(before), side(after)
    camps = []
    for actor in sorted(set(s0) | set(s1)):
        c0, c1 = s0.get(actor), s1.get(actor)
        if c0 == c1:
            continue
        what = "placed" if c0 is None else "unplaced" if c1 is None else "changed side"
        camps.append({"actor": actor, "change": what, "before": c0, "after": c1})
    return DateComparison(
        dates=(day0, day1),
        before=before,
        after=after,
        ties=tie_changes,
        triads={
            "appeared": triads["appeared"],
            "resolved": triads["disappeared"],
            "complete": triads["complete"],
        },
        camps=camps,
    )


def compare_lines(scenario: Scenario, result: DateComparison) -> list[str]:
    """The comparison of :func:`compare_dates` in words."""
    names = {a.id: a.name for a in scenario.actors}

    def nm(x: str) -> str:
        return names.get(x, x)

    d0, d1 = (str(d) for d in result.dates)
    f0, f1 = result.before.frustration_index, result.after.frustration_index
    lines = [f"From {d0} to {d1}: frustration index {f0:.4g} -> {f1:.4g}."]
    if result.ties:
        lines.append(f"Ties that changed ({len(result.ties)}):")
        for t in result.ties:
            u, v = t["pair"]
            fmt = lambda x: "none" if x is None else f"{x:+.3g}"  # noqa: E731
            lines.append(
                f"  {nm(u)}–{nm(v)}: {t['change']} ({fmt(t['before'])} -> {fmt(t['after'])})"
            )
    else:
        lines.append("No tie changed.")
    for key, title in (
        ("appeared", "Unbalanced triads that appeared"),
        ("resolved", "Unbalanced triads that were resolved"),
    ):
        items = result.triads[key]
        if items:
            lines.append(
                f"{title} ({len(items)}): "
                + "; ".join(" – ".join(nm(x) for x in t) for t in items)
                + "."
            )
    if not result.triads["appeared"] and not result.triads["resolved"]:
        lines.append("No unbalanced triad appeared or was resolved.")
    if result.camps:
        ref = result.after.reference or result.before.reference
        lines.append(f"Camps that changed (sides relative to {nm(ref)}):")
        for c in result.camps:
            lines.append(f"  {nm(c['actor'])}: {c['change']}")
    else:
        lines.append("No actor changed camp.")
    return lines


def _timeline_lines(scenario: Scenario, b: str, timeline: list[TimelineEntry]) -> list[str]:
    """The balancer ``b``'s unbalanced triads at each date of ``timeline``, in words."""
    names = {a.id: a.name for a in scenario.actors}
    lines = [f"{names.get(b, b)}'s unbalanced triads over time:"]

    def fmt(triad: list[str]) -> str:
        others = [names.get(x, x) for x in triad if x != b]
        return " and ".join(others)

    for entry in timeline:
        r = entry.result
        mine = entry.unbalanced_triads
        lines.append(
            f"  {entry.date.isoformat()} ({entry.label}): {len(mine)} "
            f"of {entry.triads} triads unbalanced"
            + (" — with " + "; ".join(fmt(t) for t in mine[:6]) if mine else "")
        )
        g0, g1 = (r.groups or [[], []])[:2]
        camps = " | ".join(", ".join(names.get(x, x) for x in g) for g in (g0, g1) if g)
        bad = "; ".join(f"{names.get(u, u)}–{names.get(v, v)}" for u, v in r.frustrated_edges)
        loose = [names.get(a, a) for a in r.loose]
        lines.append(
            f"    camps: {camps or 'none'}; frustration {r.frustration_index}"
            + (f" ({bad})" if bad else "")
            + (f"; camp not fixed: {', '.join(loose)}" if loose else "")
        )
        if entry.appeared:
            lines.append("    new: " + "; ".join(fmt(t) for t in entry.appeared))
        if entry.disappeared:
            lines.append("    resolved: " + "; ".join(fmt(t) for t in entry.disappeared))
    return lines


def balance_of_input(
    input: str,
    *,
    as_of: str | None = None,
    time_limit: float = 60.0,
    weighted: bool = True,
    merge: bool = False,
    compare: tuple[str, str] | None = None,
    robust_time: float = 2.0,
    prepare: Any = None,
    on_edgelist: Any = None,
    **overrides: Any,
) -> tuple[BalanceResult | DateComparison, list[str]]:
    """Balance result and its explanation in words for any input (``to_dict()`` of the
    result is the JSON of ``balance --json``).

    ``overrides``: ``signs``, ``weights``, ``layers``, ``organisations`` (see
    :func:`parse_kind_overrides`); ``compare``: two dates to compare instead;
    ``robust_time``: seconds for deciding whose camp is fixed, for the whole call (an equal
    part per analysed date); ``time_limit``: seconds of the exact solver, shared likewise.
    ``prepare(scenario)`` returns the scenario to analyse (e.g. with ``--set`` applied) and
    ``on_edgelist(text)`` is told an edge list's text (the run store records them).
    """
    from .io import detect_format, parse, resolve
    from .io.document import read_text
    from .network.report import analyse_balance, explain_balance

    parse_date(as_of)  # a bad date is refused before the file is read
    path = resolve(input)
    shown = input if Path(input).exists() else str(path)
    text = read_text(path)
    fmt = detect_format(text)
    if fmt == "edgelist":
        if on_edgelist is not None:
            on_edgelist(text)
        if compare:
            raise InputError(
                "--compare needs a scenario with dated relations, not an edge list", "--compare"
            )
        from .io.edgelist import parse_edgelist

        graph = parse_edgelist(text, name=shown, merge=merge)
        if not weighted:  # every weight 1
            import numpy as np

            graph = type(graph)(graph.nodes, graph.u, graph.v, graph.sign, np.ones(len(graph.u)))
        report = analyse_balance(
            graph, time_limit=time_limit, robust=robust_time > 0, robust_time_limit=robust_time
        )
        return report, explain_balance(report)
    scenario = parse(shown, text, fmt)  # the text already read, not the file again
    if prepare is not None:
        scenario = prepare(scenario)
    return balance_report(
        scenario,
        as_of=as_of,
        time_limit=time_limit,
        weighted=weighted,
        compare=compare,
        robust_time=robust_time,
        **overrides,
    )


def balance_report(
    scenario: Scenario,
    *,
    as_of: str | None = None,
    time_limit: float = 60.0,
    weighted: bool = True,
    compare: tuple[str, str] | None = None,
    robust_time: float = 2.0,
    **overrides: Any,
) -> tuple[BalanceResult | DateComparison, list[str]]:
    """Balance result (``to_dict()``: ``balance --json``) and its explanation in words for a
    scenario: on ``as_of`` (default: the scenario's date, with the balancer's timeline over
    its checkpoints), or the changes between the two dates of ``compare``.

    ``robust_time`` and ``time_limit`` are shared by the dates analysed, as in
    :func:`balance_of_input`; ``overrides`` as there.
    """
    from .network.report import explain_balance

    overrides["robust_time_limit"] = robust_time
    date = parse_date(as_of)
    if compare:
        d0 = parse_date(compare[0], "--compare")
        d1 = parse_date(compare[1], "--compare")
        result = compare_dates(
            scenario, d0, d1, time_limit=time_limit, weighted=weighted, **overrides
        )
        return result, compare_lines(scenario, result)
    # one budget for the command: the headline's date and the timeline's other dates share it
    import time

    solves = len(analysed_dates(scenario, date)) if as_of is None else 1
    deadline = time.perf_counter() + time_limit
    robust = overrides.pop("robust_time_limit")
    report = balance_of_scenario(
        scenario,
        date,
        time_limit=time_limit / solves,
        weighted=weighted,
        robust_time_limit=robust / solves,
        **overrides,
    )
    names = {a.id: a.name for a in scenario.actors}
    lines = []
    if report.as_of:
        lines.append(
            f"Relations valid on {report.as_of.isoformat()}"
            + (
                ""
                if report.organisations
                else " (organisations and memberships left out: --organisations brings them in)"
            )
            + "."
        )
    lines += explain_balance(report, names=names)
    if scenario.balancer and as_of is None:
        rest = (solves - 1) / solves  # the other dates' shares
        timeline = balancer_timeline(
            scenario,
            time_limit=_share(deadline, 1),
            weighted=weighted,
            known={report.as_of: report},
            robust_time_limit=robust * rest,
            **overrides,
        )
        report.balancer = scenario.balancer
        report.balancer_timeline = timeline
        if timeline:
            lines += _timeline_lines(scenario, scenario.balancer, timeline)
    return report, lines

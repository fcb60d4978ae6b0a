"""Issue spaces: issues that are the dimensions of one position vector.

A scenario groups issues into a space by giving them the same ``space`` id
(:attr:`equipoise.scenario.Issue.space`); a :class:`~equipoise.models.problem.BargainingProblem`
carries the same grouping as ``spaces`` (one space id or ``None`` per issue). An issue
without a space id is a one-dimensional space of its own.

A *spatial* model (one whose class sets ``spatial = True``, such as KTAB's spatial model of
politics) treats an actor's positions on the issues of one space as a single point and
measures distances between points across the space's dimensions; :mod:`equipoise.models.api`
runs it once per space. Every other model is unaffected by the grouping: the per-issue
models (``mean``, ``median``, ``eum``) forecast each issue on its own and the ``exchange``
model couples every issue it is given, as before.

:func:`issue_spaces` lists the spaces of a scenario or a problem in the order of their first
issue; :func:`space_history` arranges an iterative forecast's rounds by space, for the
report's scatter and the terminal's position history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where used: validating a scenario needs none of it
    import numpy as np

__all__ = [
    "IssueSpace",
    "SpaceHistory",
    "group_spaces",
    "issue_spaces",
    "is_spatial",
    "space_history",
]


@dataclass(frozen=True)
class IssueSpace:
    """One space of issues.

    ``id`` is the declared space id, or the issue's own id for an issue without one
    (``declared`` is then ``False``); ``issues`` are the dimensions in input order and
    ``index`` their column indices in the scenario's or problem's issue order.
    """

    id: str
    issues: tuple[str, ...]
    index: tuple[int, ...]
    declared: bool

    @property
    def dimensions(self) -> int:
        """The number of dimensions (issues) of the space."""
        return len(self.issues)


def group_spaces(issues: Sequence[str], spaces: Sequence[str | None] | None) -> list[IssueSpace]:
    """Group ``issues`` by their space id (``spaces[i]``; ``None`` or no ``spaces`` at all:
    the issue is a space of its own), in the order of each space's first issue."""
    if spaces is None:
        spaces = [None] * len(issues)
    if len(spaces) != len(issues):
        raise ValueError(f"spaces: {len(spaces)} entries, expected one per issue ({len(issues)})")
    groups: dict[tuple[bool, str], list[int]] = {}
    for k, (issue, space) in enumerate(zip(issues, spaces)):
        key = (True, str(space)) if space is not None else (False, str(issue))
        groups.setdefault(key, []).append(k)
    return [
        IssueSpace(
            id=name,
            issues=tuple(str(issues[k]) for k in index),
            index=tuple(index),
            declared=declared,
        )
        for (declared, name), index in groups.items()
    ]


def issue_spaces(scenario_or_problem: Any) -> list[IssueSpace]:
    """The issue spaces of a :class:`~equipoise.scenario.Scenario` (its issues' ``space``
    ids) or of a :class:`~equipoise.models.problem.BargainingProblem` (its ``spaces``)."""
    issues = scenario_or_problem.issues
    if issues and not isinstance(issues[0], str):  # scenario issues are records
        return group_spaces([i.id for i in issues], [getattr(i, "space", None) for i in issues])
    return group_spaces(list(issues), getattr(scenario_or_problem, "spaces", None))


def is_spatial(model: Any) -> bool:
    """Whether ``model`` (an instance or class) is run once per issue space."""
    return bool(getattr(model, "spatial", False))


@dataclass(frozen=True)
class SpaceHistory:
    """The rounds of one iterative forecast on one space.

    ``positions[a, d, k]`` is actor ``actors[a]``'s position on dimension ``d`` (issue
    ``space.issues[d]``) in state ``k`` (0 = the initial positions) and ``forecast[k, d]``
    the forecast in state ``k``. A model that runs each issue on its own may stop earlier on
    one dimension than on another: that dimension then keeps its last state (its run had
    settled or hit its cap), and ``states[d]`` says how many states it recorded.
    """

    model: str
    space: IssueSpace
    actors: tuple[str, ...]
    positions: np.ndarray
    forecast: np.ndarray
    states: tuple[int, ...]

    @property
    def n_states(self) -> int:
        return int(self.forecast.shape[0])


def _padded(values: Any, n: int) -> np.ndarray:
    """``values`` (1-D) extended to length ``n`` by repeating its last value."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    return np.concatenate([v, np.full(n - v.size, v[-1])]) if v.size < n else v


def space_history(forecast: Any, space: IssueSpace) -> SpaceHistory | None:
    """The rounds of ``forecast`` (a :class:`~equipoise.models.forecast.Forecast`) on
    ``space``; ``None`` when the forecast recorded no rounds there (a single-pass model,
    or an issue decided by one actor)."""
    import numpy as np

    hist = [forecast.history.get(issue) for issue in space.issues]
    if any(not h for h in hist):
        return None
    actors = tuple(a for a in forecast.actors if all(a in h for h in hist))
    states = tuple(max(len(np.asarray(h[a])) for a in actors) if actors else 1 for h in hist)
    trajectories = [np.asarray(forecast.trajectory[i], dtype=float) for i in space.issues]
    n = max(max(states), *(t.size for t in trajectories))
    positions = np.array([[_padded(h[a], n) for h in hist] for a in actors]).reshape(
        len(actors), len(hist), n
    )
    path = np.stack([_padded(t, n) for t in trajectories], axis=1)
    return SpaceHistory(
        model=str(forecast.model),
        space=space,
        actors=actors,
        positions=positions,
        forecast=path,
        states=states,
    )

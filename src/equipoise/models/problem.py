"""The array form of a bargaining problem that every model works on.

A :class:`BargainingProblem` holds, for ``n_actors`` actors and ``n_issues`` issues,

* ``position[a, i]`` -- the actor's preferred outcome on the issue scale ``[lower[i], upper[i]]``,
  ``NaN`` where actor ``a`` takes no part in issue ``i``;
* ``salience[a, i]`` in ``[0, 1]`` (``0`` where absent);
* ``capability[a, i] >= 0`` (``0`` where absent; capability may differ by issue).

Validation follows ``docs/models.md`` §0.1: values are *rejected*, never clipped, and the
message names the actor, the issue, the field, the value and the allowed range
(:class:`equipoise.errors.ModelInputError`). Arrays are copied and made read-only, so a
problem is immutable.

Positions are compared with the tolerance ``eps_x = 1e-9 * (upper - lower)`` (§0.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelInputError

__all__ = ["BargainingProblem", "EPS_REL"]

#: Relative position tolerance of docs/models.md §0.1 (``eps_x = EPS_REL * (hi - lo)``).
EPS_REL = 1e-9

_MAX_LISTED = 8  # validation problems listed in one message


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class BargainingProblem:
    """Actors x issues arrays of positions, saliences and capabilities (validated, read-only).

    Parameters
    ----------
    actors, issues:
        Ids, in input order (input order is the last tie-break of every model).
    position:
        ``(n_actors, n_issues)`` floats; ``NaN`` where the actor takes no part in the issue.
    salience:
        ``(n_actors, n_issues)`` in ``[0, 1]``; ignored (set to 0) where the actor is absent.
    capability:
        ``(n_actors, n_issues)`` ``>= 0``, or ``(n_actors,)`` for one capability per actor;
        ignored (set to 0) where the actor is absent.
    lower, upper:
        ``(n_issues,)`` issue scale end points, ``lower < upper``. Default 0 and 100.
    decided_by:
        ``(n_issues,)`` actor ids (or ``None``): an issue with a decider is not bargained —
        its outcome is the decider's position (:mod:`equipoise.models.api` bargains over
        the other issues only and fills these). Default: every issue is bargained.
    spaces:
        ``(n_issues,)`` space ids (or ``None``): issues with the same id are the dimensions
        of one position vector (:mod:`equipoise.models.spaces`; a spatial model is run once
        per space). Within a space every actor takes part in all issues or none, with one
        capability, and the issues share one scale and one decider. Default: every issue is
        a space of its own.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    # None is accepted on input and replaced in __post_init__, so the attributes are typed
    # as what every constructed problem holds
    lower: np.ndarray = field(default=None)  # type: ignore[arg-type]
    upper: np.ndarray = field(default=None)  # type: ignore[arg-type]
    decided_by: tuple[str | None, ...] = field(default=None)  # type: ignore[arg-type]
    spaces: tuple[str | None, ...] = field(default=None)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        actors = tuple(str(a) for a in self.actors)
        issues = tuple(str(i) for i in self.issues)
        n_a, n_i = len(actors), len(issues)
        if n_a < 1 or n_i < 1:
            raise ModelInputError(
                f"a bargaining problem needs at least one actor and one issue "
                f"(got {n_a} actors, {n_i} issues)"
            )
        for what, ids in (("actor", actors), ("issue", issues)):
            if len(set(ids)) != len(ids):
                dup = sorted({x for x in ids if ids.count(x) > 1})
                raise ModelInputError(f"duplicate {what} id(s): {', '.join(dup)}")

        def arr(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
            try:
                a = np.array(value, dtype=float)
            except (TypeError, ValueError) as exc:
                raise ModelInputError(f"{name}: not a numeric array ({exc})") from None
            if a.shape != shape:
                raise ModelInputError(f"{name}: shape {a.shape}, expected {shape}")
            return a

        position = arr("position", self.position, (n_a, n_i))
        salience = arr("salience", self.salience, (n_a, n_i))
        cap_in = np.array(self.capability, dtype=float) if self.capability is not None else None
        if cap_in is not None and cap_in.shape == (n_a,):
            cap_in = np.repeat(cap_in[:, None], n_i, axis=1)
        capability = arr("capability", cap_in, (n_a, n_i))
        lower = arr("lower", np.zeros(n_i) if self.lower is None else self.lower, (n_i,))
        upper = arr("upper", np.full(n_i, 100.0) if self.upper is None else self.upper, (n_i,))

        problems: list[str] = []
        for i in range(n_i):
            lo, hi = lower[i], upper[i]
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                problems.append(
                    f"issue {issues[i]!r}: scale [{lo:g}, {hi:g}] is not a finite interval "
                    f"with lower < upper"
                )
        if problems:
            raise ModelInputError("invalid issue scale:\n  " + "\n  ".join(problems))

        present = ~np.isnan(position)
        eps = EPS_REL * (upper - lower)
        bad_pos = present & (
            ~np.isfinite(position) | (position < lower - eps) | (position > upper + eps)
        )
        bad_sal = present & ~((salience >= 0.0) & (salience <= 1.0))  # NaN fails too
        bad_cap = present & ~((capability >= 0.0) & np.isfinite(capability))
        for mask, fieldname, values, rng in (
            (bad_pos, "position", position, None),
            (bad_sal, "salience", salience, "[0, 1] (divide 0-100 data by 100)"),
            (bad_cap, "capability", capability, "finite and >= 0"),
        ):
            for a, i in zip(*np.nonzero(mask)):
                allowed = rng or f"the issue scale [{lower[i]:g}, {upper[i]:g}]"
                problems.append(
                    f"actor {actors[a]!r}, issue {issues[i]!r}: "
                    f"{fieldname} {float(values[a, i])!r} "
                    f"is outside {allowed}"
                )
        if problems:
            more = len(problems) - _MAX_LISTED
            listed = problems[:_MAX_LISTED] + ([f"... and {more} more"] if more > 0 else [])
            raise ModelInputError("invalid model input:\n  " + "\n  ".join(listed))

        deciders = _deciders(self.decided_by, actors, issues, present)
        spaces = _spaces(self.spaces, actors, issues, present, capability, lower, upper, deciders)
        salience = np.where(present, salience, 0.0)
        capability = np.where(present, capability, 0.0)
        set_ = object.__setattr__
        set_(self, "decided_by", deciders)
        set_(self, "spaces", spaces)
        set_(self, "actors", actors)
        set_(self, "issues", issues)
        set_(self, "position", _ro(position))
        set_(self, "salience", _ro(salience))
        set_(self, "capability", _ro(capability))
        set_(self, "lower", _ro(lower))
        set_(self, "upper", _ro(upper))

    # ------------------------------------------------------------------ derived arrays
    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def present(self) -> np.ndarray:
        """``(n_actors, n_issues)`` bool: the actor takes part in the issue."""
        return ~np.isnan(self.position)

    @property
    def weight(self) -> np.ndarray:
        """Effective weight ``capability * salience`` (0 where absent)."""
        return self.capability * self.salience

    @property
    def eps_x(self) -> np.ndarray:
        """Per-issue position tolerance ``1e-9 * (upper - lower)`` (docs/models.md §0.1)."""
        return EPS_REL * (self.upper - self.lower)

    def require_weight(self, issues: Iterable[int] | None = None) -> None:
        """Raise :class:`ModelInputError` for an issue where no actor has ``c * s > 0``."""
        w = self.weight
        idx = range(self.n_issues) if issues is None else issues
        bad = [self.issues[i] for i in idx if not (w[:, i] > 0).any()]
        if bad:
            raise ModelInputError(
                "no actor has positive capability x salience on issue(s) "
                + ", ".join(repr(b) for b in bad)
                + " (the weighted models are undefined there)"
            )

    @property
    def bargained(self) -> list[int]:
        """Indices of the issues the models bargain over (those with no decider)."""
        return [i for i, who in enumerate(self.decided_by) if who is None]

    @property
    def decided(self) -> dict[int, int]:
        """Issue index -> actor index of its decider, for the unilateral issues."""
        return {
            i: self.actors.index(who) for i, who in enumerate(self.decided_by) if who is not None
        }

    def issue_index(self, issue: str | int) -> int:
        if isinstance(issue, (int, np.integer)):
            return int(issue)
        try:
            return self.issues.index(issue)
        except ValueError:
            raise ModelInputError(
                f"unknown issue {issue!r}; issues are {', '.join(self.issues)}"
            ) from None

    def subset_issues(self, issues: Sequence[str | int]) -> BargainingProblem:
        """A problem with only the given issues (same actors)."""
        idx = [self.issue_index(i) for i in issues]
        return BargainingProblem(
            self.actors,
            tuple(self.issues[i] for i in idx),
            self.position[:, idx],
            self.salience[:, idx],
            self.capability[:, idx],
            self.lower[idx],
            self.upper[idx],
            tuple(self.decided_by[i] for i in idx),
            tuple(self.spaces[i] for i in idx),
        )

    def replace(self, **changes: Any) -> BargainingProblem:
        """A copy with some fields replaced (validated again)."""
        kw = {
            k: getattr(self, k)
            for k in (
                "actors",
                "issues",
                "position",
                "salience",
                "capability",
                "lower",
                "upper",
                "decided_by",
                "spaces",
            )
        }
        kw.update(changes)
        return BargainingProblem(**kw)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def single_issue(
        cls,
        actors: Sequence[str],
        position: Sequence[float],
        salience: Sequence[float],
        capability: Sequence[float],
        *,
        issue: str = "issue",
        lower: float = 0.0,
        upper: float = 100.0,
    ) -> BargainingProblem:
        """Convenience constructor for one issue from per-actor sequences."""
        col = lambda v: np.asarray(v, dtype=float).reshape(-1, 1)  # noqa: E731
        return cls(
            tuple(actors),
            (issue,),
            col(position),
            col(salience),
            col(capability),
            np.array([lower], float),
            np.array([upper], float),
        )

    @classmethod
    def from_scenario(cls, scenario: Any) -> BargainingProblem:
        """Build the arrays from an :class:`equipoise.scenario.Scenario` (duck-typed).

        Uses ``scenario.actors`` (``.id``, ``.capability`` = ``None`` or ``.value``),
        ``scenario.issues`` (``.id``, ``.scale.min``, ``.scale.max``) and
        ``scenario.stances`` (``.actor``, ``.issue``, ``.position.value``,
        ``.salience.value`` in [0, 1], ``.capability`` = ``None`` or ``.value``).
        The capability of (actor, issue) is the stance's capability if given, else the
        actor's; if neither is given, :class:`ModelInputError` names the actor.
        An actor with no stance on an issue takes no part in it (``NaN`` position).
        """
        actors = [a.id for a in scenario.actors]
        issues = [i.id for i in scenario.issues]
        a_idx = {a: k for k, a in enumerate(actors)}
        i_idx = {i: k for k, i in enumerate(issues)}
        n_a, n_i = len(actors), len(issues)
        pos = np.full((n_a, n_i), np.nan)
        sal = np.zeros((n_a, n_i))
        cap = np.zeros((n_a, n_i))
        actor_cap = {
            a.id: (None if getattr(a, "capability", None) is None else float(a.capability.value))
            for a in scenario.actors
        }
        missing: list[str] = []
        for st in scenario.stances:
            if st.actor not in a_idx:
                raise ModelInputError(f"stance names unknown actor {st.actor!r}")
            if st.issue not in i_idx:
                raise ModelInputError(f"stance of {st.actor!r} names unknown issue {st.issue!r}")
            a, i = a_idx[st.actor], i_idx[st.issue]
            if not np.isnan(pos[a, i]):
                raise ModelInputError(f"actor {st.actor!r} has two stances on issue {st.issue!r}")
            own = getattr(st, "capability", None)
            c = own.value if own is not None else actor_cap[st.actor]
            if c is None:
                missing.append(f"actor {st.actor!r} (issue {st.issue!r})")
                continue
            pos[a, i] = float(st.position.value)
            sal[a, i] = float(st.salience.value)
            cap[a, i] = float(c)
        if missing:
            raise ModelInputError(
                "no capability given (neither on the actor nor on the stance) for "
                + ", ".join(missing)
            )
        lower = np.array([float(i.scale.min) for i in scenario.issues])
        upper = np.array([float(i.scale.max) for i in scenario.issues])
        deciders = tuple(getattr(i, "decided_by", None) for i in scenario.issues)
        spaces = tuple(getattr(i, "space", None) for i in scenario.issues)
        return cls(tuple(actors), tuple(issues), pos, sal, cap, lower, upper, deciders, spaces)

    def __repr__(self) -> str:
        return (
            f"BargainingProblem({self.n_actors} actors x {self.n_issues} issues: "
            f"{', '.join(self.issues[:5])}{', ...' if self.n_issues > 5 else ''})"
        )


def _deciders(
    decided_by: Any, actors: tuple[str, ...], issues: tuple[str, ...], present: np.ndarray
) -> tuple[str | None, ...]:
    """Validated ``decided_by``: one entry per issue, each an actor present on the issue."""
    if decided_by is None:
        return (None,) * len(issues)
    deciders = tuple(None if d is None else str(d) for d in decided_by)
    if len(deciders) != len(issues):
        raise ModelInputError(
            f"decided_by: {len(deciders)} entries, expected one per issue ({len(issues)})"
        )
    for i, who in enumerate(deciders):
        if who is None:
            continue
        if who not in actors:
            raise ModelInputError(f"issue {issues[i]!r} is decided by unknown actor {who!r}")
        if not present[actors.index(who), i]:
            raise ModelInputError(
                f"issue {issues[i]!r} is decided by {who!r}, who has no position on it"
            )
    return deciders


def _spaces(
    spaces: Any,
    actors: tuple[str, ...],
    issues: tuple[str, ...],
    present: np.ndarray,
    capability: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    deciders: tuple[str | None, ...],
) -> tuple[str | None, ...]:
    """Validated ``spaces``: one entry per issue; within a space one scale, one decider and,
    for every actor, all issues or none with one capability (docs: models/spaces.py)."""
    if spaces is None:
        return (None,) * len(issues)
    out = tuple(None if s is None else str(s) for s in spaces)
    if len(out) != len(issues):
        raise ModelInputError(f"spaces: {len(out)} entries, expected one per issue ({len(issues)})")
    from .spaces import group_spaces

    problems: list[str] = []
    for sp in group_spaces(issues, out):
        if not sp.declared or sp.dimensions < 2:
            continue
        idx = list(sp.index)
        first = idx[0]
        for i in idx[1:]:
            if (lower[i], upper[i]) != (lower[first], upper[first]):
                problems.append(
                    f"space {sp.id!r}: issue {issues[i]!r} has scale "
                    f"[{lower[i]:g}, {upper[i]:g}] but {issues[first]!r} "
                    f"[{lower[first]:g}, {upper[first]:g}]; a space has one scale"
                )
            if deciders[i] != deciders[first]:
                problems.append(
                    f"space {sp.id!r}: issues {issues[first]!r} and {issues[i]!r} "
                    "have different deciders; a space has one"
                )
        part = present[:, idx]
        partial = part.any(axis=1) & ~part.all(axis=1)
        for a in np.nonzero(partial)[0]:
            missing = [issues[i] for i in idx if not present[a, i]]
            problems.append(
                f"space {sp.id!r}: actor {actors[a]!r} has no position on "
                f"{', '.join(repr(m) for m in missing)}; an actor takes part in "
                "every issue of a space or in none"
            )
        cap = np.where(part, capability[:, idx], capability[:, [first]])
        uneven = part.all(axis=1) & (cap != cap[:, :1]).any(axis=1)
        for a in np.nonzero(uneven)[0]:
            problems.append(
                f"space {sp.id!r}: actor {actors[a]!r} has capabilities "
                f"{', '.join(f'{v:g}' for v in cap[a])} on its issues; an actor "
                "brings one capability to a space"
            )
    if problems:
        more = len(problems) - _MAX_LISTED
        listed = problems[:_MAX_LISTED] + ([f"... and {more} more"] if more > 0 else [])
        raise ModelInputError("invalid issue space:\n  " + "\n  ".join(listed))
    return out


def prepare_batch(
    position: Any,
    salience: Any,
    capability: Any,
    lower: Any = None,
    upper: Any = None,
    issues: Sequence[str] | None = None,
    actors: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Validate and broadcast the inputs of a ``forecast_batch`` call.

    ``position``, ``salience`` and ``capability`` are broadcast together to
    ``(B, n_actors, n_issues)`` (so a salience of shape ``(n_actors, n_issues)`` is shared
    by every draw; a 2-D position array is one draw). ``capability`` may also be
    ``(B, n_actors)`` or ``(n_actors,)`` -- one capability per actor, for every issue.
    ``NaN`` positions mark absence. ``lower``/``upper`` (``(n_issues,)``), when given,
    bound the positions. Returns ``(x, s, c, present, lower, upper)`` with ``s = c = 0``
    where absent. Invalid values raise :class:`ModelInputError` naming the draw, actor
    and issue (by index, or id when ``actors``/``issues`` are given).
    """
    x = np.asarray(position, dtype=float)
    s = np.asarray(salience, dtype=float)
    c = np.asarray(capability, dtype=float)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3:
        raise ModelInputError(
            "position must have shape (B, n_actors, n_issues) or (n_actors, n_issues); "
            f"got {x.shape}"
        )
    n_a, n_i = x.shape[1:]
    if c.ndim == 1 or (c.ndim == 2 and c.shape == (x.shape[0], n_a) and c.shape != (n_a, n_i)):
        c = c[..., None]
    try:
        x, s, c = np.broadcast_arrays(x, s, c)
    except ValueError as exc:
        raise ModelInputError(f"batch arrays do not broadcast together: {exc}") from None
    if x.shape[1:] != (n_a, n_i):
        raise ModelInputError(f"batch arrays broadcast to {x.shape}, expected (B, {n_a}, {n_i})")
    present = ~np.isnan(x)
    lo = None if lower is None else np.broadcast_to(np.asarray(lower, float), (n_i,))
    hi = None if upper is None else np.broadcast_to(np.asarray(upper, float), (n_i,))
    name_a = (lambda a: repr(actors[a])) if actors is not None else (lambda a: f"#{a}")
    name_i = (lambda i: repr(issues[i])) if issues is not None else (lambda i: f"#{i}")

    def fail(mask: np.ndarray, what: str, values: np.ndarray, allowed: str) -> None:
        if mask.any():
            b, a, i = (int(v[0]) for v in np.nonzero(mask))
            raise ModelInputError(
                f"draw {b}, actor {name_a(a)}, issue {name_i(i)}: "
                f"{what} {float(values[b, a, i])!r} "
                f"is outside {allowed} ({int(mask.sum())} invalid value(s) in the batch)"
            )

    bad = present & ~np.isfinite(x)
    if lo is not None and hi is not None:
        eps = EPS_REL * (hi - lo)
        bad |= present & ((x < lo - eps) | (x > hi + eps))
        fail(bad, "position", x, "the issue scale")
    else:
        fail(bad, "position", x, "the finite numbers")
    fail(present & ~((s >= 0) & (s <= 1)), "salience", s, "[0, 1]")
    fail(present & ~((c >= 0) & np.isfinite(c)), "capability", c, "finite and >= 0")
    s = np.where(present, s, 0.0)
    c = np.where(present, c, 0.0)
    return x, s, c, present, lo, hi

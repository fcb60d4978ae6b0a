"""Issue spaces: which issues a multi-dimensional model (``smp``, ``pce``) treats as the
dimensions of one position vector, and the arrays of one space.

``spaces`` (a model parameter):

* ``"joint"`` (default) -- every issue of the problem is a dimension of one space (KTAB's
  multi-dimensional CSV maps onto this);
* ``"separate"`` -- each issue is its own one-dimensional space (what the DEU backtest
  uses: its issues are decided one by one);
* a list of lists of issue ids -- explicit spaces; every issue in exactly one.

A problem that declares its own spaces (its attribute ``spaces``: one space id per issue, as
from a scenario's ``space:`` fields; ``None`` = an issue that is a space of its own) is run
space by space when the parameter is ``"joint"``; a problem that declares none is one space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelInputError

__all__ = ["space_groups", "SpaceArrays", "space_arrays", "check_spaces_param"]


def check_spaces_param(spaces: Any, model: str) -> Any:
    """Validate the ``spaces`` parameter (``"joint"``, ``"separate"`` or a list of lists)."""
    if isinstance(spaces, str):
        if spaces not in ("joint", "separate"):
            raise ModelInputError(f"{model} spaces={spaces!r}; choose 'joint', 'separate' or "
                                  "a list of lists of issue ids")
        return spaces
    try:
        groups = [[str(i) for i in g] for g in spaces]
    except TypeError:
        raise ModelInputError(f"{model} spaces={spaces!r}; choose 'joint', 'separate' or a "
                              "list of lists of issue ids") from None
    return groups


def space_groups(issues: Sequence[str], spaces: Any, problem: Any = None) -> list[list[int]]:
    """The spaces as lists of issue indices (in issue order inside each space)."""
    issues = list(issues)
    if spaces == "joint":
        given = getattr(problem, "spaces", None) if problem is not None else None
        ids = list(given) if given is not None else []
        if ids and all(g is None or isinstance(g, str) for g in ids):
            if all(g is None for g in ids):  # nothing declared: all issues are one space
                return [list(range(len(issues)))]
            # one space id (or None: a space of its own) per issue
            order: dict[Any, list[int]] = {}
            for k, g in enumerate(ids):
                order.setdefault(("own", k) if g is None else g, []).append(k)
            return list(order.values())
        if not ids:
            return [list(range(len(issues)))]
        spaces = ids
    if spaces == "separate":
        return [[i] for i in range(len(issues))]
    seen: dict[str, int] = {}
    groups: list[list[int]] = []
    for g in spaces:
        idx = []
        for issue in g:
            if issue not in issues:
                raise ModelInputError(f"space {list(g)} names unknown issue {issue!r}; issues "
                                      f"are {', '.join(issues)}")
            if issue in seen:
                raise ModelInputError(f"issue {issue!r} is in two spaces")
            seen[issue] = len(groups)
            idx.append(issues.index(issue))
        if idx:
            groups.append(sorted(idx))
    missing = [i for i in issues if i not in seen]
    if missing:
        raise ModelInputError(f"issue(s) {', '.join(missing)} are in no space")
    return groups


@dataclass(frozen=True)
class SpaceArrays:
    """One space's arrays on the unit scale: ``X`` ``(B, N, D)`` positions, ``S`` saliences,
    ``cap`` ``(B, N)`` capabilities; ``actors`` indices of the actors taking part; ``lo``,
    ``width`` ``(D,)`` of the issue scales (position = lo + width * X)."""

    X: np.ndarray
    S: np.ndarray
    cap: np.ndarray
    actors: np.ndarray
    lo: np.ndarray
    width: np.ndarray


def space_arrays(x: np.ndarray, s: np.ndarray, c: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, idx: Sequence[int], issue_ids: Sequence[str],
                 actor_ids: Sequence[str], model: str) -> SpaceArrays:
    """Arrays of the space made of issues ``idx`` from batched ``(B, N, n_issues)`` inputs.

    An actor takes part in the space when it has a position on every issue of it; one with
    positions on some of them only is refused (its position vector would be incomplete), as
    is a draw set in which the actors taking part differ. Saliences summed over the space
    must not exceed 1 (KTAB's rule: they are shares of one actor's attention, and the sum is
    used as a probability). The capability of an actor in the space is its mean over the
    space's issues.
    """
    idx = list(idx)
    xs = x[:, :, idx]
    present = ~np.isnan(xs)
    some = present.any(axis=2)
    full = present.all(axis=2)
    names = [issue_ids[i] for i in idx]
    if (some & ~full).any():
        b, a = (int(v[0]) for v in np.nonzero(some & ~full))
        raise ModelInputError(f"actor {actor_ids[a]!r} has a position on some issues of the "
                              f"space {names} but not all (draw {b}); a space needs a position "
                              "on every one of its issues")
    if not (full == full[0]).all():
        raise ModelInputError(f"the actors taking part in the space {names} differ between "
                              "draws; they must be the same in every draw")
    act = np.nonzero(full[0])[0]
    if act.size == 0:
        raise ModelInputError(f"no actor has a position on the space {names}")
    lo = np.asarray(lower, float)[idx]
    width = np.asarray(upper, float)[idx] - lo
    X = (xs[:, act] - lo) / width
    X = np.clip(X, 0.0, 1.0)  # only round-off beyond the scale's ends (validated before)
    S = s[:, act][:, :, idx]
    tot = S.sum(axis=2)
    if (tot > 1.0 + 1e-9).any():
        b, a = (int(v[0]) for v in np.nonzero(tot > 1.0 + 1e-9))
        raise ModelInputError(
            f"actor {actor_ids[act[a]]!r}: saliences over the space {names} add up to "
            f"{float(tot[b, a]):.4g} (draw {b}); the {model} model needs at most 1 (each is a "
            "share of the actor's attention; the sum is used as a probability)")
    cap = c[:, act][:, :, idx].mean(axis=2)
    return SpaceArrays(np.ascontiguousarray(X), np.ascontiguousarray(S), cap, act, lo, width)

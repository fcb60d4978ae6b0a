"""Issue spaces: which issues a multi-dimensional model (``smp``, ``pce``) treats as the
dimensions of one position vector, and the arrays of one space.

``spaces`` (a model parameter):

* ``"problem"`` (default) -- the problem's own spaces (``BargainingProblem.spaces``: one
  space id per issue, from the scenario's ``space:`` fields; an issue in no space is a space
  of its own). ``forecast_batch`` gets no problem: the caller passes the issues of one space
  (:mod:`equipoise.models.api` runs a spatial model once per space), so there all issues
  given are one space;
* ``"joint"`` -- every issue given is a dimension of one space;
* ``"separate"`` -- each issue is its own one-dimensional space (the DEU backtest: its
  issues are decided one by one);
* a list of lists of issue ids -- explicit spaces; every issue in exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelInputError
from .base import BargainingModel

__all__ = ["space_groups", "SpaceArrays", "space_arrays", "check_spaces_param", "batch_spaces"]


def check_spaces_param(spaces: Any, model: str) -> Any:
    """Validate the ``spaces`` parameter (``"joint"``, ``"separate"`` or a list of lists)."""
    if isinstance(spaces, str):
        if spaces not in ("problem", "joint", "separate"):
            raise ModelInputError(
                f"{model} spaces={spaces!r}; choose 'problem', 'joint', "
                "'separate' or a list of lists of issue ids"
            )
        return spaces
    try:
        groups = [[str(i) for i in g] for g in spaces]
    except TypeError:
        raise ModelInputError(
            f"{model} spaces={spaces!r}; choose 'problem', 'joint', "
            "'separate' or a list of lists of issue ids"
        ) from None
    return groups


def batch_spaces(spaces: Any) -> Any:
    """The grouping of a ``forecast_batch`` call: ``"problem"`` means all issues given (the
    caller passes one space at a time, as :mod:`equipoise.models.api` does); the others as
    they are."""
    return "joint" if spaces == "problem" else spaces


def space_groups(issues: Sequence[str], spaces: Any, problem: Any = None) -> list[list[int]]:
    """The spaces as lists of issue indices (in issue order inside each space)."""
    issues = list(issues)
    if spaces == "joint":
        return [list(range(len(issues)))]
    if spaces == "problem":
        ids = list(getattr(problem, "spaces", None) or [None] * len(issues))
        if ids and not all(g is None or isinstance(g, str) for g in ids):
            spaces = ids  # a list of lists of issue ids
        else:  # one space id per issue; None: a space of its own
            order: dict[Any, list[int]] = {}
            for k, g in enumerate(ids):
                order.setdefault(("own", k) if g is None else g, []).append(k)
            return list(order.values())
    if spaces == "separate":
        return [[i] for i in range(len(issues))]
    seen: dict[str, int] = {}
    groups: list[list[int]] = []
    for g in spaces:
        idx = []
        for issue in g:
            if issue not in issues:
                raise ModelInputError(
                    f"space {list(g)} names unknown issue {issue!r}; issues are {', '.join(issues)}"
                )
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


def space_arrays(
    x: np.ndarray,
    s: np.ndarray,
    c: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    idx: Sequence[int],
    issue_ids: Sequence[str],
    actor_ids: Sequence[str],
    model: str,
) -> SpaceArrays:
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
        raise ModelInputError(
            f"actor {actor_ids[a]!r} has a position on some issues of the "
            f"space {names} but not all (draw {b}); a space needs a position "
            "on every one of its issues"
        )
    if not (full == full[0]).all():
        raise ModelInputError(
            f"the actors taking part in the space {names} differ between "
            "draws; they must be the same in every draw"
        )
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
            "share of the actor's attention; the sum is used as a probability)"
        )
    cap = c[:, act][:, :, idx].mean(axis=2)
    return SpaceArrays(np.ascontiguousarray(X), np.ascontiguousarray(S), cap, act, lo, width)


class SpaceGroupingModel(BargainingModel):
    """Base of the models that read issues as the dimensions of a space (``smp``, ``pce``):
    the ``spaces`` parameter (:func:`check_spaces_param`) says how the issues are grouped.

    They are not among the models run when none is named (a scenario's issues need not form
    a valid space). With ``spaces="problem"`` :mod:`equipoise.models.api` runs the model once
    per issue space of the problem (:attr:`spatial`); with another value the model groups the
    issues it is given itself.
    """

    runs_by_default = False
    spaces: Any

    @property
    def spatial(self) -> bool:  # type: ignore[override]
        """Run once per issue space by the API (``spaces="problem"``)."""
        return bool(self.spaces == "problem")

    @property
    def joint_issues(self) -> bool:  # type: ignore[override]
        """Issues of one space are decided together (``spaces="separate"``: none are)."""
        return bool(self.spaces != "separate")

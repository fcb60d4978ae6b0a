"""The smallest single change of a stance, capability or relation weight — approximate.

Stances, capabilities and the balancer's ties enter the criteria through a bargaining model,
so no linear program applies. This module searches instead, **one input at a time**, on a
grid of ``± 0.5, 1, 1.5, 2, 3, 4, 5`` units of that input's uncertainty (the ± of the SMAA
draws: a stance's position uncertainty, ``uncertainty.salience`` and ``.capability`` as
shares of the value, ``uncertainty.relations`` as a share of the tie's weight):

- a position or a salience of one actor on one issue (the world's stance; an option that
  sets that field itself keeps its own value), the balancer's interests included;
- one actor's capability on every issue (a factor);
- the weight of the balancer's tie with one actor (a factor on the tie, before and after
  every option).

Every grid point of every input is evaluated in vectorised batches through the model's
batch API (``estimator.forecast_batch`` via :func:`equipoise.models.api.bargain_batch`;
per-issue models rerun only the changed issue), the criteria are recomputed and normalised
as the deterministic analysis does (min-max over the options, per grid point), and for each
option and doctrine the grid point with the fewest units that makes the option first under
the doctrine's central weights is reported (the first of up to three different inputs, each
sufficient alone), then refined on 7 points evenly spaced between it and the nearest grid
point (or the present value) that does not make the option first. It is approximate twice
over: the grid (a change that works between grid points where neither does is missed, and
the refinement leaves 1/8 of a grid step), and one input at a time (a combination of smaller
changes may also do).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models.api import bargain_batch
from ...models.spaces import is_spatial
from ..analysis import _criteria_values, _forecast_options, _position_uncertainty
from ..consequences import apply_bounds
from .judgements import LEAD, Change

if TYPE_CHECKING:
    from ...scenario import Scenario
    from .explanation import Explanation

__all__ = ["GRID", "REFINE", "search_changes", "apply_input_change", "grid_points_bound"]

#: Grid of the line search, in units of the input's uncertainty (both signs).
GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0)
#: Points that refine each reported change between its grid point and the nearest failing one.
REFINE = 7
#: Grid points evaluated together between two checks of the deadline (every input's grid
#: points stay in one batch). Results do not depend on it: each point is its own model run.
SEARCH_BATCH = 512


@dataclass(frozen=True)
class _Input:
    kind: str  # position, salience, capability, relation
    label: str
    actor: int  # index in the problem's actors (tie index for relations)
    issue: int  # -1: every issue
    old: float
    unit: float  # one unit of uncertainty, in the input's own units (factor for c, ties)


def _inputs(st: Any, scenario: Scenario) -> list[_Input]:
    base = st.base
    actors, issues = base.actors, base.issues
    unc = _position_uncertainty(st, scenario)
    u = scenario.uncertainty
    out: list[_Input] = []
    for a, actor in enumerate(actors):
        for d, issue in enumerate(issues):
            if np.isnan(base.position[a, d]):
                continue
            if unc[a, d] > 0:
                out.append(
                    _Input(
                        "position",
                        f"stance.{actor}.{issue}.position",
                        a,
                        d,
                        float(base.position[a, d]),
                        float(unc[a, d]),
                    )
                )
            s = float(base.salience[a, d])
            if s > 0 and u.salience > 0:
                out.append(
                    _Input("salience", f"stance.{actor}.{issue}.salience", a, d, s, u.salience * s)
                )
    if u.capability > 0:
        for a, actor in enumerate(actors):
            present = ~np.isnan(base.position[a])
            if present.any():
                cap = np.broadcast_to(base.capability, base.position.shape)[a, present]
                out.append(
                    _Input(
                        "capability",
                        f"actor.{actor}.capability",
                        a,
                        -1,
                        float(np.mean(cap)),
                        u.capability,
                    )
                )
    if u.relations > 0:
        for t, actor in enumerate(st.tie_actors):
            out.append(
                _Input(
                    "relation",
                    f"relation.{st.balancer}-{actor}.weight",
                    t,
                    -1,
                    float(st.ties_before[t]),
                    u.relations,
                )
            )
    return out


def grid_points_bound(scenario: Scenario) -> int:
    """An upper bound on the grid points :func:`search_changes` evaluates, from the
    scenario's size alone: ``2 len(GRID)`` points for each input (a stance's position and
    salience, each actor's capability, each tie of the balancer). Each point reruns the
    model on the changed input."""
    b = scenario.balancer
    ties = sum(1 for r in scenario.relations if b is not None and b in (r.from_, r.to))
    return 2 * len(GRID) * (2 * len(scenario.stances) + len(scenario.actors) + ties)


def _grid(inp: _Input, lower: np.ndarray, upper: np.ndarray) -> list[tuple[float, float]]:
    """(units, new value or factor) of the grid points that change the input."""
    out = []
    for g in (*GRID, *(-x for x in GRID)):
        if inp.kind == "position":
            new = float(np.clip(inp.old + g * inp.unit, lower[inp.issue], upper[inp.issue]))
            if abs(new - inp.old) > 1e-12:
                out.append((abs(new - inp.old) / inp.unit, new))
        elif inp.kind == "salience":
            new = float(np.clip(inp.old + g * inp.unit, 0.0, 1.0))
            if abs(new - inp.old) > 1e-12:
                out.append((abs(new - inp.old) / inp.unit, new))
        else:  # a factor
            f = 1.0 + g * inp.unit
            if f > 1e-9 and abs(f - 1.0) > 1e-12:  # a weight or capability stays > 0
                out.append((abs(f - 1.0) / inp.unit, f))
    return sorted(set(out))


def _outcomes(
    st: Any, rows: list[tuple[_Input, float]], raw0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bounded outcomes ``(N, m, D)``, interests and tie factors for the model rows."""
    base = st.base
    n = len(rows)
    m, n_d = raw0.shape
    actors = list(base.actors)
    ix = np.repeat(base.position[None], n, axis=0)
    is_ = np.repeat(base.salience[None], n, axis=0)
    outcomes = np.repeat(raw0[None], n, axis=0)
    per_issue = not st.engine.estimator.joint_issues and not is_spatial(st.engine.estimator)
    groups: dict[int, list[int]] = {}
    for r, (inp, _) in enumerate(rows):
        groups.setdefault(inp.issue if per_issue else -1, []).append(r)
    for r, (inp, new) in enumerate(rows):
        if inp.kind == "position":
            ix[r, inp.actor, inp.issue] = new
        elif inp.kind == "salience":
            is_[r, inp.actor, inp.issue] = new
    for issue, sel in groups.items():
        cols = list(range(n_d)) if issue < 0 else [issue]
        seen: dict[bytes, np.ndarray] = {}
        for k, p in enumerate(st.problems):
            cap = np.broadcast_to(p.capability, p.position.shape)
            key = b"|".join(
                [
                    p.position[:, cols].tobytes(),
                    p.salience[:, cols].tobytes(),
                    cap[:, cols].tobytes(),
                ]
            )
            if key in seen:
                block = outcomes[sel, k]  # a copy (fancy indexing): write it back
                block[:, cols] = seen[key]
                outcomes[sel, k] = block
                continue
            x = np.repeat(p.position[None], len(sel), axis=0)
            s = np.repeat(p.salience[None], len(sel), axis=0)
            c = np.repeat(cap[None], len(sel), axis=0).astype(float)
            for j, r in enumerate(sel):
                inp, new = rows[r]
                a, d = inp.actor, inp.issue
                if inp.kind == "position" and p.position[a, d] == base.position[a, d]:
                    x[j, a, d] = new
                elif inp.kind == "salience" and p.salience[a, d] == base.salience[a, d]:
                    s[j, a, d] = new
                elif inp.kind == "capability":
                    c[j, a, :] *= new
            res = bargain_batch(
                st.engine.estimator,
                x[:, :, cols],
                s[:, :, cols],
                c[:, :, cols],
                lower=p.lower[cols],
                upper=p.upper[cols],
                issues=[p.issues[d] for d in cols],
                actors=actors,
                decided_by=[p.decided_by[d] for d in cols],
                spaces=[p.spaces[d] for d in cols],
            )
            seen[key] = res
            block = outcomes[sel, k]
            block[:, cols] = res
            outcomes[sel, k] = block
    return apply_bounds(outcomes, st.layers), ix, is_, np.ones((n, len(st.tie_actors)))


def _normalised(st: Any, rows: list[tuple[_Input, float]], raw0: np.ndarray) -> np.ndarray:
    """Normalised criteria ``(N, m, k)`` of each row (one input set to a value or factor),
    min-max over the options per row as in the deterministic analysis."""
    model_rows = [r for r, (inp, _) in enumerate(rows) if inp.kind != "relation"]
    tie_rows = [r for r, (inp, _) in enumerate(rows) if inp.kind == "relation"]
    n = len(rows)
    m = len(st.options)
    values = np.empty((n, m, len(st.criteria)))
    declared = st.declared_values[None]
    if model_rows:
        out, ix, is_, tf = _outcomes(st, [rows[r] for r in model_rows], raw0)
        values[model_rows] = _criteria_values(
            st,
            out,
            ix,
            is_,
            tf,
            np.broadcast_to(declared, (len(model_rows), *st.declared_values.shape)),
        )
    if tie_rows:
        k = len(tie_rows)
        tf = np.ones((k, len(st.tie_actors)))
        for j, r in enumerate(tie_rows):
            inp, f = rows[r]
            tf[j, inp.actor] = f
        out = np.repeat(apply_bounds(raw0[None], st.layers), k, axis=0)
        values[tie_rows] = _criteria_values(
            st,
            out,
            np.repeat(st.base.position[None], k, axis=0),
            np.repeat(st.base.salience[None], k, axis=0),
            tf,
            np.broadcast_to(declared, (k, *st.declared_values.shape)),
        )
    lo = values.min(axis=1, keepdims=True)
    span = values.max(axis=1, keepdims=True) - lo
    span = np.where(span > 1e-12 * np.maximum(np.abs(lo), 1.0), span, np.inf)
    out_norm: np.ndarray = (values - lo) / span
    return out_norm


def _units(inp: _Input, new: float) -> float:
    base = 1.0 if inp.kind in ("capability", "relation") else inp.old
    return abs(new - base) / inp.unit


def _first(norm: np.ndarray, x: int, weights: np.ndarray) -> np.ndarray:
    """Whether option ``x`` leads every other by at least :data:`LEAD`, per row."""
    scores = norm @ weights
    return np.asarray(scores[:, x] - np.delete(scores, x, axis=1).max(axis=1) >= LEAD)


def search_changes(
    expl: Explanation, scenario: Scenario, st: Any, deadline: float | None = None
) -> None:
    """Fill ``approximate`` of every option view of ``expl`` (module docstring); ``st``:
    the decision analysis' setting (``decision.analysis._setting``) it was computed from.

    After the grid, each reported input's change is refined on :data:`REFINE` points evenly
    spaced between its nearest failing and its succeeding value (one more batch).

    ``deadline`` (``time.monotonic()``): the inputs are evaluated in batches of about
    :data:`SEARCH_BATCH` grid points, and no batch starts after it (nor the refinement); the
    inputs searched are recorded in ``expl.search_inputs`` (searched, total), so a search
    cut short says what it covered. A batch that has started runs to its end."""
    raw0 = _forecast_options(
        st, st.engine, lambda p: (p.position[None], p.salience[None], p.capability[None])
    )[0]
    inputs = _inputs(st, scenario)
    grids = [[(inp, new) for _, new in _grid(inp, st.base.lower, st.base.upper)] for inp in inputs]
    expl.search_inputs = (0, sum(1 for g in grids if g))
    rows: list[tuple[_Input, float]] = []
    parts: list[np.ndarray] = []
    done = 0
    while done < len(grids):  # inputs in batches, the deadline checked between them
        if deadline is not None and time.monotonic() >= deadline:
            break
        batch: list[tuple[_Input, float]] = []
        while done < len(grids) and (not batch or len(batch) + len(grids[done]) <= SEARCH_BATCH):
            batch += grids[done]
            done += 1
        if batch:
            parts.append(_normalised(st, batch, raw0))
            rows += batch
    expl.search_inputs = (sum(1 for g in grids[:done] if g), expl.search_inputs[1])
    if not rows:
        return
    norm = np.concatenate(parts)
    units = np.array([_units(inp, new) for inp, new in rows])
    order = list(expl.options)
    # tasks: (option, doctrine, input, failing value, succeeding value)
    tasks: list[list[Any]] = []
    for o, per in expl.views.items():
        x = order.index(o)
        for d, view in per.items():
            if view.change == []:
                continue
            ok = _first(norm, x, expl.doctrines[d].central)
            seen: set[str] = set()
            for r in np.flatnonzero(ok)[np.argsort(units[ok], kind="stable")]:
                inp, new = rows[r]
                if inp.label in seen:  # the nearest point of each input only
                    continue
                seen.add(inp.label)
                if len(seen) > 3:
                    break
                start = 1.0 if inp.kind in ("capability", "relation") else inp.old
                side = np.sign(new - start)
                fails = [
                    v
                    for (i2, v), good in zip(rows, ok)
                    if i2 is inp
                    and not good
                    and np.sign(v - start) == side
                    and abs(v - start) < abs(new - start)
                ]
                near = max(fails, key=lambda v: abs(v - start)) if fails else start
                tasks.append([o, d, x, inp, near, new])
    late = deadline is not None and time.monotonic() >= deadline
    if tasks and not late:  # one batch: REFINE points between the failing and succeeding values
        share = np.arange(1, REFINE + 1) / (REFINE + 1)
        fine = [(t[3], t[4] + f * (t[5] - t[4])) for t in tasks for f in share]
        fine_norm = _normalised(st, fine, raw0)
        for j, t in enumerate(tasks):
            block = fine_norm[j * REFINE : (j + 1) * REFINE]
            good = _first(block, t[2], expl.doctrines[t[1]].central)
            if good.any():
                t[5] = fine[j * REFINE + int(np.argmax(good))][1]
    found: dict[tuple[str, str], list[Change]] = {}
    for o, d, _, inp, _, new in tasks:
        factor = inp.kind in ("capability", "relation")
        found.setdefault((o, d), []).append(
            Change(
                inp.label,
                inp.old,
                inp.old * new if factor else new,
                _units(inp, new),
                kind=inp.kind,
            )
        )
    for (o, d), changes in found.items():
        expl.views[o][d].approximate = sorted(changes, key=lambda c: c.units)


def apply_input_change(scenario: Scenario, change: Change) -> Scenario:
    """A copy of ``scenario`` with one searched change made (for checking it by re-running
    ``decide``): a stance's position or salience; an actor's capability (its own and its
    stances', by the same factor); the weight of every relation between the balancer and
    the actor (by the same factor; a relation without a weight gets the factor as its
    weight, 1 being the default)."""
    from ...scenario import Sourced

    s = scenario.model_copy(deep=True)
    parts = change.input.split(".")
    if change.kind in ("position", "salience"):
        actor, issue = parts[1], ".".join(parts[2:-1])
        for k, st in enumerate(s.stances):
            if st.actor == actor and st.issue == issue:
                field = getattr(st, change.kind)
                s.stances[k] = st.model_copy(
                    update={change.kind: field.model_copy(update={"value": change.new})}
                )
        return s
    factor = change.new / change.old if change.old else 0.0
    if change.kind == "capability":
        actor = ".".join(parts[1:-1])
        for k, a in enumerate(s.actors):
            if a.id == actor and a.capability is not None:
                s.actors[k] = a.model_copy(
                    update={
                        "capability": a.capability.model_copy(
                            update={"value": a.capability.value * factor}
                        )
                    }
                )
        for k, st in enumerate(s.stances):
            if st.actor == actor and st.capability is not None:
                s.stances[k] = st.model_copy(
                    update={
                        "capability": st.capability.model_copy(
                            update={"value": st.capability.value * factor}
                        )
                    }
                )
        return s
    pair = ".".join(parts[1:-1])
    balancer = s.balancer or ""
    other = pair[len(balancer) + 1 :]
    for k, r in enumerate(s.relations):
        if {r.from_, r.to} == {balancer, other}:
            w = r.weight.value if r.weight is not None else 1.0
            s.relations[k] = r.model_copy(
                update={"weight": Sourced(value=w * factor, assumption="explain: searched change")}
            )
    return s

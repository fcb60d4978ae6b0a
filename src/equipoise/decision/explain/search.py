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
sufficient alone). It is approximate twice over: the grid's
resolution, and one input at a time (a combination of smaller changes may also do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models.api import bargain_batch
from ..analysis import _criteria_values, _forecast_options, _position_uncertainty
from ..consequences import apply_bounds
from .judgements import LEAD, Change

if TYPE_CHECKING:
    from ...scenario import Scenario
    from .explanation import Explanation

__all__ = ["GRID", "search_changes", "apply_input_change"]

#: Grid of the line search, in units of the input's uncertainty (both signs).
GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0)


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
                out.append(_Input("position", f"stance.{actor}.{issue}.position", a, d,
                                  float(base.position[a, d]), float(unc[a, d])))
            s = float(base.salience[a, d])
            if s > 0 and u.salience > 0:
                out.append(_Input("salience", f"stance.{actor}.{issue}.salience", a, d, s,
                                  u.salience * s))
    if u.capability > 0:
        for a, actor in enumerate(actors):
            present = ~np.isnan(base.position[a])
            if present.any():
                cap = np.broadcast_to(base.capability, base.position.shape)[a, present]
                out.append(_Input("capability", f"actor.{actor}.capability", a, -1,
                                  float(np.mean(cap)), u.capability))
    if u.relations > 0:
        for t, actor in enumerate(st.tie_actors):
            out.append(_Input("relation", f"relation.{st.balancer}-{actor}.weight", t, -1,
                              float(st.ties_before[t]), u.relations))
    return out


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


def _outcomes(st: Any, rows: list[tuple[_Input, float]], raw0: np.ndarray) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bounded outcomes ``(N, m, D)``, interests and tie factors for the model rows."""
    base = st.base
    n = len(rows)
    m, n_d = raw0.shape
    actors = list(base.actors)
    ix = np.repeat(base.position[None], n, axis=0)
    is_ = np.repeat(base.salience[None], n, axis=0)
    outcomes = np.repeat(raw0[None], n, axis=0)
    per_issue = not st.engine.estimator.joint_issues
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
            key = b"|".join([p.position[:, cols].tobytes(), p.salience[:, cols].tobytes(),
                             cap[:, cols].tobytes()])
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
            res = bargain_batch(st.engine.estimator, x[:, :, cols], s[:, :, cols],
                                c[:, :, cols], lower=p.lower[cols], upper=p.upper[cols],
                                issues=[p.issues[d] for d in cols], actors=actors,
                                decided_by=[p.decided_by[d] for d in cols])
            seen[key] = res
            block = outcomes[sel, k]
            block[:, cols] = res
            outcomes[sel, k] = block
    return apply_bounds(outcomes, st.layers), ix, is_, np.ones((n, len(st.tie_actors)))


def search_changes(expl: Explanation, scenario: Scenario, st: Any) -> None:
    """Fill ``approximate`` of every option view of ``expl`` (module docstring); ``st``:
    the decision analysis' setting (``decision.analysis._setting``) it was computed from."""
    raw0 = _forecast_options(st, st.engine, lambda p: (
        p.position[None], p.salience[None], p.capability[None]))[0]
    inputs = _inputs(st, scenario)
    rows: list[tuple[_Input, float]] = []
    units: list[float] = []
    for inp in inputs:
        for un, new in _grid(inp, st.base.lower, st.base.upper):
            rows.append((inp, new))
            units.append(un)
    if not rows:
        return
    model_rows = [r for r, (inp, _) in enumerate(rows) if inp.kind != "relation"]
    tie_rows = [r for r, (inp, _) in enumerate(rows) if inp.kind == "relation"]
    n = len(rows)
    m = len(st.options)
    values = np.empty((n, m, len(st.criteria)))
    declared = np.repeat(st.declared_values[None], 1, axis=0)
    if model_rows:
        out, ix, is_, tf = _outcomes(st, [rows[r] for r in model_rows], raw0)
        values[model_rows] = _criteria_values(st, out, ix, is_, tf, np.broadcast_to(
            declared, (len(model_rows), *st.declared_values.shape)))
    if tie_rows:
        k = len(tie_rows)
        tf = np.ones((k, len(st.tie_actors)))
        for j, r in enumerate(tie_rows):
            inp, f = rows[r]
            tf[j, inp.actor] = f
        out = np.repeat(apply_bounds(raw0[None], st.layers), k, axis=0)
        values[tie_rows] = _criteria_values(
            st, out, np.repeat(st.base.position[None], k, axis=0),
            np.repeat(st.base.salience[None], k, axis=0), tf,
            np.broadcast_to(declared, (k, *st.declared_values.shape)))
    lo = values.min(axis=1, keepdims=True)
    span = values.max(axis=1, keepdims=True) - lo
    span = np.where(span > 1e-12 * np.maximum(np.abs(lo), 1.0), span, np.inf)
    norm = (values - lo) / span
    units_a = np.asarray(units)
    order = list(expl.options)
    index = [order.index(o.id) for o in st.options]  # the setting's order = the analysis'
    for o, per in expl.views.items():
        x = index.index(order.index(o))
        for d, view in per.items():
            if view.change == []:
                continue
            scores = norm @ expl.doctrines[d].central  # (N, m)
            rivals = np.delete(scores, x, axis=1).max(axis=1)
            ok = np.flatnonzero(scores[:, x] - rivals >= LEAD)
            if ok.size == 0:
                continue
            found = []
            seen_inputs: set[str] = set()
            for r in ok[np.argsort(units_a[ok], kind="stable")]:
                inp, new = rows[r]
                if inp.label in seen_inputs:  # the nearest point of each input only
                    continue
                seen_inputs.add(inp.label)
                if len(seen_inputs) > 3:
                    break
                factor = inp.kind in ("capability", "relation")
                found.append(Change(inp.label, inp.old, inp.old * new if factor else new,
                                    float(units_a[r]), kind=inp.kind))
            view.approximate = found


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
                s.stances[k] = st.model_copy(update={
                    change.kind: field.model_copy(update={"value": change.new})})
        return s
    factor = change.new / change.old if change.old else 0.0
    if change.kind == "capability":
        actor = ".".join(parts[1:-1])
        for k, a in enumerate(s.actors):
            if a.id == actor and a.capability is not None:
                s.actors[k] = a.model_copy(update={"capability": a.capability.model_copy(
                    update={"value": a.capability.value * factor})})
        for k, st in enumerate(s.stances):
            if st.actor == actor and st.capability is not None:
                s.stances[k] = st.model_copy(update={"capability": st.capability.model_copy(
                    update={"value": st.capability.value * factor})})
        return s
    pair = ".".join(parts[1:-1])
    balancer = s.balancer
    other = pair[len(balancer) + 1:]
    for k, r in enumerate(s.relations):
        if {r.from_, r.to} == {balancer, other}:
            w = r.weight.value if r.weight is not None else 1.0
            s.relations[k] = r.model_copy(update={"weight": Sourced(
                value=w * factor, assumption="explain: searched change")})
    return s

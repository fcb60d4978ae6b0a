"""The smallest change of declared judgements that makes an option first: an exact MILP.

The inputs are the declared criteria values ``x_v`` of the options (the status quo's
included; a variant's override where the variant gives one; a package's own value where it
declares one). A package's value that combines its parts' values is an affine function of
them as long as it keeps its form — the sum (or mean) stays inside the criterion's scale, or
stays clipped at the same end, or the same part stays the largest (``max``) — and the
program keeps that form (a constraint per package and criterion).

The distance is ``sum_v |x_v - x0_v| / u_v``, each change in units of its criterion's
declared uncertainty ``u`` (the ± of the SMAA draws); an input with ``u = 0`` is fixed.

Scores are those of a doctrine's central weights ``w0``:
``score_i = sum_j w0_j (c_ij - lo_j) / span_j`` with ``c_ij = sign_j x_ij`` and
``lo_j``, ``span_j`` the minimum and range of criterion j over the options (the
deterministic analysis' normalisation). That normalisation depends on the values
themselves; the program **keeps every declared criterion's normalisation bounds**: every
value stays within the criterion's present lowest and highest value over the options, and
some option still takes each of the two (one binary variable per option, criterion and end,
added lazily, for the ends a relaxation moved inward). Under that condition the
scores are linear in ``x`` and the optimum is exact: re-running ``decide`` on the changed
scenario reproduces the predicted scores. X must lead every other option by at least
:data:`LEAD` (a strict first, as ``decide``'s ``argmax`` requires).

Solved with ``scipy.optimize.milp`` (HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from ...errors import ModelInputError
from ...scenario import Scenario
from ..criteria import DeclaredCriterion
from .lp import solve_lp

__all__ = [
    "Judgement",
    "JudgementModel",
    "Change",
    "judgement_model",
    "smallest_change",
    "apply_judgements",
    "LEAD",
]

#: The lead over every other option that counts as "first" for the smallest change.
LEAD = 1e-6


@dataclass(frozen=True)
class Judgement:
    """One declared value the program may change."""

    owner: str  # option or package id
    criterion: str
    value: float
    lo: float  # the criterion's scale
    hi: float
    unit: float  # the criterion's declared uncertainty
    variant: str | None = None  # the variant whose override this value is

    @property
    def input(self) -> str:
        return f"{self.owner}.{self.criterion}"


@dataclass(frozen=True)
class Change:
    """A changed input: ``input`` from ``old`` to ``new`` (``units`` of its uncertainty)."""

    input: str
    old: float
    new: float
    units: float
    owner: str = ""
    criterion: str = ""
    kind: str = "declared criterion"


@dataclass
class JudgementModel:
    """Declared values as affine functions of the judgements: ``V[i, j] = E[i, j] . x + e0``."""

    judgements: list[Judgement]
    criteria: list[str]  # declared criteria ids, in the analysis' order
    columns: list[int]  # their column in the analysis' criteria
    signs: np.ndarray  # (kd,)
    expr: np.ndarray  # (m, kd, nv)
    offset: np.ndarray  # (m, kd)
    extra_a: np.ndarray  # (r, nv) package-form constraints extra_a x <= extra_b
    extra_b: np.ndarray
    low: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (kd,) min over options
    high: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (kd,) max over options

    @property
    def x0(self) -> np.ndarray:
        return np.array([j.value for j in self.judgements])

    def values(self, x: np.ndarray) -> np.ndarray:
        """Declared values ``(m, kd)`` of every evaluated option for judgements ``x``."""
        out: np.ndarray = np.einsum("ijv,v->ij", self.expr, x) + self.offset
        return out


def judgement_model(
    scenario: Scenario,
    variant: str | None,
    options: list[str],
    declared: dict[str, DeclaredCriterion],
    criteria: list[str],
) -> JudgementModel:
    """The affine model of the declared values of ``options`` (the analysis' order)."""
    from ..changes import options_of
    from ..packages import COMBINE

    chosen = next((v for v in scenario.variants if v.id == variant), None)
    overrides = chosen.costs if chosen is not None else {}
    names = list(declared)
    kd = len(names)
    judgements: list[Judgement] = []
    index: dict[tuple[str, str], int] = {}
    own = {o.id: {**o.costs, **o.criteria} for o in options_of(scenario)}
    for o_id, values in own.items():
        for c in names:
            crit = declared[c]
            if o_id in overrides and c in overrides[o_id]:
                value, by = overrides[o_id][c].value, variant
            elif c in values:
                value, by = values[c].value, None
            else:
                raise ModelInputError(f"option '{o_id}' declares no value for {c}")
            index[(o_id, c)] = len(judgements)
            judgements.append(
                Judgement(o_id, c, float(value), crit.lo, crit.hi, crit.uncertainty, by)
            )
    for p in scenario.packages:
        for c, own_value in p.criteria.items():
            if c in declared:
                crit = declared[c]
                index[(p.package_id, c)] = len(judgements)
                judgements.append(
                    Judgement(
                        p.package_id, c, float(own_value.value), crit.lo, crit.hi, crit.uncertainty
                    )
                )
    nv = len(judgements)
    x0 = np.array([j.value for j in judgements])
    m = len(options)
    expr = np.zeros((m, kd, nv))
    offset = np.zeros((m, kd))
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    packages = {p.package_id: p for p in scenario.packages}
    for i, o in enumerate(options):
        for j, c in enumerate(names):
            if (o, c) in index:
                expr[i, j, index[(o, c)]] = 1.0
                continue
            if o not in packages:
                raise ModelInputError(
                    f"option '{o}' is neither declared nor a package "
                    "(explain does not take --combinations)"
                )
            p = packages[o]
            parts = [index[(q, c)] for q in p.options if (q, c) in index]
            lo, hi = declared[c].lo, declared[c].hi
            rule = str(p.combine or getattr(declared[c], "combine", "sum"))
            if rule == "max":
                top = max(parts, key=lambda v: x0[v])
                expr[i, j, top] = 1.0
                for v in parts:
                    if v != top:  # the same part stays the largest
                        row = np.zeros(nv)
                        row[v], row[top] = 1.0, -1.0
                        rows.append(row)
                        rhs.append(0.0)
                continue
            coef = np.zeros(nv)
            coef[parts] = 1.0 if rule == "sum" else 1.0 / len(parts)
            now = COMBINE[rule]([x0[v] for v in parts])
            if now > hi:  # stays clipped at the top: coef.x >= hi
                offset[i, j] = hi
                rows.append(-coef)
                rhs.append(-hi)
            elif now < lo:
                offset[i, j] = lo
                rows.append(coef)
                rhs.append(lo)
            else:  # stays inside the scale
                expr[i, j] = coef
                rows += [coef, -coef]
                rhs += [hi, -lo]
    model = JudgementModel(
        judgements,
        names,
        [criteria.index(c) for c in names],
        np.array([declared[c].sign for c in names]),
        expr,
        offset,
        np.array(rows).reshape(len(rows), nv),
        np.array(rhs),
    )
    now_values = model.values(x0)
    model.low = now_values.min(axis=0) if m else np.zeros(kd)
    model.high = now_values.max(axis=0) if m else np.zeros(kd)
    return model


def _extremes_lost(model: JudgementModel, x: np.ndarray) -> set[tuple[int, int]]:
    """(criterion, end) whose present extreme no option takes any more (0: highest)."""
    v = model.values(x)
    live = model.high - model.low > 0
    top = np.flatnonzero(live & (v.max(axis=0) < model.high - 1e-9))
    bottom = np.flatnonzero(live & (v.min(axis=0) > model.low + 1e-9))
    return {(int(j), 0) for j in top} | {(int(j), 1) for j in bottom}


def smallest_change(
    model: JudgementModel, normalised: np.ndarray, weights: np.ndarray, option: int
) -> list[Change] | None:
    """The least ``sum |x - x0| / u`` that makes ``option`` first under ``weights``
    (module docstring); ``[]`` when it is first already, ``None`` when no change of the
    declared values within their normalisation bounds makes it first."""
    n = np.asarray(normalised, float)
    w0 = np.asarray(weights, float)
    scores = n @ w0
    m = n.shape[0]
    rivals = [i for i in range(m) if i != option]
    if all(scores[option] - scores[y] >= LEAD for y in rivals):
        return []
    x0 = model.x0
    nv = len(x0)
    if nv == 0:
        return None
    span = model.high - model.low
    live = span > 1e-12 * np.maximum(np.abs(model.low), 1.0)
    g = np.where(live, w0[model.columns] * model.signs / np.where(live, span, 1.0), 0.0)
    grad = np.einsum("j,ijv->iv", g, model.expr)  # (m, nv): d score_i / d x
    units = np.array([j.unit for j in model.judgements])
    moves = units > 0
    # variables: x (nv), e (nv) with e >= |x - x0|
    eye = np.eye(nv)
    a_rows = [np.hstack([eye, -eye]), np.hstack([-eye, -eye])]
    a_hi = [x0, -x0]
    lead = np.array([grad[y] - grad[option] for y in rivals])
    a_rows.append(np.hstack([lead, np.zeros((len(rivals), nv))]))
    a_hi.append(np.array([scores[option] - scores[y] - LEAD for y in rivals]) + lead @ x0)
    if model.extra_a.size:
        a_rows.append(np.hstack([model.extra_a, np.zeros((len(model.extra_b), nv))]))
        a_hi.append(model.extra_b)
    # every value within its criterion's normalisation bounds (constant ones are fixed)
    flat_e = model.expr.reshape(-1, nv)
    flat_o = model.offset.reshape(-1)
    lo_b = np.tile(model.low, m)
    hi_b = np.tile(model.high, m)
    keep = np.any(flat_e != 0, axis=1)
    a_rows += [
        np.hstack([flat_e[keep], np.zeros((int(keep.sum()), nv))]),
        np.hstack([-flat_e[keep], np.zeros((int(keep.sum()), nv))]),
    ]
    a_hi += [hi_b[keep] - flat_o[keep], flat_o[keep] - lo_b[keep]]
    a = np.vstack(a_rows)
    b = np.concatenate(a_hi)
    lo_x = np.array([j.lo for j in model.judgements])
    hi_x = np.array([j.hi for j in model.judgements])
    lo_x = np.where(moves, lo_x, x0)
    hi_x = np.where(moves, hi_x, x0)
    cost = np.concatenate([np.zeros(nv), np.where(moves, 1.0 / np.where(moves, units, 1.0), 0.0)])
    lower = np.concatenate([lo_x, np.zeros(nv)])
    upper = np.concatenate([hi_x, np.full(nv, np.inf)])
    res = solve_lp(cost, a, np.full(len(b), -np.inf), b, lower, upper)  # the relaxation
    if res.status != "optimal" or res.x is None:
        return None
    x = res.x[:nv]
    # keep the extremes lazily: add the binaries of the ends the relaxation lost, re-solve,
    # until every end is kept (each round's optimum bounds the full problem's from below,
    # so the first that keeps every end is optimal)
    enforced: set[tuple[int, int]] = set()
    lost = _extremes_lost(model, x)
    while lost:
        enforced |= lost
        found = _with_extremes(model, cost, a, b, lower, upper, enforced)
        if found is None:
            return None
        x = found
        lost = _extremes_lost(model, x)
    return [
        Change(
            j.input, j.value, float(x[v]), abs(float(x[v]) - j.value) / j.unit, j.owner, j.criterion
        )
        for v, j in enumerate(model.judgements)
        if abs(x[v] - j.value) > 1e-9
    ]


def _with_extremes(
    model: JudgementModel,
    cost: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    ends: set[tuple[int, int]],
) -> np.ndarray | None:
    """The MILP: some option still takes each of ``ends`` — (criterion, 0) its highest
    value, (criterion, 1) its lowest."""
    m, kd, nv = model.expr.shape
    n_bin = 2 * m * kd
    width = 2 * nv
    a_full = np.hstack([a, np.zeros((a.shape[0], n_bin))])
    rows, lo_r, hi_r = [a_full], [np.full(a.shape[0], -np.inf)], [b]
    for j in range(kd):
        spread = model.high[j] - model.low[j]
        if spread <= 0:
            continue
        for end in (0, 1):  # 0: the highest value is taken; 1: the lowest
            if (j, end) not in ends:
                continue
            pick = np.zeros(width + n_bin)
            for i in range(m):
                z = width + (end * m * kd) + i * kd + j
                pick[z] = 1.0
                row = np.zeros(width + n_bin)
                row[:nv] = model.expr[i, j]
                if end == 0:  # V >= low + spread z
                    row[z] = -spread
                    rows.append(row[None])
                    lo_r.append(np.array([model.low[j] - model.offset[i, j]]))
                    hi_r.append(np.array([np.inf]))
                else:  # V <= high - spread z
                    row[z] = spread
                    rows.append(row[None])
                    lo_r.append(np.array([-np.inf]))
                    hi_r.append(np.array([model.high[j] - model.offset[i, j]]))
            rows.append(pick[None])
            lo_r.append(np.array([1.0]))
            hi_r.append(np.array([np.inf]))
    c = np.concatenate([cost, np.zeros(n_bin)])
    integrality = np.concatenate([np.zeros(width), np.ones(n_bin)])
    res = milp(
        c,
        constraints=[LinearConstraint(np.vstack(rows), np.concatenate(lo_r), np.concatenate(hi_r))],
        integrality=integrality,
        bounds=Bounds(
            np.concatenate([lower, np.zeros(n_bin)]), np.concatenate([upper, np.ones(n_bin)])
        ),
    )
    if res.status != 0 or res.x is None:
        return None
    return np.asarray(res.x[:nv], float)


def apply_judgements(
    scenario: Scenario, changes: list[Change], variant: str | None = None
) -> Scenario:
    """A copy of ``scenario`` with the declared values of ``changes`` set (the variant's
    override where the variant gives one), for checking a change by re-running ``decide``."""
    s = scenario.model_copy(deep=True)
    chosen = next((v for v in s.variants if v.id == variant), None)
    for ch in changes:
        o, c = ch.owner, ch.criterion
        if chosen is not None and c in chosen.costs.get(o, {}):
            entry = chosen.costs[o]
        else:
            option = next((x for x in s.options if x.id == o), None)
            if option is not None:
                entry = option.criteria if c in option.criteria else option.costs
            else:
                entry = next(p for p in s.packages if p.package_id == o).criteria
        entry[c] = entry[c].model_copy(update={"value": ch.new})
    return s

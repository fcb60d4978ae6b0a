"""Global sensitivity of the decision: Sobol indices over groups of inputs (SALib).

Sobol, I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation* 55, 271-280; Saltelli, A.
et al. (2010). Variance based sensitivity analysis of model output. *Computer Physics
Communications* 181, 259-270. Sampling and estimation are SALib's (``SALib.sample.sobol``,
``SALib.analyze.sobol``; Herman & Usher 2017), with groups of inputs.

For an output ``Y = f(X)`` of independent inputs and a group ``G`` of them, the first-order
index ``S_G = Var(E[Y | X_G]) / Var(Y)`` is the share of the variance that ``G`` explains
alone, the total index ``T_G = E[Var(Y | X_~G)] / Var(Y)`` the share it has a hand in
(interactions included). ``N`` base samples (a power of 2) give ``N (G + 2)`` evaluations
(no second-order indices); confidence intervals are SALib's bootstrap (``conf_level``).

The decision's inputs are the SMAA draws' (:mod:`.analysis`), each a uniform on ``[0, 1]``
mapped exactly as a draw maps its noise: a stance's position ``x + (2u - 1) w`` (clipped to
the scale), salience and capability times ``1 + (2u - 1) r``, each declared criterion
value of each option (options with identical content share theirs) ``v + (2u - 1) w_c``
(clipped), each of the balancer's ties times ``1 + (2u - 1) r_t``, and the weights: a
doctrine picked by one uniform (``floor(u D)``) and weights uniform within its ranges
(normalised), or, without doctrines, uniform on the simplex of ``outcome``, ``relations``
and the declared criteria. The draws use the deterministic evaluation's model only.

Outputs: each option's score (its weighted sum of the criteria, normalised by the minimum
and maximum over options and samples, as in the SMAA) and the robust option's *margin*, its
score minus the best other option's (negative where it is not first).

Groups, two ways (two separate samples): **by kind** of judgement (positions, saliences,
capabilities, declared criteria, relation weights, doctrine weights) and **by actor** (an
actor's positions, saliences, capabilities and the balancer's tie to it; the declared
criteria and the doctrine weights are two more groups, the balancer's own judgements).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..scenario import Scenario
from ..strict_json import rounded
from .executor import Executor, require

__all__ = [
    "SobolIndices",
    "SensitivityResult",
    "sobol_indices",
    "decision_sensitivity",
    "KINDS",
    "DEFAULT_N",
]

#: Base samples of ``--sensitivity`` unless ``--sensitivity-n`` says otherwise.
DEFAULT_N = 1024
KINDS = (
    "positions",
    "saliences",
    "capabilities",
    "declared criteria",
    "relation weights",
    "doctrine weights",
)
_PURPOSE = "Sobol sensitivity (--sensitivity)"


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol indices of one output, per group, with the half-widths
    of their bootstrap confidence intervals."""

    groups: list[str]
    first: np.ndarray
    first_conf: np.ndarray
    total: np.ndarray
    total_conf: np.ndarray

    def to_dict(self) -> dict[str, dict[str, float | None]]:
        return {
            g: {
                "S1": _fl(self.first[i]),
                "S1_conf": _fl(self.first_conf[i]),
                "ST": _fl(self.total[i]),
                "ST_conf": _fl(self.total_conf[i]),
            }
            for i, g in enumerate(self.groups)
        }


def _fl(x: float) -> float | None:
    return rounded(x, 6)


def check_n(n: int) -> None:
    """``n`` must be a power of 2 (the Sobol sequence's balance properties)."""
    if n < 2 or n & (n - 1):
        raise ModelInputError(
            f"the number of Sobol base samples must be a power of 2 (e.g. 512, 1024, 2048); got {n}"
        )


def _problem(names: list[str], groups: list[str]) -> dict[str, Any]:
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[0.0, 1.0]] * len(names),
        "groups": list(groups),
    }


def sobol_sample(names: list[str], groups: list[str], n: int, seed: int) -> np.ndarray:
    """SALib's Saltelli sample ``(n (G + 2), len(names))`` of uniforms on ``[0, 1]``."""
    check_n(n)
    if seed == 0:
        raise ModelInputError(
            "the Sobol seed must be non-zero (SALib scrambles the sequence from it)"
        )
    sample_mod = require("SALib.sample.sobol", "explain", _PURPOSE)
    return sample_mod.sample(
        _problem(names, groups), n, calc_second_order=False, scramble=True, seed=seed
    )


def sobol_analyze(
    names: list[str],
    groups: list[str],
    y: np.ndarray,
    seed: int,
    conf_level: float = 0.95,
    resamples: int = 100,
) -> list[SobolIndices]:
    """Indices of every column of ``y`` ``(rows, outputs)`` (rows of :func:`sobol_sample`),
    per group in order of first appearance; a constant output gets zeros."""
    analyze_mod = require("SALib.analyze.sobol", "explain", _PURPOSE)
    problem = _problem(names, groups)
    order = list(dict.fromkeys(groups))
    out = []
    for j in range(y.shape[1]):
        col = np.ascontiguousarray(y[:, j])
        if np.ptp(col) <= 1e-12 * max(1.0, float(np.abs(col).max())):
            zero = np.zeros(len(order))  # nothing varies: nothing to explain
            out.append(SobolIndices(order, zero, zero, zero, zero))
            continue
        si = analyze_mod.analyze(
            problem,
            col,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )
        got = list(si["names"]) if "names" in si else order
        idx = [got.index(g) for g in order]
        out.append(
            SobolIndices(
                order,
                np.asarray(si["S1"])[idx],
                np.asarray(si["S1_conf"])[idx],
                np.asarray(si["ST"])[idx],
                np.asarray(si["ST_conf"])[idx],
            )
        )
    return out


def sobol_indices(
    names: list[str],
    groups: list[str],
    evaluate: Callable[[Any, np.ndarray], np.ndarray],
    shared: Any,
    *,
    n: int = DEFAULT_N,
    seed: int = 1,
    conf_level: float = 0.95,
    resamples: int = 100,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[SobolIndices], int]:
    """Sobol indices of every output of ``evaluate(shared, U) -> Y`` (``U``: rows of
    uniforms on ``[0, 1]`` for the variables ``names``; ``Y``: ``(rows,)`` or
    ``(rows, outputs)``), per group (``groups[i]`` is the group of ``names[i]``), the
    evaluations run by ``executor``. Returns the indices of each output and the number of
    evaluations."""
    x = sobol_sample(names, groups, n, seed)
    y = (executor or Executor(workers=1)).map_rows(evaluate, shared, x, len(x), progress=progress)
    return sobol_analyze(names, groups, y.reshape(len(x), -1), seed, conf_level, resamples), len(x)


# -- the decision's inputs ----------------------------------------------------------------


@dataclass
class _Plan:
    """The decision's variables and how a row of uniforms becomes a draw's inputs."""

    setting: Any  # analysis._Setting
    names: list[str]
    actor: list[str]  # group of each variable, by actor
    kind: list[str]  # group of each variable, by kind
    stance_idx: tuple[np.ndarray, np.ndarray]  # (actor, issue) of each stance variable
    unc: np.ndarray  # (n_actors, n_issues) position half-widths
    rel_s: float
    rel_c: float
    rel_t: float
    crit_u: np.ndarray
    crit_lo: np.ndarray
    crit_hi: np.ndarray
    n_judgements: int
    doctrine_bounds: list[tuple[np.ndarray, np.ndarray]]
    core: list[int]  # criteria weighed without doctrines

    def slices(self) -> dict[str, slice]:
        s, t, kd = len(self.stance_idx[0]), len(self.setting.tie_actors), len(self.crit_u)
        k = len(self.setting.criteria)
        cuts = {
            "position": s,
            "salience": s,
            "capability": s,
            "ties": t,
            "declared": self.n_judgements * kd,
            "doctrine": 1 if len(self.doctrine_bounds) > 1 else 0,
            "weights": k,
        }
        out, at = {}, 0
        for name, size in cuts.items():
            out[name] = slice(at, at + size)
            at += size
        return out

    def inputs(self, u: np.ndarray) -> Any:
        """Rows of uniforms -> :class:`~.analysis.DrawInputs` (main model only)."""
        from .analysis import DrawInputs

        st = self.setting
        n = u.shape[0]
        n_a, n_d = st.base.position.shape
        sl = self.slices()
        a, d = self.stance_idx
        z = 2.0 * u - 1.0
        noise = np.zeros((n, n_a, n_d))
        noise[:, a, d] = z[:, sl["position"]] * self.unc[a, d]
        mult_s = np.ones((n, n_a, n_d))
        mult_s[:, a, d] = 1.0 + self.rel_s * z[:, sl["salience"]]
        mult_c = np.ones((n, n_a, n_d))
        mult_c[:, a, d] = 1.0 + self.rel_c * z[:, sl["capability"]]
        ties = 1.0 + self.rel_t * z[:, sl["ties"]]
        kd = len(self.crit_u)
        dz = z[:, sl["declared"]].reshape(n, self.n_judgements, kd)
        declared = np.clip(
            st.declared_values + dz[:, st.judgements] * self.crit_u, self.crit_lo, self.crit_hi
        )
        return DrawInputs(noise, mult_s, mult_c, ties, declared, np.zeros(n, dtype=int))

    def weights(self, u: np.ndarray) -> np.ndarray:
        """Rows of uniforms -> weight vectors ``(rows, k)`` (module docstring)."""
        sl = self.slices()
        uw = u[:, sl["weights"]]
        n, k = uw.shape
        if not self.doctrine_bounds:
            w = np.zeros((n, k))
            e = -np.log1p(-np.minimum(uw[:, self.core], 1 - 1e-16))  # flat Dirichlet
            w[:, self.core] = e / e.sum(axis=1, keepdims=True)
            return w
        lo = np.stack([b[0] for b in self.doctrine_bounds])
        hi = np.stack([b[1] for b in self.doctrine_bounds])
        pick = (
            np.minimum((u[:, sl["doctrine"]][:, 0] * len(lo)).astype(int), len(lo) - 1)
            if len(lo) > 1
            else np.zeros(n, dtype=int)
        )
        w = lo[pick] + (hi[pick] - lo[pick]) * uw
        total = w.sum(axis=1, keepdims=True)
        mid = (lo[pick] + hi[pick]) / 2
        bad = total[:, 0] <= 0
        w[bad] = mid[bad]
        return w / w.sum(axis=1, keepdims=True)


def _criteria_of_rows(plan: _Plan, u: np.ndarray) -> np.ndarray:
    from .analysis import _evaluate_draws

    return _evaluate_draws(plan.setting, plan.inputs(u))


def _plan(
    scenario: Scenario,
    model: str,
    variant: str | None,
    rounds: int | None,
    model_params: dict[str, Any],
) -> _Plan:
    from .analysis import _position_uncertainty, _setting, _weight_bounds

    st = _setting(scenario, model, variant, rounds, model_params, None, 0)
    a, d = np.nonzero(~np.isnan(st.base.position))
    actors, issues = st.base.actors, st.base.issues
    names: list[str] = []
    by_actor: list[str] = []
    by_kind: list[str] = []
    for what, kind in (
        ("position", "positions"),
        ("salience", "saliences"),
        ("capability", "capabilities"),
    ):
        for i, k in zip(a, d):
            names.append(f"{what} of {actors[i]} on {issues[k]}")
            by_actor.append(actors[i])
            by_kind.append(kind)
    for x in st.tie_actors:
        names.append(f"weight of {st.balancer}'s tie to {x}")
        by_actor.append(x)
        by_kind.append("relation weights")
    n_j = int(st.judgements.max()) + 1 if len(st.options) else 0
    first_of = {j: st.options[int(np.flatnonzero(st.judgements == j)[0])].id for j in range(n_j)}
    for j in range(n_j):
        for c in st.declared:
            names.append(f"{c} of {first_of[j]}")
            by_actor.append("declared criteria")
            by_kind.append("declared criteria")
    bounds_ = [
        _weight_bounds(doc.id, st.weights[doc.id], st.criteria) for doc in scenario.doctrines
    ]
    if len(bounds_) > 1:
        names.append("doctrine")
        by_actor.append("doctrine weights")
        by_kind.append("doctrine weights")
    for c in st.criteria:
        names.append(f"weight of {c}")
        by_actor.append("doctrine weights")
        by_kind.append("doctrine weights")
    u = scenario.uncertainty
    core = [
        st.criteria.index(c)
        for c in st.criteria
        if c in ("outcome", "relations") or c in st.declared
    ]
    return _Plan(
        st,
        names,
        by_actor,
        by_kind,
        (a, d),
        _position_uncertainty(st, scenario),
        u.salience,
        u.capability,
        u.relations,
        np.array([c.uncertainty for c in st.declared.values()]),
        np.array([c.lo for c in st.declared.values()]),
        np.array([c.hi for c in st.declared.values()]),
        n_j,
        bounds_,
        core,
    )


@dataclass
class SensitivityResult:
    """Sobol indices of every option's score and of the robust option's margin, grouped
    by kind of judgement and by actor (module docstring)."""

    n: int
    seed: int
    outputs: list[str]  # option ids, then "margin"
    robust: str
    by_kind: list[SobolIndices]  # one per output
    by_actor: list[SobolIndices]
    evaluations: int
    variables: int
    executor: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    conf_level: float = 0.95
    group_sizes: dict[str, dict[str, int]] = field(default_factory=dict)

    def margin(self, grouping: str = "kind") -> SobolIndices:
        """The robust option's margin's indices (``grouping``: ``kind`` or ``actor``)."""
        return (self.by_kind if grouping == "kind" else self.by_actor)[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "Sobol (SALib: Saltelli sampling, scrambled Sobol sequence; "
            "first-order S1 and total ST with bootstrap confidence intervals)",
            "n": self.n,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "variables": self.variables,
            "conf_level": self.conf_level,
            "robust_option": self.robust,
            "executor": self.executor,
            "seconds": round(self.seconds, 3),
            "group_sizes": self.group_sizes,
            "by_kind": {o: s.to_dict() for o, s in zip(self.outputs, self.by_kind)},
            "by_actor": {o: s.to_dict() for o, s in zip(self.outputs, self.by_actor)},
        }


def decision_sensitivity(
    scenario: Scenario,
    *,
    model: str = "eum",
    variant: str | None = None,
    rounds: int | None = None,
    n: int = DEFAULT_N,
    seed: int = 1,
    robust: str | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    conf_level: float = 0.95,
    **model_params: Any,
) -> SensitivityResult:
    """Sobol indices of the decision (module docstring).

    ``robust``: the option whose margin is analysed (default: the option first in most of
    the evaluated samples); ``seed``: SALib's sampling and bootstrap seed (non-zero);
    ``executor``: runs the samples' chunks (:mod:`.executor`); ``progress(done, total)``.
    """
    check_n(n)
    require("SALib", "explain", _PURPOSE)
    start = time.perf_counter()
    plan = _plan(scenario, model, variant, rounds, model_params)
    options = [o.id for o in plan.setting.options]
    if robust is not None and robust not in options:
        raise ModelInputError(f"unknown option '{robust}'; options: {', '.join(options)}")
    ex = executor or Executor(workers=1)
    samples = {
        g: sobol_sample(plan.names, groups, n, seed)
        for g, groups in (("kind", plan.kind), ("actor", plan.actor))
    }
    total = sum(len(x) for x in samples.values())
    offset = 0

    def tick(done: int, _: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    values = {}
    for g, x in samples.items():
        values[g] = ex.map_rows(_criteria_of_rows, plan, x, len(x), progress=tick)
        offset += len(x)
    # normalisation: min-max over options, the unperturbed inputs and the samples (as the
    # SMAA's), fixed before any score is computed
    det = _criteria_of_rows(plan, np.full((1, len(plan.names)), 0.5))
    pool = np.concatenate([det, *values.values()])
    lo = pool.min(axis=(0, 1))
    span = pool.max(axis=(0, 1)) - lo
    span = np.where(span > 1e-12 * np.maximum(np.abs(lo), 1.0), span, np.inf)
    scores = {
        g: np.einsum("nij,nj->ni", (values[g] - lo) / span, plan.weights(x))
        for g, x in samples.items()
    }
    if robust is None:
        firsts = np.concatenate([s.argmax(axis=1) for s in scores.values()])
        robust = options[int(np.bincount(firsts, minlength=len(options)).argmax())]
    r = options.index(robust)
    indices = {}
    for g, groups in (("kind", plan.kind), ("actor", plan.actor)):
        sc = scores[g]
        others = np.delete(sc, r, axis=1)
        margin = sc[:, r] - (others.max(axis=1) if others.shape[1] else 0.0)
        indices[g] = sobol_analyze(
            plan.names, groups, np.column_stack([sc, margin]), seed, conf_level
        )
    sizes = {
        g: {name: groups.count(name) for name in dict.fromkeys(groups)}
        for g, groups in (("kind", plan.kind), ("actor", plan.actor))
    }
    return SensitivityResult(
        n,
        seed,
        [*options, "margin"],
        robust,
        indices["kind"],
        indices["actor"],
        total,
        len(plan.names),
        ex.describe(),
        time.perf_counter() - start,
        conf_level,
        sizes,
    )

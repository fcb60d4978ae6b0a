"""The balancer's decision: options scored under doctrines, and how robust the choice is.

For every option (the baseline — no action — always included), optionally in a what-if
variant, equipoise applies the option's changes, forecasts every issue with a bargaining
model and computes the balancer's criteria (all oriented so that higher is better):

``outcome``
    The balancer's utility from the forecast outcomes ``O``:
    ``U_b(O) = - sum_d s_bd |O_d - x_bd| / R_d  /  sum_d s_bd`` — the salience-weighted mean
    distance between outcome and the balancer's position, each issue's distance divided by
    its scale length ``R_d`` (so 0 is best, -1 worst). Linear loss, as in the median and
    expected utility models. Positions and saliences are the balancer's *interests*: those of
    the scenario (or variant) before the option is applied, so that an option which changes
    what the balancer says does not change what it wants.
``satisfaction:X``
    Actor X's utility change against the baseline option, ``U_X(O^option) - U_X(O^baseline)``,
    with X's own positions and saliences.
``relations``
    The satisfaction of every actor tied to the balancer, weighted by that tie:
    ``sum_X t_bX (U_X(O^option) - U_X(O^baseline)) / sum_X |t_bX|``, ``t_bX`` the signed,
    weighted tie of the relations network (a partner's gain counts for, a rival's against).
``cross_pressure``
    The fall in the number of unbalanced triads the balancer sits in, against the baseline
    (the option's relation changes applied; :mod:`equipoise.network`).
``cost``, ``risk``, ...
    Minus the option's declared costs (``costs`` of the option; 0-10 scales in the built-in
    scenario; the baseline's are 0).

Each criterion is normalised to [0, 1] by its minimum and maximum over all options and
draws (a fixed linear value function) and a doctrine's score is the weighted sum with its
weights normalised to sum 1 (the midpoint of each weight range).

Robustness (SMAA-2, :mod:`equipoise.decision.smaa`): ``draws`` copies of the inputs are
perturbed — positions by a uniform ``± u`` scale points (``u`` = the stance's
``uncertainty``, default 10 % of the scale), saliences and capabilities by a uniform ±20 %
(clipped to their ranges) — the same perturbations for every option (common random numbers),
and each copy is forecast through the model's batch API. Weights are drawn uniformly within a
doctrine's ranges; the overall acceptability draws a doctrine at random for each draw (or
uniform weights on the simplex of the core criteria when the scenario has no doctrines).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..models.api import make_model
from ..models.problem import BargainingProblem
from ..scenario import Doctrine, Option, Scenario
from .changes import apply, options_of
from .smaa import SMAAResult, sample_simplex, sample_weights, smaa2

__all__ = ["DecisionResult", "decide", "CORE_CRITERIA", "utilities"]

#: Criteria every analysis computes (plus ``satisfaction:X`` and declared costs).
CORE_CRITERIA = ("outcome", "relations", "cross_pressure")
DEFAULT_UNCERTAINTY_SHARE = 0.10  # of the scale length: 10 points on 0-100
CHUNK = 2000  # draws per batch call (bounds memory)

Progress = Callable[[int, int], None]


@dataclass
class DecisionResult:
    """Everything the decision analysis found (``to_dict`` for JSON)."""

    balancer: str
    model: str
    variant: str | None
    options: list[str]
    option_names: dict[str, str]
    criteria: list[str]
    values: np.ndarray  # (m, k) raw criteria values, deterministic
    normalised: np.ndarray  # (m, k) in [0, 1]
    outcomes: dict[str, dict[str, float]]  # option -> issue -> forecast
    unbalanced_triads: dict[str, int]  # option -> balancer's unbalanced triads
    by_doctrine: dict[str, dict[str, Any]]
    smaa: SMAAResult | None
    smaa_by_doctrine: dict[str, SMAAResult]
    draws: int
    seed: int | None
    params: dict[str, Any] = field(default_factory=dict)
    #: option -> issues whose (unperturbed) forecast did not converge (models.convergence)
    non_converged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def acceptability(self) -> dict[str, float]:
        if self.smaa is None:
            return {}
        return {o: float(a) for o, a in zip(self.options, self.smaa.acceptability)}

    def robust_option(self) -> str:
        """The option with the largest first-rank acceptability (deterministic if no draws)."""
        if self.smaa is not None:
            return self.options[int(np.argmax(self.smaa.acceptability))]
        best = [d["best"] for d in self.by_doctrine.values()]
        return max(set(best), key=best.count) if best else self.options[0]

    def dissenters(self) -> dict[str, str]:
        """Doctrines whose best option differs from the robust one: doctrine -> its best."""
        robust = self.robust_option()
        return {d: v["best"] for d, v in self.by_doctrine.items() if v["best"] != robust}

    def to_dict(self) -> dict[str, Any]:
        def fl(x: float) -> float | None:
            return None if not math.isfinite(float(x)) else round(float(x), 12)

        out: dict[str, Any] = {
            "balancer": self.balancer,
            "model": self.model,
            "variant": self.variant,
            "draws": self.draws,
            "seed": self.seed,
            "options": {o: self.option_names[o] for o in self.options},
            "criteria": self.criteria,
            "values": {o: {c: fl(self.values[i, j]) for j, c in enumerate(self.criteria)}
                       for i, o in enumerate(self.options)},
            "normalised": {o: {c: fl(self.normalised[i, j])
                               for j, c in enumerate(self.criteria)}
                           for i, o in enumerate(self.options)},
            "outcomes": self.outcomes,
            "unbalanced_triads": self.unbalanced_triads,
            "by_doctrine": self.by_doctrine,
            "acceptability": self.acceptability,
            "robust_option": self.robust_option(),
            "params": self.params,
            "non_converged": self.non_converged,
        }
        if self.smaa is not None:
            out["rank_acceptability"] = {
                o: [fl(v) for v in self.smaa.rank_acceptability[i]]
                for i, o in enumerate(self.options)}
            out["central_weights"] = {
                o: ({c: fl(self.smaa.central_weights[i, j]) for j, c in enumerate(self.criteria)}
                    if math.isfinite(self.smaa.confidence[i]) else None)
                for i, o in enumerate(self.options)}
            out["confidence"] = {o: fl(self.smaa.confidence[i])
                                 for i, o in enumerate(self.options)}
            out["acceptability_by_doctrine"] = {
                d: {o: fl(r.acceptability[i]) for i, o in enumerate(self.options)}
                for d, r in self.smaa_by_doctrine.items()}
        return out


# -- utilities ---------------------------------------------------------------------------

def utilities(outcomes: np.ndarray, position: np.ndarray, salience: np.ndarray,
              length: np.ndarray) -> np.ndarray:
    """Utility of every actor for forecast outcomes, vectorised over draws.

    ``outcomes`` ``(N, D)``; ``position``, ``salience`` ``(N, n, D)`` or ``(n, D)`` with NaN
    positions for absent actors; ``length`` ``(D,)`` scale lengths. Returns ``(N, n)``:
    ``U = - sum_d s |O_d - x| / R_d / sum_d s`` (0 for an actor with no salience anywhere).
    """
    x = np.asarray(position, float)
    s = np.where(np.isnan(x), 0.0, np.asarray(salience, float))
    dist = np.abs(outcomes[:, None, :] - np.nan_to_num(x)) / length
    total = s.sum(axis=-1)
    loss = (s * dist).sum(axis=-1)
    return -np.divide(loss, total, out=np.zeros_like(loss), where=total > 0)


# -- the analysis ------------------------------------------------------------------------

def _balancer_triads(scenario: Scenario, balancer: str) -> tuple[int, dict[str, float]]:
    """Unbalanced triads of the balancer and its signed ties, in ``scenario``'s network."""
    from ..network.graph import signed_graph_from_scenario
    from ..network.triads import node_triads

    graph = signed_graph_from_scenario(scenario, as_of=None)
    index = {node: k for k, node in enumerate(graph.nodes)}
    if balancer not in index:
        return 0, {}
    _, unbalanced = node_triads(graph)
    ties: dict[str, float] = {}
    sw = graph.signed_weight
    for u, v, w in zip(graph.u, graph.v, sw):
        a, b = graph.nodes[u], graph.nodes[v]
        if a == balancer:
            ties[str(b)] = float(w)
        elif b == balancer:
            ties[str(a)] = float(w)
    return int(unbalanced[index[balancer]]), ties


def _weight_bounds(doctrine: Doctrine, criteria: list[str]) -> tuple[np.ndarray, np.ndarray]:
    lo = np.zeros(len(criteria))
    hi = np.zeros(len(criteria))
    for name, w in doctrine.weights.items():
        if name not in criteria:
            raise ModelInputError(
                f"doctrine '{doctrine.id}' weighs unknown criterion '{name}'; criteria here: "
                + ", ".join(criteria))
        a, b = (w, w) if isinstance(w, (int, float)) else w
        if a < 0 or b < a:
            raise ModelInputError(f"doctrine '{doctrine.id}': weight of '{name}' must be >= 0 "
                                  f"(a range [lo, hi] with lo <= hi); got {w}")
        lo[criteria.index(name)], hi[criteria.index(name)] = a, b
    if hi.sum() <= 0:
        raise ModelInputError(f"doctrine '{doctrine.id}' gives no criterion a positive weight")
    return lo, hi


@dataclass
class _Setting:
    """Everything fixed before the draws: the world, the options and the criteria."""

    world: Scenario
    balancer: str
    options: list[Option]
    estimator: Any
    per_issue: bool
    base: BargainingProblem  # the world's arrays: the actors' interests
    problems: list[BargainingProblem]  # one per option (option applied)
    plans: list[list[int]]  # per option: the issues whose inputs differ from the baseline
    actors: list[str]
    ties: dict[str, float]  # actor -> signed tie with the balancer
    tied: list[str]  # actors with stances and a tie to the balancer
    satisfied: list[str]  # actors with a satisfaction criterion
    cost_keys: list[str]
    triads: dict[str, int]  # option -> balancer's unbalanced triads
    base_triads: int
    criteria: list[str]

    @property
    def length(self) -> np.ndarray:
        return self.base.upper - self.base.lower


def _setting(scenario: Scenario, model: str, variant: str | None, rounds: int | None,
             model_params: dict[str, Any]) -> _Setting:
    """Check the request and fix the world, options, arrays and criteria."""
    if scenario.balancer is None:
        raise ModelInputError(f"scenario '{scenario.id}' names no balancer; add "
                              "'balancer: ACTOR_ID' to analyse a decision")
    if not scenario.issues or not scenario.stances:
        raise ModelInputError("the decision analysis needs issues with stances")
    balancer = scenario.balancer
    world = scenario
    if variant is not None:
        match = [v for v in scenario.variants if v.id == variant]
        if not match:
            known = ", ".join(v.id for v in scenario.variants) or "(none defined)"
            raise ModelInputError(f"unknown variant '{variant}'; variants: {known}")
        world = apply(scenario, match[0])
    options: list[Option] = options_of(scenario)
    if variant is not None and match[0].costs:  # costs that differ in this world
        options = [o.model_copy(update={"costs": {**o.costs, **match[0].costs.get(o.id, {})}})
                   for o in options]
    try:
        estimator = make_model(model, rounds, **model_params)
    except (ValueError, TypeError) as exc:
        raise ModelInputError(str(exc)) from None
    base = BargainingProblem.from_scenario(world)
    if base.n_issues < estimator.min_issues:
        raise ModelInputError(f"the {model} model needs at least {estimator.min_issues} issues")
    actors = list(base.actors)
    if balancer not in actors:
        raise ModelInputError(f"balancer '{balancer}' is not an actor")
    if np.all(np.isnan(base.position[actors.index(balancer)])):
        raise ModelInputError(f"the balancer '{balancer}' has no stance on any issue")

    worlds = [apply(world, o) for o in options]
    problems = [BargainingProblem.from_scenario(w) for w in worlds]
    per_issue = not estimator.joint_issues
    base_triads, ties = _balancer_triads(world, balancer)
    triads = {o.id: _balancer_triads(w, balancer)[0] for o, w in zip(options, worlds)}

    cost_keys = sorted({k for o in options for k in o.costs})
    tied = [a for a in actors if a in ties and a != balancer
            and not np.all(np.isnan(base.position[actors.index(a)]))]
    named = sorted({c.split(":", 1)[1] for d in scenario.doctrines for c in d.weights
                    if c.startswith("satisfaction:")})
    for a in named:
        if a not in actors:
            raise ModelInputError(f"a doctrine weighs 'satisfaction:{a}' but '{a}' is not an "
                                  "actor")
    satisfied = list(dict.fromkeys(tied + named))
    criteria = [*CORE_CRITERIA, *(f"satisfaction:{a}" for a in satisfied), *cost_keys]
    return _Setting(world, balancer, options, estimator, per_issue, base, problems,
                    [_changed_issues(p, problems[0], per_issue) for p in problems], actors,
                    ties, tied, satisfied, cost_keys, triads, base_triads, criteria)


def _criteria_values(st: _Setting, outcomes: np.ndarray, interest_x: np.ndarray,
                     interest_s: np.ndarray) -> np.ndarray:
    """Forecast outcomes ``(N, m, D)`` -> criteria values ``(N, m, k)`` (module docstring)."""
    n, m = outcomes.shape[:2]
    util = np.stack([utilities(outcomes[:, i], interest_x, interest_s, st.length)
                     for i in range(m)], axis=1)  # (N, m, n_actors)
    delta = util - util[:, :1, :]  # against the baseline option (index 0)
    cols = [util[:, :, st.actors.index(st.balancer)]]
    tie_idx = [st.actors.index(a) for a in st.tied]
    t = np.array([st.ties[a] for a in st.tied], float)
    cols.append(delta[:, :, tie_idx] @ t / np.abs(t).sum() if tie_idx else np.zeros((n, m)))
    cols.append(np.broadcast_to(
        np.array([st.base_triads - st.triads[o.id] for o in st.options], float), (n, m)))
    for a in st.satisfied:
        cols.append(delta[:, :, st.actors.index(a)])
    for key in st.cost_keys:
        declared = [-(o.costs[key].value if key in o.costs else 0.0) for o in st.options]
        cols.append(np.broadcast_to(np.array(declared), (n, m)))
    return np.stack(cols, axis=-1)


def _position_uncertainty(st: _Setting, scenario: Scenario) -> np.ndarray:
    """``(n_actors, n_issues)`` half-widths of the position draws (module docstring)."""
    n_a, n_d = st.base.position.shape
    unc = np.full((n_a, n_d), np.nan)
    a_idx = {a: k for k, a in enumerate(st.actors)}
    i_idx = {i: k for k, i in enumerate(st.base.issues)}
    for stance in st.world.stances:
        if stance.uncertainty is not None:
            unc[a_idx[stance.actor], i_idx[stance.issue]] = stance.uncertainty
    declared = scenario.uncertainty.position
    default = DEFAULT_UNCERTAINTY_SHARE * st.length if declared is None else np.full(n_d,
                                                                                     declared)
    return np.where(np.isnan(unc), default, unc)


def _forecast_options(st: _Setting, perturb: Callable[[BargainingProblem], tuple[
        np.ndarray, np.ndarray, np.ndarray]],
        converged: list[np.ndarray] | None = None) -> np.ndarray:
    """Outcomes ``(N, m, D)`` of every option on the perturbed inputs; per-issue models
    rerun only the issues an option changes, and identical options run once. With a list
    ``converged``, appends per option the ``(N, D)`` flags of the iterative models'
    convergence (the batch API's ``batch_info_``; single-pass models: all True)."""
    n_d = st.base.n_issues
    outs: list[np.ndarray] = []
    conv: list[np.ndarray] = []
    seen_conv: dict[bytes, np.ndarray] = {}

    def flags(n: int, width: int) -> np.ndarray:
        info = getattr(st.estimator, "batch_info_", None)
        return np.ones((n, width), bool) if info is None else info["converged"].copy()

    seen: dict[bytes, np.ndarray] = {}
    for p, cols in zip(st.problems, st.plans):
        key = _plan_key(p, cols)
        if key in seen:  # an option identical to an earlier one
            outs.append(seen[key])
            conv.append(seen_conv[key])
            continue
        if outs and not cols:  # nothing differs from the baseline
            outs.append(outs[0])
            conv.append(conv[0])
            continue
        x, s, c = perturb(p)
        if outs and len(cols) < n_d:
            res = outs[0].copy()
            res[:, cols] = st.estimator.forecast_batch(
                x[:, :, cols], s[:, :, cols], c[:, :, cols], lower=p.lower[cols],
                upper=p.upper[cols], issues=[p.issues[k] for k in cols], actors=p.actors)
            ok = conv[0].copy()
            ok[:, cols] = flags(res.shape[0], len(cols))
        else:
            res = st.estimator.forecast_batch(x, s, c, lower=p.lower, upper=p.upper,
                                              issues=p.issues, actors=p.actors)
            ok = flags(res.shape[0], n_d)
        seen[key] = res
        seen_conv[key] = ok
        outs.append(res)
        conv.append(ok)
    if converged is not None:
        converged.extend(conv)
    return np.stack(outs, axis=1)


def _draw_values(st: _Setting, scenario: Scenario, draws: int, rng: np.random.Generator,
                 progress: Progress | None) -> np.ndarray:
    """Criteria values ``(draws, m, k)`` on perturbed inputs, in chunks of :data:`CHUNK`."""
    n_a, n_d = st.base.position.shape
    unc = _position_uncertainty(st, scenario)
    rel_s, rel_c = scenario.uncertainty.salience, scenario.uncertainty.capability
    chunks = []
    done = 0
    while done < draws:
        n = min(CHUNK, draws - done)
        noise_x = rng.uniform(-1.0, 1.0, (n, n_a, n_d)) * unc
        mult_s = rng.uniform(1 - rel_s, 1 + rel_s, (n, n_a, n_d))
        mult_c = rng.uniform(1 - rel_c, 1 + rel_c, (n, n_a, n_d))

        def perturb(p: BargainingProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            x = np.clip(p.position + noise_x, p.lower, p.upper)
            s = np.clip(p.salience * mult_s, 0.0, 1.0)
            return x, s, p.capability * mult_c

        outcomes = _forecast_options(st, perturb)
        interest_x, interest_s, _ = perturb(st.base)
        chunks.append(_criteria_values(st, outcomes, interest_x, interest_s))
        done += n
        if progress is not None:
            progress(done, draws)
    return np.concatenate(chunks)


def _doctrine_scores(st: _Setting, scenario: Scenario, norm: np.ndarray) -> tuple[
        dict[str, dict[str, Any]], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Each doctrine's scores (midpoint weights, normalised) and its weight bounds."""
    by_doctrine: dict[str, dict[str, Any]] = {}
    bounds = {}
    for d in scenario.doctrines:
        lo_w, hi_w = _weight_bounds(d, st.criteria)
        bounds[d.id] = (lo_w, hi_w)
        w = (lo_w + hi_w) / 2
        w = w / w.sum()
        scores = norm @ w
        by_doctrine[d.id] = {
            "name": d.name, "holder": d.holder, "best": st.options[int(np.argmax(scores))].id,
            "scores": {o.id: float(scores[i]) for i, o in enumerate(st.options)},
            "weights": {c: float(w[j]) for j, c in enumerate(st.criteria) if w[j] > 0}}
    return by_doctrine, bounds


def _smaa(st: _Setting, values: np.ndarray, bounds: dict[str, tuple[np.ndarray, np.ndarray]],
          rng: np.random.Generator) -> tuple[SMAAResult, dict[str, SMAAResult]]:
    """SMAA-2 overall (a random doctrine per draw, or the simplex of the core criteria when
    there are no doctrines) and per doctrine, on normalised values ``(N, m, k)``."""
    n, k = values.shape[0], len(st.criteria)
    per_doctrine: dict[str, SMAAResult] = {}
    if bounds:
        names = list(bounds)
        pick = rng.integers(0, len(names), n)
        weights = np.empty((n, k))
        for j, name in enumerate(names):
            sel = pick == j
            weights[sel] = sample_weights(rng, int(sel.sum()), *bounds[name])
        for name in names:
            per_doctrine[name] = smaa2(values, sample_weights(rng, n, *bounds[name]))
    else:
        core = [st.criteria.index(c) for c in st.criteria
                if c in CORE_CRITERIA or c in st.cost_keys]
        weights = np.zeros((n, k))
        weights[:, core] = sample_simplex(rng, n, len(core))
    return smaa2(values, weights), per_doctrine


def decide(
    scenario: Scenario,
    *,
    model: str = "eum",
    variant: str | None = None,
    draws: int = 1000,
    seed: int | None = 0,
    rounds: int | None = None,
    progress: Progress | None = None,
    **model_params: Any,
) -> DecisionResult:
    """Score the balancer's options under every doctrine, with SMAA-2 robustness.

    Parameters
    ----------
    scenario: the scenario; it needs a ``balancer`` and at least one issue with stances.
    model: bargaining model name (``equipoise.models.MODELS``).
    variant: id of a what-if variant to apply first (``None``: the scenario as it is).
    draws: number of SMAA draws (0: deterministic scores only).
    seed: seed of NumPy's ``default_rng`` (results are identical for the same seed).
    rounds: round cap of the iterative models (None: the models' default, 50 = the convergence horizon).
    progress: called as ``progress(done, total)`` while draws are evaluated.
    """
    st = _setting(scenario, model, variant, rounds, model_params)
    rng = np.random.default_rng(seed)

    # deterministic evaluation: the unperturbed inputs
    conv: list[np.ndarray] = []
    exact = _forecast_options(st, lambda p: (p.position[None], p.salience[None],
                                             p.capability[None]), conv)[0]  # (m, D)
    non_converged = {o.id: [i for j, i in enumerate(st.base.issues) if not conv[k][0, j]]
                     for k, o in enumerate(st.options)}
    values = _criteria_values(st, exact[None], st.base.position, st.base.salience)[0]
    drawn = _draw_values(st, scenario, draws, rng, progress) if draws > 0 else None

    # normalisation: min-max over options (and draws), a fixed linear value function
    pool = values[None] if drawn is None else np.concatenate([values[None], drawn])
    lo = pool.min(axis=(0, 1))
    span = pool.max(axis=(0, 1)) - lo
    span = np.where(span > 1e-12 * np.maximum(np.abs(lo), 1.0), span, np.inf)
    norm = (values - lo) / span

    by_doctrine, bounds = _doctrine_scores(st, scenario, norm)
    overall, per_doctrine = (None, {}) if drawn is None else _smaa(
        st, (drawn - lo) / span, bounds, rng)
    options = st.options
    return DecisionResult(
        balancer=st.balancer, model=model, variant=variant,
        options=[o.id for o in options], option_names={o.id: o.name for o in options},
        criteria=st.criteria, values=values, normalised=norm,
        outcomes={o.id: {i: float(exact[k, j]) for j, i in enumerate(st.base.issues)}
                  for k, o in enumerate(options)},
        unbalanced_triads=st.triads, by_doctrine=by_doctrine, smaa=overall,
        smaa_by_doctrine=per_doctrine, draws=draws, seed=seed,
        params={"model": model, "rounds": rounds, "draws": draws, "seed": seed,
                "variant": variant,
                "position_uncertainty": (f"{DEFAULT_UNCERTAINTY_SHARE:.0%} of the scale"
                                         if scenario.uncertainty.position is None else
                                         f"{scenario.uncertainty.position:g} scale points")
                + " unless a stance gives its own",
                "salience_uncertainty": scenario.uncertainty.salience,
                "capability_uncertainty": scenario.uncertainty.capability, **model_params},
        non_converged={o: v for o, v in non_converged.items() if v},
    )


def _changed_issues(p: BargainingProblem, base: BargainingProblem,
                    per_issue: bool) -> list[int]:
    """Indices of the issues whose inputs differ between ``p`` and ``base`` (all issues when
    the model couples issues, as the exchange model does)."""
    n_d = p.position.shape[1]
    if not per_issue:
        return list(range(n_d))
    return [d for d in range(n_d) if not (
        np.array_equal(p.position[:, d], base.position[:, d], equal_nan=True)
        and np.array_equal(p.salience[:, d], base.salience[:, d])
        and np.array_equal(p.capability[:, d], base.capability[:, d]))]


def _plan_key(p: BargainingProblem, cols: list[int]) -> bytes:
    """Identity of an option's model inputs (to evaluate identical options once)."""
    return b"|".join([np.asarray(cols).tobytes(), p.position.tobytes(), p.salience.tobytes(),
                      p.capability.tobytes()])



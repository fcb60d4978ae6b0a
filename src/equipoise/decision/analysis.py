"""The balancer's decision: options scored under doctrines, and how robust the choice is.

For every option — the declared **status quo** first (``status_quo:``, the course the
balancer is on; the reference of every delta), the other options, the declared packages
and, on request, every compatible combination of up to K options — optionally in a what-if
variant, equipoise applies the option's changes, forecasts every issue with a bargaining
model (unilateral issues — ``decided_by`` — take their decider's position instead of a
bargain), applies the declared consequences (bounds on outcomes) and computes the
balancer's criteria (all oriented so that higher is better):

``outcome``
    The balancer's utility from the forecast outcomes ``O``:
    ``U_b(O) = sum_d s_bd u_bd(O_d) / sum_d s_bd`` with ``u_bd = -|O_d - x_bd| / R_d`` or,
    where the stance declares a value function, ``u_bd = v_bd(O_d) - 1``
    (:mod:`equipoise.decision.values`; 0 best, -1 worst). Positions, saliences and value
    functions are the balancer's *interests*: those of the scenario (or variant) before any
    option is applied, so an option that changes what the balancer says does not change
    what it wants.
``relations``
    Minus the share of the balancer's partnership weight the option loses against the
    status quo (a neutral actor turned hostile counts as a loss too; neutral ties are not
    taking a side): :mod:`equipoise.decision.relations`.
``partner_satisfaction``
    ``sum_X t_bX ΔU_X / sum_X |t_bX|`` over the actors tied to the balancer (a partner's
    gain counts for, a rival's against).
``satisfaction:X``
    Actor X's utility change against the status quo, ``U_X(O^option) - U_X(O^status quo)``.
``cross_pressure`` (only when a doctrine or an expectation weighs it)
    The fall in the number of unbalanced triads the balancer sits in, against the status
    quo. Always reported as information (``unbalanced_triads``).
declared criteria (``criteria:``, and the cost keys of ``costs:``)
    The option's declared value, negated for a cost criterion.

Each criterion is normalised to [0, 1] by its minimum and maximum over all options and
draws (a fixed linear value function) and a doctrine's score is the weighted sum with its
weights normalised to sum 1 (the midpoint of each weight range; a doctrine's
``weights_by_variant`` replace its weights under that variant). Expectations (another
actor's view of what the balancer should do) are scored the same way but kept out of the
robust option and the overall SMAA.

Robustness (SMAA-2, :mod:`equipoise.decision.smaa`): ``draws`` copies of the inputs are
perturbed, the same perturbations for every option (common random numbers) — positions by
a uniform ``± u`` scale points (``u`` = the stance's ``uncertainty``, default 10 % of the
scale), saliences and capabilities by a uniform ± share (``uncertainty.salience`` /
``.capability``, 20 % by default, clipped to their ranges), every declared criterion value
of every option (status quo included) by a uniform ± its criterion's ``uncertainty``
(default ``uncertainty.criteria`` = 10 % of its scale; clipped to the scale; independently
per option, except that options with identical content share their draws), and the weight
of each of the balancer's ties by a uniform ± share
(``uncertainty.relations``, 20 %; one factor per actor, the same before and after the
option). With several ``models`` the draws use them in turn (draw ``n`` uses model
``n mod len(models)``). Weights are drawn uniformly within a doctrine's ranges; the overall
acceptability draws a doctrine at random for each draw (or uniform weights on the simplex of
``outcome``, ``relations`` and the declared criteria when the scenario has no doctrines).

Shared forecasts (a nested Monte Carlo design, ``forecast_draws`` = F): a draw's slow part
is its forecasts (the model rerun on the perturbed positions, saliences and capabilities for
the status quo and the options). With F < N the N draws share F distinct bargaining inputs:
draw ``n`` takes those of draw ``n mod F`` (and its model, ``(n mod F) mod len(models)``), its
balancer's perturbed interests too, while its declared criteria values, tie factors and
weights are its own (:func:`_shared_draw_inputs` says in which order they are drawn). By
default F = N while ``N x`` :func:`forecast_work` ``<=`` :data:`FORECAST_BUDGET`, else
``F = max(FORECAST_FLOOR, FORECAST_BUDGET // forecast_work)`` (at most N):
:func:`shared_forecasts`. With F = N the draws are those drawn before the option existed
(the same random stream, the same results). The Monte Carlo standard error of each
first-rank acceptability is clustered by shared forecast (:mod:`equipoise.decision.smaa`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..models.api import bargain_batch, check_bargained, make_model
from ..models.problem import BargainingProblem
from ..models.spaces import is_spatial
from ..scenario import Option, Scenario, Variant
from .changes import apply, options_of
from .consequences import apply_bounds, bounds
from .criteria import COMPUTED, DeclaredCriterion, declared_criteria, declared_values
from .executor import CHUNK_DRAWS, Executor, model_threads
from .packages import combinations as compatible_combinations
from .packages import package_option
from .relations import balancer_ties, relations_loss
from .result import DecisionResult
from .smaa import SMAAResult, sample_simplex, sample_weights, smaa2
from .values import ValueFunctions, utilities, value_functions

__all__ = ["DecisionResult", "decide", "CORE_CRITERIA", "utilities"]

#: Criteria every analysis computes (plus ``satisfaction:X`` and the declared criteria).
CORE_CRITERIA = COMPUTED
DEFAULT_UNCERTAINTY_SHARE = 0.10  # of the scale length: 10 points on 0-100
CHUNK = 2000  # draws per batch call (bounds memory)
#: Work per evaluated chunk of draws, in actor pairs x issues x forecasts: the built-in
#: case (12 actors, 4 issues, the status quo and 6 options) keeps the executor's 250 draws
#: a chunk; a 200-actor x 10-issue case with 6 forecasts a draw gets one draw a chunk, so
#: that the progress bar moves every draw rather than every 250 (minutes apart). Results do
#: not depend on it.
WORK_PER_CHUNK = 2_000_000

#: Forecast work the SMAA draws may spend before they share forecasts, in actor pairs x
#: bargained issue forecasts x round caps (:func:`forecast_work`): about a minute of eum on
#: two cores (a 200-actor x 10-issue draw with 5 options is 5e7; the built-in case's 1,000
#: draws are 1.4e8). Results never depend on the machine: the rule counts, it does not time.
FORECAST_BUDGET = 1_000_000_000
#: The fewest distinct forecasts the automatic rule gives a case over the budget (enough
#: groups for the cluster standard error to mean something).
FORECAST_FLOOR = 10

Progress = Callable[[int, int], None]
Weights = dict[str, "float | tuple[float, float]"]


@dataclass
class _Engine:
    """One bargaining model and, per option, the issues it must rerun."""

    name: str
    estimator: Any
    plans: list[list[int]]


@dataclass
class _Setting:
    """Everything fixed before the draws: the world, the options and the criteria."""

    world: Scenario
    balancer: str
    options: list[Option]  # status quo first
    kinds: dict[str, str]
    parts: dict[str, list[str]]
    declared: dict[str, DeclaredCriterion]
    declared_values: np.ndarray  # (m, kd) as declared
    engine: _Engine  # the deterministic evaluation's model
    draw_engines: list[_Engine]  # the draws' models, in turn
    base: BargainingProblem  # the world's arrays: the actors' interests
    problems: list[BargainingProblem]  # one per option (option applied)
    functions: ValueFunctions
    tie_actors: list[str]
    ties_before: np.ndarray  # (X,) ties in the status quo's world
    ties_after: np.ndarray  # (m, X) ties in each option's world
    tied: list[str]  # actors with stances and a tie to the balancer (status quo world)
    satisfied: list[str]  # actors with a satisfaction criterion
    triads: dict[str, int]  # option -> balancer's unbalanced triads
    layers: list[tuple[np.ndarray, np.ndarray]]  # consequence bounds, applied in order
    criteria: list[str]
    weights: dict[str, Weights]  # doctrine id -> weights in this world
    variant: str | None
    judgements: np.ndarray  # (m,) options with identical content share their value draws

    @property
    def length(self) -> np.ndarray:
        return self.base.upper - self.base.lower


def _weight_bounds(
    owner: str, weights: Weights, criteria: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    lo = np.zeros(len(criteria))
    hi = np.zeros(len(criteria))
    for name, w in weights.items():
        if name not in criteria:
            raise ModelInputError(
                f"'{owner}' weighs unknown criterion '{name}'; criteria here: "
                + ", ".join(criteria)
            )
        a, b = (w, w) if isinstance(w, (int, float)) else w
        if a < 0 or b < a:
            raise ModelInputError(
                f"'{owner}': weight of '{name}' must be >= 0 (a range "
                f"[lo, hi] with lo <= hi); got {w}"
            )
        lo[criteria.index(name)], hi[criteria.index(name)] = a, b
    if hi.sum() <= 0:
        raise ModelInputError(f"'{owner}' gives no criterion a positive weight")
    return lo, hi


def _evaluated_options(
    scenario: Scenario,
    variant: Variant | None,
    declared: dict[str, DeclaredCriterion],
    combinations: int,
) -> tuple[list[Option], dict[str, str], dict[str, list[str]]]:
    """The status quo, the options, the packages and the combinations, each with its
    declared values (the variant's overrides applied) in ``criteria``."""
    overrides = variant.costs if variant is not None else {}
    options = [
        o.model_copy(
            update={"criteria": {**declared_values(o), **overrides.get(o.id, {})}, "costs": {}}
        )
        for o in options_of(scenario)
    ]
    status_quo = options[0].id
    kinds = {o.id: "option" for o in options}
    kinds[status_quo] = "status quo"
    parts: dict[str, list[str]] = {}
    by_id = {o.id: o for o in options}
    scales = {k: (c.lo, c.hi) for k, c in declared.items()}
    rules = {k: c.combine for k, c in declared.items()}
    packages = [(p, "package") for p in scenario.packages]
    if combinations >= 2:
        skip = [frozenset(p.options) for p in scenario.packages]
        packages += [
            (p, "combination")
            for p in compatible_combinations(options, combinations, status_quo, skip)
        ]
    for package, kind in packages:
        option = package_option(package, by_id, scales, rules)
        if option.id in kinds:
            raise ModelInputError(f"package id '{option.id}' is already used")
        options.append(option)
        kinds[option.id] = kind
        parts[option.id] = list(package.options)
    for o in options:
        missing = [k for k in declared if k not in o.criteria]
        if missing:
            raise ModelInputError(
                f"option '{o.id}' declares no value for "
                f"{', '.join(missing)}; no criterion is ever silently 0"
            )
    return options, kinds, parts


def _setting(
    scenario: Scenario,
    model: str,
    variant: str | None,
    rounds: int | None,
    model_params: dict[str, Any],
    models: list[str] | None,
    combinations: int,
) -> _Setting:
    """Check the request and fix the world, options, arrays and criteria."""
    if scenario.balancer is None:
        raise ModelInputError(
            f"scenario '{scenario.id}' names no balancer; add "
            "'balancer: ACTOR_ID' to analyse a decision"
        )
    if not scenario.issues or not scenario.stances:
        raise ModelInputError("the decision analysis needs issues with stances")
    balancer = scenario.balancer
    world, chosen = scenario, None
    if variant is not None:
        match = [v for v in scenario.variants if v.id == variant]
        if not match:
            known = ", ".join(v.id for v in scenario.variants) or "(none defined)"
            raise ModelInputError(f"unknown variant '{variant}'; variants: {known}")
        chosen = match[0]
        world = apply(scenario, chosen)
    declared = declared_criteria(scenario)
    options, kinds, parts = _evaluated_options(scenario, chosen, declared, combinations)

    base = BargainingProblem.from_scenario(world)
    actors = list(base.actors)
    if balancer not in actors:
        raise ModelInputError(f"balancer '{balancer}' is not an actor")
    if np.all(np.isnan(base.position[actors.index(balancer)])):
        raise ModelInputError(f"the balancer '{balancer}' has no stance on any issue")
    worlds = [apply(world, o) for o in options]
    problems = [BargainingProblem.from_scenario(w) for w in worlds]

    def engine(name: str, params: dict[str, Any]) -> _Engine:
        try:
            est = make_model(name, rounds, **params)
        except (ValueError, TypeError) as exc:
            raise ModelInputError(str(exc)) from None
        check_bargained(est, base)
        per_issue = not est.joint_issues and not is_spatial(est)  # a space: all of it
        return _Engine(name, est, [_changed_issues(p, problems[0], per_issue) for p in problems])

    main = engine(model, model_params)
    draw_engines = [main] if not models else [main if m == model else engine(m, {}) for m in models]

    found = [balancer_ties(w, balancer) for w in worlds]
    triads = {o.id: f[0] for o, f in zip(options, found)}
    tie_actors = sorted({a for _, t in found for a in t})
    ties_before = np.array([found[0][1].get(a, 0.0) for a in tie_actors])
    ties_after = np.array([[t.get(a, 0.0) for a in tie_actors] for _, t in found]).reshape(
        len(options), len(tie_actors)
    )
    tied = [
        a
        for a in actors
        if found[0][1].get(a, 0.0) != 0
        and a != balancer
        and not np.all(np.isnan(base.position[actors.index(a)]))
    ]

    weights = {
        d.id: d.weights_by_variant.get(variant, d.weights) if variant else d.weights
        for d in scenario.doctrines
    }
    weighed = [
        name for w in [*weights.values(), *(e.weights for e in scenario.expectations)] for name in w
    ]
    named = sorted({c.split(":", 1)[1] for c in weighed if c.startswith("satisfaction:")})
    for a in named:
        if a not in actors:
            raise ModelInputError(f"a doctrine weighs 'satisfaction:{a}' but '{a}' is not an actor")
    satisfied = list(dict.fromkeys(tied + named))
    criteria = [
        *COMPUTED,
        *(f"satisfaction:{a}" for a in satisfied),
        *(["cross_pressure"] if "cross_pressure" in weighed else []),
        *declared,
    ]

    layers = []
    if chosen is not None and chosen.consequences:
        layers.append(bounds(chosen.consequences, base.issues))
    per_option = [bounds(o.consequences, base.issues) for o in options]
    layers.append((np.stack([b[0] for b in per_option]), np.stack([b[1] for b in per_option])))
    values = np.array([[o.criteria[k].value for k in declared] for o in options], float).reshape(
        len(options), len(declared)
    )
    return _Setting(
        world,
        balancer,
        options,
        kinds,
        parts,
        declared,
        values,
        main,
        draw_engines,
        base,
        problems,
        value_functions(world, base.actors, base.issues),
        tie_actors,
        ties_before,
        ties_after,
        tied,
        satisfied,
        triads,
        layers,
        criteria,
        weights,
        variant,
        _judgements(options),
    )


def _judgements(options: list[Option]) -> np.ndarray:
    """Index of each option's judgement: options with the same changes, consequences and
    declared values are one judgement and draw the same perturbations (twins stay tied)."""
    keys: dict[str, int] = {}
    out = []
    for o in options:
        key = o.model_dump_json(include={"changes", "consequences", "criteria"})
        out.append(keys.setdefault(key, len(keys)))
    return np.array(out, dtype=int)


def _criteria_values(
    st: _Setting,
    outcomes: np.ndarray,
    interest_x: np.ndarray,
    interest_s: np.ndarray,
    tie_factor: np.ndarray,
    declared: np.ndarray,
) -> np.ndarray:
    """Forecast outcomes ``(N, m, D)``, tie factors ``(N, X)`` and declared values
    ``(N, m, kd)`` -> criteria values ``(N, m, k)`` (module docstring)."""
    n, m = outcomes.shape[:2]
    util = np.stack(
        [
            utilities(outcomes[:, i], interest_x, interest_s, st.length, st.functions)
            for i in range(m)
        ],
        axis=1,
    )  # (N, m, n_actors)
    delta = util - util[:, :1, :]  # against the status quo (index 0)
    actors = list(st.base.actors)
    cols = [util[:, :, actors.index(st.balancer)]]
    before = st.ties_before * tie_factor  # (N, X)
    after = st.ties_after[None] * tie_factor[:, None, :]  # (N, m, X)
    cols.append(relations_loss(before, after) if st.tie_actors else np.zeros((n, m)))
    if st.tied:
        pick = [st.tie_actors.index(a) for a in st.tied]
        t = before[:, pick]  # (N, T)
        gain = np.einsum("nmt,nt->nm", delta[:, :, [actors.index(a) for a in st.tied]], t)
        cols.append(gain / np.abs(t).sum(axis=1)[:, None])
    else:
        cols.append(np.zeros((n, m)))
    for a in st.satisfied:
        cols.append(delta[:, :, actors.index(a)])
    if "cross_pressure" in st.criteria:
        sq = st.triads[st.options[0].id]
        cols.append(
            np.broadcast_to(np.array([sq - st.triads[o.id] for o in st.options], float), (n, m))
        )
    signs = np.array([c.sign for c in st.declared.values()])
    for j in range(len(st.declared)):
        cols.append(signs[j] * declared[:, :, j])
    return np.stack(cols, axis=-1)


def _position_uncertainty(st: _Setting, scenario: Scenario) -> np.ndarray:
    """``(n_actors, n_issues)`` half-widths of the position draws (module docstring)."""
    n_a, n_d = st.base.position.shape
    unc = np.full((n_a, n_d), np.nan)
    a_idx = {a: k for k, a in enumerate(st.base.actors)}
    i_idx = {i: k for k, i in enumerate(st.base.issues)}
    for stance in st.world.stances:
        if stance.uncertainty is not None:
            unc[a_idx[stance.actor], i_idx[stance.issue]] = stance.uncertainty
    declared = scenario.uncertainty.position
    default = DEFAULT_UNCERTAINTY_SHARE * st.length if declared is None else np.full(n_d, declared)
    return np.where(np.isnan(unc), default, unc)


Perturb = Callable[[BargainingProblem], tuple[np.ndarray, np.ndarray, np.ndarray]]


class _Threads:
    """An estimator whose batch forecasts use ``n`` threads (results do not depend on it)."""

    def __init__(self, estimator: Any, n: int) -> None:
        self._estimator, self._n = estimator, n

    def forecast_batch(self, *args: Any, **kwargs: Any) -> np.ndarray:
        return self._estimator.forecast_batch(*args, n_jobs=self._n, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._estimator, name)

    def __setattr__(self, name: str, value: Any) -> None:  # e.g. batch_info_: on the model
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._estimator, name, value)


def _estimator(engine: _Engine) -> Any:
    """The engine's estimator, held to one thread inside an executor's worker."""
    import inspect

    threads = model_threads()
    est = engine.estimator
    if threads is None or "n_jobs" not in inspect.signature(est.forecast_batch).parameters:
        return est
    return _Threads(est, threads)


def _forecast_options(
    st: _Setting, engine: _Engine, perturb: Perturb, converged: list[np.ndarray] | None = None
) -> np.ndarray:
    """Outcomes ``(N, m, D)`` of every option on the perturbed inputs, before the declared
    consequences; per-issue models rerun only the issues an option changes, and identical
    options run once. With a list ``converged``, appends per option the ``(N, D)`` flags of
    the iterative models' convergence (the batch API's ``batch_info_``; single-pass models
    and unilateral issues: True)."""
    n_d = st.base.n_issues
    estimator = _estimator(engine)
    outs: list[np.ndarray] = []
    seen: dict[bytes, np.ndarray] = {}
    conv: list[np.ndarray] = []
    seen_conv: dict[bytes, np.ndarray] = {}

    def flags(n: int, width: int) -> np.ndarray:
        info = getattr(engine.estimator, "batch_info_", None)
        if info is None or info["converged"].shape != (n, width):
            return np.ones((n, width), bool)
        return info["converged"].copy()

    for p, cols in zip(st.problems, engine.plans):
        key = _plan_key(p, cols)
        if key in seen:  # an option identical to an earlier one
            outs.append(seen[key])
            conv.append(seen_conv[key])
            continue
        if outs and not cols:  # nothing differs from the status quo
            outs.append(outs[0])
            conv.append(conv[0])
            continue
        x, s, c = perturb(p)
        if hasattr(engine.estimator, "batch_info_"):
            del engine.estimator.batch_info_
        if outs and len(cols) < n_d:
            res = outs[0].copy()
            res[:, cols] = bargain_batch(
                estimator,
                x[:, :, cols],
                s[:, :, cols],
                c[:, :, cols],
                lower=p.lower[cols],
                upper=p.upper[cols],
                issues=[p.issues[k] for k in cols],
                actors=p.actors,
                decided_by=[p.decided_by[k] for k in cols],
                spaces=[p.spaces[k] for k in cols],
            )
            ok = conv[0].copy()
            ok[:, cols] = flags(res.shape[0], len(cols))
        else:
            res = bargain_batch(
                estimator,
                x,
                s,
                c,
                lower=p.lower,
                upper=p.upper,
                issues=p.issues,
                actors=p.actors,
                decided_by=p.decided_by,
                spaces=p.spaces,
            )
            ok = flags(res.shape[0], n_d)
        seen[key] = res
        seen_conv[key] = ok
        outs.append(res)
        conv.append(ok)
    if converged is not None:
        converged.extend(conv)
    return np.stack(outs, axis=1)


@dataclass
class DrawInputs:
    """The perturbed inputs of ``N`` draws (what :func:`_evaluate_draws` turns into criteria
    values): kept so that the flip rules can say which inputs make the choice change."""

    position: np.ndarray  # (N, n_actors, n_issues) noise in scale points (added, clipped)
    salience: np.ndarray  # (N, n_actors, n_issues) multipliers (then clipped to [0, 1])
    capability: np.ndarray  # (N, n_actors, n_issues) multipliers
    ties: np.ndarray  # (N, X) multipliers of the balancer's ties (``tie_actors`` order)
    declared: np.ndarray  # (N, m, kd) declared criteria values (clipped to their scales)
    model: np.ndarray  # (N,) index of the draw's bargaining model (``draw_engines``)

    def __len__(self) -> int:
        return int(self.position.shape[0])

    def rows(self, start: int, stop: int) -> DrawInputs:
        """Draws ``start .. stop - 1``."""
        return DrawInputs(
            *(
                getattr(self, f)[start:stop]
                for f in ("position", "salience", "capability", "ties", "declared", "model")
            )
        )

    @staticmethod
    def concat(parts: list[DrawInputs]) -> DrawInputs:
        return DrawInputs(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("position", "salience", "capability", "ties", "declared", "model")
            )
        )


@dataclass
class KeptDraws:
    """The SMAA draws kept for the flip rules (``decide(..., keep_draws=True)``): each draw's
    inputs, the options' normalised criteria values and the overall acceptability's
    weights, with the names that make them readable."""

    inputs: DrawInputs
    values: np.ndarray  # (N, m, k) normalised criteria values
    weights: np.ndarray  # (N, k) the overall acceptability's weights
    doctrine: np.ndarray  # (N,) index into ``doctrines`` (-1: no doctrines)
    doctrines: list[str]
    options: list[str]
    criteria: list[str]
    declared: list[str]  # declared criteria, the last axis of ``inputs.declared``
    judgements: np.ndarray  # (m,) options with the same index share their declared draws
    actors: list[str]
    issues: list[str]
    stance: np.ndarray  # (n_actors, n_issues) True where the actor has a stance
    base_position: np.ndarray  # (n_actors, n_issues) the world's positions
    base_salience: np.ndarray
    lower: np.ndarray  # (n_issues,)
    upper: np.ndarray
    tie_actors: list[str]
    #: (N,) the draw's forecast (draws with the same index share their bargaining inputs)
    forecast: np.ndarray | None = None

    def positions(self) -> np.ndarray:
        """Each draw's positions ``(N, n_actors, n_issues)`` (clipped to the scales)."""
        return np.clip(self.base_position + self.inputs.position, self.lower, self.upper)

    def saliences(self) -> np.ndarray:
        return np.clip(self.base_salience * self.inputs.salience, 0.0, 1.0)


def _kept(
    st: _Setting,
    inputs: DrawInputs,
    values: np.ndarray,
    weights: np.ndarray,
    pick: np.ndarray,
    doctrines: list[str],
    forecast: np.ndarray | None = None,
) -> KeptDraws:
    return KeptDraws(
        inputs,
        values,
        weights,
        pick,
        doctrines,
        [o.id for o in st.options],
        list(st.criteria),
        list(st.declared),
        st.judgements,
        list(st.base.actors),
        list(st.base.issues),
        ~np.isnan(st.base.position),
        st.base.position,
        st.base.salience,
        st.base.lower,
        st.base.upper,
        list(st.tie_actors),
        forecast,
    )


@dataclass(frozen=True)
class _Noise:
    """The half-widths of the draws' perturbations (module docstring) and how one chunk of
    them is drawn; the order of the generator's calls is part of the seeded results."""

    position: np.ndarray  # (n_actors, n_issues) scale points
    salience: float  # shares of the value
    capability: float
    relations: float
    criteria: np.ndarray  # (kd,) in each declared criterion's units
    criteria_lo: np.ndarray
    criteria_hi: np.ndarray

    @classmethod
    def of(cls, st: _Setting, scenario: Scenario) -> _Noise:
        declared = list(st.declared.values())
        return cls(
            _position_uncertainty(st, scenario),
            scenario.uncertainty.salience,
            scenario.uncertainty.capability,
            scenario.uncertainty.relations,
            np.array([c.uncertainty for c in declared]),
            np.array([c.lo for c in declared]),
            np.array([c.hi for c in declared]),
        )

    def bargaining(
        self, rng: np.random.Generator, n: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``n`` draws of position noise, salience and capability multipliers."""
        shape = (n, *self.position.shape)
        return (
            rng.uniform(-1.0, 1.0, shape) * self.position,
            rng.uniform(1 - self.salience, 1 + self.salience, shape),
            rng.uniform(1 - self.capability, 1 + self.capability, shape),
        )

    def own(self, st: _Setting, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` draws of the balancer's tie factors and the declared criteria values
        (options with the same judgement index share their noise; clipped to the scales)."""
        m, kd = st.declared_values.shape
        ties = rng.uniform(1 - self.relations, 1 + self.relations, (n, len(st.tie_actors)))
        noise = rng.uniform(-1.0, 1.0, (n, st.judgements.max() + 1 if m else 0, kd))
        declared = np.clip(
            st.declared_values + noise[:, st.judgements] * self.criteria,
            self.criteria_lo,
            self.criteria_hi,
        )
        return ties, declared


def _draw_inputs(
    st: _Setting,
    scenario: Scenario,
    draws: int,
    rng: np.random.Generator,
    forecasts: int | None = None,
) -> DrawInputs:
    """The draws' perturbed inputs (module docstring), drawn in chunks of :data:`CHUNK` in
    a fixed order: the same seed gives the same inputs whatever evaluates them. With
    ``forecasts`` = F < ``draws``, see :func:`_shared_draw_inputs`."""
    if forecasts is not None and forecasts < draws:
        return _shared_draw_inputs(st, scenario, draws, forecasts, rng)
    noise = _Noise.of(st, scenario)
    parts = []
    done = 0
    while done < draws:
        n = min(CHUNK, draws - done)
        noise_x, mult_s, mult_c = noise.bargaining(rng, n)
        tie_factor, declared = noise.own(st, rng, n)
        which = (done + np.arange(n)) % len(st.draw_engines)  # round-robin over the models
        parts.append(DrawInputs(noise_x, mult_s, mult_c, tie_factor, declared, which))
        done += n
    return DrawInputs.concat(parts) if len(parts) != 1 else parts[0]


def _shared_draw_inputs(
    st: _Setting, scenario: Scenario, draws: int, forecasts: int, rng: np.random.Generator
) -> DrawInputs:
    """Inputs of ``draws`` draws that share ``forecasts`` = F bargaining inputs: first the F
    sets of position noise, salience and capability multipliers (in chunks of :data:`CHUNK`,
    each chunk's three arrays in that order), then every draw's own tie factors and declared
    criteria noise (in chunks of :data:`CHUNK`). Draw ``n`` takes set ``n mod F`` (and its
    model, ``(n mod F) mod len(models)``), so the balancer's perturbed interests come from the
    same set as its forecast."""
    noise = _Noise.of(st, scenario)
    sets = [noise.bargaining(rng, min(CHUNK, forecasts - a)) for a in range(0, forecasts, CHUNK)]
    noise_x, mult_s, mult_c = (np.concatenate([p[i] for p in sets]) for i in range(3))
    own = [noise.own(st, rng, min(CHUNK, draws - a)) for a in range(0, draws, CHUNK)]
    index = np.arange(draws) % forecasts
    return DrawInputs(
        noise_x[index],
        mult_s[index],
        mult_c[index],
        np.concatenate([t for t, _ in own]),
        np.concatenate([d for _, d in own]),
        index % len(st.draw_engines),
    )


def _forecast_draws(st: _Setting, inputs: DrawInputs) -> np.ndarray:
    """Forecast outcomes ``(N, m, D)`` of every option on each row's perturbed bargaining
    inputs (positions, saliences, capabilities, model), before the declared consequences: a
    pure function of its arguments (the executor's unit of work; any split into chunks
    gives the same rows)."""
    n = len(inputs)
    m, n_d = len(st.options), st.base.n_issues
    noise_x, mult_s, mult_c = inputs.position, inputs.salience, inputs.capability
    outcomes = np.empty((n, m, n_d))
    for j, engine in enumerate(st.draw_engines):
        sel = np.flatnonzero(inputs.model == j)
        if sel.size == 0:
            continue

        def perturb(
            p: BargainingProblem, sel: np.ndarray = sel
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            x = np.clip(p.position + noise_x[sel], p.lower, p.upper)
            s = np.clip(p.salience * mult_s[sel], 0.0, 1.0)
            return x, s, p.capability * mult_c[sel]

        outcomes[sel] = _forecast_options(st, engine, perturb)
    return outcomes


def _draw_criteria(st: _Setting, outcomes: np.ndarray, inputs: DrawInputs) -> np.ndarray:
    """Criteria values ``(N, m, k)`` from the draws' forecasts ``(N, m, D)`` (before the
    consequences) and their inputs: the balancer's perturbed interests, tie factors and
    declared values (cheap: no model runs)."""
    outcomes = apply_bounds(outcomes, st.layers)
    interest_x = np.clip(st.base.position + inputs.position, st.base.lower, st.base.upper)
    interest_s = np.clip(st.base.salience * inputs.salience, 0.0, 1.0)
    return _criteria_values(st, outcomes, interest_x, interest_s, inputs.ties, inputs.declared)


def _evaluate_draws(st: _Setting, inputs: DrawInputs) -> np.ndarray:
    """Criteria values ``(N, m, k)`` of the options on perturbed inputs: a pure function of
    its arguments (the executor's unit of work; any split into chunks gives the same rows)."""
    return _draw_criteria(st, _forecast_draws(st, inputs), inputs)


def _draw_values(
    st: _Setting,
    scenario: Scenario,
    draws: int,
    rng: np.random.Generator,
    progress: Progress | None,
    executor: Executor | None = None,
    forecasts: int | None = None,
) -> tuple[np.ndarray, DrawInputs, np.ndarray]:
    """Criteria values ``(draws, m, k)`` on perturbed inputs, those inputs and each draw's
    forecast index ``(draws,)``. ``forecasts`` = F distinct bargaining inputs (``None``:
    one per draw); draw ``n`` uses forecast ``n mod F``, i.e. the bargaining inputs of draw
    ``n mod F``. Only the F forecasts are evaluated by ``executor`` (default: in this
    process, in chunks of :data:`CHUNK`), ``progress(done, F)`` as they finish; the
    criteria of the ``draws`` draws follow in this process."""
    n_f = draws if forecasts is None else forecasts
    inputs = _draw_inputs(st, scenario, draws, rng, n_f)
    index = np.arange(draws) % n_f
    ahead = inputs.rows(0, n_f)  # draws 0 .. F-1 carry the F distinct bargaining inputs
    per_chunk = evaluation_chunk(st.base.n_actors, st.base.n_issues, len(st.options))
    if executor is not None:
        executor = replace(executor, chunk=min(executor.chunk, per_chunk))
        outcomes = executor.map_rows(_forecast_draws, st, ahead, n_f, progress=progress)
    else:
        chunks = []  # this process, the models with their own threads
        step = min(CHUNK, per_chunk)
        for start in range(0, n_f, step):
            chunks.append(_forecast_draws(st, ahead.rows(start, start + step)))
            if progress is not None:
                progress(min(start + step, n_f), n_f)
        outcomes = np.concatenate(chunks)
    if n_f < draws:
        outcomes = outcomes[index]
    return _draw_criteria(st, outcomes, inputs), inputs, index


def forecast_work(st: _Setting) -> int:
    """One SMAA draw's forecast work, a count that does not depend on the machine:
    ``n_actors² x`` the bargained issue forecasts the draw reruns ``x`` the model's round
    cap (1 for a single-pass model), averaged over the models the draws take in turn (rounded
    up). The issue forecasts are those :func:`_forecast_options` runs: every issue of the
    status quo, then per option the issues it changes (all of them for a model that couples
    issues), identical options once; unilateral issues (``decided_by``) are not bargained."""
    n_d = st.base.n_issues
    bargained = np.array([d is None for d in st.base.decided_by])
    works = []
    for engine in st.draw_engines:
        issue_runs, seen = 0, set()
        for k, (p, cols) in enumerate(zip(st.problems, engine.plans)):
            key = _plan_key(p, cols)
            if key in seen or (k > 0 and not cols):
                continue
            seen.add(key)
            run = list(range(n_d)) if k == 0 or len(cols) >= n_d else cols
            issue_runs += int(bargained[run].sum())
        est = engine.estimator
        takes = getattr(est, "takes_rounds", None)  # a model outside the registry may lack it
        iterative = takes() if takes is not None else hasattr(est, "rounds")
        cap = getattr(est, "rounds_limit", getattr(est, "rounds", 1)) if iterative else 1
        works.append(st.base.n_actors**2 * issue_runs * max(1, int(cap)))
    return -(-sum(works) // len(works))


def shared_forecasts(
    draws: int, work_per_draw: int, budget: int = FORECAST_BUDGET, floor: int = FORECAST_FLOOR
) -> int:
    """The automatic number F of distinct forecasts for ``draws`` SMAA draws:
    ``F = draws`` when ``draws x work_per_draw <= budget`` (every draw its own forecast),
    else ``F = min(draws, max(floor, budget // work_per_draw))``."""
    if draws <= 0:
        return 0
    if draws * work_per_draw <= budget:
        return draws
    return int(min(draws, max(floor, budget // max(1, work_per_draw))))


def evaluation_chunk(n_actors: int, n_issues: int, n_forecasts: int) -> int:
    """Draws evaluated per chunk: :data:`WORK_PER_CHUNK` over one draw's work
    ``n_actors² · n_issues · n_forecasts`` (a forecast per option, the status quo
    included), between 1 and the executor's :data:`~.executor.CHUNK_DRAWS`. It sets how often the
    progress bar moves and how finely Ctrl-C and the workers split the sweep, never the
    results (each draw is a pure function of its own inputs)."""
    per_draw = max(1, n_actors**2 * n_issues * n_forecasts)
    return int(min(CHUNK_DRAWS, max(1, WORK_PER_CHUNK // per_draw)))


def _scores(
    st: _Setting, norm: np.ndarray, owner: str, weights: Weights
) -> tuple[dict[str, Any], tuple[np.ndarray, np.ndarray]]:
    lo_w, hi_w = _weight_bounds(owner, weights, st.criteria)
    w = (lo_w + hi_w) / 2
    w = w / w.sum()
    scores = norm @ w
    return (
        {
            "best": st.options[int(np.argmax(scores))].id,
            "scores": {o.id: float(scores[i]) for i, o in enumerate(st.options)},
            "weights": {c: float(w[j]) for j, c in enumerate(st.criteria) if w[j] > 0},
        },
        (lo_w, hi_w),
    )


def _doctrine_scores(
    st: _Setting, scenario: Scenario, norm: np.ndarray
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Each doctrine's scores (midpoint weights, normalised) and its weight bounds."""
    by_doctrine: dict[str, dict[str, Any]] = {}
    bounds_ = {}
    for d in scenario.doctrines:
        scored, bounds_[d.id] = _scores(st, norm, d.id, st.weights[d.id])
        by_doctrine[d.id] = {
            "name": d.name,
            "holder": d.holder,
            "variant_weights": st.variant in d.weights_by_variant,
            **scored,
        }
    return by_doctrine, bounds_


def _expectation_scores(
    st: _Setting, scenario: Scenario, norm: np.ndarray
) -> dict[str, dict[str, Any]]:
    """Other actors' expectations, keyed by actor (by id when an actor holds several)."""
    holders = [e.actor for e in scenario.expectations]
    out: dict[str, dict[str, Any]] = {}
    for e in scenario.expectations:
        key = e.actor if holders.count(e.actor) == 1 else e.id
        scored, _ = _scores(st, norm, e.id, e.weights)
        out[key] = {"id": e.id, "actor": e.actor, "name": e.name, **scored}
    return out


def _smaa(
    st: _Setting,
    values: np.ndarray,
    bounds_: dict[str, tuple[np.ndarray, np.ndarray]],
    rng: np.random.Generator,
    groups: np.ndarray | None = None,
) -> tuple[SMAAResult, dict[str, SMAAResult], np.ndarray, np.ndarray]:
    """SMAA-2 overall (a random doctrine per draw, or the simplex of ``outcome``,
    ``relations`` and the declared criteria when there are no doctrines) and per doctrine,
    on normalised values ``(N, m, k)``; also the overall draws' weights ``(N, k)`` and
    doctrine indices ``(N,)`` (-1 without doctrines)."""
    n, k = values.shape[0], len(st.criteria)
    per_doctrine: dict[str, SMAAResult] = {}
    pick = np.full(n, -1)
    if bounds_:
        names = list(bounds_)
        pick = rng.integers(0, len(names), size=(n,))
        weights = np.empty((n, k))
        for j, name in enumerate(names):
            sel = pick == j
            weights[sel] = sample_weights(rng, int(sel.sum()), *bounds_[name])
        for name in names:
            per_doctrine[name] = smaa2(
                values, sample_weights(rng, n, *bounds_[name]), groups=groups
            )
    else:
        core = [
            st.criteria.index(c)
            for c in st.criteria
            if c in ("outcome", "relations") or c in st.declared
        ]
        weights = np.zeros((n, k))
        weights[:, core] = sample_simplex(rng, n, len(core))
    return smaa2(values, weights, groups=groups), per_doctrine, weights, pick


def _forecast_rule(draws: int, n_f: int, work: int, requested: int | None) -> str:
    """Why the draws have ``n_f`` distinct forecasts (for the report and ``--json``)."""
    if draws <= 0:
        return ""
    if requested is not None:
        return f"--forecast-draws {requested}" + (
            f" (at most the {draws:,} draws)" if requested > draws else ""
        )
    if n_f >= draws:
        return (
            "one forecast per draw: the draws' forecast work is within the budget of "
            f"{FORECAST_BUDGET:,}"
        )
    return (
        f"the case is large: {draws:,} draws x {work:,} forecast work a draw (actor pairs x "
        f"bargained issue forecasts x round cap) is over the budget of {FORECAST_BUDGET:,}, so "
        f"F = max({FORECAST_FLOOR}, budget // work) = {n_f:,}; "
        f"--forecast-draws {draws} for one forecast per draw"
    )


def _perturbed(
    st: _Setting, scenario: Scenario, draws: int, forecasts: int | None = None
) -> list[str]:
    """What the draws perturb, and how (for the report and ``--json``)."""
    if draws <= 0:
        return []
    u = scenario.uncertainty
    pos = (
        f"{DEFAULT_UNCERTAINTY_SHARE:.0%} of each issue's scale"
        if u.position is None
        else f"{u.position:g} scale points"
    )
    out = [
        f"positions: uniform ± {pos}, unless a stance gives its own uncertainty",
        f"saliences: uniform ± {u.salience:.0%} of each value, clipped to [0, 1]",
        f"capabilities: uniform ± {u.capability:.0%} of each value",
    ]
    if st.declared:
        out.append(
            "declared criteria (every option, the status quo included): uniform ± "
            + ", ".join(
                f"{c.id} {c.uncertainty:g} on [{c.lo:g}, {c.hi:g}]" for c in st.declared.values()
            )
            + ", clipped to the scale"
        )
    if st.tie_actors:
        out.append(
            f"relation ties of {st.balancer}: uniform ± {u.relations:.0%} of each "
            "tie's weight (one factor per actor)"
        )
    if scenario.doctrines:
        out.append(
            "doctrine weights: uniform within each doctrine's ranges; a doctrine at "
            "random per draw for the overall acceptability"
        )
    else:
        out.append(
            "weights: uniform on the simplex of outcome, relations and the declared criteria"
        )
    if len(st.draw_engines) > 1:
        out.append(
            "bargaining model: draw n uses "
            + ", ".join(e.name for e in st.draw_engines)
            + " in turn (n mod "
            f"{len(st.draw_engines)})"
        )
    if forecasts is not None and forecasts < draws:
        out.append(
            f"shared forecasts: the positions, saliences and capabilities (and the model) take "
            f"{forecasts:,} distinct draws, draw n those of draw n mod {forecasts:,}; the "
            "declared criteria, ties and weights are drawn for every draw"
        )
    return out


def decide(
    scenario: Scenario,
    *,
    model: str = "eum",
    variant: str | None = None,
    draws: int = 1000,
    seed: int | None = 0,
    rounds: int | None = None,
    progress: Progress | None = None,
    models: list[str] | None = None,
    combinations: int = 0,
    prepared: _Setting | None = None,
    executor: Executor | None = None,
    keep_draws: bool = False,
    forecast_draws: int | None = None,
    **model_params: Any,
) -> DecisionResult:
    """Score the balancer's options under every doctrine, with SMAA-2 robustness.

    Parameters
    ----------
    scenario: the scenario; it needs a ``balancer``, a ``status_quo`` and at least one issue
        with stances.
    model: bargaining model name (``equipoise.models.MODELS``) of the deterministic scores
        (and of the draws unless ``models`` is given); ``model_params`` go to it.
    variant: id of a what-if variant to apply first (``None``: the scenario as it is).
    draws: number of SMAA draws (0: deterministic scores only).
    seed: seed of NumPy's ``default_rng`` (results are identical for the same seed).
    rounds: round cap of the iterative models (None: the models' default, 50 = the
        convergence horizon, so the scores do not depend on it).
    progress: called as ``progress(done, total)`` while draws are evaluated.
    models: bargaining models the draws use in turn (module docstring).
    combinations: also evaluate every compatible package of 2..K options (0: none).
    prepared: internal — the ``_setting(...)`` of these same arguments, already built (the
        explanation, :mod:`.explain`, reuses it for its search).
    executor: runs the draws' chunks (:mod:`.executor`; default: this process); the
        results are identical whatever it is.
    keep_draws: keep the draws' inputs, normalised values and overall weights in the
        result (``result.draws_kept``) for the flip rules (:mod:`.flip`).
    forecast_draws: F, the number of distinct perturbed bargaining inputs the draws share
        (the nested design of the module docstring; at most ``draws``); ``None``: the
        automatic rule, :func:`shared_forecasts` with :data:`FORECAST_BUDGET` and
        :data:`FORECAST_FLOOR`. ``forecast_draws = draws`` (or the automatic rule within the
        budget) gives every draw its own forecast, the same results as before the option.

    Raises ``ValueError`` for a negative ``draws`` or ``seed``, or a ``forecast_draws``
    below 1.
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 0:
        raise ValueError(f"draws must be a whole number >= 0, got {draws!r}")
    from ..limits import check_draws

    check_draws(draws)
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ValueError(f"seed must be a whole number >= 0 or None, got {seed!r}")
    if forecast_draws is not None and (
        isinstance(forecast_draws, bool)
        or not isinstance(forecast_draws, (int, np.integer))
        or forecast_draws < 1
    ):
        raise ValueError(
            f"forecast_draws must be a whole number >= 1 or None, got {forecast_draws!r}"
        )
    st = (
        prepared
        if prepared is not None
        else _setting(scenario, model, variant, rounds, model_params, models, combinations)
    )
    rng = np.random.default_rng(seed)

    # deterministic evaluation: the unperturbed inputs
    conv: list[np.ndarray] = []
    raw = _forecast_options(
        st, st.engine, lambda p: (p.position[None], p.salience[None], p.capability[None]), conv
    )
    exact = apply_bounds(raw, st.layers)
    m = len(st.options)
    values = _criteria_values(
        st,
        exact,
        st.base.position,
        st.base.salience,
        np.ones((1, len(st.tie_actors))),
        st.declared_values[None],
    )[0]
    work = forecast_work(st)
    n_f = (
        shared_forecasts(draws, work) if forecast_draws is None else min(draws, int(forecast_draws))
    )
    drawn, inputs, index = (
        _draw_values(st, scenario, draws, rng, progress, executor, n_f)
        if draws > 0
        else (None, None, None)
    )

    # normalisation: min-max over options (and draws), a fixed linear value function
    pool = values[None] if drawn is None else np.concatenate([values[None], drawn])
    lo = pool.min(axis=(0, 1))
    span = pool.max(axis=(0, 1)) - lo
    span = np.where(span > 1e-12 * np.maximum(np.abs(lo), 1.0), span, np.inf)
    norm = (values - lo) / span

    by_doctrine, weight_bounds = _doctrine_scores(st, scenario, norm)
    overall, kept = None, None
    per_doctrine: dict[str, SMAAResult] = {}
    if drawn is not None:
        drawn_norm = (drawn - lo) / span
        overall, per_doctrine, draw_w, draw_pick = _smaa(st, drawn_norm, weight_bounds, rng, index)
        if keep_draws and inputs is not None:
            kept = _kept(st, inputs, drawn_norm, draw_w, draw_pick, list(weight_bounds), index)
    issues = st.base.issues
    bounded = {
        o.id: {
            issue: {"before": float(raw[0, k, d]), "after": float(exact[0, k, d])}
            for d, issue in enumerate(issues)
            if raw[0, k, d] != exact[0, k, d]
        }
        for k, o in enumerate(st.options)
    }
    return DecisionResult(
        balancer=st.balancer,
        model=model,
        variant=variant,
        options=[o.id for o in st.options],
        option_names={o.id: o.name for o in st.options},
        criteria=st.criteria,
        values=values,
        normalised=norm,
        outcomes={
            o.id: {i: float(exact[0, k, j]) for j, i in enumerate(issues)}
            for k, o in enumerate(st.options)
        },
        unbalanced_triads=st.triads,
        by_doctrine=by_doctrine,
        smaa=overall,
        smaa_by_doctrine=per_doctrine,
        draws=draws,
        seed=seed,
        status_quo=st.options[0].id,
        kinds=st.kinds,
        parts=st.parts,
        declared={
            o.id: {c: float(st.declared_values[k, j]) for j, c in enumerate(st.declared)}
            for k, o in enumerate(st.options)
        },
        bounded={o: b for o, b in bounded.items() if b},
        decided_by=dict(zip(issues, st.base.decided_by)),
        expectations=_expectation_scores(st, scenario, norm),
        perturbed=_perturbed(st, scenario, draws, n_f),
        forecast_draws=n_f if draws > 0 else 0,
        forecast_rule=_forecast_rule(draws, n_f, work, forecast_draws),
        models=[e.name for e in st.draw_engines],
        draws_kept=kept,
        non_converged={
            o.id: [i for j, i in enumerate(issues) if not conv[k][0, j]]
            for k, o in enumerate(st.options)
            if not conv[k][0].all()
        },
        params={
            "model": model,
            "rounds": rounds,
            "draws": draws,
            "seed": seed,
            "variant": variant,
            "models": [e.name for e in st.draw_engines],
            "combinations": combinations,
            "forecast_draws": forecast_draws,
            "options_evaluated": m,
            "position_uncertainty": (
                f"{DEFAULT_UNCERTAINTY_SHARE:.0%} of the scale"
                if scenario.uncertainty.position is None
                else f"{scenario.uncertainty.position:g} scale points"
            )
            + " unless a stance gives its own",
            "salience_uncertainty": scenario.uncertainty.salience,
            "capability_uncertainty": scenario.uncertainty.capability,
            "criteria_uncertainty": scenario.uncertainty.criteria,
            "relations_uncertainty": scenario.uncertainty.relations,
            **model_params,
        },
    )


def _changed_issues(p: BargainingProblem, base: BargainingProblem, per_issue: bool) -> list[int]:
    """Indices of the issues whose inputs differ between ``p`` and ``base`` (all issues when
    the model couples issues, as the exchange model does)."""
    n_d = p.position.shape[1]
    if not per_issue:
        return list(range(n_d))
    return [
        d
        for d in range(n_d)
        if not (
            np.array_equal(p.position[:, d], base.position[:, d], equal_nan=True)
            and np.array_equal(p.salience[:, d], base.salience[:, d])
            and np.array_equal(p.capability[:, d], base.capability[:, d])
        )
    ]


def _plan_key(p: BargainingProblem, cols: list[int]) -> bytes:
    """Identity of an option's model inputs (to evaluate identical options once)."""
    return b"|".join(
        [
            np.asarray(cols).tobytes(),
            p.position.tobytes(),
            p.salience.tobytes(),
            p.capability.tobytes(),
        ]
    )

r"""KTAB's spatial model of politics (SMP) -- ``docs/smp.md``.

Actors hold positions in a space of one or more issues (:mod:`.smp_space`). Each turn:
risk attitudes from a probabilistic Condorcet election (PCE) over the positions; every
actor weighs challenging every other, with third parties joining the side they expect to
gain from; each actor proposes a bargain (an interpolated pair of positions) to its most
profitable target; every actor then adopts the bargain (or its status quo) that wins a
capability-weighted PCE among those it is party to (:mod:`.smp_turn`). Runs stop after at
least ``min_rounds`` turns once a turn moves the actors less than ``stop_ratio`` of the
first turn (sum of each actor's Euclidean move on the unit scale; the first turn's plus
``1e-4``), or after ``rounds`` turns (100).

The **forecast** of an issue is the expected position of the final state: the
probability-weighted mean of the distinct final positions, with KTAB's probabilities that
each position wins (a PCE in which every actor values the positions with its own risk
attitude, weighted by capability). ``trajectory`` is that expected position in every state
(index 0 the initial one), ``history[issue][actor]`` the actor's position in every state.
``details[issue]``: ``probabilities`` {actor: probability that its final position wins},
``probability_history`` {actor: [...] per state}, ``most_probable`` (the most probable final
position), ``risk`` {actor: final risk attitude}, ``space`` (the issues of the space),
``change_ratio`` (per turn, the stop rule's ratio).

Defaults are KTAB's (its names): VictoryProbModel ``Linear``, VotingRule ``Prop``, PCEModel
``Conditional``, StateTransitions ``Deterministic``, BigRRange ``Mid``, BigRAdjust
``OneThird``, ThirdPartyCommit ``SemiCommit``, InterVecBrgn ``S2P2``, BargnModel
``InitOnlyInterp``. Reproduces KTAB's reference run of ``dummyData_3Dim.csv`` (11 states,
positions within 0.1, probabilities within 0.01; ``tests/test_models_smp.py``).

References: KAPSARC Toolkit for Behavioral Analysis (KTAB), lsyaseen/KTAB
``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp``, ``KTAB/kmodel/libsrc/kmodel.cpp`` (MIT);
docs/smp.md (the algorithm, and every place where equipoise differs from KTAB's code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..limits import check_rounds
from .base import Batch
from .forecast import Forecast
from .problem import BargainingProblem
from .smp_rules import (
    BIG_R_ADJUST,
    BIG_R_RANGES,
    PCE_MODELS,
    VICTORY_MODELS,
    VOTING_RULES,
    check_choice,
)
from .smp_space import (
    SpaceGroupingModel,
    batch_spaces,
    check_spaces_param,
    space_arrays,
    space_groups,
)
from .smp_turn import (
    POSITION_TOL,
    SMPOptions,
    distance_weights,
    distances,
    position_probabilities,
    risk_attitudes,
    turn,
)

__all__ = ["SpatialModel", "SMPRun", "run_smp", "CHOICES"]

#: KTAB's options of the SMP, parameter name -> {value: meaning}.
CHOICES: dict[str, dict[str, Any]] = {
    "victory_prob_model": VICTORY_MODELS,
    "voting_rule": VOTING_RULES,
    "pce_model": PCE_MODELS,
    "state_transitions": {
        "Deterministic": "adopt the most probable bargain (default)",
        "Stochastic": "draw the bargain from the PCE probabilities",
    },
    "big_r_range": BIG_R_RANGES,
    "big_r_adjust": BIG_R_ADJUST,
    "third_party_commit": {"SemiCommit": "default", "FullCommit": "", "NoCommit": ""},
    "inter_vec_brgn": {"S2P2": "default", "S1P1": "", "S2PMax": ""},
    "bargn_model": {"InitOnlyInterp": "default", "InitRcvrInterp": "", "PWCompInterp": ""},
}
_FIELDS = {
    "victory_prob_model": "victory",
    "voting_rule": "voting",
    "pce_model": "pce",
    "state_transitions": "transitions",
    "big_r_range": "big_r_range",
    "big_r_adjust": "big_r_adjust",
    "third_party_commit": "commit",
    "inter_vec_brgn": "interpolation",
    "bargn_model": "bargaining",
}
_MIN_FIRST = 1e-4  # KTAB's minSigDelta: added to the first turn's change
#: KTAB's most turns (``maxIter``): the default round cap.
MAX_TURNS = 100


@dataclass
class SMPRun:
    """One batch of SMP runs on one space (unit scale).

    ``positions[b]``: ``(T_b + 1, N, D)``; ``probabilities[b]``: ``(T_b + 1, N)`` (each
    actor's position's chance to win); ``expected[b]``: ``(T_b + 1, D)``; ``risk[b]``:
    ``(T_b + 1, N)``; ``most_probable[b]``: ``(D,)`` in the final state; ``turns``,
    ``converged``: ``(B,)``; ``ratios[b]``: the stop rule's ratio after each turn.
    """

    positions: list[np.ndarray] = field(default_factory=list)
    probabilities: list[np.ndarray] = field(default_factory=list)
    expected: list[np.ndarray] = field(default_factory=list)
    risk: list[np.ndarray] = field(default_factory=list)
    most_probable: list[np.ndarray] = field(default_factory=list)
    ratios: list[list[float]] = field(default_factory=list)
    turns: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    converged: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def run_smp(
    X: np.ndarray,
    S: np.ndarray,
    cap: np.ndarray,
    opt: SMPOptions | None = None,
    *,
    min_rounds: int = 2,
    max_rounds: int = 100,
    stop_ratio: float = 0.02,
    seed: int | None = None,
    record: bool = True,
) -> SMPRun:
    """Run the SMP on ``B`` problems at once: ``X``, ``S`` ``(B, N, D)`` (unit scale,
    saliences summing to at most 1 per actor), ``cap`` ``(B, N)``.

    Draws leave the computation as they stop. ``record=False`` keeps only the final state
    (``positions[b]``, ``probabilities[b]`` ... then hold one state). The weighted sums are
    matrix-vector products: they run on one BLAS thread (``threadpoolctl``), as OpenBLAS's
    worker threads cost more than they bring on such small products (3x on a busy
    two-core machine).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up only
        return _run_smp(X, S, cap, opt, min_rounds, max_rounds, stop_ratio, seed, record)
    with threadpool_limits(limits=1, user_api="blas"):
        return _run_smp(X, S, cap, opt, min_rounds, max_rounds, stop_ratio, seed, record)


def _run_smp(
    X: np.ndarray,
    S: np.ndarray,
    cap: np.ndarray,
    opt: SMPOptions | None,
    min_rounds: int,
    max_rounds: int,
    stop_ratio: float,
    seed: int | None,
    record: bool,
) -> SMPRun:
    opt = opt or SMPOptions()
    rng = np.random.default_rng(seed)
    B, N, D = X.shape
    run = SMPRun()
    hist: list[list[np.ndarray]] = [[] for _ in range(B)]
    probs: list[list[np.ndarray]] = [[] for _ in range(B)]
    expct: list[list[np.ndarray]] = [[] for _ in range(B)]
    risk: list[list[np.ndarray]] = [[] for _ in range(B)]
    ratios: list[list[float]] = [[] for _ in range(B)]
    most = [np.zeros(D) for _ in range(B)]
    turns = np.zeros(B, int)
    converged = np.zeros(B, bool)
    sw_all = distance_weights(S)
    # all positions the same (or one actor): nothing to bargain, zero turns (docs/models.md §0.2)
    spread = np.abs(X - X[:, :1]).max(axis=(1, 2)) if N > 0 else np.zeros(B)
    settled = spread <= 0.0
    active = np.nonzero(~settled)[0] if max_rounds > 0 else np.zeros(0, int)
    converged[settled] = True
    first = np.zeros(B)
    prev = X.copy()
    cur = X.copy()

    def observe(members: np.ndarray, Xm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = distances(Xm, sw_all[members])
        R, _ = risk_attitudes(d, cap[members], opt)
        per_actor, p_unique, exp = position_probabilities(Xm, d, R, cap[members], opt)
        top = p_unique.argmax(axis=1)
        for k, b in enumerate(members):
            if not record:  # keep the latest state only
                for kept in (hist[b], probs[b], expct[b], risk[b]):
                    kept.clear()
            hist[b].append(Xm[k].copy())
            probs[b].append(per_actor[k])
            expct[b].append(exp[k])
            risk[b].append(R[k])
            most[b] = Xm[k, top[k]].copy()
        return d, R

    everyone = np.arange(B)
    d_all, R_all = observe(everyone, cur)
    d_act, R_act = d_all[active], R_all[active]
    t = 0
    while active.size:
        t += 1
        Xa = cur[active]
        Xn, _ = turn(Xa, S[active], sw_all[active], cap[active], R_act, d_act, opt, rng)
        prev[active] = Xa
        cur[active] = Xn
        move = np.sqrt(((Xn - Xa) ** 2).sum(axis=2)).sum(axis=1)
        if t == 1:
            first[active] = move + _MIN_FIRST
        ratio = move / first[active]
        d_new, R_new = observe(active, Xn)
        turns[active] = t
        for k, b in enumerate(active):
            ratios[b].append(float(ratio[k]))
        quiet = (t >= min_rounds) & (ratio < stop_ratio)
        converged[active[quiet]] = True
        stop = quiet | (t >= max_rounds)
        keep = ~stop
        active = active[keep]
        d_act, R_act = d_new[keep], R_new[keep]
    for b in range(B):
        run.positions.append(np.stack(hist[b]))
        run.probabilities.append(np.stack(probs[b]))
        run.expected.append(np.stack(expct[b]))
        run.risk.append(np.stack(risk[b]))
        run.most_probable.append(most[b])
        run.ratios.append(ratios[b])
    run.turns = turns
    run.converged = converged
    return run


class SpatialModel(SpaceGroupingModel):
    """KTAB's spatial model of politics (docs/smp.md); parameters by KTAB's names.

    Parameters
    ----------
    victory_prob_model : {"Linear", "Square", "Quartic", "Octic", "Binary"}, default "Linear"
    voting_rule : {"Prop", "Binary", "PropBin", "Cubic", "PropCbc", "ASymProsp"}, default "Prop"
    pce_model : {"Conditional", "MarkovUniform", "MarkovIncentive"}, default "Conditional"
    state_transitions : {"Deterministic", "Stochastic"}, default "Deterministic"
        ``Stochastic`` draws each actor's bargain from the PCE probabilities (``seed``).
    big_r_range : {"Mid", "Min", "Max"}, default "Mid"
    big_r_adjust : {"OneThird", "Half", "TwoThirds", "Full", "None"}, default "OneThird"
    third_party_commit : {"SemiCommit", "FullCommit", "NoCommit"}, default "SemiCommit"
        (as in KTAB's code, only SemiCommit lets third parties take sides: under the other
        two a third party's expected utilities of both sides are equal).
    inter_vec_brgn : {"S2P2", "S1P1", "S2PMax"}, default "S2P2"
    bargn_model : {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"}, default "InitOnlyInterp"
    min_rounds, rounds : int, default 2 and 100
        Fewest and most turns (``rounds``: the round cap, ``--rounds``).
    stop_ratio : float, default 0.02
        Stop once a turn moves the actors less than this fraction of the first turn.
    spaces : "problem", "joint", "separate" or a list of lists of issue ids, default "problem"
        Which issues are the dimensions of one space (:mod:`equipoise.models.smp_space`):
        the problem's own spaces (an issue in none is a space of its own), all issues
        together, each issue alone, or the lists given.
    seed : int or None
        Seed of the stochastic transitions.
    """

    name = "smp"
    min_issues = 1

    def __init__(
        self,
        victory_prob_model: str = "Linear",
        voting_rule: str = "Prop",
        pce_model: str = "Conditional",
        state_transitions: str = "Deterministic",
        big_r_range: str = "Mid",
        big_r_adjust: str = "OneThird",
        third_party_commit: str = "SemiCommit",
        inter_vec_brgn: str = "S2P2",
        bargn_model: str = "InitOnlyInterp",
        *,
        min_rounds: int = 2,
        rounds: int | None = None,
        stop_ratio: float = 0.02,
        spaces: Any = "problem",
        seed: int | None = None,
    ) -> None:
        values = dict(
            victory_prob_model=victory_prob_model,
            voting_rule=voting_rule,
            pce_model=pce_model,
            state_transitions=state_transitions,
            big_r_range=big_r_range,
            big_r_adjust=big_r_adjust,
            third_party_commit=third_party_commit,
            inter_vec_brgn=inter_vec_brgn,
            bargn_model=bargn_model,
        )
        for k, v in values.items():
            setattr(self, k, check_choice(v, CHOICES[k], f"smp {k}"))
        check_rounds(rounds)
        check_rounds(min_rounds, "min_rounds")
        self.min_rounds = int(min_rounds)
        check_rounds(rounds)  # the cap on rounds of every model (equipoise.limits)
        self.rounds = MAX_TURNS if rounds is None else int(rounds)
        if self.min_rounds < 1 or self.rounds < 0:
            raise ModelInputError("smp min_rounds must be >= 1 and rounds >= 0")
        self.stop_ratio = float(stop_ratio)
        if not (self.stop_ratio >= 0 and np.isfinite(self.stop_ratio)):
            raise ModelInputError(f"smp stop_ratio={stop_ratio!r} must be a number >= 0")
        self.spaces = check_spaces_param(spaces, "smp")
        self.seed = seed
        self._opt = SMPOptions(**{_FIELDS[k]: v for k, v in values.items()})

    def _run(self, arr: Any, record: bool) -> SMPRun:
        return run_smp(
            arr.X,
            arr.S,
            arr.cap,
            self._opt,
            min_rounds=self.min_rounds,
            max_rounds=self.rounds,
            stop_ratio=self.stop_ratio,
            seed=self.seed,
            record=record,
        )

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        """Run every space of ``problem``; returns a :class:`Forecast` (module docstring)."""
        x, s, c = (a[None] for a in (problem.position, problem.salience, problem.capability))
        outcome: dict[str, float] = {}
        traj, pos, hist, details = {}, {}, {}, {}
        rounds: dict[str, int] = {}
        conv: dict[str, bool] = {}
        scale: dict[str, tuple[float, float]] = {}
        franges: dict[str, tuple[float, float]] = {}
        cycle: dict[str, int | None] = {}
        for idx in space_groups(problem.issues, self.spaces, problem):
            arr = space_arrays(
                x, s, c, problem.lower, problem.upper, idx, problem.issues, problem.actors, "smp"
            )
            run = self._run(arr, record=True)
            names = [problem.actors[a] for a in arr.actors]
            P = run.positions[0] * arr.width + arr.lo  # (T+1, N, D)
            E = run.expected[0] * arr.width + arr.lo  # (T+1, D)
            top = run.most_probable[0] * arr.width + arr.lo
            probs = run.probabilities[0]
            issues_here = [problem.issues[i] for i in idx]
            for k, i in enumerate(idx):
                issue = problem.issues[i]
                outcome[issue] = float(E[-1, k])
                traj[issue] = E[:, k].copy()
                pos[issue] = {a: float(P[-1, n, k]) for n, a in enumerate(names)}
                hist[issue] = {a: P[:, n, k].copy() for n, a in enumerate(names)}
                rounds[issue] = int(run.turns[0])
                conv[issue] = bool(run.converged[0])
                cycle[issue] = None
                franges[issue] = (outcome[issue], outcome[issue])
                scale[issue] = (float(problem.lower[i]), float(problem.upper[i]))
                details[issue] = {
                    "space": issues_here,
                    "probabilities": {a: float(probs[-1, n]) for n, a in enumerate(names)},
                    "probability_history": {
                        a: [float(v) for v in probs[:, n]] for n, a in enumerate(names)
                    },
                    "most_probable": float(top[k]),
                    "risk": {a: float(run.risk[0][-1, n]) for n, a in enumerate(names)},
                    "change_ratio": list(run.ratios[0]),
                }
        return Forecast(
            model=self.name,
            params=self.get_params(),
            actors=problem.actors,
            issues=problem.issues,
            outcome=outcome,
            trajectory=traj,
            positions=pos,
            rounds_run=rounds,
            converged=conv,
            details=details,
            cycle=cycle,
            forecast_range=franges,
            history=hist,
            scale=scale,
        )

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """SMP forecasts of many draws at once (``(B, n_issues)``): each space's draws run
        together, leaving the computation as they stop (scales default to 0-100).
        ``self.batch_info_`` then holds ``converged``, ``cycle`` (0), ``rounds``, ``low``,
        ``high`` per draw and issue."""
        x, s, c = batch.position, batch.salience, batch.capability
        B, n_a, n_i = x.shape
        lo = np.zeros(n_i) if batch.lower is None else batch.lower
        hi = np.full(n_i, 100.0) if batch.upper is None else batch.upper
        ids = list(batch.issues) if batch.issues is not None else [f"#{i}" for i in range(n_i)]
        names = list(batch.actors) if batch.actors is not None else [f"#{a}" for a in range(n_a)]
        out = np.empty((B, n_i))
        conv = np.ones((B, n_i), bool)
        rounds = np.zeros((B, n_i), int)
        if B:
            for idx in space_groups(ids, batch_spaces(self.spaces)):
                arr = space_arrays(x, s, c, lo, hi, idx, ids, names, "smp")
                run = self._run(arr, record=False)
                E = np.stack([e[-1] for e in run.expected]) * arr.width + arr.lo
                out[:, idx] = E
                conv[:, idx] = run.converged[:, None]
                rounds[:, idx] = run.turns[:, None]
        self.batch_info_ = {
            "converged": conv,
            "cycle": np.zeros((B, n_i), int),
            "rounds": rounds,
            "low": out.copy(),
            "high": out.copy(),
        }
        return out


__all__ += ["POSITION_TOL"]

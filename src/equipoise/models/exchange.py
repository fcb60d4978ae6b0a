r"""Equal-gain exchange model (Stokman & Van Oosten 1994) -- ``docs/models.md`` §3.

Several issues are decided together. The expected outcome of issue ``d`` is its compromise
value (NBS) ``O_d = sum_i c_id s_id x_id / D_d`` with ``D_d = sum_i c_id s_id``. Two actors on
opposite sides of the outcomes of two issues ``p, q`` (groups a-d or b-c, §3.3 step 3) who
weigh the issues differently trade voting positions: the actor with the lower salience ratio
``s_p / s_q`` (``B``) moves on ``p`` towards its partner ``A``, and ``A`` moves on ``q``
towards ``B``. A move ``m`` of actor ``k`` on ``d`` shifts ``O_d`` by ``m c_kd s_kd / D_d``.
The moves are sized so that both gain the same (§3.3 step 5)::

    delta_q = delta_p (s_Ap + s_Bp) / (s_Aq + s_Bq),   G = |delta_p s_Ap - delta_q s_Aq|

B first moves all the way to A's position on p; if A's matching move would overshoot B's
position on q, A moves all the way instead. If a move would carry the outcome of its issue
past the partner's position (with the moves already realised this round), the move is cut so
the outcome lands exactly on the partner's position -- the *displacement* ``|x* - x|`` is
used, not the position ``x*`` itself as in the reference code (step 7) -- and the partner's
move is recomputed from the equal-gain relation.

Within a round exchanges are realised greedily, highest gain first; every realisation moves
two voting positions and the outcomes of two issues, after which every remaining candidate
on one of those issues is resized (moves of one actor on one issue accumulate and must point
one way, step 6) and dropped for good if it has become invalid. Ties in gain (within
``1e-20``) go to the candidate earlier in the stable order (issue pair in input order, then
first actor, then second actor in input order) -- deterministic, unlike the reference's coin
flip -- and are counted. At the end of a round the outcomes on the voting positions are the
round's forecast; actors then keep only part of their concessions for the next round:
``x_next = x_start + (0.1 + 0.4 (1 - s)) (y - x_start)`` (step 9).

The realisation loop runs compiled (``_exchange_kernel``, numba) unless ``EQUIPOISE_NUMBA``
is ``0`` or the kernel cannot be compiled, else vectorised with NumPy (the reference the tests
compare the kernel with; docs/kernels.md). The compiled round builds the candidates itself
and realises the same exchanges lazily -- re-sizing only the candidates whose cells moved or
whose outcome came within reach of the step-7 cut, instead of every candidate on the two
moved issues (``_exchange_kernel``'s docstring) -- so on 200 actors x 10 issues a round
takes ~0.1 s instead of ~5 s; it costs ~1 s per process (numba import, loading the cached
build; ~5 s for the first compile on a machine).

Rounds repeat until the positions the next round would start from reach a fixed point (a
round realises no exchange) or a cycle, else up to the 50-round horizon
(:mod:`equipoise.models.convergence`; a cycle's forecast is the mean of its rounds'
outcomes). ``mode="decide"`` runs decide-exchange-model's rounds instead
(:mod:`equipoise.models._decide_loop`: its realisation loop, in its 28-digit decimal
arithmetic) for exactly ``rounds`` rounds, as decide does.

Positions are normalised per issue to 0-100 inside the model (so gains, moves and
externalities are in those units x salience) and de-normalised for output.

``trajectory[issue]`` = ``O_d`` on the initial positions, then after each round;
``positions`` = the voting positions after the last round (their weighted mean is the
outcome). ``details[issue]``: ``"next_start"`` -- {actor: the position the next round would
start from}; ``"exchanges"`` -- per round, how many realised exchanges involved the issue;
``"stop"`` -- the stop rule that fired (the run is joint: the same for every issue);
``"next_outcome"`` (``mode="decide"`` only) -- decide's NBS after the run. The joint run is in
``run_details``: ``"rounds"`` -- per round a dict with ``exchanges`` (list of dicts:
``actors`` (A, B), ``supply`` {actor: issue}, ``start``, ``move``, ``voting`` (de-normalised
positions), ``gain``, ``delta`` and ``outcome_before``/``outcome_after`` per issue, ``groups``,
``cut`` (the step-7 cut applied)), ``n_candidates``, ``ties``, ``externalities``
(``by_actor``: {actor: {own, inner_positive, inner_negative, outer_positive,
outer_negative}}, ``by_issue_pair``: {"p|q": same keys}); ``"ties"`` total;
``"exchanges_per_round"``; ``"stop"``; ``"units"``.

References: Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.), *European
Community Decision Making*, Yale UP, 105-127; foarsitter/decide-exchange-model
(``decide/model/equalgain.py``, ``base.py``, ``calculations.py``); docs/models.md §3.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..limits import check_rounds
from ._accel import load_kernel
from ._decide_loop import run_decide
from .base import BargainingModel, Batch
from .convergence import HORIZON, MAX_PERIOD, WINDOW, check_stop_rule, first_repeat, summarise
from .forecast import Forecast
from .lazy import LazyList
from .problem import EPS_REL, BargainingProblem

__all__ = ["EqualGainExchange"]

_GROUP = ("a", "b", "c", "d")

# The compiled realisation loop (``_exchange_kernel``, numba): None = not looked for yet,
# False = unavailable or switched off (``EQUIPOISE_NUMBA=0``), else the kernel.
_KERNEL: Any = None


def _import_kernel() -> Any:
    from ._exchange_kernel import candidates, realise_round

    return candidates, realise_round


def _warm_up(kernel: Any) -> None:
    """Compile (or load the cached build of) the kernels on a tiny input."""
    candidates, realise_round = kernel
    X = np.array([[10.0, 80.0], [90.0, 20.0]])
    s = np.array([[0.9, 0.2], [0.3, 0.8]])
    w = s.copy()
    D = w.sum(axis=0)
    O = (w * X).sum(axis=0) / D
    C, _ = candidates(X, s, w, D, np.ones_like(X, bool), O, np.array([[0, 1]], np.intp))
    realise_round(C, X.reshape(-1).copy(), np.zeros(4), O.copy(), (w / D).reshape(-1))


def _kernel() -> Any:
    """The compiled realisation loop if numba is installed and not switched off, else None
    (then the NumPy loop runs; both give the same numbers). Looked for on first use only."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = load_kernel(_import_kernel, _warm_up, "exchange model") or False
    return _KERNEL or None


_EXT_KEYS = ("own", "inner_positive", "inner_negative", "outer_positive", "outer_negative")


class _Cands:
    """Static per-candidate arrays of one round (structure of arrays).

    ``I`` rows: flat cell indices (into the ``n_a x n_i`` position array) of
    ``(B, p), (A, q), (A, p), (B, q)``, then ``p``, ``q``. ``SF`` = ``I`` as floats (exact)
    stacked on ``k`` (``delta_q = k delta_p``), ``rB = c_Bp s_Bp / D_p`` and
    ``rA = c_Aq s_Aq / D_q`` (outcome shift per unit move), ``s_Ap``, ``s_Aq``: one gather
    fetches everything static about a set of candidates.
    """

    __slots__ = ("p", "q", "A", "B", "pair", "kind", "I", "SF", "touch", "n")

    p: np.ndarray
    q: np.ndarray
    A: np.ndarray
    B: np.ndarray
    pair: np.ndarray
    kind: np.ndarray
    I: np.ndarray
    SF: np.ndarray
    touch: np.ndarray
    n: int


def _candidates(
    X: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    D: np.ndarray,
    present: np.ndarray,
    O: np.ndarray,
    pairs: np.ndarray,
) -> tuple[_Cands, np.ndarray]:
    """All candidate exchanges of a round (§3.3 steps 2-4) and the group codes.

    Group code of actor a on pair (p, q): ``left_p + 2 left_q`` -> 0 = a (right/right),
    1 = b (left on p), 2 = c (left on q), 3 = d (left/left); ``-1`` if absent on either.
    Candidates are (i in a, j in d) and (i in b, j in c), ordered by issue pair, then i,
    then j (input order). Candidates that cannot move an outcome (a supplier with
    ``c s = 0``) or with a degenerate salience ratio are dropped up front.
    """
    n_a, n_i = X.shape
    P_, Q_ = pairs[:, 0], pairs[:, 1]
    left = X <= O[None, :]
    code = left[:, P_].astype(np.int8) + 2 * left[:, Q_].astype(np.int8)  # (n_a, n_pairs)
    both = present[:, P_] & present[:, Q_]
    code = np.where(both, code, -1).T  # (n_pairs, n_a)
    ci = code[:, :, None]
    cj = code[:, None, :]
    M = (ci >= 0) & (cj >= 0) & (ci <= 1) & (ci + cj == 3)
    pr, i, j = np.nonzero(M)
    p, q = P_[pr], Q_[pr]
    # roles (step 4): i supplies p iff s_ip / s_iq < s_jp / s_jq (cross-multiplied)
    i_sup_p = s[i, p] * s[j, q] < s[j, p] * s[i, q]
    B = np.where(i_sup_p, i, j)
    A = np.where(i_sup_p, j, i)
    sAp, sAq, sBp, sBq = s[A, p], s[A, q], s[B, p], s[B, q]
    wBp, wAq = w[B, p], w[A, q]
    num = sAp + sBp
    den = sAq + sBq
    ok = (wBp > 0) & (wAq > 0) & (num > 0) & (den > 0)
    if not ok.all():
        p, q, A, B, pr, i = p[ok], q[ok], A[ok], B[ok], pr[ok], i[ok]
        sAp, sAq, wBp, wAq, num, den = sAp[ok], sAq[ok], wBp[ok], wAq[ok], num[ok], den[ok]
    c = _Cands()
    c.p, c.q, c.A, c.B, c.pair = p, q, A, B, pr
    c.kind = code[pr, i] == 0  # True: a-d exchange, False: b-c
    c.I = np.stack([B * n_i + p, A * n_i + q, A * n_i + p, B * n_i + q, p, q])
    c.SF = np.concatenate(
        [c.I.astype(float), np.stack([num / den, wBp / D[p], wAq / D[q], sAp, sAq])]
    )
    c.n = len(p)
    ar = np.arange(n_i)[:, None]
    c.touch = (p[None, :] == ar) | (q[None, :] == ar)
    return c, code


# rows of the per-candidate dynamic state Z
_G, _MB, _MA, _SB, _SA, _DP, _DQ, _CUT = range(8)


def _compact(c: _Cands, keep: np.ndarray) -> None:
    """Keep only candidates ``keep`` (dropped candidates never come back)."""
    for name in ("p", "q", "A", "B", "pair", "kind"):
        setattr(c, name, getattr(c, name)[keep])
    c.I = c.I[:, keep]
    c.SF = c.SF[:, keep]
    c.touch = c.touch[:, keep]
    c.n = len(keep)


def _size(
    c: _Cands, idx: np.ndarray | slice, curf: np.ndarray, accf: np.ndarray, O: np.ndarray
) -> np.ndarray:
    """Equal-gain sizing, outcome-overshoot cut and validity of candidates ``idx``.

    ``curf``/``accf``: flattened current positions and accumulated signed moves of this
    round; ``O``: current outcomes. Returns the state rows (8, m): gain (``-1`` if
    invalid), the unsigned moves ``m_B`` (on p) and ``m_A`` (on q), their directions, the
    outcome shifts ``delta_p``, ``delta_q`` and whether the step-7 cut applied.
    """
    SF = c.SF[:, idx]  # one gather: 6 index rows (as floats, exact) + 5 value rows
    I = SF[:6].astype(np.intp)
    k, R2, sAp, sAq = SF[6], SF[7:9], SF[9], SF[10]
    v = curf[I[:4]]  # x_Bp, x_Aq, x_Ap, x_Bq
    G = v[2:] - v[:2]  # (x_Ap - x_Bp, x_Bq - x_Aq): each supplier moves towards its partner
    Z = np.empty((8, G.shape[1]))
    sg = Z[_SB : _SA + 1]
    np.sign(G, out=sg)
    gap = np.abs(G, out=G)
    DP = Z[_DP : _DQ + 1]
    # step 5: B moves all the way to A on p; if A would then overshoot B on q, A moves all
    # the way instead. delta = move x c s / D = move x R2
    np.multiply(gap, R2, out=gap)  # (max delta_p, max delta_q)
    np.multiply(k, gap[0], out=DP[1])
    over = DP[1] > gap[1]
    DP[0] = gap[0]
    if over.any():
        np.minimum(DP[1], gap[1], out=DP[1])
        DP[0] = np.where(over, DP[1] / k, DP[0])
    M0 = DP / R2  # uncut moves (m_B, m_A)
    # step 6: validity. Each supplier moves towards its partner by at most the gap between
    # them, so the new position stays inside [0, 100] and within 100 of where the round
    # started; what remains to check is a positive move and one direction per actor-issue.
    acc = accf[I[:2]]
    valid = ((M0 > 1e-10) & (acc * sg >= 0.0)).all(axis=0)
    # step 7: the outcome of q must not pass B's position on q (A's side first), nor that of
    # p A's position on p; cut to land exactly on it (a displacement, not the position)
    T2 = O[I[4:]] - v[2:]  # (O_p - x_Ap, O_q - x_Bq)
    cross = T2 * (T2 + sg * DP) < 0  # (B's outcome passes A, A's passes B), uncut moves
    cutA = cross[1]
    cutB = cross[0]
    if cutA.any():
        tq = T2[1]
        DP[1] = np.where(cutA, np.abs(tq), DP[1])
        DP[0] = np.where(cutA, DP[1] / k, DP[0])
        tp = T2[0]
        cutB = tp * (tp + sg[0] * DP[0]) < 0  # B's side with the shorter moves
    if cutB.any():
        tp = T2[0]
        DP[0] = np.where(cutB, np.abs(tp), DP[0])
        DP[1] = np.where(cutB, k * DP[0], DP[1])
    cut = cutA | cutB
    Z[_CUT] = cut
    M = Z[_MB : _MA + 1]
    np.divide(DP, R2, out=M)
    if cut.any():  # cut moves are shorter, same way: only the lower bound can fail
        valid &= (M > 1e-10).all(axis=0)
    gain = np.abs(DP[0] * sAp - DP[1] * sAq)
    valid &= gain >= 1e-10
    Z[_G] = np.where(valid, gain, -1.0)
    return Z


def _round_record(
    realised: list[tuple[Any, ...]],
    code: np.ndarray,
    X: np.ndarray,
    s: np.ndarray,
    present: np.ndarray,
    ties: int,
    actors: tuple[str, ...],
    issues: tuple[str, ...],
    lower: np.ndarray,
    upper: np.ndarray,
    n_cand: int,
    externalities: bool,
) -> dict[str, Any]:
    """The record of one round (``run_details["rounds"][k]``, module docstring) from its
    realised exchanges (tuples in :meth:`_RoundLog.tuples`' layout)."""
    # de-normalise with Python floats (the same IEEE operations as on NumPy scalars)
    lo = lower.tolist()
    sp = ((upper - lower) / 100.0).tolist()
    ex = []
    for (
        _pair,
        A,
        B,
        p,
        q,
        xAq0,
        xBp0,
        mA,
        mB,
        G,
        dp,
        dq,
        Op0,
        Op1,
        Oq0,
        Oq1,
        cut,
        yA,
        yB,
        is_ad,
    ) in realised:
        a, b, ip, iq = actors[A], actors[B], issues[p], issues[q]
        lp, lq, sp_p, sp_q = lo[p], lo[q], sp[p], sp[q]
        ex.append(
            {
                "actors": (a, b),
                "supply": {a: iq, b: ip},
                "demand": {a: ip, b: iq},
                "start": {a: lq + xAq0 * sp_q, b: lp + xBp0 * sp_p},
                "move": {a: mA * sp_q, b: mB * sp_p},
                "voting": {a: lq + yA * sp_q, b: lp + yB * sp_p},
                "gain": float(G),
                "delta": {ip: dp * sp_p, iq: dq * sp_q},
                "outcome_before": {ip: lp + Op0 * sp_p, iq: lq + Oq0 * sp_q},
                "outcome_after": {ip: lp + Op1 * sp_p, iq: lq + Oq1 * sp_q},
                "groups": "a-d" if is_ad else "b-c",
                "cut": cut,
            }
        )
    rec: dict[str, Any] = {"exchanges": ex, "n_candidates": int(n_cand), "ties": ties}
    if externalities:
        rec["externalities"] = _externalities(realised, code, X, s, present, actors, issues)
    return rec


def _externalities(
    realised: list[tuple[Any, ...]],
    code: np.ndarray,
    X: np.ndarray,
    s: np.ndarray,
    present: np.ndarray,
    actors: tuple[str, ...],
    issues: tuple[str, ...],
) -> dict[str, Any]:
    """§3.4, vectorised over realised exchanges x actors (positions at round start)."""
    n_a = X.shape[0]
    by_actor = np.zeros((n_a, 5))
    by_pair: dict[str, Any] = {}
    if realised:
        R = np.array(
            [(r[0], r[1], r[2], r[3], r[4], r[9], r[12], r[13], r[14], r[15]) for r in realised]
        )
        pair, A, B, p, q = (R[:, j].astype(np.intp) for j in range(5))
        G, Op0, Op1, Oq0, Oq1 = (R[:, j] for j in range(5, 10))
        E = (
            s[:, p] * (np.abs(Op0 - X[:, p]) - np.abs(Op1 - X[:, p]))
            + s[:, q] * (np.abs(Oq0 - X[:, q]) - np.abs(Oq1 - X[:, q]))
        ).T  # (n_r, n_a)
        on_both = (present[:, p] & present[:, q]).T
        ar = np.arange(n_a)[None, :]
        own = (ar == A[:, None]) | (ar == B[:, None])
        codes = code[pair]  # (n_r, n_a) group codes at the start of the round
        kind = np.array([r[19] for r in realised])[:, None]
        inner = np.where(kind, (codes == 0) | (codes == 3), (codes == 1) | (codes == 2))
        other = on_both & ~own
        cols = [
            np.where(own, G[:, None], 0.0),
            np.where(other & inner & (E > 0), E, 0.0),
            np.where(other & inner & (E < 0), E, 0.0),
            np.where(other & ~inner & (E > 0), E, 0.0),
            np.where(other & ~inner & (E < 0), E, 0.0),
        ]
        # sums in order (over exchanges for an actor, over actors for an exchange): each
        # reduced along a non-contiguous axis, so NumPy adds one term after the other
        by_actor = np.stack([col.sum(axis=0) for col in cols], axis=1)  # (n_a, 5)
        tot = np.stack(
            [np.ascontiguousarray(col.T).sum(axis=0) for col in cols], axis=1
        ).tolist()  # (n_r, 5)
        acc: dict[tuple[int, int], list[float]] = {}  # sums in realisation order
        for pq, row in zip(zip(p.tolist(), q.tolist()), tot):
            a_ = acc.get(pq)
            if a_ is None:
                acc[pq] = [0.0 + v for v in row]
            else:
                acc[pq] = [u + v for u, v in zip(a_, row)]
        by_pair = {f"{issues[pp]}|{issues[qq]}": v for (pp, qq), v in acc.items()}
    return {
        "by_actor": {
            a: dict(zip(_EXT_KEYS, map(float, by_actor[i]))) for i, a in enumerate(actors)
        },
        "by_issue_pair": {k: dict(zip(_EXT_KEYS, map(float, v))) for k, v in by_pair.items()},
    }


class _RoundLog:
    """The exchanges one round realised, kept as arrays; the records of
    ``run_details["rounds"]`` are built from them only when read (:class:`_RecordedRounds`).

    ``ints`` ``(n, 6)``: issue-pair index, ``A``, ``B``, ``p``, ``q``, ``1`` for an a-d
    exchange (else b-c); ``floats`` ``(n, 14)``: ``x_Aq`` and ``x_Bp`` before, ``m_A``,
    ``m_B``, the gain, ``delta_p``, ``delta_q``, ``O_p`` before and after, ``O_q`` before and
    after, the cut (1/0), ``y_A``, ``y_B`` (normalised units; the compiled kernel's layout).
    """

    __slots__ = ("ints", "floats", "code", "start", "ties", "n_cand")

    def __init__(self, ints: np.ndarray, floats: np.ndarray) -> None:
        self.ints = ints
        self.floats = floats
        self.code = np.empty((0, 0), np.int8)
        self.start = np.empty((0, 0))
        self.ties = 0
        self.n_cand = 0

    @classmethod
    def from_tuples(cls, rows: list[tuple[Any, ...]]) -> _RoundLog:
        """From realised tuples in :meth:`tuples`' layout."""
        ints = np.array([(r[0], r[1], r[2], r[3], r[4], r[19]) for r in rows], np.intp)
        floats = np.array([r[5:19] for r in rows], float)
        return cls(ints.reshape(-1, 6), floats.reshape(-1, 14))

    def set_round(self, code: np.ndarray, start: np.ndarray, ties: int, n_cand: int) -> None:
        """The round's group codes, starting positions, tie count and candidate count."""
        self.code, self.start, self.ties, self.n_cand = code, start, int(ties), int(n_cand)

    def __len__(self) -> int:
        return int(self.ints.shape[0])

    def per_issue(self, n_issues: int) -> np.ndarray:
        """How many of the round's exchanges involved each issue."""
        return np.bincount(self.ints[:, 3], minlength=n_issues) + np.bincount(
            self.ints[:, 4], minlength=n_issues
        )

    def tuples(self) -> list[tuple[Any, ...]]:
        """``(pair, A, B, p, q, x_Aq, x_Bp, m_A, m_B, gain, delta_p, delta_q, O_p before,
        O_p after, O_q before, O_q after, cut, y_A, y_B, a-d)`` per exchange (Python ints,
        floats and bools)."""
        return [
            (
                pr,
                A,
                B,
                p,
                q,
                xAq0,
                xBp0,
                mA,
                mB,
                gk,
                dp,
                dq,
                Op0,
                Op1,
                Oq0,
                Oq1,
                cut != 0.0,
                yA,
                yB,
                kind != 0,
            )
            for (pr, A, B, p, q, kind), (
                xAq0,
                xBp0,
                mA,
                mB,
                gk,
                dp,
                dq,
                Op0,
                Op1,
                Oq0,
                Oq1,
                cut,
                yA,
                yB,
            ) in zip(self.ints.tolist(), self.floats.tolist())
        ]


class _RecordedRounds(LazyList[dict[str, Any]]):
    """``run_details["rounds"]``: a read-only list of round records (module docstring),
    each built from its :class:`_RoundLog` on first access and kept. On 200 actors x 10
    issues a run realises ~90,000 exchanges: building all their records took ~2.5 s, as long
    as the rounds themselves. Compares equal to a list of the same records
    (:class:`.lazy.LazyList`)."""

    def __init__(
        self,
        logs: list[_RoundLog],
        s: np.ndarray,
        present: np.ndarray,
        actors: tuple[str, ...],
        issues: tuple[str, ...],
        lower: np.ndarray | None,
        upper: np.ndarray | None,
        externalities: bool,
    ) -> None:
        super().__init__()
        n_i = s.shape[1]
        self.logs = logs
        self._s, self._present, self._actors, self._issues = s, present, actors, issues
        self._lower = np.zeros(n_i) if lower is None else np.asarray(lower, float)
        self._upper = np.full(n_i, 100.0) if upper is None else np.asarray(upper, float)
        self._externalities = externalities

    def __len__(self) -> int:
        return len(self.logs)

    def _build(self, j: int) -> dict[str, Any]:
        log = self.logs[j]
        return _round_record(
            log.tuples(),
            log.code,
            log.start,
            self._s,
            self._present,
            log.ties,
            self._actors,
            self._issues,
            self._lower,
            self._upper,
            log.n_cand,
            self._externalities,
        )


class EqualGainExchange(BargainingModel):
    """Stokman's equal-gain exchange model (docs/models.md §3).

    Parameters
    ----------
    rounds : int, default 50 (``mode="decide"``: 10)
        Round cap. In the default mode a cap only: a run stops at a fixed point (a round
        realises no exchange) or a cycle of the starting positions, and never goes past
        ``horizon`` rounds (:mod:`equipoise.models.convergence`), so from ``rounds >=
        horizon`` on the forecast does not depend on it. ``mode="decide"`` runs exactly
        ``rounds`` rounds, as decide-exchange-model does (its default: 10).
    mode : {"equal_gain", "decide"}, default "equal_gain"
        The realisation loop (step 8): this module's (every candidate sees the current
        outcomes and positions; the step-7 cut is the displacement), or decide-exchange-
        model's (:mod:`equipoise.models._decide_loop`: candidates see the round start plus
        what they were told, its step-7 quirk, its candidate order, its decimal
        arithmetic), which reproduces the reference implementation's figures exactly.
    tie_break : {"order", "random"}, default "order"
        Ties in gain: the earlier candidate, or a seeded coin toss (``seed``) as decide does
        by default. ``"random"`` needs ``mode="decide"``.
    seed : int, default 0
        Seed of the coin tosses (the same seed tosses the same coins as decide's
        ``random.seed(seed)``).
    stop_rule : {"repeat", "forecast_change"}, default "repeat"
        A fixed point or cycle of the starting positions, or every outcome changing by at
        most ``stop_threshold`` scale points in a round (Scholz et al. 2011's rule for the
        forecast). Not used by ``mode="decide"``.
    stop_threshold : float, default 0
    horizon, max_period, window : int, default 50, 12, 10
        Most rounds any run goes, longest cycle looked for, rounds over which the range of a
        run that does not converge is reported.
    record_externalities : bool, default True
        Compute the externalities of every realised exchange (§3.4) into ``run_details``.
    """

    name = "exchange"
    joint_issues = True
    min_issues = 2
    stop_rules = ("repeat", "forecast_change")
    modes = ("equal_gain", "decide")

    def __init__(
        self,
        rounds: int | None = None,
        *,
        mode: str = "equal_gain",
        tie_break: str = "order",
        seed: int = 0,
        stop_rule: str = "repeat",
        stop_threshold: float = 0.0,
        horizon: int = HORIZON,
        max_period: int = MAX_PERIOD,
        window: int = WINDOW,
        record_externalities: bool = True,
    ) -> None:
        if mode not in self.modes:
            raise ModelInputError(f"exchange mode={mode!r}; choose one of {', '.join(self.modes)}")
        if tie_break not in ("order", "random"):
            raise ModelInputError(f"exchange tie_break={tie_break!r}; choose order or random")
        if tie_break == "random" and mode != "decide":
            raise ModelInputError(
                "exchange tie_break='random' needs mode='decide' (the default "
                "mode breaks ties by candidate order)"
            )
        check_rounds(rounds)
        check_rounds(horizon, "horizon")
        self.mode = mode
        self.rounds = int(rounds) if rounds is not None else (10 if mode == "decide" else HORIZON)
        if self.rounds < 0:
            raise ModelInputError(f"exchange rounds={rounds!r} must be >= 0")
        self.tie_break, self.seed = tie_break, int(seed)
        self.stop_rule = stop_rule
        self.stop_threshold = check_stop_rule(
            stop_rule, stop_threshold, "exchange", self.stop_rules
        )
        self.horizon, self.max_period, self.window = int(horizon), int(max_period), int(window)
        if self.horizon < 1 or self.max_period < 1 or self.window < 1:
            raise ModelInputError("exchange horizon, max_period and window must be >= 1")
        self.record_externalities = bool(record_externalities)

    @property
    def rounds_limit(self) -> int:
        """Rounds a run goes at most: ``min(rounds, horizon)``; exactly ``rounds`` in
        ``mode="decide"``."""
        return self.rounds if self.mode == "decide" else min(self.rounds, self.horizon)

    # ------------------------------------------------------------------ one run
    def _run(
        self,
        X0: np.ndarray,
        s: np.ndarray,
        c: np.ndarray,
        present: np.ndarray,
        record: bool,
        actors: tuple[str, ...] = (),
        issues: tuple[str, ...] = (),
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        raw: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Run on normalised (0-100) arrays. Returns a dict: ``traj`` (O per round,
        (T+1, n_i)), ``votes`` (voting positions per round, index 0 the initial ones),
        ``recs``, ``T`` (rounds run), ``period`` (0 none, 1 fixed point, p >= 2 cycle),
        ``stop`` and ``next`` (the positions a further round would start from).
        ``mode="decide"`` runs on ``raw`` (the positions on the issue scales, read by
        decide's arithmetic) and adds ``traj_scale`` (``traj`` de-normalised as decide
        does)."""
        if self.mode == "decide":
            if raw is None:  # X0 is on 0-100 scales
                return self._run_decide(X0, s, c, present, record, actors, issues, None, None)
            return self._run_decide(raw, s, c, present, record, actors, issues, lower, upper)
        n_a, n_i = X0.shape
        w = c * s
        D = w.sum(axis=0)
        Xz = np.where(present, X0, 0.0)  # absent cells: weight 0, position irrelevant
        O = (w * Xz).sum(axis=0) / D
        traj = [O]
        votes = [Xz]
        pairs = np.array([(p, q) for p in range(n_i) for q in range(p + 1, n_i)], dtype=np.intp)
        logs: list[_RoundLog] = []
        start = Xz.copy()
        starts = [start]
        cur = start
        lam = 0.1 + 0.4 * (1.0 - s)
        span = np.full(n_i, 1.0) if lower is None or upper is None else (upper - lower) / 100.0
        limit = self.rounds_limit
        stop = "max_rounds" if self.rounds < self.horizon else "horizon"
        period = 0
        t = 0
        for t in range(1, limit + 1):
            if t > 1:  # step 1: outcomes on this round's starting positions
                O = (w * start).sum(axis=0) / D
            cur = start.copy()
            curf = cur.reshape(-1)
            acc = np.zeros_like(start)
            accf = acc.reshape(-1)
            Ocur = O.copy()
            kernel = _kernel()
            if kernel is not None:
                C, code = kernel[0](start, s, w, D, present, O, pairs)
                n_cand = C.shape[0]
                got, ties = self._realise_compiled(
                    kernel[1], C, code, curf, accf, Ocur, w / D, record
                )
            else:
                cand, code = _candidates(start, s, w, D, present, O, pairs)
                n_cand = cand.n
                rows, ties = self._realise_numpy(cand, curf, accf, Ocur, w / D, record)
                got = _RoundLog.from_tuples(rows) if record else len(rows)
            n_realised = got if isinstance(got, int) else len(got)
            # end of round: forecast on the voting positions, then partial concessions
            np.clip(cur, 0.0, 100.0, out=cur)  # round-off only: moves never leave [0, 100]
            O_prev = traj[-1]
            O = (w * cur).sum(axis=0) / D
            traj.append(O)
            votes.append(cur.copy())
            if isinstance(got, _RoundLog):
                got.set_round(code, start, ties, n_cand)
                logs.append(got)
            nxt = start + lam * (cur - start)
            start = np.where(present, nxt, 0.0)
            starts.append(start)
            if not n_realised:  # nothing changes any more
                period, stop = 1, "no_exchange"
                break
            if self.stop_rule == "repeat":
                p = first_repeat(np.asarray(starts), t, EPS_REL * 100.0, self.max_period)
                if p:
                    period, stop = p, ("fixed_point" if p == 1 else "cycle")
                    break
            elif (np.abs(O - O_prev) * span).max() <= self.stop_threshold:
                period, stop = 1, "forecast_change"
                break
        recs = (
            _RecordedRounds(
                logs, s, present, actors, issues, lower, upper, self.record_externalities
            )
            if record
            else None
        )
        return {
            "traj": np.array(traj),
            "votes": np.array(votes),
            "recs": recs,
            "T": t if limit else 0,
            "period": period,
            "stop": stop,
            "next": start,
        }

    def _run_decide(
        self,
        raw: np.ndarray,
        s: np.ndarray,
        c: np.ndarray,
        present: np.ndarray,
        record: bool,
        actors: tuple[str, ...],
        issues: tuple[str, ...],
        lower: np.ndarray | None,
        upper: np.ndarray | None,
    ) -> dict[str, Any]:
        """``mode="decide"``: exactly ``rounds`` rounds in decide's decimal arithmetic
        (:func:`equipoise.models._decide_loop.run_decide`); the same dict as :meth:`_run`."""
        n_i = raw.shape[1]
        lo = np.zeros(n_i) if lower is None else np.asarray(lower, float)
        hi = np.full(n_i, 100.0) if upper is None else np.asarray(upper, float)
        rng = random.Random(self.seed) if self.tie_break == "random" else None
        run = run_decide(raw, s, c, present, lo, hi, self.rounds, rng)
        recs = None
        if record:
            logs = []
            for k, (realised, ties, n_cand, code) in enumerate(run.rounds):
                log = _RoundLog.from_tuples(realised)
                log.set_round(code, run.starts[k], ties, n_cand)
                logs.append(log)
            recs = _RecordedRounds(
                logs, s, present, actors, issues, lo, hi, self.record_externalities
            )
        period = 0
        if self.rounds:
            p = first_repeat(np.asarray(run.starts), self.rounds, EPS_REL * 100.0, self.max_period)
            period = 1 if p == 1 else 0  # decide's forecast is the last round's, cycle or not
        return {
            "traj": run.traj,
            "traj_scale": run.traj_scale,
            "next_scale": run.next_scale,
            "votes": run.votes,
            "recs": recs,
            "T": self.rounds,
            "period": period,
            "stop": "max_rounds",
            "next": run.next,
        }

    # ------------------------------------------------------------------ realisation loop
    @staticmethod
    def _realise_numpy(
        cand: _Cands,
        curf: np.ndarray,
        accf: np.ndarray,
        Ocur: np.ndarray,
        wD: np.ndarray,
        record: bool,
    ) -> tuple[list[tuple[Any, ...]], int]:
        """One round's greedy realisation loop (§3.3 step 8), vectorised over candidates;
        in place on ``curf``, ``accf``, ``Ocur`` (and ``cand``, compacted). The reference
        path; :func:`_exchange_kernel.realise_round` is its compiled transcription."""
        n_i = Ocur.shape[0]
        Z = _size(cand, slice(None), curf, accf, Ocur)
        keep = np.flatnonzero(Z[_G] > 0.0)
        if keep.size < cand.n:
            _compact(cand, keep)
            Z = Z[:, keep]
        g = Z[_G]  # live candidates have g >= 1e-10, dropped ones -1
        touch = cand.touch
        Ilist = cand.I
        since = 0
        realised: list[tuple[Any, ...]] = []
        ties = 0
        while g.size:
            kk = int(g.argmax())
            gk = float(g[kk])
            if gk < 0.0:
                break
            if np.count_nonzero(g >= gk - 1e-20) > 1:
                ties += 1
            fBp, fAq, _, _, p, q = Ilist[:, kk].tolist()
            _, mB, mA, sB, sA, dp_k, dq_k, cut_k = Z[:, kk].tolist()
            xBp0, xAq0 = float(curf[fBp]), float(curf[fAq])
            Op0, Oq0 = float(Ocur[p]), float(Ocur[q])
            yB, yA = xBp0 + sB * mB, xAq0 + sA * mA
            curf[fBp] = yB
            curf[fAq] = yA
            accf[fBp] += sB * mB
            accf[fAq] += sA * mA
            Ocur[p] = Op0 + (yB - xBp0) * wD[fBp // n_i, p]
            Ocur[q] = Oq0 + (yA - xAq0) * wD[fAq // n_i, q]
            if record:
                realised.append(
                    (
                        int(cand.pair[kk]),
                        int(cand.A[kk]),
                        int(cand.B[kk]),
                        p,
                        q,
                        xAq0,
                        xBp0,
                        mA,
                        mB,
                        gk,
                        dp_k,
                        dq_k,
                        Op0,
                        float(Ocur[p]),
                        Oq0,
                        float(Ocur[q]),
                        bool(cut_k),
                        yA,
                        yB,
                        bool(cand.kind[kk]),
                    )
                )
            else:
                realised.append(())
            g[kk] = -1.0
            aff = np.flatnonzero((g > 0.0) & (touch[p] | touch[q]))
            if aff.size:
                Z[:, aff] = _size(cand, aff, curf, accf, Ocur)
            since += 1
            if since >= 16:  # drop dead candidates so the per-step scans stay short
                since = 0
                keep = np.flatnonzero(g > 0.0)
                if 2 * keep.size < g.size:
                    _compact(cand, keep)
                    Z = Z[:, keep]
                    g = Z[_G]
                    touch = cand.touch
                    Ilist = cand.I
        return realised, ties

    @staticmethod
    def _realise_compiled(
        kernel: Any,
        C: np.ndarray,
        code: np.ndarray,
        curf: np.ndarray,
        accf: np.ndarray,
        Ocur: np.ndarray,
        wD: np.ndarray,
        record: bool,
    ) -> tuple[_RoundLog | int, int]:
        """The same loop through the compiled kernel on the candidate table ``C`` of
        :func:`_exchange_kernel.candidates`: the realised exchanges (their number unless
        ``record``) and the ties."""
        idx, F, ties = kernel(C, curf, accf, Ocur, wD.reshape(-1))
        if not record:
            return len(idx), int(ties)
        n_i = Ocur.shape[0]
        R = C[idx, :6].astype(np.intp)
        B, A, p, q = R[:, 0] // n_i, R[:, 1] // n_i, R[:, 4], R[:, 5]
        pair = p * n_i - p * (p + 1) // 2 + q - p - 1  # (p, q) in the order of ``pairs``
        kind = np.isin(code[pair, A], (0, 3))  # a-d (codes 0 and 3), else b-c (1 and 2)
        # F is a view of the kernel's buffer for every live candidate (~10x the realised
        # rows on 200 x 10): a copy keeps 50 rounds' logs at ~10 MB instead of ~1.2 GB
        return _RoundLog(np.stack([pair, A, B, p, q, kind]).T, F.copy()), int(ties)

    # ------------------------------------------------------------------ API
    def _normalise(self, problem: BargainingProblem) -> tuple[np.ndarray, ...]:
        lo, hi = problem.lower, problem.upper
        present = problem.present
        X = np.where(present, (problem.position - lo) * (100.0 / (hi - lo)), 0.0)
        return X, problem.salience, problem.capability, present

    def _summary(self, run: dict[str, Any], traj: np.ndarray) -> list[Any]:
        """Per issue, the forecast and its diagnostics from a run (de-normalised ``traj``).
        ``mode="decide"`` keeps decide's forecast, the last round's."""
        period = run["period"]
        if self.mode == "decide":
            period = min(period, 1)
        return [
            summarise(traj[:, i], period, period > 0, self.window) for i in range(traj.shape[1])
        ]

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        X, s, c, present = self._normalise(problem)
        lo, hi = problem.lower, problem.upper
        run = self._run(
            X, s, c, present, True, problem.actors, problem.issues, lo, hi, raw=problem.position
        )
        span = (hi - lo) / 100.0
        traj = run["traj_scale"] if "traj_scale" in run else lo + run["traj"] * span
        V = lo + run["votes"] * span  # (T+1, n_a, n_i)
        Nd = lo + run["next"] * span
        T = run["T"]
        summaries = self._summary(run, traj)
        outcome, trajectory, positions, nstart = {}, {}, {}, {}
        cycle, franges, history, scale = {}, {}, {}, {}
        for i, issue in enumerate(problem.issues):
            sm = summaries[i]
            trajectory[issue] = traj[:, i].copy()
            outcome[issue] = sm.value
            cycle[issue] = sm.cycle
            franges[issue] = (sm.low, sm.high)
            positions[issue] = {
                a: float(V[-1, k, i]) for k, a in enumerate(problem.actors) if present[k, i]
            }
            history[issue] = {
                a: V[:, k, i].copy() for k, a in enumerate(problem.actors) if present[k, i]
            }
            nstart[issue] = {
                a: float(Nd[k, i]) for k, a in enumerate(problem.actors) if present[k, i]
            }
            scale[issue] = (float(lo[i]), float(hi[i]))
        recs: _RecordedRounds = run["recs"]
        run_details = {
            "rounds": recs,
            "ties": sum(log.ties for log in recs.logs),
            "stop": run["stop"],
            "exchanges_per_round": [len(log) for log in recs.logs],
            "units": "gains, moves and externalities in 0-100 normalised units",
        }
        n_i = len(problem.issues)
        per_issue = (
            np.array([log.per_issue(n_i) for log in recs.logs], np.intp).reshape(-1, n_i).T.tolist()
        )
        details: dict[str, dict[str, Any]] = {
            issue: {"next_start": nstart[issue], "stop": run["stop"], "exchanges": per_issue[i]}
            for i, issue in enumerate(problem.issues)
        }
        if "next_scale" in run:  # mode="decide": decide's NBS after the run
            for issue, v in zip(problem.issues, run["next_scale"].tolist()):
                details[issue]["next_outcome"] = v
        return Forecast(
            model=self.name,
            params=self.get_params(),
            actors=problem.actors,
            issues=problem.issues,
            outcome=outcome,
            trajectory=trajectory,
            positions=positions,
            rounds_run={i: T for i in problem.issues},
            converged={i: summaries[k].converged for k, i in enumerate(problem.issues)},
            details=details,
            cycle=cycle,
            forecast_range=franges,
            history=history,
            scale=scale,
            run_details=run_details,
        )

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """Outcomes of many draws, by the same rule as :meth:`forecast` (the last round's
        outcomes, or their mean over a cycle). After the call ``self.batch_info_`` holds
        ``converged``, ``cycle`` (period, 0 = none), ``rounds``, ``low`` and ``high`` as
        ``(B, n_issues)`` arrays.

        The realisation loop is sequential by nature, so draws are run one after the other
        (each run is itself vectorised over candidate exchanges). Bounds default to 0-100.
        """
        x, s, c, present = batch.position, batch.salience, batch.capability, batch.present
        B, n_a, n_i = x.shape
        lo = np.zeros(n_i) if batch.lower is None else np.asarray(batch.lower, float)
        hi = np.full(n_i, 100.0) if batch.upper is None else np.asarray(batch.upper, float)
        out = np.empty((B, n_i))
        info = np.zeros((5, B, n_i))
        span = (hi - lo) / 100.0
        for b in range(B):
            X = np.where(present[b], (x[b] - lo) / span, 0.0)
            run = self._run(X, s[b], c[b], present[b], False, lower=lo, upper=hi, raw=x[b])
            traj = run["traj_scale"] if "traj_scale" in run else lo + run["traj"] * span
            for i, sm in enumerate(self._summary(run, traj)):
                out[b, i] = sm.value
                info[:, b, i] = (sm.converged, sm.cycle or 0, run["T"], sm.low, sm.high)
        self.batch_info_ = {
            "converged": info[0] > 0.5,
            "cycle": info[1].astype(int),
            "rounds": info[2].astype(int),
            "low": info[3],
            "high": info[4],
        }
        return out

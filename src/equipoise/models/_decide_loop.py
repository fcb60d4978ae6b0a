r"""The exchange model run the way decide-exchange-model runs it (``mode="decide"``).

The equal-gain exchange of ``docs/models.md`` §3 leaves the realisation loop (step 8) to
the implementation; decide-exchange-model (foarsitter/decide-exchange-model, the reference
implementation of Stokman's model) realises it differently from our default mode. This
module re-implements decide's run from its source (read for the algorithm, nothing copied),
so that equipoise reproduces decide's figures on decide's own inputs exactly.

**Arithmetic.** decide holds every position, salience, power, move, outcome and gain as a
Python :class:`decimal.Decimal` with its default context (28 significant digits, round half
even) and compares gains in those decimals; near-ties that it resolves one way can go the
other way in binary floats, and after a few rounds the runs part. So this module computes
in the same decimals, with every formula evaluated in decide's operation order (a sum of
products ``x s c`` is rounded after ``x s``, after ``(x s) c`` and after each addition;
changing the order changes the last digit). Inputs: a number ``v`` given as a float becomes
``Decimal(repr(v))``, the decimal that decide reads from the same text whenever it was
written with at most 15 significant digits. An issue's scale is normalised as decide does,
``x_norm = (x - lower) * (100 / (upper - lower))`` with the step ``100 / (upper - lower)``
rounded to 28 digits first, and outputs are de-normalised as ``x_norm / step + lower``.
Thresholds decide writes as float literals (``1e-10``, ``1e-20``, the 0.4 and 0.1 of the
next round's start) are used at their exact binary values, as decide's decimals compare
with and convert them. Sums over actors run in actor order (decide sums in its file's
``#D`` order; the same for a file that lists its data actor by actor).

**A round** (decide's ``ModelLoop.loop``):

* *Outcomes and groups.* ``O_d = sum x s c / sum s c`` on the round's starting positions;
  an actor is *left* on ``d`` iff ``x <= O_d``. Per issue pair ``(p, q)`` in input order:
  every (right, right)-(left, left) pair, then every (left on p)-(left on q) pair, actors
  in input order. Of a pair ``(i, j)``, ``i`` supplies ``p`` iff ``s_ip / s_iq < s_jp /
  s_jq`` (decimal quotients); the *I* side supplies ``q`` and demands ``p``, *J* the reverse.
* *Sizing* (``EqualGainExchange.calculate``): *J* moves all the way to *I*'s position on
  ``p``, ``dp = |x_Ip - x_Jp| s_Jp c_Jp / D_p``, ``dq = dp (s_Jp + s_Iq) / (s_Jq + s_Ip)``,
  ``m_I = dq D_q / (c_Iq s_Iq)``; if ``|m_I|`` exceeds *I*'s gap to *J* on ``q``, *I* moves
  all the way instead and *J*'s move follows by the same relation. Gain ``|dq s_Iq - dp
  s_Ip|``. A side is valid if ``1e-10 < |m| <= 100``, the new position is inside [0, 100],
  the sum of its proposed moves (the side's history in this candidate) is at most 100 and
  they all point one way; a gain below 1e-10 is invalid.
* *Step 7* (``check_nbs``, *I* then *J*): the outcome a candidate sees is the round-start
  outcome plus only the realised moves it was told about (below). If the side's move would
  carry that outcome past its partner's demand position, the side's move becomes the
  displacement that puts it there -- decide's helper sums every actor, the side included,
  so it returns a displacement, not the position docs/models.md §3.3 step 7 warns of -- and
  the partner's move follows by equal gain.
* *Realisation*: sort the candidates by gain, highest first, stably (ties keep list order);
  take the first; an invalid one is discarded. ``tie_break="random"``: when the next
  candidate's gain is within 1e-20 of the first one's, a coin (``rng.random() >= 0.5``)
  picks the second and the one not picked goes to the end of the list (when the first is
  picked, decide appends the second once more: it then sits in the list twice, and is
  updated twice per realisation; reproduced, as are its consequences). A valid pick is
  realised; every remaining valid candidate is then updated in list order and the invalid
  ones dropped. Update (``recalculate``): a side with the realised exchange's supplier on
  the same issue starts from that supplier's new voting position; a candidate with a side
  whose actor demands the issue that a realised side demands learns the partner's new
  voting position on it (a later report keeps the one nearer the round-start side, as
  decide's ``update_updates``); then it is sized again.
* *End of round*: every realised exchange's sides vote their final positions (in
  realisation order, a later one overriding), ``O`` on the voting positions is the round's
  forecast; each realised side then starts the next round from ``x + (1 - s) 0.4 (y - x)
  + 0.1 (y - x)``, written as decide evaluates it (``(1 - s) 0.4 y + 0.1 y + (1 - (1 - s)
  0.4 - 0.1) x``).

decide divides by zero (and stops) when a salience or capability makes a divisor above
zero; such candidates are skipped here.

Plain Python over candidate objects (the loop is sequential); about 0.12 s of CPU for the
10 rounds of decide's sample (10 actors, 6 issues; 130-240 candidates and 30-42 exchanges
a round), 1.4x the binary-float transcription it replaces. On that sample it reproduces decide's
deterministic run and its 50 seeded coin-toss runs exactly (every round's exchanges and
outcomes; tests/test_models_exchange.py).
"""

from __future__ import annotations

import decimal
import random
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

__all__ = ["DecideRun", "run_decide", "to_decimal"]

#: decide's arithmetic: Python's default decimal context.
CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_EPS_MOVE = Decimal(1e-10)  # decide's float literals, at their exact binary values
_EPS_TIE = Decimal(1e-20)
_SALIENCE_WEIGHT = Decimal(0.4)
_FIXED_WEIGHT = Decimal(0.1)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def to_decimal(v: float) -> Decimal:
    """``Decimal(repr(v))``: the decimal a file's text ``v`` was read as (exact for any
    number written with at most 15 significant digits)."""
    return Decimal(repr(float(v)))


class _Side:
    """One partner of a candidate: supplies issue ``sup``, demands ``dem``."""

    __slots__ = (
        "actor",
        "sup",
        "dem",
        "pos",
        "start",
        "dem_pos",
        "sal_s",
        "pow_s",
        "sal_d",
        "moves",
        "move",
        "y",
    )

    def __init__(self, st: _State, actor: int, sup: int, dem: int) -> None:
        self.actor, self.sup, self.dem = actor, sup, dem
        self.pos = st.X[actor][sup]
        self.start = self.pos
        self.dem_pos = st.X[actor][dem]
        self.sal_s = st.s[actor][sup]
        self.pow_s = st.c[actor][sup]
        self.sal_d = st.s[actor][dem]
        self.moves: list[Decimal] = []
        self.move = _ZERO
        self.y = self.pos

    def valid(self, move: Decimal) -> bool:
        """decide's ``is_move_valid``."""
        if abs(move) > 100 or abs(move) <= _EPS_MOVE:
            return False
        if self.pos + move < 0 or self.pos + move > 100:
            return False
        if sum(self.moves) > 100:
            return False
        lo, hi = min(self.moves), max(self.moves)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)


class _Cand:
    """A candidate: side ``I`` supplies ``q`` and demands ``p``; side ``J`` the reverse."""

    __slots__ = ("I", "J", "p", "q", "pair", "kind", "gain", "ok", "updates", "cut")

    def __init__(self, I: _Side, J: _Side, p: int, q: int, pair: int, kind: bool) -> None:
        self.I, self.J, self.p, self.q, self.pair, self.kind = I, J, p, q, pair, kind
        self.gain = _ZERO
        self.ok = True
        self.updates: dict[int, dict[int, Decimal]] = {}
        self.cut = False


class _State:
    """A round's starting positions (decimals, 0-100) and the fixed inputs.

    decide sums ``x s c`` over an issue's actors from 0, in order, rounding after every
    operation; the terms and running sums on the starting positions are kept per issue
    (``prod``, ``prefix``), so a sum with a few actors elsewhere restarts from the prefix
    before the first of them -- the same operations on the same values."""

    def __init__(
        self,
        X: list[list[Decimal]],
        s: list[list[Decimal]],
        c: list[list[Decimal]],
        members: list[list[int]],
        D: list[Decimal] | None = None,
    ) -> None:
        self.X, self.s, self.c, self.members = X, s, c, members
        if D is None:  # decide: sum of s c per issue, from 0, in actor order
            D = []
            for d, mem in enumerate(members):
                den: Decimal | int = 0
                for a in mem:
                    den += s[a][d] * c[a][d]
                D.append(Decimal(den))
        self.D = D
        self.index = [{a: k for k, a in enumerate(mem)} for mem in members]
        self.prod: list[list[Decimal]] = []
        self.prefix: list[list[Decimal | int]] = []
        for d, mem in enumerate(members):
            terms = [X[a][d] * s[a][d] * c[a][d] for a in mem]
            run: list[Decimal | int] = [0]
            for v in terms:
                run.append(run[-1] + v)
            self.prod.append(terms)
            self.prefix.append(run)

    def nbs(self, d: int) -> Decimal:
        """``sum x s c / D`` on the starting positions (decide's
        ``nash_bargaining_solution``)."""
        if self.D[d] == 0:
            return _ZERO
        return self.prefix[d][-1] / self.D[d]

    def _sum(
        self, d: int, upd: dict[int, Decimal], actor: int, position: Decimal, actor_first: bool
    ) -> Decimal | int:
        """``sum x s c`` with ``upd`` overriding the starting positions and ``actor`` at
        ``position`` (over ``upd`` if ``actor_first``, else under it)."""
        idx = self.index[d]
        ks = [idx[a] for a in upd if a in idx]
        if actor in idx:
            ks.append(idx[actor])
        mem, prod = self.members[d], self.prod[d]
        k0 = min(ks) if ks else len(mem)
        num = self.prefix[d][k0]
        s, c = self.s, self.c
        for k in range(k0, len(mem)):
            a = mem[k]
            if a == actor and (actor_first or a not in upd):
                num += position * s[a][d] * c[a][d]
            elif a in upd:
                num += upd[a] * s[a][d] * c[a][d]
            else:
                num += prod[k]
        return num

    def adjusted_nbs(
        self, d: int, upd: dict[int, Decimal], actor: int, position: Decimal
    ) -> Decimal:
        """The outcome of ``d`` from the starting positions overridden by ``upd``, with
        ``actor`` at ``position`` (decide's ``adjusted_nbs``)."""
        if self.D[d] == 0:
            return _ZERO
        return self._sum(d, upd, actor, position, True) / self.D[d]

    def shift_for(
        self, d: int, upd: dict[int, Decimal], actor: int, x_pos: Decimal, target: Decimal
    ) -> Decimal:
        """decide's ``adjusted_nbs_by_position``: ``(target D - sum x s c) / (s c)`` with
        ``actor`` at ``x_pos`` unless ``upd`` says otherwise; the sum keeps ``actor``, so
        this is the displacement from where it is seen, not a position."""
        num = self._sum(d, upd, actor, x_pos, False)
        return (target * self.D[d] - num) / (self.s[actor][d] * self.c[actor][d])


def _reverse_move(st: _State, side: _Side, ratio: Decimal) -> Decimal:
    return (ratio * st.D[side.sup]) / (side.pow_s * side.sal_s)


def _by_absolute_move(st: _State, side: _Side, other: _Side) -> Decimal:
    return (abs(other.dem_pos - side.pos) * side.sal_s * side.pow_s) / st.D[side.sup]


def _by_ratio(side: _Side, other: _Side, ratio: Decimal) -> Decimal:
    return ((side.sal_s + other.sal_d) / (side.sal_d + other.sal_s)) * ratio


def _calculate(st: _State, e: _Cand) -> None:
    """Size ``e``, check validity and the outcome overshoot (decide's
    ``EqualGainExchange.calculate``)."""
    I, J = e.I, e.J
    dp = _by_absolute_move(st, J, I)
    dq = _by_ratio(J, I, dp)
    I.move = _reverse_move(st, I, dq)
    J.move = abs(I.dem_pos - J.pos)
    if abs(I.move) > abs(J.dem_pos - I.pos):
        dq = _by_absolute_move(st, I, J)
        dp = _by_ratio(I, J, dq)
        I.move = abs(J.dem_pos - I.pos)
        J.move = _reverse_move(st, J, dp)
    if I.pos > J.dem_pos:
        I.move = I.move * -1
    if J.pos > I.dem_pos:
        J.move = J.move * -1
    I.moves.append(I.move)
    J.moves.append(J.move)
    I.y = I.pos + I.move
    J.y = J.pos + J.move
    e.gain = abs(abs(dq * I.sal_s - dp * I.sal_d))
    e.ok = I.valid(I.move) and J.valid(J.move)
    if e.gain < _EPS_MOVE:
        e.ok = False
    if e.ok:
        _check_outcome(st, e, I, J)
        _check_outcome(st, e, J, I)
        e.ok = I.valid(I.move) and J.valid(J.move)


def _check_outcome(st: _State, e: _Cand, X: _Side, Y: _Side) -> None:
    """Step 7 for supplier ``X`` (partner ``Y``), decide's ``check_nbs``."""
    d = X.sup
    upd = e.updates.get(d, {})
    n0 = st.adjusted_nbs(d, upd, X.actor, X.pos)
    n1 = st.adjusted_nbs(d, upd, X.actor, X.y)
    x = Y.dem_pos
    if (x - n0 >= 0 and x - n1 >= 0) or (x - n0 <= 0 and x - n1 <= 0):
        return
    delta = abs(st.shift_for(d, upd, X.actor, X.pos, x))
    dx = (delta * X.sal_s * X.pow_s) / st.D[d]
    dy = _by_ratio(X, Y, dx)
    Y.move = abs(_reverse_move(st, Y, dy))
    X.move = delta
    if Y.pos > X.dem_pos:
        Y.move = Y.move * -1
    if X.pos > Y.dem_pos:
        X.move = X.move * -1
    Y.moves.pop()
    X.moves.pop()
    Y.moves.append(Y.move)
    X.moves.append(X.move)
    Y.y = Y.pos + Y.move
    X.y = X.pos + X.move
    e.gain = abs(abs(dy * Y.sal_s - dx * Y.sal_d))
    e.cut = True
    e.ok = Y.valid(Y.move) and X.valid(X.move)


def _learn(F: _Cand, side: _Side, d: int) -> None:
    """``F`` learns that ``side``'s actor now votes ``side.y`` on issue ``d`` (decide's
    ``update_updates``: of two reports, the one nearer the side's round-start position)."""
    view = F.updates.setdefault(d, {})
    prev = view.get(side.actor)
    if prev is None:
        view[side.actor] = side.y
    elif side.start <= prev:
        view[side.actor] = prev if prev < side.y else side.y
    else:
        view[side.actor] = prev if prev > side.y else side.y


def _recalculate(st: _State, F: _Cand, E: _Cand) -> None:
    """Update ``F`` after ``E`` was realised (decide's ``AbstractExchange.recalculate``)."""
    a, b = E.I.actor, E.J.actor
    if F.I.actor != a and F.I.actor != b and F.J.actor != a and F.J.actor != b:
        return  # nothing in common: decide changes nothing either
    hit = False
    for mine in (F.I, F.J):
        for theirs in (E.I, E.J):
            if mine.actor == theirs.actor and mine.sup == theirs.sup:
                mine.pos = theirs.y
                mine.moves.append(theirs.moves[-1])
                hit = True
                break
    if hit:
        F.I.moves.pop()
        F.J.moves.pop()
    redo = hit
    for dem_side, sup_side in ((E.J, E.I), (E.I, E.J)):
        if any(o.actor == dem_side.actor and o.dem == dem_side.dem for o in (F.J, F.I)):
            _learn(F, sup_side, dem_side.dem)
            if not redo:
                F.I.moves.pop()
                F.J.moves.pop()
                redo = True
    if redo:
        _calculate(st, F)


def _candidates(
    st: _State, present: np.ndarray, pairs: list[tuple[int, int]]
) -> tuple[list[_Cand], np.ndarray]:
    """Every candidate of the round in decide's order, sized; and the group codes
    ``(n_pairs, n_actors)`` (0 a, 1 b, 2 c, 3 d, -1 absent on either issue)."""
    n_a, n_i = present.shape
    O = [st.nbs(d) for d in range(n_i)]
    left = [[st.X[a][d] <= O[d] for d in range(n_i)] for a in range(n_a)]
    s = st.s
    code = np.full((len(pairs), n_a), -1, dtype=np.int8)
    cands: list[_Cand] = []
    for pr, (p, q) in enumerate(pairs):
        groups: list[list[int]] = [[], [], [], []]
        for a in range(n_a):
            if present[a, p] and present[a, q]:
                g = int(left[a][p]) | int(left[a][q]) * 2
                groups[g].append(a)
                code[pr, a] = g
        for ga, gb, kind in ((0, 3, True), (1, 2, False)):
            for i in groups[ga]:
                for j in groups[gb]:
                    if s[i][q] > 0 and s[j][q] > 0:
                        i_sup_p = s[i][p] / s[i][q] < s[j][p] / s[j][q]
                    else:  # decide would divide by zero; the same order, cross-multiplied
                        i_sup_p = s[i][p] * s[j][q] < s[j][p] * s[i][q]
                    a_i, a_j = (j, i) if i_sup_p else (i, j)
                    I, J = _Side(st, a_i, q, p), _Side(st, a_j, p, q)
                    if (
                        I.sal_s * I.pow_s <= 0
                        or J.sal_s * J.pow_s <= 0
                        or I.sal_s + J.sal_d <= 0
                        or I.sal_d + J.sal_s <= 0
                    ):
                        continue  # cannot move an outcome (decide would divide by zero)
                    e = _Cand(I, J, p, q, pr, kind)
                    _calculate(st, e)
                    cands.append(e)
    return cands, code


def _realise(
    st: _State, cands: list[_Cand], rng: random.Random | None
) -> tuple[list[tuple[_Cand, tuple]], int]:
    """The realisation loop (decide's ``highest_gain`` and ``remove_invalid_exchanges``).
    Returns the realised candidates, each with its positions before and after as seen at
    realisation, and the number of ties met (next gain within 1e-20 of the first's)."""
    exchanges = cands
    realised: list[tuple[_Cand, tuple]] = []
    ties = 0
    key = _gain_of
    while exchanges:
        exchanges.sort(key=key, reverse=True)
        top = exchanges.pop(0)
        if exchanges:
            nxt = exchanges[0]
            if abs(top.gain - nxt.gain) < _EPS_TIE:
                ties += 1
                if rng is not None:
                    if rng.random() >= 0.5:
                        exchanges.append(top)
                        top = exchanges.pop(0)
                    else:
                        exchanges.append(nxt)
        if not top.ok:
            continue
        kept = []
        for F in exchanges:
            if F.ok:
                _recalculate(st, F, top)
                if F.ok:
                    kept.append(F)
        exchanges = kept
        realised.append((top, (top.I.pos, top.J.pos, top.I.y, top.J.y, top.gain, top.cut)))
    return realised, ties


def _gain_of(e: _Cand) -> Decimal:
    return e.gain


@dataclass
class DecideRun:
    """A run in decide's arithmetic. Normalised (0-100) floats: ``traj`` ``(T+1, n_i)``
    outcomes (index 0 on the initial positions, then on each round's voting positions),
    ``votes`` ``(T+1, n_a, n_i)``, ``next`` the positions an extra round would start from;
    ``traj_scale``: ``traj`` de-normalised in decimals as decide does, ``next_scale`` the
    same of the outcomes on ``next`` (decide's NBS after the run); ``rounds``: per round
    ``(realised, ties, n_candidates, code)`` with ``realised`` in the record layout of
    :class:`~equipoise.models.exchange.EqualGainExchange`; ``starts``: the normalised
    starting positions of every round and of the next."""

    traj: np.ndarray
    traj_scale: np.ndarray
    next_scale: np.ndarray
    votes: np.ndarray
    next: np.ndarray
    starts: list[np.ndarray]
    rounds: list[tuple[list[tuple], int, int, np.ndarray]] = field(default_factory=list)


def _nbs_plain(
    X: list[list[Decimal]],
    s: list[list[Decimal]],
    c: list[list[Decimal]],
    mem: list[int],
    D: Decimal,
    d: int,
) -> Decimal:
    if D == 0:
        return _ZERO
    num: Decimal | int = 0
    for a in mem:
        num += X[a][d] * s[a][d] * c[a][d]
    return num / D


def _floats(M: list[list[Decimal]], present: np.ndarray) -> np.ndarray:
    return np.where(present, np.array([[float(v) for v in row] for row in M]), 0.0)


def run_decide(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rounds: int,
    rng: random.Random | None,
) -> DecideRun:
    """Run ``rounds`` rounds of decide's Equal Gain model on issue-scale ``position``
    (``NaN``/ignored where not ``present``), with decide's decimal arithmetic. ``rng``: a
    seeded ``random.Random`` for coin-toss ties (decide's default), or None for decide with
    ``ALLOW_RANDOM = False`` (ties by list order)."""
    with decimal.localcontext(CONTEXT):
        return _run(position, salience, capability, present, lower, upper, rounds, rng)


def _run(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rounds: int,
    rng: random.Random | None,
) -> DecideRun:
    n_a, n_i = present.shape
    lo = [to_decimal(v) for v in np.asarray(lower, float)]
    step = [
        _HUNDRED / (to_decimal(h) - to_decimal(v))
        for v, h in zip(np.asarray(lower, float), np.asarray(upper, float))
    ]
    cap = np.broadcast_to(capability, (n_a, n_i))
    X = [
        [
            (to_decimal(position[a, d]) - lo[d]) * step[d] if present[a, d] else _ZERO
            for d in range(n_i)
        ]
        for a in range(n_a)
    ]
    s = [
        [to_decimal(salience[a, d]) if present[a, d] else _ZERO for d in range(n_i)]
        for a in range(n_a)
    ]
    c = [
        [to_decimal(cap[a, d]) if present[a, d] else _ZERO for d in range(n_i)] for a in range(n_a)
    ]
    members = [[a for a in range(n_a) if present[a, d]] for d in range(n_i)]
    pairs = [(p, q) for p in range(n_i) for q in range(p + 1, n_i)]
    st = _State(X, s, c, members)

    def denorm(v: Decimal, d: int) -> float:
        return float(lo[d] if v == 0 else v / step[d] + lo[d])

    O0 = [st.nbs(d) for d in range(n_i)]
    traj = [[float(v) for v in O0]]
    traj_scale = [[denorm(v, d) for d, v in enumerate(O0)]]
    votes = [_floats(X, present)]
    starts = [votes[0]]
    out_rounds = []
    for _ in range(rounds):
        cands, code = _candidates(st, present, pairs)
        n_cand = len(cands)
        realised, ties = _realise(st, cands, rng)
        V = [row[:] for row in st.X]
        for e, _seen in realised:
            V[e.I.actor][e.I.sup] = e.I.y
            V[e.J.actor][e.J.sup] = e.J.y
        vote_state = _State(V, s, c, members, st.D)
        O = [vote_state.nbs(d) for d in range(n_i)]
        traj.append([float(v) for v in O])
        traj_scale.append([denorm(v, d) for d, v in enumerate(O)])
        votes.append(_floats(V, present))
        # the records, in the layout of EqualGainExchange's realised tuples
        cur = [row[:] for row in st.X]
        Ocur = [st.nbs(d) for d in range(n_i)]
        recs = []
        for e, (xI0, xJ0, yI, yJ, gain, cut) in realised:
            I, J, p, q = e.I, e.J, e.p, e.q
            Op0, Oq0 = Ocur[p], Ocur[q]
            cur[I.actor][q] = yI
            cur[J.actor][p] = yJ
            Ocur[p] = _nbs_plain(cur, s, c, members[p], st.D[p], p)
            Ocur[q] = _nbs_plain(cur, s, c, members[q], st.D[q], q)
            recs.append(
                (
                    e.pair,
                    I.actor,
                    J.actor,
                    p,
                    q,
                    float(xI0),
                    float(xJ0),
                    float(abs(yI - xI0)),
                    float(abs(yJ - xJ0)),
                    float(gain),
                    float(abs(Ocur[p] - Op0)),
                    float(abs(Ocur[q] - Oq0)),
                    float(Op0),
                    float(Ocur[p]),
                    float(Oq0),
                    float(Ocur[q]),
                    cut,
                    float(yI),
                    float(yJ),
                    e.kind,
                )
            )
        out_rounds.append((recs, ties, n_cand, code))
        # next round's start (decide's new_start_position), in realisation order
        N = [row[:] for row in st.X]
        for e, _seen in realised:
            for side in (e.I, e.J):
                sal = side.sal_s
                y, x = side.y, side.start
                N[side.actor][side.sup] = (
                    (1 - sal) * _SALIENCE_WEIGHT * y
                    + _FIXED_WEIGHT * y
                    + (1 - (1 - sal) * _SALIENCE_WEIGHT - _FIXED_WEIGHT) * x
                )
        st = _State(N, s, c, members, st.D)
        starts.append(_floats(N, present))
    next_scale = np.array([denorm(st.nbs(d), d) for d in range(n_i)])
    return DecideRun(
        np.array(traj),
        np.array(traj_scale),
        next_scale,
        np.array(votes),
        starts[-1],
        starts,
        out_rounds,
    )

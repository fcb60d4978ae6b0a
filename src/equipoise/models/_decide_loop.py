r"""One round of the exchange model the way decide-exchange-model realises it (``mode="decide"``).

The equal-gain exchange of ``docs/models.md`` §3 leaves the realisation loop (step 8) to
the implementation; decide-exchange-model (foarsitter/decide-exchange-model, the reference
implementation of Stokman's model) realises it differently from our default mode. This
module re-implements decide's loop from its documented behaviour and its source (read for
the algorithm, nothing copied), so that equipoise reproduces decide's figures on decide's
own inputs. What differs from the default mode (``exchange.EqualGainExchange``):

* **Candidate order.** Per issue pair (input order), first every a-d pair, then every b-c
  pair (actors in input order); ``i`` supplies ``p`` iff ``s_ip / s_iq < s_jp / s_jq``.
* **Each candidate sees the round start.** Both partners' *demand* positions stay those of
  the round start; the outcome a candidate checks its moves against (step 7) is the
  round-start outcome plus only the realised moves that candidate was told about: when an
  exchange is realised, a remaining candidate learns the new voting position of an actor on
  issue ``d`` only if that candidate has the same actor demanding ``d`` as the realised
  exchange (a later report of the same actor keeps the one nearer its round-start side, as
  decide's ``update_updates``). A candidate whose supplier is the realised exchange's
  supplier on the same issue restarts from the new voting position.
* **Step 7 cut.** When the moves would carry the outcome past the partner's demand
  position (as the candidate sees it), the supplier's move becomes the displacement that
  puts that outcome on the partner's position and the partner's move follows by the
  equal-gain relation. (Read literally decide's helper returns a position, the quirk
  docs/models.md §3.3 step 7 warns of; run, it returns the displacement, because its sum over
  the other actors keeps the supplier too. Reproduced as it runs.)
* **Validity** of a side: ``1e-10 < |m| <= 100``, the new position inside [0, 100], the sum
  of the side's proposed moves (its history in this candidate, not the actor's realised
  moves) at most 100 and all of them of one sign.
* **Order of realisation.** Before each pick the remaining candidates are sorted by gain,
  highest first, stably (ties keep their list order); an invalid candidate at the top is
  discarded. After a realisation the remaining valid candidates are updated in list order
  and the invalid ones dropped.
* **Ties.** ``tie_break="order"``: the first in the list (decide with
  ``EqualGainModel.ALLOW_RANDOM = False``). ``tie_break="random"``: when the next candidate's
  gain equals the top one's (decide: within 1e-20 on 28-digit decimals; here within
  ``1e-12`` relative, the float equivalent), a coin (``random.Random(seed).random() >= 0.5``)
  picks the second, and the candidate not picked is put back at the end of the list, as
  decide does (when the first is picked, decide appends the second once more: it then sits
  in the list twice, which costs coin tosses but cannot change an outcome; reproduced so
  that a seed draws the same coins as decide's ``random.seed(seed)``).

decide computes in 28-digit decimals, equipoise in binary floats: gains that decide finds
exactly equal can differ in the last bits here, so sort keys are gains rounded to 12
significant digits.

Pure Python over candidate objects (the loop is sequential and every step touches a few
candidates); about 10-50 ms per round on decide's sample (10 actors, 6 issues).
"""

from __future__ import annotations

import random

import numpy as np

__all__ = ["realise_round_decide"]


class _Side:
    """One partner of a candidate exchange: supplies ``sup``, demands ``dem``."""

    __slots__ = ("actor", "sup", "dem", "pos", "dem_pos", "start", "sal_s", "sal_d", "cs",
                 "moves", "move", "y")

    def __init__(self, actor: int, sup: int, dem: int, X: list[list[float]],
                 s: list[list[float]], c: list[list[float]]) -> None:
        self.actor, self.sup, self.dem = actor, sup, dem
        self.pos = X[actor][sup]
        self.start = self.pos
        self.dem_pos = X[actor][dem]
        self.sal_s = s[actor][sup]
        self.sal_d = s[actor][dem]
        self.cs = c[actor][sup] * self.sal_s
        self.moves: list[float] = []
        self.move = 0.0
        self.y = self.pos

    def valid(self, move: float) -> bool:
        if abs(move) > 100.0 or abs(move) <= 1e-10:
            return False
        if self.pos + move < 0.0 or self.pos + move > 100.0:
            return False
        if sum(self.moves) > 100.0:
            return False
        lo, hi = min(self.moves), max(self.moves)
        return (lo < 0.0 and hi < 0.0) or (lo > 0.0 and hi > 0.0)


class _Cand:
    """A candidate exchange: ``I`` supplies ``q`` and demands ``p``; ``J`` the reverse."""

    __slots__ = ("I", "J", "p", "q", "pair", "kind", "gain", "ok", "updates", "cut")

    def __init__(self, I: _Side, J: _Side, p: int, q: int, pair: int, kind: bool) -> None:
        self.I, self.J, self.p, self.q, self.pair, self.kind = I, J, p, q, pair, kind
        self.gain = 0.0
        self.ok = True
        self.updates: dict[int, dict[int, float]] = {}
        self.cut = False


class _Round:
    """The round-start state every candidate computes against."""

    def __init__(self, X: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
                 D: np.ndarray) -> None:
        self.X = X.tolist()
        self.s = s.tolist()
        self.c = c.tolist()
        self.D = D.tolist()
        n_a, n_i = X.shape
        # per issue: (actor, c s) of the actors taking part, and sum c s x at round start
        self.members = [[(a, self.c[a][d] * self.s[a][d]) for a in range(n_a) if present[a, d]]
                        for d in range(n_i)]

    def nbs(self, d: int, updates: dict[int, float], actor: int, position: float) -> float:
        """The outcome of issue ``d`` from the round-start positions, overridden by
        ``updates`` and with ``actor`` at ``position`` (decide's ``adjusted_nbs``)."""
        X = self.X
        num = 0.0
        for a, w in self.members[d]:
            x = position if a == actor else updates.get(a, X[a][d])
            num += x * w
        return num / self.D[d]

    def shift_for(self, d: int, updates: dict[int, float], actor: int, x_pos: float,
                  target: float, cs: float) -> float:
        """How far ``actor`` must move from ``x_pos`` to put the outcome of ``d`` on
        ``target``, the others as seen: decide's ``adjusted_nbs_by_position``, whose sum
        leaves nobody out (its identity test never matches a deep-copied key), so it returns
        the displacement from the actor's seen position (``x_pos``, or the position the
        candidate was told about), not the position docs/models.md §3.3 step 7 warns of."""
        X = self.X
        num = 0.0
        for a, w in self.members[d]:
            num += updates.get(a, x_pos if a == actor else X[a][d]) * w
        return (target * self.D[d] - num) / cs


def _calculate(rs: _Round, e: _Cand) -> None:
    """Size ``e`` by equal gain, check validity and the outcome overshoot (decide's
    ``EqualGainExchange.calculate``)."""
    I, J, D = e.I, e.J, rs.D
    p, q = e.p, e.q
    # J moves all the way to I's demand position on p
    dp = abs(I.dem_pos - J.pos) * J.cs / D[p]
    dq = ((J.sal_s + I.sal_d) / (J.sal_d + I.sal_s)) * dp
    I.move = dq * D[q] / I.cs
    J.move = abs(I.dem_pos - J.pos)
    if abs(I.move) > abs(J.dem_pos - I.pos):  # I would overshoot: I moves all the way
        dq = abs(J.dem_pos - I.pos) * I.cs / D[q]
        dp = ((I.sal_s + J.sal_d) / (I.sal_d + J.sal_s)) * dq
        I.move = abs(J.dem_pos - I.pos)
        J.move = dp * D[p] / J.cs
    if I.pos > J.dem_pos:
        I.move = -I.move
    if J.pos > I.dem_pos:
        J.move = -J.move
    I.moves.append(I.move)
    J.moves.append(J.move)
    I.y = I.pos + I.move
    J.y = J.pos + J.move
    e.gain = abs(dq * I.sal_s - dp * I.sal_d)
    e.ok = I.valid(I.move) and J.valid(J.move) and not e.gain < 1e-10
    if not e.ok:
        return
    _check_outcome(rs, e, I, J)
    _check_outcome(rs, e, J, I)
    e.ok = I.valid(I.move) and J.valid(J.move)


def _check_outcome(rs: _Round, e: _Cand, X: _Side, Y: _Side) -> None:
    """Step 7 for supplier ``X`` (partner ``Y``), decide's ``check_nbs``."""
    d = X.sup
    upd = e.updates.get(d, {})
    n0 = rs.nbs(d, upd, X.actor, X.pos)
    n1 = rs.nbs(d, upd, X.actor, X.y)
    x = Y.dem_pos
    if (x - n0 >= 0.0 and x - n1 >= 0.0) or (x - n0 <= 0.0 and x - n1 <= 0.0):
        return
    delta = abs(rs.shift_for(d, upd, X.actor, X.pos, x, X.cs))
    dx = delta * X.cs / rs.D[d]
    dy = ((X.sal_s + Y.sal_d) / (X.sal_d + Y.sal_s)) * dx
    Y.move = abs(dy * rs.D[Y.sup] / Y.cs)
    X.move = delta
    if Y.pos > X.dem_pos:
        Y.move = -Y.move
    if X.pos > Y.dem_pos:
        X.move = -X.move
    Y.moves[-1] = Y.move
    X.moves[-1] = X.move
    Y.y = Y.pos + Y.move
    X.y = X.pos + X.move
    e.gain = abs(dy * Y.sal_s - dx * Y.sal_d)
    e.cut = True
    e.ok = Y.valid(Y.move) and X.valid(X.move)


def _learn(F: _Cand, side: _Side, d: int) -> None:
    """``F`` learns that ``side``'s actor now votes ``side.y`` on issue ``d``."""
    view = F.updates.setdefault(d, {})
    prev = view.get(side.actor)
    if prev is None:
        view[side.actor] = side.y
    elif side.start <= prev:
        view[side.actor] = min(prev, side.y)
    else:
        view[side.actor] = max(prev, side.y)


def _recalculate(rs: _Round, F: _Cand, E: _Cand) -> None:
    """Update ``F`` after ``E`` was realised (decide's ``AbstractExchange.recalculate``)."""
    hit_i = hit_j = False
    for mine, is_i in ((F.I, True), (F.J, False)):
        for theirs in (E.I, E.J):
            if mine.actor == theirs.actor and mine.sup == theirs.sup:
                mine.pos = theirs.y
                mine.moves.append(theirs.moves[-1])
                if is_i:
                    hit_i = True
                else:
                    hit_j = True
                break
    redo = hit_i or hit_j
    if redo:
        F.I.moves.pop()
        F.J.moves.pop()
    for dem_side, sup_side in ((E.J, E.I), (E.I, E.J)):
        if any(o.actor == dem_side.actor and o.dem == dem_side.dem for o in (F.J, F.I)):
            _learn(F, sup_side, dem_side.dem)
            if not redo:
                F.I.moves.pop()
                F.J.moves.pop()
                redo = True
    if redo:
        _calculate(rs, F)


def _key(g: float) -> float:
    return float(f"{g:.11e}")


def realise_round_decide(X: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
                         D: np.ndarray, O: np.ndarray, pairs: np.ndarray,
                         rng: random.Random | None) -> tuple[list[tuple], int, np.ndarray,
                                                                int, np.ndarray]:
    """Run one round of decide's realisation loop on normalised (0-100) round-start
    positions ``X``. ``rng``: a seeded ``random.Random`` for coin-toss ties, or None for
    the list order. Returns the realised exchanges (tuples in the layout of
    ``EqualGainExchange._realise_numpy``'s records), the number of ties met, the voting
    positions, the number of candidates and the group codes (pairs x actors)."""
    n_a, n_i = X.shape
    rs = _Round(X, s, c, present, D)
    left = X <= O[None, :]
    P_, Q_ = pairs[:, 0], pairs[:, 1]
    code = left[:, P_].astype(np.int8) + 2 * left[:, Q_].astype(np.int8)
    code = np.where(present[:, P_] & present[:, Q_], code, -1).T  # (n_pairs, n_a)
    Xl, sl, cl = rs.X, rs.s, rs.c
    cands: list[_Cand] = []
    for pr, (p, q) in enumerate(pairs.tolist()):
        row = code[pr].tolist()
        for ga, gb, kind in ((0, 3, True), (1, 2, False)):
            for i in (a for a in range(n_a) if row[a] == ga):
                for j in (a for a in range(n_a) if row[a] == gb):
                    if sl[i][p] * sl[j][q] < sl[j][p] * sl[i][q]:
                        I, J = _Side(j, q, p, Xl, sl, cl), _Side(i, p, q, Xl, sl, cl)
                    else:
                        I, J = _Side(i, q, p, Xl, sl, cl), _Side(j, p, q, Xl, sl, cl)
                    if I.cs <= 0.0 or J.cs <= 0.0 or I.sal_s + J.sal_d <= 0.0 \
                            or I.sal_d + J.sal_s <= 0.0:
                        continue  # cannot move an outcome (decide would divide by zero)
                    e = _Cand(I, J, p, q, pr, kind)
                    _calculate(rs, e)
                    cands.append(e)
    n_cand = len(cands)
    cur = X.copy()
    Ocur = O.astype(float).copy()
    wD = (c * s) / D[None, :]
    realised: list[tuple] = []
    ties = 0
    exchanges = cands
    while exchanges:
        exchanges.sort(key=lambda e: _key(e.gain), reverse=True)
        top = exchanges.pop(0)
        if exchanges:
            nxt = exchanges[0]
            if abs(top.gain - nxt.gain) <= 1e-12 * max(abs(top.gain), abs(nxt.gain)):
                ties += 1
                if rng is not None:
                    if rng.random() >= 0.5:
                        exchanges.append(top)
                        top = exchanges.pop(0)
                    else:
                        exchanges.append(nxt)
        if not top.ok:
            continue
        exchanges = [F for F in exchanges if F.ok and (_recalculate(rs, F, top) or F.ok)]
        I, J = top.I, top.J
        p, q = top.p, top.q
        xAq0, xBp0 = float(cur[I.actor, q]), float(cur[J.actor, p])
        Op0, Oq0 = float(Ocur[p]), float(Ocur[q])
        cur[I.actor, q] = I.y
        cur[J.actor, p] = J.y
        Ocur[p] = Op0 + (J.y - xBp0) * wD[J.actor, p]
        Ocur[q] = Oq0 + (I.y - xAq0) * wD[I.actor, q]
        realised.append((top.pair, I.actor, J.actor, p, q, xAq0, xBp0, abs(I.y - xAq0),
                         abs(J.y - xBp0), top.gain, abs(Ocur[p] - Op0), abs(Ocur[q] - Oq0),
                         Op0, float(Ocur[p]), Oq0, float(Ocur[q]), top.cut, I.y, J.y,
                         top.kind))
    return realised, ties, cur, n_cand, code

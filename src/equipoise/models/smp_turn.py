r"""One turn of KTAB's spatial model of politics on batched arrays -- ``docs/smp.md`` §4-6.

Shapes: ``B`` independent problems, ``N`` actors, ``D`` dimensions of one issue space.
Positions ``X`` lie in the unit cube (each issue scale mapped to ``[0, 1]``), saliences
``S`` in ``[0, 1]`` with ``sum_k S[i, k] <= 1``, capabilities ``cap >= 0``.

* **Distance** from ``a``'s ideal (its position) to ``n``'s position with ``a``'s saliences:
  ``d[a, n] = sqrt(sum_k S_ak^2 (X_ak - X_nk)^2 / sum_k S_ak^2)``.
* **Risk attitudes** ``R``: a PCE over every actor's position (duplicates included) with
  risk-neutral utilities ``1 - d`` and capability weights, mapped by ``BigRRange``.
* **Challenges** (actor ``i`` weighs challenging ``j``, from its own view ``h = i``): the
  principals vote with weight ``s_i c_i`` (``s`` = salience summed over the space); every
  third party ``n`` judges the little contest of the principals and itself, then votes
  with its expected utilities under ``ThirdPartyCommit``; ``P_ij`` is the share of the
  coalition for ``i``; ``i``'s expected gain is
  ``(1 - s_j) 2U(i,i) + s_j (P 2U(i,i) + (1 - P) 2U(i,j)) - (U(i,i) + U(i,j))``.
  The ``(i, j, n)`` tensor of the third parties' votes is computed in blocks of about
  64k elements in reused buffers (:func:`equipoise.models.smp_rules.blocks`) -- no loop over
  actors; everything else of a turn is ``(N, N)`` arrays.
* **Bargains**: each actor with a best gain above ``1e-5`` proposes one to its best target
  (``InterVecBrgn`` interpolation, rounded to 4 decimals on the unit scale).
* **Resolution**: every actor's queue holds its status quo and the bargains it is party to;
  each is worth, to each actor, the mean utility of all positions after it; a
  capability-weighted PCE over the queue picks one (``Deterministic``: the most probable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .smp_rules import (
    CHUNK,
    big_r,
    blocks,
    coalitions,
    estimated_r,
    pce,
    response,
    utility,
    victory_probability,
)

__all__ = [
    "SMPOptions",
    "distance_weights",
    "distances",
    "risk_attitudes",
    "turn",
    "unique_positions",
    "position_probabilities",
    "MIN_GAIN",
    "POSITION_TOL",
]

#: Smallest expected gain for which an actor proposes a bargain (KTAB's ``minSigEDU``).
MIN_GAIN = 1e-5
#: Two positions are the same when their Euclidean distance on the unit scale is below this
#: (KTAB's ``posTol``; 0.1 on a 0-100 scale).
POSITION_TOL = 1e-3
_MIN_CONTEST = 1e-10  # KTAB's minCltn: each side of a challenge starts at this strength
_MIN_WEIGHT = 1e-6  # KTAB's minW in the bargain interpolation


@dataclass(frozen=True)
class SMPOptions:
    """The model's choices, by KTAB's names (see :mod:`equipoise.models.smp_rules`)."""

    victory: str = "Linear"
    voting: str = "Prop"
    pce: str = "Conditional"
    transitions: str = "Deterministic"
    big_r_range: str = "Mid"
    big_r_adjust: str = "OneThird"
    commit: str = "SemiCommit"
    interpolation: str = "S2P2"
    bargaining: str = "InitOnlyInterp"


def distance_weights(S: np.ndarray) -> np.ndarray:
    """Per-dimension weights ``S / sqrt(sum_k S^2)`` of each actor's distance (``(B, N, D)``);
    an actor with no salience at all weighs every dimension alike (KTAB refuses it)."""
    norm = np.sqrt((S * S).sum(axis=2, keepdims=True))
    D = S.shape[2]
    return np.where(norm > 0, S / np.where(norm > 0, norm, 1.0), 1.0 / np.sqrt(D))


def distances(X: np.ndarray, sw: np.ndarray, Y: np.ndarray | None = None) -> np.ndarray:
    """``d[b, a, m] = || sw_a * (X_a - Y_m) ||``: actor ``a``'s weighted distance from its
    ideal ``X_a`` to position ``Y_m`` (``Y`` defaults to ``X``: all actors' positions)."""
    Y = X if Y is None else Y
    diff = sw[:, :, None, :] * (X[:, :, None, :] - Y[:, None, :, :])
    return np.sqrt((diff * diff).sum(axis=3))


def risk_attitudes(
    d: np.ndarray, cap: np.ndarray, opt: SMPOptions
) -> tuple[np.ndarray, np.ndarray]:
    """``(R, p)``: risk attitudes from the risk-neutral PCE over all positions, and that
    PCE's probabilities (``(B, N)`` each)."""
    c = coalitions(1.0 - d, cap, opt.voting)
    p = pce(c, opt.pce, opt.victory)
    return big_r(p, opt.big_r_range), p


def _challenge(
    Uni: np.ndarray,
    Unj: np.ndarray,
    W: np.ndarray,
    Uij: np.ndarray,
    Uji: np.ndarray,
    wi: np.ndarray,
    wj: np.ndarray,
    sj: np.ndarray,
    opt: SMPOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probability that ``i`` beats ``j`` and the expected gains of the challenge to ``i``
    and to ``j`` (all as seen by one estimator ``h``).

    ``Uni``/``Unj`` (``(..., N)``): ``U^h(n, i)``, ``U^h(n, j)`` for every third party ``n``;
    ``W`` (``(..., N)``): third parties' weights ``s_n c_n``, zero for ``n = i, j``;
    ``Uij = U^h(i, j)``, ``Uji = U^h(j, i)``, ``wi``, ``wj`` the principals' weights,
    ``sj`` = ``j``'s salience summed over the space (all ``(...)``). ``U(n, n) = 1``.
    """
    g = response(opt.voting)
    ci = wi * g(1.0 - Uij)  # i's own vote: its position against j's
    cj = wj * g(Uji - 1.0)  # j's own vote (negative: for j)
    bij = _MIN_CONTEST + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    bji = _MIN_CONTEST + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    if opt.commit == "SemiCommit":
        vl = W * g(Uni - Unj)  # n's direct vote in the little contest
        b1, b2 = bij[..., None], bji[..., None]
        pin = (b1 + np.maximum(vl, 0.0)) / (b1 + b2 + np.abs(vl))
        # EU(side i) - EU(side j) = p (U_nn - U_ni) + (1 - p)(U_nj - U_nn), U_nn = 1
        v = W * g(pin * (1.0 - Uni) + (1.0 - pin) * (Unj - 1.0))
        chij = bij + np.maximum(v, 0.0).sum(axis=-1)
        chji = bji + np.maximum(-v, 0.0).sum(axis=-1)
    else:  # FullCommit, NoCommit: a third party's expected utilities of both sides are equal
        chij, chji = bij, bji
    p = chij / (chij + chji)

    def gain(uki: np.ndarray | float, ukj: np.ndarray | float) -> np.ndarray:
        won = 2.0 * uki
        contest = p * 2.0 * uki + (1.0 - p) * 2.0 * ukj
        return (1.0 - sj) * won + sj * contest - (uki + ukj)

    return p, gain(1.0, Uij), gain(Uji, 1.0)


def _all_challenges(
    d: np.ndarray,
    R: np.ndarray,
    Rhat: np.ndarray,
    w: np.ndarray,
    ssum: np.ndarray,
    opt: SMPOptions,
    chunk: int = CHUNK,
) -> tuple[np.ndarray, np.ndarray]:
    """``(P, G)``, ``(B, N, N)``: for every pair, ``i``'s estimate of the probability that
    it beats ``j`` and of its expected gain from challenging ``j`` (``G[i, i] = -inf``).

    The same numbers as :func:`_challenge` with ``h = i``, arranged for speed: the
    principals' terms are ``(B, N, N)`` arrays; only the third parties' votes need the
    ``(i, j, n)`` tensor (:func:`_third_party_sums`), summed over all ``n`` and the two
    principals' terms taken out again.
    """
    B, N, _ = d.shape
    g = response(opt.voting)
    dT = np.ascontiguousarray(np.swapaxes(d, 1, 2))  # dT[b, j, n] = d[b, n, j]
    e = dT * (dT - 1.0)  # 1 - U(d, r) = d + r d (d - 1)
    a = dT + Rhat * e  # a[b, i, n] = 1 - U^i(n, i)
    Uij = utility(d, R[:, :, None])  # U^i(i, j)
    Uji = 1.0 - a  # U^i(j, i), [b, i, j]
    wi, wj = w[:, :, None], w[:, None, :]
    ci = wi * g(1.0 - Uij)  # i's own vote: its position against j's
    cj = wj * g(Uji - 1.0)  # j's own vote (negative: for j)
    bij = _MIN_CONTEST + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    bji = _MIN_CONTEST + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    if opt.commit == "SemiCommit":
        s_lin, s_abs = _third_party_sums(dT, e, Rhat, a, bij, bji, w, opt.voting, chunk)
        # the principals are no third parties: take out n = i (a = 0, q = 1 - U(i, j))
        # and n = j (a = 1 - U(j, i), q = 0)
        principals: tuple[tuple[np.ndarray, np.ndarray | float, np.ndarray | float], ...] = (
            (wi, 0.0, 1.0 - Uij),
            (wj, a, 0.0),
        )
        for wn, an, qn in principals:
            v1 = wn * g(np.asarray(qn - an))
            p1 = (bij + np.maximum(v1, 0.0)) / (bij + bji + np.abs(v1))
            v = wn * g(p1 * (an + qn) - qn)
            s_lin = s_lin - v
            s_abs = s_abs - np.abs(v)
        chij = bij + 0.5 * np.maximum(s_abs + s_lin, 0.0)
        chji = bji + 0.5 * np.maximum(s_abs - s_lin, 0.0)
    else:  # FullCommit, NoCommit: third parties' expected utilities of both sides agree
        chij, chji = bij, bji
    p = chij / (chij + chji)
    sj = ssum[:, None, :]
    G = (1.0 - sj) * 2.0 + sj * (p * 2.0 + (1.0 - p) * 2.0 * Uij) - (1.0 + Uij)
    idx = np.arange(N)
    G[:, idx, idx] = -np.inf
    return p, G


def _third_party_sums(
    dT: np.ndarray,
    e: np.ndarray,
    Rhat: np.ndarray,
    a: np.ndarray,
    bij: np.ndarray,
    bji: np.ndarray,
    w: np.ndarray,
    voting: str,
    chunk: int = CHUNK,
) -> tuple[np.ndarray, np.ndarray]:
    """``(sum_n w_n g(m_n), sum_n w_n |g(m_n)|)``, ``(B, N, N)`` over *every* actor ``n``
    (the principals included; the caller takes them out), ``m_n`` being third party
    ``n``'s expected-utility margin for ``i``'s side in ``i``'s challenge of ``j``.

    With ``a_n = 1 - U^i(n, i)`` and ``q_n = 1 - U^i(n, j) = d_nj + R^i_n d_nj (d_nj - 1)``,
    ``n``'s direct vote is ``v_n = w_n g(q_n - a_n)``, its estimate that ``i`` wins
    ``p_n = (b_ij + max(0, v_n)) / (b_ij + b_ji + |v_n|)`` and ``m_n = p_n (a_n + q_n) - q_n``.
    The ``(i, j, n)`` tensor is computed in blocks of about ``chunk`` elements
    (:func:`blocks`) in three reused buffers, every step in place; the two sums over ``n``
    are matrix-vector products.
    """
    B, N, _ = dT.shape
    g = response(voting)
    prop = voting == "Prop"
    s_lin = np.empty((B, N, N))
    s_abs = np.empty((B, N, N))
    bsum = bij + bji
    wcol = np.ascontiguousarray(w)[:, None, :, None]  # (B, 1, N, 1)
    size = min(B * N * N * N, max(chunk, N * N))
    qbuf, vbuf, pbuf = np.empty(size), np.empty(size), np.empty(size)
    for b0, b1, i0, i1 in blocks(B, N, N * N, chunk):
        shape = (b1 - b0, i1 - i0, N, N)
        n = (b1 - b0) * (i1 - i0) * N * N
        q, v, pin = (buf[:n].reshape(shape) for buf in (qbuf, vbuf, pbuf))
        a4 = a[b0:b1, i0:i1, None, :]
        np.multiply(Rhat[b0:b1, i0:i1, None, :], e[b0:b1, None, :, :], out=q)
        q += dT[b0:b1, None, :, :]  # q[b, i, j, n]
        np.subtract(q, a4, out=v)
        if not prop:
            v[...] = g(v)
        v *= w[b0:b1, None, None, :]  # n's direct vote
        np.maximum(v, 0.0, out=pin)
        pin += bij[b0:b1, i0:i1, :, None]
        np.abs(v, out=v)
        v += bsum[b0:b1, i0:i1, :, None]
        pin /= v  # P(i wins) seen by n
        np.add(a4, q, out=v)
        v *= pin
        v -= q  # EU(side i) - EU(side j)
        if not prop:
            v[...] = g(v)
        s_lin[b0:b1, i0:i1] = np.matmul(v, wcol[b0:b1])[..., 0]
        s_abs[b0:b1, i0:i1] = np.matmul(np.abs(v, out=v), wcol[b0:b1])[..., 0]
    return s_lin, s_abs


def _challenges_seen_by(
    d: np.ndarray,
    Rhat: np.ndarray,
    w: np.ndarray,
    ssum: np.ndarray,
    h: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    opt: SMPOptions,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_challenge` for one pair ``(i[b, q], j[b, q])`` per row as seen by
    ``h[b, q]`` (``(B, Q)`` index arrays)."""
    B, N, _ = d.shape
    dT = np.swapaxes(d, 1, 2)
    bb = np.arange(B)[:, None]
    Rh = Rhat[bb, h]  # (B, Q, N)
    Uni = utility(dT[bb, i], Rh)
    Unj = utility(dT[bb, j], Rh)
    Uij = np.take_along_axis(Unj, i[..., None], axis=2)[..., 0]
    Uji = np.take_along_axis(Uni, j[..., None], axis=2)[..., 0]
    n = np.arange(N)
    keep = (n[None, None, :] != i[..., None]) & (n[None, None, :] != j[..., None])
    W = w[:, None, :] * keep
    return _challenge(Uni, Unj, W, Uij, Uji, w[bb, i], w[bb, j], ssum[bb, j], opt)


def _interpolate(
    xi: np.ndarray,
    xj: np.ndarray,
    si: np.ndarray,
    sj: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    how: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The bargain's positions for ``i`` and ``j`` per dimension (``InterVecBrgn``).

    ``S1P1``/``S2P2``: weights ``W_i = s_ik^n p_i^m`` (n = m = 1 or 2); both get
    ``(W_i x_i + W_j x_j) / (W_i + W_j)`` save a ``1e-6`` nudge towards their own position,
    rounded to 4 decimals on the unit scale. ``S2PMax``: only the likelier loser moves,
    by ``d (x_other - x_own)`` with ``d = dp s_other^2 / (dp s_other^2 + 1e-6 + (1 - dp)
    s_own^2)``, ``dp`` the probability margin.
    """
    if how in ("S1P1", "S2P2"):
        k = 1 if how == "S1P1" else 2
        wi = si**k * pi**k
        wj = sj**k * pj**k
        tot = wi + _MIN_WEIGHT + wj
        bi = ((wi + _MIN_WEIGHT) * xi + wj * xj) / tot
        bj = (wi * xi + (_MIN_WEIGHT + wj) * xj) / tot
        return _round4(bi), _round4(bj)
    di = np.maximum(pj - pi, 0.0)
    dj = np.maximum(pi - pj, 0.0)
    si2, sj2 = si * si, sj * sj
    dik = di * sj2 / (di * sj2 + _MIN_WEIGHT + (1.0 - di) * si2)
    djk = dj * si2 / (dj * si2 + _MIN_WEIGHT + (1.0 - dj) * sj2)
    return xi + dik * (xj - xi), xj + djk * (xi - xj)


def _round4(x: np.ndarray) -> np.ndarray:
    """KTAB's ``round4`` (``int(0.5 + 1e4 x) / 1e4``; ``x >= 0`` here)."""
    return np.floor(0.5 + x * 1e4) / 1e4


@dataclass
class TurnRecord:
    """What happened in one turn (arrays over the batch)."""

    target: np.ndarray  # (B, N): best target j of each actor, -1 if none
    gain: np.ndarray  # (B, N): its expected gain (nan if none)
    p_win: np.ndarray  # (B, N): i's estimate of P(i beats its target)
    chosen: np.ndarray  # (B, N): option index adopted (0 status quo, 1+s bargain slot s)


def turn(
    X: np.ndarray,
    S: np.ndarray,
    sw: np.ndarray,
    cap: np.ndarray,
    R: np.ndarray,
    d: np.ndarray,
    opt: SMPOptions,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, TurnRecord]:
    """The positions after one turn from state ``(X, R, d)``; ``(B, N, D)`` and the record."""
    B, N, D = X.shape
    ssum = S.sum(axis=2)
    w = ssum * cap  # contest weights s_i c_i
    Rhat = estimated_r(R, opt.big_r_adjust)
    P, G = _all_challenges(d, R, Rhat, w, ssum, opt)
    j = G.argmax(axis=2)  # first best target, in actor order
    bb = np.arange(B)[:, None]
    ii = np.broadcast_to(np.arange(N), (B, N))
    best = G[bb, ii, j]
    has = best > MIN_GAIN
    p_ij = P[bb, ii, j]

    xi, xj = X, X[bb, j]
    si, sj = S, S[bb, j]
    bI, bR = _interpolate(xi, xj, si, sj, p_ij[..., None], 1.0 - p_ij[..., None], opt.interpolation)
    init = [ii]
    rcvr = [j]
    posI, posR = [bI], [bR]
    if opt.bargaining != "InitOnlyInterp":
        # KTAB's j-perspective bargain takes as "probability" j's estimate of i's expected
        # gain (the second value of its probEduChlg), not the probability; kept as in KTAB.
        _, gain_i, _ = _challenges_seen_by(d, Rhat, w, ssum, j, ii, j, opt)
        cI, cR = _interpolate(
            xi, xj, si, sj, gain_i[..., None], 1.0 - gain_i[..., None], opt.interpolation
        )
        if opt.bargaining == "InitRcvrInterp":
            init.append(ii)
            rcvr.append(j)
            posI.append(cI)
            posR.append(cR)
        else:  # PWCompInterp: weights c_i s_i and c_i s_j (KTAB takes i's capability twice)
            wI = (cap * ssum)[..., None]
            wR = (cap * ssum[bb, j])[..., None]
            posI = [(wI * bI + wR * cI) / (wI + wR)]
            posR = [(wI * bR + wR * cR) / (wI + wR)]
    I = np.concatenate(init, axis=1)  # (B, NB)
    Rc = np.concatenate(rcvr, axis=1)
    PI = np.concatenate(posI, axis=1)  # (B, NB, D)
    PR = np.concatenate(posR, axis=1)
    valid = np.concatenate([has] * len(init), axis=1)

    chosen = _resolve(X, sw, cap, R, d, I, Rc, PI, PR, valid, opt, rng)
    NB = I.shape[1]
    slot = np.clip(chosen - 1, 0, NB - 1)
    take = chosen > 0
    is_init = I[bb, slot] == ii
    newpos = np.where(is_init[..., None], PI[bb, slot], PR[bb, slot])
    Xn = np.where(take[..., None], newpos, X)
    rec = TurnRecord(
        target=np.where(has, j, -1),
        gain=np.where(has, best, np.nan),
        p_win=np.where(has, p_ij, np.nan),
        chosen=chosen,
    )
    return Xn, rec


def _resolve(
    X: np.ndarray,
    sw: np.ndarray,
    cap: np.ndarray,
    R: np.ndarray,
    d: np.ndarray,
    I: np.ndarray,
    Rc: np.ndarray,
    PI: np.ndarray,
    PR: np.ndarray,
    valid: np.ndarray,
    opt: SMPOptions,
    rng: np.random.Generator | None,
) -> np.ndarray:
    """Index of the option each actor adopts: 0 its status quo, ``1 + s`` bargain slot ``s``.

    Option values: to actor ``a`` the status quo is worth ``T_a / N`` with
    ``T_a = sum_n u_a(X_n)``; a bargain moving ``I`` and ``R`` to ``y_I``, ``y_R`` is worth
    ``(T_a - u_a(X_I) - u_a(X_R) + u_a(y_I) + u_a(y_R)) / N`` (``u_a`` with ``a``'s own risk
    attitude). One capability-weighted PCE over all options gives ``log P``; actor ``k``'s
    election is over its own queue (status quo + the bargains it is party to).
    """
    B, N, _ = X.shape
    NB = I.shape[1]
    Ra = R[:, :, None]
    u_now = utility(d, Ra)  # (B, N, N): u_a(X_n)
    T = u_now.sum(axis=2)  # (B, N)
    uI = utility(distances(X, sw, PI), Ra)  # (B, N, NB)
    uR = utility(distances(X, sw, PR), Ra)
    oldI = np.take_along_axis(u_now, np.broadcast_to(I[:, None, :], (B, N, NB)), axis=2)
    oldR = np.take_along_axis(u_now, np.broadcast_to(Rc[:, None, :], (B, N, NB)), axis=2)
    u_opt = np.concatenate([T[..., None], T[..., None] - oldI - oldR + uI + uR], axis=2) / N
    O = NB + 1
    members = np.zeros((B, N, O), bool)  # members[b, k, o]
    members[:, :, 0] = True
    k = np.arange(N)[None, :, None]
    members[:, :, 1:] = valid[:, None, :] & ((I[:, None, :] == k) | (Rc[:, None, :] == k))
    mf = members.astype(float)
    c = coalitions(u_opt, cap, opt.voting)
    if opt.pce == "Conditional":
        with np.errstate(divide="ignore"):
            logP = np.log(victory_probability(c, opt.victory))
        L = np.matmul(mf, np.swapaxes(logP, 1, 2))  # sum over the queue
        L = np.where(members, L, -np.inf)
        L -= L.max(axis=2, keepdims=True)
        p = np.exp(L)
        p /= p.sum(axis=2, keepdims=True)
    else:
        cc = np.broadcast_to(c[:, None], (B, N, O, O)).reshape(B * N, O, O)
        p = pce(cc, opt.pce, opt.victory, valid=members.reshape(B * N, O)).reshape(B, N, O)
    if opt.transitions == "Stochastic":
        gen = rng if rng is not None else np.random.default_rng()
        u = gen.random((B, N, 1))
        cum = np.cumsum(p, axis=2)
        return np.minimum((cum < u * cum[..., -1:]).sum(axis=2), O - 1)
    return p.argmax(axis=2)


def unique_positions(X: np.ndarray, tol: float = POSITION_TOL) -> tuple[np.ndarray, np.ndarray]:
    """``(unique, rep)``: ``unique[b, a]`` -- ``a``'s position is the first of its kind (no
    earlier unique position within ``tol``, KTAB's greedy order); ``rep[b, a]`` -- the last
    unique position within ``tol`` of ``a``'s (whose probability KTAB reports for ``a``)."""
    B, N, _ = X.shape
    diff = X[:, :, None, :] - X[:, None, :, :]
    eq = np.sqrt((diff * diff).sum(axis=3)) < tol
    earlier = np.tril(np.ones((N, N), bool), -1)[None]
    near_earlier = eq & earlier
    unique = np.ones((B, N), bool)
    for _ in range(N):  # fixed point of "no earlier unique within tol" (1-2 passes in practice)
        nxt = ~(near_earlier & unique[:, None, :]).any(axis=2)
        if np.array_equal(nxt, unique):
            break
        unique = nxt
    cand = eq & unique[:, None, :]
    rep = N - 1 - np.argmax(cand[:, :, ::-1], axis=2)
    return unique, rep


def position_probabilities(
    X: np.ndarray,
    d: np.ndarray,
    R: np.ndarray,
    cap: np.ndarray,
    opt: SMPOptions,
    voting: str = "Prop",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """KTAB's probability that each actor's position wins (``(B, N)``), the probability of
    each unique position (``(B, N)``, 0 for duplicates) and the expected position
    ``sum_u p_u X_u`` (``(B, D)``): a PCE over the unique positions, each actor valuing them
    with its own risk attitude, capability weights, proportional voting (KTAB's ``pDist``;
    ``voting`` another rule)."""
    unique, rep = unique_positions(X)
    c = coalitions(utility(d, R[:, :, None]), cap, voting)
    p = pce(c, opt.pce, opt.victory, valid=unique)
    p = np.where(unique, p, 0.0)
    per_actor = np.take_along_axis(p, rep, axis=1)
    expected = (p[..., None] * X).sum(axis=1)
    return per_actor, p, expected

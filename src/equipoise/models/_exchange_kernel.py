r"""Compiled realisation loop of the equal-gain exchange model (optional numba accelerator).

A scalar transcription of :func:`equipoise.models.exchange._size` and of the greedy
realisation loop in :meth:`EqualGainExchange._realise_numpy` (docs/models.md §3.3 steps 5-8).
The NumPy path stays the reference: every floating-point operation here is the same IEEE
operation, on the same operands, in the same order as there (no ``fastmath``, NumPy's
error model), so both paths give bit-identical results; ``tests/test_models_exchange.py``
checks that on the decide sample and on random inputs.

Imported lazily by :mod:`equipoise.models.exchange` (importing numba costs ~0.3 s), and
only if numba is installed; the NumPy path is used otherwise. ``cache=True`` keeps the
compiled code in ``__pycache__`` so only the first run on a machine pays the ~2 s compile.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["realise_round"]

_JIT = dict(cache=True, nogil=True, error_model="numpy", boundscheck=False)


# Z columns: the uncut sizing (depends on the candidate's cells only) ...
_SB, _SA, _DP0, _DP1, _MB0, _MA0, _G0, _XAP, _XBQ = range(9)
# ... then the sizing after the step-7 cut (depends on the outcomes too)
_MB, _MA, _DP, _DQ, _CUT = range(9, 14)


@njit(**_JIT)
def _size_cells(j, I, V, curf, accf, O, g, Z):  # pragma: no cover - compiled
    """Full sizing of candidate ``j`` (its cells or accumulated moves changed): steps 5-6
    into ``Z[j, :9]``, then :func:`_size_cut`. Every operation is the one of ``_size``."""
    fBp = I[j, 0]
    fAq = I[j, 1]
    xBp = curf[fBp]
    xAq = curf[fAq]
    xAp = curf[I[j, 2]]
    xBq = curf[I[j, 3]]
    k = V[j, 0]
    R0 = V[j, 1]
    R1 = V[j, 2]
    G0 = xAp - xBp
    G1 = xBq - xAq
    sB = 1.0 if G0 > 0.0 else (-1.0 if G0 < 0.0 else 0.0)
    sA = 1.0 if G1 > 0.0 else (-1.0 if G1 < 0.0 else 0.0)
    gap0 = abs(G0) * R0
    gap1 = abs(G1) * R1
    # step 5: B all the way to A on p, unless A would then overshoot B on q
    DP0 = gap0
    DP1 = k * gap0
    if DP1 > gap1:
        DP1 = gap1
        DP0 = DP1 / k
    # step 6: positive moves, one direction per actor-issue within the round
    mB = DP0 / R0
    mA = DP1 / R1
    z = Z[j]
    z[_SB] = sB
    z[_SA] = sA
    z[_DP0] = DP0
    z[_DP1] = DP1
    z[_MB0] = mB
    z[_MA0] = mA
    z[_XAP] = xAp
    z[_XBQ] = xBq
    if mB > 1e-10 and mA > 1e-10 and accf[fBp] * sB >= 0.0 and accf[fAq] * sA >= 0.0:
        z[_G0] = abs(DP0 * V[j, 3] - DP1 * V[j, 4])  # the gain if no cut applies
        _size_cut(j, V, O[I[j, 4]], O[I[j, 5]], g, z)
    else:
        g[j] = -1.0


@njit(**_JIT)
def _size_cut(j, V, Op, Oq, g, z):  # pragma: no cover - compiled
    """Step 7 (outcome-overshoot cut, A's side first, a displacement) and the final
    validity of candidate ``j`` from its stored uncut sizing ``z`` and the outcomes
    ``Op``, ``Oq``: ``g[j]`` = gain or -1, ``z[9:]`` = m_B, m_A, delta_p, delta_q, cut."""
    sB = z[_SB]
    sA = z[_SA]
    DP0 = z[_DP0]
    DP1 = z[_DP1]
    T0 = Op - z[_XAP]
    T1 = Oq - z[_XBQ]
    cutA = T1 * (T1 + sA * DP1) < 0.0
    cutB = T0 * (T0 + sB * DP0) < 0.0
    if not (cutA or cutB):
        z[_MB] = z[_MB0]
        z[_MA] = z[_MA0]
        z[_DP] = DP0
        z[_DQ] = DP1
        z[_CUT] = 0.0
        gain = z[_G0]
        g[j] = gain if gain >= 1e-10 else -1.0
        return
    k = V[j, 0]
    if cutA:
        DP1 = abs(T1)
        DP0 = DP1 / k
        cutB = T0 * (T0 + sB * DP0) < 0.0
    if cutB:
        DP0 = abs(T0)
        DP1 = k * DP0
    # shorter moves, same way: only the lower bound can fail
    mB = DP0 / V[j, 1]
    mA = DP1 / V[j, 2]
    z[_MB] = mB
    z[_MA] = mA
    z[_DP] = DP0
    z[_DQ] = DP1
    z[_CUT] = 1.0
    gain = abs(DP0 * V[j, 3] - DP1 * V[j, 4])
    g[j] = gain if (mB > 1e-10 and mA > 1e-10 and gain >= 1e-10) else -1.0


# ---------------------------------------------------------------------------------------
# The realisation loop (§3.3 step 8) without re-sizing every candidate after every step.
#
# A realised exchange moves two cells (B, p), (A, q) and the outcomes O_p, O_q. The eager
# loop re-sizes every live candidate on p or q (about 2 / n_issues of them) to (a) know its
# new gain and (b) drop it for good if it has become invalid. Both are done lazily here,
# with the same numbers:
#
# - The step-7 cut only shortens moves, so the uncut gain ``Z[_G0]`` (cells only) plus a
#   rounding margin bounds the gain whatever the outcomes (``_bound``). Candidates sit in a
#   max-heap on that bound; the best candidate is found by popping bounds and sizing against
#   the current outcomes (``_size_cut``, cached until O_p, O_q move) until the next bound is
#   below the best gain found. Highest gain, lowest candidate index among equal gains, and
#   the runner-up for the tie count: exactly the eager scan's choice.
# - Only candidates whose cells moved are re-sized in full at once (``_size_cells``).
# - A candidate whose cells did not move can only become invalid through the cut, and only
#   when the cut leaves a move below 1e-10 or a gain below 1e-10: when O_p is within
#   ``tau0`` of x_Ap or O_q within ``tau1`` of x_Bq (``_death_reach``, from its constants,
#   with rounding margins). Candidates within reach ("near") are found per issue from
#   per-cell lists sorted by reach, kept in per-issue buckets, and re-sized at every step
#   that moves one of their issues, as the eager loop does; so every candidate is dropped
#   at the step the eager loop drops it.
# ---------------------------------------------------------------------------------------

_EPS = 2.220446049250313e-16


@njit(**_JIT)
def _bound(j, V, z):  # pragma: no cover - compiled
    """Upper bound on candidate ``j``'s gain while its cells stay: the uncut gain; the cut
    shortens both moves (each by at most a few ulps more than the uncut one), so the cut
    gain exceeds it by rounding only, which the margin covers (~4500 ulps)."""
    return z[_G0] * (1.0 + 1e-12) + 1e-12 * (z[_DP0] * V[j, 3] + z[_DP1] * V[j, 4])


@njit(**_JIT)
def _death_reach(V):  # pragma: no cover - compiled
    """Per candidate, ``(tau0, tau1)``: the cut can make it invalid only when
    ``|O_p - x_Ap| <= tau0`` (B's side cut, delta_p = |O_p - x_Ap|) or ``|O_q - x_Bq| <=
    tau1`` (A's side cut, delta_q = |O_q - x_Bq|). From ``m_B = delta_p / R_B > 1e-10``,
    ``m_A = k delta_p / R_A > 1e-10`` and ``gain = delta_p |s_Ap - k s_Aq| >= 1e-10``, with
    margins for the rounding of each."""
    n = V.shape[0]
    tau = np.empty((n, 2))
    for j in range(n):
        k = V[j, 0]
        R0 = V[j, 1]
        R1 = V[j, 2]
        a = V[j, 3]
        b = V[j, 4]
        c0 = abs(a - k * b) - 8.0 * _EPS * (a + k * b)  # gain per unit delta_p
        t0 = max(R0, R1 / k)
        t0 = max(t0, 1.0 / c0) if c0 > 0.0 else np.inf
        c1 = abs(a / k - b) - 8.0 * _EPS * (a / k + b)  # gain per unit delta_q
        t1 = max(R0 * k, R1)
        t1 = max(t1, 1.0 / c1) if c1 > 0.0 else np.inf
        tau[j, 0] = 1e-10 * t0 * (1.0 + 1e-6)
        tau[j, 1] = 1e-10 * t1 * (1.0 + 1e-6)
    return tau


@njit(**_JIT)
def _group(I, cols, alive, n_keys, order):  # pragma: no cover - compiled
    """CSR lists of the live candidates by the cells in columns ``cols`` of ``I``; within a
    list sorted by ``order`` descending (if given, one column) else by candidate index."""
    start = np.zeros(n_keys + 1, np.int64)
    n = I.shape[0]
    for j in range(n):
        if alive[j]:
            for c in cols:
                start[I[j, c] + 1] += 1
    for d in range(n_keys):
        start[d + 1] += start[d]
    out = np.empty(start[n_keys], np.int64)
    fill = start[:n_keys].copy()
    for j in range(n):
        if alive[j]:
            for c in cols:
                d = I[j, c]
                out[fill[d]] = j
                fill[d] += 1
    if order.shape[0]:
        for d in range(n_keys):
            seg = out[start[d]:start[d + 1]]
            if seg.shape[0] > 1:
                out[start[d]:start[d + 1]] = seg[np.argsort(-order[seg], kind="mergesort")]
    return start, out


@njit(**_JIT)
def _before(hk, hj, a, b):  # pragma: no cover - compiled
    """Heap order: higher bound first, then lower candidate index."""
    return hk[a] > hk[b] or (hk[a] == hk[b] and hj[a] < hj[b])


@njit(**_JIT)
def _swap(hk, hj, hv, a, b):  # pragma: no cover - compiled
    hk[a], hk[b] = hk[b], hk[a]
    hj[a], hj[b] = hj[b], hj[a]
    hv[a], hv[b] = hv[b], hv[a]


@njit(**_JIT)
def _sift_down(hk, hj, hv, size, i):  # pragma: no cover - compiled
    while True:
        l = 2 * i + 1
        if l >= size:
            return
        m = l
        if l + 1 < size and _before(hk, hj, l + 1, l):
            m = l + 1
        if not _before(hk, hj, m, i):
            return
        _swap(hk, hj, hv, i, m)
        i = m


@njit(**_JIT)
def _push(hk, hj, hv, size, key, j, v):  # pragma: no cover - compiled
    i = size
    hk[i] = key
    hj[i] = j
    hv[i] = v
    while i > 0:
        up = (i - 1) // 2
        if not _before(hk, hj, i, up):
            break
        _swap(hk, hj, hv, i, up)
        i = up
    return size + 1


@njit(**_JIT)
def _pop(hk, hj, hv, size):  # pragma: no cover - compiled
    size -= 1
    hk[0] = hk[size]
    hj[0] = hj[size]
    hv[0] = hv[size]
    _sift_down(hk, hj, hv, size, 0)
    return size


@njit(**_JIT)
def _heap_of(UB, alive, ver, hk, hj, hv):  # pragma: no cover - compiled
    """(Re)build the heap: one entry per live candidate, every older entry made stale."""
    size = 0
    for j in range(UB.shape[0]):
        if alive[j]:
            ver[j] += 1
            hk[size] = UB[j]
            hj[size] = j
            hv[size] = ver[j]
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(hk, hj, hv, size, i)
    return size


@njit(**_JIT)
def _reach_top(st, lst, tau, h, n_a, n_i):  # pragma: no cover - compiled
    """``top[d, a]``: the largest reach ``tau[:, h]`` in cell ``(a, d)``'s list (sorted
    descending, so its head), -1 for an empty list."""
    top = np.full((n_i, n_a), -1.0)
    for a in range(n_a):
        for d in range(n_i):
            cell = a * n_i + d
            if st[cell + 1] > st[cell]:
                top[d, a] = tau[lst[st[cell]], h]
    return top


@njit(**_JIT)
def _near(d, n_a, n_i, curf, O, tops, ps, pl, qs, ql, tau, alive, bk, bn):  # pragma: no cover
    """Rebuild bucket ``d``: the live candidates within reach of the cut on issue ``d``
    (``|O_d - x_Ap| <= tau0`` for those with p = d, ``|O_d - x_Bq| <= tau1`` with q = d).
    Returns the bucket array (grown if needed)."""
    m = 0
    Od = O[d]
    for a in range(n_a):
        cell = a * n_i + d
        dist = abs(Od - curf[cell])
        for h in range(2):
            if tops[h, d, a] < dist:
                continue
            st = ps if h == 0 else qs
            lst = pl if h == 0 else ql
            for t in range(st[cell], st[cell + 1]):
                j = lst[t]
                if tau[j, h] < dist:
                    break
                if not alive[j]:
                    continue
                if m == bk.shape[1]:
                    grown = np.empty((bk.shape[0], 2 * bk.shape[1]), np.int64)
                    grown[:, :m] = bk
                    bk = grown
                bk[d, m] = j
                m += 1
    bn[d] = m
    return bk


@njit(**_JIT)
def realise_round(I, V, curf, accf, O, wDf):  # pragma: no cover - compiled
    """One round's greedy realisation loop (§3.3 step 8), in place on ``curf`` (current
    positions, flat), ``accf`` (accumulated signed moves, flat) and ``O`` (outcomes).

    Candidate-major (one candidate's data in one or two cache lines): ``I`` (n, 6) int64:
    flat cells ``(B, p), (A, q), (A, p), (B, q)``, then ``p``, ``q``; ``V`` (n, 5) float64:
    ``k``, ``c_Bp s_Bp / D_p``, ``c_Aq s_Aq / D_q``, ``s_Ap``, ``s_Aq`` (``_Cands.I``/``SF``
    transposed);
    ``wDf``: flat ``c s / D``. Returns ``(idx, F, ties)``: the realised candidates in
    order, per realisation ``F`` = (x_Aq, x_Bp, m_A, m_B, gain, delta_p, delta_q, O_p
    before, O_p after, O_q before, O_q after, cut, y_A, y_B), and the number of ties.
    The same realisations as re-sizing every candidate on a moved issue after each step
    (:meth:`EqualGainExchange._realise_numpy`), found lazily (see above).
    """
    n = I.shape[0]
    n_i = O.shape[0]
    n_c = curf.shape[0]
    n_a = n_c // n_i if n_i else 0
    g = np.empty(n)
    Z = np.empty((n, 14))
    alive = np.zeros(n, np.bool_)
    n_live = 0
    for j in range(n):
        _size_cells(j, I, V, curf, accf, O, g, Z)
        if g[j] > 0.0:
            alive[j] = True
            n_live += 1
    idx = np.empty(n_live, np.int64)
    F = np.empty((n_live, 14))
    if n_live == 0:
        return idx, F, 0
    tau = _death_reach(V)
    no_order = np.empty(0)
    cs, cl = _group(I, np.arange(4), alive, n_c, no_order)  # every cell of a candidate
    ps, pl = _group(I, np.array([2]), alive, n_c, tau[:, 0].copy())  # by (A, p)
    qs, ql = _group(I, np.array([3]), alive, n_c, tau[:, 1].copy())  # by (B, q)
    tops = np.empty((2, n_i, n_a))
    tops[0] = _reach_top(ps, pl, tau, 0, n_a, n_i)
    tops[1] = _reach_top(qs, ql, tau, 1, n_a, n_i)
    UB = np.zeros(n)
    for j in range(n):
        if alive[j]:
            UB[j] = _bound(j, V, Z[j])
    ver = np.zeros(n, np.int64)
    cap = 2 * n_live + 16
    hk = np.empty(cap)
    hj = np.empty(cap, np.int64)
    hv = np.empty(cap, np.int64)
    size = _heap_of(UB, alive, ver, hk, hj, hv)
    evstep = np.zeros(n, np.int64)  # step at which g[j] was last sized
    chg = np.zeros(n_i, np.int64)  # step at which O_d last moved
    mark = np.full(n, -1, np.int64)  # step at which j was last re-sized by a move
    bk = np.empty((n_i, 64), np.int64)
    bn = np.zeros(n_i, np.int64)
    for d in range(n_i):
        bk = _near(d, n_a, n_i, curf, O, tops, ps, pl, qs, ql, tau, alive, bk, bn)
    scanned = np.empty(n_live, np.int64)
    n_real = 0
    ties = 0
    step = 0
    while True:
        # the highest gain, lowest index among equal gains, and the runner-up
        best = -1.0
        second = -1.0
        kk = -1
        ns = 0
        while size > 0 and n_live > 0:
            j = hj[0]
            if hv[0] != ver[j] or not alive[j]:
                size = _pop(hk, hj, hv, size)  # a stale entry
                continue
            if kk >= 0 and hk[0] < best - 1e-20:
                break  # no candidate left can reach the best gain (within 1e-20)
            if hk[0] > UB[j]:  # the bound fell since the entry was made: re-enter it
                ver[j] += 1
                hk[0] = UB[j]
                hv[0] = ver[j]
                _sift_down(hk, hj, hv, size, 0)
                continue
            size = _pop(hk, hj, hv, size)
            pj = I[j, 4]
            qj = I[j, 5]
            if evstep[j] < chg[pj] or evstep[j] < chg[qj]:
                _size_cut(j, V, O[pj], O[qj], g, Z[j])
                evstep[j] = step
            gj = g[j]
            if gj <= 0.0:  # pragma: no cover - near candidates are dropped when they move
                alive[j] = False
                n_live -= 1
                continue
            scanned[ns] = j
            ns += 1
            if gj > best:
                second = best
                best = gj
                kk = j
            elif gj == best:
                second = gj
                if j < kk:
                    kk = j
            elif gj > second:
                second = gj
        if kk < 0:
            break
        if second >= best - 1e-20:  # another candidate within 1e-20 of the best
            ties += 1
        fBp = I[kk, 0]
        fAq = I[kk, 1]
        p = I[kk, 4]
        q = I[kk, 5]
        mB = Z[kk, _MB]
        mA = Z[kk, _MA]
        xBp0 = curf[fBp]
        xAq0 = curf[fAq]
        Op0 = O[p]
        Oq0 = O[q]
        dB = Z[kk, _SB] * mB
        dA = Z[kk, _SA] * mA
        yB = xBp0 + dB
        yA = xAq0 + dA
        curf[fBp] = yB
        curf[fAq] = yA
        accf[fBp] += dB
        accf[fAq] += dA
        O[p] = Op0 + (yB - xBp0) * wDf[fBp]  # fBp = B n_i + p: wD[B, p]
        O[q] = Oq0 + (yA - xAq0) * wDf[fAq]
        idx[n_real] = kk
        r = F[n_real]
        r[0] = xAq0
        r[1] = xBp0
        r[2] = mA
        r[3] = mB
        r[4] = best
        r[5] = Z[kk, _DP]
        r[6] = Z[kk, _DQ]
        r[7] = Op0
        r[8] = O[p]
        r[9] = Oq0
        r[10] = O[q]
        r[11] = Z[kk, _CUT]
        r[12] = yA
        r[13] = yB
        n_real += 1
        g[kk] = -1.0
        alive[kk] = False
        n_live -= 1
        for t in range(ns):  # the others popped go back
            j = scanned[t]
            if j != kk:
                if size == cap:
                    size = _heap_of(UB, alive, ver, hk, hj, hv)
                ver[j] += 1
                size = _push(hk, hj, hv, size, UB[j], j, ver[j])
        step += 1
        chg[p] = step
        chg[q] = step
        # candidates with a moved cell: re-sized in full, new bound
        for h in range(2):
            cell = fBp if h == 0 else fAq
            for t in range(cs[cell], cs[cell + 1]):
                j = cl[t]
                if not alive[j] or mark[j] == step:
                    continue
                mark[j] = step
                _size_cells(j, I, V, curf, accf, O, g, Z)
                evstep[j] = step
                if g[j] <= 0.0:
                    alive[j] = False
                    n_live -= 1
                    continue
                ub = _bound(j, V, Z[j])
                if ub > UB[j]:  # a higher bound needs a new entry; a lower one waits
                    if size == cap:
                        size = _heap_of(UB, alive, ver, hk, hj, hv)
                    ver[j] += 1
                    size = _push(hk, hj, hv, size, ub, j, ver[j])
                UB[j] = ub
        # candidates within reach of the cut on a moved issue: re-sized against the new
        # outcomes now (as the eager loop does), so those the cut invalidates are dropped
        bk = _near(p, n_a, n_i, curf, O, tops, ps, pl, qs, ql, tau, alive, bk, bn)
        bk = _near(q, n_a, n_i, curf, O, tops, ps, pl, qs, ql, tau, alive, bk, bn)
        for d in range(n_i):
            for t in range(bn[d]):
                j = bk[d, t]
                if not alive[j] or mark[j] == step:
                    continue
                pj = I[j, 4]
                qj = I[j, 5]
                if pj != p and pj != q and qj != p and qj != q:
                    continue
                mark[j] = step
                _size_cut(j, V, O[pj], O[qj], g, Z[j])
                evstep[j] = step
                if g[j] <= 0.0:
                    alive[j] = False
                    n_live -= 1
    return idx[:n_real], F[:n_real], ties

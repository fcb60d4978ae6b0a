r"""Compiled round of the equal-gain exchange model (optional numba accelerator).

:func:`candidates` is a scalar transcription of :func:`equipoise.models.exchange._candidates`
(§3.3 steps 2-4) and :func:`realise_round` realises the same exchanges, in the same order, as
the greedy loop :meth:`EqualGainExchange._realise_numpy` (steps 5-8). The NumPy path stays the
reference: every floating-point operation of the sizing (:func:`_evaluate`, a transcription of
:func:`equipoise.models.exchange._size`) is the same IEEE operation, on the same operands, in
the same order as there (no ``fastmath``, NumPy's error model), so both paths give
bit-identical results; ``tests/test_models_exchange.py`` checks that on the decide sample and
on random inputs.

**Why the loop is not the NumPy loop compiled.** A realised exchange moves two cells (actor,
issue) -- ``(B, p)`` and ``(A, q)`` -- and the outcomes ``O_p``, ``O_q``. The NumPy loop then
re-sizes every live candidate on ``p`` or ``q``, about ``2 / n_issues`` of them, to know its
new gain and to drop it for good if it has become invalid: on 200 actors x 10 issues that is
~85,000 candidates after each of ~1,800 exchanges a round. Both jobs are done lazily here:

- *The best candidate.* The step-7 cut only shortens the moves, so the uncut gain (which
  depends on the candidate's cells alone) plus a rounding margin bounds its gain whatever
  the outcomes (:func:`_evaluate`'s ``UB``). Candidates sit in a max-heap on that bound;
  the best one is found by popping bounds and sizing each popped candidate against the
  current outcomes until the next bound is below the best gain found. The result is the
  eager scan's: the highest gain, the lowest candidate index among equal gains, and the
  runner-up (for the tie count, within 1e-20).
- *Invalid candidates.* Only candidates with a moved cell are re-sized at once (new bound).
  Any other candidate keeps its validity unless the cut leaves a move or the gain below
  1e-10, which can happen only when ``O_p`` is within ``tau0`` of ``x_Ap`` or ``O_q`` within
  ``tau1`` of ``x_Bq`` (:func:`_death_reach`, from the candidate's constants, with margins
  for rounding). Those "near" candidates are found per issue from per-cell lists sorted by
  reach, kept in per-issue buckets, and re-sized at every step that moves one of their
  issues, exactly as the NumPy loop does; so each candidate is dropped at the step the
  NumPy loop drops it, and a dropped candidate never comes back in either.

On 200 actors x 10 issues this sizes ~700,000 candidates a round instead of ~150 million.

Imported lazily by :mod:`equipoise.models.exchange` (importing numba costs ~0.3 s), and
only if numba is installed; the NumPy path is used otherwise. ``cache=True`` keeps the
compiled code in ``__pycache__`` so only the first run on a machine pays the compile.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["candidates", "realise_round"]

_JIT = dict(cache=True, nogil=True, error_model="numpy", boundscheck=False)
_EPS = 2.220446049250313e-16

# Columns of the candidate table C (one row per candidate, 128 bytes): flat cells (as exact
# floats) of (B, p), (A, q), (A, p), (B, q), then p, q; the constants k (delta_q = k
# delta_p), R_B = c_Bp s_Bp / D_p, R_A = c_Aq s_Aq / D_q (outcome shift per unit move), s_Ap,
# s_Aq; then the loop's state: the gain (-1 once dropped), its bound, the step it was sized
# at, the step it was last re-sized by a move, the version of its heap entry.
_K, _RB, _RA, _SAP, _SAQ = range(6, 11)
_GAIN, _UB, _EVAL, _MARK, _VER = range(11, 16)
NCOL = 16
# The sizing's outputs (``_evaluate``'s ``res``)
_MB, _MA, _SB, _SA, _DP, _DQ, _CUT, _BOUND = range(8)


@njit(**_JIT)
def candidates(X, s, w, D, present, O, pairs):  # pragma: no cover - compiled
    """All candidate exchanges of a round (§3.3 steps 2-4), as
    :func:`equipoise.models.exchange._candidates` lists them (issue pair, then first actor,
    then second actor, in input order; the same ones dropped up front). Returns the table
    ``C`` (n, 16) (state columns cleared) and the group codes ``(n_pairs, n_a)``."""
    n_a, n_i = X.shape
    n_p = pairs.shape[0]
    code = np.full((n_p, n_a), -1, np.int8)
    count = np.zeros(n_p, np.int64)
    for pr in range(n_p):
        p = pairs[pr, 0]
        q = pairs[pr, 1]
        n_c = np.zeros(4, np.int64)
        for a in range(n_a):
            if present[a, p] and present[a, q]:
                cd = (1 if X[a, p] <= O[p] else 0) + 2 * (1 if X[a, q] <= O[q] else 0)
                code[pr, a] = cd
                n_c[cd] += 1
        count[pr] = n_c[0] * n_c[3] + n_c[1] * n_c[2]
    C = np.empty((count.sum(), NCOL))
    n = 0
    for pr in range(n_p):
        p = pairs[pr, 0]
        q = pairs[pr, 1]
        for i in range(n_a):
            ci = code[pr, i]
            if ci < 0 or ci > 1:
                continue
            for j in range(n_a):
                if code[pr, j] + ci != 3:
                    continue
                # roles (step 4): i supplies p iff s_ip / s_iq < s_jp / s_jq
                if s[i, p] * s[j, q] < s[j, p] * s[i, q]:
                    B = i
                    A = j
                else:
                    B = j
                    A = i
                sAp = s[A, p]
                sAq = s[A, q]
                wBp = w[B, p]
                wAq = w[A, q]
                num = sAp + s[B, p]
                den = sAq + s[B, q]
                if not (wBp > 0 and wAq > 0 and num > 0 and den > 0):
                    continue
                r = C[n]
                r[0] = B * n_i + p
                r[1] = A * n_i + q
                r[2] = A * n_i + p
                r[3] = B * n_i + q
                r[4] = p
                r[5] = q
                r[_K] = num / den
                r[_RB] = wBp / D[p]
                r[_RA] = wAq / D[q]
                r[_SAP] = sAp
                r[_SAQ] = sAq
                r[_GAIN] = -1.0
                r[_UB] = 0.0
                r[_EVAL] = 0.0
                r[_MARK] = -1.0
                r[_VER] = 0.0
                n += 1
    return C[:n], code


@njit(**_JIT)
def _evaluate(j, C, curf, accf, O, res):  # pragma: no cover - compiled
    """Sizing of candidate ``j`` against the current positions, accumulated moves and
    outcomes (steps 5-7, the operations of :func:`equipoise.models.exchange._size`, in its
    order). Returns the gain, or -1 if invalid; ``res`` gets m_B, m_A, their directions,
    delta_p, delta_q, whether the cut applied, and the bound on the gain while the cells
    stay (the uncut gain plus ~4500 ulps: the cut shortens both moves, each by at most a few
    ulps more than the uncut one)."""
    c = C[j]
    fBp = int(c[0])
    fAq = int(c[1])
    xBp = curf[fBp]
    xAq = curf[fAq]
    xAp = curf[int(c[2])]
    xBq = curf[int(c[3])]
    k = c[_K]
    R0 = c[_RB]
    R1 = c[_RA]
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
    res[_SB] = sB
    res[_SA] = sA
    if not (mB > 1e-10 and mA > 1e-10 and accf[fBp] * sB >= 0.0 and accf[fAq] * sA >= 0.0):
        return -1.0
    sAp = c[_SAP]
    sAq = c[_SAQ]
    gain = abs(DP0 * sAp - DP1 * sAq)  # the gain if no cut applies
    res[_BOUND] = gain * (1.0 + 1e-12) + 1e-12 * (DP0 * sAp + DP1 * sAq)
    # step 7: the outcome-overshoot cut, A's side first, a displacement
    T0 = O[int(c[4])] - xAp
    T1 = O[int(c[5])] - xBq
    cutA = T1 * (T1 + sA * DP1) < 0.0
    cutB = T0 * (T0 + sB * DP0) < 0.0
    if not (cutA or cutB):
        res[_MB] = mB
        res[_MA] = mA
        res[_DP] = DP0
        res[_DQ] = DP1
        res[_CUT] = 0.0
        return gain if gain >= 1e-10 else -1.0
    if cutA:
        DP1 = abs(T1)
        DP0 = DP1 / k
        cutB = T0 * (T0 + sB * DP0) < 0.0
    if cutB:
        DP0 = abs(T0)
        DP1 = k * DP0
    # shorter moves, same way: only the lower bound can fail
    mB = DP0 / R0
    mA = DP1 / R1
    res[_MB] = mB
    res[_MA] = mA
    res[_DP] = DP0
    res[_DQ] = DP1
    res[_CUT] = 1.0
    gain = abs(DP0 * sAp - DP1 * sAq)
    return gain if (mB > 1e-10 and mA > 1e-10 and gain >= 1e-10) else -1.0


@njit(**_JIT)
def _death_reach(C):  # pragma: no cover - compiled
    """Per candidate, ``(tau0, tau1)``: the cut can make it invalid only when
    ``|O_p - x_Ap| <= tau0`` (B's side cut: delta_p = |O_p - x_Ap|) or ``|O_q - x_Bq| <=
    tau1`` (A's side cut: delta_q = |O_q - x_Bq|). From ``m_B = delta_p / R_B > 1e-10``,
    ``m_A = delta_q / R_A > 1e-10`` and ``gain = |delta_p s_Ap - delta_q s_Aq| >= 1e-10``
    with ``delta_q = k delta_p``, each bound widened for the rounding of its operations."""
    n = C.shape[0]
    tau = np.empty((n, 2))
    for j in range(n):
        k = C[j, _K]
        R0 = C[j, _RB]
        R1 = C[j, _RA]
        a = C[j, _SAP]
        b = C[j, _SAQ]
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
def _group(C, c0, c1, live, n_keys):  # pragma: no cover - compiled
    """CSR lists of the live candidates by their cells in columns ``c0``..``c1 - 1`` of
    ``C``, each list in candidate order."""
    start = np.zeros(n_keys + 1, np.int64)
    for j in live:
        for c in range(c0, c1):
            start[int(C[j, c]) + 1] += 1
    for d in range(n_keys):
        start[d + 1] += start[d]
    out = np.empty(start[n_keys], np.int64)
    fill = start[:n_keys].copy()
    for j in live:
        for c in range(c0, c1):
            d = int(C[j, c])
            out[fill[d]] = j
            fill[d] += 1
    return start, out


@njit(**_JIT)
def _by_reach(st, lst, reach):  # pragma: no cover - compiled
    """Sort each list of a CSR by ``reach`` descending; returns the reaches in list order."""
    r = reach[lst]
    for d in range(st.shape[0] - 1):
        a = st[d]
        b = st[d + 1]
        if b - a > 1:
            o = np.argsort(-r[a:b], kind="mergesort")
            lst[a:b] = lst[a:b][o]
            r[a:b] = r[a:b][o]
    return r


@njit(**_JIT)
def _before(hk, hj, a, b):  # pragma: no cover - compiled
    """Heap order: higher bound first, then lower candidate index."""
    return hk[a] > hk[b] or (hk[a] == hk[b] and hj[a] < hj[b])


# The heap is 4-ary (children of i: 4i + 1 .. 4i + 4): half the levels of a binary heap,
# and the four children's keys share a cache line.
@njit(**_JIT)
def _sift_down(hk, hj, hv, size, i):  # pragma: no cover - compiled
    key = hk[i]
    jj = hj[i]
    vv = hv[i]
    while True:
        first = 4 * i + 1
        if first >= size:
            break
        m = first
        for c in range(first + 1, min(first + 4, size)):
            if _before(hk, hj, c, m):
                m = c
        if not (hk[m] > key or (hk[m] == key and hj[m] < jj)):
            break
        hk[i] = hk[m]
        hj[i] = hj[m]
        hv[i] = hv[m]
        i = m
    hk[i] = key
    hj[i] = jj
    hv[i] = vv


@njit(**_JIT)
def _push(hk, hj, hv, size, key, j, v):  # pragma: no cover - compiled
    i = size
    while i > 0:
        up = (i - 1) // 4
        if not (key > hk[up] or (key == hk[up] and j < hj[up])):
            break
        hk[i] = hk[up]
        hj[i] = hj[up]
        hv[i] = hv[up]
        i = up
    hk[i] = key
    hj[i] = j
    hv[i] = v
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
def _heap_of(C, on, hk, hj, hv):  # pragma: no cover - compiled
    """(Re)build the heap: one entry per live candidate, every older entry made stale."""
    size = 0
    for j in range(on.shape[0]):
        if on[j]:
            C[j, _VER] += 1.0
            hk[size] = C[j, _UB]
            hj[size] = j
            hv[size] = C[j, _VER]
            size += 1
    for i in range((size - 2) // 4, -1, -1):
        _sift_down(hk, hj, hv, size, i)
    return size


@njit(**_JIT)
def _near(d, n_a, n_i, curf, O, tops, ps, pl, pr, qs, ql, qr, on, bk, bn):  # pragma: no cover
    """Rebuild bucket ``d``: the live candidates within reach of the cut on issue ``d``
    (``|O_d - x_Ap| <= tau0`` for those with p = d, ``|O_d - x_Bq| <= tau1`` with q = d;
    ``tops[h, d, a]`` is the longest reach in cell (a, d)'s list). Returns the bucket array
    (grown if needed)."""
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
            rch = pr if h == 0 else qr
            for t in range(st[cell], st[cell + 1]):
                if rch[t] < dist:
                    break
                j = lst[t]
                if not on[j]:
                    continue
                if m == bk.shape[1]:
                    grown = np.empty((bk.shape[0], 2 * m), np.int64)
                    grown[:, :m] = bk
                    bk = grown
                bk[d, m] = j
                m += 1
    bn[d] = m
    return bk


@njit(**_JIT)
def realise_round(C, curf, accf, O, wDf):  # pragma: no cover - compiled
    """One round's greedy realisation loop (§3.3 step 8), in place on ``curf`` (current
    positions, flat), ``accf`` (accumulated signed moves, flat), ``O`` (outcomes) and the
    state columns of ``C`` (the table of :func:`candidates`). ``wDf``: flat ``c s / D``.

    Returns ``(idx, F, ties)``: the realised candidates in order, per realisation ``F`` =
    (x_Aq, x_Bp, m_A, m_B, gain, delta_p, delta_q, O_p before, O_p after, O_q before, O_q
    after, cut, y_A, y_B), and the number of ties -- those of
    :meth:`EqualGainExchange._realise_numpy`, found lazily (module docstring).
    """
    n = C.shape[0]
    n_i = O.shape[0]
    n_c = curf.shape[0]
    n_a = n_c // n_i if n_i else 0
    res = np.empty(8)
    n_live = 0
    for j in range(n):
        gj = _evaluate(j, C, curf, accf, O, res)
        C[j, _GAIN] = gj
        if gj > 0.0:
            C[j, _UB] = res[_BOUND]
            n_live += 1
    idx = np.empty(n_live, np.int64)
    F = np.empty((n_live, 14))
    if n_live == 0:
        return idx, F, 0
    live = np.empty(n_live, np.int64)
    on = np.zeros(n, np.bool_)  # live (gain > 0), in a table that stays in cache
    m = 0
    for j in range(n):
        if C[j, _GAIN] > 0.0:
            live[m] = j
            on[j] = True
            m += 1
    tau = _death_reach(C)
    cs, cl = _group(C, 0, 4, live, n_c)  # every cell of a candidate
    ps, pl = _group(C, 2, 3, live, n_c)  # by (A, p), longest reach first
    pr = _by_reach(ps, pl, tau[:, 0].copy())
    qs, ql = _group(C, 3, 4, live, n_c)  # by (B, q)
    qr = _by_reach(qs, ql, tau[:, 1].copy())
    tops = np.full((2, n_i, n_a), -1.0)
    for a in range(n_a):
        for d in range(n_i):
            cell = a * n_i + d
            if ps[cell + 1] > ps[cell]:
                tops[0, d, a] = pr[ps[cell]]
            if qs[cell + 1] > qs[cell]:
                tops[1, d, a] = qr[qs[cell]]
    cap = 2 * n_live + 16
    hk = np.empty(cap)
    hj = np.empty(cap, np.int64)
    hv = np.empty(cap)
    size = _heap_of(C, on, hk, hj, hv)
    chg = np.zeros(n_i)  # step at which O_d last moved
    bk = np.empty((n_i, 64), np.int64)
    bn = np.zeros(n_i, np.int64)
    for d in range(n_i):
        bk = _near(d, n_a, n_i, curf, O, tops, ps, pl, pr, qs, ql, qr, on, bk, bn)
    scanned = np.empty(n_live, np.int64)
    n_real = 0
    ties = 0
    step = 0.0
    while n_live > 0:
        # the highest gain, lowest index among equal gains, and the runner-up
        best = -1.0
        second = -1.0
        kk = -1
        ns = 0
        while size > 0:
            j = hj[0]
            if not on[j] or hv[0] != C[j, _VER]:
                size = _pop(hk, hj, hv, size)  # a stale entry
                continue
            c = C[j]
            if kk >= 0 and hk[0] < best - 1e-20:
                break  # no candidate left can reach the best gain (within 1e-20)
            if hk[0] > c[_UB]:  # the bound fell since the entry was made: re-enter it
                c[_VER] += 1.0
                hk[0] = c[_UB]
                hv[0] = c[_VER]
                _sift_down(hk, hj, hv, size, 0)
                continue
            size = _pop(hk, hj, hv, size)
            if c[_EVAL] < chg[int(c[4])] or c[_EVAL] < chg[int(c[5])]:
                c[_GAIN] = _evaluate(j, C, curf, accf, O, res)  # the outcomes moved
                c[_EVAL] = step
            gj = c[_GAIN]
            if gj <= 0.0:  # pragma: no cover - near candidates are dropped when they move
                on[j] = False
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
        c = C[kk]
        _evaluate(kk, C, curf, accf, O, res)  # its moves (the same inputs as its gain)
        fBp = int(c[0])
        fAq = int(c[1])
        p = int(c[4])
        q = int(c[5])
        mB = res[_MB]
        mA = res[_MA]
        xBp0 = curf[fBp]
        xAq0 = curf[fAq]
        Op0 = O[p]
        Oq0 = O[q]
        dB = res[_SB] * mB
        dA = res[_SA] * mA
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
        r[5] = res[_DP]
        r[6] = res[_DQ]
        r[7] = Op0
        r[8] = O[p]
        r[9] = Oq0
        r[10] = O[q]
        r[11] = res[_CUT]
        r[12] = yA
        r[13] = yB
        n_real += 1
        c[_GAIN] = -1.0
        on[kk] = False
        n_live -= 1
        for t in range(ns):  # the others popped go back
            j = scanned[t]
            if j != kk:
                if size == cap:
                    size = _heap_of(C, on, hk, hj, hv)
                C[j, _VER] += 1.0
                size = _push(hk, hj, hv, size, C[j, _UB], j, C[j, _VER])
        step += 1.0
        chg[p] = step
        chg[q] = step
        # candidates with a moved cell: re-sized in full, new bound
        for h in range(2):
            cell = fBp if h == 0 else fAq
            for t in range(cs[cell], cs[cell + 1]):
                j = cl[t]
                if not on[j]:
                    continue
                c = C[j]
                if c[_MARK] == step:
                    continue
                c[_MARK] = step
                gj = _evaluate(j, C, curf, accf, O, res)
                c[_GAIN] = gj
                c[_EVAL] = step
                if gj <= 0.0:
                    on[j] = False
                    n_live -= 1
                    continue
                ub = res[_BOUND]
                if ub > c[_UB]:  # a higher bound needs a new entry; a lower one waits
                    if size == cap:
                        size = _heap_of(C, on, hk, hj, hv)
                    c[_VER] += 1.0
                    size = _push(hk, hj, hv, size, ub, j, c[_VER])
                c[_UB] = ub
        # candidates within reach of the cut on a moved issue: re-sized against the new
        # outcomes now (as the NumPy loop does), so those the cut invalidates are dropped
        bk = _near(p, n_a, n_i, curf, O, tops, ps, pl, pr, qs, ql, qr, on, bk, bn)
        bk = _near(q, n_a, n_i, curf, O, tops, ps, pl, pr, qs, ql, qr, on, bk, bn)
        for d in range(n_i):
            for t in range(bn[d]):
                j = bk[d, t]
                if not on[j]:
                    continue
                c = C[j]
                if c[_MARK] == step:
                    continue
                pj = int(c[4])
                qj = int(c[5])
                if pj != p and pj != q and qj != p and qj != q:
                    continue
                c[_MARK] = step
                gj = _evaluate(j, C, curf, accf, O, res)
                c[_GAIN] = gj
                c[_EVAL] = step
                if gj <= 0.0:
                    on[j] = False
                    n_live -= 1
    return idx[:n_real], F[:n_real], ties

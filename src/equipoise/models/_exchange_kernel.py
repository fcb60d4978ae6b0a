r"""Compiled round of the equal-gain exchange model (numba; the production path).

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
  the outcomes (:func:`_evaluate`'s bound). Blocks of 256 consecutive candidates sit in a
  max-heap on their highest bound; the best candidate is found by taking blocks in that
  order and sizing their candidates whose bound reaches the best gain found so far against
  the current outcomes, until the next block's bound is below it. The result is the
  eager scan's: the highest gain, the lowest candidate index among equal gains, and the
  runner-up (for the tie count, within 1e-20).
- *Invalid candidates.* Only candidates with a moved cell are re-sized at once (new bound).
  Any other candidate keeps its validity unless the cut leaves a move or the gain below
  1e-10, which can happen only when ``O_p`` is within ``tau0`` of ``x_Ap`` or ``O_q`` within
  ``tau1`` of ``x_Bq`` (:func:`_death_reach`, from the candidate's constants, with margins
  for rounding). Those "near" candidates are found per issue from per-cell lists (opened
  only when the outcome comes within the list's longest reach), kept in per-issue
  buckets, and re-sized at every step that moves one of their issues, exactly as the NumPy
  loop does; so each candidate is dropped at the step the NumPy loop drops it, and a
  dropped candidate never comes back in either.

On 200 actors x 10 issues this sizes ~700,000 candidates a round instead of ~150 million.

The policy (docs/kernels.md) promises agreement with the NumPy reference, checked by the
tests, not bit-identity across paths on every input.

Imported lazily by :mod:`equipoise.models.exchange` (importing numba costs ~0.3 s); the
NumPy path runs when ``EQUIPOISE_NUMBA=0`` or the kernel cannot be compiled.
``cache=True`` keeps the compiled code in ``__pycache__`` so only the first run on a machine
pays the compile.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np
from numba import njit

__all__ = ["candidates", "realise_round"]


class _JitOptions(TypedDict):
    """numba's options for every kernel: on-disk cache, no GIL, NumPy's error model (division
    by zero gives inf/nan as in the NumPy path, no exception), no bounds checks, no fastmath."""

    cache: bool
    nogil: bool
    error_model: Literal["python", "numpy"]
    boundscheck: bool


_JIT: _JitOptions = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}
_EPS = 2.220446049250313e-16

# Columns of the candidate table C (one row per candidate, 128 bytes): flat cells (as exact
# floats) of (B, p), (A, q), (A, p), (B, q), then p, q; the constants k (delta_q = k
# delta_p), R_B = c_Bp s_Bp / D_p, R_A = c_Aq s_Aq / D_q (outcome shift per unit move), s_Ap,
# s_Aq; then the loop's state: the gain (-1 once dropped) and the step it was sized at;
# three unused columns (a row is two cache lines).
_K, _RB, _RA, _SAP, _SAQ = range(6, 11)
_GAIN, _EVAL = range(11, 13)
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
                r[_EVAL] = 0.0
                r[13] = 0.0
                r[14] = 0.0
                r[15] = 0.0
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
def _death_reach(c, tau):  # pragma: no cover - compiled
    """``tau = (tau0, tau1)`` of candidate row ``c``: the cut can make it invalid only when
    ``|O_p - x_Ap| <= tau0`` (B's side cut: delta_p = |O_p - x_Ap|) or ``|O_q - x_Bq| <=
    tau1`` (A's side cut: delta_q = |O_q - x_Bq|). From ``m_B = delta_p / R_B > 1e-10``,
    ``m_A = delta_q / R_A > 1e-10`` and ``gain = |delta_p s_Ap - delta_q s_Aq| >= 1e-10``
    with ``delta_q = k delta_p``, each bound widened for the rounding of its operations."""
    k = c[_K]
    R0 = c[_RB]
    R1 = c[_RA]
    a = c[_SAP]
    b = c[_SAQ]
    c0 = abs(a - k * b) - 8.0 * _EPS * (a + k * b)  # gain per unit delta_p
    t0 = max(R0, R1 / k)
    t0 = max(t0, 1.0 / c0) if c0 > 0.0 else np.inf
    c1 = abs(a / k - b) - 8.0 * _EPS * (a / k + b)  # gain per unit delta_q
    t1 = max(R0 * k, R1)
    t1 = max(t1, 1.0 / c1) if c1 > 0.0 else np.inf
    tau[0] = 1e-10 * t0 * (1.0 + 1e-6)
    tau[1] = 1e-10 * t1 * (1.0 + 1e-6)


@njit(**_JIT)
def _group(cells, live, c0, c1, n_keys):  # pragma: no cover - compiled
    """CSR lists of the live candidates ``live`` by their cells in columns ``c0``..``c1 - 1``
    of ``cells``, each list in candidate order."""
    start = np.zeros(n_keys + 1, np.int64)
    for j in live:
        for c in range(c0, c1):
            start[cells[j, c] + 1] += 1
    for d in range(n_keys):
        start[d + 1] += start[d]
    out = np.empty(start[n_keys], np.int64)
    fill = start[:n_keys].copy()
    for j in live:
        for c in range(c0, c1):
            d = cells[j, c]
            out[fill[d]] = j
            fill[d] += 1
    return start, out


# The best candidate is looked for among blocks of _BLOCK consecutive candidates, in a binary
# max-heap of blocks keyed by a bound on their candidates' bounds (a key may be stale-high:
# it is corrected when the block comes to the top). Dropping a candidate or lowering its
# bound costs one write; only a raised bound moves its block up the (small, cached) heap.
_BLOCK = 256


@njit(**_JIT)
def _bh_up(key, heap, pos, i):  # pragma: no cover - compiled
    b = heap[i]
    k = key[b]
    while i > 0:
        up = (i - 1) // 2
        if not key[heap[up]] < k:
            break
        heap[i] = heap[up]
        pos[heap[i]] = i
        i = up
    heap[i] = b
    pos[b] = i


@njit(**_JIT)
def _bh_down(key, heap, pos, i):  # pragma: no cover - compiled
    nb = heap.shape[0]
    b = heap[i]
    k = key[b]
    while True:
        m = 2 * i + 1
        if m >= nb:
            break
        if m + 1 < nb and key[heap[m + 1]] > key[heap[m]]:
            m += 1
        if not key[heap[m]] > k:
            break
        heap[i] = heap[m]
        pos[heap[i]] = i
        i = m
    heap[i] = b
    pos[b] = i


@njit(**_JIT)
def _bh_set(key, heap, pos, b, k):  # pragma: no cover - compiled
    """Set block ``b``'s key to ``k`` and restore the heap order."""
    old = key[b]
    key[b] = k
    if k > old:
        _bh_up(key, heap, pos, pos[b])
    elif k < old:
        _bh_down(key, heap, pos, pos[b])


@njit(**_JIT)
def _block_max(ub, b):  # pragma: no cover - compiled
    """The highest bound in block ``b`` and its first candidate (-inf, -1 if none live)."""
    m = -np.inf
    am = -1
    for j in range(b * _BLOCK, min((b + 1) * _BLOCK, ub.shape[0])):
        if ub[j] > m:
            m = ub[j]
            am = j
    return m, am


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
                    continue
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
def _consider(j, gj, best, second, kk):  # pragma: no cover - compiled
    """Fold candidate ``j``'s gain into (best, runner-up, best's index): the eager scan's
    choice whatever the order candidates come in (highest gain, lowest index on ties)."""
    if gj > best:
        return gj, best, j
    if gj == best:
        return best, gj, (j if j < kk else kk)
    if gj > second:
        return best, gj, kk
    return best, second, kk


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
    ub = np.full(n, -np.inf)  # bound on the gain of each live candidate, -inf once dropped
    n_live = 0
    for j in range(n):
        gj = _evaluate(j, C, curf, accf, O, res)
        C[j, _GAIN] = gj
        if gj > 0.0:
            ub[j] = res[_BOUND]
            n_live += 1
    idx = np.empty(n_live, np.int64)
    F = np.empty((n_live, 14))
    if n_live == 0:
        return idx, F, 0
    live = np.empty(n_live, np.int64)
    cells = np.zeros((n, 4), np.int32)  # the cells of each live candidate, compactly
    tau = np.empty((n, 2))
    on = np.zeros(n, np.bool_)  # live (gain > 0), in a table that stays in cache
    m = 0
    for j in range(n):
        c = C[j]
        if c[_GAIN] > 0.0:
            live[m] = j
            for h in range(4):
                cells[j, h] = int(c[h])
            _death_reach(c, tau[j])
            on[j] = True
            m += 1
    cs, cl = _group(cells, live, 0, 4, n_c)  # every cell of a candidate
    ps, pl = _group(cells, live, 2, 3, n_c)  # by (A, p)
    qs, ql = _group(cells, live, 3, 4, n_c)  # by (B, q)
    pr = tau[pl, 0]  # their reaches, in list order
    qr = tau[ql, 1]
    tops = np.full((2, n_i, n_a), -1.0)  # the longest reach in each list
    for a in range(n_a):
        for d in range(n_i):
            cell = a * n_i + d
            for t in range(ps[cell], ps[cell + 1]):
                tops[0, d, a] = max(tops[0, d, a], pr[t])
            for t in range(qs[cell], qs[cell + 1]):
                tops[1, d, a] = max(tops[1, d, a], qr[t])
    nb = (n + _BLOCK - 1) // _BLOCK
    bkey = np.empty(nb)
    for b in range(nb):
        bkey[b] = _block_max(ub, b)[0]
    bheap = np.arange(nb)
    bpos = np.arange(nb)
    for i in range(nb // 2 - 1, -1, -1):
        _bh_down(bkey, bheap, bpos, i)
    chg = np.zeros(n_i)  # step at which O_d last moved
    bk = np.empty((n_i, 64), np.int64)
    bn = np.zeros(n_i, np.int64)
    for d in range(n_i):
        bk = _near(d, n_a, n_i, curf, O, tops, ps, pl, pr, qs, ql, qr, on, bk, bn)
    done = np.empty(nb, np.int64)
    n_real = 0
    ties = 0
    step = 0.0
    while n_live > 0:
        # the highest gain, lowest index among equal gains, and the runner-up: blocks in
        # order of their bound, each sized against the current outcomes where its bounds
        # can still reach the best gain (within 1e-20)
        best = -1.0
        second = -1.0
        kk = -1
        nd = 0
        while True:
            b = bheap[0]
            if bkey[b] == -np.inf or (kk >= 0 and bkey[b] < best - 1e-20):
                break
            top, jt = _block_max(ub, b)
            if top < bkey[b] and (top == -np.inf or (kk >= 0 and top < best - 1e-20)):
                _bh_set(bkey, bheap, bpos, b, top)  # a stale key
                continue
            rest = -np.inf
            for h in range(2):  # its best bound first, then the others within reach
                lo = jt if h == 0 else b * _BLOCK
                hi = jt + 1 if h == 0 else min((b + 1) * _BLOCK, n)
                for j in range(lo, hi):
                    u = ub[j]
                    if u == -np.inf or (h == 1 and j == jt):
                        continue
                    if h == 1 and kk >= 0 and u < best - 1e-20:
                        rest = max(rest, u)
                        continue
                    c = C[j]
                    if c[_EVAL] < chg[int(c[4])] or c[_EVAL] < chg[int(c[5])]:
                        c[_GAIN] = _evaluate(j, C, curf, accf, O, res)  # outcomes moved
                        c[_EVAL] = step
                    gj = c[_GAIN]
                    if gj <= 0.0:  # pragma: no cover - near candidates are dropped at once
                        on[j] = False
                        ub[j] = -np.inf
                        n_live -= 1
                        continue
                    best, second, kk = _consider(j, gj, best, second, kk)
            _bh_set(bkey, bheap, bpos, b, rest)  # for this step: only the rest is left
            done[nd] = b
            nd += 1
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
        ub[kk] = -np.inf
        n_live -= 1
        for t in range(nd):  # the blocks looked at get their full key back
            b = done[t]
            _bh_set(bkey, bheap, bpos, b, _block_max(ub, b)[0])
        step += 1.0
        chg[p] = step
        chg[q] = step
        # candidates with a moved cell (none has both: that is the one realised): re-sized
        # in full, new bound. Most are dropped because a supplier would now move against
        # its earlier moves in the round (step 6), told from the compact cells alone.
        for h in range(2):
            cell = fBp if h == 0 else fAq
            for t in range(cs[cell], cs[cell + 1]):
                j = cl[t]
                if not on[j]:
                    continue
                e = cells[j]
                sB = curf[e[2]] - curf[e[0]]  # the step-6 direction test of _evaluate
                sA = curf[e[3]] - curf[e[1]]
                if (
                    (sB > 0.0 and accf[e[0]] < 0.0)
                    or (sB < 0.0 and accf[e[0]] > 0.0)
                    or (sA > 0.0 and accf[e[1]] < 0.0)
                    or (sA < 0.0 and accf[e[1]] > 0.0)
                ):
                    on[j] = False
                    ub[j] = -np.inf
                    n_live -= 1
                    continue
                c = C[j]
                gj = _evaluate(j, C, curf, accf, O, res)
                c[_GAIN] = gj
                c[_EVAL] = step
                if gj <= 0.0:
                    on[j] = False
                    ub[j] = -np.inf
                    n_live -= 1
                    continue
                u = res[_BOUND]
                ub[j] = u
                b = j // _BLOCK
                if u > bkey[b]:  # a raised bound moves its block up; a lower one waits
                    _bh_set(bkey, bheap, bpos, b, u)
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
                if c[_EVAL] == step:  # already re-sized at this step
                    continue
                pj = int(c[4])
                qj = int(c[5])
                if pj != p and pj != q and qj != p and qj != q:
                    continue
                gj = _evaluate(j, C, curf, accf, O, res)
                c[_GAIN] = gj
                c[_EVAL] = step
                if gj <= 0.0:
                    on[j] = False
                    ub[j] = -np.inf
                    n_live -= 1
    return idx[:n_real], F[:n_real], ties

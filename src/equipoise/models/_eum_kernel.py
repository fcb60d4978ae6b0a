r"""Compiled rounds of the expected utility model (numba; the production path).

A scalar transcription of :func:`equipoise.models.eum._round` (docs/models.md §2.4-2.6) and of
the round loops of :meth:`ExpectedUtility._run` / :meth:`ExpectedUtility._run_final`, for
one draw at a time (a batch of draws is looped inside the kernel). Every ``_Config`` option
of the NumPy path is covered (``Q``, ``prob_norm``, ``vote_exponent``, ``perspective``,
``offer_choice``, ``capitulation``). The NumPy path stays the reference: the arithmetic is
the same IEEE operations in the same order (the vote sums are sequential over the voters,
the direct O(n^3) sum up to ``eum._CUBIC_MAX_N`` actors and the sorted prefix sums above,
as there for one draw; the global denominator uses NumPy's pairwise summation; ``0.5 ** r``
gets its base at run time, since LLVM rewrites a pow with a literal base into something
not bit-identical to libm's), no ``fastmath``, NumPy's error model. The NumPy path's
``**`` is NumPy's own ``power`` (on AVX-512 machines a SIMD routine that differs from libm's
``pow`` in the last bit for a few per cent of inputs), so the two paths agree to 1e-12, not
bit for bit (docs/kernels.md); ``tests/test_models_eum.py`` checks them against each other
to 1e-12 (EC case with every profile and switch, random problems, batches).

The only shortcuts are exact (same operations on the same operands, so the same bits):

- what depends on two positions only (votes, support ``N``, probabilities, the powers of
  the utilities) is computed once per group of equal positions (``_position_groups``;
  after a few rounds about half of 200 actors share a position with another), then read
  through the group index; ``grouped=False`` turns this off, for the test that compares;
- the voters below each midpoint are counted with one pointer walk per row
  (``_midpoint_counts``), not a binary search per pair;
- ``x ** r`` is not called where its value is known (``0 ** r = 0`` for ``r > 0``,
  ``0.5 ** r`` reused for same-position pairs).

Cost per actor pair and round on 200 actors (a 2-core AMD EPYC under load, before -> after
the first two shortcuts): ~100 -> ~34 ns; docs/kernels.md has the breakdown by stage.

Imported lazily by :mod:`equipoise.models.eum`; ``cache=True`` keeps the compiled code in
``__pycache__`` (or numba's cache folder; in memory only when neither is writable).
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np
from numba import njit

__all__ = ["run_final", "run_record"]


class _JitOptions(TypedDict):
    """numba's options for every kernel: on-disk cache, no GIL, NumPy's error model (division
    by zero gives inf/nan as in the NumPy path, no exception), no bounds checks, no fastmath."""

    cache: bool
    nogil: bool
    error_model: Literal["python", "numpy"]
    boundscheck: bool


_JIT: _JitOptions = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}

_NONE = 3


@njit(**_JIT)
def _block_sum(a, lo, n):  # pragma: no cover - compiled
    """A leaf of NumPy's pairwise summation (``n <= 128``): 8 accumulators."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    i = 8
    m = n - (n % 8)
    while i < m:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(**_JIT)
def _pairwise_sum(a, lo, n):  # pragma: no cover - compiled
    """NumPy's pairwise summation of ``a[lo:lo + n]`` (``pairwise_sum_DOUBLE``: halves
    rounded down to a multiple of 8, leaves of <= 128), without recursion (recursive
    functions do not survive numba's on-disk cache)."""
    if n <= 128:
        return _block_sum(a, lo, n)
    # explicit post-order walk: task (lo, n, kind); kind 1 = add the last two values
    tl = np.empty(256, np.int64)
    tn = np.empty(256, np.int64)
    tk = np.empty(256, np.int64)
    vals = np.empty(128)
    nt = 1
    nv = 0
    tl[0] = lo
    tn[0] = n
    tk[0] = 0
    while nt:
        nt -= 1
        l0 = tl[nt]
        m0 = tn[nt]
        if tk[nt] == 1:
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]
        elif m0 <= 128:
            vals[nv] = _block_sum(a, l0, m0)
            nv += 1
        else:
            n2 = m0 // 2
            n2 -= n2 % 8
            tk[nt] = 1
            tl[nt + 1] = l0 + n2
            tn[nt + 1] = m0 - n2
            tk[nt + 1] = 0
            tl[nt + 2] = l0
            tn[nt + 2] = n2
            tk[nt + 2] = 0
            nt += 3
    return vals[0]


@njit(**_JIT)
def _stable_order(x, order):  # pragma: no cover - compiled
    """``order`` = stable argsort of ``x`` (insertion sort; ``inf`` sorts last)."""
    n = x.shape[0]
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        k = order[i]
        v = x[k]
        j = i - 1
        while j >= 0 and x[order[j]] > v:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k


@njit(**_JIT)
def _wmedian(x, w, eps, order, xs, C):  # pragma: no cover - compiled
    """``median.weighted_median(x, w, eps)[0]`` for one row."""
    n = x.shape[0]
    xx = np.empty(n)
    ww = np.empty(n)
    for i in range(n):
        use = w[i] > 0.0 and np.isfinite(x[i])
        xx[i] = x[i] if use else np.inf
        ww[i] = w[i] if use else 0.0
    _stable_order(xx, order)
    acc = 0.0
    for i in range(n):
        xs[i] = xx[order[i]]
        acc += ww[order[i]]
        C[i] = acc
    W = C[n - 1]
    h = 0.5 * W
    tol = 1e-12 * W
    k = 0
    for i in range(n):
        if C[i] >= h - tol:
            k = i
            break
    e = k
    while e < n - 1 and not (xs[e + 1] - xs[e] > eps):
        e += 1
    p_lo = xs[k]
    val = p_lo
    if abs(C[e] - h) <= tol and e < n - 1 and np.isfinite(xs[e + 1]):
        val = 0.5 * (p_lo + xs[e + 1])
    if not (W > 0.0):
        val = np.nan
    return val


@njit(**_JIT)
def _position_groups(x, order, grp, rep, merge):  # pragma: no cover - compiled
    """Sort the actors by position (``order``, stable) and group equal positions (every
    actor its own group when ``merge`` is False: the same numbers, bit for bit): actor
    ``k`` is in group ``grp[k]``, group ``g`` has the position of actor ``rep[g]``; groups
    are numbered by increasing position. Returns the number of groups.

    Every quantity of a pair that depends on the two positions only (distances, votes,
    support, probabilities, the utilities' powers) is the same for every member of a group,
    bit for bit (``abs(x_b - x_a)`` of equal ``x_b``), so it is computed once per group."""
    _stable_order(x, order)
    n = x.shape[0]
    g = 0
    k = order[0]
    grp[k] = 0
    rep[0] = k
    for t in range(1, n):
        k = order[t]
        if not (merge and x[k] == x[order[t - 1]]):
            g += 1
            rep[g] = k
        grp[k] = g
    return g + 1


@njit(**_JIT)
def _midpoint_counts(x, order, rep, nu, idx):  # pragma: no cover - compiled
    """``idx[ga, gb]`` = how many actors lie strictly below the midpoint ``(x_a + x_b) / 2``
    of groups ``ga`` and ``gb`` (``np.searchsorted`` of the sorted positions, as in
    ``eum._sorted_voters``). For a fixed ``ga`` the midpoint does not decrease with ``gb``
    (rounding is monotone), so one pointer walks the sorted positions: O(n) per row instead
    of a binary search per pair (whose unpredictable branches cost more than the pows)."""
    n = x.shape[0]
    for ga in range(nu):
        xa = x[rep[ga]]
        lo = 0
        for gb in range(nu):
            m = xa + x[rep[gb]]
            m *= 0.5
            while lo < n and x[order[lo]] < m:
                lo += 1
            idx[ga, gb] = lo


@njit(**_JIT)
def _support(
    x, w, e, use_e, drg, N, Nu, F, CF, order, idx, grp, rep, nu, direct
):  # pragma: no cover
    """``eum._support`` for one draw: ``N[a, b]`` in place; returns ``D = 2 sum N``.

    Computed on the position groups (``Nu[ga, gb]``; ``drg[k, g] = dr[k, rep[g]]``) with
    the same operations in the same order as for every pair, then spread to ``N``
    (``D`` sums the full ``N``, in NumPy's pairwise order)."""
    n = x.shape[0]
    if direct:
        for k in range(n):
            wk = w[k]
            if use_e:
                ek = e[k]  # r_k > 0: 0 ** r_k = 0 (skip pow for the voter's own column)
                for g in range(nu):
                    dkp = drg[k, g]
                    F[k, g] = (dkp**ek if dkp != 0.0 else 0.0) * wk
            else:
                for g in range(nu):
                    F[k, g] = drg[k, g] * wk
        # Nu[a, b] = sum over voters k in order of max(0, F[k, b] - F[k, a]): the same
        # sequential sums as NumPy's, with the loop over b innermost (vectorised)
        for a in range(nu):
            Fa = F[0, a]
            for b in range(nu):
                v = F[0, b] - Fa
                Nu[a, b] = v if v > 0.0 else 0.0
            for k in range(1, n):
                Fa = F[k, a]
                for b in range(nu):
                    v = F[k, b] - Fa
                    Nu[a, b] += v if v > 0.0 else 0.0
    else:
        for p in range(nu):
            CF[0, p] = 0.0
        for t in range(n):
            k = order[t]
            wk = w[k]
            if use_e:
                ek = e[k]
                for p in range(nu):
                    CF[t + 1, p] = CF[t, p] + drg[k, p] ** ek * wk
            else:
                for p in range(nu):
                    CF[t + 1, p] = CF[t, p] + drg[k, p] * wk
        for a in range(nu):
            xa = x[rep[a]]
            for b in range(nu):
                i = idx[a, b]
                pref = CF[i, b] - CF[i, a]
                if xa < x[rep[b]]:
                    v = pref
                else:
                    v = (CF[n, b] - CF[n, a]) - pref
                Nu[a, b] = v if v > 0.0 else 0.0
    for a in range(n):
        ga = grp[a]
        for b in range(n):
            N[a, b] = Nu[ga, grp[b]]
    return 2.0 * _pairwise_sum(N.reshape(N.shape[0] * n), 0, n * n)


@njit(**_JIT)
def _spread(Pu, grp, P):  # pragma: no cover - compiled
    """``P[a, b] = Pu[grp[a], grp[b]]``."""
    n = P.shape[1]
    for a in range(n):
        ga = grp[a]
        for b in range(n):
            P[a, b] = Pu[ga, grp[b]]


@njit(**_JIT)
def _probability(N, D, prob_norm, P, n):  # pragma: no cover - compiled
    """``eum._probability`` on the leading ``n x n`` block (``n`` position groups)."""
    if prob_norm == 0:
        for a in range(n):
            for b in range(n):
                P[a, b] = N[a, b] / D if D > 0.0 else 0.0
    else:
        for a in range(n):
            for b in range(n):
                nab = N[a, b]
                nba = N[b, a]
                den = nab + nba
                if prob_norm == 1:
                    num = nab
                else:
                    num = nab - nba
                    if not (num >= 0.0):
                        num = 0.0
                P[a, b] = num / den if den > 0.0 else 0.0


@njit(**_JIT)
def _q_term(uu, tt, ri, om):  # pragma: no cover - compiled
    """``(1 - Q) (T Ub + (1 - T) Uw)`` of docs/models.md §2.3 (``om`` = 1 - Q; Q < 1 only)."""
    ub = 0.5 - 0.25 * uu
    if ub < 0.0:
        ub = 0.0
    ub = 2.0 - 4.0 * ub**ri
    uw = 2.0 - 4.0 * (0.5 + 0.25 * uu) ** ri
    return om * (tt * ub + (1.0 - tt) * uw)


@njit(**_JIT)
def _round(
    x,
    s,
    w,
    R,
    eps,
    Q,
    prob_norm,
    voter,
    receiver,
    scholz,
    capitulation,
    c05,
    cubic_max,
    new_x,
    r,
    typ_out,
    prop_out,
    a_out,
    b_out,
    ws,
    iws,
    grouped,
):  # pragma: no cover
    """One round of one draw (``eum._round`` with ``B = 1``), results in the out arrays."""
    n = x.shape[0]
    absd = ws[0]
    d = ws[1]
    dr = ws[2]
    T = ws[3]
    u = ws[4]
    N1 = ws[5]
    P1 = ws[6]
    N2 = ws[7]
    P2 = ws[8]
    A = ws[9]
    Bm = ws[10]
    base = ws[11]
    dU = ws[12]
    F = ws[13]
    CF = ws[14]  # (n + 1) rows used
    Nu = ws[15]  # per position group: support, probability, powers of the column
    Pu = ws[16]
    qa = ws[17]
    qb = ws[18]
    drg = ws[19]
    idx = iws[0]
    order = iws[1, 0]
    grp = iws[1, 1]
    rep = iws[1, 2]
    same_q = Q != 1.0
    for a in range(n):
        for b in range(n):
            ad = abs(x[b] - x[a])
            absd[a, b] = ad
            v = ad / R
            dr[a, b] = v
            d[a, b] = 0.0 if ad <= eps else v
    if same_q:
        xs = np.empty(n)
        Cw = np.empty(n)
        mu = _wmedian(x, w, eps, order, xs, Cw)
        for a in range(n):
            dm = abs(x[a] - mu)
            for b in range(n):
                ad = absd[a, b]
                T[a, b] = 1.0 if dm < ad else (0.0 if dm > ad else 0.5)
                u[a, b] = (dm + ad) / R
    nu = _position_groups(x, order, grp, rep, grouped)
    for k in range(n):
        for g in range(nu):
            drg[k, g] = dr[k, rep[g]]
    direct = n <= cubic_max
    if not direct:
        _midpoint_counts(x, order, rep, nu, idx)
    D1 = _support(x, w, r, False, drg, N1, Nu, F, CF, order, idx, grp, rep, nu, direct)
    _probability(Nu, D1, prob_norm, Pu, nu)
    _spread(Pu, grp, P1)
    # first pass: S_i = sum_a EU_1(a -> i), sequential over a
    S = np.zeros(n)
    om = 1.0 - Q
    for a in range(n):
        for b in range(n):
            v = 1.0 - P1[a, b]
            v *= s[b]
            v *= -4.0
            v += 2.0
            v *= d[a, b]
            if same_q:
                v -= om * (2.0 * T[a, b] - 1.0) * u[a, b]
                if absd[a, b] <= eps:
                    v = 0.0
            if a == 0:
                S[b] = v
            else:
                S[b] += v
    Smax = S[0]
    Smin = S[0]
    for i in range(1, n):
        if S[i] > Smax:
            Smax = S[i]
        if S[i] < Smin:
            Smin = S[i]
    spread = Smax - Smin
    if spread <= 1e-12 * max(Smax, -Smin):
        spread = np.inf
    for i in range(n):
        Rr = (2.0 * S[i] - Smax - Smin) / spread
        r[i] = (3.0 - Rr) / (3.0 + Rr)
    if voter:
        D2 = _support(x, w, r, True, drg, N2, Nu, F, CF, order, idx, grp, rep, nu, direct)
        _probability(Nu, D2, prob_norm, Pu, nu)
        _spread(Pu, grp, P2)
    else:
        P2 = P1
    # utilities with the row actor's exponent r_i, once per position group of the column
    # (base = Us - Usq (+ (1 - Q) Usq), dU = Uf - Us times 4, qa/qb the Q < 1 terms of
    # a and b)
    for i in range(n):
        ri = r[i]
        h5 = c05**ri  # c05 = 0.5 at run time: a literal base lets LLVM rewrite pow
        usq = 4.0 * h5
        extra = om * (2.0 - 4.0 * h5)
        for g in range(nu):
            j = rep[g]
            half = 0.5 * d[i, j]
            if half == 0.0:  # same position (and the diagonal): both are 0.5 ** r_i
                us = h5
                uf = h5
            else:
                us = 0.5 - half
                if us < 0.0:
                    us = 0.0
                us = us**ri
                uf = (0.5 + half) ** ri
            du = uf - us
            du *= 4.0
            dU[i, g] = du
            bs = us * -4.0
            bs += usq
            if same_q:
                bs = bs + extra
                qa[i, g] = _q_term(u[i, j], T[i, j], ri, om)
                if receiver:
                    qb[i, g] = _q_term(u[j, i], T[j, i], ri, om)
            base[i, g] = bs
    for i in range(n):
        for j in range(n):
            g = grp[j]
            av = base[i, g] - s[j] * (1.0 - P2[i, j]) * dU[i, g]
            if same_q:
                av -= qa[i, g]
                if absd[i, j] <= eps:
                    av = 0.0
            A[i, j] = av
    if receiver:
        for i in range(n):
            si = s[i]
            for j in range(n):
                g = grp[j]
                bv = base[i, g] - si * (1.0 - P2[j, i]) * dU[i, g]
                if same_q:
                    bv -= qb[i, g]
                    if absd[i, j] <= eps:
                        bv = 0.0
                Bm[i, j] = bv
    else:
        for i in range(n):
            for j in range(n):
                Bm[i, j] = A[j, i]
    # offers to receiver i from proposer j (§2.5) and the receiver's choice (§2.6):
    # lexicographic minimum of (type, key1, key2, j)
    for i in range(n):
        bt = 4
        bk1 = 0.0
        bk2 = 0.0
        bj = 0
        bfrac = 1.0
        for j in range(n):
            av = A[i, j]
            bv = Bm[i, j]
            bpos = bv > 0.0
            confront = bpos and av > 0.0 and bv > av
            yld = bpos and av < 0.0
            small = (bv + av) > 0.0
            compromise = yld and small
            if confront:
                t = 0
            elif compromise:
                t = 1
            elif capitulation and yld:
                t = 2
            else:
                t = _NONE
            nega = -av
            frac = nega / bv if compromise else 1.0
            move = absd[i, j] * frac
            negb = -bv
            if compromise:
                if scholz:
                    k1 = (nega * x[i] + bv * x[j]) / (bv + nega)
                else:
                    k1 = negb
                k2 = move
            else:
                k1 = move
                k2 = negb
            if t < bt or (t == bt and (k1 < bk1 or (k1 == bk1 and k2 < bk2))):
                bt = t
                bk1 = k1
                bk2 = k2
                bj = j
                bfrac = frac
        typ_out[i] = bt
        prop_out[i] = bj
        a_out[i] = A[i, bj]
        b_out[i] = Bm[i, bj]
        if bt < _NONE:
            new_x[i] = x[i] + (x[bj] - x[i]) * bfrac
        else:
            new_x[i] = x[i]


@njit(**_JIT)
def _cycle_period(H, t, eps, max_period):  # pragma: no cover - compiled
    """The least ``p`` in ``2..min(t, max_period)`` with ``H[t]`` within ``eps`` of
    ``H[t - p]`` (every actor), else 0 (``eum._first_cycle``)."""
    n = H.shape[1]
    top = t if t < max_period else max_period
    for p in range(2, top + 1):
        far = False
        for k in range(n):
            if abs(H[t, k] - H[t - p, k]) > eps:
                far = True
                break
        if not far:
            return p
    return 0


@njit(**_JIT)
def run_final(
    X,
    S,
    W,
    R,
    eps,
    Q,
    prob_norm,
    voter,
    receiver,
    scholz,
    capitulation,
    max_rounds,
    c05,
    cubic_max,
    max_period,
    window,
    grouped=True,
):  # pragma: no cover - compiled
    """``ExpectedUtility._run_final`` on (B, n) arrays (stop rule ``"repeat"``): rows
    ``(forecast, converged, period (0 = none or fixed point), rounds, low, high)``.

    A draw with ``R <= eps`` does not move; a draw stops at its first round that moves
    nobody by more than ``eps`` (a fixed point), leaves everybody at one position, or
    repeats the positions of ``p <= max_period`` rounds before (a cycle); the forecast is
    the weighted median of the last positions, or the mean of the medians over the cycle
    (``convergence.summarise``). ``grouped=False``: no position groups (same numbers;
    for tests)."""
    B, n = X.shape
    out = np.empty((6, B))
    ws = np.empty((20, n + 1, n))
    iws = np.empty((2, n + 3, n), np.int64)
    H = np.empty((max_rounds + 1, n))
    fd = np.empty(max_rounds + 1)
    r = np.empty(n)
    typ = np.empty(n, np.int8)
    prop = np.empty(n, np.int64)
    av = np.empty(n)
    bv = np.empty(n)
    order = np.empty(n, np.int64)
    xs = np.empty(n)
    Cw = np.empty(n)
    for b in range(B):
        for k in range(n):
            H[0, k] = X[b, k]
        fd[0] = _wmedian(H[0], W[b], eps[b], order, xs, Cw)
        T = 0
        period = 0
        if not (R[b] > eps[b]):
            period = 1
        else:
            for t in range(1, max_rounds + 1):
                _round(
                    H[t - 1],
                    S[b],
                    W[b],
                    R[b],
                    eps[b],
                    Q,
                    prob_norm,
                    voter,
                    receiver,
                    scholz,
                    capitulation,
                    c05,
                    cubic_max,
                    H[t],
                    r,
                    typ,
                    prop,
                    av,
                    bv,
                    ws,
                    iws,
                    grouped,
                )
                T = t
                fd[t] = _wmedian(H[t], W[b], eps[b], order, xs, Cw)
                moved = 0.0
                hi = H[t, 0]
                lo = hi
                for k in range(n):
                    v = H[t, k]
                    dv = abs(v - H[t - 1, k])
                    if dv > moved:
                        moved = dv
                    if v > hi:
                        hi = v
                    if v < lo:
                        lo = v
                if not (moved > eps[b]) or hi - lo <= eps[b]:
                    period = 1
                    break
                period = _cycle_period(H, t, eps[b], max_period)
                if period:
                    break
        if period >= 2:
            span = period
        elif period == 1:
            span = 1
        else:
            span = window if window < T + 1 else T + 1
        lo = np.inf
        hi = -np.inf
        acc = 0.0
        for t in range(T - span + 1, T + 1):
            v = fd[t]
            acc += v
            if v < lo:
                lo = v
            if v > hi:
                hi = v
        out[0, b] = acc / span if period >= 2 else fd[T]
        out[1, b] = 1.0 if period > 0 else 0.0
        out[2, b] = period if period >= 2 else 0.0
        out[3, b] = T
        out[4, b] = lo
        out[5, b] = hi
    return out


@njit(**_JIT)
def run_record(
    x0,
    s,
    w,
    R,
    eps,
    Q,
    prob_norm,
    voter,
    receiver,
    scholz,
    capitulation,
    max_rounds,
    c05,
    cubic_max,
    max_period,
    grouped=True,
):  # pragma: no cover - compiled
    """``ExpectedUtility._run`` for one draw (``R > eps``; ``R`` already the one used for
    scaling; stop rule ``"repeat"``). Returns positions ``(T+1, n)``, per round ``r``,
    offer ``type``, ``proposer``, ``a``, ``b`` (each ``(T, n)``), the stop rule (0 the
    round limit, 1 fixed_point, 2 common_position, 3 cycle) and the period (0 none, 1
    fixed point, p >= 2 cycle). ``grouped=False``: no position groups (same numbers; for
    tests)."""
    n = x0.shape[0]
    H = np.empty((max_rounds + 1, n))
    rr = np.empty((max_rounds, n))
    typ = np.empty((max_rounds, n), np.int8)
    prop = np.empty((max_rounds, n), np.int64)
    av = np.empty((max_rounds, n))
    bv = np.empty((max_rounds, n))
    ws = np.empty((20, n + 1, n))
    iws = np.empty((2, n + 3, n), np.int64)
    for k in range(n):
        H[0, k] = x0[k]
    stop = 0
    period = 0
    T = 0
    for t in range(max_rounds):
        _round(
            H[t],
            s,
            w,
            R,
            eps,
            Q,
            prob_norm,
            voter,
            receiver,
            scholz,
            capitulation,
            c05,
            cubic_max,
            H[t + 1],
            rr[t],
            typ[t],
            prop[t],
            av[t],
            bv[t],
            ws,
            iws,
            grouped,
        )
        T = t + 1
        moved = 0.0
        hi = H[t + 1, 0]
        lo = hi
        for k in range(n):
            v = H[t + 1, k]
            dv = abs(v - H[t, k])
            if dv > moved:
                moved = dv
            if v > hi:
                hi = v
            if v < lo:
                lo = v
        if not (moved > eps):
            stop = 1
            period = 1
            break
        if hi - lo <= eps:
            stop = 2
            period = 1
            break
        period = _cycle_period(H, T, eps, max_period)
        if period:
            stop = 3
            break
    return H[: T + 1], rr[:T], typ[:T], prop[:T], av[:T], bv[:T], stop, period

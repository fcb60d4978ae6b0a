r"""Compiled realisation loop of the equal-gain exchange model (numba; the production path).

A scalar transcription of :func:`equipoise.models.exchange._size` and of the greedy
realisation loop in :meth:`EqualGainExchange._realise_numpy` (docs/models.md §3.3 steps 5-8).
The NumPy path stays the reference: every floating-point operation here is the same IEEE
operation, on the same operands, in the same order as there (no ``fastmath``, NumPy's
error model), so on the inputs of ``tests/test_models_exchange.py`` (the decide sample and
random problems) both paths give bit-identical results. The policy (docs/kernels.md) promises
only agreement with the reference, not bit-identity across paths.

Imported lazily by :mod:`equipoise.models.exchange` (importing numba costs ~0.3 s); the
NumPy path runs when ``EQUIPOISE_NUMBA=0`` or the kernel cannot be compiled.
``cache=True`` keeps the compiled code in ``__pycache__`` so only the first run on a machine
pays the ~2 s compile.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np
from numba import njit

__all__ = ["realise_round"]


class _JitOptions(TypedDict):
    """numba's options for every kernel: on-disk cache, no GIL, NumPy's error model (division
    by zero gives inf/nan as in the NumPy path, no exception), no bounds checks, no fastmath."""

    cache: bool
    nogil: bool
    error_model: Literal["python", "numpy"]
    boundscheck: bool


_JIT: _JitOptions = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}


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
    """
    n = I.shape[0]
    n_i = O.shape[0]
    g = np.empty(n)
    Z = np.empty((n, 14))
    live = np.empty(n, np.int64)
    n_live = 0
    for j in range(n):
        _size_cells(j, I, V, curf, accf, O, g, Z)
        if g[j] > 0.0:
            live[n_live] = j
            n_live += 1
    # the live candidates on each issue (CSR, in candidate order)
    start = np.zeros(n_i + 1, np.int64)
    for t in range(n_live):
        j = live[t]
        start[I[j, 4] + 1] += 1
        start[I[j, 5] + 1] += 1
    for d in range(n_i):
        start[d + 1] += start[d]
    on = np.empty(start[n_i], np.int64)
    fill = start[:n_i].copy()
    for t in range(n_live):
        j = live[t]
        for r in range(4, 6):
            d = I[j, r]
            on[fill[d]] = j
            fill[d] += 1
    idx = np.empty(n_live, np.int64)
    F = np.empty((n_live, 14))
    n_real = 0
    ties = 0
    while n_live:
        # highest gain, first in the stable order (and the runner-up, for the tie count);
        # dead candidates are dropped from the live list on the way
        best = -1.0
        second = -1.0
        kk = -1
        m = 0
        for t in range(n_live):
            j = live[t]
            gj = g[j]
            if gj > 0.0:
                live[m] = j
                m += 1
                if gj > best:
                    second = best
                    best = gj
                    kk = j
                elif gj > second:
                    second = gj
        n_live = m
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
        # resize every live candidate on one of the two moved issues, once: in full if
        # one of its cells moved, else only the step-7 cut (just an outcome moved)
        for h in range(2):
            d = p if h == 0 else q
            for t in range(start[d], start[d + 1]):
                j = on[t]
                if g[j] <= 0.0:
                    continue
                pj = I[j, 4]
                qj = I[j, 5]
                if h == 1 and (pj == p or qj == p):
                    continue  # done with p's list
                c0 = I[j, 0]
                c1 = I[j, 1]
                c2 = I[j, 2]
                c3 = I[j, 3]
                if (c0 == fBp or c1 == fBp or c2 == fBp or c3 == fBp or c0 == fAq
                        or c1 == fAq or c2 == fAq or c3 == fAq):
                    _size_cells(j, I, V, curf, accf, O, g, Z)
                else:
                    _size_cut(j, V, O[pj], O[qj], g, Z[j])
    return idx[:n_real], F[:n_real], ties

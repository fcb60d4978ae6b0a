r"""Expected utility model (EUM) of Bueno de Mesquita, as specified by Scholz et al. (2011).

Implements ``docs/models.md`` §2 exactly; section numbers below refer to it.

One issue, one dimension, actors ``i`` with position ``x_i``, salience ``s_i`` in [0, 1] and
capability ``c_i`` (weight ``w_i = c_i s_i``). ``R`` = spread of the initial positions
(A9), ``d_ab = |x_a - x_b| / R``. Each round (§2.4):

1. ``mu`` = weighted median (§1.2; only used when ``Q < 1``).
2. Votes ``v_k(a, b) = w_k ((|x_k - x_b|/R)^e_k - (|x_k - x_a|/R)^e_k)``; support
   ``N(a, b) = sum_k max(0, v_k(a, b))``; success probability (A6, ``prob_norm``):
   ``global``: ``P = N(a, b) / D`` with ``D = sum_k sum_p sum_q |v_k(p, q)|`` (Scholz's code);
   ``pairwise``: ``N(a,b) / sum_k |v_k(a,b)|`` (printed eq. 31);
   ``net``: ``max(0, sum_k v_k(a,b)) / sum_k |v_k(a,b)|`` (dmasad).
3. Expected utility of ``a`` challenging ``b`` with exponent ``rho`` (eq. 25a, A1)::

       EU_rho(a->b) = s_b (P Us + (1-P) Uf) + (1-s_b) Us - Q Usq - (1-Q)(T Ub + (1-T) Uw)
       Us = 2 - 4 (0.5 - 0.5 d)^rho,  Uf = 2 - 4 (0.5 + 0.5 d)^rho,  Usq = 2 - 4 (0.5)^rho
       Ub, Uw = 2 - 4 (0.5 -/+ 0.25 (|x_a - mu| + |x_a - x_b|)/R)^rho

4. First pass, every exponent 1: security ``S_i = sum_{j!=i} EU_1(j->i)`` (A2), then
   ``R_i = (2 S_i - max S - min S) / (max S - min S)`` and ``r_i = (1 - R_i/3)/(1 + R_i/3)``
   (eqs. 32-34; all ``r_i = 1`` if ``max S = min S``), recomputed every round (A12).
5. Second pass: votes with ``e_k = r_k`` (A7, ``vote_exponent="voter"``) or 1 (``"linear"``).
6. Receiver ``i`` and proposer ``j``: ``a = EU_{r_i}(i->j)``; ``b = EU_{r_i}(j->i)``
   (A5, ``perspective="receiver"``) or ``EU_{r_j}(j->i)`` (``"own"``). Offers (§2.5):
   confront (``a>0, b>0, b>a``: move to ``x_j``), compromise (``a<=0<b, b>|a|``: move to
   ``x_i + (x_j-x_i)|a|/b``), capitulate (``a<0<b, |a|>=b``: move to ``x_j``).
7. Each receiver takes one offer (§2.6, A4, ``offer_choice``): a lost confrontation first
   (least move), else the most enforceable compromise (largest ``b``), else the least
   capitulation; ties then by input order. Everybody moves at once (A10).

Stopping (:mod:`equipoise.models.convergence`; this replaces the round cap of §2.8 as the
operative rule): after each round the positions are compared with those of the last
``max_period`` rounds; the run stops at a fixed point (nobody moved), when all positions
coincide, or at a cycle of period ``p >= 2``, else after ``min(rounds, horizon)``
rounds (``converged = False``). The forecast is the weighted median of the positions (BDM's
"dominant outcome"): of the final positions, or for a cycle the mean of the medians over
the cycle (``Forecast.cycle``, ``Forecast.forecast_range``). ``stop_rule`` selects a
published alternative (``"forecast_change"``, ``"no_positive_challenge"``).
``trajectory[k]`` is the weighted median after round ``k``. ``details[issue]`` holds the
per-round weighted ``mean`` (index 0 = initial), ``median``, ``positions`` (rounds+1, n),
``r`` (rounds, n), the ``offers`` taken (per round, a list of dicts: actor, offer,
proposer, a, b, new_position; a read-only sequence that builds a round's dicts when read),
``R`` and ``stop`` (``"fixed_point"``, ``"common_position"``,
``"cycle"``, ``"max_rounds"`` (the cap ``rounds``), ``"horizon"``, ``"forecast_change"`` or
``"no_positive_challenge"``).

Caveat (§2.11): under ``scholz2011`` the success probability is tiny, so capabilities barely
matter; outcomes are driven by salience and distance. Show the compromise model and the
weighted median beside the EUM forecast.

Performance: every pass is vectorised over actor pairs; the support ``N(a, b)`` is a
difference of prefix sums over voters sorted by position (voters closer to ``a`` than to
``b`` are a prefix or suffix of that order), and the global denominator ``D`` is
``2 sum_k sum_q g_kq (2q - n - 1)`` over each voter's sorted vote values (§2.4), so a round
costs O(n^2 log n) instead of O(n^3). The batch entry point runs many copies at once.
Unless ``EQUIPOISE_NUMBA=0`` (or the kernel cannot be compiled), the rounds
of :meth:`~ExpectedUtility.forecast` and :meth:`~ExpectedUtility.forecast_batch` run compiled
(``_eum_kernel``: a scalar transcription of :func:`_round`, draw by draw; every option); the
NumPy path is the reference and the tests compare both to 1e-12 (docs/kernels.md). A
process pays once for numba: importing it ~0.3 s plus loading the cached build.

References: Scholz, J. B., Calbert, G. J., Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", J. Theoretical Politics 23(4) / ICAART 2011 pp. 18-30;
Bueno de Mesquita, B. (1994), "Political forecasting: an expected utility method", in
*European Community Decision Making*, Yale UP, 71-104; docs/models.md §2 and
docs/models-verification.md.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..errors import ModelInputError
from ..limits import check_rounds
from ._accel import load_kernel
from .base import BargainingModel, Batch
from .convergence import HORIZON, MAX_PERIOD, WINDOW, check_stop_rule, summarise
from .forecast import Forecast
from .lazy import LazyList
from .median import weighted_median
from .problem import EPS_REL, BargainingProblem

__all__ = ["ExpectedUtility", "PROFILES", "eum_round_diagnostics"]

#: Named sets of the A5/A6/A7/A4 switches (docs/models.md §2.11).
PROFILES: dict[str, dict[str, str]] = {
    "scholz2011": dict(
        perspective="receiver",
        prob_norm="global",
        vote_exponent="voter",
        offer_choice="enforceable",
    ),
    "paper_literal": dict(
        perspective="own", prob_norm="pairwise", vote_exponent="linear", offer_choice="enforceable"
    ),
    "masad2014": dict(
        perspective="own", prob_norm="net", vote_exponent="linear", offer_choice="enforceable"
    ),
}

_CHOICES = {
    "perspective": ("receiver", "own"),
    "prob_norm": ("global", "pairwise", "net"),
    "vote_exponent": ("voter", "linear"),
    "offer_choice": ("enforceable", "scholz_code"),
    "range_mode": ("initial_spread", "scale"),
}

#: Offer type codes used in the per-round records.
OFFER_NAMES = ("confront", "compromise", "capitulate")
_NONE = 3


# ----------------------------------------------------------------------------- kernels
def _count_less(xs: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per row, how many of the sorted ``xs[b]`` are ``< m``.

    ``xs``: (B, n) sorted; ``m``: (B, n, n). Exact; ``np.searchsorted`` for one row, else a
    vectorised binary search (``ceil(log2(n + 1))`` steps over all rows at once).
    """
    B, n = xs.shape
    if B == 1:
        return np.searchsorted(xs[0], m[0])[None]
    mflat = m.reshape(B, -1)
    lo = np.zeros(mflat.shape, dtype=np.intp)
    hi = np.full(mflat.shape, n, dtype=np.intp)
    bi = np.arange(B)[:, None]
    for _ in range(n.bit_length()):
        active = lo < hi
        mid = (lo + hi) >> 1
        go = xs[bi, np.minimum(mid, n - 1)] < mflat
        lo = np.where(active & go, mid + 1, lo)
        hi = np.where(active & ~go, mid, hi)
    return lo.reshape(m.shape)


def _sorted_voters(x: np.ndarray, grids: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Voter order by position, the sorted positions and, for every pair (a, b), the number
    of voters strictly below the midpoint ``(x_a + x_b) / 2`` (shared by both passes)."""
    bi = grids[0]
    order = np.argsort(x, axis=1, kind="stable")
    xs = x[bi, order]
    m = x[:, :, None] + x[:, None, :]
    m *= 0.5
    return order, xs, _count_less(xs, m)


def _support(
    x: np.ndarray,
    w: np.ndarray,
    e: np.ndarray | None,
    dr: np.ndarray,
    want_D: bool,
    grids: tuple,
    sv: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """``N[b_, a, b] = sum_k max(0, f_k(x_b) - f_k(x_a))`` and the global ``D`` per row.

    ``f_k(y) = w_k (|x_k - y| / R)^e_k``; ``e = None`` means linear votes; ``dr[k, p] =
    |x_k - x_p| / R``. Voters closer to
    ``a`` than to ``b`` form a prefix (``x_k < m``, ``m`` the midpoint, when ``x_a < x_b``)
    or a suffix (``x_k >= m`` when ``x_a > x_b``) of the voters sorted by position, so
    ``N`` is a difference of prefix sums of ``f_k(x_b) - f_k(x_a)``. Voters exactly at ``m``
    add exactly 0 either way. ``sv = None`` selects the direct O(n^3) sum (faster for
    small n). ``D = sum_k sum_{p,q} |v_k(p, q)|`` equals ``2 sum_{a,b} N(a, b)`` because
    ``v_k(q, p) = -v_k(p, q)``: O(n^2) once ``N`` is known (cheaper than the per-voter
    sort of §2.4, same value).
    """
    bi, bi3, ii3, iiT, coef, lt = grids
    B, n = x.shape
    if sv is None:  # small n: direct O(n^3) sum, fewest array operations
        F = dr * w[:, :, None] if e is None else dr ** e[:, :, None] * w[:, :, None]
        V = F[:, :, None, :] - F[:, :, :, None]  # [k, a, b] = f_k(x_b) - f_k(x_a)
        np.maximum(V, 0.0, out=V)
        N = V.sum(axis=1)
    else:
        order, xs, idx = sv
        F = dr[bi, order]  # (B, k sorted, p)
        if e is not None:
            F **= e[bi, order][:, :, None]
        F *= w[bi, order][:, :, None]
        CF = np.empty((B, n + 1, n))
        CF[:, 0] = 0.0
        np.cumsum(F, axis=1, out=CF[:, 1:])
        pref = CF[bi3, idx, iiT]  # CF[idx[a,b], b]
        pref -= CF[bi3, idx, ii3]  # CF[idx[a,b], a]
        tot = CF[:, n]
        N = tot[:, None, :] - tot[:, :, None]
        N -= pref
        N = np.where(lt(x), pref, N)
        np.maximum(N, 0.0, out=N)
    # sum_{p,q} |v_k(p,q)| = 2 sum_{p,q} max(0, v_k(p,q)), so D = 2 sum_{a,b} N(a, b)
    D = 2.0 * N.sum(axis=(1, 2)) if want_D else None
    return N, D


def _probability(N: np.ndarray, D: np.ndarray | None, prob_norm: str) -> np.ndarray:
    """Success probability ``P[b_, a, b]`` from the support matrix (A6); 0 where undefined."""
    if prob_norm == "global":
        if D is None:
            raise ValueError("prob_norm='global' needs the global denominator D")
        if np.all(D > 0):
            return N / D[:, None, None]
        return np.divide(N, D[:, None, None], out=np.zeros_like(N), where=(D > 0)[:, None, None])
    NT = N.transpose(0, 2, 1)
    den = N + NT
    num = N if prob_norm == "pairwise" else np.maximum(N - NT, 0.0)
    return np.divide(num, den, out=np.zeros_like(N), where=den > 0)


#: Up to this many actors the vote sums are done directly (O(n^3), fewer array operations);
#: above it with sorted prefix sums (O(n^2 log n)).
_CUBIC_MAX_N = 16
#: ... and only while the (B, n, n, n) temporary stays small (8e6 floats = 64 MB).
_CUBIC_MAX_ELEMS = 8_000_000

_GRID_CACHE: dict[tuple[int, int], tuple] = {}

#: Work (draws x actors^2) of one call of the compiled rounds in a batch: a larger batch is
#: cut into calls of this size, so that Ctrl-C is heard between them (no signal interrupts
#: compiled code, and on 200 actors one draw takes about half a second). Up to 256 actors
#: that is one call per 1024 draws (the default ``batch_chunk``), as before.
_CALL_WORK = 1 << 16


class _Stopped(Exception):
    """A batch's remaining work was called off (Ctrl-C or an error in another thread)."""


def _grids(B: int, n: int) -> tuple:
    """Index grids and constants for (B, n) arrays (cached)."""
    g = _GRID_CACHE.get((B, n))
    if g is None:
        bi = np.arange(B)[:, None]
        ii3 = np.arange(n)[None, :, None]
        coef = 2.0 * np.arange(1, n + 1) - n - 1.0
        lt = lambda x: x[:, :, None] < x[:, None, :]  # noqa: E731
        g = (bi, bi[:, :, None], ii3, ii3.transpose(0, 2, 1), coef, lt)
        if len(_GRID_CACHE) > 64:
            _GRID_CACHE.clear()
        _GRID_CACHE[(B, n)] = g
    return g


class _Config:
    """The switches of one model (:class:`ExpectedUtility`'s parameters of the same names)."""

    __slots__ = ("Q", "prob_norm", "vote_exponent", "perspective", "offer_choice", "capitulation")

    Q: float
    prob_norm: str
    vote_exponent: str
    perspective: str
    offer_choice: str
    capitulation: bool

    def __init__(self, **kw: Any) -> None:
        for k in self.__slots__:
            setattr(self, k, kw[k])


def _round(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    R: np.ndarray,
    eps: np.ndarray,
    cfg: _Config,
    diag: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """One EUM round on (B, n) arrays; returns the new positions and the round record.

    Matrices are indexed ``[draw, a, b]``: for EUs ``a`` challenges ``b``; for offers the
    receiver ``i`` is the row and the proposer ``j`` the column.
    """
    B, n = x.shape
    grids = _grids(B, n)
    bi = grids[0]
    Q = cfg.Q
    diff = x[:, None, :] - x[:, :, None]  # [a, b] = x_b - x_a
    absd = np.abs(diff)
    same = absd <= eps[:, None, None]
    dr = absd / R[:, None, None]
    # d = 0 for actors at the same position: then every EU of the pair is exactly 0 (Q = 1)
    d = np.where(same, 0.0, dr)
    s_col = s[:, None, :]  # salience of the target b (column)
    s_row = s[:, :, None]  # salience of the target when the row is the target
    if Q != 1.0:
        mu = weighted_median(x, w, eps)[0]
        dm = np.abs(x - mu[:, None])[:, :, None]  # |x_a - mu| (challenger a = row)
        T = np.where(dm < absd, 1.0, np.where(dm > absd, 0.0, 0.5))
        u = (dm + absd) / R[:, None, None]
    need_D = cfg.prob_norm == "global"
    # ---- first pass, all exponents 1: EU_1(a->b) = 2 d (1 - 2 s_b (1 - P)) - (1-Q)(2T-1)u
    direct = n <= _CUBIC_MAX_N and B * n**3 <= _CUBIC_MAX_ELEMS
    sv = None if direct else _sorted_voters(x, grids)
    N1, D1 = _support(x, w, None, dr, need_D, grids, sv)
    P1 = _probability(N1, D1, cfg.prob_norm)
    eu1 = 1.0 - P1
    eu1 *= s_col
    eu1 *= -4.0
    eu1 += 2.0
    eu1 *= d
    if Q != 1.0:
        eu1 -= (1.0 - Q) * (2.0 * T - 1.0) * u
        eu1[same] = 0.0
    S = eu1.sum(axis=1)  # S_i = sum_j EU_1(j -> i)
    Smax = S.max(axis=1, keepdims=True)
    Smin = S.min(axis=1, keepdims=True)
    spread = Smax - Smin
    flat = spread <= 1e-12 * np.maximum(Smax, -Smin)
    if flat.any():
        spread = np.where(flat, np.inf, spread)  # -> R_i = 0, r_i = 1
    Rr = (2.0 * S - Smax - Smin) / spread
    r = (3.0 - Rr) / (3.0 + Rr)  # (1 - R/3) / (1 + R/3)
    # ---- second pass: votes with the voters' exponents (A7)
    if cfg.vote_exponent == "voter":
        N2, D2 = _support(x, w, r, dr, need_D, grids, sv)
        P2 = _probability(N2, D2, cfg.prob_norm)
    else:
        N2, D2, P2 = N1, D1, P1
    # utilities with the row actor's exponent r_i (d is symmetric)
    rr = r[:, :, None]
    half = 0.5 * d
    Us = np.maximum(0.5 - half, 0.0)  # bases lie in [0, 1]; clamp round-off (docs/models.md §2.3)
    Us **= rr
    Uf = 0.5 + half
    Uf **= rr
    dU = Uf - Us
    dU *= 4.0  # Us - Uf = 4 ((0.5 + d/2)^r - (0.5 - d/2)^r)
    Us *= -4.0
    Us += 4.0 * 0.5**rr  # Us - Usq
    base = Us if Q == 1.0 else Us + (1.0 - Q) * (2.0 - 4.0 * 0.5**rr)
    # A[i, j] = EU_{r_i}(i -> j) = (Us - Usq) - s_j (1 - P_ij)(Us - Uf)
    A = base - s_col * (1.0 - P2) * dU
    if Q != 1.0:
        Ub = 2.0 - 4.0 * np.maximum(0.5 - 0.25 * u, 0.0) ** rr
        Uw = 2.0 - 4.0 * (0.5 + 0.25 * u) ** rr
        A -= (1.0 - Q) * (T * Ub + (1.0 - T) * Uw)
        A[same] = 0.0
    if cfg.perspective == "receiver":
        # B[i, j] = EU_{r_i}(j -> i): target i, probability P_ji, same utilities
        Bm = base - s_row * (1.0 - P2.transpose(0, 2, 1)) * dU
        if Q != 1.0:
            Tt, ut = T.transpose(0, 2, 1), u.transpose(0, 2, 1)
            Ub = 2.0 - 4.0 * np.maximum(0.5 - 0.25 * ut, 0.0) ** rr
            Uw = 2.0 - 4.0 * (0.5 + 0.25 * ut) ** rr
            Bm -= (1.0 - Q) * (Tt * Ub + (1.0 - Tt) * Uw)
            Bm[same] = 0.0
    else:
        Bm = A.transpose(0, 2, 1)  # EU_{r_j}(j -> i)
    # ---- offers to receiver i (row) from proposer j (column), §2.5; same-position pairs
    # have a = b = 0 and give no offer
    a, b = A, Bm
    bpos = b > 0
    confront = bpos & (a > 0)
    confront &= b > a
    yield_ = bpos & (a < 0)  # j has the upper hand: compromise if b > |a|, else capitulate
    small = (b + a) > 0
    compromise = yield_ & small  # a == 0 would give no move: dropped (a < 0 here)
    typ = np.where(confront, 0, np.where(compromise, 1, _NONE)).astype(np.int8)
    if cfg.capitulation:
        typ[yield_ & ~small] = 2
    nega = -a
    frac = np.divide(nega, b, out=np.ones_like(a), where=compromise)
    move = absd * frac
    # receiver's choice (§2.6): type order; confront/capitulate: least move, then larger b;
    # compromise: larger b (or Scholz-code key), then least move; then input order
    negb = -b
    if cfg.offer_choice == "enforceable":
        key1 = np.where(compromise, negb, move)
    else:  # scholz_code: the lowest weighted-average point (|a| x_i + b x_j) / (|a| + b)
        pt = np.divide(
            nega * x[:, :, None] + b * x[:, None, :],
            b + nega,
            out=np.zeros_like(a),
            where=compromise,
        )
        key1 = np.where(compromise, pt, move)
    key2 = np.where(compromise, move, negb)
    jstar = np.lexsort((key2, key1, typ), axis=-1)[:, :, 0]  # stable: input order last
    ii = grids[3][:, 0]
    best = typ[bi, ii, jstar]
    has = best < _NONE
    new_x = np.where(has, x + diff[bi, ii, jstar] * frac[bi, ii, jstar], x)
    rec: dict[str, Any] = {
        "r": r,
        "type": best,
        "proposer": jstar,
        "a": a[bi, ii, jstar],
        "b": b[bi, ii, jstar],
        "challenge": (A > 0.0).any(axis=(1, 2)),
    }
    if diag:
        rec.update(S=S, P1=P1, P2=P2, D1=D1, D2=D2, EU1=eu1, A=A, B=Bm, N1=N1, N2=N2)
    return new_x, rec


class _Offers(LazyList[list[dict[str, Any]]]):
    """``details[issue]["offers"]``: per round, the offers taken (a list of dicts ``actor``,
    ``offer``, ``proposer``, ``a``, ``b``, ``new_position``, in actor order), kept as
    ``(rounds, n)`` arrays and turned into dicts only when a round is read (then kept). On
    200 actors x 50 rounds the dicts of one issue took ~1.5 MB and ~4 ms; most forecasts
    never read them. Compares equal to a list of the same rounds (:class:`.lazy.LazyList`)."""

    def __init__(
        self,
        names: tuple[str, ...],
        H: np.ndarray,
        typ: np.ndarray,
        proposer: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
    ) -> None:
        super().__init__()
        T = len(H) - 1
        self._names, self._H = names, H
        self._typ = typ.reshape(T, len(names))
        self._proposer = proposer.reshape(T, len(names))
        self._a, self._b = a.reshape(T, len(names)), b.reshape(T, len(names))

    def __len__(self) -> int:
        return len(self._typ)

    def _build(self, t: int) -> list[dict[str, Any]]:
        typ, jj, names = self._typ[t], self._proposer[t], self._names
        return [
            {
                "actor": names[k],
                "offer": OFFER_NAMES[typ[k]],
                "proposer": names[jj[k]],
                "a": float(self._a[t, k]),
                "b": float(self._b[t, k]),
                "new_position": float(self._H[t + 1, k]),
            }
            for k in np.flatnonzero(typ != _NONE).tolist()
        ]


# The compiled rounds (``_eum_kernel``, numba): None = not looked for yet, False =
# unavailable or switched off (``EQUIPOISE_NUMBA=0``), else the module.
_KERNEL: Any = None


def _import_kernel() -> Any:
    from . import _eum_kernel

    return _eum_kernel


def _warm_up(kern: Any) -> None:
    """Compile (or load the cached build of) both entry points on a tiny input."""
    x = np.array([[0.0, 1.0]])
    one = np.ones(1)
    kern.run_final(
        x, x + 1.0, x + 1.0, one, one * 1e-9, 1.0, 0, True, True, False, True, 1, 0.5, 16, 2, 2
    )
    kern.run_record(
        x[0], x[0] + 1.0, x[0] + 1.0, 1.0, 1e-9, 1.0, 0, True, True, False, True, 1, 0.5, 16, 2
    )


def _kernel() -> Any:
    """The compiled EUM rounds if numba is installed and not switched off, else None (then
    the NumPy path runs; both give the same numbers). Looked for on first use only."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = load_kernel(_import_kernel, _warm_up, "EUM") or False
    return _KERNEL or None


def _kernel_args(cfg: _Config, max_rounds: int, n: int) -> tuple:
    """The kernel's scalar arguments after ``eps``: the ``_Config`` switches, the round cap,
    the base 0.5 (passed at run time: a literal base lets LLVM rewrite ``0.5 ** r`` into
    something not bit-identical to NumPy's ``pow``) and the largest ``n`` for the direct vote
    sums (as :func:`_round` chooses for one draw)."""
    cubic = _CUBIC_MAX_N if n**3 <= _CUBIC_MAX_ELEMS else -1
    return (
        float(cfg.Q),
        _CHOICES["prob_norm"].index(cfg.prob_norm),
        cfg.vote_exponent == "voter",
        cfg.perspective == "receiver",
        cfg.offer_choice == "scholz_code",
        bool(cfg.capitulation),
        int(max_rounds),
        0.5,
        int(cubic),
    )


def _resolve_R(x0: np.ndarray, lo: Any, hi: Any, range_mode: str) -> np.ndarray:
    if range_mode == "scale":
        if lo is None or hi is None:
            raise ModelInputError("range_mode='scale' needs the issue scale (lower, upper)")
        return np.full(x0.shape[0], float(hi) - float(lo))
    return x0.max(axis=1) - x0.min(axis=1)


def eum_round_diagnostics(
    position: Any,
    salience: Any,
    capability: Any,
    *,
    lower: float | None = None,
    upper: float | None = None,
    **params: Any,
) -> dict[str, Any]:
    """All intermediate quantities of round 1 for one issue (for checks and figures).

    Returns a dict with ``r`` (risk exponents), ``S`` (security levels), ``P1``/``P2``
    (success probabilities of the two passes, ``P[a, b]``), ``D1``/``D2`` (global
    denominators or None), ``EU1`` (first-pass ``EU_1(a -> b)``), ``A`` and ``B``
    (``a_ij``, ``b_ij`` of §2.4 step 6, receiver ``i`` = row), the offer taken by each actor
    (``type``, ``proposer``, ``a``, ``b``) and ``new_position``. Parameters as for
    :class:`ExpectedUtility`.
    """
    model = ExpectedUtility(**params)
    x = np.asarray(position, float)[None]
    s = np.asarray(salience, float)[None]
    w = np.asarray(capability, float)[None] * s
    R = _resolve_R(x, lower, upper, model.range_mode)
    eps = EPS_REL * (R if lower is None or upper is None else np.array([upper - lower]))
    new_x, rec = _round(x, s, w, np.where(R > 0, R, 1.0), eps, model._cfg, diag=True)
    out = {k: (v[0] if isinstance(v, np.ndarray) and v.ndim >= 1 else v) for k, v in rec.items()}
    out["new_position"] = new_x[0]
    return out


# ----------------------------------------------------------------------------- model
class ExpectedUtility(BargainingModel):
    """Bueno de Mesquita's expected utility model per Scholz et al. 2011 (docs/models.md §2).

    Parameters
    ----------
    profile : {"scholz2011", "paper_literal", "masad2014"}, default "scholz2011"
        Named defaults for ``perspective``, ``prob_norm``, ``vote_exponent`` and
        ``offer_choice`` (§2.11). Explicit keyword arguments override the profile.
    Q : float in [0, 1], default 1.0
        Probability that a non-challenged actor keeps its position (A15; Scholz used 1.0 for
        the EC case, BDM's papers also use 0.5).
    rounds : int, default 50 (``None``: the default)
        Round cap. A cap only: runs stop at a fixed point or a cycle, and never go past
        ``horizon`` rounds, so from ``rounds >= horizon`` on the forecast does not
        depend on it (Scholz report 8 rounds for the EC case, which neither settles nor
        cycles within 50).
    range_mode : {"initial_spread", "scale"}, default "initial_spread"
        ``R`` = spread of the initial positions (A9), or the issue scale width.
    prob_norm : {"global", "pairwise", "net"}
        Normalisation of the success probability (A6). Profile default.
    vote_exponent : {"voter", "linear"}
        Exponent in the second-pass votes: each voter's own ``r_k`` or 1 (A7).
    perspective : {"receiver", "own"}
        Whose risk exponent evaluates the opponent's EU of a pair (A5).
    offer_choice : {"enforceable", "scholz_code"}
        How a receiver picks among compromise offers (A4, §2.6).
    capitulation : bool, default True
        Allow the capitulation region of Fig. 6 (A11).
    stop_rule : {"repeat", "forecast_change", "no_positive_challenge"}, default "repeat"
        When a run stops before the cap (:mod:`equipoise.models.convergence`): a fixed point
        or a cycle of the positions; the forecast changing by at most ``stop_threshold``
        (Scholz et al. 2011); no actor expecting to gain from a challenge (Bueno de
        Mesquita 1994). The compiled kernel runs ``"repeat"``; the others run in NumPy.
    stop_threshold : float, default 0
        Largest change of the forecast (scale points) that stops ``"forecast_change"``.
    horizon : int, default 50
        Most rounds any run goes. ``max_period`` (default 12): longest cycle looked for;
        ``window`` (default 10): rounds over which the range of a run that does not
        converge is reported.
    """

    name = "eum"
    #: Draws per chunk of :meth:`forecast_batch` (bounds memory; results do not depend on it).
    batch_chunk: int = 1024
    stop_rules = ("repeat", "forecast_change", "no_positive_challenge")

    def __init__(
        self,
        profile: str = "scholz2011",
        *,
        Q: float = 1.0,
        rounds: int | None = None,
        range_mode: str = "initial_spread",
        prob_norm: str | None = None,
        vote_exponent: str | None = None,
        perspective: str | None = None,
        offer_choice: str | None = None,
        capitulation: bool = True,
        stop_rule: str = "repeat",
        stop_threshold: float = 0.0,
        horizon: int = HORIZON,
        max_period: int = MAX_PERIOD,
        window: int = WINDOW,
    ) -> None:
        if profile not in PROFILES:
            raise ModelInputError(
                f"unknown EUM profile {profile!r}; choose one of {', '.join(PROFILES)}"
            )
        base = PROFILES[profile]
        self.profile = profile
        self.Q = float(Q)
        check_rounds(rounds)
        check_rounds(horizon, "horizon")
        self.rounds = HORIZON if rounds is None else int(rounds)
        self.range_mode = range_mode
        self.prob_norm = prob_norm or base["prob_norm"]
        self.vote_exponent = vote_exponent or base["vote_exponent"]
        self.perspective = perspective or base["perspective"]
        self.offer_choice = offer_choice or base["offer_choice"]
        self.capitulation = bool(capitulation)
        for k, allowed in _CHOICES.items():
            v = getattr(self, k)
            if v not in allowed:
                raise ModelInputError(f"EUM {k}={v!r}; choose one of {', '.join(allowed)}")
        if not (0.0 <= self.Q <= 1.0):
            raise ModelInputError(f"EUM Q={Q!r} must lie in [0, 1]")
        if self.rounds < 0:
            raise ModelInputError(f"EUM rounds={rounds!r} must be >= 0")
        self.stop_rule = stop_rule
        self.stop_threshold = check_stop_rule(stop_rule, stop_threshold, "EUM", self.stop_rules)
        self.horizon, self.max_period, self.window = int(horizon), int(max_period), int(window)
        if self.horizon < 1 or self.max_period < 1 or self.window < 1:
            raise ModelInputError("EUM horizon, max_period and window must be >= 1")
        self._cfg = _Config(
            Q=self.Q,
            prob_norm=self.prob_norm,
            vote_exponent=self.vote_exponent,
            perspective=self.perspective,
            offer_choice=self.offer_choice,
            capitulation=self.capitulation,
        )

    @property
    def rounds_limit(self) -> int:
        """Most rounds a run goes: ``min(rounds, horizon)``."""
        return min(self.rounds, self.horizon)

    def _limit_stop(self) -> str:
        return "max_rounds" if self.rounds < self.horizon else "horizon"

    def _use_kernel(self) -> bool:
        return self.stop_rule == "repeat"

    # ------------------------------------------------------------------ core run
    def _run(
        self,
        x0: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        R: np.ndarray,
        eps: np.ndarray,
        record: bool,
    ) -> tuple[np.ndarray, list[dict[str, Any]], str, int]:
        """Run one draw ((1, n) arrays). Returns the positions history (T+1, 1, n), the
        round records, the stop rule that fired and the period found (0 none, 1 fixed
        point, p >= 2 cycle)."""
        x = x0
        hist = [x0[0]]
        recs: list[dict[str, Any]] = []
        Rs = np.where(R > eps, R, 1.0)  # R = 0: nothing can move (all positions equal)
        limit = self.rounds_limit
        stop = self._limit_stop()
        if np.all(R <= eps):
            return x0[None], recs, "common_position", 1
        kern = _kernel() if self._use_kernel() else None
        if kern is not None:  # compiled rounds (same numbers as the loop below)
            f = np.ascontiguousarray
            H, r, typ, prop, a, b, code, period = kern.run_record(
                f(x0[0], dtype=float),
                f(s[0], dtype=float),
                f(w[0], dtype=float),
                float(Rs[0]),
                float(eps[0]),
                *_kernel_args(self._cfg, limit, x0.shape[1]),
                int(self.max_period),
            )
            if record:
                recs = [
                    {
                        "r": r[t][None],
                        "type": typ[t][None],
                        "proposer": prop[t][None],
                        "a": a[t][None],
                        "b": b[t][None],
                    }
                    for t in range(len(r))
                ]
            names = (stop, "fixed_point", "common_position", "cycle")
            return H[:, None, :], recs, names[code], int(period)
        e0 = float(eps[0])
        period = 0
        med_prev = 0.0  # the forecast of the round before (stop_rule="forecast_change")
        if self.stop_rule == "forecast_change":
            med_prev = float(weighted_median(x0, w, eps)[0][0])
        for t in range(1, limit + 1):
            new_x, rec = _round(x, s, w, Rs, eps, self._cfg)
            if self.stop_rule == "no_positive_challenge" and not rec["challenge"][0]:
                stop = "no_positive_challenge"
                period = 1
                break
            hist.append(new_x[0])
            if record:
                recs.append(rec)
            x = new_x
            H = np.asarray(hist)
            if not (np.abs(H[t] - H[t - 1]).max() > e0):
                stop, period = "fixed_point", 1
                break
            if (x.max() - x.min()) <= e0:
                stop, period = "common_position", 1
                break
            if self.stop_rule == "repeat":
                p = _first_cycle(H, t, e0, self.max_period)
                if p:
                    stop, period = "cycle", p
                    break
            elif self.stop_rule == "forecast_change":
                med = float(weighted_median(x, w, eps)[0][0])
                if abs(med - med_prev) <= self.stop_threshold:
                    stop, period = "forecast_change", 1
                    break
                med_prev = med
        return np.asarray(hist)[:, None, :], recs, stop, period

    def _run_final(
        self,
        x0: np.ndarray,
        s: np.ndarray,
        w: np.ndarray,
        R: np.ndarray,
        eps: np.ndarray,
        stop: threading.Event | None = None,
    ) -> np.ndarray:
        """The forecasts of a (B, n) batch (see :mod:`~equipoise.models.convergence`) as
        rows ``(forecast, converged, period, rounds, low, high)`` -> ``(6, B)``. Each round
        is computed only for the draws still running (a draw that settled would never move
        again: a round depends on the positions alone, A12). Raises :class:`_Stopped` when
        ``stop`` is set between two compiled calls (:data:`_CALL_WORK`)."""
        kern = _kernel() if self._use_kernel() else None
        if kern is not None:  # compiled rounds, draw by draw (same numbers as below)
            f = np.ascontiguousarray
            args = (
                *_kernel_args(self._cfg, self.rounds_limit, x0.shape[1]),
                int(self.max_period),
                int(self.window),
            )
            step = max(1, _CALL_WORK // max(1, x0.shape[1]) ** 2)
            parts = []
            for b0 in range(0, x0.shape[0], step):
                if stop is not None and stop.is_set():
                    raise _Stopped()
                sl = slice(b0, b0 + step)
                parts.append(
                    kern.run_final(
                        f(x0[sl], dtype=float),
                        f(s[sl], dtype=float),
                        f(w[sl], dtype=float),
                        f(R[sl], dtype=float),
                        f(eps[sl], dtype=float),
                        *args,
                    )
                )
            return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
        B = x0.shape[0]
        x = x0.copy()
        H = [x0.copy()]
        F = [weighted_median(x0, w, eps)[0]]
        period = np.zeros(B, np.intp)
        T = np.zeros(B, np.intp)
        active = np.flatnonzero(R > eps)  # R = 0: all positions equal, nothing moves
        period[R <= eps] = 1
        for t in range(1, self.rounds_limit + 1):
            if active.size == 0:
                break
            xa, ea = x[active], eps[active]
            new_x, rec = _round(xa, s[active], w[active], R[active], ea, self._cfg)
            if self.stop_rule == "no_positive_challenge":
                done = ~rec["challenge"]
                period[active[done]] = 1
                keep = ~done
                active, xa, new_x, ea = active[keep], xa[keep], new_x[keep], ea[keep]
                if active.size == 0:
                    break
            x[active] = new_x
            T[active] = t
            H.append(x.copy())
            F.append(F[-1].copy())
            F[-1][active] = weighted_median(new_x, w[active], ea)[0]
            moved = np.abs(new_x - xa).max(axis=1) > ea
            common = (new_x.max(axis=1) - new_x.min(axis=1)) <= ea
            p = np.where(~moved | common, 1, 0)
            if self.stop_rule == "repeat":
                Hs = np.stack(H)[:, active]
                for q in range(2, min(t, self.max_period) + 1):
                    hit = (p == 0) & ~(np.abs(Hs[t] - Hs[t - q]).max(axis=1) > ea)
                    p[hit] = q
            elif self.stop_rule == "forecast_change":
                ch = np.abs(F[-1][active] - F[-2][active]) <= self.stop_threshold
                p[(p == 0) & ch] = 1
            period[active] = p
            active = active[p == 0]
        return _summarise_batch(np.stack(F), period, T, self.window)

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        """Run the EUM on every issue of ``problem`` independently (actors taking part)."""
        outcome, traj, pos, details, rounds, conv = {}, {}, {}, {}, {}, {}
        cycle, franges, history, scale = {}, {}, {}, {}
        for i, issue in enumerate(problem.issues):
            take = np.flatnonzero(problem.present[:, i])
            names = [problem.actors[k] for k in take]
            x0 = problem.position[take, i][None].astype(float)
            s = problem.salience[take, i][None]
            w = problem.weight[take, i][None]
            lo, hi = float(problem.lower[i]), float(problem.upper[i])
            eps = np.array([EPS_REL * (hi - lo)])
            R = _resolve_R(x0, lo, hi, self.range_mode)
            if np.all(x0.max() - x0.min() <= eps):
                R = np.zeros(1)
            hist, recs, stop, period = self._run(x0, s, w, R, eps, record=True)
            H = hist[:, 0, :]  # (T+1, n)
            W = w[0].sum()
            med = weighted_median(H, w[0][None], eps[0])[0]
            mean = (H * w[0]).sum(axis=1) / W
            offers = _Offers(
                tuple(names),
                H,
                *(np.array([rec[k][0] for rec in recs]) for k in ("type", "proposer", "a", "b")),
            )
            T = len(hist) - 1
            summary = summarise(med, period, period > 0, self.window)
            outcome[issue] = summary.value
            traj[issue] = med
            pos[issue] = {a: float(v) for a, v in zip(names, H[-1])}
            rounds[issue] = T
            conv[issue] = summary.converged
            cycle[issue] = summary.cycle
            franges[issue] = (summary.low, summary.high)
            history[issue] = {a: H[:, k].copy() for k, a in enumerate(names)}
            scale[issue] = (lo, hi)
            details[issue] = {
                "mean": mean,
                "median": med,
                "positions": H,
                "actors": tuple(names),
                "r": np.array([rec["r"][0] for rec in recs]).reshape(T, len(names)),
                "offers": offers,
                "R": float(R[0]),
                "stop": stop,
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
            history=history,
            scale=scale,
        )

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """EUM forecasts of many draws at once, by the same rule as :meth:`forecast` (the
        final weighted median, or the mean of the medians over a cycle).

        Each issue is run for all draws at once (arrays ``(B, n, n)``; with the numba
        kernel, compiled draw by draw), in chunks of ``batch_chunk`` draws to bound memory
        (compiled: smaller, so that each of the threads gets about 4 chunks); the chunks run
        on ``n_jobs`` threads (default: one per CPU core; results do not depend on either).
        Which actors take part in an issue must be the same in every draw. ``eps_x`` =
        ``1e-9 (upper - lower)`` if bounds are given, else ``1e-9`` times each draw's
        initial spread. Draws leave the computation once they settle. After the
        call, ``self.batch_info_`` holds ``converged``, ``cycle`` (period, 0 = none),
        ``rounds``, ``low`` and ``high`` as ``(B, n_issues)`` arrays.
        """
        x, s, present = batch.position, batch.salience, batch.present
        lo, hi = batch.lower, batch.upper
        w = batch.weight
        B, n_a, n_i = x.shape
        chunk = max(1, int(self.batch_chunk))
        jobs = n_jobs or os.cpu_count() or 1
        if jobs > 1 and self._use_kernel() and _kernel() is not None:
            # compiled draw by draw: cut the draws of each issue into enough chunks that
            # every thread has work to the end (a large scenario's batch has few draws,
            # each long; the NumPy path keeps its chunks, which it vectorises over)
            pieces = -(-4 * jobs // max(1, n_i))
            chunk = max(1, min(chunk, -(-B // pieces)))
        if B == 0:  # no draws: an empty result (and empty diagnostics), nothing to run
            empty = np.empty((0, n_i))
            self.batch_info_ = {
                "converged": empty.astype(bool),
                "cycle": empty.astype(int),
                "rounds": empty.astype(int),
                "low": empty,
                "high": empty,
            }
            return empty
        out = np.empty((B, n_i))
        info = np.empty((5, B, n_i))
        tasks = []
        for i in range(n_i):
            pres = present[:, :, i]
            if not (pres == pres[0]).all():
                raise ModelInputError(
                    f"issue {batch.issue_name(i)}: the actors taking part differ between "
                    f"draws; the EUM batch needs the same participants in every draw"
                )
            take = np.flatnonzero(pres[0])
            tasks += [(i, take, slice(b0, min(B, b0 + chunk))) for b0 in range(0, B, chunk)]

        def run(task: tuple[int, np.ndarray, slice]) -> None:
            i, take, sl = task
            x0 = x[sl][:, take, i]
            si = s[sl][:, take, i]
            wi = w[sl][:, take, i]
            R = _resolve_R(
                x0, None if lo is None else lo[i], None if hi is None else hi[i], self.range_mode
            )
            spread = x0.max(axis=1) - x0.min(axis=1)
            if lo is not None and hi is not None:
                eps = np.full(x0.shape[0], EPS_REL * (hi[i] - lo[i]))
            else:
                eps = EPS_REL * spread
            R = np.where(spread <= eps, 0.0, R)
            res = self._run_final(x0, si, wi, R, eps, stop)
            out[sl, i] = res[0]
            info[:, sl, i] = res[1:]

        _kernel()  # look for the compiled rounds once, before the threads start
        workers = min(len(tasks), jobs)
        stop = threading.Event()
        if workers <= 1:
            for task in tasks:
                run(task)
        else:  # NumPy releases the GIL in the array work: threads share the cores
            with ThreadPoolExecutor(workers) as pool:
                try:
                    list(pool.map(run, tasks))
                except BaseException:
                    # Ctrl-C (or an error): the tasks not started are cancelled by map; the
                    # running ones stop at their next compiled call instead of finishing
                    stop.set()
                    raise
        self.batch_info_ = {
            "converged": info[0] > 0.5,
            "cycle": info[1].astype(int),
            "rounds": info[2].astype(int),
            "low": info[3],
            "high": info[4],
        }
        return out


def _first_cycle(H: np.ndarray, t: int, tol: float, max_period: int) -> int:
    """The least period ``p`` in ``2..min(t, max_period)`` with ``H[t]`` within ``tol`` of
    ``H[t - p]``, else 0 (period 1, a fixed point, is checked by the caller)."""
    for p in range(2, min(t, max_period) + 1):
        if not (np.abs(H[t] - H[t - p]).max() > tol):
            return p
    return 0


def _summarise_batch(F: np.ndarray, period: np.ndarray, T: np.ndarray, window: int) -> np.ndarray:
    """:func:`~equipoise.models.convergence.summarise` for every draw: ``F`` (rounds+1, B)
    forecasts per round (a finished draw's column stays constant), ``period`` and ``T``
    (rounds run) per draw. Returns rows (forecast, converged, period-or-0-for-fixed,
    rounds, low, high)."""
    B = F.shape[1]
    cols = np.arange(B)
    last = F[T, cols]
    k = np.arange(F.shape[0])[:, None]
    cyc = period >= 2
    span = np.where(cyc, period, np.where(period == 1, 1, np.minimum(window, T + 1)))
    inside = (k > (T - span)[None, :]) & (k <= T[None, :])
    lo = np.where(inside, F, np.inf).min(axis=0)
    hi = np.where(inside, F, -np.inf).max(axis=0)
    cyc_mean = np.where(inside, F, 0.0).sum(axis=0) / span
    value = np.where(cyc, cyc_mean, last)
    return np.stack(
        [
            value,
            (period > 0).astype(float),
            np.where(cyc, period, 0).astype(float),
            T.astype(float),
            lo,
            hi,
        ]
    )

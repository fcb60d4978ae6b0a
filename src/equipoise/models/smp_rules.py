r"""The building blocks of KTAB's spatial model of politics and its probabilistic Condorcet
election (PCE), on batched NumPy arrays -- ``docs/smp.md`` §1-3.

Every function takes a leading batch axis ``B`` (independent problems computed together).
Names of the choices are KTAB's (``VotingRule``, ``VPModel``, ``PCEModel``, ``BigRRange``,
``BigRAdjust``); the formulas follow KTAB's code (``KTAB/kmodel/libsrc/kmodel.cpp``,
``examples/smp/libsrc/smp.cpp``), which made the reference run.

* **Vote** of an actor with weight ``w`` between options worth ``u_a`` and ``u_b`` to it:
  ``w g(u_a - u_b)`` with the response ``g`` of the voting rule (:data:`VOTING_RULES`).
* **Coalitions** ``C[a, b] = 1e-8 + sum_k max(0, v_k(a, b))``; ``C[a, a] = 1e-8``.
* **Victory probability** ``P[a, b] = f(C_ab) / (f(C_ab) + f(C_ba))`` (:data:`VICTORY_MODELS`).
* **PCE**: ``Conditional`` ``p_a ∝ prod_b P[a, b]`` (computed as a sum of logarithms);
  ``MarkovUniform`` and ``MarkovIncentive`` iterate a challenge process to its fixed point.
* **Risk attitude** from the PCE probabilities (:data:`BIG_R_RANGES`) and an actor's estimate
  of another's (:data:`BIG_R_ADJUST`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np

from ..errors import ModelInputError

__all__ = [
    "VOTING_RULES",
    "VICTORY_MODELS",
    "PCE_MODELS",
    "BIG_R_RANGES",
    "BIG_R_ADJUST",
    "response",
    "coalitions",
    "victory_probability",
    "pce",
    "big_r",
    "estimated_r",
    "utility",
    "check_choice",
    "MIN_COALITION",
]

#: Every coalition starts at this strength (KTAB's ``minC``): no 0/0, ``P[a, a] = 1/2``.
MIN_COALITION = 1e-8

#: Voting rules (KTAB ``VotingRule``): the response ``g(du)`` to a utility difference.
VOTING_RULES: dict[str, str] = {
    "Prop": "g = du (proportional; KTAB's default)",
    "Binary": "g = clip(du / 1e-8, -1, 1)",
    "PropBin": "g = 0.8 du + 0.2 clip(du / 1e-8, -1, 1)",
    "Cubic": "g = du^3",
    "PropCbc": "g = 0.5 du + 0.5 du^3",
    "ASymProsp": "g = du if du < 0, 2/3 du if du > 0",
}
#: Victory-probability models (KTAB ``VPModel``): ``f`` in ``f(C_ab) / (f(C_ab) + f(C_ba))``.
VICTORY_MODELS: dict[str, str] = {
    "Linear": "f(C) = C (default)",
    "Square": "f(C) = C^2",
    "Quartic": "f(C) = C^4",
    "Octic": "f(C) = C^8",
    "Binary": "certain victory from a 10 % margin, linear in between",
}
#: PCE models (KTAB ``PCEModel``).
PCE_MODELS: dict[str, str] = {
    "Conditional": "p_a proportional to prod_b P[a > b] (one step; default)",
    "MarkovUniform": "Markov challenge process, each challenger equally likely",
    "MarkovIncentive": "Markov challenge process, challenges in proportion to C[a, b] P[a > b]",
}
#: Ranges of the risk attitude inferred from the PCE (KTAB ``BigRRange``).
BIG_R_RANGES: dict[str, str] = {
    "Mid": "R in [-1/2, 1]: (3 p - p_max - 2 p_min) / (2 (p_max - p_min)) (default)",
    "Min": "R in [0, 1]: (p - p_min) / (p_max - p_min)",
    "Max": "R in [-1, 1]: (2 p - p_max - p_min) / (p_max - p_min)",
}
#: How actor h estimates actor i's risk attitude (KTAB ``BigRAdjust``): R_hi = a R_h + (1-a) R_i.
BIG_R_ADJUST: dict[str, float] = {
    "OneThird": 2.0 / 3.0,  # (2 R_h + R_i) / 3 (default)
    "Half": 0.5,
    "TwoThirds": 1.0 / 3.0,  # (R_h + 2 R_i) / 3
    "Full": 0.0,  # R_i: h knows i's attitude
    "None": 1.0,  # R_h: h projects its own
}

_BINARY_STEP = 1e-8  # KTAB's sTol of the binary response
_VP_MIN = 1e-6  # KTAB's minX of the binary victory model
_VP_THRESHOLD = 1.10  # a 10 % strength margin wins for certain (binary victory model)


def check_choice(value: str, allowed: Mapping[str, object], what: str) -> str:
    """``value`` if it names one of ``allowed`` (a KTAB option), else a clear error."""
    if value not in allowed:
        raise ModelInputError(f"{what}={value!r}; choose one of {', '.join(allowed)}")
    return value


def response(rule: str) -> Callable[[np.ndarray], np.ndarray]:
    """The response ``g`` of voting rule ``rule`` (elementwise; see :data:`VOTING_RULES`)."""
    if rule == "Prop":
        return lambda du: du
    if rule == "Binary":
        return lambda du: np.clip(du / _BINARY_STEP, -1.0, 1.0)
    if rule == "PropBin":
        return lambda du: 0.8 * du + 0.2 * np.clip(du / _BINARY_STEP, -1.0, 1.0)
    if rule == "Cubic":
        return lambda du: du**3
    if rule == "PropCbc":
        return lambda du: 0.5 * du + 0.5 * du**3
    if rule == "ASymProsp":
        return lambda du: np.where(du > 0, du * (2.0 / 3.0), du)
    raise ModelInputError(f"voting rule {rule!r}; choose one of {', '.join(VOTING_RULES)}")


def utility(d: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """KTAB's utility of a normalised distance ``0 <= d <= 1`` for risk attitude ``r``:
    ``(1 - d)(1 + d r)`` (``r = 0`` linear, ``r > 0`` concave: risk averse). Distances never
    exceed 1 here (positions and their interpolations stay in the unit cube)."""
    return (1.0 - d) * (1.0 + d * r)


#: Elements of the largest temporary array of the chunked kernels (512 KiB of float64): small
#: enough to stay in a core's cache and to be reused rather than mapped afresh from the
#: operating system each time (with 2 MiB chunks the page faults cost more than the
#: arithmetic).
CHUNK = 1 << 16


def blocks(
    batch: int, rows: int, per_row: int, chunk: int = CHUNK
) -> Iterator[tuple[int, int, int, int]]:
    """``(b0, b1, r0, r1)``: blocks of a ``(batch, rows, per_row)`` computation, each about
    ``chunk`` elements -- several whole problems of the batch at a time when a problem is
    smaller than ``chunk``, else one problem and a range of its rows."""
    per_b = max(1, rows * per_row)
    if per_b <= chunk:
        step = max(1, chunk // per_b)
        for b0 in range(0, batch, step):
            yield b0, min(batch, b0 + step), 0, rows
        return
    step = max(1, chunk // max(1, per_row))
    for b0 in range(batch):
        for r0 in range(0, rows, step):
            yield b0, b0 + 1, r0, min(rows, r0 + step)


def coalitions(u: np.ndarray, w: np.ndarray, rule: str, *, chunk: int = CHUNK) -> np.ndarray:
    """Coalition strengths ``C[b, a, a2]`` for option ``a`` against ``a2``.

    ``u``: ``(B, K, O)`` utility to voter ``k`` of option ``o``; ``w``: ``(B, K)`` voting
    weights (>= 0). ``C[a, a2] = 1e-8 + sum_k max(0, w_k g(u_ka - u_ka2))``, the diagonal
    ``1e-8``. Computed as ``(sum_k w_k |g| + sum_k w_k g) / 2`` (two weighted sums, BLAS);
    for proportional voting the second is ``(u^T w)_a - (u^T w)_a2``. For the asymmetric
    rule ``ASymProsp`` KTAB sums each pair once, from the later option's side (``C[a2, a]``
    = the opposed votes of ``(a, a2)``, ``a > a2``); so does this.

    Memory and speed: blocks of about ``chunk`` elements of the ``(B, O, O, K)`` vote
    tensor (:func:`blocks`), computed in one reused buffer.
    """
    B, K, O = u.shape
    need_neg = rule == "ASymProsp"
    ut = np.ascontiguousarray(np.swapaxes(u, 1, 2))  # (B, O, K)
    w = np.ascontiguousarray(w, dtype=float)
    pos, neg = _dense_votes(ut, w, rule, need_neg, chunk)
    np.maximum(pos, 0.0, out=pos)  # round-off only
    if neg is not None:  # ASymProsp: lower triangle from the (later, earlier) votes, as KTAB
        np.maximum(neg, 0.0, out=neg)
        low = np.tril(np.ones((O, O), bool), -1)
        pos = np.where(low, pos, np.swapaxes(neg, 1, 2))
    pos += MIN_COALITION
    idx = np.arange(O)
    pos[:, idx, idx] = MIN_COALITION
    return pos


def _dense_votes(
    ut: np.ndarray, w: np.ndarray, rule: str, need_neg: bool, chunk: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """``(sum_k max(0, v), sum_k max(0, -v))`` of the votes ``v = w_k g(u_ka - u_ka2)`` for
    every pair (the second only if ``need_neg``).

    Every response but ``ASymProsp`` is odd (``g(-x) = -g(x)``, exactly in floating point),
    so ``sum_k w_k |g|`` is symmetric and ``sum_k w_k g`` antisymmetric in ``(a, a2)``: only
    the pairs with ``a2 >= a`` are computed, the others mirrored (the same bits as computing
    them: the terms are the same up to sign, summed in the same order).
    """
    B, O, K = ut.shape
    g = response(rule)
    odd = not need_neg
    wcol = w[:, None, :, None]  # (B, 1, K, 1)
    lin = (ut * w[:, None, :]).sum(axis=2) if rule == "Prop" else None  # (B, O)
    s_abs = np.zeros((B, O, O))
    s_lin = np.zeros((B, O, O))
    buf = np.empty(min(B * O * O * K, max(chunk, O * K)))
    for b0, b1, a0, a1 in blocks(B, O, O * K, chunk):
        c0 = a0 if odd else 0  # first column computed
        gd = buf[: (b1 - b0) * (a1 - a0) * (O - c0) * K].reshape(b1 - b0, a1 - a0, O - c0, K)
        np.subtract(ut[b0:b1, a0:a1, None, :], ut[b0:b1, None, c0:, :], out=gd)
        if lin is None:
            gd = g(gd)
            s_lin[b0:b1, a0:a1, c0:] = np.matmul(gd, wcol[b0:b1])[..., 0]
        s_abs[b0:b1, a0:a1, c0:] = np.matmul(np.abs(gd, out=gd), wcol[b0:b1])[..., 0]
    if odd:  # mirror the lower triangle
        low = np.tril(np.ones((O, O), bool), -1)
        s_abs = np.where(low, np.swapaxes(s_abs, 1, 2), s_abs)
        if lin is None:
            s_lin = np.where(low, -np.swapaxes(s_lin, 1, 2), s_lin)
    if lin is not None:
        s_lin = lin[:, :, None] - lin[:, None, :]
    pos = 0.5 * (s_abs + s_lin)
    neg = 0.5 * (s_abs - s_lin) if need_neg else None
    return pos, neg


def victory_probability(c: np.ndarray, model: str = "Linear") -> np.ndarray:
    """``P[b, a, a2]``: probability that option ``a`` beats ``a2`` given coalition strengths
    ``c`` (``(B, O, O)``); ``P + P^T = 1``, diagonal ``1/2``."""
    ct = np.swapaxes(c, -1, -2)
    if model == "Linear":
        return c / (c + ct)
    if model in ("Square", "Quartic", "Octic"):
        k = {"Square": 2, "Quartic": 4, "Octic": 8}[model]
        # divide by the larger strength first: no overflow of C^8
        m = np.maximum(c, ct)
        x1, x2 = (c / m) ** k, (ct / m) ** k
        return x1 / (x1 + x2)
    if model == "Binary":
        r = c / (c + ct)
        p = (r * (_VP_THRESHOLD + 1.0) - 1.0) / (_VP_THRESHOLD - 1.0)
        x1 = np.where(c >= _VP_THRESHOLD * ct, 1.0, np.where(ct >= _VP_THRESHOLD * c, _VP_MIN, p))
        x2 = np.where(
            c >= _VP_THRESHOLD * ct, _VP_MIN, np.where(ct >= _VP_THRESHOLD * c, 1.0, 1.0 - p)
        )
        return x1 / (x1 + x2)
    raise ModelInputError(f"victory model {model!r}; choose one of {', '.join(VICTORY_MODELS)}")


def pce(
    c: np.ndarray,
    model: str = "Conditional",
    victory: str = "Linear",
    valid: np.ndarray | None = None,
) -> np.ndarray:
    """Probability ``p[b, a]`` that each option emerges from the probabilistic Condorcet
    election with coalition strengths ``c`` (``(B, O, O)``).

    ``valid`` (``(B, O)`` bool, default all) marks the options taking part; the others get
    probability 0 and are not opponents.

    * ``Conditional``: ``p_a ∝ prod_{b valid} P[a, b]`` (``P[a, a] = 1/2`` included).
    * ``MarkovUniform``: from ``p = 1/m``, ``q_a = (1/m) sum_b P[a, b](p_a + p_b)``,
      ``p <- (p + q) / 2`` until no entry changes by more than ``1e-6``.
    * ``MarkovIncentive``: as above with challenge probabilities proportional to the
      incentive ``C[a, b] P[a, b]`` (plus ``1e-10`` on the diagonal), normalised over the
      challengers of each incumbent ``b``; until ``1e-8``.
    """
    B, O, _ = c.shape
    valid = np.ones((B, O), bool) if valid is None else np.asarray(valid, bool)
    P = victory_probability(c, victory)
    pair = valid[:, :, None] & valid[:, None, :]
    if model == "Conditional":
        with np.errstate(divide="ignore"):
            logp = np.where(pair, np.log(P), 0.0).sum(axis=2)
        logp = np.where(valid, logp, -np.inf)
        logp -= logp.max(axis=1, keepdims=True)
        p = np.exp(logp)
        return p / p.sum(axis=1, keepdims=True)
    m = valid.sum(axis=1, keepdims=True).astype(float)
    P = np.where(pair, P, 0.0)
    p = np.where(valid, 1.0 / m, 0.0)
    if model == "MarkovUniform":
        tol = 1e-6
        for _ in range(1000):
            q = (P * (p[:, :, None] + p[:, None, :])).sum(axis=2) / m
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= tol:
                return p
        raise ModelInputError("MarkovUniform PCE did not settle within 1000 iterations")
    if model == "MarkovIncentive":
        tol = 1e-8
        eye = np.eye(O, dtype=bool)[None]
        inc = np.where(pair, c * P + np.where(eye, 1e-10, 0.0), 0.0)
        chl = inc / np.maximum(inc.sum(axis=1, keepdims=True), 1e-300)  # chl[a, b]: a challenges b
        for _ in range(1000):
            ct = p[:, :, None] * np.swapaxes(chl, 1, 2)  # ct[i, j] = p_i chl[j, i]
            q = (P * (ct + np.swapaxes(ct, 1, 2))).sum(axis=2)
            change = np.abs(q - p).max()
            p = (p + q) / 2.0
            if change <= tol:
                return p
        raise ModelInputError("MarkovIncentive PCE did not settle within 1000 iterations")
    raise ModelInputError(f"PCE model {model!r}; choose one of {', '.join(PCE_MODELS)}")


def big_r(p: np.ndarray, rng: str = "Mid") -> np.ndarray:
    """Risk attitudes ``R[b, i]`` from the PCE probabilities ``p[b, i]`` of the actors'
    positions (:data:`BIG_R_RANGES`). All probabilities equal: every ``R = 0`` (KTAB divides
    by zero there)."""
    lo = p.min(axis=1, keepdims=True)
    hi = p.max(axis=1, keepdims=True)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    if rng == "Mid":
        r = (3.0 * p - (hi + 2.0 * lo)) / (2.0 * safe)
    elif rng == "Min":
        r = (p - lo) / safe
    elif rng == "Max":
        r = (2.0 * p - (hi + lo)) / safe
    else:
        raise ModelInputError(f"BigRRange {rng!r}; choose one of {', '.join(BIG_R_RANGES)}")
    return np.where(span > 0, r, 0.0)


def estimated_r(r: np.ndarray, adjust: str = "OneThird") -> np.ndarray:
    """``R_hat[b, h, i]``: actor ``h``'s estimate of ``i``'s risk attitude,
    ``a R_h + (1 - a) R_i`` with ``a`` from :data:`BIG_R_ADJUST`."""
    a = BIG_R_ADJUST[adjust]
    return a * r[:, :, None] + (1.0 - a) * r[:, None, :]

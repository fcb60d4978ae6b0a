"""An optimality certificate for a split, from the dual of the semidefinite relaxation.

For the signed adjacency ``A`` and any ``y`` with ``Diag(y) − A ⪰ 0``, weak duality of the
relaxation ``max ⟨A, X⟩ s.t. X ⪰ 0, X_ii = 1`` gives ``s'ᵀ A s' ≤ Σ_i y_i`` for every
``s' ∈ {−1, +1}^n``. For a candidate split ``s`` take ``y_i = s_i (A s)_i``: then
``Σ y_i = sᵀ A s`` and ``M s = 0`` with ``M = Diag(y) − A``, so

* ``M ⪰ 0`` proves ``s`` optimal — no split frustrates less — and ``λ₂(M) > 0`` (on the
  complement of ``s``) makes it the unique optimum up to swapping the camps;
* otherwise, with ``λ = λ_min(M) < 0``, ``y + |λ|·1`` is dual feasible and
  ``F ≥ F(s) − n|λ|/4`` (since ``F(s) = (m_w − sᵀAs/2)/2``) is an honest lower bound.

This is the dual side of the SDP relaxation used for Z₂ synchronisation and correlation
clustering (Bandeira 2018, "Random Laplacian matrices and convex relaxations", *Found.
Comput. Math.* 18; Abbe, Bandeira & Hall 2016, *IEEE Trans. Inf. Theory* 62): when the camp
structure is strong the relaxation is tight and one eigenvalue computation proves optimality.

Numerics. ``s`` is an exact null vector of ``M``; it is deflated by ``M' = M + α ssᵀ/n`` with
``α = ‖M‖_∞ ≥ λ_max(M)``, so ``λ_min(M')`` is the smallest eigenvalue of ``M`` on the
complement of ``s``. A dense symmetric eigen-solver is backward stable: the computed value
is within ``δ = 8·n·ε·‖M'‖_F`` of the true one, and the bound uses ``λ − δ``. The split is
declared optimal only when this *guaranteed* bound reaches ``F(s)``: exactly for integral
weights (the index is a multiple of the weights' common step, so the bound is rounded up to
that grid), within ``1e-9·m_w`` otherwise. Above ``dense_limit`` nodes the sparse Lanczos
solver ``eigsh`` is used; its answer is not guaranteed (it could miss a smaller eigenvalue)
and the result says so (``rigorous=False``). Before any eigenvalue, a dense Cholesky
factorisation of ``M' − δI`` is tried (about ten times cheaper than the eigenvalue): if it
succeeds with ``δ`` from Rump's bound, ``M' ≻ 0`` is proven and ``lambda2`` is reported as
NaN (not computed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from equipoise.network.graph import SignedGraph

__all__ = ["Certificate", "certify_split", "weight_step"]


@dataclass(frozen=True)
class Certificate:
    """Outcome of :func:`certify_split`.

    ``optimal``: the split is proven optimal; ``unique``: the optimum is unique up to swapping
    the camps; ``lower_bound``: guaranteed lower bound on the frustration index;
    ``lambda2``: smallest eigenvalue of ``Diag(y) − A`` on the complement of ``s``;
    ``margin``: the numerical error allowance ``δ``; ``rigorous``: whether the eigenvalue
    came with a guaranteed error bound (dense solver).
    """

    optimal: bool
    unique: bool
    value: float
    lower_bound: float
    lambda2: float
    margin: float
    rigorous: bool
    seconds: float = 0.0


def weight_step(weights: np.ndarray) -> float | None:
    """The common step of integral weights (their gcd), or ``None`` when not all weights are
    integers (then no rounding of bounds is possible)."""
    if len(weights) == 0:
        return 1.0
    if not np.all(weights == np.round(weights)) or weights.max() > 2**52:
        return None
    return float(np.gcd.reduce(weights.astype(np.int64)))


def round_bound(lb: float, value: float, step: float | None, total: float) -> tuple[float, bool]:
    """Round a lower bound up to the grid of attainable values; tell whether it proves
    ``value`` optimal."""
    lb = max(0.0, lb)
    if step is not None:
        lb = step * math.ceil(lb / step - 1e-7)
        return float(lb), lb >= value - 0.5 * step
    return float(lb), value - lb <= 1e-9 * max(1.0, total)


def certify_split(
    graph: SignedGraph,
    spins: np.ndarray,
    *,
    dense_limit: int = 4000,
    step: float | None | str = "auto",
    bound: bool = True,
) -> Certificate:
    """Try to prove that the split ``spins`` (±1 per node) minimises the frustrated weight.

    Cost: one symmetric eigenvalue computation. See the module docstring for the maths.
    ``bound=False``: only the (cheaper) Cholesky proof on the dense path; when it fails, no
    eigenvalue is computed and the lower bound is 0.
    """
    import time

    t0 = time.perf_counter()
    n = graph.n
    s = np.where(np.asarray(spins) >= 0, 1.0, -1.0)
    bad = graph.sign * s[graph.u] * s[graph.v] < 0
    value = float(graph.weight[bad].sum())
    total = graph.total_weight
    grid = weight_step(graph.weight) if step == "auto" else step
    if isinstance(grid, str):
        raise ValueError(f"step={step!r}: expected a number, None or 'auto'")
    if n <= 1 or graph.m == 0 or value == 0:
        return Certificate(True, False, value, value, math.inf, 0.0, True, time.perf_counter() - t0)
    dense = n <= dense_limit
    a = graph.adjacency(dense=dense)
    y = s * (a @ s)
    if dense:
        m = -a
        m[np.diag_indices(n)] += y
        alpha = float(np.abs(m).sum(axis=1).max())
        m += (alpha / n) * np.outer(s, s)
        # fast path: a Cholesky factorisation of M' - δI that succeeds in floating point
        # proves λ_min(M') > 0 (Rump 2006, "Verification of positive definiteness", BIT 46:
        # δ ≥ (n+1)·ε·tr(M')/(1 − 2(n+1)ε) suffices; we take three times that)
        eps = float(np.finfo(float).eps)
        delta = 3.0 * (n + 1) * eps * float(np.trace(m)) / (1.0 - 2.0 * (n + 1) * eps)
        try:
            np.linalg.cholesky(m - delta * np.eye(n))
            return Certificate(
                True, True, value, value, math.nan, delta, True, time.perf_counter() - t0
            )
        except np.linalg.LinAlgError:
            if not bound:
                return Certificate(
                    False, False, value, 0.0, math.nan, delta, True, time.perf_counter() - t0
                )
        import scipy.linalg as sla  # the solvers are imported where used (start-up time)

        lam = float(sla.eigvalsh(m, subset_by_index=[0, 0], check_finite=False)[0])
        margin = 8.0 * n * eps * float(np.linalg.norm(m))
        rigorous = True
    else:
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        m = sp.diags(y) - a
        alpha = float(abs(m).sum(axis=1).max())
        sv = s / math.sqrt(n)
        op = spla.LinearOperator(
            (n, n), matvec=lambda x: m @ x + alpha * sv * (sv @ x), dtype=float
        )
        try:
            lam = float(spla.eigsh(op, k=1, which="SA", tol=1e-10, maxiter=20 * n)[0][0])
        except spla.ArpackNoConvergence as exc:  # pragma: no cover - rare
            lam = float(np.min(exc.eigenvalues)) if len(exc.eigenvalues) else -alpha
        margin = 1e-8 * alpha
        rigorous = False
    lam_low = min(0.0, lam - margin)
    lb = value - n * abs(lam_low) / 4.0
    lb, optimal = round_bound(lb, value, grid, total)
    return Certificate(
        optimal,
        optimal and bool(lam - margin > 0),
        value,
        lb,
        lam,
        margin,
        rigorous,
        time.perf_counter() - t0,
    )

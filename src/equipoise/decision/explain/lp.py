"""A thin, quiet HiGHS LP solve (``highspy``), cheaper than ``scipy.optimize.linprog``'s
checks for the many small LPs of an explanation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LPResult", "lp_model", "solve_lp"]


@dataclass(frozen=True)
class LPResult:
    """``status``: ``optimal``, ``infeasible`` or HiGHS's own word; ``row_dual`` is the
    derivative of the optimum with respect to each row's active bound."""

    status: str
    x: np.ndarray | None
    row_dual: np.ndarray | None
    objective: float


def lp_model(
    c: np.ndarray,
    a: np.ndarray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
) -> Any:
    """A quiet ``highspy.Highs`` holding ``min c.x`` s.t. ``row_lo <= a x <= row_hi``,
    ``col_lo <= x <= col_hi`` (``±inf`` allowed)."""
    import highspy
    from scipy.sparse import csc_matrix

    from ...network.frustration import _new_highs  # no HiGHS banner on stdout

    inf = highspy.kHighsInf
    m = csc_matrix(a)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = m.shape[1], m.shape[0]
    lp.col_cost_ = np.asarray(c, float)
    lp.col_lower_ = np.nan_to_num(np.asarray(col_lo, float), neginf=-inf, posinf=inf)
    lp.col_upper_ = np.nan_to_num(np.asarray(col_hi, float), neginf=-inf, posinf=inf)
    lp.row_lower_ = np.nan_to_num(np.asarray(row_lo, float), neginf=-inf, posinf=inf)
    lp.row_upper_ = np.nan_to_num(np.asarray(row_hi, float), neginf=-inf, posinf=inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = m.indptr
    lp.a_matrix_.index_ = m.indices
    lp.a_matrix_.value_ = m.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = m.shape[1], m.shape[0]
    h = _new_highs()  # type: ignore[no-untyped-call]
    h.passModel(lp)
    return h


def run(h: Any) -> LPResult:
    """Solve the model held by ``h`` (after any change of costs)."""
    import highspy

    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        sol = h.getSolution()
        return LPResult(
            "optimal",
            np.array(sol.col_value),
            np.array(sol.row_dual),
            float(h.getInfo().objective_function_value),
        )
    word = (
        "infeasible"
        if status == highspy.HighsModelStatus.kInfeasible
        else h.modelStatusToString(status)
    )
    return LPResult(word, None, None, float("nan"))


def solve_lp(
    c: np.ndarray,
    a: np.ndarray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
) -> LPResult:
    """``min c.x`` s.t. ``row_lo <= a x <= row_hi``, ``col_lo <= x <= col_hi``."""
    return run(lp_model(c, a, row_lo, row_hi, col_lo, col_hi))

r"""Compromise model (weighted mean) -- ``docs/models.md`` §1.1.

.. math:: O = \frac{\sum_i c_i s_i x_i}{\sum_i c_i s_i}

over the actors taking part in the issue. This is the position that maximises the weighted
sum of quadratic utilities -- Achen's "compromise model" -- and the value that Stokman's
exchange model (decide-exchange-model) calls the Nash bargaining solution (NBS) of an issue.
Single pass, no iteration. ``W = sum c_i s_i = 0`` on an issue raises
:class:`~equipoise.errors.ModelInputError` naming the issue.

References: docs/models.md §1.1; Achen, C. H. (2006), "Institutional realism and bargaining
models", in Thomson, Stokman, Achen & König (eds.), *The European Union Decides*, CUP;
Stokman & Van Oosten (1994) in Bueno de Mesquita & Stokman (eds.), *European Community
Decision Making*, Yale UP.
"""

from __future__ import annotations

import numpy as np

from .base import BargainingModel, Batch
from .forecast import Forecast, single_pass_forecast
from .problem import BargainingProblem

__all__ = ["WeightedMean"]


class WeightedMean(BargainingModel):
    """Capability x salience weighted mean of positions (docs/models.md §1.1). No parameters.

    ``details[issue]`` holds ``total_weight`` (``W``).
    """

    name = "mean"

    def _forecast(self, problem: BargainingProblem) -> Forecast:
        w = problem.weight
        x = np.where(problem.present, problem.position, 0.0)
        W = w.sum(axis=0)
        val = (w * x).sum(axis=0) / W
        # all weighted positions equal -> exactly that position (no round-off)
        values = []
        for i in range(problem.n_issues):
            col = problem.position[w[:, i] > 0, i]
            values.append(float(col[0]) if np.all(col == col[0]) else float(val[i]))
        details = {issue: {"total_weight": float(W[i])} for i, issue in enumerate(problem.issues)}
        return single_pass_forecast(self.name, problem, values, details)

    def _forecast_batch(self, batch: Batch, n_jobs: int | None) -> np.ndarray:
        """Weighted means of every draw at once (no loop over draws)."""
        w = batch.weight
        out: np.ndarray = (w * np.where(batch.present, batch.position, 0.0)).sum(axis=1)
        out /= w.sum(axis=1)
        return out

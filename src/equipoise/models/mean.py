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

from typing import Any

import numpy as np

from .forecast import Forecast, single_pass_forecast
from .median import _refuse_zero_weight
from .problem import BargainingProblem, prepare_batch

__all__ = ["WeightedMean"]


class WeightedMean:
    """Capability x salience weighted mean of positions (docs/models.md §1.1). No parameters.

    ``details[issue]`` holds ``total_weight`` (``W``).
    """

    name = "mean"
    #: Issues are decided together (an option changing one issue can move the others),
    #: and the model needs at least this many.
    joint_issues = False
    min_issues = 1

    def get_params(self) -> dict[str, Any]:
        return {}

    def forecast(self, problem: BargainingProblem) -> Forecast:
        problem.require_weight()
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

    def forecast_batch(
        self,
        position: Any,
        salience: Any,
        capability: Any,
        *,
        lower: Any = None,
        upper: Any = None,
        issues: Any = None,
        actors: Any = None,
    ) -> np.ndarray:
        """Weighted means of many draws at once.

        ``position``, ``salience``, ``capability`` broadcast to ``(B, n_actors, n_issues)``
        (see :func:`equipoise.models.problem.prepare_batch`); returns ``(B, n_issues)``.
        Fully vectorised (no loop over draws).
        """
        x, s, c, present, lo, hi = prepare_batch(
            position, salience, capability, lower, upper, issues, actors
        )
        w = c * s
        W = w.sum(axis=1)
        _refuse_zero_weight(W, issues)
        return (w * np.where(present, x, 0.0)).sum(axis=1) / W

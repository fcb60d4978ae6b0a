"""The one result type shared by every bargaining model.

A :class:`Forecast` gives, per issue id:

* ``outcome[issue]`` -- the forecast (a float);
* ``trajectory[issue]`` -- a 1-D array: ``trajectory[0]`` is the forecast on the initial
  positions and ``trajectory[k]`` the forecast after round ``k`` (length 1 for the
  single-pass models ``mean`` and ``median``; for ``eum`` the weighted median of the
  positions each round; for ``exchange`` the weighted mean ``O_d`` each round);
  ``outcome[issue] == trajectory[issue][-1]``;
* ``positions[issue][actor]`` -- final position of every actor taking part in the issue;
* ``rounds_run[issue]`` and ``converged[issue]`` -- rounds actually run and whether the
  run stopped at a fixed point / common position rather than at the round cap (single-pass
  models: 0 and ``True``);
* ``details`` -- model-specific diagnostics (documented by each model).

``to_dict()`` gives the JSON-ready
``{ISSUE: {"outcome": float, "trajectory": [...], "positions": {ACTOR: float}}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Forecast", "single_pass_forecast"]


@dataclass
class Forecast:
    """Result of one model run on a :class:`~equipoise.models.problem.BargainingProblem`."""

    model: str
    params: dict[str, Any]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    outcome: dict[str, float]
    trajectory: dict[str, np.ndarray]
    positions: dict[str, dict[str, float]]
    rounds_run: dict[str, int]
    converged: dict[str, bool]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-ready ``{ISSUE: {"outcome", "trajectory", "positions"}}`` (plain floats)."""
        return {
            issue: {
                "outcome": float(self.outcome[issue]),
                "trajectory": [float(v) for v in np.asarray(self.trajectory[issue])],
                "positions": {a: float(v) for a, v in self.positions[issue].items()},
            }
            for issue in self.issues
        }

    def __repr__(self) -> str:
        out = ", ".join(f"{i}={self.outcome[i]:.4g}" for i in self.issues[:6])
        more = ", ..." if len(self.issues) > 6 else ""
        return f"Forecast(model={self.model!r}, {out}{more})"


def single_pass_forecast(model: str, problem: Any, values: Any,
                         details: dict[str, Any]) -> Forecast:
    """The :class:`Forecast` of a single-pass model (``mean``, ``median``): one value per
    issue (``values``, in ``problem.issues`` order), no rounds, the actors' positions
    unchanged."""
    present = problem.present
    outcome, traj, pos = {}, {}, {}
    for i, issue in enumerate(problem.issues):
        outcome[issue] = float(values[i])
        traj[issue] = np.array([outcome[issue]])
        pos[issue] = {a: float(problem.position[k, i])
                      for k, a in enumerate(problem.actors) if present[k, i]}
    return Forecast(
        model=model, params={}, actors=problem.actors, issues=problem.issues,
        outcome=outcome, trajectory=traj, positions=pos,
        rounds_run={i: 0 for i in problem.issues},
        converged={i: True for i in problem.issues}, details=details,
    )

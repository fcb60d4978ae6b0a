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
  run settled (a fixed point or a cycle, or the chosen stop rule fired) rather than
  stopping at the round cap or the horizon (single-pass models: 0 and ``True``);
* ``cycle[issue]`` -- the period of the cycle the positions settled into (``None``: a fixed
  point, a single-pass model, or no convergence) and ``forecast_range[issue]`` -- ``(lo,
  hi)``: the forecast's range over the cycle, or over the last rounds of a run that did not
  converge (equal ends when it settled on one value); see
  :mod:`equipoise.models.convergence`. For a cycle ``outcome`` is the mean of the cycle's
  forecasts, otherwise ``outcome[issue] == trajectory[issue][-1]``;
* ``history[issue][actor]`` -- iterative models: the actor's position each round (index 0
  the initial one; for ``exchange`` the voting positions after each round);
* ``scale[issue]`` -- ``(lower, upper)`` of the issue's scale;
* ``details[issue]`` -- the model's diagnostics of each issue (a dict, documented by each
  model; one entry for every issue, see :mod:`equipoise.models.base`);
* ``run_details`` -- diagnostics of a joint run over all issues (``exchange``: its rounds
  of exchanges), empty for models that forecast each issue on its own;
* ``decided_by[issue]`` -- the actor that decides the issue unilaterally, or ``None`` for a
  bargained issue (set by :func:`equipoise.models.api.forecast`; empty when a model's
  :meth:`forecast` is called directly).

``to_dict()`` gives the JSON-ready ``{ISSUE: {"outcome": float, "trajectory": [...],
"positions": {ACTOR: float}, "converged": bool, "rounds_run": int, "cycle": int | None,
"range": [lo, hi]}}``, plus ``"history": {ACTOR: [...]}`` for iterative models.
:meth:`Forecast.movers` lists the actors that moved most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where used: ``equipoise.models`` imports this module
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
    cycle: dict[str, int | None] = field(default_factory=dict)
    forecast_range: dict[str, tuple[float, float]] = field(default_factory=dict)
    history: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    scale: dict[str, tuple[float, float]] = field(default_factory=dict)
    run_details: dict[str, Any] = field(default_factory=dict)
    decided_by: dict[str, str | None] = field(default_factory=dict)

    @property
    def iterative(self) -> bool:
        """True for a model that runs rounds (it records each actor's positions)."""
        return bool(self.history)

    def range_of(self, issue: str) -> tuple[float, float]:
        """The forecast's range on ``issue`` (the outcome twice if none was recorded)."""
        v = float(self.outcome[issue])
        lo, hi = self.forecast_range.get(issue, (v, v))
        return float(lo), float(hi)

    def non_converged(self) -> list[str]:
        """The issues whose run did not converge (in issue order)."""
        return [i for i in self.issues if not self.converged.get(i, True)]

    def movers(self, issue: str, top: int | None = None) -> list[dict[str, Any]]:
        """Actors by how far they moved on ``issue`` from their initial to their final
        position, farthest first: ``{"actor", "initial", "final", "moved", "crossed_half"}``
        (``crossed_half``: moved more than half the scale). Empty for single-pass models."""
        hist = self.history.get(issue)
        if not hist:
            return []
        lo, hi = self.scale.get(issue, (0.0, 100.0))
        half = 0.5 * (hi - lo)
        import numpy as np

        rows: list[dict[str, Any]] = []
        for actor, h in hist.items():
            h = np.asarray(h, float)
            moved = float(h[-1] - h[0])
            rows.append(
                {
                    "actor": actor,
                    "initial": float(h[0]),
                    "final": float(h[-1]),
                    "moved": moved,
                    "crossed_half": abs(moved) > half,
                }
            )
        rows.sort(key=lambda r: -abs(r["moved"]))
        return rows[:top] if top is not None else rows

    def convergence(self, issue: str) -> dict[str, Any]:
        """``{"converged", "rounds_run", "cycle", "range"}`` of ``issue`` (JSON-ready)."""
        lo, hi = self.range_of(issue)
        cyc = self.cycle.get(issue)
        return {
            "converged": bool(self.converged.get(issue, True)),
            "rounds_run": int(self.rounds_run.get(issue, 0)),
            "cycle": None if cyc is None else int(cyc),
            "range": [lo, hi],
        }

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-ready ``{ISSUE: {"outcome", "trajectory", "positions", "converged",
        "rounds_run", "cycle", "range"[, "history"]}}`` (plain floats)."""
        import numpy as np

        out: dict[str, dict[str, Any]] = {}
        for issue in self.issues:
            d: dict[str, Any] = {
                "outcome": float(self.outcome[issue]),
                "trajectory": [float(v) for v in np.asarray(self.trajectory[issue])],
                "positions": {a: float(v) for a, v in self.positions[issue].items()},
                **self.convergence(issue),
            }
            if issue in self.history:
                d["history"] = {
                    a: [float(v) for v in np.asarray(h)] for a, h in self.history[issue].items()
                }
            out[issue] = d
        return out

    def __repr__(self) -> str:
        out = ", ".join(f"{i}={self.outcome[i]:.4g}" for i in self.issues[:6])
        more = ", ..." if len(self.issues) > 6 else ""
        return f"Forecast(model={self.model!r}, {out}{more})"


def single_pass_forecast(
    model: str, problem: Any, values: Any, details: dict[str, Any]
) -> Forecast:
    """The :class:`Forecast` of a single-pass model (``mean``, ``median``): one value per
    issue (``values``, in ``problem.issues`` order), no rounds, the actors' positions
    unchanged."""
    import numpy as np

    present = problem.present
    outcome, traj, pos = {}, {}, {}
    for i, issue in enumerate(problem.issues):
        outcome[issue] = float(values[i])
        traj[issue] = np.array([outcome[issue]])
        pos[issue] = {
            a: float(problem.position[k, i]) for k, a in enumerate(problem.actors) if present[k, i]
        }
    return Forecast(
        model=model,
        params={},
        actors=problem.actors,
        issues=problem.issues,
        outcome=outcome,
        trajectory=traj,
        positions=pos,
        rounds_run={i: 0 for i in problem.issues},
        converged={i: True for i in problem.issues},
        details=details,
        cycle={i: None for i in problem.issues},
        forecast_range={i: (outcome[i], outcome[i]) for i in problem.issues},
        scale={
            i: (float(problem.lower[k]), float(problem.upper[k]))
            for k, i in enumerate(problem.issues)
        },
    )

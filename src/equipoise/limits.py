"""Caps on the sizes a user can ask for, so that memory and time stay bounded.

* ``MAX_ROUNDS`` — round cap of the iterative models (``--rounds``, ``rounds=``, and the
  ``horizon`` parameter). A run never goes past the convergence horizon (50
  rounds, :mod:`equipoise.models.convergence`), so a larger cap changes nothing except in the
  exchange model's ``mode="decide"`` (which runs exactly ``rounds`` rounds and keeps a record of
  each) and with a raised ``horizon``: the cap bounds those records.
* ``MAX_DRAWS`` — SMAA draws of ``decide``/``analyze`` (``--draws``, ``draws=``). The draws'
  values are kept in memory (options × criteria per draw) and each draw runs the bargaining
  models once per option, so 100,000 draws are already hours on a large scenario.

Both are checked by the library (:class:`~equipoise.errors.ModelInputError`, a clear message)
and by the command line before any work starts (exit status 2).
"""

from __future__ import annotations

from numbers import Real
from typing import Any

__all__ = ["MAX_ROUNDS", "MAX_DRAWS", "check_rounds", "check_draws"]

#: Most rounds an iterative model may be asked for.
MAX_ROUNDS = 1_000
#: Most SMAA draws a decision analysis may be asked for.
MAX_DRAWS = 100_000


def check_rounds(value: Any, what: str = "rounds") -> None:
    """Refuse a round count above :data:`MAX_ROUNDS` (``None`` passes: the default)."""
    from .errors import ModelInputError

    if (
        value is not None
        and not isinstance(value, bool)
        and isinstance(value, Real)
        and float(value) > MAX_ROUNDS
    ):
        raise ModelInputError(
            f"{what}={value!r} is over the cap of {MAX_ROUNDS:,} rounds "
            f"(runs stop at the convergence horizon of 50 rounds anyway)"
        )


def check_draws(value: Any) -> None:
    """Refuse a draw count above :data:`MAX_DRAWS`."""
    from .errors import ModelInputError

    if not isinstance(value, bool) and isinstance(value, Real) and float(value) > MAX_DRAWS:
        raise ModelInputError(f"draws={value!r} is over the cap of {MAX_DRAWS:,} draws")


#: Seconds the exact smallest-change MILPs of one explanation may take together in the
#: commands (``explain``, ``analyze``, the workbench API); the library's ``explain`` has no
#: limit unless given one. A view not settled in time is reported as "time limit".
EXPLAIN_TIME_LIMIT = 60.0

#: Most grid points (model reruns of one changed input) the approximate search of the
#: explanation may make inside ``analyze`` (an upper bound from the scenario's size,
#: :func:`equipoise.decision.explain.search.grid_points_bound`). The built-in scenario has
#: 1,274, a 200-actor x 10-issue one ~59,000 (each rerun of its 200 actors taking ~0.1-0.5 s:
#: hours). Over it ``analyze`` skips the search and says so; ``explain --search`` runs it.
MAX_ANALYZE_SEARCH_POINTS = 10_000

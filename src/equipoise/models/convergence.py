r"""When an iterative model stops, and what its forecast is then (shared by ``eum`` and
``exchange``).

An iterative model maps a state ``x_t`` (the actors' positions; for the exchange model the
positions the next round starts from) to ``x_{t+1}`` by a rule that depends on the state
alone, and gives a forecast ``f_t`` per round (``f_0`` on the initial state). After every
round ``t`` the run looks back for a repetition (the default stop rule ``"repeat"``)::

    p = the least p in 1..min(t, max_period) with max_k |x_t[k] - x_{t-p}[k]| <= tol

* ``p = 1``: a **fixed point** -- nothing moves any more; the run stops, ``converged``,
  ``cycle = None``, the forecast is ``f_t`` and its range ``[f_t, f_t]``.
* ``p >= 2``: a **cycle** of period ``p`` -- the states ``x_{t-p+1} .. x_t`` repeat for
  ever (the rule is deterministic); the run stops, ``converged``, ``cycle = p``, the
  forecast is the **mean of the cycle's forecasts** ``(f_{t-p+1} + ... + f_t) / p`` and its
  range their ``[min, max]``.
* neither within ``min(rounds, horizon)`` rounds: the run stops there, ``converged =
  False``, ``cycle = None``; the forecast is the last round's ``f_T`` and its range the
  ``[min, max]`` of the last ``window`` forecasts ``f_{T-window+1} .. f_T`` (all of them if
  fewer).

The round cap (``rounds``) is a cap only: a run never goes past ``horizon`` rounds, so
once the cap reaches the horizon the forecast no longer depends on it.

Other stop rules (named options, as published):

* ``"forecast_change"`` -- stop after the first round whose forecast differs from the
  previous one by at most ``stop_threshold`` (scale points); the change-of-forecast rule
  that Scholz, Calbert & Smith (2011) discuss for Bueno de Mesquita's model. ``converged``
  when it fires; forecast ``f_t``, range over the last two rounds. A rule of the forecast
  only: a cycle whose forecast happens to repeat for one round stops it.
* ``"no_positive_challenge"`` (``eum`` only) -- stop when no actor expects to gain from
  challenging any other (every ``EU(i -> j) <= 0`` in the round's first pass): the game is
  over in Bueno de Mesquita's (1994) sense. Checked before the round's moves; also stops at
  a fixed point.

``tol`` = ``1e-9`` of the issue's scale width (docs/models.md §0.1), ``horizon`` = 50 rounds,
``max_period`` = 12, ``window`` = 10 (module constants; the models take them as keyword
arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "HORIZON",
    "MAX_PERIOD",
    "WINDOW",
    "STOP_RULES",
    "first_repeat",
    "Outcome",
    "summarise",
    "check_stop_rule",
]

#: Most rounds any run goes, whatever the round cap.
HORIZON = 50
#: Longest cycle looked for.
MAX_PERIOD = 12
#: Rounds over which the range of a run that neither settles nor cycles is reported.
WINDOW = 10

#: Named stop rules and what they mean (see the module docstring).
STOP_RULES: dict[str, str] = {
    "repeat": "stop at a fixed point or a cycle of the positions (default)",
    "forecast_change": "stop when the forecast changes by at most stop_threshold "
    "(Scholz et al. 2011)",
    "no_positive_challenge": "stop when no actor expects to gain from a challenge "
    "(Bueno de Mesquita 1994; eum only)",
}


def check_stop_rule(
    rule: str, threshold: float | None, model: str, allowed: tuple[str, ...]
) -> float:
    """Validate a stop rule name and its threshold; returns the threshold (0 if unused)."""
    from ..errors import ModelInputError

    if rule not in allowed:
        raise ModelInputError(f"{model} stop_rule={rule!r}; choose one of {', '.join(allowed)}")
    t = 0.0 if threshold is None else float(threshold)
    if not (t >= 0.0 and np.isfinite(t)):
        raise ModelInputError(f"{model} stop_threshold={threshold!r} must be a number >= 0")
    return t


def first_repeat(history: np.ndarray, t: int, tol: float, max_period: int = MAX_PERIOD) -> int:
    """The least period ``p`` in ``1..min(t, max_period)`` with ``history[t]`` within ``tol``
    of ``history[t - p]`` (every component), else 0. ``history``: ``(T + 1, ...)``."""
    x = history[t]
    for p in range(1, min(t, max_period) + 1):
        if not (np.abs(x - history[t - p]).max() > tol):
            return p
    return 0


@dataclass(frozen=True)
class Outcome:
    """The forecast of a run and its diagnostics."""

    value: float
    converged: bool
    cycle: int | None
    low: float
    high: float


def summarise(forecasts: np.ndarray, period: int, converged: bool, window: int = WINDOW) -> Outcome:
    """The forecast and its range from the per-round forecasts ``f_0 .. f_T`` and the
    detected ``period`` (0: none, 1: fixed point, ``p >= 2``: cycle), per the module
    docstring."""
    f = np.asarray(forecasts, float)
    if period >= 2:
        last = f[-period:]
        return Outcome(float(last.mean()), True, int(period), float(last.min()), float(last.max()))
    if converged:
        v = float(f[-1])
        return Outcome(v, True, None, v, v)
    last = f[-max(1, min(window, len(f))) :]
    return Outcome(float(f[-1]), False, None, float(last.min()), float(last.max()))

"""equipoise: analyse a great power's balancing act in a regional conflict.

The library API (the command line is a thin layer over it)::

    import equipoise
    scenario = equipoise.load("nagorno-karabakh-2020")     # or any supported file
    fc = equipoise.forecast(scenario, model="eum", rounds=10)
    fc.outcome["territory"], fc.trajectory["territory"]

See :func:`equipoise.io.load`, :mod:`equipoise.models`, :mod:`equipoise.network`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load", "save", "forecast", "forecast_batch", "Scenario"]


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `import equipoise` (and the CLI's start-up) fast.
    if name in ("load", "save"):
        from . import io

        return getattr(io, name)
    if name in ("forecast", "forecast_batch"):
        from .models import api

        return getattr(api, name)
    if name == "Scenario":
        from .scenario import Scenario

        return Scenario
    raise AttributeError(f"module 'equipoise' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazy re-exports too, so that ``dir(equipoise)`` and completion show them."""
    return sorted(set(globals()) | set(__all__))

"""The balancer's decision: options as scenario transforms, doctrines, SMAA-2 robustness.

See :func:`decide` (the analysis), :mod:`.changes` (applying options and variants),
:mod:`.packages` (options taken together), :mod:`.criteria` (computed and declared criteria),
:mod:`.validation` (``validate``'s checks of the decision format) and :mod:`.smaa` (the
SMAA-2 indices on arrays). Exports are imported lazily, so that ``validate`` (which uses the
pure-Python modules) does not load the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "decide": ".analysis",
    "DecisionResult": ".analysis",
    "CORE_CRITERIA": ".analysis",
    "utilities": ".values",
    "apply": ".changes",
    "apply_changes": ".changes",
    "options_of": ".changes",
    "status_quo_of": ".changes",
    "smaa2": ".smaa",
    "SMAAResult": ".smaa",
    "package_option": ".packages",
    "contradictions": ".packages",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

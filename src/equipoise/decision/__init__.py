"""The balancer's decision: options as scenario transforms, doctrines, SMAA-2 robustness.

See :func:`decide` (the analysis), :mod:`.changes` (applying options and variants) and
:mod:`.smaa` (the SMAA-2 indices on arrays).
"""

from .analysis import CORE_CRITERIA, DecisionResult, decide, utilities
from .changes import BASELINE_ID, apply, apply_changes, baseline_option, options_of
from .smaa import SMAAResult, smaa2

__all__ = ["decide", "DecisionResult", "CORE_CRITERIA", "utilities", "apply",
           "apply_changes", "options_of", "baseline_option", "BASELINE_ID", "smaa2",
           "SMAAResult"]

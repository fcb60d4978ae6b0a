"""What you would have to believe for an option to be first (issue 10, items 1-3).

:func:`explain` (:mod:`.explanation`) gathers the exact favourable weights
(:mod:`.weights`), the stability intervals (:mod:`.stability`), the smallest change of the
declared judgements (:mod:`.judgements`) and, on request, the approximate smallest change of
stances, capabilities and relation weights (:mod:`.search`); :mod:`.words` says it in
sentences.
"""

from __future__ import annotations

from .explanation import ANY, DoctrineView, Explanation, OptionView, explain
from .judgements import Change, apply_judgements
from .stability import Stability, stability_intervals
from .weights import Favourable, Widening, favourable_weights, smallest_widening

__all__ = [
    "ANY",
    "Change",
    "DoctrineView",
    "Explanation",
    "Favourable",
    "OptionView",
    "Stability",
    "Widening",
    "apply_judgements",
    "explain",
    "favourable_weights",
    "smallest_widening",
    "stability_intervals",
]

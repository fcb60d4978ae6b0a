"""What you would have to believe for an option to be first: items 1-3 of issue 10.

:func:`explain` runs the deterministic decision analysis (``decide`` with no draws: each
criterion normalised by its minimum and maximum over the options, so that the explanation
does not depend on a random seed) and, for every option and doctrine (and for **any
weights**, the whole simplex of the criteria):

1. whether the option can be first for some weights within the doctrine's ranges, a
   witness, the best margin and the weight ranges, or the smallest widening of the ranges
   (:mod:`.weights`, exact LPs);
2. for the option each doctrine picks, the stability interval of every criterion's weight
   (:mod:`.stability`, closed form);
3. the smallest change of the declared criteria values that makes the option first under
   the doctrine's central weights (:mod:`.judgements`, an exact MILP) and, approximately,
   the smallest single change of a stance, capability or relation weight
   (:mod:`.search`, a line search through the model's batch API).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import ModelInputError
from ...scenario import Scenario
from ...strict_json import rounded
from ..analysis import _setting, _weight_bounds, decide
from ..criteria import declared_criteria
from ..result import DecisionResult
from .judgements import Change, ChangeTimeLimit, judgement_model, smallest_change
from .stability import Stability, stability_intervals
from .weights import Favourable, Widening, favourable_weights, smallest_widening

__all__ = ["explain", "Explanation", "DoctrineView", "OptionView", "ANY"]

#: Key of the unconstrained simplex of the criteria among the doctrines.
ANY = "(any weights)"


@dataclass
class DoctrineView:
    """A doctrine's ranges, central weights, pick and stability intervals."""

    id: str
    name: str
    lower: np.ndarray  # (k,) declared ranges (any weights: 0 and 1)
    upper: np.ndarray
    central: np.ndarray  # (k,) midpoint weights normalised to sum 1
    pick: int  # the option first under the central weights
    stability: list[Stability]


@dataclass
class OptionView:
    """One option under one doctrine."""

    favourable: Favourable
    widening: Widening | None
    change: list[Change] | None  # [] first already; None: no declared change does it
    approximate: list[Change] = field(default_factory=list)
    change_timed_out: bool = False  # the time limit came first: ``change`` is None, unproven


@dataclass
class Explanation:
    """Items 1-3 for the explained options and doctrines (``to_dict`` for JSON)."""

    decision: DecisionResult
    criteria: list[str]
    options: list[str]  # every evaluated option (the rivals), the status quo first
    explained: list[str]  # the options explained
    doctrines: dict[str, DoctrineView]
    views: dict[str, dict[str, OptionView]]  # option -> doctrine -> view
    searched: bool = False  # whether the approximate search ran
    #: inputs the approximate search covered and the inputs there are (fewer when the time
    #: limit came first); (0, 0) when it did not run
    search_inputs: tuple[int, int] = (0, 0)

    @property
    def search_complete(self) -> bool:
        """Whether the approximate search covered every input."""
        return self.search_inputs[0] == self.search_inputs[1]

    @property
    def normalised(self) -> np.ndarray:
        return self.decision.normalised

    def name(self, option: str) -> str:
        return self.decision.option_names.get(option, option)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``equipoise explain --json`` (README, *Explaining a decision*)."""
        crit = self.criteria

        def fl(x: float) -> float | None:
            return rounded(x, 12)

        def vec(w: np.ndarray | None) -> dict[str, float | None] | None:
            return None if w is None else {c: fl(w[j]) for j, c in enumerate(crit)}

        def pairs(lo: np.ndarray, hi: np.ndarray) -> dict[str, list[float | None]]:
            return {c: [fl(lo[j]), fl(hi[j])] for j, c in enumerate(crit)}

        def changes(cs: list[Change] | None) -> list[dict[str, Any]]:
            return [
                {
                    "input": c.input,
                    "from": fl(c.old),
                    "to": fl(c.new),
                    "units": fl(c.units),
                    "kind": c.kind,
                }
                for c in cs or []
            ]

        opt = self.options
        doctrines = {}
        for d, v in self.doctrines.items():
            doctrines[d] = {
                "name": v.name,
                "ranges": pairs(v.lower, v.upper),
                "central_weights": vec(v.central),
                "pick": opt[v.pick],
                "stability": [
                    {
                        "criterion": s.criterion,
                        "weight": fl(s.weight),
                        "interval": [fl(s.lower), fl(s.upper)],
                        "below": None if s.below is None else opt[s.below],
                        "above": None if s.above is None else opt[s.above],
                    }
                    for s in v.stability
                ],
            }
        options: dict[str, Any] = {}
        for o in self.explained:
            per: dict[str, Any] = {}
            for d, view in self.views[o].items():
                f, wd = view.favourable, view.widening
                status = (
                    "time limit"
                    if view.change_timed_out
                    else "first already"
                    if view.change == []
                    else "impossible"
                    if view.change is None
                    else "found"
                )
                per[d] = {
                    "can_be_first": f.can_be_first,
                    "witness": vec(f.witness),
                    "margin": fl(f.margin),
                    "weight_ranges": None
                    if f.weight_ranges is None
                    else pairs(f.weight_ranges[:, 0], f.weight_ranges[:, 1]),
                    "widening": None if wd is None else fl(wd.total),
                    "widened_ranges": None if wd is None else pairs(wd.lower, wd.upper),
                    "certificate": None
                    if f.certificate is None
                    else {opt[i]: fl(x) for i, x in enumerate(f.certificate) if x > 0},
                    "smallest_change": changes(view.change),
                    "change_status": status,
                    "change_distance": None
                    if view.change is None
                    else fl(sum(c.units for c in view.change)),
                }
                if self.searched:
                    per[d]["approximate_change"] = changes(view.approximate)
            options[o] = {"name": self.name(o), "doctrines": per}
        return {
            "balancer": self.decision.balancer,
            "model": self.decision.model,
            "variant": self.decision.variant,
            "status_quo": self.decision.status_quo,
            "criteria": crit,
            "normalised": {
                o: {c: fl(self.normalised[i, j]) for j, c in enumerate(crit)}
                for i, o in enumerate(opt)
            },
            "doctrines": doctrines,
            "options": options,
            **(
                {
                    "search": {
                        "inputs_searched": self.search_inputs[0],
                        "inputs": self.search_inputs[1],
                        "complete": self.search_complete,
                    }
                }
                if self.searched
                else {}
            ),
        }


def _doctrine_ranges(
    scenario: Scenario, variant: str | None, criteria: list[str], only: str | None
) -> dict[str, tuple[str, np.ndarray, np.ndarray]]:
    out: dict[str, tuple[str, np.ndarray, np.ndarray]] = {}
    for d in scenario.doctrines:
        if only is not None and d.id != only:
            continue
        weights = d.weights_by_variant.get(variant, d.weights) if variant else d.weights
        lo, hi = _weight_bounds(d.id, weights, criteria)
        out[d.id] = (d.name, lo, hi)
    if only is None or only == ANY:
        k = len(criteria)
        out[ANY] = ("any weights (the whole simplex)", np.zeros(k), np.ones(k))
    if only is not None and not out:
        known = ", ".join(d.id for d in scenario.doctrines) or "(none defined)"
        raise ModelInputError(f"unknown doctrine '{only}'; doctrines: {known}")
    return out


def explain(
    scenario: Scenario,
    *,
    model: str = "eum",
    variant: str | None = None,
    option: str | None = None,
    doctrine: str | None = None,
    rounds: int | None = None,
    search: bool = False,
    time_limit: float | None = None,
    views: bool = True,
    **model_params: Any,
) -> Explanation:
    """What one would have to believe for each option to be first (module docstring).

    ``option`` / ``doctrine`` restrict what is explained (every option stays a rival);
    ``search`` adds the approximate smallest change of stances, capabilities and relation
    weights (:mod:`.search`; slower: it reruns the model). ``time_limit`` (seconds) bounds the
    exact smallest-change MILPs and then the search together; a view not settled in time says
    so (``change_status: "time limit"``) instead of claiming a result, and a search cut short
    says which share of the inputs it covered (``search_inputs``). ``views=False`` gives
    item 2 only (how stable each doctrine's choice is: no option explained, no LP, MILP or
    search), what the workbench's what-if page shows.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    setting = _setting(scenario, model, variant, rounds, model_params, None, 0)
    result = decide(
        scenario,
        model=model,
        variant=variant,
        draws=0,
        rounds=rounds,
        prepared=setting,
        **model_params,
    )
    criteria = list(result.criteria)
    options = list(result.options)
    if option is not None and option not in options:
        raise ModelInputError(f"unknown option '{option}'; options: " + ", ".join(options))
    explained = ([option] if option is not None else options) if views else []
    n = result.normalised
    ranges = _doctrine_ranges(scenario, variant, criteria, doctrine)
    doctrines: dict[str, DoctrineView] = {}
    for d, (name, lo, hi) in ranges.items():
        mid = (lo + hi) / 2
        central = mid / mid.sum()
        pick, stab = stability_intervals(n, central, criteria)
        doctrines[d] = DoctrineView(d, name, lo, hi, central, pick, stab)
    option_views: dict[str, dict[str, OptionView]] = {}
    if explained:
        jm = judgement_model(scenario, variant, options, declared_criteria(scenario), criteria)
    for o in explained:
        i = options.index(o)
        by_doctrine: dict[str, OptionView] = {}
        option_views[o] = by_doctrine
        for d, view in doctrines.items():
            fav = favourable_weights(n, i, view.lower, view.upper)
            wide = None
            if not fav.can_be_first and d != ANY:
                wide = smallest_widening(n, i, view.lower, view.upper)
            try:
                by_doctrine[d] = OptionView(
                    fav, wide, smallest_change(jm, n, view.central, i, deadline)
                )
            except ChangeTimeLimit:
                by_doctrine[d] = OptionView(fav, wide, None, change_timed_out=True)
    out = Explanation(result, criteria, options, explained, doctrines, option_views)
    if search and explained:
        from .search import search_changes

        search_changes(out, scenario, setting, deadline)
        out.searched = True
    return out

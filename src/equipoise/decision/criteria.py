"""The criteria of the balancer's decision: computed ones and those the options declare.

Computed by every analysis (higher is better): ``outcome``, ``relations``,
``partner_satisfaction`` and ``satisfaction:ACTOR``; ``cross_pressure`` is computed as
information and becomes a criterion only when a doctrine or expectation weighs it.

Declared criteria come from the scenario's ``criteria:`` list (id, name, direction, scale,
uncertainty) and, for the older ``costs:`` mappings of the options, from every cost key not
declared there: a *cost* criterion on a 0-10 scale. Pure Python (used by ``validate``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario import Option, Scenario, Sourced

__all__ = [
    "COMPUTED",
    "OPTIONAL",
    "DeclaredCriterion",
    "declared_criteria",
    "declared_values",
    "known_criteria",
    "LEGACY_SCALE",
]

#: Criteria every decision analysis computes (plus ``satisfaction:ACTOR``).
COMPUTED = ("outcome", "relations", "partner_satisfaction")
#: Computed criteria that count only when a doctrine or an expectation weighs them.
OPTIONAL = ("cross_pressure",)
#: Scale of a cost key of ``costs:`` that ``criteria:`` does not declare.
LEGACY_SCALE = (0.0, 10.0)
DEFAULT_CRITERIA_SHARE = 0.10


@dataclass(frozen=True)
class DeclaredCriterion:
    """A criterion that options declare values on."""

    id: str
    name: str
    direction: str  # "benefit" or "cost"
    lo: float
    hi: float
    uncertainty: float  # ± in scale units for the SMAA draws
    legacy: bool  # a key of `costs:` not declared in `criteria:`
    combine: str = "sum"  # how a package's value follows from its parts' (sum, max, mean)

    @property
    def sign(self) -> float:
        """+1 for a benefit, -1 for a cost: the orientation 'higher is better'."""
        return 1.0 if self.direction == "benefit" else -1.0


def declared_criteria(
    scenario: Scenario, options: list[Option] | None = None
) -> dict[str, DeclaredCriterion]:
    """Every declared criterion: the ``criteria:`` list, then the undeclared cost keys of the
    options (in order of first use)."""
    share = scenario.uncertainty.criteria
    out: dict[str, DeclaredCriterion] = {}
    for c in scenario.criteria:
        if c.id in out:
            continue
        unc = c.uncertainty if c.uncertainty is not None else share * (c.scale.max - c.scale.min)
        out[c.id] = DeclaredCriterion(
            c.id,
            c.name,
            c.direction,
            c.scale.min,
            c.scale.max,
            unc,
            legacy=False,
            combine=c.combine,
        )
    lo, hi = LEGACY_SCALE
    for o in scenario.options if options is None else options:
        for key in o.costs:
            if key not in out:
                out[key] = DeclaredCriterion(
                    key, key, "cost", lo, hi, share * (hi - lo), legacy=True
                )
    return out


def declared_values(option: Option) -> dict[str, Sourced]:
    """An option's declared criteria values (``costs`` and ``criteria`` together)."""
    return {**option.costs, **option.criteria}


def known_criteria(scenario: Scenario) -> set[str]:
    """Names a doctrine may weigh (besides ``satisfaction:ACTOR``)."""
    return {*COMPUTED, *OPTIONAL, *declared_criteria(scenario)}

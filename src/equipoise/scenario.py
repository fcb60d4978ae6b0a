"""The scenario data model: actors, issues, stances, relations, events, options, doctrines.

A :class:`Scenario` is everything equipoise knows about a conflict at one date. Every number
in it carries its provenance: either a ``source`` (the id of a named :class:`Source` plus the
quoted sentence or page it comes from) or an ``assumption`` (the reason it was assumed).

Numbers are written either in full::

    position: {value: 30, source: {ref: aliyev2020, quote: "..."}}

or as plain numbers inside a record that carries the provenance for all of its numbers::

    - {actor: RUS, issue: territory, position: 30, salience: 0.8,
       assumption: "Russia's stance inferred from ..."}

Structural validation (types, required and unknown fields) is pydantic's; the cross-record
checks (unique ids, known references, positions on the scale, provenance present) are in
:func:`check_scenario`, which returns every problem at once with its location.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .network.kinds import DEFAULT_KINDS

__all__ = [
    "Citation",
    "Sourced",
    "Source",
    "Actor",
    "ScalePoint",
    "Scale",
    "Outcome",
    "Issue",
    "Stance",
    "Relation",
    "Event",
    "RedLine",
    "Change",
    "Option",
    "Variant",
    "Doctrine",
    "Criterion",
    "CriterionScale",
    "Consequence",
    "Package",
    "Expectation",
    "Scenario",
    "Checkpoint",
    "ActualChoice",
    "Uncertainty",
    "ActorKind",
    "RELATION_KINDS",
    "DEFAULT_SIGN",
    "KindSettings",
    "NetworkSettings",
    "check_scenario",
    "scenario_json_schema",
]

#: Relation kinds with their default sign (+1 cooperative, -1 hostile, 0 neutral: no tie), from
#: the taxonomy of :mod:`equipoise.network.kinds` (layers, weights, the combination rule). A
#: relation may state its own ``sign``; these are the defaults when it does not. Other kinds
#: must be declared in the scenario's ``network: kinds:`` section.
DEFAULT_SIGN: dict[str, int] = {name: k.sign for name, k in DEFAULT_KINDS.items()}
RELATION_KINDS = tuple(DEFAULT_SIGN)

ActorKind = Literal["state", "organisation", "sub-state", "other"]
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Identifier: letters, digits, '_', '.', '-'; starts with a letter or digit.",
    ),
]


class _Strict(BaseModel):
    """Base: unknown fields are errors, not silently ignored; no number is NaN or infinite
    (``.inf`` in a capability or a weight would overflow every model)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value}")
    return value


class Citation(_Strict):
    """Where a value comes from: a named source and the quoted sentence or page."""

    ref: Identifier = Field(description="Id of an entry in the scenario's `sources`.")
    quote: str = Field(min_length=1, description="The sentence quoted, or a page/row locator.")


class _Provenance(_Strict):
    """Mixin: a record's ``source`` or ``assumption`` (at least one for numbers)."""

    source: Citation | None = Field(default=None, description="Citation backing this record.")
    assumption: str | None = Field(
        default=None, min_length=1, description="Why this value is assumed, if not sourced."
    )

    @property
    def provenance(self) -> str:
        """Human-readable provenance: the citation or the assumption."""
        if self.source is not None:
            return f"[{self.source.ref}] \u201c{self.source.quote}\u201d"
        if self.assumption is not None:
            return f"assumption: {self.assumption}"
        return "no provenance"

    def has_provenance(self) -> bool:
        return self.source is not None or self.assumption is not None


class Sourced(_Provenance):
    """A number with its provenance."""

    value: float

    @field_validator("value")
    @classmethod
    def _check_finite(cls, v: float) -> float:
        return _finite(v, "value")


def _inherit(data: Any, fields: tuple[str, ...]) -> Any:
    """Turn plain numbers in ``fields`` into :class:`Sourced` dicts carrying the record's
    own ``source``/``assumption`` (the shorthand described in the module docstring)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name in fields:
        v = out.get(name)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            entry: dict[str, Any] = {"value": v}
            if out.get("source") is not None:
                entry["source"] = out["source"]
            if out.get("assumption") is not None:
                entry["assumption"] = out["assumption"]
            out[name] = entry
    return out


def _costs_shorthand(costs: Any, record: dict[str, Any]) -> Any:
    """Plain numbers in a costs mapping become :class:`Sourced` with the record's provenance."""
    if not isinstance(costs, dict):
        return costs
    out = _inherit(
        {**costs, "source": record.get("source"), "assumption": record.get("assumption")},
        tuple(costs),
    )
    out.pop("source", None)
    out.pop("assumption", None)
    return out


class Source(_Strict):
    """A named source: an article, a news page, a data set."""

    id: Identifier
    title: str = Field(min_length=1)
    author: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    note: str | None = None


class Actor(_Provenance):
    """A state, organisation, sub-state authority or other party."""

    id: Identifier
    name: str = Field(min_length=1)
    kind: ActorKind = "state"
    capability: Sourced | None = Field(
        default=None, description="Resources the actor brings (>= 0, any common unit)."
    )
    capability_basis: str | None = Field(
        default=None, description="What the capability measures (e.g. 'military spending')."
    )
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _inherit(data, ("capability",))


class ScalePoint(_Strict):
    """A labelled point on an issue scale."""

    value: float
    label: str = Field(min_length=1)

    @field_validator("value")
    @classmethod
    def _check_finite(cls, v: float) -> float:
        return _finite(v, "value")


class Scale(_Strict):
    """An issue's one-dimensional scale, ``min`` to ``max`` (0-100 by default)."""

    min: float = 0.0
    max: float = 100.0
    min_label: str = Field(min_length=1, description="What the low end means.")
    max_label: str = Field(min_length=1, description="What the high end means.")
    points: list[ScalePoint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_bounds(self) -> Scale:
        _finite(self.min, "scale min")
        _finite(self.max, "scale max")
        if not self.max > self.min:
            raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
        return self

    def nearest_point(self, value: float) -> tuple[float, str]:
        """The labelled point (either end or a named point) closest to ``value``.

        Returns ``(position, label)``; ties go to the first of min, max, then the points in
        their order of declaration.
        """
        labelled = [(self.min, self.min_label), (self.max, self.max_label)]
        labelled += [(p.value, p.label) for p in self.points]
        return min(labelled, key=lambda point: abs(point[0] - value))


class Outcome(_Provenance):
    """The actual outcome of an issue, mapped onto its scale with the reasoning.

    Recorded before any model is run on the scenario, never tuned afterwards.
    """

    value: float
    reasoning: str = Field(min_length=1)
    date: dt.date | None = None

    @field_validator("value")
    @classmethod
    def _check_finite(cls, v: float) -> float:
        return _finite(v, "value")


class Issue(_Strict):
    """A contested issue with its scale and, optionally, the actual outcome."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str | None = None
    scale: Scale
    outcome: Outcome | None = None
    decided_by: Identifier | None = Field(
        default=None,
        description="Actor who decides this issue alone: its outcome is that actor's "
        "position, not a bargain (other actors' stances still count for their "
        "utility).",
    )
    space: Identifier | None = Field(
        default=None,
        description="Id of the issue space this issue is one dimension of: the issues that "
        "share a `space` are the dimensions of one position vector, forecast "
        "together by a spatial model (such as KTAB's spatial model of politics). "
        "They share one scale and one `decided_by`; an actor with a stance on one "
        "of them has a stance on each, with one capability. Issues without "
        "`space` are each a space of their own.",
    )


class Stance(_Provenance):
    """An actor's position on an issue, the salience it gives it (0-1) and, optionally, a
    capability specific to this issue (overrides the actor's)."""

    actor: Identifier
    issue: Identifier
    position: Sourced
    salience: Sourced
    capability: Sourced | None = None
    note: str | None = None
    uncertainty: float | None = Field(
        default=None,
        ge=0,
        description="Uncertainty of the position in scale points (for robustness analysis).",
    )
    value_function: list[tuple[float, float]] | None = Field(
        default=None,
        description="Piecewise-linear value over the issue's scale: points [x, v] with x "
        "strictly increasing on the scale and v in [0, 1] (1 best), flat beyond "
        "the ends. The actor's utility on the issue is then v(outcome) - 1 "
        "instead of the linear distance.",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _inherit(data, ("position", "salience", "capability"))


class Relation(_Provenance):
    """A relation between two actors (``from`` -> ``to``; directed where the kind is)."""

    from_: Identifier = Field(alias="from")
    to: Identifier
    kind: str = Field(min_length=1, description="alliance, war, arms-supply, ... (see docs)")
    sign: Literal[-1, 0, 1] | None = Field(
        default=None, description="+1 cooperative, -1 hostile, 0 neutral (no tie); default by kind."
    )
    weight: Sourced | None = Field(default=None, description="Strength of the tie (> 0).")
    since: dt.date | None = None
    until: dt.date | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _inherit(data, ("weight",))

    @model_validator(mode="after")
    def _default_sign(self) -> Relation:
        # the default of a known kind; kinds declared in the scenario's 'network' section
        # (or unknown, which check_scenario reports) keep None. Set without marking the
        # field as given, so that the graph can tell a default from an explicit sign.
        if self.sign is None and self.kind in DEFAULT_SIGN:
            object.__setattr__(self, "sign", DEFAULT_SIGN[self.kind])
        return self

    @property
    def weight_value(self) -> float:
        return 1.0 if self.weight is None else self.weight.value

    def active_on(self, date: dt.date | None) -> bool:
        """Whether the relation holds on ``date`` (``None``: always)."""
        if date is None:
            return True
        if self.since is not None and date < self.since:
            return False
        if self.until is not None and date > self.until:
            return False
        return True


class Event(_Provenance):
    """A dated event."""

    date: dt.date
    kind: str = Field(min_length=1)
    actors: list[Identifier] = Field(default_factory=list)
    description: str = Field(min_length=1)
    end_date: dt.date | None = None


class RedLine(_Provenance):
    """A declared threshold: when ``condition`` holds, ``actor`` is committed to ``commitment``
    towards ``protects`` (e.g. CSTO obligations apply on an ally's recognised territory)."""

    id: Identifier
    actor: Identifier
    protects: Identifier | None = None
    condition: str = Field(min_length=1)
    commitment: str = Field(min_length=1)
    excludes: str | None = None
    variant: Identifier | None = Field(
        default=None, description="The variant (what-if) in which this red line is crossed."
    )


class Change(_Provenance):
    """One change an option or variant makes to the scenario.

    - ``target: stance`` sets ``position``/``salience``/``capability`` of (actor, issue);
    - ``target: capability`` sets an actor's overall capability;
    - ``target: relation`` adds, removes or re-signs a relation between ``actor`` and ``other``.
    """

    target: Literal["stance", "capability", "relation"]
    actor: Identifier
    issue: Identifier | None = None
    other: Identifier | None = None
    position: float | None = None
    salience: float | None = Field(default=None, ge=0, le=1)
    capability: float | None = Field(default=None, ge=0)
    action: Literal["add", "remove", "set-sign"] | None = None
    kind: str | None = None
    sign: Literal[-1, 0, 1] | None = None
    weight: float | None = Field(default=None, gt=0)


class Consequence(_Provenance):
    """A declared effect on an issue's outcome that the bargaining models cannot produce
    (e.g. a peacekeeping force freezes the line): bounds ``min``/``max`` or a ``value``,
    applied to the forecast after the models have run."""

    issue: Identifier
    min: float | None = Field(default=None, description="Lower bound on the outcome.")
    max: float | None = Field(default=None, description="Upper bound on the outcome.")
    value: float | None = Field(default=None, description="The outcome, set outright.")
    description: str | None = None


def _criteria_shorthand(data: Any) -> Any:
    """Plain numbers in ``costs``/``criteria`` mappings inherit the record's provenance."""
    if isinstance(data, dict):
        for key in ("costs", "criteria"):
            if isinstance(data.get(key), dict):
                data = dict(data)
                data[key] = _costs_shorthand(data[key], data)
    return data


class Option(_Provenance):
    """One of the balancer's policy options: a named set of changes, declared criteria
    values (``criteria``; ``costs`` is the older spelling for cost criteria on 0-10) and
    declared consequences on issue outcomes."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str | None = None
    changes: list[Change] = Field(default_factory=list)
    costs: dict[str, Sourced] = Field(
        default_factory=dict,
        description="Declared costs and risks on stated scales (e.g. cost, risk: 0-10); "
        "each key is a cost criterion on 0-10 unless declared in `criteria`.",
    )
    criteria: dict[str, Sourced] = Field(
        default_factory=dict,
        description="Values of the scenario's declared criteria (ids of `criteria`).",
    )
    consequences: list[Consequence] = Field(
        default_factory=list,
        description="Bounds or values on issue outcomes, applied after forecasting.",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _criteria_shorthand(data)


class Variant(_Provenance):
    """A what-if: changes applied to the scenario before options are evaluated, and the
    options' declared costs that differ in this world (``costs``: option id -> criterion ->
    value; e.g. doing nothing once an ally's territory is attacked costs credibility)."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str | None = None
    changes: list[Change] = Field(default_factory=list)
    costs: dict[Identifier, dict[str, Sourced]] = Field(
        default_factory=dict,
        description="Option id -> criterion -> value: the options' declared criteria values "
        "that differ in this world.",
    )
    consequences: list[Consequence] = Field(
        default_factory=list,
        description="Bounds or values on issue outcomes for every option in this variant "
        "(an option's own consequences apply on top).",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("costs"), dict):
            data = dict(data)
            data["costs"] = {
                option: _costs_shorthand(values, data) for option, values in data["costs"].items()
            }
        return data


class Doctrine(_Provenance):
    """A weighting of the balancer's criteria, tied to the quoted view it represents.

    ``weights`` maps a criterion to a point weight ``w`` or a range ``[lo, hi]``.
    """

    id: Identifier
    name: str = Field(min_length=1)
    holder: str | None = None
    weights: dict[str, float | tuple[float, float]] = Field(default_factory=dict)
    weights_by_variant: dict[Identifier, dict[str, float | tuple[float, float]]] = Field(
        default_factory=dict,
        description="Variant id -> weights that replace `weights` under that variant "
        "(a view conditional on the world, e.g. 'intervene if the ally is "
        "attacked').",
    )


class Expectation(_Provenance):
    """Another actor's expectation of the balancer (e.g. an ally's appeal): a weighting of
    the balancer's criteria, scored beside the analysis but not one of the balancer's own
    doctrines (kept out of the robust option)."""

    id: Identifier
    actor: Identifier = Field(description="The actor who holds this expectation.")
    name: str = Field(min_length=1)
    description: str | None = None
    weights: dict[str, float | tuple[float, float]] = Field(default_factory=dict)


class CriterionScale(_Strict):
    """The scale of a declared criterion (0-10 by default)."""

    min: float = 0.0
    max: float = 10.0

    @model_validator(mode="after")
    def _check_bounds(self) -> CriterionScale:
        _finite(self.min, "scale min")
        _finite(self.max, "scale max")
        if not self.max > self.min:
            raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
        return self


class Criterion(_Provenance):
    """A criterion of the balancer's decision that options declare values on (e.g.
    presence on the ground, standing as patron, a rival's foothold)."""

    id: Identifier
    name: str = Field(min_length=1)
    direction: Literal["benefit", "cost"] = Field(
        description="benefit: more is better; cost: less is better."
    )
    scale: CriterionScale = Field(default_factory=CriterionScale)
    uncertainty: float | None = Field(
        default=None,
        ge=0,
        description="± in scale units for the SMAA draws (default: `uncertainty.criteria` "
        "times the scale length).",
    )
    combine: Literal["sum", "max", "mean"] = Field(
        default="sum",
        description="How a package's value on this criterion follows from its parts' values: "
        "sum (costs that add up), max (a standing or presence that does not), "
        "mean. A package's own `combine` or `criteria` take precedence.",
    )
    description: str | None = None


class Package(_Provenance):
    """Several options taken together. Changes apply in the declared order; consequences
    combine by intersecting bounds; declared criteria combine by the package's ``combine``
    if given, else by each criterion's own ``combine`` (default sum) — of the parts' values,
    kept within the criterion's scale — unless ``criteria`` overrides."""

    id: Identifier | None = Field(default=None, description="Default: option ids joined by '+'.")
    name: str | None = None
    description: str | None = None
    options: list[Identifier] = Field(min_length=2)
    combine: Literal["sum", "max", "mean"] | None = Field(
        default=None,
        description="One rule for every criterion (default: each criterion's "
        "own `combine`, sum unless declared).",
    )
    criteria: dict[str, Sourced] = Field(
        default_factory=dict, description="Criteria values that override the combination."
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _criteria_shorthand(data)

    @property
    def package_id(self) -> str:
        return self.id or "+".join(self.options)


class ActualChoice(_Provenance):
    """What the balancer actually did, recorded from the facts (not from any model): the
    options that match it and a plain description. Shown beside what the analysis ranks."""

    options: list[Identifier] = Field(
        default_factory=list, description="Ids of the options that match what was done."
    )
    description: str = Field(min_length=1)
    date: dt.date | None = None


class Uncertainty(_Provenance):
    """How uncertain the inputs are, for the robustness analysis (SMAA draws).

    Positions vary uniformly by ± ``position`` scale points (default: 10 % of each issue's
    scale, i.e. 10 points on 0-100) unless a stance gives its own ``uncertainty``; saliences
    and capabilities by ± ``salience`` / ``capability`` as a share of their value.
    """

    position: float | None = Field(default=None, ge=0)
    salience: float = Field(default=0.2, ge=0, le=1)
    capability: float = Field(default=0.2, ge=0, le=1)
    criteria: float = Field(
        default=0.10,
        ge=0,
        description="± share of each declared criterion's scale, for criteria without their "
        "own `uncertainty`.",
    )
    relations: float = Field(
        default=0.2, ge=0, le=1, description="± share of each tie weight of the balancer."
    )


class KindSettings(_Provenance):
    """A relation kind's layer, sign, weight (and dominance) in a scenario's ``network:``
    section: an override of a built-in kind, or the declaration of a new one (which needs a
    layer and a sign)."""

    layer: Identifier | None = None
    sign: Literal[-1, 0, 1] | None = None
    weight: float | None = Field(default=None, gt=0)
    dominant: bool | None = Field(default=None, description="Decides the tie alone, like a war.")


class NetworkSettings(_Strict):
    """How relations become ties: kinds (see ``equipoise.network.kinds``) and whether
    organisations take part in the balance computation."""

    organisations: bool | None = Field(
        default=None,
        description="Organisations and memberships in the balance computation "
        "(default: no; they are context).",
    )
    kinds: dict[Identifier, KindSettings] = Field(default_factory=dict)


class Checkpoint(_Strict):
    """A date at which the relations network is worth looking at (e.g. before a war)."""

    date: dt.date
    label: str = Field(min_length=1)


class Scenario(_Strict):
    """Everything known about one conflict at one date (``as_of``)."""

    equipoise: Literal[1] = Field(default=1, description="Scenario format version.")
    id: Identifier
    title: str = Field(min_length=1)
    description: str | None = None
    as_of: dt.date | None = None
    balancer: Identifier | None = Field(default=None, description="Actor id of the balancer.")
    status_quo: Identifier | None = Field(
        default=None,
        description="Id of the option that means continuing the present course (required "
        "when there are options); every delta is taken against it.",
    )
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    red_lines: list[RedLine] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    doctrines: list[Doctrine] = Field(default_factory=list)
    criteria: list[Criterion] = Field(
        default_factory=list, description="Declared criteria of the balancer's decision."
    )
    packages: list[Package] = Field(
        default_factory=list, description="Options taken together, evaluated as options."
    )
    expectations: list[Expectation] = Field(
        default_factory=list, description="Other actors' expectations of the balancer."
    )
    uncertainty: Uncertainty = Field(
        default_factory=Uncertainty, description="Input uncertainty for the SMAA draws."
    )
    actual_choice: ActualChoice | None = Field(
        default=None, description="What the balancer actually did (for comparison)."
    )
    checkpoints: list[Checkpoint] = Field(
        default_factory=list,
        description="Dates at which to compare the relations network (besides as_of).",
    )
    network: NetworkSettings | None = Field(
        default=None,
        description="Relation kinds (layer, sign, weight) and organisations "
        "for the relations network.",
    )

    # -- lookups ---------------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor '{actor_id}' in scenario '{self.id}'")

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(f"no issue '{issue_id}' in scenario '{self.id}'")

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        for s in self.stances:
            if s.actor == actor_id and s.issue == issue_id:
                return s
        return None

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source '{source_id}' in scenario '{self.id}'")


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format, including the plain-number shorthand."""
    schema = Scenario.model_json_schema(by_alias=True)
    shorthand = {
        "Actor": ("capability",),
        "Stance": ("position", "salience", "capability"),
        "Relation": ("weight",),
    }
    for model in ("Option", "Package"):  # mappings of criterion -> number or Sourced
        for name in ("costs", "criteria"):
            prop = schema["$defs"][model]["properties"].get(name)
            if prop is not None and "additionalProperties" in prop:
                prop["additionalProperties"] = {
                    "anyOf": [
                        {
                            "type": "number",
                            "description": "plain number; the record's source/assumption applies",
                        },
                        prop["additionalProperties"],
                    ]
                }
    variant_costs = schema["$defs"]["Variant"]["properties"]["costs"]
    for per_option in [
        variant_costs.get("additionalProperties", {}),
        *variant_costs.get("patternProperties", {}).values(),
    ]:
        if "additionalProperties" in per_option:  # option -> criterion -> number or Sourced
            per_option["additionalProperties"] = {
                "anyOf": [
                    {
                        "type": "number",
                        "description": "plain number; the variant's source/assumption applies",
                    },
                    per_option["additionalProperties"],
                ]
            }
    for model, fields in shorthand.items():
        props = schema["$defs"][model]["properties"]
        for name in fields:
            prop = props[name]
            options = prop.pop("anyOf", None) or [{"$ref": prop.pop("$ref")}]
            prop["anyOf"] = [
                {
                    "type": "number",
                    "description": "plain number; the record's source/assumption applies",
                }
            ] + options
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "equipoise scenario"
    return schema


# -- cross-record checks -----------------------------------------------------------------

Loc = tuple[str | int, ...]


def check_scenario(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-record problem of ``scenario`` as ``(location, message)`` pairs.

    Location is a path into the document (e.g. ``("stances", 3, "position")``) that the
    loaders turn into a file line. Checks: unique ids; references to known actors, issues
    and sources; positions and outcomes on the issue scale; salience in [0, 1]; capability
    and weights >= 0; no relation from an actor to itself; ``since`` <= ``until``; every
    number with a source or an assumption; one stance per (actor, issue).
    """
    problems: list[tuple[Loc, str]] = []
    add = problems.append

    def unique(section: str, items: list[Any]) -> set[str]:
        seen: dict[str, int] = {}
        for k, item in enumerate(items):
            if item.id in seen:
                add(
                    (
                        (section, k, "id"),
                        f"duplicate id '{item.id}' in {section} "
                        f"(first used at item {seen[item.id] + 1}); ids must be unique",
                    )
                )
            else:
                seen[item.id] = k
        return set(seen)

    source_ids = unique("sources", scenario.sources)
    actor_ids = unique("actors", scenario.actors)
    issue_ids = unique("issues", scenario.issues)
    unique("red_lines", scenario.red_lines)
    option_ids = unique("options", scenario.options)
    variant_ids = unique("variants", scenario.variants)
    unique("doctrines", scenario.doctrines)
    scales = {i.id: i.scale for i in scenario.issues}

    def actor_ref(loc: Loc, ref: str | None, what: str = "actor") -> None:
        if ref is not None and ref not in actor_ids:
            add(
                (
                    loc,
                    f"unknown {what} '{ref}'; expected one of the actor ids: {_listing(actor_ids)}",
                )
            )

    def issue_ref(loc: Loc, ref: str | None) -> bool:
        if ref is not None and ref not in issue_ids:
            add(
                (
                    loc,
                    f"unknown issue '{ref}'; expected one of the issue ids: {_listing(issue_ids)}",
                )
            )
            return False
        return True

    def provenance(loc: Loc, *records: Any, what: str) -> None:
        problem = provenance_problem(loc, records, what, source_ids)
        if problem is not None:
            add(problem)

    def nonnegative(loc: Loc, value: float, what: str) -> None:
        if value < 0:
            add((loc, f"{what} must be >= 0, got {value:g}"))

    def on_scale(loc: Loc, value: float, issue_id: str, what: str) -> None:
        scale = scales.get(issue_id)
        if scale is not None and not (scale.min <= value <= scale.max):
            add(
                (
                    loc,
                    f"{what} {value:g} is outside the scale of issue '{issue_id}' "
                    f"[{scale.min:g}, {scale.max:g}]",
                )
            )

    if scenario.balancer is not None:
        actor_ref(("balancer",), scenario.balancer, "balancer")

    for k, a in enumerate(scenario.actors):
        if a.capability is not None:
            nonnegative(("actors", k, "capability"), a.capability.value, "capability")
            provenance(("actors", k, "capability"), a.capability, a, what="capability")

    for k, issue in enumerate(scenario.issues):
        for p, point in enumerate(issue.scale.points):
            on_scale(
                ("issues", k, "scale", "points", p, "value"),
                point.value,
                issue.id,
                "labelled point",
            )
        if issue.outcome is not None:
            on_scale(("issues", k, "outcome", "value"), issue.outcome.value, issue.id, "outcome")
            provenance(("issues", k, "outcome"), issue.outcome, what="outcome")

    capable = {a.id for a in scenario.actors if a.capability is not None}
    seen_pairs: dict[tuple[str, str], int] = {}
    for k, s in enumerate(scenario.stances):
        loc: Loc = ("stances", k)
        actor_ref(loc + ("actor",), s.actor)
        known_issue = issue_ref(loc + ("issue",), s.issue)
        if (s.actor, s.issue) in seen_pairs:
            add(
                (
                    loc,
                    f"second stance of actor '{s.actor}' on issue '{s.issue}' (first is "
                    f"stance {seen_pairs[(s.actor, s.issue)] + 1}); give one stance per pair",
                )
            )
        else:
            seen_pairs[(s.actor, s.issue)] = k
        if known_issue:
            on_scale(loc + ("position",), s.position.value, s.issue, "position")
        if not 0.0 <= s.salience.value <= 1.0:
            add(
                (
                    loc + ("salience",),
                    f"salience {s.salience.value:g} is outside [0, 1]; "
                    "salience is the share of attention, 0 (none) to 1 (all)",
                )
            )
        provenance(loc + ("position",), s.position, s, what="position")
        provenance(loc + ("salience",), s.salience, s, what="salience")
        if s.capability is not None:
            nonnegative(loc + ("capability",), s.capability.value, "capability")
            provenance(loc + ("capability",), s.capability, s, what="capability")
        elif s.actor in actor_ids and s.actor not in capable:
            add(
                (
                    loc,
                    f"actor '{s.actor}' has no capability, neither on the actor nor on "
                    f"this stance; every model weighs a position by capability: give the "
                    f"actor a 'capability' (or this stance one)",
                )
            )

    declared = set(scenario.network.kinds) if scenario.network is not None else set()
    known_kinds = set(DEFAULT_KINDS) | declared

    def kind_ref(loc: Loc, kind: str | None) -> None:
        if kind is not None and kind not in known_kinds:
            add(
                (
                    loc,
                    f"unknown relation kind '{kind}'; expected one of: "
                    f"{', '.join(sorted(known_kinds))} (or declare it under 'network: kinds:' "
                    "with its layer and sign)",
                )
            )

    if scenario.network is not None:
        for name, ks in scenario.network.kinds.items():
            loc = ("network", "kinds", name)
            if name not in DEFAULT_KINDS and (ks.layer is None or ks.sign is None):
                add((loc, f"new relation kind '{name}' needs a 'layer' and a 'sign' (-1, 0 or 1)"))
            provenance(loc, ks, what="relation kind setting")

    for k, r in enumerate(scenario.relations):
        loc = ("relations", k)
        kind_ref(loc + ("kind",), r.kind)
        actor_ref(loc + ("from",), r.from_)
        actor_ref(loc + ("to",), r.to)
        if r.from_ == r.to:
            add(
                (
                    loc + ("to",),
                    f"relation from actor '{r.from_}' to itself; a relation "
                    "joins two different actors",
                )
            )
        if r.weight is not None and not r.weight.value > 0:
            add((loc + ("weight",), f"weight must be > 0, got {r.weight.value:g}"))
        if r.since is not None and r.until is not None and r.since > r.until:
            add((loc + ("until",), f"'until' ({r.until}) is before 'since' ({r.since})"))
        provenance(loc, r, what="relation")

    for k, e in enumerate(scenario.events):
        for j, ref in enumerate(e.actors):
            actor_ref(("events", k, "actors", j), ref)
        if e.end_date is not None and e.end_date < e.date:
            add((("events", k, "end_date"), f"end_date ({e.end_date}) is before date ({e.date})"))
        provenance(("events", k), e, what="event")

    for k, rl in enumerate(scenario.red_lines):
        actor_ref(("red_lines", k, "actor"), rl.actor)
        actor_ref(("red_lines", k, "protects"), rl.protects)
        if rl.variant is not None and rl.variant not in variant_ids:
            add(
                (
                    ("red_lines", k, "variant"),
                    f"unknown variant '{rl.variant}'; expected one of: {_listing(variant_ids)}",
                )
            )
        provenance(("red_lines", k), rl, what="red line")

    if scenario.uncertainty != Uncertainty():
        provenance(("uncertainty",), scenario.uncertainty, what="uncertainty")

    if scenario.actual_choice is not None:
        package_ids = {p.package_id for p in scenario.packages}
        for k, ref in enumerate(scenario.actual_choice.options):
            if ref not in option_ids and ref not in package_ids:
                add(
                    (
                        ("actual_choice", "options", k),
                        f"unknown option '{ref}'; expected one "
                        f"of the option ids: {_listing(option_ids)}",
                    )
                )
        provenance(("actual_choice",), scenario.actual_choice, what="actual choice")

    for k, v in enumerate(scenario.variants):
        for ref, costs in v.costs.items():
            if ref not in option_ids:
                add(
                    (
                        ("variants", k, "costs", ref),
                        f"variant '{v.id}' sets costs of unknown "
                        f"option '{ref}'; expected one of the option ids: {_listing(option_ids)}",
                    )
                )
            for key, value in costs.items():
                provenance(("variants", k, "costs", ref, key), value, v, what="cost")

    from .decision.criteria import known_criteria

    cost_keys = known_criteria(scenario)
    core = ("outcome", "relations", "partner_satisfaction", "cross_pressure")
    for k, d in enumerate(scenario.doctrines):
        provenance(("doctrines", k), d, what="doctrine")
        for name, w in d.weights.items():
            loc = ("doctrines", k, "weights", name)
            actor = name.split(":", 1)[1] if name.startswith("satisfaction:") else None
            if scenario.options and name not in core and name not in cost_keys and actor is None:
                add(
                    (
                        loc,
                        f"doctrine '{d.id}' weighs unknown criterion '{name}'; expected "
                        f"one of: {', '.join(core)}, satisfaction:ACTOR, or a declared "
                        f"criterion ({', '.join(sorted(set(cost_keys) - set(core))) or 'none'})",
                    )
                )
            elif actor is not None and actor not in actor_ids:
                add(
                    (
                        loc,
                        f"unknown actor '{actor}' in criterion '{name}'; expected one of "
                        f"the actor ids: {_listing(actor_ids)}",
                    )
                )
            lo, hi = (w, w) if isinstance(w, (int, float)) else w
            if not (0 <= lo <= hi) or not math.isfinite(hi):
                add(
                    (
                        loc,
                        f"weight of '{name}' must be >= 0, or a range [lo, hi] with "
                        f"0 <= lo <= hi; got {w}",
                    )
                )
        if all(((w, w) if isinstance(w, (int, float)) else w)[1] <= 0 for w in d.weights.values()):
            add(
                (
                    ("doctrines", k, "weights"),
                    f"doctrine '{d.id}' gives no criterion a "
                    "positive weight; give at least one weight > 0 (e.g. 'weights: "
                    "{outcome: 1}')",
                )
            )

    changers: tuple[tuple[str, Sequence[Option | Variant]], ...] = (
        ("options", scenario.options),
        ("variants", scenario.variants),
    )
    for section, items in changers:
        for k, item in enumerate(items):
            provenance((section, k), item, what=section[:-1])
            # stances that exist when each change applies: the scenario's, then those the
            # earlier changes of the same option or variant create (every option is also
            # evaluated on its own, without any variant or package partner)
            has_stance = set(seen_pairs)
            has_capability = capable | {
                ch.actor
                for ch in item.changes
                if ch.target == "capability" and ch.capability is not None
            }
            for c, ch in enumerate(item.changes):
                loc = (section, k, "changes", c)
                actor_ref(loc + ("actor",), ch.actor)
                actor_ref(loc + ("other",), ch.other)
                if ch.issue is not None and issue_ref(loc + ("issue",), ch.issue):
                    if ch.position is not None:
                        on_scale(loc + ("position",), ch.position, ch.issue, "position")
                if ch.target == "stance" and ch.issue is None:
                    add((loc, "a stance change needs 'issue'"))
                if ch.target == "stance" and ch.issue is not None:
                    if (ch.actor, ch.issue) not in has_stance and (
                        ch.position is None or ch.salience is None
                    ):
                        add(
                            (
                                loc,
                                f"actor '{ch.actor}' has no stance on issue '{ch.issue}', "
                                "so this change creates one: give both 'position' and "
                                "'salience'",
                            )
                        )
                    elif (
                        (ch.actor, ch.issue) not in has_stance
                        and ch.capability is None
                        and ch.actor in actor_ids
                        and ch.actor not in has_capability
                    ):
                        add(
                            (
                                loc,
                                f"this change creates a stance of actor '{ch.actor}', who "
                                "has no capability; give the change a 'capability' (or the "
                                "actor one)",
                            )
                        )
                    has_stance.add((ch.actor, ch.issue))
                if ch.target == "capability" and ch.capability is None:
                    add(
                        (
                            loc,
                            "a capability change needs 'capability' (the actor's new "
                            "overall capability, >= 0)",
                        )
                    )
                if ch.target != "relation":
                    continue
                kind_ref(loc + ("kind",), ch.kind)
                if ch.other is None or ch.action is None:
                    add(
                        (
                            loc,
                            "a relation change needs 'other' and 'action' "
                            "(add, remove or set-sign)",
                        )
                    )
                if ch.other is not None and ch.other == ch.actor:
                    add(
                        (
                            loc + ("other",),
                            f"relation change from actor '{ch.actor}' to "
                            "itself; a relation joins two different actors",
                        )
                    )
                if ch.action == "add" and ch.kind is None:
                    add(
                        (
                            loc,
                            "adding a relation needs 'kind' (a relation kind such as "
                            "alliance or war, or one declared under 'network: kinds:')",
                        )
                    )
                if ch.action == "set-sign" and ch.sign is None:
                    add((loc, "'set-sign' needs 'sign' (-1 hostile, 0 neutral, 1 cooperative)"))
    from .decision.validation import check_decision

    problems.extend(check_decision(scenario))
    from .space_checks import check_spaces

    problems.extend(check_spaces(scenario))
    return problems


def _listing(ids: Any, limit: int = 12) -> str:
    items = sorted(ids)
    if not items:
        return "(none defined)"
    text = ", ".join(items[:limit])
    return text + (", ..." if len(items) > limit else "")


def provenance_problem(
    loc: Loc, records: tuple[Any, ...], what: str, source_ids: set[str]
) -> tuple[Loc, str] | None:
    """The problem with the provenance of ``what``, if any: the first of ``records`` that has
    a source or an assumption decides (its source must name a known source); none at all is
    a problem."""
    for r in records:
        if r is not None and r.has_provenance():
            if r.source is not None and r.source.ref not in source_ids:
                return (
                    loc + ("source", "ref"),
                    f"unknown source '{r.source.ref}'; expected "
                    f"one of the source ids: {_listing(source_ids)}",
                )
            return None
    return (
        loc,
        f"{what} has neither a source nor an assumption; give "
        "'source: {ref: ..., quote: ...}' or 'assumption: <reason>'",
    )

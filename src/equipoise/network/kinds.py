"""Relation kinds, their layers, and how the records between two actors combine into one tie.

This module has no heavy dependency (no NumPy): the scenario validator imports it.

The taxonomy
------------
Every relation *kind* has a default **layer**, **sign** (+1 friendly, −1 hostile, 0 neutral:
no tie) and **weight** (:data:`DEFAULT_KINDS`, documented in the README):

============== ==================================================== ==========================
layer          kinds (sign, weight)                                 what it records
============== ==================================================== ==========================
security       alliance, security-guarantee, military-base (+, 1)    security commitments
supply         arms-supply (+, 1)                                   military supply
diplomatic     strategic-partnership, cooperation, support (+, 1)   diplomatic alignment
economic       economic (+, 1), sanctions (−, 1)                    economic ties
conflict       war (−, 4), hostility (−, 2), dispute, rivalry       conflict, by intensity
               (−, 1), strained (−, 0.5)
third-party    mediation, co-chair, peacekeeping (0, 1)             roles between two parties
institutional  membership (+, 1)                                    membership of organisations
============== ==================================================== ==========================

The conflict weights follow one rule: each rung of intensity doubles the weight (strained 0.5,
dispute/rivalry 1, hostility 2, war 4). Third-party roles are neutral: mediating between two
parties, co-chairing their talks or keeping a peace both accept does not make the third party
a friend (or a foe) of either. Memberships and organisations are context: they enter the
balance computation only on request (``organisations=True``).

The combination rule
--------------------
:data:`COMBINATION_RULE` (the same text in ``--help``, the report and the README):

1. a record's *strength* is its sign × the kind's weight × the record's own weight (1 when
   absent); neutral records (sign 0) carry no tie;
2. within a layer the strongest record counts (largest absolute strength), not the sum — an
   alliance, a security guarantee and a base are one security commitment; two records of
   equal strength and opposite signs in one layer cancel to 0;
3. across layers: a record of a *dominant* kind (war) decides the tie alone; otherwise the tie
   is the sum of the layers' values: its sign is the sign of the sum, its weight the absolute
   value. A sum of exactly 0 from non-neutral records is a *cancelled pair*: listed, never
   silently dropped.

Precedence of signs: an override of the kind (a scenario's ``network:`` section, or
``--sign`` on the command line) beats the record's own ``sign``, which beats the kind's
default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "LAYERS",
    "DEFAULT_KINDS",
    "COMBINATION_RULE",
    "KindSpec",
    "NetworkConfig",
    "PairTie",
    "combine_records",
    "network_config",
]

#: Layers in display order, with what they record.
LAYERS: dict[str, str] = {
    "security": "security commitments (alliance, guarantee, base)",
    "supply": "military supply (arms)",
    "diplomatic": "diplomatic alignment (partnership, cooperation, support)",
    "economic": "economic ties and sanctions",
    "conflict": "conflict by intensity (war > hostility > dispute, rivalry > strained)",
    "third-party": "third-party roles (mediation, co-chair, accepted peacekeeping)",
    "institutional": "institutional membership",
}

#: One sentence per step; shown identically in ``--help``, the report and the README.
COMBINATION_RULE = (
    "Within a layer the strongest record counts, not the sum; across layers a war decides "
    "the tie alone, otherwise the layers add up. Neutral records (mediation, co-chair, "
    "peacekeeping) make no tie; pairs whose layers cancel are listed, not dropped."
)


@dataclass(frozen=True)
class KindSpec:
    """A relation kind: its ``layer``, ``sign`` (+1, −1, 0 = neutral), ``weight`` (> 0) and
    whether it is ``dominant`` (decides the tie alone, like a war)."""

    layer: str
    sign: int
    weight: float = 1.0
    dominant: bool = False
    description: str = ""


def _k(
    layer: str, sign: int, weight: float = 1.0, description: str = "", dominant: bool = False
) -> KindSpec:
    return KindSpec(layer, sign, weight, dominant, description)


#: The built-in taxonomy (module docstring). Every kind a scenario may use without declaring.
DEFAULT_KINDS: dict[str, KindSpec] = {
    "alliance": _k("security", +1, description="a mutual defence commitment"),
    "security-guarantee": _k(
        "security", +1, description="one side guarantees the other's security"
    ),
    "military-base": _k("security", +1, description="one side hosts the other's troops"),
    "arms-supply": _k("supply", +1, description="arms deliveries"),
    "strategic-partnership": _k("diplomatic", +1, description="a declared partnership"),
    "cooperation": _k("diplomatic", +1, description="working together in a format or on a task"),
    "support": _k("diplomatic", +1, description="political or material backing"),
    "economic": _k("economic", +1, description="trade, investment, energy"),
    "sanctions": _k("economic", -1, description="economic sanctions"),
    "war": _k("conflict", -1, 4.0, "armed conflict; decides the tie alone", dominant=True),
    "hostility": _k("conflict", -1, 2.0, "open hostility short of war"),
    "dispute": _k("conflict", -1, 1.0, "an unresolved dispute (territory, status)"),
    "rivalry": _k("conflict", -1, 1.0, "a lasting rivalry with periodic clashes"),
    "strained": _k("conflict", -1, 0.5, "strained relations"),
    "mediation": _k("third-party", 0, description="mediating between two parties (neutral)"),
    "co-chair": _k("third-party", 0, description="co-chairing a negotiation format (neutral)"),
    "peacekeeping": _k(
        "third-party", 0, description="a peacekeeping deployment both parties accept (neutral)"
    ),
    "membership": _k(
        "institutional",
        +1,
        description="membership of an organisation (context: only with organisations)",
    ),
}


@dataclass(frozen=True)
class NetworkConfig:
    """Everything that decides how relation records become ties.

    ``kinds``: the taxonomy in force (defaults updated by the scenario's ``network:``
    section and the command line); ``sign_overrides``: kinds whose sign was overridden (the
    override beats a record's own sign); ``organisations``: whether organisations and the
    institutional layer take part.
    """

    kinds: Mapping[str, KindSpec] = field(default_factory=lambda: dict(DEFAULT_KINDS))
    sign_overrides: frozenset[str] = frozenset()
    organisations: bool = False

    def layers(self) -> list[str]:
        """The layers in use: the built-in order, then declared ones alphabetically."""
        used = {k.layer for k in self.kinds.values()}
        return [x for x in LAYERS if x in used] + sorted(used - set(LAYERS))

    def known(self, kind: str) -> bool:
        return kind in self.kinds

    def spec(self, kind: str) -> KindSpec:
        try:
            return self.kinds[kind]
        except KeyError:
            raise KeyError(
                f"unknown relation kind '{kind}'; known kinds: {', '.join(sorted(self.kinds))}"
            ) from None

    def record_sign(self, kind: str, own_sign: int | None) -> int:
        """Sign of one record: kind override > the record's own sign > the kind's default."""
        spec = self.spec(kind)
        if kind in self.sign_overrides or own_sign is None:
            return int(spec.sign)
        return int(own_sign)

    def with_overrides(
        self,
        *,
        signs: Mapping[str, int] | None = None,
        weights: Mapping[str, float] | None = None,
        layers: Mapping[str, str] | None = None,
        dominant: Mapping[str, bool] | None = None,
        organisations: bool | None = None,
    ) -> NetworkConfig:
        """A copy with per-kind overrides; a kind not yet known needs a sign and a layer
        (from ``signs``/``layers``) and gets weight 1 unless given."""
        kinds = dict(self.kinds)
        names = set(signs or {}) | set(weights or {}) | set(layers or {}) | set(dominant or {})
        for name in sorted(names):
            base = kinds.get(name)
            if base is None:
                if name not in (layers or {}) or name not in (signs or {}):
                    raise ValueError(
                        f"relation kind '{name}' is not known; to declare it, "
                        "give its layer and its sign"
                    )
                base = KindSpec(layers[name], int(signs[name]))  # type: ignore[index]
            if signs and name in signs:
                if signs[name] not in (-1, 0, 1):
                    raise ValueError(
                        f"sign of kind '{name}' must be -1, 0 or 1, got {signs[name]!r}"
                    )
                base = replace(base, sign=int(signs[name]))
            if weights and name in weights:
                w = float(weights[name])
                if not (math.isfinite(w) and w > 0):
                    raise ValueError(f"weight of kind '{name}' must be > 0, got {w!r}")
                base = replace(base, weight=w)
            if layers and name in layers:
                base = replace(base, layer=str(layers[name]))
            if dominant and name in dominant:
                base = replace(base, dominant=bool(dominant[name]))
            kinds[name] = base
        return NetworkConfig(
            kinds,
            self.sign_overrides | frozenset(signs or {}),
            self.organisations if organisations is None else organisations,
        )


def network_config(scenario: Any = None, **overrides: Any) -> NetworkConfig:
    """The configuration of ``scenario`` (its ``network:`` section over the defaults), with
    command-line ``overrides`` (``signs``, ``weights``, ``layers``, ``organisations``) last."""
    config = NetworkConfig()
    section = getattr(scenario, "network", None) if scenario is not None else None
    if section is not None:
        signs, weights, layers, dominant = {}, {}, {}, {}
        for name, k in (getattr(section, "kinds", None) or {}).items():
            if k.sign is not None:
                signs[name] = k.sign
            if k.weight is not None:
                weights[name] = k.weight
            if k.layer is not None:
                layers[name] = k.layer
            if k.dominant is not None:
                dominant[name] = k.dominant
        config = config.with_overrides(
            signs=signs,
            weights=weights,
            layers=layers,
            dominant=dominant,
            organisations=getattr(section, "organisations", None),
        )
    return config.with_overrides(**{k: v for k, v in overrides.items() if v is not None})


# -- the combination rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class PairTie:
    """What the records between two actors combine into.

    ``value``: the signed tie (0 = no tie); ``layers``: each layer's value; ``dominant``:
    the tie was decided by a dominant kind; ``records``: ``(kind, layer, strength)`` of every
    record considered; ``cancelled``: non-neutral records added up to exactly 0.
    """

    value: float
    layers: dict[str, float]
    dominant: bool
    records: tuple[tuple[str, str, float], ...]

    @property
    def cancelled(self) -> bool:
        return self.value == 0 and any(s != 0 for _, _, s in self.records)


def combine_records(
    records: Iterable[tuple[str, int | None, float]], config: NetworkConfig
) -> PairTie:
    """Combine the records ``(kind, own_sign or None, own_weight)`` of one pair (module
    docstring, :data:`COMBINATION_RULE`)."""
    rows: list[tuple[str, str, float, bool]] = []
    for kind, own_sign, own_weight in records:
        spec = config.spec(kind)
        strength = config.record_sign(kind, own_sign) * spec.weight * float(own_weight)
        rows.append((kind, spec.layer, strength, spec.dominant))
    listed = tuple((k, layer, s) for k, layer, s, _ in rows)
    dom = [s for _, _, s, d in rows if d and s != 0]
    if dom:
        top = max(abs(s) for s in dom)
        value = _strongest([s for s in dom if abs(s) == top])
        layer_of = next(layer for _, layer, s, d in rows if d and s == value) if value else ""
        return PairTie(value, {layer_of: value} if value else {}, True, listed)
    by_layer: dict[str, list[float]] = {}
    for _, layer, s, _ in rows:
        if s != 0:
            by_layer.setdefault(layer, []).append(s)
    layers = {layer: _strongest(values) for layer, values in by_layer.items()}
    total = sum(layers.values())
    if abs(total) <= 1e-12 * max(1.0, sum(abs(v) for v in layers.values())):
        total = 0.0
    return PairTie(total, layers, False, listed)


def _strongest(values: list[float]) -> float:
    """The value of largest magnitude; 0 when the largest magnitude comes with both signs."""
    top = max(abs(v) for v in values)
    signs = {v > 0 for v in values if abs(v) == top}
    return 0.0 if len(signs) > 1 else (top if signs == {True} else -top)

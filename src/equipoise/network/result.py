"""The typed result of a balance analysis: :class:`BalanceResult`.

:func:`~equipoise.network.report.analyse_balance` returns one; it keeps the analysed
:class:`~equipoise.network.graph.SignedGraph` (so that a report draws the very graph that was
solved, never a rebuilt one) and, for a scenario, the date and settings it was computed for
(:class:`BalanceContext`, with a real :class:`datetime.date`). :meth:`BalanceResult.to_dict`
is the JSON edge: the keys of ``equipoise balance --json`` (README "Structural balance"),
in the same order, with the date written ``YYYY-MM-DD``.

The per-actor entries, frustrated ties, cancelled pairs and solver blocks are JSON-ready
dicts already (typed below as :class:`typing.TypedDict`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from .graph import SignedGraph

__all__ = ["BalanceResult", "BalanceContext", "ActorBalance", "FrustratedTie"]

Number = int | float


class ActorBalance(TypedDict):
    """One actor's place in the network: ``camp`` 0 (the reference's), 1, or ``None``
    (unplaced: no tie); the triads it is in, how many are unbalanced and with whom."""

    unbalanced_triads: int
    triads: int
    camp: int | None
    unbalanced_with: list[list[Any]]


class FrustratedTie(TypedDict, total=False):
    """A tie against the optimal split (``layers``: only for layered networks)."""

    u: Any
    v: Any
    sign: int
    weight: Number
    strain: str
    layers: dict[str, float]


@dataclass(frozen=True)
class BalanceContext:
    """Where a scenario's network came from: the date its relations were taken on
    (``None``: every relation) and whether organisations and memberships were included."""

    as_of: dt.date | None
    organisations: bool


@dataclass
class BalanceResult:
    """Structural balance of one signed graph (see :mod:`equipoise.network.report`).

    ``frustration_index`` and ``lower_bound`` are ints for unweighted graphs, floats for
    weighted ones. ``groups[0]`` is the reference actor's camp. ``context`` is ``None`` for
    an edge list; ``balancer`` and ``balancer_timeline`` are set by
    :func:`equipoise.balance.balance_of_input` for a scenario with a balancer.
    """

    graph: SignedGraph
    frustration_index: Number
    optimal: bool
    lower_bound: Number
    frustrated_edges: list[list[Any]]
    groups: list[list[Any]]
    actors: dict[str, ActorBalance]
    method: str
    status: str
    seconds: float
    weighted: bool
    nodes: int
    ties: int
    positive_ties: int
    negative_ties: int
    frustrated_ties: list[FrustratedTie]
    triads: dict[str, int]
    unbalanced_triads: list[list[Any]]
    unbalanced_triads_truncated: bool
    estrada: float | None
    cancelled_pairs: list[list[Any]]
    cancelled: list[dict[str, Any]]
    unplaced: list[Any]
    reference: Any
    camp_fixed: dict[str, bool | None]
    unique: bool | None
    swing: list[Any]
    robustness: str
    layers: dict[str, dict[str, Number]]
    blocks: list[dict[str, Any]]
    context: BalanceContext | None = None
    balancer: str | None = None
    balancer_timeline: list[Any] | None = field(default=None)  # balance.TimelineEntry

    @property
    def as_of(self) -> dt.date | None:
        """The date the relations were taken on (``None``: an edge list or every relation)."""
        return self.context.as_of if self.context is not None else None

    @property
    def organisations(self) -> bool | None:
        """Whether organisations were included (``None``: an edge list)."""
        return self.context.organisations if self.context is not None else None

    @property
    def loose(self) -> list[str]:
        """Actors whose camp is not fixed across optimal splits."""
        return [a for a, f in self.camp_fixed.items() if f is False]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the keys of ``balance --json`` (the graph left out)."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _JSON_KEYS}
        if self.context is not None:
            out["as_of"] = self.as_of.isoformat() if self.as_of else None
            out["organisations"] = self.organisations
        if self.balancer_timeline is not None:
            out["balancer"] = self.balancer
            out["balancer_timeline"] = [e.to_dict() for e in self.balancer_timeline]
        return out


_JSON_KEYS = (
    "frustration_index",
    "optimal",
    "lower_bound",
    "frustrated_edges",
    "groups",
    "actors",
    "method",
    "status",
    "seconds",
    "weighted",
    "nodes",
    "ties",
    "positive_ties",
    "negative_ties",
    "frustrated_ties",
    "triads",
    "unbalanced_triads",
    "unbalanced_triads_truncated",
    "estrada",
    "cancelled_pairs",
    "cancelled",
    "unplaced",
    "reference",
    "camp_fixed",
    "unique",
    "swing",
    "robustness",
    "layers",
    "blocks",
)

"""The relations network: structural balance, exact frustration index, cross-pressure.

Modules (one job each):

* :mod:`~equipoise.network.graph` — :class:`SignedGraph` and its construction from scenario
  relations (the combine rule for several relations between two actors);
* :mod:`~equipoise.network.triads` — every triangle classified balanced / unbalanced, per-actor
  counts (cross-pressure);
* :mod:`~equipoise.network.heuristic` — spectral start + greedy flips + iterated local search;
* :mod:`~equipoise.network.certificate` — the SDP-dual eigenvalue certificate of optimality;
* :mod:`~equipoise.network.cuts` — odd-cycle inequalities and their separation;
* :mod:`~equipoise.network.frustration` — the exact frustration index (decomposition →
  heuristic → certificate → XOR binary program with HiGHS);
* :mod:`~equipoise.network.estrada` — walk-based degree of balance;
* :mod:`~equipoise.network.report` — everything as a JSON-ready dict, explained in words.
"""

from equipoise.network.certificate import Certificate, certify_split
from equipoise.network.estrada import walk_balance
from equipoise.network.frustration import (
    BlockResult,
    FrustrationResult,
    biconnected_blocks,
    frustration_index,
)
from equipoise.network.graph import (
    DEFAULT_PRIORITY,
    SignedGraph,
    relation_active,
    signed_graph_from_relations,
    signed_graph_from_scenario,
)
from equipoise.network.heuristic import HeuristicResult, frustration_of, heuristic_split
from equipoise.network.report import analyse_balance, explain_balance, triad_changes
from equipoise.network.triads import (
    Triangles,
    node_triads,
    triangles,
    unbalanced_triads_of,
)

__all__ = [
    "SignedGraph",
    "signed_graph_from_relations",
    "signed_graph_from_scenario",
    "relation_active",
    "DEFAULT_PRIORITY",
    "Triangles",
    "triangles",
    "node_triads",
    "unbalanced_triads_of",
    "HeuristicResult",
    "heuristic_split",
    "frustration_of",
    "Certificate",
    "certify_split",
    "FrustrationResult",
    "BlockResult",
    "frustration_index",
    "biconnected_blocks",
    "walk_balance",
    "analyse_balance",
    "explain_balance",
    "triad_changes",
]

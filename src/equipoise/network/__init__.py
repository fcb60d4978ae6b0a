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

from __future__ import annotations

import importlib
from typing import Any

# Names are imported on first use (PEP 562), so that ``import equipoise.network.kinds`` (the
# scenario validator does) does not pull in SciPy.
_WHERE: dict[str, str] = {
    "SignedGraph": "graph",
    "signed_graph_from_relations": "graph",
    "signed_graph_from_scenario": "graph",
    "relation_active": "graph",
    "DEFAULT_KINDS": "kinds",
    "LAYERS": "kinds",
    "COMBINATION_RULE": "kinds",
    "NetworkConfig": "kinds",
    "network_config": "kinds",
    "Triangles": "triads",
    "triangles": "triads",
    "node_triads": "triads",
    "unbalanced_triads_of": "triads",
    "HeuristicResult": "heuristic",
    "heuristic_split": "heuristic",
    "frustration_of": "heuristic",
    "Certificate": "certificate",
    "certify_split": "certificate",
    "FrustrationResult": "frustration",
    "BlockResult": "frustration",
    "frustration_index": "frustration",
    "biconnected_blocks": "frustration",
    "walk_balance": "estrada",
    "analyse_balance": "report",
    "explain_balance": "report",
    "triad_changes": "report",
    "BalanceResult": "result",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"equipoise.network.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'equipoise.network' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""What to compare between two runs: the inputs and the answers, flattened to paths.

:func:`inputs_digest` flattens a scenario document (``equipoise show --json``) to
``path -> value`` with the same paths ``--set`` takes (``stances.TUR.territory.position``):
prose (names, descriptions, sources, assumptions) is left out, a number with its provenance
counts as its value, and each relation says whether it is in force on the scenario's date.
:func:`answers_digest` picks the answers from a command's results: forecasts per model and
issue, the camps, frustrated ties and unbalanced triads, the best option and the ranking
under each doctrine, the acceptabilities (and, for a backtest, each model's error).
:func:`diff` lists the paths whose values differ.
"""

from __future__ import annotations

import math
from typing import Any

from ..whatif import LIST_KEYS
from .runs import _forecasts_of, decisions_of

__all__ = ["inputs_digest", "answers_digest", "every_value", "diff", "same"]

_PROSE = frozenset(
    {
        "source",
        "assumption",
        "description",
        "reasoning",
        "note",
        "title",
        "name",
        "sources",
        "label",
        "min_label",
        "max_label",
        "holder",
        "condition",
        "capability_basis",
        "equipoise",
    }
)


def _is_sourced(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "value" in value
        and set(value) <= {"value", "source", "assumption"}
    )


def _list_keys(name: str, items: list[Any]) -> list[str] | None:
    fields = LIST_KEYS.get(name, ("id",))
    if not all(isinstance(it, dict) and all(f in it for f in fields) for it in items):
        return None
    keys: list[str] = []
    seen: dict[str, int] = {}
    for it in items:
        key = ".".join(str(it[f]) for f in fields)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def _flatten(value: Any, path: str, name: str, out: dict[str, Any]) -> None:
    if _is_sourced(value):
        out[path] = value["value"]
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _PROSE:
                _flatten(v, f"{path}.{k}" if path else str(k), str(k), out)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            out[path] = value
            return
        keys = _list_keys(name, value) or [str(k) for k in range(len(value))]
        for key, v in zip(keys, value):
            _flatten(v, f"{path}.{key}", name, out)
    else:
        out[path] = value


def inputs_digest(data: dict[str, Any] | None) -> dict[str, Any]:
    """``path -> value`` of a scenario document (``{}`` for none)."""
    if not data:
        return {}
    out: dict[str, Any] = {}
    _flatten(data, "", "", out)
    as_of = data.get("as_of")
    keys = _list_keys("relations", data.get("relations") or []) or []
    for key, rel in zip(keys, data.get("relations") or []):
        since, until = rel.get("since"), rel.get("until")
        out[f"relations.{key}.in_force"] = as_of is None or (
            (since is None or since <= as_of) and (until is None or as_of <= until)
        )
    return out


def _ranking(scores: dict[str, Any]) -> list[str]:
    return sorted(scores, key=lambda o: -(scores[o] if scores[o] is not None else -math.inf))


def answers_digest(results: Any) -> dict[str, Any]:
    """``path -> value`` of the answers in a command's results."""
    out: dict[str, Any] = {}
    if not isinstance(results, dict):
        return out
    for model, issues in _forecasts_of(results).items():
        for issue, f in issues.items():
            if isinstance(f, dict) and "outcome" in f:
                out[f"forecasts.{model}.{issue}"] = f["outcome"]
    bal = (
        results.get("balance")
        if isinstance(results.get("balance"), dict)
        else (results if "frustration_index" in results else None)
    )
    if bal is not None:
        out["balance.frustration_index"] = bal.get("frustration_index")
        out["balance.camps"] = [sorted(g) for g in bal.get("groups") or []]
        out["balance.frustrated_ties"] = sorted(
            "–".join(sorted(map(str, e))) for e in bal.get("frustrated_edges") or []
        )
        out["balance.unbalanced_triads"] = bal.get("unbalanced_triads")
        for actor, d in (bal.get("actors") or {}).items():
            if isinstance(d, dict) and "unbalanced_triads" in d:
                out[f"balance.actors.{actor}.unbalanced_triads"] = d["unbalanced_triads"]
    for variant, d in decisions_of(results).items():
        pre = f"variants.{variant}" if variant else "decision"
        for doctrine, info in (d.get("by_doctrine") or {}).items():
            out[f"{pre}.best.{doctrine}"] = info.get("best")
            out[f"{pre}.ranking.{doctrine}"] = _ranking(info.get("scores") or {})
        if d.get("robust_option") is not None:
            out[f"{pre}.robust_option"] = d["robust_option"]
        for option, a in (d.get("acceptability") or {}).items():
            out[f"{pre}.acceptability.{option}"] = a
    if "baselines" in results:  # backtest
        for group in ("models", "baselines"):
            for name, score in (results.get(group) or {}).items():
                for k in ("mae", "n"):
                    out[f"backtest.{group}.{name}.{k}"] = (score or {}).get(k)
    if not out:  # a result without a known layout: every value but timings
        _flatten_all(results, "", out)
    return out


def every_value(results: Any) -> dict[str, Any]:
    """``path -> value`` of every value in ``results`` but the timings (``seconds``)."""
    out: dict[str, Any] = {}
    _flatten_all(results, "", out)
    return out


def _flatten_all(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "seconds":
                _flatten_all(v, f"{path}.{k}" if path else str(k), out)
    else:
        out[path] = value


def same(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Equal values, numbers within a relative tolerance ``tol`` (0: exactly)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], tol) for k in a)
    return a == b


def diff(a: dict[str, Any], b: dict[str, Any], tol: float = 1e-9) -> list[dict[str, Any]]:
    """``[{"path", "a", "b"}, ...]`` for every path whose values differ (missing: null)."""
    rows = []
    for path in list(a) + [p for p in b if p not in a]:
        va, vb = a.get(path), b.get(path)
        if not same(va, vb, tol):
            rows.append({"path": path, "a": va, "b": vb})
    return rows

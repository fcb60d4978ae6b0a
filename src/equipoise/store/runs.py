"""Writing and reading runs (the ``runs`` table and its detail tables).

A run is inserted as ``running`` when its input is known and completed in one transaction
(status, end time, results and the detail rows together), so a run is never half-written: a
process killed before that transaction leaves the run ``running``, and the next reader on the
same host that finds its process gone marks it ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..strict_json import dumps, finite_or_none
from .engine import Store, StoreError
from .schema import decision_scores, forecast_rounds, run_inputs, runs

__all__ = [
    "RunRow",
    "new_run_id",
    "insert_run",
    "complete_run",
    "list_runs",
    "get_run",
    "get_input",
    "delete_runs",
    "resolve_run_id",
    "to_json",
    "STATUSES",
]

STATUSES = ("running", "done", "failed", "interrupted")


def new_run_id() -> str:
    """A random 12-hex-digit id (any unique prefix of at least 4 digits also names it)."""
    return secrets.token_hex(6)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_json(value: Any) -> str:
    """Compact strict JSON with the keys in a fixed order (equal data, equal text);
    non-finite floats become null (PostgreSQL and strict parsers refuse NaN), through the
    one cleaner :func:`equipoise.strict_json.json_ready`."""
    return dumps(value, indent=None, sort_keys=True, compact=True)


def _iso(value: dt.datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's text, read raw: "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC
        return value.replace(" ", "T", 1) + ("+00:00" if len(value) <= 26 else "")
    if value.tzinfo is None:  # SQLite gives naive datetimes back: they were stored in UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


@dataclass
class RunRow:
    """One run as read from the store."""

    id: str
    command: str
    status: str
    started: str
    ended: str | None
    params: dict[str, Any]
    seed: int | None
    version: str
    scenario_hash: str | None
    input_name: str | None
    scenario_id: str | None
    title: str | None
    sets: list[str]
    error: str | None
    results: Any = None
    draws_stored: int = 0  # SMAA draws stored with --store-draws (all variants together)

    def summary(self) -> dict[str, Any]:
        """The ``runs list --json`` record."""
        return {
            "id": self.id,
            "command": self.command,
            "status": self.status,
            "scenario_hash": self.scenario_hash,
            "seed": self.seed,
            "version": self.version,
            "started": self.started,
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``runs show --json`` record."""
        return {
            **self.summary(),
            "ended": self.ended,
            "input": self.input_name,
            "scenario_id": self.scenario_id,
            "title": self.title,
            "params": self.params,
            "sets": self.sets,
            "error": self.error,
            "draws_stored": self.draws_stored,
            "results": self.results,
        }


def insert_run(
    store: Store,
    *,
    run_id: str,
    command: str,
    params: dict[str, Any],
    seed: int | None,
    version: str,
    input_kind: str,
    input_text: str,
    input_hash: str,
    input_name: str | None,
    scenario_id: str | None,
    title: str | None,
    sets: list[str],
) -> None:
    """Record the start of a run (status ``running``) with its input, in one transaction."""
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:
        from sqlalchemy.dialects.postgresql import insert as upsert  # type: ignore[assignment]
    with store.write() as conn:
        # each input once; concurrent writers of the same input must not collide
        conn.execute(
            upsert(run_inputs)
            .values(hash=input_hash, kind=input_kind, content=input_text, created=now())
            .on_conflict_do_nothing(index_elements=["hash"])
        )
        conn.execute(
            runs.insert().values(
                id=run_id,
                command=command,
                status="running",
                started=now(),
                params=to_json(params),
                seed=seed,
                version=version,
                input_hash=input_hash,
                input_name=input_name,
                host=socket.gethostname(),
                pid=os.getpid(),
                sets=to_json(sets),
                scenario_id=scenario_id,
                title=title,
            )
        )


def complete_run(
    store: Store,
    run_id: str,
    status: str,
    results: Any = None,
    error: str | None = None,
    *,
    draws: dict[str, list[tuple[Any, ...]]] | None = None,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Finish a run: status, end time, results and detail rows in one transaction.

    ``draws``: the per-draw rows (:func:`equipoise.store.draws.draw_rows`), written in
    batches in the same transaction; when ``stop()`` turns true between two batches the
    whole transaction is rolled back and :class:`~equipoise.store.draws.DrawsStopped`
    raised (the caller then records the run as interrupted).
    """
    with store.write() as conn:
        conn.execute(
            runs.update()
            .where(runs.c.id == run_id)
            .values(
                status=status,
                ended=now(),
                error=error,
                results=None if results is None else to_json(results),
            )
        )
        if status == "done" and isinstance(results, dict):
            rounds = list(_forecast_rows(run_id, results))
            if rounds:
                conn.execute(forecast_rounds.insert(), rounds)
            scores = list(_decision_rows(run_id, results))
            if scores:
                conn.execute(decision_scores.insert(), scores)
            if draws:
                from .draws import insert_draws

                insert_draws(conn, draws, stop)


def _forecasts_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """model -> issue -> {outcome, trajectory} from ``forecast --json`` or ``analyze``."""
    if isinstance(results.get("forecasts"), dict):  # analyze
        return {
            m: f.get("issues", {}) for m, f in results["forecasts"].items() if isinstance(f, dict)
        }
    if isinstance(results.get("models"), dict) and "baselines" not in results:  # forecast
        return {m: f for m, f in results["models"].items() if isinstance(f, dict)}
    return {}


def _forecast_rows(run_id: str, results: dict[str, Any]) -> Any:
    for model, issues in _forecasts_of(results).items():
        for issue, f in issues.items():
            if not isinstance(f, dict) or "outcome" not in f:
                continue
            trajectory = f.get("trajectory") or [f.get("outcome")]
            for k, value in enumerate(trajectory):
                yield {
                    "run_id": run_id,
                    "model": model,
                    "issue": issue,
                    "round": k,
                    "value": finite_or_none(value),
                }


def decisions_of(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """variant ('' for none) -> ``DecisionResult.to_dict()`` in ``decide`` or ``analyze``."""
    found: dict[str, dict[str, Any]] = {}
    if "by_doctrine" in results:
        found[results.get("variant") or ""] = results
    if isinstance(results.get("decision"), dict):
        found[""] = results["decision"]
    for v, d in (results.get("variants") or {}).items():
        if isinstance(d, dict):
            found[v] = d
    return found


def _decision_rows(run_id: str, results: dict[str, Any]) -> Any:
    for variant, d in decisions_of(results).items():
        by_doctrine_acc = d.get("acceptability_by_doctrine") or {}
        for doctrine, info in (d.get("by_doctrine") or {}).items():
            scores = info.get("scores") or {}
            order = sorted(
                scores, key=lambda o: -(scores[o] if scores[o] is not None else -math.inf)
            )
            for option, score in scores.items():
                yield {
                    "run_id": run_id,
                    "variant": variant,
                    "doctrine": doctrine,
                    "option": option,
                    "score": finite_or_none(score),
                    "rank": order.index(option) + 1,
                    "acceptability": finite_or_none(by_doctrine_acc.get(doctrine, {}).get(option)),
                }
        acc = d.get("acceptability") or {}
        if acc:
            order = sorted(acc, key=lambda o: -(acc[o] or 0.0))
            for option, a in acc.items():
                yield {
                    "run_id": run_id,
                    "variant": variant,
                    "doctrine": "*",
                    "option": option,
                    "score": None,
                    "rank": order.index(option) + 1,
                    "acceptability": finite_or_none(a),
                }


_LIST_COLUMNS = (
    runs.c.id,
    runs.c.command,
    runs.c.status,
    runs.c.input_hash,
    runs.c.seed,
    runs.c.version,
    runs.c.host,
    runs.c.pid,
    runs.c.input_name,
    runs.c.title,
)


def _mark_vanished(store: Store, rows: Sequence[Any]) -> set[str]:
    """Runs ``running`` on this host whose process is gone: mark them ``interrupted``."""
    host = socket.gethostname()
    gone = [
        r.id
        for r in rows
        if r.status == "running" and r.host == host and r.pid is not None and not _alive(r.pid)
    ]
    if gone:
        with store.write() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.id.in_(gone), runs.c.status == "running")
                .values(
                    status="interrupted",
                    ended=now(),
                    error="the process ended before the run completed",
                )
            )
    return set(gone)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def list_runs(
    store: Store,
    *,
    limit: int | None = None,
    command: str | None = None,
    status: str | None = None,
    scenario: str | None = None,
) -> list[dict[str, Any]]:
    """Runs newest first as ``runs list --json`` records (plus ``input`` and ``title``)."""
    # on SQLite the start time is read as its text (parsing 10,000 datetimes costs more than
    # the query); PostgreSQL's driver gives datetimes
    started = (
        sa.type_coerce(runs.c.started, sa.String) if store.is_sqlite else runs.c.started
    ).label("started")
    query = sa.select(*_LIST_COLUMNS, started).order_by(runs.c.started.desc(), runs.c.seq.desc())
    if command:
        query = query.where(runs.c.command == command)
    if status and status != "interrupted":
        query = query.where(runs.c.status == status)
    elif status == "interrupted":
        query = query.where(runs.c.status.in_(("interrupted", "running")))
    if scenario:
        query = query.where(
            sa.or_(runs.c.input_hash.startswith(scenario), runs.c.input_name == scenario)
        )
    if limit:
        query = query.limit(limit)
    with store.read() as conn:
        rows = conn.execute(query).fetchall()
    gone = _mark_vanished(store, rows)
    out = []
    for r in rows:
        st = "interrupted" if r.id in gone else r.status
        if status and st != status:
            continue
        out.append(
            {
                "id": r.id,
                "command": r.command,
                "status": st,
                "scenario_hash": r.input_hash,
                "seed": r.seed,
                "version": r.version,
                "started": _iso(r.started),
                "input": r.input_name,
                "title": r.title,
            }
        )
    return out


def resolve_run_id(store: Store, prefix: str) -> str:
    """The full id of the run named by ``prefix`` (a whole id or a unique prefix)."""
    if len(prefix) < 4:
        raise StoreError(prefix, "a run id needs at least 4 characters; see `equipoise runs list`")
    with store.read() as conn:
        found = [
            r[0]
            for r in conn.execute(
                sa.select(runs.c.id).where(runs.c.id.startswith(prefix, autoescape=True)).limit(3)
            )
        ]
    if not found:
        raise StoreError(prefix, f"no such run in {store.where}; see `equipoise runs list`")
    if len(found) > 1:
        raise StoreError(
            prefix, f"names more than one run ({', '.join(found[:2])}, ...); give more of the id"
        )
    return found[0]


def get_run(store: Store, prefix: str, *, results: bool = True) -> RunRow:
    """One run (by id or unique prefix), with its results unless ``results=False``."""
    run_id = resolve_run_id(store, prefix)
    with store.read() as conn:
        r = conn.execute(sa.select(runs).where(runs.c.id == run_id)).one()
    status = r.status
    if status == "running" and run_id in _mark_vanished(store, [r]):
        status = "interrupted"
    from .draws import count_draws

    return RunRow(
        id=r.id,
        command=r.command,
        status=status,
        started=_iso(r.started) or "",
        ended=_iso(r.ended),
        params=json.loads(r.params or "{}"),
        seed=r.seed,
        version=r.version,
        scenario_hash=r.input_hash,
        input_name=r.input_name,
        scenario_id=r.scenario_id,
        title=r.title,
        sets=json.loads(r.sets or "[]"),
        error=r.error,
        results=json.loads(r.results) if results and r.results else None,
        draws_stored=count_draws(store, run_id),
    )


def get_input(store: Store, input_hash: str) -> tuple[str, str]:
    """``(kind, content)`` of a stored input."""
    with store.read() as conn:
        r = conn.execute(
            sa.select(run_inputs.c.kind, run_inputs.c.content).where(
                run_inputs.c.hash == input_hash
            )
        ).first()
    if r is None:
        raise StoreError(input_hash, "the run's input is missing from the store")
    return r.kind, r.content


def delete_runs(store: Store, ids: list[str]) -> int:
    """Delete these runs (full ids) and their detail rows; inputs no run uses any more too."""
    from .draws import delete_draws

    with store.write() as conn:
        for table in (forecast_rounds, decision_scores):
            conn.execute(table.delete().where(table.c.run_id.in_(ids)))
        delete_draws(conn, ids)
        n = conn.execute(runs.delete().where(runs.c.id.in_(ids))).rowcount
        used = sa.select(runs.c.input_hash).where(runs.c.input_hash.is_not(None))
        conn.execute(run_inputs.delete().where(run_inputs.c.hash.not_in(used)))
    return int(n or 0)

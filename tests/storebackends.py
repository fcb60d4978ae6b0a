"""The two run-store backends for tests: a fresh SQLite file, or a fresh schema on the
PostgreSQL server `.ci/with-postgres` starts (skipped, with the reason, when there is none)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

BACKENDS = ["sqlite", "postgresql"]


def postgres_url_or_skip() -> str:
    url = os.environ.get("EQUIPOISE_TEST_POSTGRES")
    if not url:
        why = os.environ.get("EQUIPOISE_TEST_POSTGRES_SKIP") or (
            "EQUIPOISE_TEST_POSTGRES is not set: run the suite through .ci/with-postgres "
            "(as .ci/run does) to test against a real PostgreSQL server"
        )
        pytest.skip(f"PostgreSQL run-store tests skipped: {why}")
    return url


def make_store_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty store on ``backend``; the PostgreSQL schema is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.sqlite'}"
        return
    import psycopg

    base = postgres_url_or_skip()
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

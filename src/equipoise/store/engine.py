"""Opening a run store: engine, concurrency settings, schema checks and migrations.

SQLite: WAL journal (readers never wait for the writer), a busy timeout (a writer waits for
another rather than failing with "database is locked"), and ``BEGIN IMMEDIATE`` for every
write transaction (the write lock is taken at the start, so two writers never deadlock
upgrading a read lock). PostgreSQL: psycopg 3; migrations serialise on an advisory lock.

A store is never overwritten: a file that is not an SQLite database, a database with other
tables but no equipoise schema, or one written by a newer equipoise (an unknown schema
revision) raises :class:`StoreError` (exit status 2 on the command line).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..errors import InputError
from .schema import HEAD, REVISIONS, VERSION_TABLE

__all__ = ["Store", "StoreError", "open_store", "BUSY_TIMEOUT_MS"]

#: How long an SQLite writer waits for another one before giving up (milliseconds).
BUSY_TIMEOUT_MS = 60_000
#: PostgreSQL advisory lock key under which migrations run (one migrator at a time).
_PG_MIGRATION_LOCK = 0x65717569  # "equi"


class StoreError(InputError):
    """The run store cannot be used (printed as ``STORE: message``, exit status 2)."""

    def __init__(self, where: str, message: str, *, unreachable: bool = False):
        super().__init__(message, where)
        #: The store could not be reached or created (as opposed to: it is there, unusable).
        self.unreachable = unreachable


def _display(url: str) -> str:
    """The URL as shown in messages: a file path for SQLite, no password for others."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


class Store:
    """An open run store. ``read()`` and ``write()`` give connections in a transaction."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url
        self.where = _display(url)
        self.is_sqlite = engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(equipoise_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa.exc.DatabaseError as exc:
            raise StoreError(self.where, _explain(exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _explain(exc: sa.exc.DBAPIError | sa.exc.DatabaseError) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
    if "not a database" in text or "malformed" in text:
        return (
            f"not a usable equipoise run store ({text}); it is left as it is: give "
            "another --store, or move this file away"
        )
    return f"run store error: {text}"


def _make_engine(url: str) -> Engine:
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            path = Path(u.database)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            row = cur.execute("PRAGMA journal_mode").fetchone()
            if row and str(row[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("equipoise_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(u, pool_pre_ping=False)


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open the store at ``url``, creating or upgrading its schema to the newest revision.

    Raises :class:`StoreError` for a file that is not a database, a database that is not an
    equipoise store, a store written by a newer equipoise, or a server that cannot be reached.
    """
    where = _display(url)
    try:
        engine = _make_engine(url)
    except OSError as exc:  # the folder for an SQLite file cannot be created
        raise StoreError(
            where, f"cannot create the run store's folder: {exc.strerror or exc}", unreachable=True
        ) from exc
    except ImportError as exc:
        raise StoreError(
            where,
            f"the driver for this store is not installed ({exc}); for "
            "PostgreSQL: pip install 'equipoise[postgres]'",
        ) from exc
    except sa.exc.ArgumentError as exc:
        raise StoreError(where, f"not a store URL I can open: {exc}") from exc
    store = Store(engine, url)
    try:
        revision = _revision(store)
        if revision == HEAD:
            return store
        if revision is not None and revision not in REVISIONS:
            raise StoreError(
                where,
                f"written by a newer equipoise (schema revision "
                f"{revision}; this equipoise knows up to {HEAD}); it is left "
                "as it is: upgrade equipoise to use it",
            )
        if not migrate:
            raise StoreError(where, f"schema revision {revision} is older than {HEAD}")
        _migrate(store)
        return store
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise StoreError(
            where, f"cannot open the run store: {_first_line(exc)}", unreachable=True
        ) from exc
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        raise StoreError(where, _explain(exc)) from exc
    except StoreError:
        engine.dispose()
        raise


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return (str(orig or exc).strip().splitlines() or [""])[0]


def _revision(store: Store, conn: Connection | None = None) -> str | None:
    """The store's schema revision; ``None`` for an empty database.

    Raises :class:`StoreError` for a database that has tables but no equipoise schema.
    """

    def look(c: Connection) -> str | None:
        names = set(sa.inspect(c).get_table_names())
        if VERSION_TABLE not in names:
            if names:
                raise StoreError(
                    store.where,
                    "is a database but not an equipoise run store "
                    f"(tables {', '.join(sorted(names)[:5])}); it is left as "
                    "it is: give another --store",
                )
            return None
        rows = c.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).fetchall()
        return rows[0][0] if rows else None

    if conn is not None:
        return look(conn)
    with store.engine.connect() as c:
        return look(c)


def _migrate(store: Store) -> None:
    """Upgrade to the newest revision, one process at a time (write lock / advisory lock)."""
    from alembic import command
    from alembic.config import Config

    with store.engine.connect() as conn:
        conn = conn.execution_options(equipoise_write=True)
        with conn.begin():
            if not store.is_sqlite:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            revision = _revision(store, conn)  # again, under the lock
            if revision == HEAD:
                return
            if revision is not None and revision not in REVISIONS:
                raise StoreError(
                    store.where, f"written by a newer equipoise (schema revision {revision})"
                )
            cfg = Config()
            cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, HEAD)


def migrate_to(url: str, revision: str) -> None:
    """Create or upgrade the store at ``url`` to ``revision`` exactly (for tests and tools)."""
    from alembic import command
    from alembic.config import Config

    engine = _make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(equipoise_write=True)
            with conn.begin():
                cfg = Config()
                cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
    finally:
        engine.dispose()

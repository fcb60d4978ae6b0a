"""Alembic environment: migrate the connection :func:`open_store` hands over.

The caller has already begun the (locking) transaction, so Alembic runs inside it.
"""

from __future__ import annotations

from alembic import context

from equipoise.store.schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()

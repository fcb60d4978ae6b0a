"""Alembic migrations of the run store (run by :func:`equipoise.store.engine.open_store`)."""

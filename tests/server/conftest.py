"""Server test setup: the test scenario directory, a clean per-process game cache for
every case (databases are emptied between cases, so ids are reused), and a Redis key
prefix per session."""

from __future__ import annotations

import os

import pytest

from tests.server.helpers import DATA

os.environ.setdefault("FORGE_EXTRA_SCENARIOS", str(DATA))


@pytest.fixture(autouse=True, scope="session")
def _close_thread_connections(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """database_sync_to_async keeps a connection open in its worker thread; close it
    there before pytest-django drops the test database."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)
    # On PostgreSQL, connections opened by other threads (the tests' own executors) may
    # outlive their loops: end them, so the test database can be dropped.
    conn = connections["default"]
    if conn.vendor == "postgresql":
        with django_db_blocker.unblock(), conn.cursor() as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _forge_settings(settings):  # type: ignore[no-untyped-def]
    from negotiation.services import bots, clock, loading, rendering

    bots.forget_failures()  # what failed in one test's game says nothing of the next's,
    clock.forget_failures()  # whose database may reuse its id

    settings.FORGE_SCENARIO_DIRS = [*settings.FORGE_SCENARIO_DIRS, DATA]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    loading.reset()
    rendering.reset()
    yield
    loading.reset()
    rendering.reset()

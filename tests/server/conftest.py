"""Server test setup: the test scenario directory, a clean per-process game cache for
every case (databases are emptied between cases, so ids are reused), and a Redis key
prefix per session."""

from __future__ import annotations

import os

import pytest

from tests.server.helpers import DATA

os.environ.setdefault("FORGE_EXTRA_SCENARIOS", str(DATA))


@pytest.fixture(autouse=True, scope="session")
def _close_thread_connections(django_db_setup):  # type: ignore[no-untyped-def]
    """database_sync_to_async keeps a connection open in its worker thread; close it
    there before pytest-django drops the test database."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


@pytest.fixture(autouse=True)
def _forge_settings(settings):  # type: ignore[no-untyped-def]
    from negotiation.services import loading, rendering

    settings.FORGE_SCENARIO_DIRS = [*settings.FORGE_SCENARIO_DIRS, DATA]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    loading.reset()
    rendering.reset()
    yield
    loading.reset()
    rendering.reset()

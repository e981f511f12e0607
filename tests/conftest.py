"""Pytest's wiring: point the service at a throwaway database before anything imports it, and
make the shared fixtures (defined in ``tests/world.py``) available to every test."""

from __future__ import annotations

import os
import tempfile

import pytest

from tests import postgres_cluster
from tests.world import (  # noqa: F401 (fixtures are found by name)
    app,
    client,
    clock,
    empty_database,
    issued,
    live_env,
    migrated,
    pupil,
    settings,
    signed_in,
    world,
)


def pytest_configure(config: pytest.Config) -> None:
    """Point the service at a fresh database before anything imports it."""
    var_dir = tempfile.mkdtemp(prefix="lv-test-")
    os.environ["SURVEY_VAR_DIR"] = var_dir
    os.environ["SURVEY_SECRET_KEY"] = "test-secret-not-for-production"
    os.environ["SURVEY_BASE_URL"] = "http://testserver.local"
    # The test client runs the app on its own event loop while fixtures use asyncio.run: a pool
    # would be shared across loops, so tests open a connection per query.
    os.environ["SURVEY_DATABASE_POOL_SIZE"] = "0"
    # Tests move the clock and run the dispatcher themselves; no background schedule.
    os.environ["SURVEY_DISPATCH_INTERVAL_MINUTES"] = "0"
    os.environ.pop("SURVEY_DATABASE_URL", None)
    if os.environ.get("SURVEY_TEST_POSTGRES") == "1":
        from tests.postgres_cluster import Cluster, find_bindir

        bindir = find_bindir()
        if bindir is None:
            raise pytest.UsageError("SURVEY_TEST_POSTGRES=1 but no PostgreSQL server is installed")
        cluster = Cluster(bindir)
        cluster.start()
        postgres_cluster.RUNNING = cluster
        os.environ["SURVEY_DATABASE_URL"] = cluster.url


def pytest_unconfigure(config: pytest.Config) -> None:
    if postgres_cluster.RUNNING is not None:
        postgres_cluster.RUNNING.stop()


def pytest_report_header(config: pytest.Config) -> str:
    engine = "PostgreSQL" if os.environ.get("SURVEY_TEST_POSTGRES") == "1" else "SQLite"
    return f"database under test: {engine}"

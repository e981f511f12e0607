"""A fresh database for one benchmark: a SQLite file or a throwaway PostgreSQL cluster, migrated."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def databases(asked: list[str]) -> list[str]:
    """The databases asked for that can run here; says loudly which one is skipped and why."""
    from tests.postgres_cluster import find_bindir

    if "postgres" in asked and find_bindir() is None:
        print("!!! PostgreSQL is not installed: skipping it (apt-get install postgresql)")
        return [kind for kind in asked if kind != "postgres"]
    return asked


@contextmanager
def fresh_database(kind: str, **settings: str) -> Iterator[dict[str, str]]:
    """A new, migrated database of this kind ("sqlite" or "postgres"), as ``SURVEY_*`` variables.

    ``settings`` adds variables by name, e.g. ``SURVEY_SECRET_KEY="bench"``. A PostgreSQL cluster
    is stopped and deleted when the block ends.
    """
    work = Path(tempfile.mkdtemp(prefix=f"lv-{kind}-"))
    cluster = None
    if kind == "sqlite":
        url = f"sqlite:///{work / 'bench.db'}"
    else:
        from tests.postgres_cluster import Cluster, find_bindir

        bindir = find_bindir()
        assert bindir is not None, "PostgreSQL is not installed"
        cluster = Cluster(bindir)
        cluster.start()
        url = cluster.url
    env = {"SURVEY_DATABASE_URL": url, "SURVEY_VAR_DIR": str(work), **settings}
    try:
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "survey-app"), "migrate"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        yield env
    finally:
        if cluster is not None:
            cluster.stop()


async def bind(env: dict[str, str], pooled: bool = True) -> Any:
    """Point the service's tables at that database, pooled on PostgreSQL as the server is.

    A pool belongs to the event loop that opened it: pass ``pooled=False`` when later queries
    run under another ``asyncio.run``.
    """
    from piccolo.engine.postgres import PostgresEngine

    from survey_app.db import engine as database
    from survey_app.settings import load_settings

    settings = load_settings(env)
    engine = database.engine_for(settings)
    for table in database.all_tables():
        table._meta.db = engine
    if pooled and isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=settings.database_pool_size)
    return settings

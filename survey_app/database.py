"""The database engine for the configured URL, and the one way to open a transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from survey_app.settings import Settings

BUSY_TIMEOUT_MS = 30_000


class DurableSQLiteEngine(SQLiteEngine):
    """SQLite in WAL mode with ``synchronous=FULL``, so an acknowledged write survives a crash.

    Piccolo opens a connection per query, so the pragmas are applied to every connection.
    """

    async def _prepare(self, connection: aiosqlite.Connection) -> None:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = FULL")

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await super().get_connection()
        await self._prepare(connection)
        return connection

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.get_connection()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                return await cursor.fetchall()
        finally:
            await connection.close()


def engine_for(settings: Settings) -> Engine[Any]:
    """Build the Piccolo engine the settings ask for."""
    url = settings.resolved_database_url
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": url})
    path = url.removeprefix("sqlite:///")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return DurableSQLiteEngine(path=path, timeout=BUSY_TIMEOUT_MS / 1000)


def transaction() -> Any:
    """Open a write transaction: ``IMMEDIATE`` on SQLite so concurrent writers queue, not fail."""
    from survey_app.tables import Placement

    engine = Placement._meta.db
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def is_postgres() -> bool:
    """True when the tables are bound to PostgreSQL."""
    from survey_app.tables import Placement

    return isinstance(Placement._meta.db, PostgresEngine)


def all_tables() -> list[Any]:
    """Every table of the service, for binding to an engine and for clearing test data."""
    from survey_app.tables import ALL_TABLES

    return list(ALL_TABLES)

"""The database engine for the configured URL, and the one way to open a transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

from survey_app.ops.private_files import private_file, private_folder, tighten
from survey_app.settings import Settings

BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger(__name__)
T = TypeVar("T")


class DurableSQLiteEngine(SQLiteEngine):
    """SQLite in WAL mode with ``synchronous=FULL``, so an acknowledged write survives a crash.

    Piccolo opens a connection (and a thread) per query; with ``pool_size`` above 0 the server
    keeps that many connections open instead, which roughly halves the time of a survey page.
    The pragmas are applied to every connection as it opens.
    """

    pool_size = 0

    def __init__(self, *, pool_size: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_size = pool_size
        self._idle: list[aiosqlite.Connection] = []
        self._slots: asyncio.Semaphore | None = None
        self._writing: asyncio.Lock | None = None

    @property
    def write_lock(self) -> asyncio.Lock:
        """Writers in this process queue here rather than in SQLite's busy handler.

        SQLite lets a blocked writer sleep in steps of up to 100 ms; queueing in the event loop
        hands the lock over the moment it is free. Other processes still meet the busy timeout.
        """
        if self._writing is None:
            self._writing = asyncio.Lock()
        return self._writing

    async def _prepare(self, connection: aiosqlite.Connection) -> None:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = FULL")

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await super().get_connection()
        await self._prepare(connection)
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        """A connection from the pool (opened if none is idle), waiting while all are busy."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.pool_size)
        await self._slots.acquire()
        try:
            return self._idle.pop() if self._idle else await self.get_connection()
        except BaseException:
            self._slots.release()
            raise

    async def release(self, connection: aiosqlite.Connection, broken: bool = False) -> None:
        """Give a connection back; one left mid-transaction or broken is closed, not reused."""
        assert self._slots is not None
        try:
            if broken or connection.in_transaction:
                await connection.close()
            else:
                self._idle.append(connection)
        except Exception:
            log.warning("closing a broken SQLite connection failed", exc_info=True)
        finally:
            self._slots.release()

    async def close_pool(self) -> None:
        """Close every idle pooled connection (at shutdown)."""
        while self._idle:
            await self._idle.pop().close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if not self.pool_size:
            connection = await self.get_connection()
            try:
                return await self._execute(connection, query, args)
            finally:
                await connection.close()
        if query.lstrip()[:6].upper() == "SELECT":
            return await self._run_pooled(query, args)
        async with self.write_lock:
            return await self._run_pooled(query, args)

    async def _run_pooled(self, query: str, args: Any) -> Any:
        connection = await self.acquire()
        broken = True
        try:
            result = await self._execute(connection, query, args)
            broken = False
            return result
        finally:
            await self.release(connection, broken)

    @staticmethod
    async def _execute(connection: aiosqlite.Connection, query: str, args: Any) -> Any:
        async with connection.execute(query, args or []) as cursor:
            await connection.commit()
            return await cursor.fetchall()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        if not self.pool_size:
            return super().transaction(transaction_type, allow_nested)
        return PooledSQLiteTransaction(self, transaction_type, allow_nested)


class PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on a pooled connection, given back instead of closed."""

    engine: DurableSQLiteEngine
    _holds_write_lock = False

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is None and self.transaction_type == TransactionType.immediate:
            await self.engine.write_lock.acquire()
            self._holds_write_lock = True
        try:
            return await super().__aenter__()
        except BaseException:
            connection = getattr(self, "connection", None)
            if connection is not None:
                await self.engine.release(connection, broken=True)
            self._unlock()
            raise

    def _unlock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            self.engine.write_lock.release()

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine.acquire()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        broken = True
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            broken = False
        finally:
            await self.engine.release(self.connection, broken)
            self.engine.current_transaction.reset(self.context)
            self._unlock()
        return exception is None


def engine_for(settings: Settings, server: bool = False) -> Engine[Any]:
    """Build the Piccolo engine the settings ask for.

    Only a server keeps SQLite connections open: a command that runs and ends does not need
    them, and their threads would keep it from ending.
    """
    url = settings.resolved_database_url
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": url})
    path = url.removeprefix("sqlite:///")
    private_folder(Path(path).parent)
    # Created owner-only before SQLite opens it: SQLite gives its WAL and shared-memory files
    # the database file's permissions. Those left by an older version are tightened too.
    private_file(Path(path))
    for suffix in ("-wal", "-shm"):
        tighten(Path(path + suffix))
    return DurableSQLiteEngine(
        path=path,
        timeout=BUSY_TIMEOUT_MS / 1000,
        pool_size=settings.database_pool_size if server else 0,
    )


def transaction() -> Any:
    """Open a write transaction: ``IMMEDIATE`` on SQLite so concurrent writers queue, not fail."""
    from survey_app.db.tables import Placement

    engine = Placement._meta.db
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


#: Rows in one multi-row INSERT. PostgreSQL takes at most 32,767 parameters a statement, so a
#: table of up to 30 columns stays under it.
ROWS_PER_STATEMENT = 1000


def batches(rows: Sequence[T]) -> Iterator[Sequence[T]]:
    """``rows`` in slices small enough for one INSERT on either database."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start : start + ROWS_PER_STATEMENT]


def is_postgres() -> bool:
    """True when the tables are bound to PostgreSQL."""
    from survey_app.db.tables import Placement

    return isinstance(Placement._meta.db, PostgresEngine)


def all_tables() -> list[Any]:
    """Every table of the service, for binding to an engine and for clearing test data."""
    from survey_app.db.schema import ALL_TABLES

    return list(ALL_TABLES)

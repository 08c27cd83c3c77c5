"""Piccolo's SQLite engine with its connections kept and one thread hop per query.

Piccolo 1.x opens an aiosqlite connection (a new thread, a file open, a PRAGMA) for every query
outside a transaction and for every transaction, and inside one runs each query as three hops to
the connection's thread (the PRAGMA again, the execute, the fetch). Under load each hop waits for
the busy event loop, and inside a booking's IMMEDIATE transaction those waits held the file's one
write lock (`docs/performance.md`, "SQLite: connections kept").

Here idle connections are kept per database file, with `foreign_keys` set once, and a query (or
a batch of reads, `run_statements`; a transaction's BEGIN goes with its first statement) is one
hop. A connection goes back only when it is outside any transaction; otherwise it is closed.
Their threads are daemons, so a command that forgets `drain_pools` still exits.

A process's writing transactions take turns before asking SQLite for its lock
(`ConnectionPool.writers`), and a writer then looks for that lock every millisecond
(`begin_writing`, which the ingest's batches use too) instead of waiting in SQLite's busy handler.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import (
    Savepoint,
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)

KEPT_IDLE = 8  # a booking burst's transactions plus the searches' reads between them
POLL_S = 0.001
_WRITING = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


class ConnectionPool:
    """One database file's idle connections; safe to share between event loops and threads
    (deque's append and pop are atomic), since a connection's futures belong to its caller."""

    def __init__(self, connection_kwargs: dict[str, Any]) -> None:
        self.connection_kwargs = connection_kwargs
        self.idle: deque[aiosqlite.Connection] = deque()
        self.opened = 0
        self._writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def acquire(self) -> aiosqlite.Connection:
        try:
            return self.idle.pop()
        except IndexError:
            return await self._open()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction or len(self.idle) >= KEPT_IDLE:
            await connection.close()  # closing rolls back what was left open
            return
        self.idle.append(connection)

    def writers(self) -> asyncio.Lock:
        """This process's writers of the file one after the other, in the order they came (one
        lock per event loop). Left to SQLite, each waiter slept in its busy handler between looks,
        so the write lock lay idle while the waiters slept, and another process's writer (the
        ingest) waited on all of them."""
        loop = asyncio.get_running_loop()
        turn = self._writers.get(loop)
        if turn is None:
            turn = self._writers[loop] = asyncio.Lock()
        return turn

    async def drain(self) -> None:
        while self.idle:
            await self.idle.pop().close()

    async def _open(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        connection._thread.daemon = True  # aiosqlite 0.22: the worker thread, not yet started
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        self.opened += 1
        return connection


_pools: dict[str, ConnectionPool] = {}
Statement = tuple[str, Sequence[Any]]


def begin_writing(db: sqlite3.Connection, sql: str, wait_s: float) -> None:
    """`BEGIN IMMEDIATE` (or EXCLUSIVE), looking for the write lock every millisecond for up to
    `wait_s`. SQLite's own busy handler sleeps longer and longer between looks (it took the lock
    29-30 ms after a release, `tests/db/test_sqlite_pool.py`), so a writer of one process kept
    missing the short gaps between the other's transactions: the ingest behind the web's
    bookings, a booking behind the ingest's batches."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                db.execute(sql)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(POLL_S)
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")


def _run_all(
    db: sqlite3.Connection, statements: Sequence[Statement], wait_s: float
) -> list[list[Any]]:
    found: list[list[Any]] = []
    for sql, args in statements:
        if sql in _WRITING:
            begin_writing(db, sql, wait_s)
            found.append([])
        else:
            found.append(db.execute(sql, args).fetchall())
    return found


async def in_thread(
    connection: aiosqlite.Connection, statements: Sequence[Statement], wait_s: float
) -> list[list[Any]]:
    """All of them in one call on the connection's thread (aiosqlite 0.22's `_execute`)."""
    if not statements:
        return []
    run = connection._execute(_run_all, connection._conn, statements, wait_s)
    found: list[list[Any]] = await run
    return found


def pool_for(connection_kwargs: dict[str, Any]) -> ConnectionPool:
    """Engines of the same file share one pool (the app and the tests install several)."""
    path = str(connection_kwargs["database"])
    found = _pools.get(path)
    if found is None:
        found = _pools[path] = ConnectionPool(connection_kwargs)
    return found


async def drain_pools() -> None:
    """Close every idle connection (the app's shutdown, the end of a command, a test session);
    connections in use come back and are kept as before."""
    for pool in list(_pools.values()):
        await pool.drain()


class PooledTransaction(SQLiteTransaction):
    """An IMMEDIATE (or EXCLUSIVE) transaction first waits its turn among this process's writers
    (`ConnectionPool.writers`), and holds it until its connection is given back."""

    engine: PooledSQLiteEngine
    _turn: asyncio.Lock | None = None
    _begin_pending = False

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine.pool.acquire()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self._turn = self.engine.pool.writers() if self._writes_first() else None
        if self._turn is not None:
            await self._turn.acquire()
        try:
            self.connection = await self.get_connection()
        except BaseException:
            self._end_turn()
            raise
        self._begin_pending = True
        self.context = self.engine.current_transaction.set(self)
        return self

    def opening(self) -> list[Statement]:
        """The BEGIN, once: sent with the transaction's first statement, one hop fewer. An
        IMMEDIATE one that times out on the write lock then fails that statement."""
        if not self._begin_pending:
            return []
        self._begin_pending = False
        return [(f"BEGIN {self.transaction_type.value}", [])]

    async def begin(self) -> None:
        await in_thread(self.connection, self.opening(), self.engine.wait_s)

    async def commit(self) -> None:
        self._begin_pending = False
        if self.connection.in_transaction:  # not when nothing was sent, or SQLite rolled back
            await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        self._begin_pending = False
        if self.connection.in_transaction:
            await self.connection.execute("ROLLBACK")
        self._rolled_back = True

    async def savepoint(self, name: str | None = None) -> Savepoint:
        await self.begin()
        return await super().savepoint(name)

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception and not self._rolled_back:
                await self.rollback()
            elif not exception and not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            try:
                await self.engine.pool.release(self.connection)
            finally:
                self._end_turn()
        return exception is None

    def _writes_first(self) -> bool:
        return self.transaction_type is not TransactionType.deferred

    def _end_turn(self) -> None:
        if self._turn is not None:
            self._turn.release()
            self._turn = None


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        if sqlite3.sqlite_version_info < (3, 35):  # an insert's RETURNING gives the new key
            raise RuntimeError(f"SQLite 3.35 or later is needed, not {sqlite3.sqlite_version}")
        super().__init__(path=path, **connection_kwargs)

    @property
    def pool(self) -> ConnectionPool:
        return pool_for(self.connection_kwargs)

    @property
    def wait_s(self) -> float:
        """How long a writer waits for the write lock: the connection's `timeout` (sqlite3's
        default 5 s)."""
        return float(self.connection_kwargs.get("timeout", 5.0))

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return PooledTransaction(self, transaction_type, allow_nested)

    async def run_statements(self, statements: Sequence[Statement]) -> list[list[Any]]:
        """Several statements in one hop: on the current transaction's connection (after its
        BEGIN, if still to send), or else on a kept one, each then its own transaction."""
        transaction = self.current_transaction.get()
        if isinstance(transaction, PooledTransaction):
            opening = transaction.opening()
            found = await in_thread(transaction.connection, [*opening, *statements], self.wait_s)
            return found[len(opening) :]
        connection = await self.pool.acquire()
        try:
            return await in_thread(connection, statements, self.wait_s)
        finally:
            await self.pool.release(connection)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[Any]:
        del query_type, table  # an insert's RETURNING gives its key: neither is needed
        return (await self.run_statements([(query, args or [])]))[0]

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> list[Any]:
        del connection, query_type, table  # the current transaction's, which this finds
        return (await self.run_statements([(query, args or [])]))[0]

"""The SQLite engine's kept connections: reused, clean when given back, closed when drained, and
never keeping a process alive. A file of its own, so it runs once (not per database engine)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from sharedfactory.db.sqlite_pool import PooledSQLiteEngine, begin_writing, drain_pools

pytestmark = pytest.mark.pure

SCHEMA = (
    "CREATE TABLE house (id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
    "CREATE TABLE machine (id INTEGER PRIMARY KEY, house INTEGER NOT NULL REFERENCES house (id))",
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[PooledSQLiteEngine]:
    path = tmp_path / "pool.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for statement in SCHEMA:
            db.execute(statement)
    db.close()
    yield PooledSQLiteEngine(path=str(path), timeout=0.2)
    await drain_pools()


async def query(engine: PooledSQLiteEngine, sql: str, *args: object) -> list[dict]:
    """As Piccolo runs a query: in the current transaction if there is one."""
    return list(await engine.run_querystring(QueryString(sql, *args)))


async def test_one_connection_serves_query_after_query(engine: PooledSQLiteEngine) -> None:
    for n in range(5):
        await query(engine, "INSERT INTO house (code) VALUES ({})", f"h{n}")
    assert await query(engine, "SELECT count(*) AS n FROM house") == [{"n": 5}]
    assert engine.pool.opened == 1


async def test_a_kept_connection_still_checks_foreign_keys(engine: PooledSQLiteEngine) -> None:
    await query(engine, "SELECT 1")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await query(engine, "INSERT INTO machine (house) VALUES ({})", 99)
    assert engine.pool.opened == 1


async def test_a_failed_transaction_leaves_nothing_behind(engine: PooledSQLiteEngine) -> None:
    async def half_written() -> None:
        async with engine.transaction(transaction_type=TransactionType.immediate):
            await query(engine, "INSERT INTO house (code) VALUES ('half')")
            raise RuntimeError("a rule failed")

    with pytest.raises(RuntimeError):
        await half_written()
    kept = engine.pool.idle[-1]
    assert not kept.in_transaction
    assert await query(engine, "SELECT count(*) AS n FROM house") == [{"n": 0}]
    async with engine.transaction(), engine.transaction() as nested:
        await query(engine, "INSERT INTO house (code) VALUES ('whole')")
        assert nested.connection is kept  # nested: the outer transaction, on the kept one
    assert await query(engine, "SELECT code FROM house") == [{"code": "whole"}]


async def test_a_connection_given_back_mid_transaction_is_closed(
    engine: PooledSQLiteEngine,
) -> None:
    connection = await engine.pool.acquire()
    await connection.execute("BEGIN IMMEDIATE")
    await engine.pool.release(connection)
    assert not engine.pool.idle
    assert await query(engine, "INSERT INTO house (code) VALUES ('free') RETURNING id") == [
        {"id": 1}
    ]


async def first_statement_immediately(engine: PooledSQLiteEngine) -> None:
    async with engine.transaction(transaction_type=TransactionType.immediate):
        await query(engine, "SELECT 1")


async def test_the_first_statement_carries_the_begin(
    engine: PooledSQLiteEngine, tmp_path: Path
) -> None:
    """One hop for BEGIN IMMEDIATE and the first read, and the write lock held from then on."""
    other = sqlite3.connect(tmp_path / "pool.db", isolation_level=None, timeout=0)
    async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
        assert not transaction.connection.in_transaction  # nothing sent yet
        found = await engine.run_statements(
            [("SELECT count(*) AS n FROM house", []), ("SELECT 2 AS two", [])]
        )
        assert found == [[{"n": 0}], [{"two": 2}]]
        assert transaction.connection.in_transaction
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free once it commits
    other.execute("ROLLBACK")
    other.close()


async def test_a_busy_write_lock_gives_the_connection_back(
    engine: PooledSQLiteEngine, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "pool.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await first_statement_immediately(engine)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(engine.pool.idle) == 1
    assert not engine.pool.idle[0].in_transaction


async def test_writers_of_one_process_take_turns(engine: PooledSQLiteEngine) -> None:
    """Each holds the write lock longer than SQLite's wait (0.2 s): without the turns the
    second would fail with "database is locked"."""

    async def write(code: str) -> None:
        async with engine.transaction(transaction_type=TransactionType.immediate):
            await asyncio.sleep(0.3)
            await query(engine, "INSERT INTO house (code) VALUES ({})", code)

    await asyncio.gather(write("first"), write("second"), write("third"))
    rows = await query(engine, "SELECT code FROM house ORDER BY id")
    assert [row["code"] for row in rows] == ["first", "second", "third"]


def test_a_writer_looks_for_the_lock_every_millisecond(tmp_path: Path) -> None:
    """Another process's writer holds the lock for 300 ms, five times: the waiter has it a
    millisecond or two after each release (SQLite's busy handler: 29-30 ms after, measured here),
    and keeps its busy timeout."""
    holder = sqlite3.connect(tmp_path / "lock.db", isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    waiter = sqlite3.connect(tmp_path / "lock.db", isolation_level=None, timeout=5)
    late_s = sorted(_taken_after_release(holder, waiter) for _ in range(5))
    assert late_s[2] < 0.012, late_s
    assert waiter.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_writing(waiter, "BEGIN IMMEDIATE", 0.05)
    holder.execute("ROLLBACK")
    holder.close()
    waiter.close()


def _taken_after_release(holder: sqlite3.Connection, waiter: sqlite3.Connection) -> float:
    holder.execute("BEGIN IMMEDIATE")
    released: list[float] = []

    def release_later() -> None:
        time.sleep(0.3)
        holder.execute("COMMIT")
        released.append(time.monotonic())

    thread = threading.Thread(target=release_later)
    thread.start()
    begin_writing(waiter, "BEGIN IMMEDIATE", 5.0)
    taken = time.monotonic()
    thread.join()
    assert waiter.in_transaction
    waiter.execute("ROLLBACK")
    return taken - released[0]


async def test_draining_closes_the_idle_connections(engine: PooledSQLiteEngine) -> None:
    await query(engine, "SELECT 1")
    kept = engine.pool.idle[-1]
    await drain_pools()
    assert not engine.pool.idle
    with pytest.raises(ValueError, match="no active connection"):
        kept._conn  # noqa: B018
    await query(engine, "SELECT 1")
    assert engine.pool.opened == 2


def test_a_process_that_never_drains_still_exits(tmp_path: Path) -> None:
    script = (
        "import asyncio\n"
        "from sharedfactory.db.sqlite_pool import PooledSQLiteEngine\n"
        f"engine = PooledSQLiteEngine(path={str(tmp_path / 'exit.db')!r})\n"
        "print(asyncio.run(engine._run_in_new_connection('SELECT 7 AS n')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[{'n': 7}]")

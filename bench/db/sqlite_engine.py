"""SQLite through Piccolo: its stock engine against ours with connections kept, in one run.

    .venv/bin/python -m bench.db.sqlite_engine [--reads 2000] [--bookings 300] [--busy-ms 0.5]

On one WAL file, the same statements three ways:

- peer: Piccolo's `SQLiteEngine` (a new aiosqlite connection per query and per transaction);
- ours: `PooledSQLiteEngine` (`sharedfactory/db/sqlite_pool.py`);
- floor: plain `sqlite3` in this thread, no event loop, one connection (the physical limit).

Workloads: `reads`, one indexed select at a time; `booking`, a booking-shaped IMMEDIATE
transaction (four selects, an insert, a second insert), one at a time, and the time its write lock
is held; `busy`, the same transactions while 20 other tasks keep the event loop busy with
`--busy-ms` of work each between awaits (the server under load: 20 x 0.5 ms is a loop lag of
10 ms, the server's p95 in docs/performance.md), where each hop to a connection's thread waits
its turn on the loop and the write lock is held that much longer (`--bookings` / 10 of them).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from sharedfactory.db.sqlite_pool import PooledSQLiteEngine, drain_pools

SCHEMA = (
    "CREATE TABLE slot (id INTEGER PRIMARY KEY, machine INTEGER, starts REAL, ends REAL)",
    "CREATE INDEX slot_machine ON slot (machine, starts)",
    "CREATE TABLE log (id INTEGER PRIMARY KEY, slot INTEGER, note TEXT)",
)
READ = "SELECT id, starts, ends FROM slot WHERE machine = ? AND starts < ? AND ends > ? LIMIT 5"


def _prepare(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for statement in SCHEMA:
            db.execute(statement)
        db.executemany(
            "INSERT INTO slot (machine, starts, ends) VALUES (?, ?, ?)",
            [(m, h, h + 1) for m in range(200) for h in range(0, 2000, 2)],
        )


async def _reads(engine: SQLiteEngine, count: int) -> None:
    for n in range(count):
        await engine._run_in_new_connection(READ, [n % 200, 500.0, 499.0])


async def _booking(engine: SQLiteEngine, n: int, held: list[float]) -> None:
    async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
        began = time.perf_counter()
        connection = transaction.connection
        for machine in (n % 200, (n + 1) % 200, (n + 2) % 200, (n + 3) % 200):
            await engine._run_in_existing_connection(connection, READ, [machine, 900.0, 899.0])
        await engine._run_in_existing_connection(
            connection, "INSERT INTO slot (machine, starts, ends) VALUES (?, ?, ?)", [n, 3e3, 3e3]
        )
        await engine._run_in_existing_connection(
            connection, "INSERT INTO log (slot, note) VALUES (?, ?)", [n, "booked"]
        )
    held.append(time.perf_counter() - began)


async def _bookings(engine: SQLiteEngine, count: int, busy_ms: float) -> list[float]:
    held: list[float] = []
    stop = asyncio.Event()

    async def busy() -> None:
        while not stop.is_set():
            end = time.perf_counter() + busy_ms / 1000
            while time.perf_counter() < end:
                pass
            await asyncio.sleep(0)

    others = [asyncio.create_task(busy()) for _ in range(20 if busy_ms else 0)]
    try:
        for n in range(count):
            await _booking(engine, n, held)
    finally:
        stop.set()
        await asyncio.gather(*others)
    return held


def _floor_reads(path: Path, count: int) -> None:
    with sqlite3.connect(path) as db:
        for n in range(count):
            db.execute(READ, [n % 200, 500.0, 499.0]).fetchall()


def _floor_bookings(path: Path, count: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    for n in range(count):
        db.execute("BEGIN IMMEDIATE")
        for machine in (n % 200, (n + 1) % 200, (n + 2) % 200, (n + 3) % 200):
            db.execute(READ, [machine, 900.0, 899.0]).fetchall()
        db.execute("INSERT INTO slot (machine, starts, ends) VALUES (?, ?, ?)", [n, 3e3, 3e3])
        db.execute("INSERT INTO log (slot, note) VALUES (?, ?)", [n, "booked"])
        db.execute("COMMIT")
    db.close()


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _timed_async(make: Callable[[], Awaitable[object]]) -> float:
    async def go() -> float:
        started = time.perf_counter()
        await make()
        elapsed = time.perf_counter() - started
        await drain_pools()
        return elapsed

    return asyncio.run(go())


def _median_ms(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--busy-ms", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        _prepare(path)
        engines = {
            "peer (Piccolo's SQLiteEngine)": SQLiteEngine(path=str(path), timeout=30),
            "ours (PooledSQLiteEngine)": PooledSQLiteEngine(path=str(path), timeout=30),
        }
        floor_reads = _timed(lambda: _floor_reads(path, args.reads))
        floor_bookings = _timed(lambda: _floor_bookings(path, args.bookings))
        print(f"| workload | {' | '.join(engines)} | floor (sqlite3) |")
        print("|---|" + "---:|" * (len(engines) + 1))
        rows: dict[str, list[str]] = {"reads/s": [], "bookings/s": [], "lock held, ms": []}
        rows |= {"bookings/s, busy loop": [], "lock held, ms, busy loop": []}
        for engine in engines.values():
            seconds = _timed_async(lambda e=engine: _reads(e, args.reads))  # type: ignore[misc]
            rows["reads/s"].append(f"{args.reads / seconds:,.0f}")
            for label, busy, count in (
                ("", 0.0, args.bookings),
                (", busy loop", args.busy_ms, max(1, args.bookings // 10)),
            ):
                held: list[float] = []

                async def run(
                    e: SQLiteEngine = engine, b: float = busy, n: int = count, h: list = held
                ) -> None:
                    h.extend(await _bookings(e, n, b))

                seconds = _timed_async(run)
                rows[f"bookings/s{label}"].append(f"{count / seconds:,.0f}")
                rows[f"lock held, ms{label}"].append(f"{_median_ms(held):.2f}")
        floors = {"reads/s": f"{args.reads / floor_reads:,.0f}"}
        floors["bookings/s"] = f"{args.bookings / floor_bookings:,.0f}"
        for name, values in rows.items():
            print(f"| {name} | {' | '.join(values)} | {floors.get(name, '')} |")


if __name__ == "__main__":
    main()

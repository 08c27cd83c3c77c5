"""One writer per machine at a time, and the database's own refusal of a double booking.

SQLite: an IMMEDIATE transaction takes the database's write lock before reading, so the rules
are checked against what is committed. PostgreSQL: the machine's and the UMKM's rows are locked
FOR NO KEY UPDATE (the rules, buffers and weekly quota are checked with nobody else writing them;
not FOR UPDATE, which would also hold up every insert that merely refers to the machine, such as
the ingest's telemetry rows, until the booking commits), and
the `booking_never_twice` exclusion constraint refuses an overlap even from a writer that skips
this module. SQLite has the `booking_never_twice_*` triggers for the same last word.

Within one process, writers of the same machine or UMKM first queue on an asyncio lock, holding
no database connection: waiting on the row lock itself held a pooled connection each, so a race
for one machine's slot took the whole pool from every other request (`docs/performance.md`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TypeVar

import asyncpg
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from sharedfactory.bookings.fresh import forget_cached_facts, forget_moving_facts
from sharedfactory.bookings.tables import Booking
from sharedfactory.fresh import Tags

T = TypeVar("T")
NEVER_TWICE = "booking_never_twice"
_turns: weakref.WeakValueDictionary[tuple[str, int], asyncio.Lock] = weakref.WeakValueDictionary()


@asynccontextmanager
async def writing(
    machine_pks: list[int],
    business_pk: int | None = None,
    settled_too: bool = True,
    touched: Tags = None,
) -> AsyncIterator[None]:
    """Also drops the slot search's cached facts once the write is over (see `fresh`); only
    the moving ones (bookings) when `settled_too` is false, and of them only those read from
    what the write `touched` (`fresh.facts_tags`) when it is given."""
    try:
        async with _locked(machine_pks, business_pk):
            yield
    finally:
        if settled_too:
            forget_cached_facts()
        else:
            forget_moving_facts(touched)


@asynccontextmanager
async def _locked(machine_pks: list[int], business_pk: int | None) -> AsyncIterator[None]:
    engine = Booking._meta.db
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
        return
    async with _queued(machine_pks, business_pk), engine.transaction():
        for pk in sorted(machine_pks):  # one order for everyone: no deadlock between writers
            await Booking.raw("SELECT id FROM machine WHERE id = {} FOR NO KEY UPDATE", pk)
        if business_pk is not None:
            await Booking.raw(
                "SELECT id FROM business WHERE id = {} FOR NO KEY UPDATE", business_pk
            )
        yield


@asynccontextmanager
async def _queued(machine_pks: list[int], business_pk: int | None) -> AsyncIterator[None]:
    """This process's writers of these rows one at a time, in the row locks' order."""
    keys = [("machine", pk) for pk in sorted(machine_pks)]
    keys += [] if business_pk is None else [("business", business_pk)]
    async with AsyncExitStack() as stack:
        for key in keys:
            turn = _turns.get(key)
            if turn is None:
                turn = _turns[key] = asyncio.Lock()
            await stack.enter_async_context(turn)
        yield


def is_double_booking(error: BaseException) -> bool:
    if isinstance(error, asyncpg.exceptions.ExclusionViolationError):
        return NEVER_TWICE in str(error.constraint_name or error)
    return isinstance(error, sqlite3.IntegrityError) and NEVER_TWICE in str(error)


async def read_at_once(load: Callable[[], Awaitable[T]]) -> T:
    """`load`'s several reads on one connection: Piccolo's SQLite engine otherwise opens a
    connection (a thread and a file) for every query, and PostgreSQL takes one pooled
    connection once."""
    async with Booking._meta.db.transaction():
        return await load()

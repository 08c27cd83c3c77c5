"""The booking lock on PostgreSQL holds back other bookings of the machine and nothing else: while
a booking holds it, the ingest's telemetry row for that machine (whose foreign key takes a
KEY SHARE lock on the machine's row) goes in at once, and a second booking's lock waits.

With `FOR UPDATE` the telemetry insert waited for the booking to commit, and under load the
ingest fell seconds behind (bench/load). SQLite has one writer by design: not tested there.
"""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg
import pytest
from piccolo.engine.base import Engine

from sharedfactory.bookings.guard import writing
from sharedfactory.devices.store import INSERT_TELEMETRY, _numbered
from sharedfactory.facilities.tables import Machine
from sharedfactory.settings import Settings
from tests.conftest import database_engine_name

pytestmark = pytest.mark.skipif(
    database_engine_name() != "postgres", reason="row locks are PostgreSQL's (SQLite: one writer)"
)
MACHINE = "sleman-fryer-2"


async def machine_pk() -> int:
    row = await Machine.select(Machine._meta.primary_key).where(Machine.code == MACHINE).first()
    assert row is not None
    return int(row["id"])


async def while_booking(pk: int, other: asyncpg.Connection, statement: str, *args: object) -> None:
    """Run `statement` on `other` (lock_timeout 2 s, rolled back) while a booking holds `pk`."""
    held, done = asyncio.Event(), asyncio.Event()

    async def booking() -> None:
        async with writing([pk]):
            held.set()
            await done.wait()

    task = asyncio.create_task(booking())
    await held.wait()
    transaction = other.transaction()
    await transaction.start()
    try:
        await other.execute("SET LOCAL lock_timeout = '2s'")
        await other.execute(statement, *args)
    finally:
        await transaction.rollback()
        done.set()
        await task


async def test_telemetry_for_the_machine_goes_in_while_it_is_being_booked(
    engine: Engine, settings: Settings
) -> None:
    pk = await machine_pk()
    other = await asyncpg.connect(settings.database_url)
    try:
        row = (pk, int(time.time() * 1000), 4_000_000_000, "idle", "{}", json.dumps({}), None, 0)
        await while_booking(pk, other, _numbered(INSERT_TELEMETRY), *row)  # no lock timeout
    finally:
        await other.close()


async def test_a_second_booking_of_the_machine_waits(engine: Engine, settings: Settings) -> None:
    pk = await machine_pk()
    other = await asyncpg.connect(settings.database_url)
    try:
        with pytest.raises(asyncpg.exceptions.LockNotAvailableError):
            await while_booking(
                pk, other, "SELECT id FROM machine WHERE id = $1 FOR NO KEY UPDATE", pk
            )
    finally:
        await other.close()


async def _lock_waits(other: asyncpg.Connection) -> int:
    """Sessions of this database waiting on a lock in PostgreSQL."""
    found = await other.fetchval(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return int(found)


async def test_a_second_writer_here_queues_in_the_process_not_on_a_connection(
    engine: Engine, settings: Settings
) -> None:
    """It waits without a pooled connection (a race for one slot took the whole pool when every
    waiter sat on the row lock), gets its turn when the first is done, and a writer of another
    machine is not held up at all."""
    pk = await machine_pk()
    row = await Machine.select(Machine._meta.primary_key).where(Machine.code != MACHINE).first()
    assert row is not None
    held, done, order = asyncio.Event(), asyncio.Event(), []

    async def first() -> None:
        async with writing([pk]):
            held.set()
            await done.wait()
            order.append("first")

    async def writer(machine: int, name: str) -> None:
        async with writing([machine]):
            order.append(name)

    holding = asyncio.create_task(first())
    await held.wait()
    second = asyncio.create_task(writer(pk, "second"))
    await asyncio.wait_for(writer(int(row["id"]), "other machine"), 5)
    other = await asyncpg.connect(settings.database_url)
    try:
        await asyncio.sleep(0.3)
        assert await _lock_waits(other) == 0
    finally:
        await other.close()
    assert not second.done()
    done.set()
    await asyncio.wait_for(asyncio.gather(holding, second), 5)
    assert order == ["other machine", "first", "second"]

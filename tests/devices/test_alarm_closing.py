"""Real Mosquitto, real database: an alarm the ingest opened closes when its condition ends, in
the same transaction as the message that ended it, and still closes after an ingest restart.

Rows here: machine `batu-bara-retort-1` only (limit F0 >= 3.0 min); telemetry at device time
BASE_TS + 70 000 000 ms and after (the fault tests use +100 000 000 and up), offline alarms from
the test's own start; deleted afterwards, and the retort's live state put back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.ingest import IngestWorker
from sharedfactory.devices.runs import HOUR_MS
from sharedfactory.devices.store import store_for
from sharedfactory.devices.tables import Alarm, HourlyRollup, MachineLiveState, TelemetryMessage
from tests.devices.conftest import device
from tests.devices.test_ingest import machine_id
from tests.support.devices import BASE_TS, eventually, payload, publish

MACHINE = "batu-bara-retort-1"
TOPIC = f"sf/v1/batu-bara/{MACHINE}/telemetry"
STATUS = f"sf/v1/batu-bara/{MACHINE}/status"
WINDOW = (BASE_TS + 70_000_000, BASE_TS + 71_000_000)


@pytest.fixture
async def retort(engine) -> AsyncIterator[int]:
    """The retort's id; afterwards its rows of this window removed, its live state as before."""
    machine = await machine_id(MACHINE)
    started_ms = int(time.time() * 1000)
    live = MachineLiveState
    before = await live.select().where(live.machine == machine).first().run()
    yield machine
    in_window = (Alarm.opened_ms >= WINDOW[0]) & (Alarm.opened_ms < WINDOW[1])
    offline = (Alarm.kind == "offline") & (Alarm.opened_ms >= started_ms)
    await Alarm.delete().where((Alarm.machine == machine) & (in_window | offline)).run()
    message = TelemetryMessage
    await message.delete().where(
        (message.machine == machine) & (message.ts_ms >= WINDOW[0]) & (message.ts_ms < WINDOW[1])
    )
    hours = [WINDOW[0] - WINDOW[0] % HOUR_MS, WINDOW[1] - WINDOW[1] % HOUR_MS]
    rollup = HourlyRollup
    await rollup.delete().where((rollup.machine == machine) & rollup.hour_ms.is_in(hours))
    await live.delete().where(live.machine == machine)
    if before is not None:
        await live.insert(live(**before)).run()


@asynccontextmanager
async def running_ingest(broker, settings) -> AsyncIterator[IngestWorker]:
    """A worker of its own, so a test can stop it and start a fresh one (an ingest restart)."""
    store = store_for(settings.database_url)
    worker = IngestWorker(
        broker.service_target(), store, MachineDirectory(), client_id="sf-ingest-closing"
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop, end_session=True))
    try:
        assert await eventually(_subscribed(worker), timeout=20), "the ingest never subscribed"
        yield worker
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await store.close()


def _subscribed(worker: IngestWorker):
    async def check() -> bool:
        return worker.stats.subscribed

    return check


def send_f0(broker, since: int, first_seq: int, values: list[float], client_id: str) -> None:
    bodies = [
        payload(first_seq + i, ts=since + (first_seq + i) * 1000, values={"f0_min": v})
        for i, v in enumerate(values)
    ]
    publish(device(broker, MACHINE), TOPIC, bodies, client_id)


async def excursions(machine: int, since: int) -> list[tuple[int, int | None, float]]:
    """(opened, closed, value) of the retort's F0 alarms since `since`, seconds after it."""
    rows = await (
        Alarm.select(Alarm.opened_ms, Alarm.closed_ms, Alarm.value)
        .where(
            (Alarm.machine == machine)
            & (Alarm.kind == "excursion")
            & (Alarm.opened_ms >= since)
            & (Alarm.opened_ms < WINDOW[1])
        )
        .order_by(Alarm.opened_ms)
    )
    return [
        (
            (r["opened_ms"] - since) // 1000,
            None if r["closed_ms"] is None else (r["closed_ms"] - since) // 1000,
            round(r["value"], 3),
        )
        for r in rows
    ]


def when_closed(machine: int, since: int, count: int):
    async def check():
        found = await excursions(machine, since)
        closed = [a for a in found if a[1] is not None]
        return found if len(closed) >= count else None

    return check


async def test_an_excursion_opens_and_closes_in_the_order_it_happened(broker, settings, retort):
    since = WINDOW[0]
    async with running_ingest(broker, settings):
        send_f0(broker, since, 0, [3.5, 2.1, 2.4, 3.2, 3.6, 2.0, 3.3], "t-close")
        found = await eventually(when_closed(retort, since, 2), timeout=30)
    assert found == [(1, 3, 2.1), (5, 6, 2.0)]


async def test_an_excursion_left_open_by_a_restart_closes_at_the_first_reading_back_inside(
    broker, settings, retort
):
    since = WINDOW[0] + 100_000
    async with running_ingest(broker, settings):
        send_f0(broker, since, 0, [3.5, 2.1], "t-before-restart")
        assert await eventually(lambda: excursions(retort, since), timeout=30) == [(1, None, 2.1)]
    async with running_ingest(broker, settings) as fresh:
        send_f0(broker, since, 2, [2.4, 2.2, 3.1], "t-after-restart")
        found = await eventually(when_closed(retort, since, 1), timeout=30)
        await _settle(fresh)
        # Still outside after the restart (2.4, 2.2): no second alarm; 3.1 closed the first.
        assert await excursions(retort, since) == found == [(1, 4, 2.1)]


async def test_offline_closes_when_the_machine_comes_back_online(broker, settings, retort):
    started = int(time.time() * 1000)
    async with running_ingest(broker, settings):
        publish(device(broker, MACHINE), STATUS, [b"offline", b"online"], "t-status")

        async def offline_alarms():
            where = (
                (Alarm.machine == retort) & (Alarm.kind == "offline") & (Alarm.opened_ms >= started)
            )
            rows = await Alarm.select(Alarm.opened_ms, Alarm.closed_ms).where(where)
            return rows if rows and all(r["closed_ms"] is not None for r in rows) else None

        rows = await eventually(offline_alarms, timeout=30)
    assert rows is not None, "the offline alarm did not close"
    assert len(rows) == 1
    assert rows[0]["opened_ms"] <= rows[0]["closed_ms"]


async def _settle(worker: IngestWorker) -> None:
    """Until the worker has received nothing new for a while."""
    before = -1
    while before != worker.stats.received:
        before = worker.stats.received
        await asyncio.sleep(0.6)

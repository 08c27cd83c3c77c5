"""The ingest's hourly rollups, on the real broker and database: they run beside the writes (a
slow rollup does not hold the messages back), and the hours stored since the last rollup are
rolled up when the ingest stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sharedfactory.devices import ingest as ingest_module
from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.ingest import IngestWorker
from sharedfactory.devices.runs import HOUR_MS
from sharedfactory.devices.store import store_for
from sharedfactory.devices.tables import HourlyRollup
from tests.devices.conftest import _connected, device
from tests.devices.test_ingest import machine_id, stored
from tests.support.devices import BASE_TS, eventually, payload, publish

MACHINE = "batu-bara-retort-1"
TOPIC = f"sf/v1/batu-bara/{MACHINE}/telemetry"
HOUR = BASE_TS - BASE_TS % HOUR_MS + 400 * HOUR_MS  # an hour no other test sends


@dataclass
class Running:
    worker: IngestWorker
    stop_event: asyncio.Event
    task: asyncio.Task[None]

    async def stop(self) -> None:
        """The path `sharedfactory ingest` takes at Ctrl-C: the run's stop event."""
        self.stop_event.set()
        await asyncio.wait_for(self.task, timeout=30)


@pytest.fixture
async def worker(broker, settings) -> AsyncIterator[Callable[[float], Awaitable[Running]]]:
    """Starts an ingest with the given rollup period; stopped (and waited for) at the end."""
    store = store_for(settings.database_url)
    running: list[Running] = []

    async def start(rollup_every_s: float) -> Running:
        made = IngestWorker(
            broker.service_target(),
            store,
            MachineDirectory(),
            client_id="sf-ingest-rollups",
            rollup_every_s=rollup_every_s,
        )
        stop = asyncio.Event()
        running.append(Running(made, stop, asyncio.create_task(made.run(stop, end_session=True))))
        await _connected(made)
        return running[-1]

    yield start
    for one in running:
        if not one.task.done():
            await one.stop()
    await store.close()
    await HourlyRollup.delete().where(HourlyRollup.hour_ms.is_in([HOUR, HOUR + HOUR_MS])).run()


async def rollup_of(hour: int) -> dict[str, Any] | None:
    found = HourlyRollup.select().where(
        (HourlyRollup.machine == await machine_id(MACHINE)) & (HourlyRollup.hour_ms == hour)
    )
    return await found.first().run()


def send(broker, first_seq: int, ts: int, n: int, client: str) -> None:
    bodies = [payload(first_seq + i, ts=ts + i * 1000) for i in range(n)]
    publish(device(broker, MACHINE), TOPIC, bodies, client)


async def test_messages_are_stored_while_a_rollup_runs(broker, worker, monkeypatch):
    release, started = asyncio.Event(), asyncio.Event()
    real_roll_up = ingest_module.roll_up

    async def held_roll_up(machine: int, hours: Any) -> int:
        started.set()
        await release.wait()  # a rollup that takes as long as the test needs
        return await real_roll_up(machine, hours)

    monkeypatch.setattr(ingest_module, "roll_up", held_roll_up)
    await worker(0.0)
    send(broker, 1, HOUR, 5, "t-roll-1")
    await asyncio.wait_for(started.wait(), timeout=30)
    send(broker, 100, HOUR + 60_000, 5, "t-roll-2")
    later = await eventually(lambda: _at_least(HOUR + 60_000, 5), timeout=15)
    assert later == 5, "the second messages waited for the rollup"
    assert await rollup_of(HOUR) is None
    release.set()
    assert await eventually(lambda: rollup_of(HOUR), timeout=15) is not None


async def test_the_hours_since_the_last_rollup_are_rolled_up_at_the_stop(broker, worker):
    ingest = await worker(3600.0)  # no rollup falls due while it runs
    send(broker, 1, HOUR + HOUR_MS, 10, "t-roll-3")
    assert await eventually(lambda: _at_least(HOUR + HOUR_MS, 10)) == 10
    assert await rollup_of(HOUR + HOUR_MS) is None
    await ingest.stop()
    row = await rollup_of(HOUR + HOUR_MS)
    assert row is not None
    assert row["good"] == 90  # counters 10 .. 100: good counts the increase


async def _at_least(since: int, n: int) -> int:
    count = len([r for r in await stored(MACHINE, since) if r["ts_ms"] < since + HOUR_MS // 2])
    return count if count >= n else 0

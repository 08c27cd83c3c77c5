"""The telemetry ingest: paho's network thread only hands messages over; one writer validates,
stores a batch in one transaction and only then acknowledges (PUBACK) its messages, so a crash
before the commit means the broker delivers them again, and the unique key stores them once."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from paho.mqtt.client import Client, ConnectFlags, MQTTMessage
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from sharedfactory.devices.alarms import AlarmDetector
from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.inbox import Inbox
from sharedfactory.devices.messages import PayloadError, parse_state, parse_status, parse_telemetry
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.readahead import ReadAheadClient
from sharedfactory.devices.runs import HOUR_MS, roll_up
from sharedfactory.devices.store import Batch, TelemetryStore
from sharedfactory.devices.topics import SHARED_SUBSCRIPTION, SUBSCRIPTION, parse_topic

log = logging.getLogger("sharedfactory.ingest")
SESSION_EXPIRY_S = 7 * 24 * 3600


class Delivery(NamedTuple):  # a tuple: one is made per message in paho's thread
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_ms: int


@dataclass
class IngestStats:
    received: int = 0
    stored_batches: int = 0
    dead_letters: int = 0
    write_failures: int = 0
    connected: bool = False
    subscribed: bool = False
    last_write_ms: int | None = None
    dead_reasons: dict[str, int] = field(default_factory=dict)


class IngestWorker:
    def __init__(
        self,
        target: MqttTarget,
        store: TelemetryStore,
        directory: MachineDirectory,
        *,
        client_id: str = "sf-ingest-1",
        shared: bool = False,
        batch_size: int = 500,
        batch_seconds: float = 0.25,
        heartbeat: Path | None = None,
        rollup_every_s: float = 30.0,
    ) -> None:
        self.target, self.store, self.directory = target, store, directory
        self.client_id, self.shared = client_id, shared
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self.heartbeat = heartbeat
        self.rollup_every_s = rollup_every_s
        self._dirty_hours: set[tuple[int, int]] = set()
        self._rolling: asyncio.Task[None] | None = None
        self._rolled_at = time.monotonic()
        self.stats = IngestStats()
        self._last_beat_ms = 0
        self.alarms = AlarmDetector()

    def _client(self, inbox: Inbox[Delivery]) -> ReadAheadClient:
        client = self.target.client(self.client_id, manual_ack=True, kind=ReadAheadClient)

        def on_connect(
            client: Client, _u: Any, _f: ConnectFlags, reason: ReasonCode, _p: Properties | None
        ) -> None:
            self.stats.connected = not reason.is_failure
            if not reason.is_failure:
                client.subscribe(SHARED_SUBSCRIPTION if self.shared else SUBSCRIPTION, qos=1)

        def on_subscribe(*_args: Any) -> None:
            self.stats.subscribed = True

        def on_disconnect(*_args: Any) -> None:
            self.stats.connected = self.stats.subscribed = False

        def deliver(topic: str, payload: bytes, mid: int, qos: int) -> None:
            inbox.put(Delivery(topic, payload, mid, qos, _now_ms()))

        def on_message(_client: Client, _userdata: Any, message: MQTTMessage) -> None:
            deliver(message.topic, bytes(message.payload), message.mid, message.qos)

        client.on_connect, client.on_disconnect = on_connect, on_disconnect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        client.on_delivery = deliver  # QoS 1 messages skip paho's message objects
        return client

    async def run(self, stop: asyncio.Event, end_session: bool = False) -> None:
        """Consume until `stop`; `end_session` also discards the broker-side session (tests)."""
        await self.directory.load()
        # A fresh detector knows nothing: start from the alarms a previous run left open.
        self.alarms = AlarmDetector.seeded(await self.store.open_alarms())
        inbox = Inbox[Delivery](asyncio.get_running_loop())
        client = self._client(inbox)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        # Unacknowledged messages the broker may have in flight to us: a whole batch and more,
        # since we acknowledge only after the batch commits (the default, 100, made messages
        # wait in the broker: ~108 ms median against ~1.5 ms, bench/telemetry).
        properties.ReceiveMaximum = min(65_535, max(2_000, 4 * self.batch_size))
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        if self.target.protocol == 5:
            client.connect_async(
                self.target.host,
                self.target.port,
                keepalive=30,
                clean_start=False,
                properties=properties,
            )
        else:
            client.connect_async(self.target.host, self.target.port, keepalive=30)
        client.loop_start()
        try:
            while not stop.is_set():
                self._beat()
                batch = await self._next_batch(inbox, stop)
                if batch:
                    await self._store(batch, stop)
                    _acknowledge(client, batch)
                self._roll_up_if_due()
        finally:
            _disconnect(client, end_session)
            await self._roll_up_the_rest()

    def _roll_up_if_due(self) -> None:
        """Start recomputing the hourly rollups of the hours this worker stored messages for,
        beside the writes: done in line, a rollup of 200 machines held every batch for seconds
        (docs/telemetry.md, "Rollups")."""
        due = time.monotonic() - self._rolled_at >= self.rollup_every_s
        if not self._dirty_hours or not due or self._rolling_now():
            return
        self._rolling = asyncio.create_task(self._roll_up())

    async def _roll_up_the_rest(self) -> None:
        """At the end: the hours stored since the last rollup are rolled up too."""
        if self._rolling is not None:
            await self._rolling
        await self._roll_up()

    def _rolling_now(self) -> bool:
        return self._rolling is not None and not self._rolling.done()

    async def _roll_up(self) -> None:
        if not self._dirty_hours:
            return
        dirty, self._dirty_hours = self._dirty_hours, set()
        by_machine: dict[int, set[int]] = {}
        for machine_id, hour in dirty:
            by_machine.setdefault(machine_id, set()).add(hour)
        try:
            for machine_id, hours in by_machine.items():
                await roll_up(machine_id, hours)
        except Exception as error:  # database away: try again next time, keep the hours
            log.warning("rollup failed (%s); will retry", error)
            self._dirty_hours |= dirty
        self._rolled_at = time.monotonic()

    def _beat(self) -> None:
        """Stats for `GET /healthz` and for other processes, at most once a second."""
        now = _now_ms()
        if self.heartbeat is None or now - self._last_beat_ms < 1000:
            return
        self._last_beat_ms = now
        beat = msgspec.json.encode({"ts_ms": now, "client_id": self.client_id} | asdict(self.stats))
        temporary = self.heartbeat.with_suffix(".tmp")
        temporary.write_bytes(beat)
        temporary.replace(self.heartbeat)

    async def _next_batch(self, inbox: Inbox[Delivery], stop: asyncio.Event) -> list[Delivery]:
        """What came in, waiting up to `batch_seconds` from the first message for a full batch."""
        if not await inbox.wait(0.5):
            return []
        batch = inbox.take(self.batch_size)
        deadline = time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await inbox.wait(remaining, enough=self.batch_size - len(batch))
            batch += inbox.take(self.batch_size - len(batch))
        return batch

    async def _store(self, deliveries: list[Delivery], stop: asyncio.Event) -> None:
        """Write until it succeeds: while the database is away nothing is acknowledged."""
        batch = Batch()
        for delivery in deliveries:
            await self._classify(delivery, batch)
        delay = 0.2
        while True:
            try:
                await self.store.write(batch)
                break
            except Exception as error:  # database away: keep the batch, retry, never drop
                self.stats.write_failures += 1
                log.warning("telemetry write failed (%s); retrying in %.1f s", error, delay)
                if stop.is_set():
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.stats.received += len(deliveries)
        self.stats.stored_batches += 1
        self.stats.last_write_ms = _now_ms()

    async def _classify(self, delivery: Delivery, batch: Batch) -> None:
        try:
            await self._accept(delivery, batch)
        except PayloadError as error:
            batch.dead.append(
                (delivery.received_ms, delivery.topic, error.reason, delivery.payload)
            )
            self.stats.dead_letters += 1
            key = error.reason.split(":")[0]
            self.stats.dead_reasons[key] = self.stats.dead_reasons.get(key, 0) + 1

    async def _accept(self, delivery: Delivery, batch: Batch) -> None:
        topic = parse_topic(delivery.topic)
        machine = await self.directory.find(topic.machine)
        if machine is None:
            raise PayloadError(f"unknown_machine: {topic.machine}")
        if machine.house != topic.house:
            raise PayloadError(f"house_mismatch: {topic.machine} is in {machine.house}")
        if topic.kind == "telemetry":
            message = parse_telemetry(delivery.payload)
            values = msgspec.json.encode(message.values).decode()
            batch.telemetry.append(
                (
                    machine.id,
                    message.ts,
                    message.seq,
                    message.state,
                    msgspec.json.encode(message.counters).decode(),
                    values,
                    message.booking,
                    delivery.received_ms,
                )
            )
            batch.live.append(
                (machine.id, message.state, True, message.ts, message.booking, values)
            )
            batch.alarms += self.alarms.telemetry(machine, message)
            self._dirty_hours.add((machine.id, message.ts - message.ts % HOUR_MS))
        elif topic.kind == "status":
            online = parse_status(delivery.payload) == "online"
            batch.online.append((machine.id, online, delivery.received_ms))
            batch.alarms += self.alarms.status(machine, online, delivery.received_ms)
        else:
            batch.states.append((machine.id, parse_state(delivery.payload), delivery.received_ms))


def _acknowledge(client: ReadAheadClient, batch: list[Delivery]) -> None:
    """Acknowledgements for a stored batch: its QoS 1 PUBACKs in one write."""
    client.ack_many(d.mid for d in batch if d.qos == 1)
    for delivery in batch:
        if delivery.qos != 1:
            client.ack(delivery.mid, delivery.qos)


def _disconnect(client: Client, end_session: bool) -> None:
    properties = None
    if end_session and client.protocol == 5:
        properties = Properties(PacketTypes.DISCONNECT)
        properties.SessionExpiryInterval = 0
    client.disconnect(properties=properties)
    client.loop_stop()


def _now_ms() -> int:
    return int(time.time() * 1000)

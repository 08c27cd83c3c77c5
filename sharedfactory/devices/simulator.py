"""Simulated machines publishing over MQTT, each with its own login (CONTRACTS.md section 4)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime

from paho.mqtt.client import Client

from sharedfactory.devices.fleet import BookedRun, Fleet, booked_runs
from sharedfactory.devices.messages import encode_telemetry
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.simulation import MachineModel, SimulatedMachine
from sharedfactory.devices.topics import topic_for

log = logging.getLogger("sharedfactory.simulator")
BOOKINGS_REFRESH_S = 60.0


class FleetSimulator:
    def __init__(
        self,
        fleet: Fleet,
        host: str,
        port: int,
        passwords: dict[str, str],
        interval_s: float = 5.0,
        seed: int = 2026,
        protocol: int = 5,
    ) -> None:
        self.fleet, self.interval_s = fleet, interval_s
        self.host, self.port, self.passwords = host, port, passwords
        self.protocol = protocol
        machines = [m for m in fleet.machines if m.machine in passwords]
        self.models = {m.machine: (m, MachineModel(m, seed + i)) for i, m in enumerate(machines)}
        self.sequence = dict.fromkeys(self.models, 0)
        self.published = 0

    def _connect(self, machine: SimulatedMachine) -> Client:
        login = machine.machine, self.passwords[machine.machine]
        target = MqttTarget(self.host, self.port, *login, protocol=self.protocol)
        client = target.client(f"sim-{machine.machine}")
        status = topic_for(machine.house, machine.machine, "status")
        client.will_set(status, "offline", qos=1, retain=True)
        client.on_connect = lambda c, *_a: c.publish(status, "online", qos=1, retain=True)
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        client.connect_async(self.host, self.port, keepalive=30)
        client.loop_start()
        return client

    async def run(self, stop: asyncio.Event) -> None:
        clients = {code: self._connect(machine) for code, (machine, _m) in self.models.items()}
        runs: list[BookedRun] = []
        refreshed = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() - refreshed > BOOKINGS_REFRESH_S:
                    runs, refreshed = await booked_runs(datetime.now(UTC)), time.monotonic()
                self._tick(clients, runs, int(time.time() * 1000))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            for code, client in clients.items():
                machine = self.models[code][0]
                # A clean disconnect does not send the will: say offline first.
                client.publish(topic_for(machine.house, code, "status"), "offline", 1, True)
                client.disconnect()
                client.loop_stop()

    def _tick(self, clients: dict[str, Client], runs: list[BookedRun], now_ms: int) -> None:
        for code, (machine, model) in self.models.items():
            booking = self.fleet.booking_at(runs, code, now_ms)
            is_open = self.fleet.is_open(machine, now_ms, booking is not None)
            message = model.next_message(now_ms, booking, self.sequence[code], open=is_open)
            self.sequence[code] = (self.sequence[code] + 1) % 2**32
            topic = topic_for(machine.house, code, "telemetry")
            clients[code].publish(topic, encode_telemetry(message), qos=1)
            self.published += 1

"""Running the telemetry side inside one process (the demo) or piece by piece (the CLI)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharedfactory.devices.amqtt_fallback import LIMITS, AmqttBroker
from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.embedded import EmbeddedBroker, reload_running_broker
from sharedfactory.devices.fleet import load_fleet
from sharedfactory.devices.ingest import IngestWorker
from sharedfactory.devices.logins import issue_machine_password
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.simulator import FleetSimulator
from sharedfactory.devices.store import store_for

log = logging.getLogger("sharedfactory.devices")


async def fresh_fleet_passwords() -> dict[str, str]:
    """New passwords for every machine (shown to the simulator only; earlier ones revoked)."""
    fleet = await load_fleet()
    return {m.machine: await issue_machine_password(m.machine) for m in fleet.machines}


async def embedded_simulator(data_dir: Path, port: int, interval_s: float) -> FleetSimulator:
    passwords = await fresh_fleet_passwords()
    broker = EmbeddedBroker(data_dir, port)
    await broker.refresh_logins()  # writes the password file; SIGHUP below reaches the broker
    if not reload_running_broker(data_dir):
        raise RuntimeError("the embedded broker is not running: start `sharedfactory demo`")
    await asyncio.sleep(0.5)
    return FleetSimulator(await load_fleet(), "127.0.0.1", port, passwords, interval_s)


@dataclass
class RunningBroker:
    target: MqttTarget  # the ingest's login
    keep_up: Awaitable[Any]  # runs until the demo stops (Mosquitto: restarted if it exits)
    stop: Callable[[], Awaitable[None]]


async def start_embedded_broker(data_dir: Path, stop: asyncio.Event) -> RunningBroker:
    """Mosquitto as a supervised child; amqtt in-process where Mosquitto is not installed."""
    if EmbeddedBroker.available():
        mosquitto = EmbeddedBroker(data_dir)
        await mosquitto.start()
        log.warning("embedded mosquitto on 127.0.0.1:%d", mosquitto.port)

        async def stop_mosquitto() -> None:
            mosquitto.stop()

        return RunningBroker(mosquitto.service_target(), mosquitto.supervise(stop), stop_mosquitto)
    fallback = AmqttBroker(data_dir, EmbeddedBroker(data_dir).port)
    await fallback.start()
    log.warning("no mosquitto binary: in-process %s on 127.0.0.1:%d", LIMITS, fallback.port)
    return RunningBroker(fallback.service_target(), stop.wait(), fallback.stop)


async def run_telemetry(
    database_url: str, data_dir: Path, stop: asyncio.Event, interval_s: float = 5.0
) -> None:
    """The demo's telemetry: the embedded broker, one ingest worker and the simulated fleet."""
    passwords = await fresh_fleet_passwords()
    broker = await start_embedded_broker(data_dir, stop)
    store = store_for(database_url)
    target = broker.target
    ingest = IngestWorker(target, store, MachineDirectory(), heartbeat=data_dir / "ingest-1.json")
    fleet = await load_fleet()
    simulator = FleetSimulator(
        fleet, "127.0.0.1", target.port, passwords, interval_s, protocol=target.protocol
    )
    try:
        await asyncio.gather(ingest.run(stop), simulator.run(stop), broker.keep_up)
    finally:
        await store.close()
        await broker.stop()


def external_target(url: str) -> MqttTarget:
    return MqttTarget.from_url(url)

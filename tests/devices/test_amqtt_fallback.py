"""Without Mosquitto the demo runs amqtt in-process, with the same login and topic rules."""

import asyncio

import pytest

from sharedfactory.devices import runtime
from sharedfactory.devices.amqtt_fallback import AmqttBroker
from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.ingest import IngestWorker
from sharedfactory.devices.logins import issue_machine_password
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.store import store_for
from tests.devices.test_ingest import stored
from tests.support.devices import BASE_TS, eventually, payload, publish
from tests.support.devices import mosquitto_pub as publish_with_c_client
from tests.support.server import free_port

TOPIC = "sf/v1/minahasa-selatan/minahasa-selatan-grater-1/telemetry"


@pytest.fixture
async def fallback(engine, tmp_path):
    broker = AmqttBroker(tmp_path, free_port())
    broker.password = await issue_machine_password("minahasa-selatan-grater-1")
    await broker.start()
    yield broker
    await broker.stop()


def grater(broker, password=None) -> MqttTarget:
    return MqttTarget(
        "127.0.0.1",
        broker.port,
        "minahasa-selatan-grater-1",
        password or broker.password,
        protocol=311,
    )


async def test_messages_flow_through_amqtt_and_are_stored_once(fallback, settings):
    store = store_for(settings.database_url)
    worker = IngestWorker(fallback.service_target(), store, MachineDirectory(), client_id="t-amqtt")
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        assert await eventually(lambda: _subscribed(worker), timeout=20)
        since = BASE_TS + 600_000_000
        bodies = [payload(s, ts=since + s) for s in range(50)]
        # The publisher stays a while: amqtt drops what it has not yet forwarded when it leaves.
        await asyncio.to_thread(
            publish, grater(fallback), TOPIC, bodies + bodies[:10], "t-g", 60, 5.0
        )
        spoof = "sf/v1/minahasa-selatan/minahasa-selatan-press-1/telemetry"
        await asyncio.to_thread(
            publish, grater(fallback), spoof, [payload(99, ts=since)], "t-s", 60, 1.0
        )
        assert await eventually(lambda: _count("minahasa-selatan-grater-1", since, 50))
        assert len(await stored("minahasa-selatan-press-1", since)) == 0
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await store.close()


async def _subscribed(worker) -> bool:
    return worker.stats.subscribed


async def _count(code: str, since: int, n: int) -> bool:
    return len(await stored(code, since)) >= n


@pytest.mark.parametrize("login", [[], ["-u", "minahasa-selatan-grater-1", "-P", "wrong-one"]])
async def test_anonymous_and_wrong_passwords_are_refused(fallback, mosquitto_pub, login):
    result = await asyncio.to_thread(
        publish_with_c_client, mosquitto_pub, fallback.port, login, TOPIC, "-V", "mqttv311"
    )
    assert result.returncode != 0


async def test_the_demo_falls_back_to_amqtt_without_mosquitto(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(runtime.EmbeddedBroker, "available", staticmethod(lambda: False))
    stop = asyncio.Event()
    broker = await runtime.start_embedded_broker(tmp_path, stop)
    try:
        assert broker.target.protocol == 311
        assert (tmp_path / "mqtt" / "port").read_text() == str(broker.target.port)
    finally:
        stop.set()
        await broker.keep_up
        await broker.stop()

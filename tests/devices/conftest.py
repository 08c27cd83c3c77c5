"""A real Mosquitto with per-machine logins and the ACL, and an in-process ingest worker."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.embedded import EmbeddedBroker
from sharedfactory.devices.ingest import IngestWorker
from sharedfactory.devices.logins import issue_machine_password
from sharedfactory.devices.mqtt import MqttTarget
from sharedfactory.devices.store import store_for
from tests.support.server import free_port

DEVICES = ("sleman-fryer-1", "sleman-fryer-2", "batu-bara-retort-1")


@pytest.fixture(scope="session")
async def broker(engine, tmp_path_factory):
    assert EmbeddedBroker.available(), "install Debian's mosquitto (make deps-test)"
    broker = EmbeddedBroker(tmp_path_factory.mktemp("broker-data"), port=free_port())
    broker.passwords = {code: await issue_machine_password(code) for code in DEVICES}
    await broker.start()
    yield broker
    broker.stop()


def device(broker: EmbeddedBroker, code: str, password: str | None = None) -> MqttTarget:
    return MqttTarget("127.0.0.1", broker.port, code, password or broker.passwords[code])


@pytest.fixture
async def ingest(broker, settings):
    store = store_for(settings.database_url)
    worker = IngestWorker(
        broker.service_target(), store, MachineDirectory(), client_id="sf-ingest-t"
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop, end_session=True))
    await _connected(worker)
    yield worker
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    await store.close()


async def _connected(worker: IngestWorker) -> None:
    for _ in range(100):
        if worker.stats.connected:
            await asyncio.sleep(0.2)  # the subscription follows the connection
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the ingest did not connect to the broker")


@pytest.fixture(scope="session")
def mosquitto_pub():
    binary = shutil.which("mosquitto_pub")
    assert binary, "install Debian's mosquitto-clients"
    return binary

"""Real devices for tests: paho publishers with a machine's own login, payload builders."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from typing import Any

from sharedfactory.devices.mqtt import MqttTarget

BASE_TS = 1_796_000_000_000  # 2026-11-30, device time in ms


def payload(seq: int, ts: int | None = None, **fields: Any) -> bytes:
    message = {
        "v": 1,
        "ts": BASE_TS + seq * 1000 if ts is None else ts,
        "seq": seq,
        "state": "running",
        "counters": {"good": seq * 10, "reject": seq // 10, "energy_wh": seq * 5},
        "values": {"oil_temp_c": 84.0, "vacuum_cmhg": -67.0},
    } | fields
    return json.dumps(message).encode()


def publish(
    target: MqttTarget,
    topic: str,
    payloads: list[bytes],
    client_id: str,
    timeout: float = 60,
    linger: float = 0.0,
) -> None:
    """Publish with QoS 1, wait until the broker has acknowledged every message, then stay
    connected `linger` seconds (amqtt drops what it has not forwarded when a publisher leaves)."""
    client = target.client(client_id)
    client.max_queued_messages_set(0)
    client.connect(target.host, target.port)
    client.loop_start()
    try:
        infos = [client.publish(topic, body, qos=1) for body in payloads]
        deadline = time.monotonic() + timeout
        for info in infos:
            info.wait_for_publish(timeout=max(0.1, deadline - time.monotonic()))
            assert info.is_published(), "the broker did not acknowledge a QoS 1 message"
        time.sleep(linger)
    finally:
        client.disconnect()
        client.loop_stop()


async def eventually(check: Any, timeout: float = 60, interval: float = 0.1) -> Any:
    """Await `check()` until it returns something truthy; return it (or fail after timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)


def mosquitto_pub(
    binary: str, port: int, login: list[str], topic: str, *options: str
) -> subprocess.CompletedProcess[str]:
    """Debian's C client publishing one QoS 1 message: an independent device for ACL tests."""
    return subprocess.run(
        [
            binary,
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            *login,
            *options,
            "-t",
            topic,
            "-m",
            "x",
            "-q",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

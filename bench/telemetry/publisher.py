"""One publisher process: a paho client per machine (each with the machine's own login), QoS 1.

Protocol on stdin/stdout, one JSON line each way:
  parent -> child  {"port", "devices": [[code, house, password], ...], "count", "seq_start", "rate"}
  child  -> parent {"ready": true}                      (every client connected)
  parent -> child  {"start_at": <unix seconds>}         (the same instant for every publisher)
  child  -> parent {"published", "acked", "first_s", "last_call_s", "last_ack_s", "late_s"}

`rate` is this process's messages per second (paced on the wall clock), or null for "as fast as
the broker acknowledges". Messages go round-robin over the machines; `seq` is `seq_start + i`,
unique per machine because each machine belongs to one publisher. `ts` is the publish wall clock
in ms, so `received_ms - ts` and row visibility minus `ts` are latencies on one host clock.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

from paho.mqtt.client import Client, MQTTMessageInfo

from sharedfactory.devices.mqtt import MqttTarget

INFLIGHT = 100  # the broker's max_inflight_messages (sharedfactory.devices.broker)


def payload(seq: int, ts_ms: int) -> bytes:
    message = {
        "v": 1,
        "ts": ts_ms,
        "seq": seq,
        "state": "running",
        "counters": {"good": seq * 10, "reject": seq // 10, "energy_wh": seq * 5},
        "values": {"motor_temp_c": 41.5, "line_speed_mpm": 12.0},
    }
    return json.dumps(message, separators=(",", ":")).encode()


def _connect(port: int, code: str, password: str) -> Client:
    connected = threading.Event()
    client = MqttTarget("127.0.0.1", port, code, password).client(f"bench-{code}")
    client.max_inflight_messages_set(INFLIGHT)
    client.max_queued_messages_set(0)
    client.on_connect = lambda *_args: connected.set()
    client.connect("127.0.0.1", port, keepalive=60)
    client.loop_start()
    if not connected.wait(15):
        raise RuntimeError(f"{code} did not connect")
    return client


def _send(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def main() -> int:
    job = json.loads(sys.stdin.readline())
    devices = [
        (code, f"sf/v1/{house}/{code}/telemetry", _connect(job["port"], code, password))
        for code, house, password in job["devices"]
    ]
    _send({"ready": True})
    start_at = float(json.loads(sys.stdin.readline())["start_at"])
    count, seq_start, rate = int(job["count"]), int(job["seq_start"]), job["rate"]
    late = max(0.0, time.time() - start_at)
    while (wait := start_at - time.time()) > 0:
        time.sleep(wait)
    infos: list[MQTTMessageInfo] = []
    first = time.time()
    for i in range(count):
        if rate:
            due = start_at + i / rate
            if (ahead := due - time.time()) > 0:
                time.sleep(ahead)
        _code, topic, client = devices[i % len(devices)]
        seq = seq_start + i
        infos.append(client.publish(topic, payload(seq, int(time.time() * 1000)), qos=1))
    last_call = time.time()
    deadline = time.monotonic() + float(job.get("ack_timeout", 120))
    for info in infos:
        info.wait_for_publish(timeout=max(0.01, deadline - time.monotonic()))
    acked = sum(info.is_published() for info in infos)
    last_ack = time.time()
    for _code, _topic, client in devices:
        client.disconnect()
        client.loop_stop()
    _send(
        {
            "published": count,
            "acked": acked,
            "first_s": first,
            "last_call_s": last_call,
            "last_ack_s": last_ack,
            "late_s": late,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

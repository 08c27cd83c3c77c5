"""What the load bench watches besides the clients: the ingest lag (and its peer, the broker's
own round trip to a C subscriber), the memory and CPU of each process, and the end checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.telemetry.db import RawDb
from bench.telemetry.run import MemorySampler, cpu_seconds, summary

LOAD_SEQ = 300_000_000  # the seq of the bench's messages starts here (none in the demo)
LAG_POLL_S = 0.25
WINDOW_S = 30
MEMORY_EVERY_S = 5.0
FLAT_TOLERANCE = 0.10
ACTIVE = ("pending", "confirmed", "completed")


@dataclass
class IngestLag:
    """Every new row of the bench's messages: the poll that first saw it minus its `ts`."""

    db: RawDb
    visible_ms: list[float] = field(default_factory=list)
    received_ms: list[float] = field(default_factory=list)
    windows: dict[int, list[float]] = field(default_factory=dict)

    async def run(self, start: float, stop: asyncio.Event) -> None:
        last = int(await self.db.scalar("SELECT coalesce(max(id), 0) FROM telemetry_message"))
        while not stop.is_set():
            polled = time.time() * 1000
            rows = await self.db.fetch(
                "SELECT id, ts_ms, received_ms FROM telemetry_message WHERE id > ? AND seq >= ?"
                " ORDER BY id",
                last,
                LOAD_SEQ,
            )
            for row_id, ts_ms, received_ms in rows:
                self.visible_ms.append(polled - ts_ms)
                self.received_ms.append(received_ms - ts_ms)
                bucket = max(0, int((ts_ms / 1000 - start) // WINDOW_S))
                self.windows.setdefault(bucket, []).append(polled - ts_ms)
                last = max(last, row_id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LAG_POLL_S)

    def figures(self) -> dict[str, Any]:
        return {
            "rows_seen": len(self.visible_ms),
            "visible_ms": summary(self.visible_ms),
            "received_ms": summary(self.received_ms),
            "visible_p99_by_window": [
                (k * WINDOW_S, summary(v)["p99"]) for k, v in sorted(self.windows.items())
            ],
        }


@contextlib.contextmanager
def broker_peer(port: int, password: str, out: Path) -> Any:
    """`mosquitto_sub` (C) on every telemetry topic, each message with its receive time."""
    binary = shutil.which("mosquitto_sub")
    if binary is None:
        raise RuntimeError("mosquitto_sub is missing (apt-get install mosquitto-clients)")
    args = [binary, "-h", "127.0.0.1", "-p", str(port), "-u", "sf-ingest", "-P", password]
    args += ["-t", "sf/v1/+/+/telemetry", "-q", "1", "-i", "bench-load-peer", "-F", "%U %p"]
    with out.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=10)


def broker_round_trip(out: Path) -> dict[str, Any]:
    latencies = []
    for line in out.read_text().splitlines():
        stamp, _, body = line.partition(" ")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            message = json.loads(body)
            if message["seq"] >= LOAD_SEQ:
                latencies.append(float(stamp) * 1000 - message["ts"])
    return {"received": len(latencies), "received_ms": summary(latencies)}


class Processes:
    """RSS every 5 s and CPU seconds of the bench's processes."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.samplers = {name: MemorySampler(pid, MEMORY_EVERY_S) for name, pid in pids.items()}
        self.cpu_before: dict[str, float | None] = {}
        self.began = 0.0

    def start(self) -> None:
        self.began = time.time()
        self.cpu_before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        for sampler in self.samplers.values():
            sampler.start()

    def stop(self, warmup_s: float) -> dict[str, Any]:
        seconds = time.time() - self.began
        found = {}
        for name, sampler in self.samplers.items():
            sampler.stop()
            before, after = self.cpu_before.get(name), cpu_seconds(self.pids[name])
            cores = (after - before) / seconds if before is not None and after else None
            found[name] = memory(sampler, self.began + warmup_s) | {"cpu_cores": cores}
        return found


def memory(sampler: MemorySampler, after_warmup: float) -> dict[str, Any]:
    """RSS after the warm-up against the last sample; the series in MB."""
    samples = sampler.samples
    if not samples:
        return {}
    warm = sampler.rss_at(after_warmup) or samples[-1][1]
    end = samples[-1][1]
    change = (end - warm) / warm
    return {
        "start_mb": round(samples[0][1] / 1024, 1),
        "after_warmup_mb": round(warm / 1024, 1),
        "end_mb": round(end / 1024, 1),
        "peak_mb": round(max(s[2] for s in samples) / 1024, 1),
        "change": change,
        "flat": abs(change) <= FLAT_TOLERANCE,
        "series_mb": [(round(t - samples[0][0]), round(rss / 1024, 1)) for t, rss, _ in samples],
    }


async def double_bookings(db: RawDb) -> int:
    """Pairs of holding bookings of one machine whose times overlap."""
    held = "('" + "','".join(ACTIVE) + "')"
    return int(
        await db.scalar(
            "SELECT count(*) FROM booking AS a JOIN booking AS b"
            " ON a.machine = b.machine AND a.id < b.id"
            f" WHERE a.status IN {held} AND b.status IN {held}"
            " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
        )
    )


async def stored(db: RawDb, since_ms: int) -> tuple[int, int, int]:
    """(rows, distinct (machine, seq), dead letters) of the bench's messages."""
    rows = int(await db.scalar("SELECT count(*) FROM telemetry_message WHERE seq >= ?", LOAD_SEQ))
    distinct = int(
        await db.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT machine, seq FROM telemetry_message"
            " WHERE seq >= ?) AS d",
            LOAD_SEQ,
        )
    )
    dead = int(await db.scalar("SELECT count(*) FROM dead_letter WHERE received_ms >= ?", since_ms))
    return rows, distinct, dead


async def settle(db: RawDb, acked: int, since_ms: int, timeout_s: float = 60) -> dict[str, Any]:
    """Wait until every acknowledged message is a row or a dead letter (or the timeout)."""
    began = time.time()
    while True:
        rows, distinct, dead = await stored(db, since_ms)
        if rows + dead >= acked or time.time() - began > timeout_s:
            break
        await asyncio.sleep(0.5)
    return {
        "acked": acked,
        "rows": rows,
        "distinct": distinct,
        "dead_letters": dead,
        "settled_after_s": round(time.time() - began, 1),
        "none_lost": rows + dead == acked and distinct == rows,
    }

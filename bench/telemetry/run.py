"""Telemetry benchmark: our ingest against the raw rate of the same broker, in one run.

    uv run python -m bench.telemetry.run --quick
    uv run python -m bench.telemetry.run --messages 20000 --rate 1000 --seconds 60

Per engine (SQLite file; PostgreSQL in a throwaway cluster from tests.support.postgres), all on
127.0.0.1: migrate + seed the demo, issue logins for `--machines` demo machines, start the app's
EmbeddedBroker on a free port, then

1. raw broker rate (peer): `mosquitto_sub -q 1 -C N > /dev/null` (a C client) while the
   publisher processes send N QoS 1 messages as fast as the broker acknowledges them;
   rate = N / (first publish -> mosquitto_sub's exit);
2. latency peer: the paced stream of phase 5 to `mosquitto_sub -F '%U %p'`;
3. drain peer: N messages queued for an offline persistent `mosquitto_sub` session, then the time
   (and CPU, from os.wait4) it takes to receive them, no publisher running;
4. ingest rate: the same N messages into `python -m sharedfactory.cli ingest` (a child process);
   time from the first publish to the moment a poller sees the N-th row committed; zero loss =
   exactly N rows with N distinct (machine, seq); ratio = this / 1;
5. latency: a paced `--rate` msg/s for `--seconds`; `ts` in each message is its publish wall clock
   (ms). "visible" = the start of the poll (every 20 ms) that first returned the row, minus `ts`:
   publish -> broker -> ingest -> commit -> readable, overstated by at most one poll interval.
   "received" = the ingest's own `received_ms` minus `ts` (no batching, no commit);
6. memory: the ingest's VmRSS/VmHWM from /proc every 0.5 s while 4 and 5 run;
7. drain: N messages queued for the stopped ingest's session, then the ingest started: rows/s and
   CPU per row from the first row seen to the N-th;
8. month report: 100 machines x 720 hourly rollups, a utilisation aggregation (SQL written here:
   the reports module does not exist yet) against `SELECT count(*)` over the same rows.

`--render RUN.json` prints the table of a saved run again. Results of the documented runs are in
`bench/telemetry/results/`, discussed in docs/performance-telemetry.md.

Publishers are separate processes (`bench.telemetry.publisher`), each machine with its own login.
A markdown table goes to stdout, progress to stderr, `--json OUT` keeps every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.telemetry.db import RawDb
from tests.support.server import free_port

SECRET = "bench-secret-key"
THROUGHPUT_SEQ = 1_000_000
LATENCY_SEQ = 100_000_000
DRAIN_SEQ = 200_000_000
POLL_S = 0.02
WINDOW_S = 5  # latency run: p99 per window of publish time, to see a backlog grow
REPORT_MACHINES = 100
# 30-day months (720 hours) well before the demo's data; the first without rollups is used
MONTHS = tuple(datetime(2025, month, 1, tzinfo=UTC) for month in (6, 4, 9, 11))
MONTH_HOURS = 720
HOUR_MS = 3_600_000
TARGET_RATIO, TARGET_P99_MS, TARGET_REPORT_MS, FLAT_TOLERANCE = 0.5, 1000.0, 200.0, 0.10

JSON = dict[str, Any]
LIVE: list[Publishers] = []  # killed when the run ends, however it ends


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def note_load(result: EngineResult, phase: str) -> None:
    """The 1-minute load average after a phase: this machine is shared with other work."""
    result.load.append((phase, round(os.getloadavg()[0], 2)))


# --- publishers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    code: str
    house: str
    password: str


class Publishers:
    """Publisher processes, connected and waiting; `go()` starts them all at one instant."""

    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes
        self.start_at = 0.0

    @classmethod
    async def prepare(
        cls,
        port: int,
        devices: list[Device],
        processes: int,
        total: int,
        seq_start: int,
        rate: float | None,
        ack_timeout: float,
        module: str = "bench.telemetry.publisher",
    ) -> Publishers:
        """`module`: the publisher program (another bench may wrap this one's payload)."""
        groups = [devices[i::processes] for i in range(processes)]
        started = []
        for index, group in enumerate(groups):
            count = total // processes + (1 if index < total % processes else 0)
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            job = {
                "port": port,
                "devices": [[d.code, d.house, d.password] for d in group],
                "count": count,
                "seq_start": seq_start,
                "rate": rate / processes if rate else None,
                "ack_timeout": ack_timeout,
            }
            assert child.stdin is not None
            child.stdin.write((json.dumps(job) + "\n").encode())
            await child.stdin.drain()
            started.append(child)
        publishers = cls(started)
        LIVE.append(publishers)
        for child in started:
            assert child.stdout is not None
            line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
            if not line or not json.loads(line).get("ready"):
                publishers.kill()
                raise RuntimeError("a publisher did not connect")
        return publishers

    async def go(self) -> float:
        self.start_at = time.time() + 0.2
        for child in self.processes:
            assert child.stdin is not None
            child.stdin.write((json.dumps({"start_at": self.start_at}) + "\n").encode())
            await child.stdin.drain()
        return self.start_at

    async def results(self, timeout: float) -> JSON:
        reports = []
        try:
            for child in self.processes:
                assert child.stdout is not None
                line = await asyncio.wait_for(child.stdout.readline(), timeout=timeout)
                reports.append(json.loads(line))
                await asyncio.wait_for(child.wait(), timeout=10)
        finally:
            self.kill()
        published = sum(r["published"] for r in reports)
        acked = sum(r["acked"] for r in reports)
        last_call = max(r["last_call_s"] for r in reports)
        last_ack = max(r["last_ack_s"] for r in reports)
        return {
            "published": published,
            "acked": acked,
            "publish_seconds": last_call - self.start_at,
            "ack_seconds": last_ack - self.start_at,
            "publish_rate": published / max(1e-9, last_call - self.start_at),
            "late_s": max(r["late_s"] for r in reports),
        }

    def kill(self) -> None:
        for child in self.processes:
            if child.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.kill()


# --- the ingest child and its memory ----------------------------------------------------------


class MemorySampler(threading.Thread):
    """VmRSS and VmHWM (kB) of one process, every `interval` seconds, with wall times."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            fields: dict[str, int] = {}
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    name, _, value = line.partition(":")
                    if name in ("VmRSS", "VmHWM"):
                        fields[name] = int(value.split()[0])
            except OSError:
                return
            if len(fields) == 2:
                self.samples.append((time.time(), fields["VmRSS"], fields["VmHWM"]))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def rss_at(self, moment: float) -> int | None:
        """RSS of the first sample at or after `moment`."""
        for t, rss, _hwm in self.samples:
            if t >= moment:
                return rss
        return None

    def rss_before(self, moment: float) -> int | None:
        found = None
        for t, rss, _hwm in self.samples:
            if t <= moment:
                found = rss
        return found


def cli(command: str, database_url: str, data_dir: Path) -> None:
    """`python -m sharedfactory.cli COMMAND` against this database."""
    env = dict(os.environ)
    env |= {
        "SHAREDFACTORY_DATABASE_URL": database_url,
        "SHAREDFACTORY_DATA_DIR": str(data_dir),
        "SHAREDFACTORY_SECRET_KEY": SECRET,
    }
    done = subprocess.run(
        [sys.executable, "-m", "sharedfactory.cli", command],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"sharedfactory {command} failed: {last[0]}")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds a process has used (/proc/PID/stat fields 14 and 15)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_ingest(database_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env |= {"SHAREDFACTORY_DATABASE_URL": database_url, "SHAREDFACTORY_DATA_DIR": str(data_dir)}
    env.pop("SHAREDFACTORY_MQTT_URL", None)
    (data_dir / "ingest-1.json").unlink(missing_ok=True)
    with (data_dir / "ingest-1.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "sharedfactory.cli", "ingest", "--worker", "1"],
            env=env,
            stdout=log,
            stderr=log,
        )


def heartbeat(data_dir: Path) -> JSON:
    path = data_dir / "ingest-1.json"
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


async def wait_subscribed(process: subprocess.Popen[bytes], data_dir: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (data_dir / "ingest-1.log").read_text()[-2000:]
            raise RuntimeError(f"the ingest exited ({process.returncode}):\n{log}")
        if heartbeat(data_dir).get("subscribed"):
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the ingest never subscribed")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- phases -----------------------------------------------------------------------------------


async def raw_broker_rate(
    port: int, password: str, devices: list[Device], n: int, processes: int
) -> JSON:
    """`mosquitto_sub` (C) as the only subscriber: N / (first publish -> its exit after N)."""
    binary = shutil.which("mosquitto_sub")
    if binary is None:
        raise RuntimeError("mosquitto_sub is missing (apt-get install mosquitto-clients)")
    ack_timeout = max(60.0, n / 200)
    publishers = await Publishers.prepare(port, devices, processes, n, 0, None, ack_timeout)
    args = [binary, "-h", "127.0.0.1", "-p", str(port), "-u", "sf-ingest", "-P", password]
    args += ["-t", "sf/v1/#", "-q", "1", "-C", str(n), "-i", "bench-raw-sub"]
    with open(os.devnull, "wb") as devnull:
        sub = subprocess.Popen(args, stdout=devnull, stderr=subprocess.PIPE)
        try:
            await asyncio.sleep(1.5)  # mosquitto_sub has no "subscribed" signal: give it time
            if sub.poll() is not None:
                raise RuntimeError(
                    f"mosquitto_sub exited: {sub.stderr.read().decode() if sub.stderr else ''}"
                )
            start = await publishers.go()
            code = await asyncio.to_thread(_wait, sub, ack_timeout)
            end = time.time()
            sent = await publishers.results(ack_timeout)
        finally:
            if sub.poll() is None:
                sub.kill()
                sub.wait()
    complete = code == 0
    return {
        "messages": n,
        "complete": complete,
        "seconds": end - start,
        "rate": n / (end - start) if complete else None,
        "publishers": sent,
    }


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


async def ingest_rate(
    db: RawDb,
    port: int,
    devices: list[Device],
    n: int,
    processes: int,
    alive: Callable[[], bool],
    pids: dict[str, int | None],
) -> JSON:
    """The same N messages into the ingest: first publish -> the N-th row seen committed."""
    lo, hi = THROUGHPUT_SEQ, THROUGHPUT_SEQ + n
    count_sql = "SELECT count(*) FROM telemetry_message WHERE seq >= ? AND seq < ?"
    timeout = max(90.0, n / 100)
    publishers = await Publishers.prepare(port, devices, processes, n, lo, None, timeout)
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    start = await publishers.go()
    results = asyncio.create_task(publishers.results(timeout))
    stored, end = 0, None
    deadline = time.time() + timeout
    progress: list[tuple[float, int]] = []
    while time.time() < deadline and alive():
        polled = time.time()
        stored = int(await db.scalar(count_sql, lo, hi))
        progress.append((polled - start, stored))
        if stored >= n:
            end = polled
            break
        await asyncio.sleep(POLL_S)
    cpu = {}
    for name, pid in pids.items():
        before, after = cpu_before[name], cpu_seconds(pid)
        if before is not None and after is not None and end:
            cpu[name] = (after - before) / (end - start)  # cores busy on average
    sent = await results
    await asyncio.sleep(1.0)  # anything late (a duplicate could not be stored: unique key)
    rows = int(await db.scalar(count_sql, lo, hi))
    distinct = int(
        await db.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT machine, seq FROM telemetry_message"
            " WHERE seq >= ? AND seq < ?) AS d",
            lo,
            hi,
        )
    )
    return {
        "messages": n,
        "seconds": (end - start) if end else None,
        "rate": n / (end - start) if end else None,
        "steady_rate": steady_rate(progress, n),
        "cpu_cores": cpu,
        "rows": rows,
        "distinct": distinct,
        "zero_loss": rows == n and distinct == n,
        "publishers": sent,
        "progress": progress[:: max(1, len(progress) // 50)],
    }


async def publish_all(
    port: int, devices: list[Device], n: int, processes: int, seq_start: int
) -> JSON:
    """N messages as fast as acknowledged; returns when the broker has acknowledged them all."""
    timeout = max(60.0, n / 200)
    publishers = await Publishers.prepare(port, devices, processes, n, seq_start, None, timeout)
    await publishers.go()
    return await publishers.results(timeout)


async def raw_drain(
    port: int, password: str, devices: list[Device], n: int, processes: int
) -> JSON:
    """Peer of the drain: N messages queued for an offline persistent `mosquitto_sub` session,
    then the time from starting it until it exits after N (no publisher competes for CPU)."""
    binary = shutil.which("mosquitto_sub")
    if binary is None:
        raise RuntimeError("mosquitto_sub is missing (apt-get install mosquitto-clients)")
    login = [binary, "-h", "127.0.0.1", "-p", str(port), "-u", "sf-ingest", "-P", password]
    session = [*login, "-i", "bench-drain-sub", "-q", "1", "-t", "sf/v1/#"]
    await asyncio.to_thread(_quiet, [*session, "-c", "-W", "1"])
    sent = await publish_all(port, devices, n, processes, 0)
    timeout = max(60.0, n / 100)
    begin = time.time()
    with open(os.devnull, "wb") as devnull:
        sub = subprocess.Popen([*session, "-c", "-C", str(n)], stdout=devnull)
        code, cpu = await asyncio.to_thread(_wait_with_cpu, sub, timeout)
        end = time.time()
    # a clean session with the same id discards what would otherwise queue up for it later
    await asyncio.to_thread(
        _quiet, [*login, "-i", "bench-drain-sub", "-t", "sf/v1/none", "-W", "1"]
    )
    return {
        "messages": n,
        "complete": code == 0,
        "seconds": end - begin,
        "rate": n / (end - begin) if code == 0 else None,
        "cpu_us_per_message": cpu / n * 1e6 if code == 0 and cpu is not None else None,
        "publishers": sent,
    }


def _wait_with_cpu(
    process: subprocess.Popen[bytes], timeout: float
) -> tuple[int | None, float | None]:
    """Exit code and user + system CPU seconds of a child (os.wait4); killed after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        time.sleep(0.002)
    process.kill()
    process.wait()
    return None, None


def _quiet(args: list[str]) -> None:
    subprocess.run(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15, check=False
    )


async def ingest_drain(
    db: RawDb, url: str, data_dir: Path, port: int, devices: list[Device], n: int, processes: int
) -> JSON:
    """N messages queued for the stopped ingest's persistent session, then the ingest started:
    rows per second from the first row seen to the N-th (the interpreter's start excluded)."""
    lo, hi = DRAIN_SEQ, DRAIN_SEQ + n
    count_sql = "SELECT count(*) FROM telemetry_message WHERE seq >= ? AND seq < ?"
    sent = await publish_all(port, devices, n, processes, lo)
    begin = time.time()
    ingest = start_ingest(url, data_dir)
    first: tuple[float, int, float | None] | None = None
    end: tuple[float, float | None] | None = None
    try:
        deadline = begin + max(90.0, n / 100)
        while time.time() < deadline and ingest.poll() is None:
            polled = time.time()
            stored = int(await db.scalar(count_sql, lo, hi))
            if stored and first is None:
                first = (polled, stored, cpu_seconds(ingest.pid))
            if stored >= n:
                end = (polled, cpu_seconds(ingest.pid))
                break
            await asyncio.sleep(POLL_S)
    finally:
        stop_process(ingest)
    rows = int(await db.scalar(count_sql, lo, hi))
    rate = cores = per_row = None
    if first and end and end[0] > first[0]:
        rate = (n - first[1]) / (end[0] - first[0])
        if first[2] is not None and end[1] is not None:
            cores = (end[1] - first[2]) / (end[0] - first[0])
            per_row = (end[1] - first[2]) / (n - first[1]) * 1e6
    return {
        "messages": n,
        "rows": rows,
        "zero_loss": rows == n,
        "seconds_from_process_start": end[0] - begin if end else None,
        "rate": rate,
        "cpu_cores": cores,
        "cpu_us_per_row": per_row,
        "publishers": sent,
    }


def steady_rate(progress: list[tuple[float, int]], n: int) -> float | None:
    """Rows per second between the polls that first saw 10 % and 90 % of N (start-up excluded)."""
    low = next(((t, c) for t, c in progress if c >= n * 0.1), None)
    high = next(((t, c) for t, c in progress if c >= n * 0.9), None)
    if low is None or high is None or high[0] <= low[0]:
        return None
    return (high[1] - low[1]) / (high[0] - low[0])


async def raw_latency(
    port: int,
    password: str,
    devices: list[Device],
    rate: float,
    seconds: float,
    processes: int,
    scratch: Path,
) -> JSON:
    """The peer of the latency run: the same paced stream to `mosquitto_sub -F '%U %p'`, whose
    receive time (ns) minus the payload's `ts` is publish -> broker -> C client."""
    binary = shutil.which("mosquitto_sub")
    if binary is None:
        raise RuntimeError("mosquitto_sub is missing (apt-get install mosquitto-clients)")
    n = int(rate * seconds)
    timeout = seconds + 60
    publishers = await Publishers.prepare(port, devices, processes, n, 0, rate, timeout)
    args = [binary, "-h", "127.0.0.1", "-p", str(port), "-u", "sf-ingest", "-P", password]
    args += ["-t", "sf/v1/#", "-q", "1", "-C", str(n), "-i", "bench-raw-lat", "-F", "%U %p"]
    out = scratch / "raw-latency.txt"
    with out.open("wb") as sink:
        sub = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL)
        try:
            await asyncio.sleep(1.5)
            await publishers.go()
            await asyncio.to_thread(_wait, sub, timeout)
            sent = await publishers.results(timeout)
        finally:
            if sub.poll() is None:
                sub.kill()
                sub.wait()
    latencies = []
    for line in out.read_text().splitlines():
        stamp, _, body = line.partition(" ")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            latencies.append(float(stamp) * 1000 - json.loads(body)["ts"])
    return {
        "messages": n,
        "received": len(latencies),
        "received_ms": summary(latencies),
        "publishers": sent,
    }


def summary(values: list[float]) -> JSON:
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values) if values else None,
    }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def latency(
    db: RawDb,
    port: int,
    devices: list[Device],
    rate: float,
    seconds: float,
    processes: int,
    alive: Callable[[], bool],
) -> JSON:
    """A paced stream; every row's visibility (poll start) and `received_ms`, minus its `ts`."""
    n = int(rate * seconds)
    timeout = seconds + 120
    publishers = await Publishers.prepare(port, devices, processes, n, LATENCY_SEQ, rate, timeout)
    last_id = int(await db.scalar("SELECT coalesce(max(id), 0) FROM telemetry_message"))
    start = await publishers.go()
    results = asyncio.create_task(publishers.results(timeout))
    visible: list[float] = []
    received: list[float] = []
    windows: dict[int, list[float]] = {}
    deadline = start + seconds + 60
    while len(visible) < n and time.time() < deadline and alive():
        polled = time.time() * 1000
        rows = await db.fetch(
            "SELECT id, ts_ms, received_ms FROM telemetry_message WHERE id > ? AND seq >= ?"
            " ORDER BY id",
            last_id,
            LATENCY_SEQ,
        )
        for row_id, ts_ms, received_ms in rows:
            bucket = max(0, int((ts_ms / 1000 - start) // WINDOW_S))
            windows.setdefault(bucket, []).append(polled - ts_ms)
            visible.append(polled - ts_ms)
            received.append(received_ms - ts_ms)
            last_id = max(last_id, row_id)
        await asyncio.sleep(POLL_S)
    end = time.time()
    sent = await results

    return {
        "rate": rate,
        "seconds": seconds,
        "messages": n,
        "rows": len(visible),
        "zero_loss": len(visible) == n,
        "start": start,
        "end": end,
        "visible_ms": summary(visible),
        "received_ms": summary(received),
        "visible_p99_by_window": [
            (k * WINDOW_S, percentile(v, 0.99)) for k, v in sorted(windows.items())
        ],
        "publishers": sent,
    }


# --- month report -----------------------------------------------------------------------------

REPORT_SQL = (
    "SELECT r.machine, m.code, SUM(r.running_s), SUM(r.idle_s), SUM(r.setup_s), SUM(r.fault_s),"
    " SUM(r.off_s), SUM(r.maintenance_s), SUM(r.good), SUM(r.reject), SUM(r.energy_wh), count(*)"
    " FROM hourly_rollup AS r JOIN machine AS m ON m.id = r.machine"
    " WHERE r.hour_ms >= ? AND r.hour_ms < ? GROUP BY r.machine, m.code ORDER BY m.code"
)
COUNT_SQL = "SELECT count(*) FROM hourly_rollup WHERE hour_ms >= ? AND hour_ms < ?"
ROLLUP_INSERT = (
    "INSERT INTO hourly_rollup (machine, hour_ms, running_s, idle_s, setup_s, fault_s, off_s,"
    " maintenance_s, good, reject, energy_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def ensure_machines(count: int) -> list[int]:
    """At least `count` machines: copies of a demo machine with codes `bench-m-NNN`."""
    from sharedfactory.facilities.tables import Machine

    rows = await Machine.select().order_by(Machine._meta.primary_key).run()
    missing = count - len(rows)
    if missing > 0:
        model = rows[0]
        copies = [
            Machine(
                code=f"bench-m-{i:03d}",
                house=model["house"],
                machine_type=model["machine_type"],
                name=f"Bench machine {i}",
                batch_size=model["batch_size"],
                cycle_minutes=model["cycle_minutes"],
                tariff_per_hour=model["tariff_per_hour"],
                power_kw=model["power_kw"],
                needs_operator=model["needs_operator"],
                halal_status=model["halal_status"],
            )
            for i in range(missing)
        ]
        await Machine.insert(*copies).run()
        rows = (
            await Machine.select(Machine._meta.primary_key)
            .order_by(Machine._meta.primary_key)
            .run()
        )
    return [int(row["id"]) for row in rows[:count]]


def synthetic_rollups(machines: list[int], month_start_ms: int) -> list[tuple[int, ...]]:
    rows: list[tuple[int, ...]] = []
    for machine in machines:
        for hour in range(MONTH_HOURS):
            running = 1200 + (machine * 37 + hour * 101) % 2400
            fault = 120 if hour % 24 == 3 else 0
            setup = 300 if hour % 8 == 0 else 0
            idle = 3600 - running - fault - setup
            good = running // 6
            rows.append(
                (
                    machine,
                    month_start_ms + hour * HOUR_MS,
                    running,
                    idle,
                    setup,
                    fault,
                    0,
                    0,
                    good,
                    good // 50,
                    running * 2,
                )
            )
    return rows


async def utilisation_report(db: RawDb, month_start_ms: int, hours: int) -> list[JSON]:
    """Per machine for the month: hours per state, utilisation, yield, energy."""
    rows = await db.fetch(REPORT_SQL, month_start_ms, month_start_ms + hours * HOUR_MS)
    available = hours * 3600
    return [
        {
            "machine": code,
            "running_h": running / 3600,
            "idle_h": idle / 3600,
            "setup_h": setup / 3600,
            "fault_h": fault / 3600,
            "off_h": off / 3600,
            "maintenance_h": maintenance / 3600,
            "utilisation": running / available,
            "availability": (available - fault - maintenance) / available,
            "yield": good / (good + reject) if good + reject else None,
            "energy_kwh": energy / 1000,
            "hours_reported": n,
        }
        for (
            _id,
            code,
            running,
            idle,
            setup,
            fault,
            off,
            maintenance,
            good,
            reject,
            energy,
            n,
        ) in rows
    ]


async def timed(action: Callable[[], Awaitable[Any]], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        await action()
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times), times


async def month_report(db: RawDb) -> JSON:
    machines = await ensure_machines(REPORT_MACHINES)
    month_start_ms = 0
    for month in MONTHS:
        month_start_ms = int(month.timestamp() * 1000)
        window = (month_start_ms, month_start_ms + MONTH_HOURS * HOUR_MS)
        if int(await db.scalar(COUNT_SQL, *window)) == 0:
            break
    else:
        raise RuntimeError("no empty 30-day month for the synthetic rollups")
    rows = synthetic_rollups(machines, month_start_ms)
    begin = time.perf_counter()
    await db.executemany(ROLLUP_INSERT, rows)
    load_s = time.perf_counter() - begin
    report = await utilisation_report(db, month_start_ms, MONTH_HOURS)
    assert len(report) == REPORT_MACHINES, len(report)
    assert all(r["hours_reported"] == MONTH_HOURS for r in report)
    report_ms, report_all = await timed(
        lambda: utilisation_report(db, month_start_ms, MONTH_HOURS), 7
    )
    count_ms, count_all = await timed(lambda: db.scalar(COUNT_SQL, *window), 7)
    return {
        "machines": len(report),
        "rollup_rows": len(rows),
        "load_seconds": load_s,
        "report_ms": report_ms,
        "report_ms_all": report_all,
        "count_ms": count_ms,
        "count_ms_all": count_all,
        "ratio": report_ms / count_ms if count_ms else None,
        "mean_utilisation": statistics.fmean(r["utilisation"] for r in report),
        "month": datetime.fromtimestamp(month_start_ms / 1000, UTC).strftime("%Y-%m"),
    }


def set_broker_inflight(config: Path, inflight: int) -> None:
    """What-if only (`--broker-inflight`): the app's generated config with another
    `max_inflight_messages`, the window of unacknowledged QoS 1 messages to each client."""
    lines = [
        f"max_inflight_messages {inflight}" if line.startswith("max_inflight_messages") else line
        for line in config.read_text().splitlines()
    ]
    config.write_text("\n".join(lines) + "\n")


# --- one engine -------------------------------------------------------------------------------


@dataclass
class Options:
    messages: int
    rate: float
    seconds: float
    engines: list[str]
    machines: int
    publishers: int
    quick: bool
    json_out: Path | None
    broker_inflight: int | None = None


@dataclass
class EngineResult:
    engine: str
    raw: JSON = field(default_factory=dict)
    raw_latency: JSON = field(default_factory=dict)
    raw_drain: JSON = field(default_factory=dict)
    drain: JSON = field(default_factory=dict)
    ingest: JSON = field(default_factory=dict)
    latency: JSON = field(default_factory=dict)
    memory: JSON = field(default_factory=dict)
    month: JSON = field(default_factory=dict)
    ingest_stats: JSON = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    load: list[tuple[str, float]] = field(default_factory=list)  # 1-min load average by phase


@contextlib.contextmanager
def database(engine: str, root: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{root / 'sharedfactory.db'}"
    else:
        from tests.support.postgres import throwaway_postgres

        with throwaway_postgres() as url:
            yield url


async def demo_devices(count: int) -> list[tuple[str, str]]:
    from sharedfactory.facilities.tables import Machine

    rows = (
        await Machine.select(Machine.code, Machine.house.code.as_alias("house"))
        .order_by(Machine._meta.primary_key)
        .run()
    )
    return [(row["code"], row["house"]) for row in rows[:count]]


def memory_summary(sampler: MemorySampler, latency_result: JSON, warmup_s: float) -> JSON:
    if not sampler.samples:
        return {}
    start, end = latency_result.get("start"), latency_result.get("end")
    idle = sampler.samples[0][1]
    after_warmup = sampler.rss_at(start + warmup_s) if start else None
    at_end = sampler.rss_before(end) if end else sampler.samples[-1][1]
    change = (at_end - after_warmup) / after_warmup if after_warmup and at_end else None
    return {
        "idle_kb": idle,
        "after_warmup_kb": after_warmup,
        "end_kb": at_end,
        "peak_rss_kb": max(s[1] for s in sampler.samples),
        "peak_hwm_kb": max(s[2] for s in sampler.samples),
        "change": change,
        "flat": change is not None and abs(change) <= FLAT_TOLERANCE,
        "warmup_s": warmup_s,
        "samples": len(sampler.samples),
        "peak_hwm_seen_at_s": next(
            round(t - sampler.samples[0][0], 1)
            for t, _rss, hwm in sampler.samples
            if hwm == max(s[2] for s in sampler.samples)
        ),
        "series_mb": [
            (round(t - sampler.samples[0][0], 1), round(rss / 1024, 1))
            for t, rss, _ in sampler.samples[:: max(1, len(sampler.samples) // 40)]
        ],
    }


async def bench_engine(result: EngineResult, options: Options, root: Path) -> None:
    """Fill `result` phase by phase (what was measured stays if a later phase fails)."""
    from sharedfactory.db.engine import use_database
    from sharedfactory.devices.embedded import EmbeddedBroker
    from sharedfactory.devices.logins import issue_machine_password

    engine_name = result.engine
    data_dir = root / engine_name
    data_dir.mkdir()
    with database(engine_name, data_dir) as url:
        say(f"{engine_name}: migrate and seed")
        # In child processes: Piccolo's migrations bind the engine of the first database a
        # process migrates (piccolo_conf.DB is read once), so a second engine needs a new process.
        for command in ("migrate", "seed"):
            await asyncio.to_thread(cli, command, url, data_dir)
        use_database(url)
        devices = [
            Device(code, house, await issue_machine_password(code))
            for code, house in await demo_devices(options.machines)
        ]
        broker = EmbeddedBroker(data_dir, port=free_port())
        await broker.start()
        if options.broker_inflight:
            set_broker_inflight(broker.files.config, options.broker_inflight)
            await asyncio.to_thread(broker.process.restart)
        db = await RawDb(url).open()
        try:
            password = broker.service_target().password
            say(f"{engine_name}: raw broker rate, {options.messages} messages to mosquitto_sub")
            result.raw = await raw_broker_rate(
                broker.port, password, devices, options.messages, options.publishers
            )
            note_load(result, "raw")
            say(f"{engine_name}: raw {fmt(result.raw.get('rate'))} msg/s")
            say(f"{engine_name}: raw latency at {options.rate:g} msg/s, mosquitto_sub")
            result.raw_latency = await raw_latency(
                broker.port,
                password,
                devices,
                options.rate,
                options.seconds,
                options.publishers,
                data_dir,
            )
            note_load(result, "raw_latency")
            say(f"{engine_name}: drain, {options.messages} queued messages to mosquitto_sub")
            result.raw_drain = await raw_drain(
                broker.port, password, devices, options.messages, options.publishers
            )
            note_load(result, "raw_drain")
            ingest = start_ingest(url, data_dir)
            sampler = MemorySampler(ingest.pid)
            try:
                await wait_subscribed(ingest, data_dir)
                sampler.start()

                def alive() -> bool:
                    return ingest.poll() is None

                say(f"{engine_name}: ingest rate, {options.messages} messages")
                pids = {"ingest": ingest.pid, "mosquitto": broker.process.pid}
                result.ingest = await ingest_rate(
                    db, broker.port, devices, options.messages, options.publishers, alive, pids
                )
                note_load(result, "ingest")
                say(f"{engine_name}: ingest {fmt(result.ingest.get('rate'))} rows/s")
                say(f"{engine_name}: latency at {options.rate:g} msg/s for {options.seconds:g} s")
                result.latency = await latency(
                    db,
                    broker.port,
                    devices,
                    options.rate,
                    options.seconds,
                    options.publishers,
                    alive,
                )
                note_load(result, "latency")
                say(f"{engine_name}: p99 visible {fmt(result.latency['visible_ms']['p99'])} ms")
                result.ingest_stats = heartbeat(data_dir)
                if not alive():
                    result.errors.append(f"the ingest exited with {ingest.returncode}")
            finally:
                sampler.stop()
                stop_process(ingest)
            result.memory = memory_summary(sampler, result.latency, min(10.0, options.seconds / 4))
            say(f"{engine_name}: drain, {options.messages} queued messages to the ingest")
            result.drain = await ingest_drain(
                db, url, data_dir, broker.port, devices, options.messages, options.publishers
            )
            note_load(result, "drain")
            say(f"{engine_name}: month report")
            result.month = await month_report(db)
            note_load(result, "month")
        finally:
            await db.close()
            broker.stop()


# --- output -----------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def mb(kb: Any) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.1f} MB"


def verdicts(r: EngineResult) -> JSON:
    ratio = ratio_of(r)
    p99 = r.latency.get("visible_ms", {}).get("p99")
    return {
        "ingest >= 50 % of raw": ratio is not None and ratio >= TARGET_RATIO,
        "zero loss": all(bool(p.get("zero_loss")) for p in (r.ingest, r.latency, r.drain)),
        "p99 < 1 s": p99 is not None and p99 < TARGET_P99_MS,
        "memory flat": bool(r.memory.get("flat")),
        "month report < 200 ms": (r.month.get("report_ms") or 1e9) < TARGET_REPORT_MS,
    }


def ratio_of(r: EngineResult) -> float | None:
    raw, ours = r.raw.get("rate"), r.ingest.get("rate")
    return ours / raw if raw and ours else None


def markdown(results: list[EngineResult], options: Options) -> str:
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    head = "| figure | " + " | ".join(names.get(r.engine, r.engine) for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]

    def row(label: str, cell: Callable[[EngineResult], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    n = options.messages
    row(
        f"raw broker rate, mosquitto_sub (C), {n:,} QoS 1 msgs",
        lambda r: f"{fmt(r.raw.get('rate'))} msg/s",
    )
    row(
        "  publishers' own rate in that phase (publish calls)",
        lambda r: f"{fmt(r.raw.get('publishers', {}).get('publish_rate'))} msg/s",
    )
    row("our ingest, sustained stored rows", lambda r: f"{fmt(r.ingest.get('rate'))} rows/s")
    row("**ratio ingest / raw** (target ≥ 0.50)", lambda r: f"**{fmt(ratio_of(r), 2)}**")
    row(
        "  ingest between 10 % and 90 % of N stored (start-up excluded)",
        lambda r: f"{fmt(r.ingest.get('steady_rate'))} rows/s",
    )
    row(
        "  CPU cores busy meanwhile: ingest / mosquitto",
        lambda r: " / ".join(
            fmt(r.ingest.get("cpu_cores", {}).get(k), 2) for k in ("ingest", "mosquitto")
        ),
    )
    row(
        f"drain peer: mosquitto_sub empties a queue of {n:,} (no publisher running)",
        lambda r: f"{fmt(r.raw_drain.get('rate'))} msg/s",
    )
    row(
        "drain: our ingest empties the same queue (first row → N-th row)",
        lambda r: f"{fmt(r.drain.get('rate'))} rows/s",
    )
    row("  ratio drain ingest / mosquitto_sub", lambda r: fmt(_drain_ratio(r), 2))
    row("  ingest CPU cores busy while draining", lambda r: fmt(r.drain.get("cpu_cores"), 2))
    row(
        "  CPU per message while draining: ingest / mosquitto_sub",
        lambda r: (
            f"{fmt(r.drain.get('cpu_us_per_row'))} µs / "
            f"{fmt(r.raw_drain.get('cpu_us_per_message'), 1)} µs"
        ),
    )
    row(
        "rows stored / distinct (machine, seq) / sent",
        lambda r: f"{fmt(r.ingest.get('rows'))} / {fmt(r.ingest.get('distinct'))} / {n:,}",
    )
    lat = f"{options.rate:g} msg/s for {options.seconds:g} s"
    row(
        f"latency run {lat}: rows seen / sent",
        lambda r: f"{fmt(r.latency.get('rows'))} / {fmt(r.latency.get('messages'))}",
    )
    row(
        "  publishers' achieved rate",
        lambda r: f"{fmt(r.latency.get('publishers', {}).get('publish_rate'))} msg/s",
    )
    for q in ("p50", "p95", "p99", "max"):
        target = " (target < 1000 ms)" if q == "p99" else ""
        row(f"  publish → row visible, {q}{target}", _latency_cell(q))
    row(f"  visible p99 per {WINDOW_S} s of the run: first → worst → last", _windows_cell)
    for q in ("p50", "p99"):
        row(f"  publish → ingest received (received_ms − ts), {q}", _received_cell(q))
    for q in ("p50", "p99"):
        row(f"  peer: publish → mosquitto_sub received, {q}", _raw_latency_cell(q))
    row("ingest RSS, subscribed and idle", lambda r: mb(r.memory.get("idle_kb")))
    row(
        "ingest RSS after warm-up of the latency run", lambda r: mb(r.memory.get("after_warmup_kb"))
    )
    row("ingest RSS at the end of the latency run", lambda r: mb(r.memory.get("end_kb")))
    row("  change end vs warm-up (flat: within ±10 %)", lambda r: _pct(r.memory.get("change")))
    row("ingest peak (VmHWM)", lambda r: mb(r.memory.get("peak_hwm_kb")))
    row(
        "month utilisation report, 100 machines × 720 h (median of 7)",
        lambda r: f"{fmt(r.month.get('report_ms'), 1)} ms",
    )
    row(
        "  `SELECT count(*)` over the same rows (median of 7)",
        lambda r: f"{fmt(r.month.get('count_ms'), 1)} ms",
    )
    row("  ratio report / count(*)", lambda r: f"{fmt(r.month.get('ratio'), 1)}")
    for target in verdicts(results[0]) if results else {}:
        row(f"target: {target}", _verdict_cell(target))
    return "\n".join(lines)


def _latency_cell(q: str) -> Callable[[EngineResult], str]:
    def cell(r: EngineResult) -> str:
        return f"{fmt(r.latency.get('visible_ms', {}).get(q))} ms"

    return cell


def _windows_cell(r: EngineResult) -> str:
    windows = [p for _t, p in r.latency.get("visible_p99_by_window", [])]
    if not windows:
        return "n/a"
    return f"{fmt(windows[0])} → {fmt(max(windows))} → {fmt(windows[-1])} ms"


def _drain_ratio(r: EngineResult) -> float | None:
    raw, ours = r.raw_drain.get("rate"), r.drain.get("rate")
    return ours / raw if raw and ours else None


def _received_cell(q: str) -> Callable[[EngineResult], str]:
    def cell(r: EngineResult) -> str:
        return f"{fmt(r.latency.get('received_ms', {}).get(q))} ms"

    return cell


def _raw_latency_cell(q: str) -> Callable[[EngineResult], str]:
    def cell(r: EngineResult) -> str:
        got = r.raw_latency.get("received_ms", {}).get(q)
        return f"{fmt(got, 1)} ms ({fmt(r.raw_latency.get('received'))} msgs)"

    return cell


def _verdict_cell(target: str) -> Callable[[EngineResult], str]:
    def cell(r: EngineResult) -> str:
        return "met" if verdicts(r)[target] else "**missed**"

    return cell


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f} %"


# --- main -------------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, help="N for the rate phases (20000; quick 4000)")
    parser.add_argument("--rate", type=float, default=1000.0, help="latency run msg/s (1000)")
    parser.add_argument("--seconds", type=float, help="latency run length (60; quick 10)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--machines", type=int, default=20, help="publishing machines (20)")
    parser.add_argument("--publishers", type=int, default=4, help="publisher processes (4)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, dest="json_out")
    parser.add_argument(
        "--broker-inflight",
        type=int,
        help="what-if: rewrite the broker's max_inflight_messages (the app writes 100)",
    )
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown engines: {sorted(unknown)}")
    return Options(
        messages=args.messages or (4000 if args.quick else 20000),
        rate=args.rate,
        seconds=args.seconds or (10.0 if args.quick else 60.0),
        engines=engines,
        machines=args.machines,
        publishers=max(1, min(args.publishers, args.machines)),
        quick=args.quick,
        json_out=args.json_out,
        broker_inflight=args.broker_inflight,
    )


async def run(options: Options) -> list[EngineResult]:
    results = []
    with tempfile.TemporaryDirectory(prefix="sf-bench-telemetry-") as tmp:
        root = Path(tmp)
        if os.geteuid() == 0:
            os.chmod(root, 0o755)
        for engine in options.engines:
            result = EngineResult(engine)
            results.append(result)
            try:
                await bench_engine(result, options, root)
            except Exception as error:
                say(f"{engine}: failed: {error!r}")
                result.errors.append(repr(error))
            finally:
                for publishers in LIVE:
                    publishers.kill()
    return results


def report(results: list[EngineResult]) -> None:
    """Errors, load averages and the ingest's own counters, under the table."""
    for r in results:
        for error in r.errors:
            print(f"\n- {r.engine}: {error}")
        if r.load:
            print(f"\n- {r.engine} 1-min load average after each phase: {r.load}")
        if r.ingest_stats:
            stats = {
                k: r.ingest_stats.get(k) for k in ("received", "stored_batches", "dead_letters")
            }
            print(f"\n- {r.engine} ingest heartbeat: {stats}")


def render(path: Path) -> None:
    """The table of a run saved with `--json` (figures as measured then; nothing re-measured)."""
    saved = json.loads(path.read_text())
    options = Options(**saved["options"])
    results = [EngineResult(**r) for r in saved["results"]]
    print(markdown(results, options))
    report(results)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--render"] and len(argv) == 2:
        render(Path(argv[1]))
        return 0
    options = parse(argv)
    began = time.time()
    results = asyncio.run(run(options))
    print(f"# Telemetry benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n")
    cpus = os.cpu_count()
    print(
        f"{cpus} CPUs, loopback only; {options.machines} machines in {options.publishers}"
        f" publisher processes; every ratio is from the same run ({time.time() - began:.0f} s).\n"
    )
    if options.json_out:
        options.json_out.write_text(
            json.dumps(
                {"options": asdict(options), "results": [asdict(r) for r in results]},
                indent=1,
                default=str,
            )
        )
    if options.broker_inflight:
        print(
            f"**What-if run**: broker max_inflight_messages {options.broker_inflight} (the app"
            " writes 100).\n"
        )
    print(markdown(results, options))
    report(results)
    return 0 if results and all(not r.errors for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

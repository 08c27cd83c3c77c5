"""Reports benchmark: the national monthly dashboard and the Excel export over a year of hourly
rollups for 500 machines in 50 houses, against a plain `SELECT count(*)` over the same rollup
table in the same run, on SQLite and on PostgreSQL.

    python -m bench.reports.run               # 50 houses x 10 machines x 365 days (4.4 M rollups)
    python -m bench.reports.run --quick       # 10 houses x 10 machines x 90 days
    python -m bench.reports.run --engines sqlite --houses 20

Per engine: migrate and seed the demo in a temporary database, add the bench's houses, machines
and rollups (`bench/reports/data.py`), start `python -m sharedfactory.cli serve` on 127.0.0.1 as a
child process, log in as the demo's auditor, then:
1. count(*): `SELECT count(*) FROM hourly_rollup` on a direct connection (sqlite3 / asyncpg), the
   median of 5: what reading the table once costs this machine right now;
2. dashboard: `GET /api/v1/reports/utilisation?from=..&to=..&group=province` for the last
   month, 10 times: median and p95 as the client sees them, and their ratio to count(*);
3. export: the same for the whole period with `group=machine&format=xlsx` (and csv), once each,
   the server's resident memory (`/proc/PID/status` VmRSS) sampled every 20 ms; the month's
   export is measured too, so "flat" means the year's peak is about the month's.
Targets: the dashboard under 300 ms; the export's memory flat (year peak within 10 % + 20 MiB of
the month's). The table goes to stdout, every figure to bench/reports/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.booking.run import SECRET, child_server, database, prepare, say
from bench.reports.data import Size, add_houses, rollups, write_postgres, write_sqlite, year_start
from tests.support.server import free_port

RESULTS = Path(__file__).with_name("results.json")
AUDITOR = ("auditor@demo.sharedfactory.id", "demo-auditor-2026")
REPORT = "/api/v1/reports/utilisation"
TARGET_MS = 300.0
JSON = dict[str, Any]


async def build(url: str, size: Size) -> JSON:
    started = time.perf_counter()
    await prepare(url)
    machines = await add_houses(size)
    rows = rollups(machines, size)
    if url.startswith("sqlite"):
        written = write_sqlite(url.removeprefix("sqlite:///"), rows)
    else:
        written = await write_postgres(url, rows)
    return {"rollups": written, "machines": len(machines), "seconds": time.perf_counter() - started}


async def count_ms(url: str) -> float:
    """The median of 5 plain counts over the rollup table, on a direct connection."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        if url.startswith("sqlite"):
            import sqlite3

            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                db.execute("SELECT count(*) FROM hourly_rollup").fetchone()
        else:
            import asyncpg

            connection = await asyncpg.connect(url)
            try:
                await connection.fetchval("SELECT count(*) FROM hourly_rollup")
            finally:
                await connection.close()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.contextmanager
def peak_memory(pid: int) -> Iterator[dict[str, float]]:
    found = {"before": rss_mib(pid), "peak": rss_mib(pid)}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            found["peak"] = max(found["peak"], rss_mib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield found
    finally:
        stop.set()
        sampler.join()


def period(days: int) -> dict[str, str]:
    end = year_start(0)
    return {"from": (end - timedelta(days=days)).isoformat(), "to": end.isoformat()}


def dashboard(client: httpx.Client, repeats: int = 10) -> JSON:
    month = period(30) | {"group": "province"}
    client.get(REPORT, params=month).raise_for_status()  # warm
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        answer = client.get(REPORT, params=month)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        rows = len(answer.json()["rows"])
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "rows": rows,
    }


def export(client: httpx.Client, pid: int, days: int, fmt: str) -> JSON:
    asked = period(days) | {"group": "machine", "format": fmt}
    with peak_memory(pid) as memory:
        started = time.perf_counter()
        size = 0
        with client.stream("GET", REPORT, params=asked) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                size += len(chunk)
        seconds = time.perf_counter() - started
    return {
        "days": days,
        "format": fmt,
        "seconds": seconds,
        "bytes": size,
        "rss_before_mib": memory["before"],
        "rss_peak_mib": memory["peak"],
        "rss_growth_mib": memory["peak"] - memory["before"],
    }


def measure(base: str, pid: int, size: Size) -> JSON:
    with httpx.Client(base_url=base, timeout=600) as client:
        email, password = AUDITOR
        login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        found: JSON = {"dashboard": dashboard(client)}
        found["exports"] = [
            export(client, pid, days, fmt) for fmt in ("xlsx", "csv") for days in (30, size.days)
        ]
    return found


async def run_engine(engine: str, size: Size) -> JSON:
    with (
        tempfile.TemporaryDirectory(prefix=f"sf-bench-reports-{engine}-") as tmp,
        database(engine, Path(tmp)) as url,
    ):
        say(f"{engine}: building {size.machines} machines x {size.days} days")
        built = await build(url, size)
        say(f"{engine}: {built['rollups']} rollups in {built['seconds']:.0f} s")
        plain = await count_ms(url)
        port, folder = free_port(), Path(tmp)
        env = dict(os.environ) | {
            "SHAREDFACTORY_DATABASE_URL": url,
            "SHAREDFACTORY_DATA_DIR": str(folder / "data"),
            "SHAREDFACTORY_SECRET_KEY": SECRET,
            "SHAREDFACTORY_HOST": "127.0.0.1",
            "SHAREDFACTORY_PORT": str(port),
            "PYTHONWARNINGS": "ignore",
        }
        args = [sys.executable, "-m", "sharedfactory.cli", "serve"]
        pids: list[int] = []
        with child_server("serve", args, env, port, folder / "serve.log", pids) as base:
            found = await asyncio.to_thread(measure, base, pids[0], size)
        found |= {"built": built, "count_ms": plain}
        found["dashboard"]["ratio_to_count"] = found["dashboard"]["median_ms"] / plain
        return found


def table(run: JSON) -> str:
    lines = [
        "| engine | rollups | count(*) ms | dashboard median ms | p95 ms | x count(*) | target |"
        " xlsx month / year MiB growth | xlsx year s | csv month / year MiB growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |",
    ]
    for engine, r in run["engines"].items():
        d, ex = r["dashboard"], {(e["format"], e["days"]): e for e in r["exports"]}
        days = run["size"]["days"]
        xm, xy = ex[("xlsx", 30)], ex[("xlsx", days)]
        cm, cy = ex[("csv", 30)], ex[("csv", days)]
        lines.append(
            f"| {engine} | {r['built']['rollups']:,} | {r['count_ms']:.0f} "
            f"| {d['median_ms']:.0f} | {d['p95_ms']:.0f} | {d['ratio_to_count']:.2f} "
            f"| {'yes' if d['p95_ms'] < TARGET_MS else 'no'} "
            f"| {xm['rss_growth_mib']:.1f} / {xy['rss_growth_mib']:.1f} | {xy['seconds']:.1f} "
            f"| {cm['rss_growth_mib']:.1f} / {cy['rss_growth_mib']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10 houses, 90 days")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--houses", type=int, default=None)
    parser.add_argument("--json", type=Path, dest="json_out", default=RESULTS)
    args = parser.parse_args(argv)
    size = Size(10, 10, 90) if args.quick else Size(50, 10, 365)
    if args.houses:
        size = Size(args.houses, size.machines_per_house, size.days)
    run: JSON = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": {"houses": size.houses, "machines": size.machines, "days": size.days},
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "engines": {},
    }
    for engine in args.engines.split(","):
        run["engines"][engine] = asyncio.run(run_engine(engine, size))
    run["load_after"] = os.getloadavg()[0]
    args.json_out.write_text(json.dumps(run, indent=2, default=str) + "\n")
    print(table(run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

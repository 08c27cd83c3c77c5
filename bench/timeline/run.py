"""Timeline benchmark: the week view of a 20-machine house in Debian's Chromium, from navigation to
the chart's `finished` event, against the same page with an empty chart, in the same run; and
where the actual runs come from: the stored telemetry through `analytics.intervals`, or the
hourly rollups.

    python -m bench.timeline.run            # SQLite, 10 loads each, 7 days of telemetry (~4 min)
    python -m bench.timeline.run --quick    # 3 loads each, 1 day of telemetry (~1.5 min)
    python -m bench.timeline.run --engines sqlite,postgres

Per engine: migrate and seed the demo in a temporary database, add the bench house
(`bench/timeline/data.py`: 20 machines, a week of bookings, runs as hourly rollups and as 5-second
telemetry messages), start `python -m sharedfactory.cli serve` as a child process on 127.0.0.1,
then:
1. runs: the actual runs read both ways on a direct connection (sqlite3 / asyncpg): (a) once,
   the stored messages of every machine, oldest first, through
   `analytics.intervals.state_intervals` (what the timeline would do without the rollups); (b)
   the median of 3, the hourly rollups with running seconds through
   `bookings.timeline_items.runs_from_rollups` (what it does); and what (b) loses against (a):
   how many runs one rollup bar merges, how far its edges are from theirs;
2. api: `GET /api/v1/houses/bench-timeline/timeline` for the week, 10 times: median and p95;
3. page: Chromium (headless, one context with its HTTP cache, logged in as the demo admin) opens
   `/rumah/bench-timeline/jadwal?tampilan=minggu` for the week N times; each load is a new tab,
   timed by the page itself: `performance.now()` at the chart's first `finished` event (0 =
   navigation start). The peer is the same page for a week two years on, when nothing is
   booked: the same server, route, scripts, 20 rows, axes and legend, an empty chart and empty
   tables. Full and peer alternate, after one unmeasured load each. full / peer is what the
   week's items cost (server, tables and chart together) over showing the page at all.
Target: the week view's `finished` under 1 s (median). The table goes to stdout, every figure to
bench/timeline/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.booking.run import SECRET, child_server, database, prepare, say
from bench.timeline import data
from tests.support.server import free_port

RESULTS = Path(__file__).with_name("results.json")
ADMIN = ("admin@demo.sharedfactory.id", "demo-admin-2026")
PAGE = f"/rumah/{data.HOUSE}/jadwal"
TARGET_MS = 1000.0
PEER_WEEKS = 104  # the peer: the same page for a week two years on, when nothing is booked
JSON = dict[str, Any]


async def build(url: str, telemetry_days: int) -> tuple[data.Week, JSON]:
    started = time.perf_counter()
    await prepare(url)
    week = await data.add_week(await data.add_house(), data.this_monday())
    tables = (
        ("hourly_rollup", data.ROLLUP_COLUMNS, data.rollups(week)),
        ("telemetry_message", data.MESSAGE_COLUMNS, data.messages(week, telemetry_days)),
    )
    written = {}
    for table, columns, rows in tables:
        if url.startswith("sqlite"):
            written[table] = data.write_sqlite(url.removeprefix("sqlite:///"), table, columns, rows)
        else:
            written[table] = await data.write_postgres(url, table, columns, rows)
    return week, {
        "machines": len(week.machines),
        "bookings": week.bookings,
        "runs": len(week.runs),
        "rollups": written["hourly_rollup"],
        "messages": written["telemetry_message"],
        "telemetry_days": telemetry_days,
        "seconds": time.perf_counter() - started,
    }


async def fetch(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(
                sql.replace("$1", "?").replace("$2", "?").replace("$3", "?"), args
            ).fetchall()
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql, *args)]
    finally:
        await connection.close()


Span = tuple[int, int, int]  # machine, start ms, end ms


async def runs_from_messages(url: str, week: data.Week, days: int) -> list[Span]:
    from sharedfactory.analytics.intervals import state_intervals
    from sharedfactory.analytics.samples import Sample
    from sharedfactory.devices.runs import STALE_AFTER_MS

    end = week.starts_ms + days * 24 * data.HOUR_MS
    found = []
    for machine in week.machines:
        rows = await fetch(
            url,
            "SELECT ts_ms, seq, state, booking FROM telemetry_message WHERE machine = $1"
            " AND ts_ms >= $2 AND ts_ms < $3 ORDER BY ts_ms, seq",
            machine,
            week.starts_ms - STALE_AFTER_MS,
            end,
        )
        samples = [Sample(ts, seq, state, {}, {}, booking) for ts, seq, state, booking in rows]
        intervals = state_intervals(samples, STALE_AFTER_MS, until_ms=end)
        found += [(machine, i.start_ms, i.end_ms) for i in intervals if i.state == "running"]
    return found


async def runs_from_rollups(url: str, week: data.Week, days: int) -> list[Span]:
    from sharedfactory.bookings.timeline_items import runs_from_rollups as from_rollups

    marks = ", ".join(str(int(m)) for m in week.machines)
    rows = await fetch(
        url,
        f"SELECT machine, hour_ms, running_s FROM hourly_rollup WHERE machine IN ({marks})"
        " AND hour_ms >= $1 AND hour_ms < $2 AND running_s > 0",
        week.starts_ms - data.HOUR_MS,
        week.starts_ms + days * 24 * data.HOUR_MS,
    )
    return [
        (int(r.machine), int(r.starts.timestamp() * 1000), int(r.ends.timestamp() * 1000))
        for r in from_rollups((str(m), h, s) for m, h, s in rows)
    ]


async def timed(
    read: Callable[[], Awaitable[list[Span]]], repeats: int = 3
) -> tuple[float, list[Span]]:
    times, found = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        found = await read()
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def edge_minutes(exact: list[Span], coarse: list[Span]) -> JSON:
    """What the rollups lose: how many of the telemetry's runs each rollup run merges (runs less
    than an hour apart share an hour, so they become one bar), and how far its start and end
    are from the first merged run's start and the last one's end, in minutes."""
    merged, gaps = [], []
    for machine, start, end in coarse:
        inside = sorted(e for e in exact if e[0] == machine and e[1] < end and start < e[2])
        if inside:
            merged.append(len(inside))
            gaps += [abs(start - inside[0][1]) / 60_000, abs(end - inside[-1][2]) / 60_000]
    return {
        "blocks": len(merged),
        "runs_per_block": statistics.mean(merged) if merged else None,
        "median": statistics.median(gaps) if gaps else None,
        "max": max(gaps) if gaps else None,
    }


async def runs_source(url: str, week: data.Week, days: int) -> JSON:
    messages_s, exact = await timed(lambda: runs_from_messages(url, week, days), repeats=1)
    rollups_s, coarse = await timed(lambda: runs_from_rollups(url, week, days))
    week_rollups_s, _runs = await timed(lambda: runs_from_rollups(url, week, 7))
    return {
        "days": days,
        "telemetry_s": messages_s,
        "telemetry_runs": len(exact),
        "telemetry_week_s_estimate": messages_s * 7 / days,
        "rollups_s": rollups_s,
        "rollups_runs": len(coarse),
        "rollups_week_s": week_rollups_s,
        "ratio": messages_s / rollups_s,
        "edge_minutes": edge_minutes(exact, coarse),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def api(client: httpx.Client, week: data.Week, repeats: int = 10) -> JSON:
    start = datetime.fromtimestamp(week.starts_ms / 1000, UTC).astimezone(data.ZONE)
    params = {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
    url = f"/api/v1/houses/{data.HOUSE}/timeline"
    client.get(url, params=params).raise_for_status()
    times, items = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        answer = client.get(url, params=params)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        items = len(answer.json()["items"])
    return {
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "items": items,
    }


def page_loads(base: str, week: data.Week, repeats: int) -> JSON:
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    monday = datetime.fromtimestamp(week.starts_ms / 1000, UTC).astimezone(data.ZONE).date()
    urls = {
        "full": f"{base}{PAGE}?hari={monday.isoformat()}&tampilan=minggu",
        "peer": f"{base}{PAGE}?hari={(monday + timedelta(weeks=PEER_WEEKS)).isoformat()}"
        "&tampilan=minggu",
    }
    found: dict[str, list[JSON]] = {"full": [], "peer": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        login = {"email": ADMIN[0], "password": ADMIN[1]}
        context.request.post(f"{base}/api/v1/auth/login", data=login)
        for n in range(repeats + 1):
            for name in ("full", "peer") if n % 2 == 0 else ("peer", "full"):
                load = one_load(context, urls[name])
                if n > 0:  # the first of each is the warm-up
                    found[name].append(load)
        browser.close()
    return {name: summary(loads) for name, loads in found.items()} | {
        "ratio": statistics.median(x["finished_ms"] for x in found["full"])
        / statistics.median(x["finished_ms"] for x in found["peer"])
    }


def one_load(context: Any, url: str) -> JSON:
    """A new tab opens the page; its own clock says when the chart had finished drawing."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    box = page.wait_for_selector("#timeline-chart[data-finished]", timeout=60_000)
    assert box is not None
    load = {
        "finished_ms": float(box.get_attribute("data-finished") or "nan"),
        "dom_content_loaded_ms": page.evaluate(
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        ),
        "rows": int(box.get_attribute("data-rows") or 0),
        "items": int(box.get_attribute("data-items") or 0),
        "errors": errors,
    }
    page.close()
    return load


def summary(loads: list[JSON]) -> JSON:
    finished = [x["finished_ms"] for x in loads]
    return {
        "loads": len(loads),
        "finished_median_ms": statistics.median(finished),
        "finished_p95_ms": percentile(finished, 0.95),
        "dom_content_loaded_median_ms": statistics.median(
            x["dom_content_loaded_ms"] for x in loads
        ),
        "rows": loads[0]["rows"],
        "items": loads[0]["items"],
        "errors": sorted({e for x in loads for e in x["errors"]}),
    }


def measure(base: str, week: data.Week, repeats: int) -> JSON:
    with httpx.Client(base_url=base, timeout=120) as client:
        client.post(
            "/api/v1/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]}
        ).raise_for_status()
        found: JSON = {"api": api(client, week)}
    found["page"] = page_loads(base, week, repeats)
    return found


async def run_engine(engine: str, repeats: int, telemetry_days: int) -> JSON:
    with (
        tempfile.TemporaryDirectory(prefix=f"sf-bench-timeline-{engine}-") as tmp,
        database(engine, Path(tmp)) as url,
    ):
        say(f"{engine}: building the house, its week and {telemetry_days} days of telemetry")
        week, built = await build(url, telemetry_days)
        counts = f"{built['bookings']} bookings, {built['messages']:,} messages"
        say(f"{engine}: {counts} in {built['seconds']:.0f} s")
        source = await runs_source(url, week, telemetry_days)
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
        with child_server("serve", args, env, port, folder / "serve.log") as base:
            say(f"{engine}: {repeats} loads of the week view and of its peer")
            found = await asyncio.to_thread(measure, base, week, repeats)
        return found | {"built": built, "runs_source": source}


def table(run: JSON) -> str:
    lines = [
        "| engine | items | week view finished median / p95 ms | empty chart (peer) ms"
        " | x peer | target < 1 s | API median ms | runs: telemetry s (days) | rollups ms"
        " | runs per rollup bar | edge min (median / max) |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for engine, r in run["engines"].items():
        page, full, peer, src = r["page"], r["page"]["full"], r["page"]["peer"], r["runs_source"]
        edges = src["edge_minutes"]
        lines.append(
            f"| {engine} | {full['items']} | {full['finished_median_ms']:.0f}"
            f" / {full['finished_p95_ms']:.0f}"
            f" | {peer['finished_median_ms']:.0f} | {page['ratio']:.2f}"
            f" | {'yes' if full['finished_median_ms'] < TARGET_MS else 'no'}"
            f" | {r['api']['median_ms']:.0f} | {src['telemetry_s']:.1f} ({src['days']})"
            f" | {src['rollups_s'] * 1000:.0f} | {edges['runs_per_block'] or 0:.1f}"
            f" | {edges['median'] or 0:.1f} / {edges['max'] or 0:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 loads each, 1 day of telemetry")
    parser.add_argument("--engines", default="sqlite")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--telemetry-days", type=int, default=None)
    parser.add_argument("--json", type=Path, dest="json_out", default=RESULTS)
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 10)
    days = args.telemetry_days or (1 if args.quick else 7)
    run: JSON = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "repeats": repeats,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "engines": {},
    }
    for engine in args.engines.split(","):
        run["engines"][engine] = asyncio.run(run_engine(engine, repeats, days))
    run["load_after"] = os.getloadavg()[0]
    args.json_out.write_text(json.dumps(run, indent=2, default=str) + "\n")
    print(table(run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

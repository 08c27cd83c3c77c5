"""Booking benchmark: free-slot search and booking under 50 concurrent clients, against a plain
Litestar JSON endpoint served the same way in the same run.

    python -m bench.booking.run --quick          # 2-5 minutes (machine load)
    python -m bench.booking.run                  # about 5 minutes
    python -m bench.booking.run --engines sqlite --sizes year --profile

Per engine (SQLite file; PostgreSQL in a throwaway cluster from tests.support.postgres), all on
127.0.0.1:

1. migrate and seed the demo (demo week = this week, as `sharedfactory demo` does), in-process;
2. start `python -m sharedfactory.cli serve` (the real server: uvicorn, one worker, log_level
   info) and `python -m bench.booking.plain` (the peer: a tiny Litestar app, the same uvicorn
   call) as child processes on free loopback ports, their logs in the run's temporary folder;
3. per data size, "demo" (the seeded demo) then "year" (plus about a year of bookings, half a year
   back and half a year ahead, written straight into the database for every machine of the bench
   house, Batu Bara, without overlaps):
   a. plain: 50 clients (one httpx.AsyncClient each, keep-alive) GET /plain in a loop;
   b. slots: 50 clients GET /api/v1/houses/batu-bara/slots?machine_type=cooking_kettle&minutes=90
      as the UMKM umkm_siti (her facts are loaded too), the default window (now .. now + 7 days);
   c. booking: 50 clients POST /api/v1/bookings as the admin for the house's UMKMs in turn:
      40 clients each book their own list of distinct free 60-minute slots (found beforehand with
      the slots endpoint), 10 clients all try the same list of slots in the same order (each is
      won once, the rest are refused 409 `taken`).
   The search phases run a warm-up (drained, not counted), then the measured window: rate =
   answers / (window start -> the last answer, which is waited for), p50/p95/p99 of every
   answer's latency as the client sees it. The booking phase has no warm-up: booked/s = bookings
   made (201) / the time until the last answer.

The ratio slots/plain is what to compare across runs and machines: both servers run on the same
(shared) machine in the same minutes, with the same load generator. A markdown table goes to
stdout, progress to stderr, every figure to bench/booking/results.json (or --json OUT).
`--profile` also times the slot search's steps in-process (cProfile and per-query timings) on
each engine's year-sized database.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.support.server import free_port

SECRET = "bench-secret-key"
HOUSE = "batu-bara"
CLUSTER = "cabai-batu-bara"
ZONE = ZoneInfo("Asia/Jakarta")
SEARCH_TYPE, SEARCH_MINUTES = "cooking_kettle", 90
SEARCH: dict[str, str | int] = {"machine_type": SEARCH_TYPE, "minutes": SEARCH_MINUTES}
CLIENTS = 50
CONTENDERS = 10  # of the 50 booking clients, these all try the same slots
BOOK_MINUTES = 60
TARGET_RATIO, TARGET_P95_MS = 0.30, 100.0
LOGINS = {
    "umkm": ("siti@demo.sharedfactory.id", "demo-umkm-2026"),
    "admin": ("admin@demo.sharedfactory.id", "demo-admin-2026"),
}
RESULTS = Path(__file__).resolve().parent / "results.json"
JSON = dict[str, Any]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Durations:
    warmup: float
    measure: float
    booking: float


QUICK = Durations(warmup=0.5, measure=3.0, booking=3.0)
FULL = Durations(warmup=2.0, measure=15.0, booking=15.0)


# --- servers ----------------------------------------------------------------------------------


@contextlib.contextmanager
def child_server(
    name: str,
    args: list[str],
    env: dict[str, str],
    port: int,
    log: Path,
    pids: list[int] | None = None,
) -> Iterator[str]:
    """The child's base URL once it answers /healthz; its pid is appended to `pids`."""
    with log.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=out)
        if pids is not None:
            pids.append(process.pid)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} did not become healthy in 60 s")
                time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@contextlib.contextmanager
def servers(database_url: str, folder: Path, workers: int = 1) -> Iterator[tuple[str, str, int]]:
    """(real base URL, plain base URL, the real server's pid: with `workers` > 1 the
    supervisor of its worker processes)."""
    real_port, plain_port = free_port(), free_port()
    env = dict(os.environ) | {
        "SHAREDFACTORY_DATABASE_URL": database_url,
        "SHAREDFACTORY_DATA_DIR": str(folder / "data"),
        "SHAREDFACTORY_SECRET_KEY": SECRET,
        "SHAREDFACTORY_HOST": "127.0.0.1",
        "SHAREDFACTORY_PORT": str(real_port),
        "PYTHONWARNINGS": "ignore",
        "SHAREDFACTORY_WEB_WORKERS": str(workers),
    }
    env.pop("SHAREDFACTORY_MQTT_URL", None)
    real_args = [sys.executable, "-m", "sharedfactory.cli", "serve"]
    plain_args = [sys.executable, "-m", "bench.booking.plain", str(plain_port)]
    pids: list[int] = []
    with (
        child_server(
            "sharedfactory serve", real_args, env, real_port, folder / "serve.log", pids
        ) as real,
        child_server("plain", plain_args, env, plain_port, folder / "plain.log") as plain,
    ):
        yield real, plain, pids[0]


# --- the database -----------------------------------------------------------------------------


def demo_monday() -> date:
    today = datetime.now(ZONE).date()
    return today - timedelta(days=today.weekday())


async def prepare(database_url: str) -> None:
    from sharedfactory.db.engine import use_database
    from sharedfactory.db.migrate import migrate
    from sharedfactory.demo.seed import seed

    engine = use_database(database_url)
    await migrate(engine)
    await seed(SECRET, demo_monday())


async def add_year_of_bookings(seed_value: int = 7) -> JSON:
    """About a year of bookings (half back, half ahead) on every machine of the bench house, in
    opening hours, about a quarter of each open day taken (the UMKMs in turn, so each stays under
    the house's weekly quota), never overlapping a holding booking."""
    from sharedfactory.bookings.tables import Booking
    from sharedfactory.businesses.tables import Business
    from sharedfactory.facilities.tables import Machine
    from sharedfactory.products.tables import ProductClass

    started = time.perf_counter()
    rng = random.Random(seed_value)
    machines = (
        await Machine.select(Machine._meta.primary_key, Machine.code)
        .where(Machine.house.code == HOUSE)
        .run()
    )
    businesses = (
        await Business.select(Business._meta.primary_key)
        .where(Business.cluster.code == CLUSTER)
        .output(as_list=True)
        .run()
    )
    halal = (
        await ProductClass.select(ProductClass._meta.primary_key)
        .where(ProductClass.code == "halal")
        .first()
    )
    assert halal is not None
    existing = await Booking.select(
        Booking.machine, Booking.starts_at, Booking.ends_at, Booking.released_at
    ).where(
        Booking.machine.is_in([m["id"] for m in machines]),
        Booking.status.is_in(["pending", "confirmed", "completed"]),
    )
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    rows: list[Booking] = []
    for machine in machines:
        held = [
            (b["starts_at"], b["released_at"] or b["ends_at"])
            for b in existing
            if b["machine"] == machine["id"]
        ]
        for offset in range(-182, 183):
            day = today + timedelta(days=offset)
            if day.weekday() == 6:
                continue
            closes = 12 * 60 if day.weekday() == 5 else 16 * 60
            minute = 8 * 60 + 30 * rng.randrange(0, 4)
            while True:
                length = 30 * rng.randrange(2, 7)
                if minute + length > closes:
                    break
                starts = datetime.combine(day, datetime.min.time(), ZONE) + timedelta(
                    minutes=minute
                )
                ends = starts + timedelta(minutes=length)
                if not any(a < ends and starts < b for a, b in held):
                    past = ends < now
                    status = (
                        "cancelled"
                        if rng.random() < 0.05
                        else ("completed" if past else "confirmed")
                    )
                    rows.append(
                        Booking(
                            code=f"by-{machine['code'][-8:]}-{len(rows)}",
                            machine=machine["id"],
                            business=businesses[len(rows) % len(businesses)],
                            product_class=halal["id"],
                            starts_at=starts,
                            ends_at=ends,
                            released_at=ends,
                            status=status,
                            quantity=Decimal("10"),
                            product="Pasta cabai",
                            created_at=starts - timedelta(days=rng.randrange(1, 30)),
                            price=length * 1000,
                        )
                    )
                minute += length + 30 * rng.randrange(6, 18)
    for first in range(0, len(rows), 500):
        await Booking.insert(*rows[first : first + 500]).run()
    total = await Booking.count()
    return {
        "inserted": len(rows),
        "bookings_in_database": total,
        "seconds": round(time.perf_counter() - started, 2),
    }


# --- load -------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    answers: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rate: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    extra: JSON = field(default_factory=dict)


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(name: str, seconds: float, latencies: list[float], statuses: Counter[int]) -> Phase:
    ms = [x * 1000 for x in latencies]
    return Phase(
        name=name,
        seconds=round(seconds, 2),
        answers=len(latencies),
        statuses={str(k): v for k, v in sorted(statuses.items())},
        rate=round(len(latencies) / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(ms, 50), 1),
        p95_ms=round(percentile(ms, 95), 1),
        p99_ms=round(percentile(ms, 99), 1),
    )


Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def _window(
    clients: list[httpx.AsyncClient], request: Request, window: float
) -> tuple[float, list[float], Counter[int]]:
    """Every client repeats `request` until the window ends; its last answers are waited for."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    stop = started + window

    async def loop(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            response = await request(client)
            latencies.append(time.perf_counter() - sent)
            statuses[response.status_code] += 1

    await asyncio.gather(*(loop(c) for c in clients))
    return time.perf_counter() - started, latencies, statuses


async def hammer(
    base: str, cookies: httpx.Cookies | None, request: Request, durations: Durations, name: str
) -> Phase:
    """CLIENTS clients repeat `request` back to back; warm-up first, then the measured window."""
    clients = [
        httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60) for _ in range(CLIENTS)
    ]
    try:
        await _window(clients, request, durations.warmup)  # drained before the clock starts
        seconds, latencies, statuses = await _window(clients, request, durations.measure)
        return summarise(name, seconds, latencies, statuses)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def log_in(base: str, who: str) -> httpx.Cookies:
    email, password = LOGINS[who]
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        response = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        response.raise_for_status()
        return client.cookies


async def plan_slots(
    base: str, admin: httpx.Cookies, wanted: int, business: str
) -> list[dict[str, Any]]:
    """At least `wanted` free 60-minute slots of the bench house's machines, none overlapping
    another, between tomorrow and 56 days ahead (one slots query per machine type and day, all
    before the clock starts). Days are visited a week apart first (day 1, 8, 15, ..., then 2, 9,
    ...) so the bookings spread over eight weeks and the UMKMs' weekly quota (20 h in Batu Bara)
    refuses as few as it would in a real house."""
    async with httpx.AsyncClient(base_url=base, cookies=admin, timeout=60) as client:
        machine_types = sorted(
            {m["type"] for m in (await client.get(f"/api/v1/houses/{HOUSE}/machines")).json()}
        )
        chosen: list[dict[str, Any]] = []
        today = datetime.now(ZONE).date()
        days = [today + timedelta(days=1 + d + 7 * w) for d in range(7) for w in range(8)]
        for first in range(0, len(days), 4):
            if len(chosen) >= wanted:
                break
            answers = await asyncio.gather(
                *(
                    client.get(
                        f"/api/v1/houses/{HOUSE}/slots",
                        params={
                            "machine_type": kind,
                            "minutes": BOOK_MINUTES,
                            "from": since.isoformat(),
                            "to": (since + timedelta(days=1)).isoformat(),
                            "business": business,
                        },
                    )
                    for kind in machine_types
                    for since in [
                        datetime.combine(day, datetime.min.time(), ZONE)
                        for day in days[first : first + 4]
                    ]
                )
            )
            busy_until: dict[str, datetime] = {}
            for answer in answers:
                answer.raise_for_status()
                for slot in answer.json():
                    starts = datetime.fromisoformat(slot["starts_at"])
                    if starts >= busy_until.get(slot["machine"], starts):
                        chosen.append(slot)
                        busy_until[slot["machine"]] = datetime.fromisoformat(slot["ends_at"])
    return chosen


async def booking_phase(
    base: str, admin: httpx.Cookies, businesses: list[str], durations: Durations
) -> Phase:
    rate_guess = 25 * durations.booking  # more slots than the clients can book in the window
    slots = await plan_slots(base, admin, int(rate_guess) + 20, businesses[0])
    random.Random(3).shuffle(slots)
    contended, distinct = slots[:20], slots[20:]
    own = [distinct[i :: CLIENTS - CONTENDERS] for i in range(CLIENTS - CONTENDERS)]
    latencies: dict[str, list[float]] = {"distinct": [], "contended": []}
    statuses: Counter[int] = Counter()
    won: Counter[str] = Counter()
    refused_rules: Counter[str] = Counter()
    clients = [httpx.AsyncClient(base_url=base, cookies=admin, timeout=60) for _ in range(CLIENTS)]
    started = time.perf_counter()
    stop = started + durations.booking

    async def loop(index: int, client: httpx.AsyncClient) -> None:
        kind = "contended" if index < CONTENDERS else "distinct"
        mine = contended if kind == "contended" else own[index - CONTENDERS]
        for n, slot in enumerate(mine):
            if time.perf_counter() >= stop:
                return
            body = {
                "machine": slot["machine"],
                "starts_at": slot["starts_at"],
                "minutes": BOOK_MINUTES,
                "product_class": "halal",
                "product": "Pasta cabai",
                "quantity": 10,
                "business": businesses[(index + n) % len(businesses)],
            }
            sent = time.perf_counter()
            response = await client.post("/api/v1/bookings", json=body)
            latencies[kind].append(time.perf_counter() - sent)
            statuses[response.status_code] += 1
            if response.status_code == 201:
                won[kind] += 1
            elif response.status_code == 409:
                refused_rules.update(e["key"] for e in response.json()["extra"])

    try:
        await asyncio.gather(*(loop(i, c) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    seconds = time.perf_counter() - started
    phase = summarise("booking", seconds, latencies["distinct"] + latencies["contended"], statuses)
    distinct_ms = [x * 1000 for x in latencies["distinct"]]
    contended_ms = [x * 1000 for x in latencies["contended"]]
    phase.extra = {
        "booked": sum(won.values()),
        "booked_per_s": round(sum(won.values()) / seconds, 1),
        "booked_distinct": won["distinct"],
        "booked_contended": won["contended"],
        "distinct_requests": len(distinct_ms),
        "contended_requests": len(contended_ms),
        "distinct_p95_ms": round(percentile(distinct_ms, 95), 1),
        "contended_p95_ms": round(percentile(contended_ms, 95), 1),
        "refused_rules": dict(refused_rules),
        "slots_planned": len(slots),
    }
    return phase


async def run_size(
    real: str, plain: str, durations: Durations, businesses: list[str]
) -> dict[str, JSON]:
    umkm, admin = await log_in(real, "umkm"), await log_in(real, "admin")
    probe = httpx.get(
        f"{real}/api/v1/houses/{HOUSE}/slots", params=SEARCH, cookies=umkm, timeout=30
    )
    probe.raise_for_status()
    say(f"  slot search answers {len(probe.json())} slots, {len(probe.content)} bytes")

    async def get_plain(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get("/plain")

    async def get_slots(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/api/v1/houses/{HOUSE}/slots", params=SEARCH)

    shuffle = random.Random(11)

    async def get_distinct(client: httpx.AsyncClient) -> httpx.Response:
        """A search nobody asked for this minute: another length and start every time."""
        since = datetime.now(UTC) + timedelta(minutes=shuffle.randint(0, 3 * 24 * 60))
        asked = SEARCH | {"minutes": shuffle.choice((60, 90, 120, 150)), "from": since.isoformat()}
        return await client.get(f"/api/v1/houses/{HOUSE}/slots", params=asked)

    say("  plain endpoint")
    plain_phase = await hammer(plain, None, get_plain, durations, "plain")
    say(f"    {plain_phase.rate} req/s, p95 {plain_phase.p95_ms} ms")
    say("  slot search")
    slots_phase = await hammer(real, umkm, get_slots, durations, "slots")
    slots_phase.extra = {"slots": len(probe.json()), "bytes": len(probe.content)}
    say(f"    {slots_phase.rate} req/s, p95 {slots_phase.p95_ms} ms")
    say("  slot search, a different search every time")
    distinct = await hammer(real, umkm, get_distinct, durations, "distinct")
    say(f"    {distinct.rate} req/s, p95 {distinct.p95_ms} ms")
    say("  booking")
    booking = await booking_phase(real, admin, businesses, durations)
    say(
        f"    {booking.extra['booked_per_s']} booked/s, p95 {booking.p95_ms} ms, {booking.statuses}"
    )
    return {
        "plain": asdict(plain_phase),
        "slots": asdict(slots_phase),
        "distinct": asdict(distinct),
        "booking": asdict(booking),
        "plain_bytes": len(httpx.get(f"{plain}/plain").content),
        "ratio_rate": round(slots_phase.rate / plain_phase.rate, 3),
        "ratio_p95": round(slots_phase.p95_ms / plain_phase.p95_ms, 2),
        "distinct_ratio_rate": round(distinct.rate / plain_phase.rate, 3),
        "distinct_ratio_p95": round(distinct.p95_ms / plain_phase.p95_ms, 2),
        "booking_ratio_rate": round(booking.extra["booked_per_s"] / plain_phase.rate, 3),
        "met": slots_phase.rate >= TARGET_RATIO * plain_phase.rate
        and slots_phase.p95_ms < TARGET_P95_MS,
    }


async def may_book(base: str, codes: list[str]) -> list[str]:
    """The UMKMs the house's rules let book a halal product at all (a valid halal certificate)."""
    admin = await log_in(base, "admin")
    since = datetime.combine(datetime.now(ZONE).date() + timedelta(days=1), datetime.min.time())
    async with httpx.AsyncClient(base_url=base, cookies=admin, timeout=60) as client:
        found = []
        for code in codes:
            answer = await client.get(
                f"/api/v1/houses/{HOUSE}/slots",
                params={
                    "machine_type": "chili_washer",
                    "minutes": BOOK_MINUTES,
                    "from": since.replace(tzinfo=ZONE).isoformat(),
                    "to": (since.replace(tzinfo=ZONE) + timedelta(days=7)).isoformat(),
                    "business": code,
                },
            )
            if answer.status_code == 200 and answer.json():
                found.append(code)
    if not found:
        raise RuntimeError(f"no UMKM of {HOUSE} may book a halal product there")
    return found


# --- profile ----------------------------------------------------------------------------------


async def profile_search(repeats: int = 30) -> JSON:
    """The slot handler's steps, in-process, timed one by one (warm: from the caches, as most
    searches; cold: every cache dropped first, as after a write), and cProfile's top functions."""
    from sharedfactory.accounts.service import (
        authenticate,
        forget_viewers,
        open_session,
        viewer_for,
    )
    from sharedfactory.bookings.api import now as api_now
    from sharedfactory.bookings.fresh import forget_cached_facts
    from sharedfactory.bookings.schemas import SlotOut
    from sharedfactory.bookings.search import Asked, search_facts
    from sharedfactory.bookings.slots import SlotQuery, free_slots

    token = await open_session(await authenticate(*LOGINS["umkm"]) or 0)
    steps: dict[str, list[float]] = {}

    def clock(name: str, started: float) -> None:
        steps.setdefault(name, []).append((time.perf_counter() - started) * 1000)

    async def once(label: str) -> int:
        moment = api_now()
        asked = Asked(
            HOUSE,
            SEARCH_TYPE,
            "ud-sambal-lado-tanjung",
            "halal",
            SEARCH_MINUTES,
            moment,
            moment + timedelta(days=7),
            moment,
        )
        t = time.perf_counter()
        await viewer_for(token)
        clock(f"{label}: session", t)
        t = time.perf_counter()
        facts = await search_facts(asked)
        clock(f"{label}: facts", t)
        t = time.perf_counter()
        query = SlotQuery(asked.minutes, asked.since, asked.until, facts.kind)
        found = free_slots(facts.machines, facts.business, query, moment)
        clock(f"{label}: free_slots (rules)", t)
        t = time.perf_counter()
        out = [SlotOut.of(s) for s in found]
        clock(f"{label}: SlotOut.of (labels)", t)
        return len(out)

    await once("warm")
    for _ in range(repeats):
        await once("warm")
    for _ in range(repeats):
        forget_cached_facts()
        forget_viewers()
        await once("cold")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        await once("profiled")
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    return {
        "repeats": repeats,
        "median_ms": {
            k: round(statistics.median(v), 2) for k, v in steps.items() if "profiled" not in k
        },
        "cprofile_top": text.getvalue(),
    }


# --- engines ----------------------------------------------------------------------------------


@contextlib.contextmanager
def database(engine: str, folder: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    from tests.support.postgres import throwaway_postgres

    with throwaway_postgres() as url:
        yield url


async def run_engine(engine: str, sizes: list[str], durations: Durations, profile: bool) -> JSON:
    result: JSON = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix=f"sf-bench-booking-{engine}-") as tmp:
        folder = Path(tmp)
        with database(engine, folder) as url:
            started = time.perf_counter()
            await prepare(url)
            result["seed_seconds"] = round(time.perf_counter() - started, 1)
            say(f"{engine}: demo seeded in {result['seed_seconds']} s")
            from sharedfactory.businesses.tables import Business

            businesses = (
                await Business.select(Business.code)
                .where(Business.cluster.code == CLUSTER)
                .order_by(Business.code)
                .output(as_list=True)
                .run()
            )
            with servers(url, folder) as (real, plain, _pid):
                businesses = await may_book(real, businesses)
                result["businesses"] = businesses
                for size in ("demo", "year"):
                    if size == "year":
                        result["year"] = await add_year_of_bookings()
                        say(f"{engine}: a year of bookings: {result['year']}")
                    if size not in sizes:
                        continue
                    say(f"{engine}, {size}-sized")
                    result["sizes"][size] = await run_size(real, plain, durations, businesses)
            if profile:
                say(f"{engine}: profiling the slot search in-process")
                result["profile"] = await profile_search()
    return result


# --- report -----------------------------------------------------------------------------------


def table(run: JSON) -> str:
    lines = [
        "| engine | data | plain req/s | plain p95 ms | slots req/s | slots p95 ms "
        "| slots/plain rate | slots/plain p95 | target met | distinct req/s | distinct p95 ms "
        "| distinct/plain rate | booked/s | booking p95 ms | 201 / 409 / other |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: "
        "| ---: | ---: | --- |",
    ]
    for engine, found in run["engines"].items():
        for size, r in found["sizes"].items():
            plain, slots, booking, distinct = r["plain"], r["slots"], r["booking"], r["distinct"]
            st = booking["statuses"]
            other = sum(v for k, v in st.items() if k not in ("201", "409"))
            lines.append(
                f"| {engine} | {size} | {plain['rate']:.0f} | {plain['p95_ms']:.0f} "
                f"| {slots['rate']:.0f} | {slots['p95_ms']:.0f} | {r['ratio_rate']:.2f} "
                f"| {r['ratio_p95']:.1f} | {'yes' if r['met'] else 'no'} "
                f"| {distinct['rate']:.0f} | {distinct['p95_ms']:.0f} "
                f"| {r['distinct_ratio_rate']:.2f} "
                f"| {booking['extra']['booked_per_s']:.1f} | {booking['p95_ms']:.0f} "
                f"| {st.get('201', 0)} / {st.get('409', 0)} / {other} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short phases (under 2 minutes)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sizes", default="demo,year")
    parser.add_argument("--profile", action="store_true", help="profile the slot search too")
    parser.add_argument("--json", type=Path, dest="json_out", default=RESULTS)
    args = parser.parse_args(argv)
    durations = QUICK if args.quick else FULL
    run: JSON = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "clients": CLIENTS,
        "contenders": CONTENDERS,
        "durations": asdict(durations),
        "search": SEARCH | {"house": HOUSE, "as": "umkm_siti"},
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "engines": {},
    }
    began = time.perf_counter()
    for engine in args.engines.split(","):
        run["engines"][engine] = asyncio.run(
            run_engine(engine, args.sizes.split(","), durations, args.profile)
        )
    run["seconds"] = round(time.perf_counter() - began, 1)
    run["load_after"] = os.getloadavg()[0]
    args.json_out.write_text(json.dumps(run, indent=2, default=str) + "\n")
    print(table(run))
    for engine, found in run["engines"].items():
        if "profile" in found:
            print(f"\n{engine}, slot search steps (median ms): {found['profile']['median_ms']}")
    say(f"done in {run['seconds']} s; figures in {args.json_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

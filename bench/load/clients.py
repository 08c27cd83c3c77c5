"""The simulated people of the load bench and what they measure.

- a UMKM (its own session) thinks, searches free slots for one of its machine types on a day
  soon (near days far more often: many search the same day and take its first slot, so they
  race for it on purpose), and books the first slot found; 409 (a lost race, a rule) is counted,
  not an error;
- an operator holds the live board's SSE stream open (every event: the age of each machine's
  data, from the `a_clock_s` value the machines publish) and polls the board page;
- probes: `/healthz` and a static file of the same server, `/plain` of the peer process, the
  yardsticks the routes' latencies are divided by.
"""

from __future__ import annotations

import asyncio
import functools
import random
import re
import ssl
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench.load.machines import DAY_MS
from bench.load.population import Operator, Umkm
from bench.telemetry.run import percentile

ZONE = ZoneInfo("Asia/Jakarta")
SESSION_COOKIE = "sf_session"
BOOK_MINUTES = 60
SEARCH_DAYS = 2
PROBE_EVERY_S = 0.5
CARD = re.compile(r'data-machine="([^"]+)".*?a clock ([0-9.]+,[0-9]) s', re.S)  # one card
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
WINDOW_S = 30


@dataclass
class Route:
    started: float  # the run's start, which the windows count from
    statuses: Counter[str] = field(default_factory=Counter)
    windows: dict[int, list[float]] = field(default_factory=dict)  # by when the request was sent

    def took(self, sent: float) -> None:
        latency_ms = (time.perf_counter() - sent) * 1000
        self.windows.setdefault(int((sent - self.started) // WINDOW_S), []).append(latency_ms)

    def figures(self) -> dict[str, Any]:
        count = sum(self.statuses.values())
        errors = sum(v for k, v in self.statuses.items() if k[0] in "5t")  # 5xx, transport
        latencies_ms = [ms for window in self.windows.values() for ms in window]
        return {
            "count": count,
            "errors": errors,
            "error_rate": errors / count if count else 0.0,
            "statuses": dict(sorted(self.statuses.items())),
            "p50_ms": percentile(latencies_ms, 0.50),
            "p95_ms": percentile(latencies_ms, 0.95),
            "p99_ms": percentile(latencies_ms, 0.99),
            "p95_ms_by_window": [
                (k * WINDOW_S, percentile(v, 0.95)) for k, v in sorted(self.windows.items())
            ],
        }


@dataclass
class Measures:
    routes: dict[str, Route] = field(default_factory=dict)
    board_lag_ms: list[float] = field(default_factory=list)
    board_events: int = 0
    refusals: Counter[str] = field(default_factory=Counter)
    no_slot: int = 0
    started: float = field(default_factory=time.perf_counter)

    def route(self, name: str) -> Route:
        return self.routes.setdefault(name, Route(started=self.started))

    async def call(self, route: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
        found = self.route(route)
        sent = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as error:
            found.statuses[f"transport:{type(error).__name__}"] += 1
            return None
        found.took(sent)
        found.statuses[str(response.status_code)] += 1
        return response


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def client(base: str, token: str | None = None) -> httpx.AsyncClient:
    """One TLS context for all (never used on loopback's plain HTTP): httpx builds a new one per
    client otherwise, 34 ms of CPU each, which stalled the generator's loop for 8 s at the start
    of a run while the first requests' clocks ran."""
    cookies = {SESSION_COOKIE: token} if token else None
    return httpx.AsyncClient(base_url=base, cookies=cookies, timeout=TIMEOUT, verify=_tls())


def search_day(rng: random.Random, today: date) -> date:
    """Tomorrow most often, rarely beyond a few weeks (within the houses' 60 days ahead)."""
    return today + timedelta(days=1 + min(int(rng.expovariate(1 / 4)), 50))


async def umkm(
    who: Umkm, base: str, measures: Measures, stop: float, think_s: float, seed: int
) -> None:
    rng = random.Random(seed)
    today = datetime.now(ZONE).date()
    async with client(base, who.token) as http:
        await asyncio.sleep(rng.uniform(0, think_s))
        while time.monotonic() < stop:
            since = datetime.combine(search_day(rng, today), datetime.min.time(), ZONE)
            params: dict[str, str | int] = {
                "machine_type": rng.choice(who.machine_types),
                "minutes": BOOK_MINUTES,
                "product_class": who.product_class,
                "from": since.isoformat(),
                "to": (since + timedelta(days=SEARCH_DAYS)).isoformat(),
            }
            path = f"/api/v1/houses/{who.house}/slots"
            found = await measures.call("GET slots", http.get(path, params=params))
            slots = found.json() if found is not None and found.status_code == 200 else []
            if slots and time.monotonic() < stop:
                await asyncio.sleep(rng.uniform(0.2, 1.0))  # reads the list, picks the first
                await _book(who, slots[0], http, measures)
            elif found is not None and found.status_code == 200:
                measures.no_slot += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)


async def _book(
    who: Umkm, slot: dict[str, Any], http: httpx.AsyncClient, measures: Measures
) -> None:
    body = {
        "machine": slot["machine"],
        "starts_at": slot["starts_at"],
        "minutes": BOOK_MINUTES,
        "product_class": who.product_class,
        "product": who.product,
        "quantity": 10,
    }
    answer = await measures.call("POST bookings", http.post("/api/v1/bookings", json=body))
    if answer is not None and answer.status_code == 409:
        measures.refusals.update(e.get("key", "?") for e in answer.json().get("extra", []))


async def operator(
    who: Operator, base: str, measures: Measures, stop: float, poll_s: float, seed: int
) -> None:
    rng = random.Random(seed)
    async with client(base, who.token) as http:
        await asyncio.sleep(rng.uniform(0, poll_s))
        stream = asyncio.create_task(_stream(who, http, measures, stop))
        try:
            while time.monotonic() < stop:
                page = f"/houses/{who.house}/live/"
                await measures.call("GET live page", http.get(page))
                await asyncio.sleep(rng.uniform(0.8, 1.2) * poll_s)
        finally:
            stream.cancel()
            await asyncio.gather(stream, return_exceptions=True)


async def _stream(who: Operator, http: httpx.AsyncClient, measures: Measures, stop: float) -> None:
    """The SSE stream, reopened if it ends; its latency is the time to the first event."""
    route = measures.route("GET live stream, first event")
    while time.monotonic() < stop:
        sent = time.perf_counter()
        seen: dict[str, str] = {}
        try:
            async with http.stream("GET", f"/houses/{who.house}/live/stream") as answer:
                route.statuses[str(answer.status_code)] += 1
                first = True
                data: list[str] = []
                async for line in answer.aiter_lines():
                    if line.startswith("data:"):
                        data.append(line[5:].removeprefix(" "))
                    elif not line and data:
                        if first:
                            route.took(sent)
                            first = False
                        _board_event("\n".join(data), seen, measures)
                        data = []
        except httpx.HTTPError as error:
            route.statuses[f"transport:{type(error).__name__}"] += 1
            await asyncio.sleep(1)


def _board_event(html: str, seen: dict[str, str], measures: Measures) -> None:
    """The age of each machine's data that changed since the stream's previous event."""
    arrived_s = (time.time() * 1000 % DAY_MS) / 1000
    measures.board_events += 1
    for card in html.split("<article")[1:]:
        found = CARD.search(card)
        if found is None:
            continue
        machine, shown = found.groups()
        if seen.get(machine) == shown:
            continue
        seen[machine] = shown
        published_s = float(shown.replace(".", "").replace(",", "."))
        # across midnight; and the card's clock is rounded to 0.1 s, so it may read a little
        # after the arrival: a small negative lag, not one of nearly a day
        lag_s = (arrived_s - published_s + 43_200) % 86_400 - 43_200
        measures.board_lag_ms.append(lag_s * 1000)


async def probe(base: str, path: str, route: str, measures: Measures, stop: float) -> None:
    async with client(base) as http:
        while time.monotonic() < stop:
            await measures.call(route, http.get(path))
            await asyncio.sleep(PROBE_EVERY_S)

"""Never twice: one machine, one time, one booking, however many ask at once.

Fifty truly concurrent POSTs through the HTTP API (one event loop, `asyncio.gather`, the app
behind httpx's ASGITransport) for the same slot: one is booked, forty-nine are refused with the
rule `taken`. Fifty concurrent POSTs for fifty different slots of one machine: all are booked (the
lock serialises, it does not refuse). And a writer that skips the service (a plain Piccolo insert)
is refused by the database itself: the `booking_never_twice` exclusion constraint on PostgreSQL,
the `booking_never_twice_*` triggers on SQLite.

Everything happens in the demo week + 3 weeks, on the Batu Bara house's machines, so the other
booking tests (weeks +1, +2, +4, +5, +6) never meet these bookings.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from sharedfactory.bookings.guard import is_double_booking
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import Machine
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday, log_in

pytestmark = [
    pytest.mark.timeout(60),
]

HOUSE = "batu-bara"
ZONE = ZoneInfo("Asia/Jakarta")
BUSINESS = "ud-sambal-lado-tanjung"  # umkm_siti's UMKM
WEEK = booking_monday(3)  # the demo week + 3, moved on past today once it is behind us
CLIENTS = 50


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day_offset), time(hour, minute), ZONE)


@asynccontextmanager
async def logged_in(app: Litestar, who: str) -> AsyncIterator[httpx.AsyncClient]:
    """The conftest's app (connection_pool=False: a PostgreSQL connection per query, so no
    lifespan is needed) behind httpx's ASGITransport, logged in, asking for English messages."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"accept-language": "en"}
    ) as client:
        await log_in(client, who)
        yield client


@pytest.fixture
async def api(app: Litestar, engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    async with logged_in(app, "umkm_siti") as client:
        yield client


@pytest.fixture
async def admin_api(app: Litestar, engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    async with logged_in(app, "admin") as client:
        yield client


async def free_slots(
    api: httpx.AsyncClient,
    machine_type: str,
    minutes: int,
    since: datetime,
    until: datetime,
    business: str | None = None,
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {
        "machine_type": machine_type,
        "minutes": minutes,
        "from": since.isoformat(),
        "to": until.isoformat(),
    }
    if business is not None:  # staff search for the UMKM they book for
        params["business"] = business
    response = await api.get(f"/api/v1/houses/{HOUSE}/slots", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def booking_body(slot: dict[str, Any], minutes: int) -> dict[str, Any]:
    return {
        "machine": slot["machine"],
        "starts_at": slot["starts_at"],
        "minutes": minutes,
        "product_class": "halal",
        "product": "Sambal lado",
        "quantity": 5,
    }


async def holding(machine: str, starts: datetime, ends: datetime) -> list[dict[str, Any]]:
    """The bookings that hold `machine` anywhere in [starts, ends)."""
    return await (
        Booking.select(Booking.code, Booking.starts_at, Booking.ends_at)
        .where(
            Booking.machine.code == machine,
            Booking.status.is_in(list(HOLDING_STATUSES)),
            Booking.starts_at < ends,
            Booking.ends_at > starts,
        )
        .run()
    )


async def pk(table: Any, code: str) -> int:
    row = await table.select(table._meta.primary_key).where(table.code == code).first().run()
    assert row is not None, code
    return row["id"]


async def test_fifty_at_once_for_one_slot_books_it_once(api: httpx.AsyncClient) -> None:
    slots = await free_slots(api, "chili_washer", 60, local(0, 8), local(0, 16))
    assert slots, "the washer is free on the Monday of the demo week + 3"
    slot = slots[0]
    starts = datetime.fromisoformat(slot["starts_at"])
    body = booking_body(slot, 60)

    answers = await asyncio.gather(*(api.post("/api/v1/bookings", json=body) for _ in range(50)))

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 1, 409: CLIENTS - 1}, [a.text for a in answers if a.status_code >= 500]
    won = next(a.json() for a in answers if a.status_code == 201)
    assert (won["machine"], won["status"]) == (slot["machine"], "confirmed")
    for answer in answers:
        if answer.status_code != 409:
            continue
        refused = answer.json()
        assert refused["status_code"] == 409
        assert [e["key"] for e in refused["extra"]] == ["taken"], refused
        assert refused["detail"] == "the machine is already booked then", refused
        # the nearest good slots are offered instead, none of them the taken one
        assert all(alt["starts_at"] != slot["starts_at"] for alt in refused["alternatives"])
    held = await holding(slot["machine"], starts, starts + timedelta(minutes=60))
    assert [b["code"] for b in held] == [won["code"]]


async def test_fifty_at_once_for_fifty_slots_books_them_all(admin_api: httpx.AsyncClient) -> None:
    """Booked by the admin for the house's UMKMs in turn: 25 hours would be over one UMKM's
    weekly share of Batu Bara (20 hours). Only UMKMs the rules let book there at all take part
    (a halal product needs a valid halal certificate)."""
    api = admin_api
    codes = await (
        Business.select(Business.code)
        .where(Business.cluster.code == "cabai-batu-bara")
        .order_by(Business.code)
        .output(as_list=True)
        .run()
    )
    since, until = local(0, 8), local(7, 0)
    businesses = [
        code for code in codes if await free_slots(api, "chili_grinder", 30, since, until, code)
    ]
    assert len(businesses) >= 2, (codes, businesses)
    slots = await free_slots(api, "chili_grinder", 30, since, until, businesses[0])
    assert len(slots) == CLIENTS, "fifty half-hour slots of the grinder in the demo week + 3"
    machines = {s["machine"] for s in slots}
    assert len(machines) == 1, machines
    starts = sorted(datetime.fromisoformat(s["starts_at"]) for s in slots)
    # back to back on the 30-minute grid, so none of them overlaps another
    assert all(b - a >= timedelta(minutes=30) for a, b in pairwise(starts))

    answers = await asyncio.gather(
        *(
            api.post(
                "/api/v1/bookings",
                json=booking_body(s, 30) | {"business": businesses[i % len(businesses)]},
            )
            for i, s in enumerate(slots)
        )
    )

    refused = [a.json() for a in answers if a.status_code != 201]
    assert not refused, refused[:3]
    codes = {a.json()["code"] for a in answers}
    held = await holding(machines.pop(), starts[0], starts[-1] + timedelta(minutes=30))
    assert {b["code"] for b in held} == codes
    assert len(codes) == CLIENTS


async def test_the_database_refuses_an_overlap_that_skips_the_service() -> None:
    """A writer that skips `book()` (no lock, no rules) still cannot double-book a machine."""
    machine = await pk(Machine, "batu-bara-retort-1")
    business = await pk(Business, BUSINESS)
    halal = await pk(ProductClass, "halal")

    def row(code: str, starts: datetime, minutes: int, status: str = "confirmed") -> Booking:
        ends = starts + timedelta(minutes=minutes)
        return Booking(
            code=code,
            machine=machine,
            business=business,
            product_class=halal,
            starts_at=starts,
            ends_at=ends,
            released_at=ends,
            status=status,
            quantity=Decimal("5"),
            product="Sambal lado",
        )

    first = local(1, 9)
    assert not await holding("batu-bara-retort-1", first, first + timedelta(hours=2))
    await Booking.insert(row("nt-direct-first", first, 60)).run()

    for code, starts, minutes in (
        ("nt-direct-same", first, 60),
        ("nt-direct-inside", first + timedelta(minutes=15), 30),
        ("nt-direct-around", first - timedelta(minutes=30), 120),
        ("nt-direct-tail", first + timedelta(minutes=59), 30),
    ):
        with pytest.raises(Exception) as refused:  # noqa: PT011 - the engine's own error type
            await Booking.insert(row(code, starts, minutes)).run()
        assert is_double_booking(refused.value), repr(refused.value)

    # touching is not overlapping, and a cancelled booking holds nothing
    await Booking.insert(row("nt-direct-next", first + timedelta(minutes=60), 30)).run()
    await Booking.insert(row("nt-direct-cancelled", first, 60, status="cancelled")).run()
    held = await holding(
        "batu-bara-retort-1", first - timedelta(hours=1), first + timedelta(hours=3)
    )
    assert sorted(b["code"] for b in held) == ["nt-direct-first", "nt-direct-next"]

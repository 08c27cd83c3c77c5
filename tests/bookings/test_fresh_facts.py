"""What a booking leaves in the slot search's caches (`bookings.fresh`): a booking drops only the
moving facts, so a burst of bookings does not make every search reload the house; a pork booking
also drops the settled ones, since it changes the machine's halal standing, and the very next
cached search already refuses a halal product there.

The Minahasa Selatan grater in the demo week + 5 (no other test books that house's machines), by
the house's pork UMKM, with the grater made `shared` for the test; the booking is removed and the
grater made halal-only again afterwards, for the rest of the session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from piccolo.engine.base import Engine

from sharedfactory.bookings import house_facts
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.load import machine_facts
from sharedfactory.bookings.service import BookingRefused, NewBooking, book
from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities.tables import Machine
from tests.conftest import booking_monday

HOUSE, MACHINE = "minahasa-selatan", "minahasa-selatan-grater-1"
PORK_UMKM = "abon-babi-tante-nona"
ZONE = ZoneInfo("Asia/Makassar")


def at(day: int, hour: int) -> datetime:
    return datetime.combine(booking_monday(5) + timedelta(days=day), time(hour), ZONE)


def wish(product_class: str, day: int, business: str) -> NewBooking:
    return NewBooking(
        business=business,
        machine=MACHINE,
        starts=at(day, 9),
        ends=at(day, 10),
        product_class=product_class,
        product="Abon" if product_class == "pork" else "Kelapa parut",
        quantity=Decimal(5),
    )


async def cached_grater(now: datetime) -> bool:
    """The grater's `ran_pork` as the slot search sees it (through the caches)."""
    found = await machine_facts(at(0, 0), at(5, 0), now, house=HOUSE, cached=True)
    return next(m for m in found if m.code == MACHINE).ran_pork


@pytest.fixture
async def made(engine: Engine) -> AsyncIterator[list[str]]:
    status = Machine.update({Machine.halal_status: "shared"}).where(Machine.code == MACHINE)
    await status.run()
    codes: list[str] = []
    try:
        yield codes
    finally:
        await Booking.delete().where(Booking.code.is_in(codes or ["-"])).run()
        await Machine.update({Machine.halal_status: "halal_dedicated"}).where(
            Machine.code == MACHINE
        )
        forget_cached_facts()


async def settled_entries() -> int:
    return len(house_facts._static._items)


async def test_a_booking_without_pork_keeps_the_settled_facts(made: list[str]) -> None:
    now = datetime.now(UTC)
    forget_cached_facts()
    assert await cached_grater(now) is False
    assert await settled_entries() > 0
    made.append(await book(wish("non-halal", 0, PORK_UMKM), now))
    assert await settled_entries() > 0  # the machines, rules and hours were not dropped


async def test_a_pork_booking_is_seen_by_the_next_cached_search(made: list[str]) -> None:
    now = datetime.now(UTC)
    forget_cached_facts()
    assert await cached_grater(now) is False
    made.append(await book(wish("pork", 1, PORK_UMKM), now))
    assert await settled_entries() == 0
    assert await cached_grater(now) is True
    with pytest.raises(BookingRefused) as refused:
        await book(wish("halal", 2, "vco-nyiur-amurang"), now)
    assert "halal_segregation" in {r.rule for r in refused.value.refusals}

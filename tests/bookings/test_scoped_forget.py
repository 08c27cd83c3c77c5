"""A booking drops from the slot search's caches only what it touched (`fresh.facts_tags`): the
searches of its house's machines of that type, and its UMKM's searches at that house (its quota
counts the new booking whatever the type). A search of another house stays kept.

The Minahasa Selatan grater in the demo week + 5, at 11.00-12.00 WITA (`test_fresh_facts` books it
at 09.00-10.00 and removes its bookings)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from piccolo.engine.base import Engine

from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.search import Asked, search_facts
from sharedfactory.bookings.service import NewBooking, book
from sharedfactory.bookings.tables import Booking
from tests.conftest import booking_monday

HOUSE, MACHINE, UMKM = "minahasa-selatan", "minahasa-selatan-grater-1", "minyak-kelapa-tumpaan"
ZONE = ZoneInfo("Asia/Makassar")


def at(day: int, hour: int) -> datetime:
    return datetime.combine(booking_monday(5) + timedelta(days=day), time(hour), ZONE)


def asked(house: str, machine_type: str, business: str | None, now: datetime) -> Asked:
    return Asked(house, machine_type, business, "halal", 60, at(0, 0), at(5, 0), now)


async def test_a_booking_drops_only_the_searches_it_touched(engine: Engine) -> None:
    now = datetime.now(UTC)
    forget_cached_facts()
    elsewhere = await search_facts(asked("batu-bara", "cooking_kettle", UMKM, now))
    same_type = await search_facts(asked(HOUSE, "coconut_grater", None, now))
    own_other_type = await search_facts(asked(HOUSE, "coconut_press", UMKM, now))
    assert await search_facts(asked(HOUSE, "coconut_grater", None, now)) is same_type
    new = NewBooking(UMKM, MACHINE, at(0, 11), at(0, 12), "halal", "Minyak kelapa", Decimal(5))
    code = await book(new, now)
    try:
        assert await search_facts(asked("batu-bara", "cooking_kettle", UMKM, now)) is elsewhere
        grater = (await search_facts(asked(HOUSE, "coconut_grater", None, now))).machines
        assert code in {taken.code for machine in grater for taken in machine.taken}
        own = await search_facts(asked(HOUSE, "coconut_press", UMKM, now))
        assert own is not own_other_type
        assert code in {span.code for span in own.business.booked}
    finally:
        await Booking.delete().where(Booking.code == code).run()
        forget_cached_facts()

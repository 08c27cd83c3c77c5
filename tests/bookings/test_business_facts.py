"""A UMKM's own bookings for its weekly quota (`load.business_facts`): those that hold their
machine, in the asked house, within a week either side of the searched window; not another
house's, not a cancelled one, not one beyond the week."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from piccolo.engine.base import Engine

from sharedfactory.bookings.load import business_facts
from sharedfactory.bookings.tables import Booking
from tests.conftest import booking_monday
from tests.factories import insert_bookings

HOUSE, UMKM = "minahasa-selatan", "minyak-kelapa-tumpaan"
GRATER, KETTLE = "minahasa-selatan-grater-1", "batu-bara-kettle-1"
ZONE = ZoneInfo("Asia/Makassar")


def at(day: int, hour: int) -> datetime:
    return datetime.combine(booking_monday(7) + timedelta(days=day), time(hour), ZONE)


async def test_the_quota_counts_the_umkm_s_holding_bookings_of_the_house_around_the_window(
    engine: Engine,
) -> None:
    lines = [
        ("bf-in-window", GRATER, at(1, 9), 2, "confirmed"),
        ("bf-week-before", GRATER, at(-6, 9), 1, "completed"),  # ends within the week before
        ("bf-pending", GRATER, at(3, 13), 1, "pending"),
        ("bf-cancelled", GRATER, at(2, 9), 1, "cancelled"),
        ("bf-other-house", KETTLE, at(1, 9), 1, "confirmed"),
        ("bf-too-late", GRATER, at(20, 9), 1, "confirmed"),  # past the week after
    ]
    await insert_bookings(UMKM, lines)
    try:
        facts = await business_facts(UMKM, HOUSE, at(0, 0), at(5, 0))
        assert [span.code for span in facts.booked] == [
            "bf-week-before",
            "bf-in-window",
            "bf-pending",
        ]
        assert (facts.booked[1].starts, facts.booked[1].ends) == (at(1, 9), at(1, 11))
    finally:
        await Booking.delete().where(Booking.code.is_in([line[0] for line in lines])).run()

"""What a booking leaves in the slot search's caches (`bookings.fresh`): a booking drops only the
moving facts, so a burst of bookings does not make every search reload the house; a pork booking
also drops the settled ones, since it changes the machine's halal standing, and the very next
cached search already refuses a halal product there.

And what a booking itself reuses (`bookings.stamped`): every change to a settled table raises the
database's facts stamp, whoever makes it, and a rule changed behind every cache's back (plain
SQL) holds for the very next booking.

The Minahasa Selatan grater in the demo week + 5 (no other test books that house's machines), by
the house's pork UMKM, with the grater made `shared` for the test; the booking is removed and the
grater made halal-only again afterwards, for the rest of the session.
"""

from __future__ import annotations

import asyncio
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
from sharedfactory.bookings.stamped import RECENT_S, current_stamp
from sharedfactory.bookings.tables import Booking
from sharedfactory.db.migrations import sharedfactory_2026_11_23t14_30_00_000000 as migration
from sharedfactory.facilities.tables import House, Machine
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
    """The search's cached pork standings (the settled facts themselves are kept by stamp)."""
    return len(house_facts._pork._items)


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


async def test_a_rule_changed_by_another_writer_reaches_the_search_within_a_second() -> None:
    """The search keeps the settled facts while the stamp it read at most a second ago holds."""
    rule = "UPDATE booking_rules SET min_duration_minutes = {} WHERE house = {} AND machine IS NULL"
    house = await House.select(House.id).where(House.code == HOUSE).first()
    assert house is not None

    async def searched_minimum() -> int:
        found = await machine_facts(at(0, 0), at(5, 0), datetime.now(UTC), house=HOUSE, cached=True)
        return found[0].rules.min_duration_minutes

    forget_cached_facts()
    assert await searched_minimum() == 30
    await Booking.raw(rule, 120, house["id"]).run()  # as another process would: no cache told
    try:
        await asyncio.sleep(RECENT_S + 0.1)
        assert await searched_minimum() == 120
    finally:
        await Booking.raw(rule, 30, house["id"]).run()
        forget_cached_facts()
    assert await searched_minimum() == 30


SETTLED = migration.SETTLED


@pytest.mark.parametrize("table", SETTLED)
async def test_every_change_to_a_settled_table_raises_the_stamp(engine: Engine, table: str) -> None:
    """Whoever writes (here plain SQL, as another process would), the stamp moves."""
    rows = await Booking.raw(f"SELECT count(*) AS n FROM {table}").run()
    assert rows[0]["n"] > 0, f"the demo has no {table} row to change"
    before = await current_stamp()
    await Booking.raw(f"UPDATE {table} SET id = id WHERE id = (SELECT max(id) FROM {table})").run()
    assert await current_stamp() > before


async def test_a_rule_changed_behind_the_caches_is_seen_by_the_next_booking(
    made: list[str],
) -> None:
    """The house's minimum duration raised to 2 hours by plain SQL, no cache told: the next
    one-hour booking is refused for it (the stamp moved), and booked again once it is back."""
    now = datetime.now(UTC)
    made.append(await book(wish("non-halal", 0, PORK_UMKM), now))  # the facts are now kept
    rule = "UPDATE booking_rules SET min_duration_minutes = {} WHERE house = {} AND machine IS NULL"
    house = await House.select(House.id).where(House.code == HOUSE).first()
    assert house is not None
    await Booking.raw(rule, 120, house["id"]).run()
    try:
        with pytest.raises(BookingRefused) as refused:
            await book(wish("non-halal", 1, PORK_UMKM), now)
        assert "min_duration" in {r.rule for r in refused.value.refusals}
    finally:
        await Booking.raw(rule, 30, house["id"]).run()
    made.append(await book(wish("non-halal", 1, PORK_UMKM), now))

"""The live bookings a house's calendar now refuses, and the nearest places each could move to.

After a change of opening hours, shifts, certifications, holidays or maintenance, a booking that
was made under the old calendar may no longer hold its own slot. That is decided by the booking
rules themselves (`rules.calendar_rules`: holiday, opening hours, a certified operator on shift,
maintenance) on fresh facts, with the booking ignoring itself, as a move of it would be checked.
The other rules (notice, advance, quota, permits) did not change with the calendar and are left to
the move itself (`changes.move`), which checks them all.

Each refused booking is offered up to 3 free slots on machines of the same type from the slot
search, nearest to its old start first (the booking's own time freed, as a move sees it). Only the
first `OFFERED` bookings get offers, so a change that falls on a whole month stays quick; the rest
get theirs once the first are moved. Nothing is moved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sharedfactory.bookings.facts import BusinessFacts, ProductKind, Wish
from sharedfactory.bookings.load import UnknownCode, machine_facts
from sharedfactory.bookings.rules import Refusal, calendar_rules
from sharedfactory.bookings.search import Asked, NoMachines, search_facts
from sharedfactory.bookings.slots import Slot, nearest_slots
from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities.house_calendar import LIVE_STATUSES, Conflict, HouseRef
from sharedfactory.i18n.formats import period

OFFERED = 20
OFFERS_EACH = 3
COLUMNS = (
    Booking.code.as_alias("booking"),
    Booking.machine.code.as_alias("machine"),
    Booking.machine._.machine_type._.code.as_alias("machine_type"),
    Booking.machine._.house._.code.as_alias("house"),
    Booking.machine._.house._.timezone.as_alias("zone"),
    Booking.business.code.as_alias("business"),
    Booking.business.name.as_alias("business_name"),
    Booking.product_class.code.as_alias("class_code"),
    Booking.product_class.halal.as_alias("halal"),
    Booking.product_class.contains_pork.as_alias("pork"),
    Booking.product,
    Booking.starts_at,
    Booking.ends_at,
    Booking.status,
)


@dataclass(frozen=True)
class Refused:
    """A live booking and why the calendar refuses it now."""

    conflict: Conflict
    reasons: tuple[Refusal, ...]


@dataclass(frozen=True)
class Offered:
    """A booking to move (refused, or falling on a new holiday or window) and where it could go."""

    conflict: Conflict
    reasons: tuple[Refusal, ...]
    slots: tuple[Slot, ...]

    @staticmethod
    def when(slot: Slot) -> str:
        """`2027-02-03 09.00–11.00 WITA`."""
        return period(slot.starts, slot.ends, slot.zone)


def _conflict(row: dict[str, Any]) -> Conflict:
    names = ("booking", "machine", "business", "business_name", "status", "zone")
    return Conflict(row["starts_at"], row["ends_at"], **{name: row[name] for name in names})


def _wish(row: dict[str, Any]) -> Wish:
    kind = ProductKind(row["class_code"], row["halal"], row["pork"])
    return Wish(
        row["machine"],
        row["starts_at"],
        row["ends_at"],
        kind,
        row["product"],
        ignore=row["booking"],
    )


async def refused_bookings(house: HouseRef, now: datetime) -> list[Refused]:
    """The house's live bookings still to start that the calendar rules refuse now, by start."""
    rows = (
        await Booking.select(*COLUMNS)
        .where(
            Booking.machine._.house == house.pk,
            Booking.status.is_in(list(LIVE_STATUSES)),
            Booking.starts_at > now,
        )
        .order_by(Booking.starts_at)
        .run()
    )
    if not rows:
        return []
    until = max(row["ends_at"] for row in rows)
    machines = {m.code: m for m in await machine_facts(now, until, now, house=house.code)}
    found = []
    for row in rows:
        reasons = calendar_rules(_wish(row), machines[row["machine"]], BusinessFacts.anyone(), now)
        if refusals := tuple(reasons):
            found.append(Refused(_conflict(row), refusals))
    return found


async def offers(booking: str, now: datetime, limit: int = OFFERS_EACH) -> list[Slot]:
    """The free slots nearest the booking's start on machines of its type, as a move of it
    would see them (its own time free, its own hours not counted in the UMKM's quota)."""
    row = await Booking.select(*COLUMNS).where(Booking.code == booking).first().run()
    if row is None:
        return []
    asked = Asked(
        house=row["house"],
        machine_type=row["machine_type"],
        business=row["business"],
        product_class=row["class_code"],
        minutes=int((row["ends_at"] - row["starts_at"]) / timedelta(minutes=1)),
        since=max(now, row["starts_at"] - timedelta(days=7)),
        until=row["starts_at"] + timedelta(days=14),
        now=now,
        product=row["product"],
    )
    try:
        facts = await search_facts(asked)
    except (NoMachines, UnknownCode):
        return []
    machines = [
        replace(m, taken=tuple(t for t in m.taken if t.code != booking)) for m in facts.machines
    ]
    own = tuple(span for span in facts.business.booked if span.code != booking)
    business = replace(facts.business, booked=own)
    return nearest_slots(machines, business, _wish(row), now, limit)


async def with_offers(
    found: Sequence[Refused | Conflict], now: datetime, offered: int = OFFERED
) -> list[Offered]:
    """Each booking with its offers (the first `offered` ones; the others with none yet)."""
    result = []
    for index, item in enumerate(found):
        refused = item if isinstance(item, Refused) else Refused(item, ())
        booking = refused.conflict.booking
        slots = await offers(booking, now) if index < offered else []
        result.append(Offered(refused.conflict, refused.reasons, tuple(slots)))
    return result

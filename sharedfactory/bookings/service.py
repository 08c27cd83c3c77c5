"""Booking a slot: check every house rule under the machine's write lock, then insert.

Inside the lock the settled facts come as of the database's facts stamp (`stamped`), the
bookings, maintenance and holds fresh.

A refusal names its rules and offers the nearest slots where every rule holds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.audit import events as audit
from sharedfactory.bookings.facts import MachineFacts, Wish
from sharedfactory.bookings.fresh import facts_tags
from sharedfactory.bookings.guard import is_double_booking, writing
from sharedfactory.bookings.load import UnknownCode, business_facts, machine_facts, product_kind
from sharedfactory.bookings.rules import Refusal, price, refusals
from sharedfactory.bookings.slots import NEAREST, Slot, nearest_slots, nearest_window
from sharedfactory.bookings.stamped import current_stamp
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.db.raw import fetch, is_in, name
from sharedfactory.facilities.tables import House, Machine, MachineType
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.i18n.formats import clock, long_date
from sharedfactory.notices.service import notify_business
from sharedfactory.products.tables import ProductClass


@dataclass(frozen=True)
class NewBooking:
    business: str
    machine: str
    starts: datetime
    ends: datetime
    product_class: str
    product: str
    quantity: Decimal
    process: str = "ambient"
    note: str = ""
    series: str | None = None
    request: int | None = None


class BookingRefused(Exception):
    def __init__(self, found: list[Refusal], alternatives: list[Slot]) -> None:
        super().__init__("; ".join(r.render() for r in found))
        self.refusals = found
        self.alternatives = alternatives


TAKEN = Refusal("taken", "the machine is already booked then")


def new_code(prefix: str = "bk") -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


@dataclass(frozen=True)
class _Keys:
    machine: int
    business: int
    product_class: int
    house: str
    machine_type: str


_KEYS_SQL = (
    f"SELECT m.id AS machine, h.code AS house, t.code AS machine_type,"
    f" (SELECT id FROM {name(Business)} WHERE code = {{}}) AS business,"
    f" (SELECT id FROM {name(ProductClass)} WHERE code = {{}}) AS product_class"
    f" FROM (SELECT 1) AS one LEFT JOIN {name(Machine)} AS m ON m.code = {{}}"
    f" LEFT JOIN {name(House)} AS h ON h.id = m.house"
    f" LEFT JOIN {name(MachineType)} AS t ON t.id = m.machine_type"
)


async def _keys(new: NewBooking) -> _Keys:
    """The rows' keys and the machine's house and type in one read: a booking's first, taken
    outside the lock."""
    row = (await fetch(Booking, _KEYS_SQL, new.business, new.product_class, new.machine))[0]
    for field, code in (
        ("machine", new.machine),
        ("business", new.business),
        ("product_class", new.product_class),
    ):
        if row[field] is None:
            noun = field.replace("_", " ")
            raise UnknownCode(f"{field}: unknown {noun} {code!r}")
    return _Keys(**row)


async def _facts(
    new: NewBooking, now: datetime, replacing: str | None = None, stamp: int | None = None
) -> tuple[MachineFacts, Wish]:
    kind = await product_kind(new.product_class)
    found = await machine_facts(new.starts, new.ends, now, machine=new.machine, stamp=stamp)
    if not found:
        raise UnknownCode(f"machine: unknown machine {new.machine!r}")
    wish = Wish(new.machine, new.starts, new.ends, kind, new.product, new.process, replacing)
    return found[0], wish


async def book(new: NewBooking, now: datetime, by_user: int | None = None) -> str:
    """The new booking's code; BookingRefused when a rule fails (with the nearest good slots)."""
    return await book_into(new, now, by_user)


async def book_into(
    new: NewBooking, now: datetime, by_user: int | None = None, replacing: str | None = None
) -> str:
    """Insert the booking, or move the booking `replacing` to it, if every rule holds."""
    keys = await _keys(new)
    if not replacing and await _clashes(keys.machine, new):
        raise await _refused(new, keys, [TAKEN], now)  # a race already lost: not worth the lock
    pork = (await product_kind(new.product_class)).contains_pork  # a machine's halal standing
    touched = None if replacing else facts_tags(keys.house, keys.machine_type, new.business)
    found: list[Refusal] = []
    try:
        async with writing([keys.machine], keys.business, pork, touched):
            if not replacing and await _clashes(keys.machine, new):
                found = [TAKEN]  # lost while queued: refused in one read, not the whole check
                raise BookingRefused(found, [])
            stamp = await current_stamp()
            machine, wish = await _facts(new, now, replacing, stamp)
            business = await business_facts(
                new.business, machine.house, new.starts, new.ends, stamp=stamp
            )
            found = refusals(wish, machine, business, now)
            if found:
                raise BookingRefused(found, [])
            row = _row(new, machine, price(_minutes(new), machine, business))
            code = replacing or new_code()
            if replacing:
                await Booking.update(row).where(Booking.code == replacing).run()
            else:
                ids: dict[str, Any] = {
                    "business": keys.business,
                    "product_class": keys.product_class,
                }
                ids |= {"code": code, "created_at": now, "created_by": by_user}
                await Booking.insert(Booking(**ids, **row)).run()
            await audit.booking_written(
                code, new, machine.house, by_user, now, moved=bool(replacing)
            )
    except BookingRefused:
        raise await _refused(new, keys, found, now) from None
    except Exception as error:
        if not is_double_booking(error):
            raise
        raise await _refused(new, keys, [TAKEN], now) from None
    if not replacing:
        await _tell(new, machine, code, now)
    return code


_CLASH_SQL = (
    f"SELECT b.code FROM {name(Booking)} AS b"
    " WHERE b.machine = {{}} AND {statuses}"
    " AND b.starts_at < {{}} AND coalesce(b.released_at, b.ends_at) > {{}} LIMIT 1"
).format(statuses=is_in("b.status", HOLDING_STATUSES))


async def _clashes(machine_pk: int, new: NewBooking) -> bool:
    """A holding booking of the machine overlaps the wish itself: the `taken` rule refuses it
    whatever the buffers, so the rest of the rules need not be loaded to say so."""
    rows = await fetch(Booking, _CLASH_SQL, machine_pk, *HOLDING_STATUSES, new.ends, new.starts)
    return bool(rows)


def _minutes(new: NewBooking) -> int:
    return int((new.ends - new.starts) / timedelta(minutes=1))


def _row(new: NewBooking, machine: MachineFacts, amount: int) -> dict[Any, Any]:
    """The columns a booking and its move share."""
    return {
        "machine": machine.pk,
        "starts_at": new.starts,
        "ends_at": new.ends,
        "released_at": new.ends + timedelta(minutes=machine.rules.buffer_minutes),
        "status": "confirmed",
        "quantity": new.quantity,
        "product": new.product,
        "note": new.note,
        "series": new.series,
        "request": new.request,
        "price": amount,
    }


async def _refused(
    new: NewBooking, keys: _Keys, found: list[Refusal], now: datetime
) -> BookingRefused:
    """The alternatives come from the slot search's cached facts: a suggestion, which booking
    checks again on fresh rows when it is taken."""
    house, machine_type = keys.house, keys.machine_type
    business = await business_facts(new.business, house, new.starts, new.ends, cached=True)
    kind = await product_kind(new.product_class)
    wish = Wish(new.machine, new.starts, new.ends, kind, new.product, new.process)
    for day_only in (True, False):  # a day either side is read first: most refusals end there
        since, until = nearest_window(wish, now, day_only)
        siblings = await machine_facts(
            since, until, now, house=house, machine_type=machine_type, cached=True
        )
        nearest = nearest_slots(siblings, business, wish, now, day_only=day_only)
        if len(nearest) == NEAREST:
            break
    return BookingRefused(found, nearest)


def when(starts: datetime, ends: datetime, zone: str, language: str = "id") -> str:
    day = long_date(starts.astimezone(ZoneInfo(zone)).date(), language)
    return f"{day}, {clock(starts, zone).split()[0]}–{clock(ends, zone)}"


async def _tell(new: NewBooking, machine: MachineFacts, code: str, now: datetime) -> None:
    _ = gettext_for("id")
    subject = _("Booking %(code)s confirmed") % {"code": code}
    body = _("%(machine)s, %(when)s.") % {
        "machine": machine.code,
        "when": when(new.starts, new.ends, machine.zone),
    }
    await notify_business(new.business, "booking_confirmed", subject, body, now)

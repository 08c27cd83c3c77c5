"""Reading bookings back, scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.schemas import BookingOut
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.db.raw import fetch, name
from sharedfactory.facilities.tables import House, Machine
from sharedfactory.i18n.formats import period
from sharedfactory.products.tables import ProductClass

COLUMNS = (
    Booking.code,
    Booking.machine.code.as_alias("machine"),
    Booking.machine._.house._.code.as_alias("house"),
    Booking.machine._.house._.timezone.as_alias("zone"),
    Booking.business.code.as_alias("business"),
    Booking.product_class.code.as_alias("product_class"),
    Booking.product,
    Booking.quantity,
    Booking.starts_at,
    Booking.ends_at,
    Booking.status,
    Booking.price,
    Booking.series,
    Booking.checked_in_at,
)


@dataclass(frozen=True)
class BookingFilter:
    since: datetime | None = None
    until: datetime | None = None
    house: str | None = None
    machine: str | None = None
    business: str | None = None
    status: str | None = None
    limit: int = 200
    offset: int = 0


def booking_out(row: dict[str, Any]) -> BookingOut:
    zone = ZoneInfo(row["zone"])
    starts, ends = row["starts_at"].astimezone(zone), row["ends_at"].astimezone(zone)
    checked = row["checked_in_at"]
    return BookingOut(
        code=row["code"],
        machine=row["machine"],
        house=row["house"],
        business=row["business"],
        product_class=row["product_class"],
        product=row["product"],
        quantity=float(row["quantity"]),
        starts_at=starts.isoformat(),
        ends_at=ends.isoformat(),
        status=row["status"],
        price=row["price"],
        series=row["series"],
        checked_in_at=checked.astimezone(zone).isoformat() if checked else None,
        label=period(starts, ends, row["zone"]),
    )


def scoped_to(query: Any, viewer: Viewer, business_code: Any, house_code: Any) -> Any:
    """A UMKM sees its own rows, an operator its house's, admin and auditor every house's."""
    if viewer.role == "umkm":
        return query.where(business_code == viewer.business)
    if viewer.role == "operator":
        return query.where(house_code == viewer.house)
    return query


_business_code = Booking.business.code  # built once: joined columns are copied on each access
_house_code = Booking.machine._.house._.code


def scoped(query: Any, viewer: Viewer) -> Any:
    return scoped_to(query, viewer, _business_code, _house_code)


async def list_bookings(viewer: Viewer, f: BookingFilter) -> tuple[int, list[BookingOut]]:
    conditions = [
        condition
        for wanted, condition in (
            (f.since, Booking.ends_at > f.since),
            (f.until, Booking.starts_at < f.until),
            (f.house, _house_code == f.house),
            (f.machine, Booking.machine.code == f.machine),
            (f.business, _business_code == f.business),
            (f.status, Booking.status == f.status),
        )
        if wanted is not None
    ]
    count_query = scoped(Booking.count(), viewer)
    query = scoped(Booking.select(*COLUMNS), viewer)
    for condition in conditions:
        count_query, query = count_query.where(condition), query.where(condition)
    ordered = query.order_by(Booking.starts_at, Booking._meta.primary_key)  # pages never overlap
    rows = await ordered.limit(f.limit).offset(f.offset).run()
    return await count_query.run(), [booking_out(row) for row in rows]


_ONE_SQL = (
    "SELECT b.code, m.code AS machine, h.code AS house, h.timezone AS zone,"
    " u.code AS business, pc.code AS product_class, b.product, b.quantity, b.starts_at,"
    " b.ends_at, b.status, b.price, b.series, b.checked_in_at"
    f" FROM {name(Booking)} AS b JOIN {name(Machine)} AS m ON m.id = b.machine"
    f" JOIN {name(House)} AS h ON h.id = m.house JOIN {name(Business)} AS u ON u.id = b.business"
    f" JOIN {name(ProductClass)} AS pc ON pc.id = b.product_class WHERE b.code = {{}}"
)
_ONE_SCOPED = {"umkm": " AND u.code = {}", "operator": " AND h.code = {}"}


async def one_booking(viewer: Viewer, code: str) -> BookingOut | None:
    """None also when the booking is outside the viewer's scope: it answers 404 as if missing.
    (SQL written once: every booking made reads itself back through here.)"""
    scope = _ONE_SCOPED.get(viewer.role, "")
    args: list[str | None] = [code]
    if scope:
        args.append(viewer.business if viewer.role == "umkm" else viewer.house)
    rows = await fetch(Booking, _ONE_SQL + scope, *args)
    return booking_out(rows[0]) if rows else None

"""Loading a UMKM's monthly statement in the viewer's scope (the arithmetic is `money.py`).

Scope: the UMKM sees its own; an operator sees the lines of their own house (only for a UMKM that
booked there); admin and auditor see every house. Anything else is NotFoundException, as if the
business did not exist. The JSON API (`statement_api`) and the page (`web.statement_pages`) both
read through here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.exceptions import NotFoundException

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.money import BookingRow, Statement, parse_month, statement
from sharedfactory.bookings.tables import Booking, TariffTier
from sharedfactory.businesses.tables import Business


def _missing(code: str) -> NotFoundException:
    return NotFoundException(detail=f"business {code!r} does not exist")


async def _business(login: Viewer, code: str) -> dict[str, Any]:
    """The business's key and size class, if the viewer may see its statement."""
    if login.role == "umkm" and login.business != code:
        raise _missing(code)
    business: dict[str, Any] | None = (
        await Business.select(Business._meta.primary_key.as_alias("pk"), Business.size_class)
        .where(Business.code == code)
        .first()
        .run()
    )
    if business is None:
        raise _missing(code)
    if (
        login.role == "operator"
        and not await Booking.exists()
        .where(Booking.business == business["pk"], Booking.machine._.house._.code == login.house)
        .run()
    ):
        raise _missing(code)
    return business


async def statement_rows(login: Viewer, code: str, month: str) -> list[BookingRow]:
    """The business's bookings around the month (a day either side: the month is each house's,
    whatever its zone; `money.statement` cuts exactly), in the viewer's scope."""
    business = await _business(login, code)
    year, number = parse_month(month)
    since = datetime(year, number, 1, tzinfo=UTC) - timedelta(days=1)
    until = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC) + timedelta(days=1)
    query = Booking.select(
        Booking.code,
        Booking.machine.code.as_alias("machine"),
        Booking.machine._.house._.code.as_alias("house"),
        Booking.machine._.house._.timezone.as_alias("zone"),
        Booking.machine._.tariff_per_hour.as_alias("tariff"),
        Booking.starts_at,
        Booking.ends_at,
        Booking.status,
        Booking.price,
    ).where(
        Booking.business == business["pk"],
        Booking.starts_at >= since,
        Booking.starts_at < until,
    )
    if login.role == "operator":
        query = query.where(Booking.machine._.house._.code == login.house)
    rows = await query.order_by(Booking.starts_at).run()
    discount = await _discounts(business["size_class"])
    return [_row(r, discount) for r in rows]


async def business_statement(login: Viewer, code: str, month: str) -> Statement:
    """The statement in the viewer's scope; NotFoundException when outside it."""
    return statement(await statement_rows(login, code, month), month)


async def _discounts(size_class: str) -> dict[str, int]:
    """Each house's subsidy, in percent, for the size class."""
    tiers = (
        await TariffTier.select(
            TariffTier.house.code.as_alias("house"), TariffTier.discount_percent
        )
        .where(TariffTier.size_class == size_class)
        .run()
    )
    return {t["house"]: t["discount_percent"] for t in tiers}


def _row(row: dict[str, Any], discount: dict[str, int]) -> BookingRow:
    return BookingRow(
        code=row["code"],
        machine=row["machine"],
        house=row["house"],
        zone=row["zone"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        status=row["status"],
        price=row["price"],
        tariff_per_hour=row["tariff"],
        discount_percent=discount.get(row["house"], 0),
    )


async def billable_businesses(login: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the businesses whose statement the viewer may read, by name."""
    query = Business.select(Business.code, Business.name).order_by(Business.name)
    if login.role == "umkm":
        query = query.where(Business.code == (login.business or ""))
    elif login.role == "operator":
        booked = (
            Booking.select(Booking.business)
            .distinct()
            .where(Booking.machine._.house._.code == (login.house or ""))
        )
        pks = {row["business"] for row in await booked.run()}
        query = query.where(Business._meta.primary_key.is_in(list(pks) or [-1]))
    return [(row["code"], row["name"]) for row in await query.run()]

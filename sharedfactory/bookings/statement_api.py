"""A UMKM's monthly statement: what each booking of the month costs, per house and in total.

Scope: the UMKM sees its own; an operator sees the lines of their own house (only for a UMKM that
booked there); admin and auditor see every house. Anything else answers 404, as if missing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Response, get
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.money import (
    NO_SHOW_CHARGE_PERCENT,
    BookingRow,
    Statement,
    as_csv,
    parse_month,
    statement,
)
from sharedfactory.bookings.tables import Booking, TariffTier
from sharedfactory.businesses.tables import Business
from sharedfactory.i18n.formats import rupiah
from sharedfactory.web.errors import not_found, refused

CODE = r"^[a-z0-9][a-z0-9_-]*$"  # a stable code: no NUL or control characters reach SQL
BusinessCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="business id")]
Month = Annotated[
    str | None,
    Parameter(
        pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
        description="YYYY-MM; the current month (WIB) when omitted",
    ),
]
Format = Annotated[
    Literal["json", "csv"],
    Parameter(include_in_schema=False, description="csv: the lines as text/csv"),
]
CSV_TYPE = "text/csv; charset=utf-8"


class LineOut(msgspec.Struct):
    booking: str
    machine: str
    house: str
    date: str
    hours: float
    tariff_per_hour: int
    discount_percent: int
    charged_percent: int
    amount: int
    amount_text: str
    status: str


class SubtotalOut(msgspec.Struct):
    house: str
    amount: int
    amount_text: str


class StatementOut(msgspec.Struct):
    business: str
    month: str
    lines: list[LineOut]
    subtotals: list[SubtotalOut]
    total: int
    total_text: str
    no_show_charge_percent: int


def _out(business: str, found: Statement) -> StatementOut:
    return StatementOut(
        business=business,
        month=found.month,
        lines=[
            LineOut(
                booking=line.booking,
                machine=line.machine,
                house=line.house,
                date=line.day.isoformat(),
                hours=line.hours,
                tariff_per_hour=line.tariff_per_hour,
                discount_percent=line.discount_percent,
                charged_percent=line.charged_percent,
                amount=line.amount,
                amount_text=rupiah(line.amount),
                status=line.status,
            )
            for line in found.lines
        ],
        subtotals=[SubtotalOut(h, a, rupiah(a)) for h, a in found.subtotals.items()],
        total=found.total,
        total_text=found.total_text,
        no_show_charge_percent=NO_SHOW_CHARGE_PERCENT,
    )


def _month_or_now(month: str | None) -> str:
    if month is None:
        return datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    try:
        parse_month(month)
    except ValueError as error:
        raise HTTPException(
            status_code=400,
            detail=f"month: {error}",
            extra=[{"key": "month", "message": str(error)}],
        ) from None
    return month


async def business_statement(login: Viewer, code: str, month: str) -> Statement:
    """The statement in the viewer's scope; NotFoundException when outside it."""
    if login.role == "umkm" and login.business != code:
        raise NotFoundException(detail=f"business {code!r} does not exist")
    business = (
        await Business.select(Business._meta.primary_key.as_alias("pk"), Business.size_class)
        .where(Business.code == code)
        .first()
        .run()
    )
    if business is None:
        raise NotFoundException(detail=f"business {code!r} does not exist")
    if (
        login.role == "operator"
        and not await Booking.exists()
        .where(Booking.business == business["pk"], Booking.machine._.house._.code == login.house)
        .run()
    ):
        raise NotFoundException(detail=f"business {code!r} does not exist")
    year, number = parse_month(month)
    # A day either side: the month is the house's, whatever its zone; `statement` cuts exactly.
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
    tiers = (
        await TariffTier.select(
            TariffTier.house.code.as_alias("house"), TariffTier.discount_percent
        )
        .where(TariffTier.size_class == business["size_class"])
        .run()
    )
    discount = {t["house"]: t["discount_percent"] for t in tiers}
    return statement((_row(r, discount) for r in rows), month)


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


def _csv(code: str, found: Statement) -> Response[str]:
    return Response(
        as_csv(found),
        media_type=CSV_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="statement-{code}-{found.month}.csv"'
        },
    )


class StatementApi(Controller):
    path = "/api/v1/businesses"
    tags = ("money",)

    @get(
        "/{code:str}/statement",
        summary="A UMKM's monthly statement in whole Rupiah (`format=csv` for text/csv)",
        responses=not_found("business") | refused(401),
    )
    async def monthly(
        self, login: Login, code: BusinessCode, month: Month = None, format: Format = "json"
    ) -> Response[StatementOut]:
        chosen = _month_or_now(month)
        found = await business_statement(login, code, chosen)
        if format == "csv":
            return _csv(code, found)  # type: ignore[return-value]
        return Response(_out(code, found))

    @get(
        "/{code:str}/statement.csv",
        summary="The same statement's lines as CSV",
        media_type=CSV_TYPE,
        responses=not_found("business") | refused(401),
    )
    async def monthly_csv(self, login: Login, code: BusinessCode, month: Month = None) -> str:
        chosen = _month_or_now(month)
        return as_csv(await business_statement(login, code, chosen))

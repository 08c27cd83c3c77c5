"""A UMKM's monthly statement: what each booking of the month costs, per house and in total.

Scope: the UMKM sees its own; an operator sees the lines of their own house (only for a UMKM that
booked there); admin and auditor see every house. Anything else answers 404, as if missing.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Response, get
from litestar.exceptions import HTTPException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.bookings.money import NO_SHOW_CHARGE_PERCENT, Statement, as_csv, parse_month
from sharedfactory.bookings.statement_pdf import PDF_TYPE, statement_pdf
from sharedfactory.bookings.statements import business_statement
from sharedfactory.businesses.tables import Business
from sharedfactory.i18n.formats import month_name, rupiah
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
Lang = Annotated[Literal["id", "en"], Parameter(description="the invoice's language")]


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

    @get(
        "/{code:str}/statement.pdf",
        summary="The same statement as a PDF invoice in Rupiah (Indonesian; `lang=en`)",
        media_type=PDF_TYPE,
        responses=not_found("business") | refused(401),
    )
    async def monthly_pdf(
        self, login: Login, code: BusinessCode, month: Month = None, lang: Lang = "id"
    ) -> Response[bytes]:
        chosen = _month_or_now(month)
        found = await business_statement(login, code, chosen)
        row = await Business.select(Business.name).where(Business.code == code).first().run()
        name = row["name"] if row else code
        content = await asyncio.to_thread(
            statement_pdf, code, name, found, month_name(chosen, lang), lang
        )
        disposition = f'attachment; filename="statement-{code}-{chosen}.pdf"'
        return Response(content, media_type=PDF_TYPE, headers={"Content-Disposition": disposition})

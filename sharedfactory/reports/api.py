"""The reports' JSON API: `GET /api/v1/reports/utilisation` (CONTRACTS.md section 5) and
`GET /api/v1/reports/businesses` (the UMKM served), as JSON or with `format=csv|xlsx|pdf` the same
rows as a file. Admins and auditors see every house; operators see their own house's machines
only; UMKM are refused. Definitions: docs/reports.md."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.response import Stream

from sharedfactory.accounts.deps import Login
from sharedfactory.audit.chain import chain_head
from sharedfactory.reports.exports import (
    CSV_TYPE,
    PDF_TYPE,
    XLSX_TYPE,
    ReportFile,
    ServedFile,
    csv_lines,
    served_csv_lines,
    served_xlsx_bytes,
    xlsx_bytes,
)
from sharedfactory.reports.load import load_facts
from sharedfactory.reports.load_served import Only, load_served
from sharedfactory.reports.params import (
    INVALID,
    FileOperation,
    Format,
    From,
    Group,
    IdleBelow,
    Lang,
    Tariff,
    To,
    checked_house,
    checked_period,
    electricity_tariff,
    scope_house,
)
from sharedfactory.reports.pdf import pdf_bytes, served_pdf_bytes
from sharedfactory.reports.utilisation import report_rows
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import OptionalCode


class ProductionOut(msgspec.Struct):
    """One unit's output: kg, L or pcs (machine_type.batch_unit); never summed across units."""

    unit: str
    good: float
    reject: float
    produced: float
    pass_rate: float | None


class RowOut(msgspec.Struct):
    key: str
    planned_hours: float
    booked_hours: float
    actual_hours: float
    utilisation: float | None
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    umkm_served: int
    label: str
    house: str | None
    machines: int
    idle: bool
    idle_machines: list[str]
    umkm_new: int
    revenue: int
    energy_kwh: float
    energy_cost: int
    margin: int
    production: list[ProductionOut]


class UtilisationReport(msgspec.Struct):
    rows: list[RowOut]
    audit_head: str
    from_: str = msgspec.field(name="from")
    to: str
    group: str
    idle_below: float
    built_at: str
    electricity_tariff: float


class ServedOut(msgspec.Struct):
    code: str
    name: str
    nib: str
    size_class: str
    houses: list[str]
    booked_hours: float
    first_served: str
    new: bool


class ServedReport(msgspec.Struct):
    rows: list[ServedOut]
    umkm_served: int
    umkm_new: int
    audit_head: str
    from_: str = msgspec.field(name="from")
    to: str
    house: str | None
    built_at: str


def _built_at() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


async def _file(
    head: str,
    name: str,
    format: str,
    lines: Callable[[], Iterator[str]],
    build: Callable[[], bytes],
) -> Response[Any]:
    """A CSV stream, or an Excel workbook or a PDF built off the event loop."""
    headers = {"X-Audit-Head": head} | _attachment(f"{name}.{format}")
    if format == "csv":
        return Stream(lines(), media_type=CSV_TYPE, headers=headers)
    content = await asyncio.to_thread(build)
    return Response(
        content, media_type=XLSX_TYPE if format == "xlsx" else PDF_TYPE, headers=headers
    )


async def as_file(report: ReportFile, format: str) -> Response[Any]:
    name = f"utilisation-{report.group}-{report.start[:10]}-{report.end[:10]}"
    build = partial(xlsx_bytes if format == "xlsx" else pdf_bytes, report)
    return await _file(report.audit_head, name, format, partial(csv_lines, report), build)


async def served_as_file(report: ServedFile, format: str) -> Response[Any]:
    name = f"businesses-{report.start[:10]}-{report.end[:10]}"
    build = partial(served_xlsx_bytes if format == "xlsx" else served_pdf_bytes, report)
    return await _file(report.audit_head, name, format, partial(served_csv_lines, report), build)


def _served_json(report: ServedFile) -> ServedReport:
    return ServedReport(
        rows=[msgspec.convert(asdict(s), ServedOut) for s in report.rows],
        umkm_served=len(report.rows),
        umkm_new=sum(s.new for s in report.rows),
        audit_head=report.audit_head,
        from_=report.start,
        to=report.end,
        house=report.house,
        built_at=report.built_at,
    )


class ReportsApi(Controller):
    path = "/api/v1/reports"
    tags = ("reports",)

    @get(
        "/utilisation",
        summary="Utilisation, OEE, money and production per province, house, machine, type "
        "or month",
        description=(
            "Planned, booked and actual (running) hours, utilisation = actual / planned, the "
            "ISO 22400 OEE factors (null when not measurable), distinct UMKM served and new, "
            "idle flags, revenue (the bookings' charges for their part inside the period), "
            "energy from the rollups and its cost at the electricity tariff, margin = revenue "
            "- energy cost (running costs are energy only), and production per unit with its "
            "pass rate; `audit_head` is the audit chain head the report was built from. "
            "`format=csv|xlsx|pdf` answers the same rows as a file. Operators see their own "
            "house only. Definitions: docs/reports.md."
        ),
        responses=INVALID | refused(401, 403),
        operation_class=FileOperation,
    )
    async def utilisation(
        self,
        login: Login,
        state: State,
        from_: From = None,
        to: To = None,
        group: Group = "house",
        format: Format = "json",
        lang: Lang = "id",
        idle_below: IdleBelow = 0.2,
        tariff: Tariff = None,
    ) -> Response[UtilisationReport]:
        house = scope_house(login)
        period = checked_period(from_, to)
        price = electricity_tariff(state, tariff)
        facts = await load_facts(period, group == "month", house)
        report = ReportFile(
            report_rows(facts, group, idle_below, lang, price),
            await chain_head(),
            period.start.astimezone(period.months_in).isoformat(),
            period.end.astimezone(period.months_in).isoformat(),
            group,
            idle_below,
            _built_at(),
            lang,
            price,
            await load_served(period, house) if format in ("xlsx", "pdf") else None,
        )
        if format != "json":
            return await as_file(report, format)
        return Response(_json(report))

    @get(
        "/businesses",
        summary="The UMKM served in a period, with NIB, and which of them are new",
        description=(
            "Each UMKM with a confirmed or completed booking overlapping the period (the rule "
            "of `umkm_served`): code, name, NIB (a public business id; NIK and NPWP are never "
            "shown), size class, the houses that served it, its booked hours inside the period, "
            "the date of its first ever served booking and `new` when that falls inside the "
            "period. `house` narrows the list to one house. Operators see their own house only. "
            "`format=csv|xlsx|pdf` answers the same rows as a file."
        ),
        responses=INVALID | refused(401, 403) | not_found("house"),
        operation_class=FileOperation,
    )
    async def businesses(
        self,
        login: Login,
        from_: From = None,
        to: To = None,
        house: OptionalCode = None,
        format: Format = "json",
        lang: Lang = "id",
    ) -> Response[ServedReport]:
        scope = scope_house(login)
        period = checked_period(from_, to)
        if house is not None:
            await checked_house(login, house)
        report = ServedFile(
            await load_served(period, scope, Only(house=house)),
            await chain_head(),
            period.start.astimezone(period.months_in).isoformat(),
            period.end.astimezone(period.months_in).isoformat(),
            house,
            _built_at(),
            lang,
        )
        if format != "json":
            return await served_as_file(report, format)
        return Response(_served_json(report))


def _json(report: ReportFile) -> UtilisationReport:
    return UtilisationReport(
        rows=[msgspec.convert(asdict(row), RowOut) for row in report.rows],
        audit_head=report.audit_head,
        from_=report.start,
        to=report.end,
        group=report.group,
        idle_below=report.idle_below,
        built_at=report.built_at,
        electricity_tariff=float(report.tariff),
    )

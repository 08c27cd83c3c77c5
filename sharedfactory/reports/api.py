"""`GET /api/v1/reports/utilisation` (CONTRACTS.md section 5): the rows as JSON, or with
`format=csv|xlsx|pdf` the same rows as a file. Admins and auditors see every house; operators
see their own house's machines only; UMKM are refused. Definitions: docs/reports.md."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.exceptions import PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import Parameter, QueryParameter
from litestar.response import Stream

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.audit.chain import chain_head
from sharedfactory.bookings.schemas import field_error
from sharedfactory.reports.exports import CSV_TYPE, XLSX_TYPE, ReportFile, csv_lines, xlsx_bytes
from sharedfactory.reports.load import Period, load_facts
from sharedfactory.reports.pdf import PDF_TYPE, pdf_bytes
from sharedfactory.reports.utilisation import Row, report_rows
from sharedfactory.web.errors import ErrorBody, refused

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
INVALID = {
    400: ResponseSpec(
        data_container=ErrorBody, description="a parameter is wrong: `extra` names it and why"
    )
}

From = Annotated[
    str | None,
    QueryParameter(
        name="from",
        schema_extra={"format": OpenAPIFormat.DATE_TIME},
        max_length=64,
        description="required: start, ISO 8601 with a UTC offset (inclusive); months begin "
        "in its offset",
    ),
]
To = Annotated[
    str | None,
    Parameter(
        schema_extra={"format": OpenAPIFormat.DATE_TIME},
        max_length=64,
        description="required: end, ISO 8601 with a UTC offset (exclusive), at most a year "
        "after `from`",
    ),
]
Group = Annotated[
    Literal["province", "house", "machine", "type", "month"],
    Parameter(description="one row per province, house, machine, machine type or month"),
]
Format = Annotated[
    Literal["json", "csv", "xlsx", "pdf"], Parameter(description="json, or the rows as a file")
]
Lang = Annotated[Literal["id", "en"], Parameter(description="labels and file headers")]
IdleBelow = Annotated[
    float, Parameter(ge=0, le=1, description="a row is idle below this utilisation (0..1)")
]


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


class UtilisationReport(msgspec.Struct):
    rows: list[RowOut]
    audit_head: str
    from_: str = msgspec.field(name="from")
    to: str
    group: str
    idle_below: float
    built_at: str


@dataclass
class FileOperation(Operation):
    """The 200 answer documented in every format the `format` parameter offers."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse) and answer.content is not None:
            binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            answer.content |= {
                "text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                XLSX_TYPE: OpenAPIMediaType(schema=binary),
                PDF_TYPE: OpenAPIMediaType(schema=binary),
            }


def _checked_moment(key: str, text: str | None) -> datetime:
    if text is None:
        raise field_error(key, "required, e.g. 2025-03-01T00:00:00+07:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise field_error(key, "not an ISO 8601 date and time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise field_error(key, "needs a UTC offset, e.g. 2025-03-01T00:00:00+07:00")
    if not EARLIEST_YEAR <= moment.year < LATEST_YEAR:
        raise field_error(key, f"must be in the years {EARLIEST_YEAR}..{LATEST_YEAR - 1}")
    return moment


def _a_year_after(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def checked_period(start_text: str | None, end_text: str | None) -> Period:
    """400 naming the field: ISO 8601 with an offset, `from` before `to`, at most one year."""
    start, end = _checked_moment("from", start_text), _checked_moment("to", end_text)
    if end <= start:
        raise field_error("to", "must be after from")
    if end > _a_year_after(start):
        raise field_error("to", "at most one year after from")
    return Period(start.astimezone(UTC), end.astimezone(UTC), start.tzinfo or UTC)


def scope_house(login: Viewer) -> str | None:
    """None: every house (admin, auditor); an operator's own house; UMKM: 403."""
    if login.role == "umkm":
        raise PermissionDeniedException(detail="reports are for house staff and auditors")
    if login.is_staff:
        return None
    return login.house or ""  # an operator without a house sees nothing


def _out(row: Row) -> RowOut:
    return RowOut(**{**asdict(row), "idle_machines": list(row.idle_machines)})


def _filename(report: ReportFile, extension: str) -> str:
    return f"utilisation-{report.group}-{report.start[:10]}-{report.end[:10]}.{extension}"


async def as_file(report: ReportFile, format: str) -> Response[Any]:
    """The rows as a CSV stream, an Excel workbook or a PDF (built off the event loop)."""
    headers = {"X-Audit-Head": report.audit_head}
    if format == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
        return Stream(csv_lines(report), media_type=CSV_TYPE, headers=headers)
    build, media_type = (xlsx_bytes, XLSX_TYPE) if format == "xlsx" else (pdf_bytes, PDF_TYPE)
    content = await asyncio.to_thread(build, report)
    headers["Content-Disposition"] = f'attachment; filename="{_filename(report, format)}"'
    return Response(content, media_type=media_type, headers=headers)


class ReportsApi(Controller):
    path = "/api/v1/reports"
    tags = ("reports",)

    @get(
        "/utilisation",
        summary="Utilisation and OEE per province, house, machine, machine type or month",
        description=(
            "Planned, booked and actual (running) hours, utilisation = actual / planned, the "
            "ISO 22400 OEE factors (null when not measurable), distinct UMKM served and idle "
            "flags, from the hourly rollups; `audit_head` is the audit chain head the report "
            "was built from. `format=csv|xlsx|pdf` answers the same rows as a file. "
            "Operators see their own house only. Definitions: docs/reports.md."
        ),
        responses=INVALID | refused(401, 403),
        operation_class=FileOperation,
    )
    async def utilisation(
        self,
        login: Login,
        from_: From = None,
        to: To = None,
        group: Group = "house",
        format: Format = "json",
        lang: Lang = "id",
        idle_below: IdleBelow = 0.2,
    ) -> Response[UtilisationReport]:
        house = scope_house(login)
        period = checked_period(from_, to)
        facts = await load_facts(period, group == "month", house)
        rows = report_rows(facts, group, idle_below, lang)
        built_at = datetime.now(UTC).isoformat(timespec="seconds")
        report = ReportFile(
            rows,
            await chain_head(),
            period.start.astimezone(period.months_in).isoformat(),
            period.end.astimezone(period.months_in).isoformat(),
            group,
            idle_below,
            built_at,
            lang,
        )
        if format != "json":
            return await as_file(report, format)
        return Response(_json(report))


def _json(report: ReportFile) -> UtilisationReport:
    return UtilisationReport(
        rows=[_out(row) for row in report.rows],
        audit_head=report.audit_head,
        from_=report.start,
        to=report.end,
        group=report.group,
        idle_below=report.idle_below,
        built_at=report.built_at,
    )

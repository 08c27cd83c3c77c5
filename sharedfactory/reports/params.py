"""The reports' query parameters, their checks (the period, the viewer's scope, the tariff) and
the OpenAPI answer in every file format. Shared by `reports/api.py` and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
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

from sharedfactory.accounts.deps import require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.schemas import checked_moment, field_error
from sharedfactory.facilities.tables import House
from sharedfactory.reports.exports import PDF_TYPE, XLSX_TYPE
from sharedfactory.reports.load import Period
from sharedfactory.settings import DEFAULT_ELECTRICITY_TARIFF
from sharedfactory.web.errors import ErrorBody

EXAMPLE = "2025-03-01T00:00:00+07:00"
MAX_TARIFF = 1_000_000  # Rupiah per kWh: far above any real tariff, and no overflow below it
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
Tariff = Annotated[
    float | None,
    Parameter(
        gt=0,
        le=MAX_TARIFF,
        required=False,
        schema_extra={"exclusiveMinimum": 0},  # Litestar drops `gt` from an optional's schema
        description="Rupiah per kWh for this report's energy cost (default: the server's "
        "SHAREDFACTORY_ELECTRICITY_TARIFF, 1444.70 unless set)",
    ),
]


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


def _a_year_after(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def checked_period(start_text: str | None, end_text: str | None) -> Period:
    """400 naming the field: ISO 8601 with an offset, `from` before `to`, at most one year."""
    start = checked_moment("from", start_text, EXAMPLE)
    end = checked_moment("to", end_text, EXAMPLE)
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


async def checked_house(login: Viewer, house: str) -> None:
    """404 for a house that does not exist, 403 for one outside an operator's scope."""
    if not await House.exists().where(House.code == house).run():
        raise NotFoundException(detail=f"house {house!r} does not exist")
    require_house(login, house)


def electricity_tariff(state: State, asked: float | None) -> Decimal:
    """The tariff asked for this report, else the server's setting."""
    if asked is not None:
        return Decimal(repr(asked))
    settings = state.get("settings")
    return getattr(settings, "electricity_tariff", DEFAULT_ELECTRICITY_TARIFF)

"""Telemetry JSON (CONTRACTS.md section 5): stored messages per machine, and dead letters."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Parameter, QueryParameter

from sharedfactory.accounts.deps import Login, require_house, require_staff_or_operator
from sharedfactory.devices.queries import (
    bookings_of,
    dead_letter_page,
    machine_house,
    parse_cursor,
    telemetry_page,
)
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import CODE

From = Annotated[
    datetime | None, QueryParameter(name="from", required=False, description="ISO 8601 start")
]
To = Annotated[datetime | None, QueryParameter(name="to", required=False, description="ISO end")]
Limit = Annotated[int, Parameter(ge=1, le=10_000, description="items per page")]


def _cursor(tie_digits: int) -> Any:
    """The `next` of the previous page: `<ms>.<tie>`, bounded so every engine can compare it."""
    return Parameter(
        required=False,
        max_length=40,
        pattern=rf"^[0-9]{{1,15}}\.[0-9]{{1,{tie_digits}}}$",
        description="the `next` value of the previous page",
    )


TelemetryCursor = Annotated[str | None, _cursor(10)]  # tie: seq, 0..2^32-1
DeadLetterCursor = Annotated[str | None, _cursor(9)]  # tie: row id, an int4 on PostgreSQL
MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="machine id")]


class TelemetryItem(msgspec.Struct):
    ts: int
    seq: int
    state: str
    counters: dict[str, int]
    values: dict[str, float]
    booking: str | None


class TelemetryPage(msgspec.Struct):
    count: int
    items: list[TelemetryItem]
    next: str | None


class DeadLetterItem(msgspec.Struct):
    received: str
    topic: str
    reason: str
    payload: str
    payload_encoding: str  # "utf-8", or "base64" for bytes that are not UTF-8


class DeadLetterPage(msgspec.Struct):
    count: int
    items: list[DeadLetterItem]
    next: str | None


def _ms(value: datetime | None, default: datetime) -> int:
    value = value or default
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # no offset given: read as UTC
    return int(value.timestamp() * 1000)


def _after(cursor: str | None) -> tuple[int, int] | None:
    try:
        return parse_cursor(cursor)
    except ValueError as error:
        raise ValidationException(
            str(error), extra=[{"key": "cursor", "message": str(error)}]
        ) from None


def _dead_letter(row: dict[str, Any]) -> DeadLetterItem:
    raw = bytes(row["payload"])
    received = datetime.fromtimestamp(row["received_ms"] / 1000, UTC).isoformat()
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(raw).decode(), "base64"
    return DeadLetterItem(received, row["topic"], row["reason"], text, encoding)


class TelemetryApi(Controller):
    path = "/api/v1"
    tags = ("telemetry",)

    @get(
        "/machines/{machine:str}/telemetry",
        summary="Stored telemetry of a machine",
        responses=not_found("machine") | refused(401, 403),
    )
    async def telemetry(
        self,
        login: Login,
        machine: MachineCode,
        from_: From = None,
        to: To = None,
        limit: Limit = 1000,
        cursor: TelemetryCursor = None,
    ) -> TelemetryPage:
        found = await machine_house(machine)
        if found is None:
            raise NotFoundException(detail=f"machine {machine!r} does not exist")
        machine_id, house = found
        own_runs = None
        if login.role == "umkm":
            own_runs = await bookings_of(login.business or "")
        else:
            require_house(login, house)
        now = datetime.now(UTC)
        page = await telemetry_page(
            machine_id,
            _ms(from_, now - timedelta(days=1)),
            _ms(to, now),
            limit,
            _after(cursor),
            own_runs,
        )
        items = [msgspec.convert(item, TelemetryItem) for item in page.items]
        return TelemetryPage(len(items), items, page.next_cursor)

    @get(
        "/telemetry/dead-letters",
        summary="Messages the ingest could not accept, with why",
        responses=refused(401, 403),
    )
    async def dead_letters(
        self,
        login: Login,
        from_: From = None,
        limit: Limit = 1000,
        cursor: DeadLetterCursor = None,
    ) -> DeadLetterPage:
        require_staff_or_operator(login)
        start = _ms(from_, datetime.now(UTC) - timedelta(days=7))
        house = login.house if login.role == "operator" else None
        page = await dead_letter_page(start, limit, _after(cursor), house)
        items = [_dead_letter(row) for row in page.items]
        return DeadLetterPage(len(items), items, page.next_cursor)

"""`GET /api/v1/houses/{house}/timeline`: a house's machines and, for at most 14 days, what is on
them (bookings, proposals, maintenance, cleaning, actual runs). For the house's operators, admins
and auditors; UMKM are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import Parameter, QueryParameter

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.schemas import checked_moment, field_error
from sharedfactory.bookings.timeline import MAX_RANGE, Timeline, load_timeline
from sharedfactory.bookings.timeline_items import Item
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CodeParam

EXAMPLE = "2026-12-07T00:00:00+08:00"
INVALID = {
    400: ResponseSpec(
        data_container=ErrorBody, description="a parameter is wrong: `extra` names it and why"
    )
}
# Optional in the schema so that a missing one is answered like a wrong one: 400 naming it.
From = Annotated[
    str | None,
    QueryParameter(
        name="from",
        schema_extra={"format": OpenAPIFormat.DATE_TIME},
        max_length=64,
        description="required: start, ISO 8601 with a UTC offset (inclusive)",
    ),
]
To = Annotated[
    str | None,
    Parameter(
        schema_extra={"format": OpenAPIFormat.DATE_TIME},
        max_length=64,
        description="required: end, ISO 8601 with a UTC offset (exclusive), at most 14 days "
        "after `from`",
    ),
]
Kind = Literal["booking", "proposal", "maintenance", "cleaning", "run"]


class TimelineMachine(msgspec.Struct):
    code: str
    name: str
    type: str


class TimelineItem(msgspec.Struct, omit_defaults=True):
    """`booking`: the booking's code (booking, cleaning) or the flexible request's (proposal);
    `business_name` for house staff only; `note`: a maintenance window's reason, `buffer` or the
    changeover (`halal>non_halal`) a cleaning is for, a proposal's task; `running_s`: a run's
    running seconds (from the hourly rollups: its edges are to the hour)."""

    kind: Kind
    machine: str
    start: str
    end: str
    booking: str | None = None
    status: str | None = None
    business: str | None = None
    business_name: str | None = None
    note: str | None = None
    plan: int | None = None
    running_s: int | None = None


class TimelineOut(msgspec.Struct):
    house: str
    timezone: str
    from_: str = msgspec.field(name="from")
    to: str
    machines: list[TimelineMachine]
    items: list[TimelineItem]


def checked_range(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime]:
    starts = checked_moment("from", start_text, EXAMPLE)
    ends = checked_moment("to", end_text, EXAMPLE)
    if ends <= starts:
        raise field_error("to", "must be after from")
    if ends - starts > MAX_RANGE:
        raise field_error("to", "at most 14 days after from")
    return starts, ends


def shows_names(login: Viewer) -> bool:
    """Business names are for the house's staff and the auditors, never for a UMKM."""
    return login.role in ("operator", "admin", "auditor")


async def readable_house(login: Viewer, code: str) -> cal.HouseRef:
    """The house, for its operators, admins and auditors: 403 for UMKM and other houses, 404."""
    if login.role == "umkm":
        raise PermissionDeniedException(detail="the timeline is for house staff and auditors")
    try:
        house = await cal.find_house(code)
    except cal.Missing:
        raise NotFoundException(detail=f"house {code!r} does not exist") from None
    require_house(login, code)
    return house


def _iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def item_out(item: Item, zone: ZoneInfo) -> TimelineItem:
    return TimelineItem(
        kind=item.kind,  # type: ignore[arg-type]
        machine=item.machine,
        start=_iso(item.starts, zone),
        end=_iso(item.ends, zone),
        booking=item.booking,
        status=item.status,
        business=item.business,
        business_name=item.business_name,
        note=item.note or None,
        plan=item.plan,
        running_s=item.running_s,
    )


def timeline_out(found: Timeline) -> TimelineOut:
    zone = ZoneInfo(found.house.zone)
    return TimelineOut(
        house=found.house.code,
        timezone=found.house.zone,
        from_=_iso(found.starts, zone),
        to=_iso(found.ends, zone),
        machines=[TimelineMachine(m.code, m.name, m.type_code) for m in found.machines],
        items=[item_out(i, zone) for i in found.items],
    )


class TimelineApi(Controller):
    path = "/api/v1"
    tags = ("timeline",)

    @get(
        "/houses/{house:str}/timeline",
        summary="A house's machines and what is on them, for at most 14 days",
        description=(
            "Machines in order; items: bookings (pending, confirmed, completed, no-show), the "
            "steps of optimiser plans waiting for a decision (`proposal`), maintenance windows, "
            "the cleaning after bookings (the machine's buffer or the product changeover) and "
            "actual runs (from the hourly rollups: a run's edges are to the hour). Times in the "
            "house's zone. For the house's operators, admins and auditors."
        ),
        responses=INVALID | not_found("house") | refused(401, 403),
    )
    async def timeline(self, login: Login, house: CodeParam, from_: From, to: To) -> TimelineOut:
        found = await readable_house(login, house)
        starts, ends = checked_range(from_, to)
        return timeline_out(await load_timeline(found, starts, ends, shows_names(login)))

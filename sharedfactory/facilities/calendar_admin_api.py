"""House calendar administration: a house's holidays (national holidays, cuti bersama, its own
closing days) and its machines' maintenance windows.

Anyone logged in reads; the house's own operators and admins write; auditors and UMKM never do.
An addition answers with the live bookings it conflicts with (`conflicts`), for the house to
move with their UMKM: they are not moved here. Every refusal names its field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, delete, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from msgspec import Meta

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.rules_api import HouseCode, MachineCode, field_refusal
from sharedfactory.bookings.schemas import Moment, SlotOut, within_reach
from sharedfactory.businesses.registration import Printable
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities.calendar_conflicts import with_offers
from sharedfactory.facilities.maintenance_series import MAX_WEEKS, add_windows
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import Strict

Year = Annotated[
    int | None,
    Parameter(required=False, ge=cal.FIRST_YEAR, le=cal.LAST_YEAR, description="default: now"),
]
Day = Annotated[date, Parameter(description="the holiday, YYYY-MM-DD")]
WindowId = Annotated[int, Parameter(ge=1, le=2_147_483_647, description="maintenance window id")]
Reason = Annotated[str, Meta(min_length=1, max_length=200, pattern=Printable)]
CLASHES = {409: ResponseSpec(data_container=ErrorBody, description="clashes with what is there")}


class HolidayIn(msgspec.Struct, forbid_unknown_fields=True):
    day: Annotated[date, Meta(description="YYYY-MM-DD, between 2000 and 2100")]
    name: Annotated[str, Meta(min_length=1, max_length=200, pattern=Printable)]


class ConflictOut(msgspec.Struct):
    """A live booking the change falls on: the house moves it with its UMKM."""

    booking: str
    machine: str
    business: str
    starts_at: str  # ISO 8601 in the house's zone
    ends_at: str
    status: str
    label: str  # `2027-02-02 08.00–10.00 WIB`
    # The nearest free slots on machines of its type (move it: POST /bookings/{booking}/move).
    alternatives: list[SlotOut] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, c: cal.Conflict, alternatives: list[SlotOut] | None = None) -> ConflictOut:
        zone = ZoneInfo(c.zone)
        starts, ends = c.starts_at.astimezone(zone), c.ends_at.astimezone(zone)
        return cls(
            c.booking,
            c.machine,
            c.business,
            starts.isoformat(),
            ends.isoformat(),
            c.status,
            c.label,
            alternatives or [],
        )


async def offered(conflicts: list[cal.Conflict]) -> list[ConflictOut]:
    """The conflicts, each with the nearest free slots it could move to (the first 20)."""
    found = await with_offers(conflicts, cal.now())
    return [ConflictOut.of(o.conflict, [SlotOut.of(s) for s in o.slots]) for o in found]


class HolidayOut(msgspec.Struct):
    house: str
    day: date
    name: str


class HolidayAdded(HolidayOut, kw_only=True):
    conflicts: list[ConflictOut]


class WindowIn(msgspec.Struct, forbid_unknown_fields=True):
    """At most 14 days long, not over yet, starting at most two years ahead; `repeat_weeks`: the
    same window every week, that many weeks in all (then at most 7 days long), all or none."""

    starts_at: Moment
    ends_at: Moment
    reason: Reason
    repeat_weeks: Annotated[int, Meta(ge=1, le=MAX_WEEKS)] = 1


class WindowOut(msgspec.Struct):
    id: int
    machine: str
    house: str
    starts_at: str  # ISO 8601 in the house's zone
    ends_at: str
    reason: str
    label: str

    @classmethod
    def of(cls, w: cal.WindowView) -> WindowOut:
        zone = ZoneInfo(w.zone)
        starts, ends = w.starts_at.astimezone(zone), w.ends_at.astimezone(zone)
        return cls(
            w.id, w.machine, w.house, starts.isoformat(), ends.isoformat(), w.reason, w.label
        )


class WindowAdded(WindowOut, kw_only=True):
    conflicts: list[ConflictOut]
    repeats: list[WindowOut]  # the later weeks' windows of a repeated one (else empty)


def _writer(login: Viewer, house: str) -> None:
    if not cal.may_change(login, house):
        raise PermissionDeniedException(
            detail=f"house {house!r}: only its operators and admins change its calendar"
        )


async def _house(code: str) -> cal.HouseRef:
    try:
        return await cal.find_house(code)
    except cal.Missing as missing:
        raise NotFoundException(detail=str(missing)) from None


async def _machine(code: str) -> cal.MachineRef:
    try:
        return await cal.find_machine(code)
    except cal.Missing as missing:
        raise NotFoundException(detail=str(missing)) from None


def _refusal(refused: cal.CalendarRefused) -> Exception:
    return field_refusal(refused.status, refused.key, refused.message % refused.params)


class CalendarAdminApi(Controller):
    path = "/api/v1"
    tags = ("house calendar",)

    @get(
        "/houses/{house:str}/holidays",
        summary="A house's holidays in one year (national holidays, cuti bersama, its own)",
        responses=not_found("house") | refused(401),
    )
    async def holidays(
        self,
        login: Login,  # noqa: ARG002
        house: HouseCode,
        year: Year = None,
    ) -> list[HolidayOut]:
        found = await _house(house)
        days = await cal.holidays(found, year or cal.this_year(found))
        return [HolidayOut(house, h.day, h.name) for h in days]

    @post(
        "/houses/{house:str}/holidays",
        summary="Close the house on a day (its operators and admins); lists the bookings on it",
        status_code=201,
        responses=not_found("house") | refused(401, 403) | CLASHES,
    )
    async def add_holiday(
        self, login: Login, house: HouseCode, data: Strict[HolidayIn]
    ) -> HolidayAdded:
        found = await _house(house)
        _writer(login, house)
        try:
            conflicts = await cal.add_holiday(found, data.day, data.name, login.user_id)
        except cal.CalendarRefused as refusal:
            raise _refusal(refusal) from None
        out = await offered(conflicts)
        return HolidayAdded(house, data.day, data.name.strip(), conflicts=out)

    @delete(
        "/houses/{house:str}/holidays/{day:date}",
        summary="Open the house again on a holiday (its operators and admins)",
        responses=not_found("house or holiday") | refused(401, 403),
    )
    async def remove_holiday(self, login: Login, house: HouseCode, day: Day) -> None:
        found = await _house(house)
        _writer(login, house)
        try:
            await cal.remove_holiday(found, day, login.user_id)
        except cal.Missing as missing:
            raise NotFoundException(detail=str(missing)) from None

    @get(
        "/machines/{machine:str}/maintenance",
        summary="A machine's current and coming maintenance windows",
        responses=not_found("machine") | refused(401),
    )
    async def maintenance(self, login: Login, machine: MachineCode) -> list[WindowOut]:  # noqa: ARG002
        found = await _machine(machine)
        return [WindowOut.of(w) for w in await cal.windows(found.house, found)]

    @post(
        "/machines/{machine:str}/maintenance",
        summary="Take a machine down for maintenance, once or every week (its house's staff)",
        status_code=201,
        responses=not_found("machine") | refused(401, 403) | CLASHES,
    )
    async def add_maintenance(
        self, login: Login, machine: MachineCode, data: Strict[WindowIn]
    ) -> WindowAdded:
        found = await _machine(machine)
        _writer(login, found.house.code)
        starts, ends = (
            within_reach("starts_at", data.starts_at),
            within_reach("ends_at", data.ends_at),
        )
        try:
            added, conflicts = await add_windows(
                found, starts, ends, data.reason, data.repeat_weeks, login.user_id
            )
        except cal.CalendarRefused as refusal:
            raise _refusal(refusal) from None
        first, *later = (WindowOut.of(w) for w in added)
        return WindowAdded(
            **msgspec.structs.asdict(first),
            conflicts=await offered(conflicts),
            repeats=later,
        )

    @delete(
        "/maintenance/{window_id:int}",
        summary="Remove a maintenance window (its house's operators and admins)",
        responses=not_found("maintenance window") | refused(401, 403),
    )
    async def remove_maintenance(self, login: Login, window_id: WindowId) -> None:
        try:
            window = await cal.find_window(window_id)
        except cal.Missing as missing:
            raise NotFoundException(detail=str(missing)) from None
        _writer(login, window.house)
        await cal.remove_window(window, login.user_id)

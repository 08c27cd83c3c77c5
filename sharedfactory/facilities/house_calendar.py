"""A house's calendar: its holidays (national holidays, cuti bersama, its own closing days) and
its machines' maintenance windows, read, added and removed.

An addition answers with the live bookings it conflicts with, for the operator to move with their
UMKM; nothing is moved or cancelled here. Maintenance windows are added (once, or every week for a
few weeks) by `maintenance_series`. Every change drops the slot search's cached facts, so
the next search sees it. Used by `calendar_admin_api` (JSON) and `web.calendar_admin_pages`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from sharedfactory.accounts.service import Viewer
from sharedfactory.audit import events as audit
from sharedfactory.bookings.house_facts import forget_cached_facts
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking
from sharedfactory.businesses.registration import Printable
from sharedfactory.facilities.tables import Holiday, House, Machine, MaintenanceWindow
from sharedfactory.i18n.formats import clock, period


def _(text: str) -> str:
    """Marks a message for the catalogue; the edge translates it."""
    return text


# Live bookings: they hold machine time still to come (`completed` ones are history).
LIVE_STATUSES = tuple(status for status in HOLDING_STATUSES if status != "completed")
MAX_WINDOW = timedelta(days=14)
MAX_AHEAD = timedelta(days=730)
FIRST_YEAR, LAST_YEAR = 2000, 2100
TEXT = re.compile(Printable)


class CalendarRefused(ValueError):
    """A refused change, naming its field: `status` 400 (bad value) or 409 (clashes)."""

    def __init__(self, status: int, key: str, message: str, **params: str) -> None:
        super().__init__(f"{key}: {message % params}")
        self.status, self.key, self.message, self.params = status, key, message, params


class Missing(LookupError):
    """No such house, machine, holiday or window (the edge answers 404)."""


@dataclass(frozen=True)
class HouseRef:
    pk: int
    code: str
    name: str
    zone: str


@dataclass(frozen=True)
class MachineRef:
    pk: int
    code: str
    name: str
    house: HouseRef


@dataclass(frozen=True)
class HolidayView:
    day: date
    name: str


@dataclass(frozen=True)
class _Timed:
    starts_at: datetime
    ends_at: datetime
    zone: str

    @property
    def label(self) -> str:
        """`2027-02-02 08.00–16.00 WIB`, or `2027-02-02 08.00 WIB – 2027-02-04 17.00 WIB`."""
        starts, ends, zone = self.starts_at, self.ends_at, ZoneInfo(self.zone)
        if starts.astimezone(zone).date() == ends.astimezone(zone).date():
            return period(starts, ends, self.zone)
        return f"{starts.astimezone(zone):%Y-%m-%d} {clock(starts, self.zone)} – " + (
            f"{ends.astimezone(zone):%Y-%m-%d} {clock(ends, self.zone)}"
        )


@dataclass(frozen=True)
class WindowView(_Timed):
    id: int
    machine: str
    machine_name: str
    house: str
    reason: str


@dataclass(frozen=True)
class Conflict(_Timed):
    booking: str
    machine: str
    business: str
    business_name: str
    status: str


def now() -> datetime:
    return datetime.now(UTC)


def may_change(viewer: Viewer, house: str) -> bool:
    """Admins, and the operators of this house; nobody else changes its calendar."""
    return viewer.role == "admin" or (viewer.role == "operator" and viewer.house == house)


def this_year(house: HouseRef) -> int:
    return now().astimezone(ZoneInfo(house.zone)).year


async def find_house(code: str) -> HouseRef:
    row = (
        await House.select(House._meta.primary_key.as_alias("pk"), House.name, House.timezone)
        .where(House.code == code)
        .first()
        .run()
    )
    if row is None:
        raise Missing(f"house {code!r} does not exist")
    return HouseRef(row["pk"], code, row["name"], row["timezone"])


async def find_machine(code: str, house: str | None = None) -> MachineRef:
    query = Machine.select(
        Machine._meta.primary_key.as_alias("pk"),
        Machine.name,
        Machine.house.code.as_alias("house"),
    ).where(Machine.code == code)
    if house is not None:
        query = query.where(Machine.house.code == house)
    row = await query.first().run()
    if row is None:
        raise Missing(f"machine {code!r} does not exist")
    return MachineRef(row["pk"], code, row["name"], await find_house(row["house"]))


def plain_text(key: str, value: str) -> str:
    if not 1 <= len(value) <= 200 or TEXT.fullmatch(value) is None:
        raise CalendarRefused(400, key, _("write 1 to 200 characters, not only spaces"))
    return value.strip()


async def holidays(house: HouseRef, year: int) -> list[HolidayView]:
    rows = (
        await Holiday.select(Holiday.day, Holiday.name)
        .where(
            Holiday.house == house.pk,
            Holiday.day >= date(year, 1, 1),
            Holiday.day <= date(year, 12, 31),
        )
        .order_by(Holiday.day)
        .run()
    )
    return [HolidayView(row["day"], row["name"]) for row in rows]


async def add_holiday(
    house: HouseRef, day: date, name: str, actor: int | None = None
) -> list[Conflict]:
    """The house closes on `day`; answers the live bookings on that day (house time).
    `actor`: the user adding it (for the audit log)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarRefused(400, "day", _("give a day between the years 2000 and 2100"))
    name = plain_text("name", name)
    taken = CalendarRefused(409, "day", _("this day is already a holiday"))
    if await Holiday.exists().where(Holiday.house == house.pk, Holiday.day == day).run():
        raise taken
    try:
        await Holiday.insert(Holiday(house=house.pk, day=day, name=name)).run()
    except (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError):
        raise taken from None  # added meanwhile by someone else
    forget_cached_facts()
    await audit.holiday_changed("holiday.added", house, day, name, actor)
    return await holiday_conflicts(house, day)


async def remove_holiday(house: HouseRef, day: date, actor: int | None = None) -> None:
    where = (Holiday.house == house.pk) & (Holiday.day == day)
    if not await Holiday.exists().where(where).run():
        raise Missing(f"house {house.code!r} has no holiday on {day.isoformat()}")
    await Holiday.delete().where(where).run()
    forget_cached_facts()
    await audit.holiday_changed("holiday.removed", house, day, None, actor)


async def holiday_conflicts(house: HouseRef, day: date) -> list[Conflict]:
    """Live bookings of the house's machines that touch the day (also runs across midnight)."""
    zone = ZoneInfo(house.zone)
    starts, ends = (datetime.combine(d, time(0), zone) for d in (day, day + timedelta(days=1)))
    where = (Booking.machine._.house == house.pk) & (Booking.starts_at < ends)
    return await _conflicts(where & (Booking.ends_at > starts), house.zone)


async def _conflicts(where: Any, zone: str) -> list[Conflict]:
    rows = (
        await Booking.select(
            Booking.code.as_alias("booking"),
            Booking.machine.code.as_alias("machine"),
            Booking.business.code.as_alias("business"),
            Booking.business.name.as_alias("business_name"),
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
        )
        .where(where, Booking.status.is_in(list(LIVE_STATUSES)))
        .order_by(Booking.starts_at)
        .run()
    )
    return [Conflict(**row, zone=zone) for row in rows]


def check_window(starts: datetime, ends: datetime, moment: datetime) -> None:
    """A window ends after it starts, lasts at most 14 days, is not over yet and starts at most
    two years ahead."""
    if ends <= starts:
        raise CalendarRefused(400, "ends_at", _("must be after the start"))
    if ends - starts > MAX_WINDOW:
        raise CalendarRefused(400, "ends_at", _("a maintenance window lasts at most 14 days"))
    if ends <= moment:
        raise CalendarRefused(400, "ends_at", _("must be in the future"))
    if starts > moment + MAX_AHEAD:
        raise CalendarRefused(400, "starts_at", _("at most two years ahead"))


WINDOW_COLUMNS = (
    MaintenanceWindow._meta.primary_key.as_alias("id"),
    MaintenanceWindow.machine.code.as_alias("machine"),
    MaintenanceWindow.machine.name.as_alias("machine_name"),
    MaintenanceWindow.machine._.house._.code.as_alias("house"),
    MaintenanceWindow.machine._.house._.timezone.as_alias("zone"),
    MaintenanceWindow.starts_at,
    MaintenanceWindow.ends_at,
    MaintenanceWindow.reason,
)


async def windows(house: HouseRef, machine: MachineRef | None = None) -> list[WindowView]:
    """The current and coming maintenance windows of the house's machines (or of one)."""
    query = MaintenanceWindow.select(*WINDOW_COLUMNS).where(
        MaintenanceWindow.machine._.house == house.pk, MaintenanceWindow.ends_at > now()
    )
    if machine is not None:
        query = query.where(MaintenanceWindow.machine == machine.pk)
    rows = await query.order_by(MaintenanceWindow.starts_at).run()
    return [WindowView(**row) for row in rows]


async def find_window(window_id: int) -> WindowView:
    row = (
        await MaintenanceWindow.select(*WINDOW_COLUMNS)
        .where(MaintenanceWindow._meta.primary_key == window_id)
        .first()
        .run()
    )
    if row is None:
        raise Missing(f"maintenance window {window_id} does not exist")
    return WindowView(**row)


async def remove_window(window: WindowView, actor: int | None = None) -> None:
    await MaintenanceWindow.delete().where(MaintenanceWindow._meta.primary_key == window.id).run()
    forget_cached_facts()
    await audit.maintenance_changed("maintenance.removed", window, actor)


async def window_conflicts(window: WindowView) -> list[Conflict]:
    where = (
        (Booking.machine.code == window.machine)
        & (Booking.starts_at < window.ends_at)
        & (Booking.ends_at > window.starts_at)
    )
    return await _conflicts(where, window.zone)

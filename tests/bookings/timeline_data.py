"""The timeline tests' own rows in house `jembrana` (WITA), week +9 after the demo week: bookings on
the roaster (one with a buffer, one that needs a changeover after it, one cancelled), a
maintenance window on the winnower, hourly rollups of two runs, and an undecided optimiser plan.
Written straight into the database and removed afterwards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sharedfactory.bookings.tables import Booking, Plan
from sharedfactory.businesses.tables import Business
from sharedfactory.devices.tables import HourlyRollup
from sharedfactory.facilities.tables import House, Machine, MaintenanceWindow
from sharedfactory.notices.tables import Notice
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday

HOUSE = "jembrana"
WITA = ZoneInfo("Asia/Makassar")
WEEK = booking_monday(9)
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (WEEK + timedelta(days=d) for d in (1, 2, 3, 4))
ROASTER, WINNOWER = "jembrana-roaster-1", "jembrana-winnower-1"
MENDOYO = "cokelat-mendoyo"
JEGOG = "cokelat-jegog"  # makes a non-halal praline
CODES = ("bk-tl-a", "bk-tl-b", "bk-tl-c")
REQUEST = "rq-tl-1"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), WITA)


def hour_ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


@dataclass(frozen=True)
class Rows:
    plan: int
    window: int


async def _pk(table, code: str) -> int:  # type: ignore[no-untyped-def]
    row = await table.select(table._meta.primary_key.as_alias("pk")).where(table.code == code)
    return int(row[0]["pk"])


async def _bookings() -> list[Booking]:
    roaster = await _pk(Machine, ROASTER)
    mendoyo, jegog = await _pk(Business, MENDOYO), await _pk(Business, JEGOG)
    halal, non_halal = await _pk(ProductClass, "halal"), await _pk(ProductClass, "non-halal")

    def booking(code, business, kind, starts, minutes, status, buffer=0):  # type: ignore[no-untyped-def]
        ends = starts + timedelta(minutes=minutes)
        return Booking(
            code=code,
            machine=roaster,
            business=business,
            product_class=kind,
            starts_at=starts,
            ends_at=ends,
            released_at=ends + timedelta(minutes=buffer),
            status=status,
            quantity=Decimal(20),
            product="Cokelat batang" if kind == halal else "Praline",
        )

    return [
        booking(CODES[0], mendoyo, halal, at(TUESDAY, 9), 120, "confirmed", buffer=15),
        booking(CODES[1], jegog, non_halal, at(TUESDAY, 11, 40), 60, "pending"),
        booking(CODES[2], mendoyo, halal, at(WEDNESDAY, 9), 60, "cancelled"),
    ]


def _rollups(roaster: int) -> list[HourlyRollup]:
    """Tuesday 09.30-11.10 (half of 09.00, all of 10.00, ten minutes of 11.00) and a lone quarter
    hour at 14.00."""
    hours = ((at(TUESDAY, 9), 1800), (at(TUESDAY, 10), 3600), (at(TUESDAY, 11), 600))
    hours += ((at(TUESDAY, 14), 900),)
    return [
        HourlyRollup(machine=roaster, hour_ms=hour_ms(h), running_s=s, off_s=3600 - s)
        for h, s in hours
    ]


def _plan(house: int) -> Plan:
    starts, ends = at(FRIDAY, 9), at(FRIDAY, 10, 30)
    problem = {
        "version": 1,
        "horizon": {"start": at(WEEK, 8).isoformat(), "end": at(FRIDAY, 16).isoformat()},
        "requests": [
            {"id": f"{CODES[0]}", "tasks": [{"id": f"{CODES[0]}/run"}]},
            {"id": REQUEST, "business": MENDOYO, "tasks": []},
            {"id": "rq-tl-2", "business": JEGOG, "tasks": []},
        ],
        "fixed": [
            {"task": f"{CODES[0]}/run", "machine": ROASTER, "start": at(TUESDAY, 9).isoformat()}
        ],
    }
    solution = {
        "status": "feasible",
        "objective": 12.0,
        "assignments": [
            {
                "request": CODES[0],
                "task": f"{CODES[0]}/run",
                "machine": ROASTER,
                "start": at(TUESDAY, 9).isoformat(),
                "end": at(TUESDAY, 11).isoformat(),
            },
            {
                "request": REQUEST,
                "task": f"{REQUEST}/1-cocoa_roaster",
                "machine": ROASTER,
                "start": starts.isoformat(),
                "end": ends.isoformat(),
            },
        ],
        "unserved": [{"request": "rq-tl-2", "reason": "no roaster window before its deadline"}],
    }
    return Plan(
        house=house,
        status="proposed",
        created_at=datetime.now(UTC),
        problem=json.dumps(problem),
        solution=json.dumps(solution),
    )


async def insert_rows() -> Rows:
    roaster, winnower = await _pk(Machine, ROASTER), await _pk(Machine, WINNOWER)
    await Booking.insert(*await _bookings()).run()
    await HourlyRollup.insert(*_rollups(roaster)).run()
    window = MaintenanceWindow(
        machine=winnower,
        starts_at=at(THURSDAY, 8),
        ends_at=at(THURSDAY, 12),
        reason="Ganti saringan",
    )
    plan = _plan(await _pk(House, HOUSE))
    ids = []
    for row in (window, plan):
        inserted = await row.__class__.insert(row).returning(row.__class__._meta.primary_key)
        ids.append(int(inserted[0]["id"]))
    return Rows(plan=ids[1], window=ids[0])


async def remove_rows(rows: Rows) -> None:
    roaster = await _pk(Machine, ROASTER)
    await Booking.delete().where(Booking.code.is_in(list(CODES))).run()
    hours = [r.hour_ms for r in _rollups(roaster)]
    await HourlyRollup.delete().where(
        HourlyRollup.machine == roaster, HourlyRollup.hour_ms.is_in(hours)
    )
    await MaintenanceWindow.delete().where(MaintenanceWindow.id == rows.window).run()
    await Plan.delete().where(Plan.id == rows.plan).run()
    await Notice.delete().where(Notice.subject.like("%bk-tl-%")).run()


@asynccontextmanager
async def timeline_rows() -> AsyncIterator[Rows]:
    rows = await insert_rows()
    try:
        yield rows
    finally:
        await remove_rows(rows)

"""A house's timeline from the database: its machines in order, and for a range of time the
bookings, the proposals of its optimiser plans still waiting for a decision, the maintenance
windows, the cleaning after bookings and the actual runs (`timeline_items` does the arithmetic).

Read by `timeline_api` (JSON), `web.timeline_pages` (the operator's page) and the plan page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking, Plan
from sharedfactory.bookings.timeline_items import (
    HOUR_MS,
    Booked,
    Item,
    cleaning,
    runs_from_rollups,
    within,
)
from sharedfactory.businesses.tables import Business
from sharedfactory.devices.tables import HourlyRollup
from sharedfactory.facilities.house_calendar import HouseRef
from sharedfactory.facilities.queries import MachineView, list_machines
from sharedfactory.facilities.tables import MaintenanceWindow
from sharedfactory.products.tables import Changeover

MAX_RANGE = timedelta(days=14)
# Shown on the timeline: what holds a machine, and the no-shows (booked but never used).
SHOWN_STATUSES = (*HOLDING_STATUSES, "no_show")
# Cleaning after a booking just outside the range can reach into it.
MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Timeline:
    house: HouseRef
    starts: datetime
    ends: datetime
    machines: list[MachineView]
    items: list[Item]


async def load_timeline(
    house: HouseRef, starts: datetime, ends: datetime, names: bool, plan: int | None = None
) -> Timeline:
    """Everything on the house's machines that touches [starts, ends). `names`: with the
    businesses' names (house staff), else their codes only; `plan`: the proposal of that plan
    only, instead of every plan still waiting for a decision."""
    machines = await list_machines(house.code)
    rows = await _bookings(house, starts - MARGIN, ends + MARGIN)
    booked = [_booked(row) for row in rows if row["status"] in HOLDING_STATUSES]
    items = [_booking_item(row, names) for row in rows]
    items += cleaning(booked, await _changeovers())
    items += await _maintenance(house, starts, ends)
    steps = await proposals(house, starts, ends, plan)
    items += await with_names(steps) if names else steps
    items += runs_from_rollups(await _running_hours(house, starts, ends))
    return Timeline(house, starts, ends, machines, within(items, starts, ends))


async def _bookings(house: HouseRef, starts: datetime, ends: datetime) -> list[dict[str, Any]]:
    return await (
        Booking.select(
            Booking.code,
            Booking.machine.code.as_alias("machine"),
            Booking.starts_at,
            Booking.ends_at,
            Booking.released_at,
            Booking.status,
            Booking.product_class.code.as_alias("product_class"),
            Booking.business.code.as_alias("business"),
            Booking.business.name.as_alias("business_name"),
        )
        .where(
            Booking.machine._.house == house.pk,
            Booking.status.is_in(list(SHOWN_STATUSES)),
            Booking.starts_at < ends,
            Booking.ends_at > starts,
        )
        .order_by(Booking.starts_at)
        .run()
    )


def _booked(row: dict[str, Any]) -> Booked:
    released = row["released_at"] or row["ends_at"]
    return Booked(
        row["code"],
        row["machine"],
        row["starts_at"],
        row["ends_at"],
        released,
        row["product_class"],
    )


def _booking_item(row: dict[str, Any], names: bool) -> Item:
    return Item(
        "booking",
        row["machine"],
        row["starts_at"],
        row["ends_at"],
        booking=row["code"],
        status=row["status"],
        business=row["business"],
        business_name=row["business_name"] if names else None,
    )


async def _changeovers() -> dict[tuple[str, str], int]:
    rows = await Changeover.select(
        Changeover.from_class.code.as_alias("a"),
        Changeover.to_class.code.as_alias("b"),
        Changeover.minutes,
    ).run()
    return {(row["a"], row["b"]): row["minutes"] for row in rows}


async def _maintenance(house: HouseRef, starts: datetime, ends: datetime) -> list[Item]:
    rows = (
        await MaintenanceWindow.select(
            MaintenanceWindow.machine.code.as_alias("machine"),
            MaintenanceWindow.starts_at,
            MaintenanceWindow.ends_at,
            MaintenanceWindow.reason,
        )
        .where(
            MaintenanceWindow.machine._.house == house.pk,
            MaintenanceWindow.starts_at < ends,
            MaintenanceWindow.ends_at > starts,
        )
        .run()
    )
    return [
        Item("maintenance", r["machine"], r["starts_at"], r["ends_at"], note=r["reason"])
        for r in rows
    ]


async def proposals(
    house: HouseRef, starts: datetime, ends: datetime, plan_id: int | None = None
) -> list[Item]:
    """The steps of the house's plans waiting for the operator's decision (or of one plan)."""
    query = Plan.select(Plan._meta.primary_key.as_alias("pk"), Plan.problem, Plan.solution)
    if plan_id is None:
        query = query.where(Plan.house == house.pk, Plan.status == "proposed")
    else:
        query = query.where(Plan._meta.primary_key == plan_id)
    found = []
    for row in await query.run():
        problem, solution = (_json(row[key]) for key in ("problem", "solution"))
        owners = {r["id"]: r.get("business") for r in problem.get("requests", [])}
        for a in solution.get("assignments", []):
            step = _proposed(a, owners, row["pk"])
            if step is not None and step.starts < ends and starts < step.ends:
                found.append(step)
    return found


async def with_names(items: list[Item]) -> list[Item]:
    """The items with their business's name filled in (for house staff)."""
    codes = sorted({i.business for i in items if i.business})
    rows = await Business.select(Business.code, Business.name).where(
        Business.code.is_in(codes or [""])
    )
    named = {row["code"]: row["name"] for row in rows}
    return [replace(i, business_name=named.get(i.business or "")) for i in items]


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _proposed(a: dict[str, Any], owners: dict[str, Any], plan: int) -> Item | None:
    if a["task"].endswith("/run"):  # a booking the plan keeps where it is
        return None
    return Item(
        "proposal",
        a["machine"],
        datetime.fromisoformat(a["start"]),
        datetime.fromisoformat(a["end"]),
        booking=a["request"],
        status="proposed",
        business=owners.get(a["request"]),
        note=a["task"],
        plan=plan,
    )


async def _running_hours(
    house: HouseRef, starts: datetime, ends: datetime
) -> list[tuple[str, int, int]]:
    first = int(starts.timestamp() * 1000) - HOUR_MS
    last = int(ends.timestamp() * 1000)
    rows = (
        await HourlyRollup.select(
            HourlyRollup.machine.code.as_alias("machine"),
            HourlyRollup.hour_ms,
            HourlyRollup.running_s,
        )
        .where(
            HourlyRollup.machine._.house == house.pk,
            HourlyRollup.hour_ms >= first,
            HourlyRollup.hour_ms < last,
            HourlyRollup.running_s > 0,
        )
        .run()
    )
    return [(r["machine"], r["hour_ms"], r["running_s"]) for r in rows]


@dataclass(frozen=True)
class BookingDetail:
    code: str
    machine: str
    machine_name: str
    business: str
    business_name: str
    product: str
    quantity: float
    unit: str
    product_class: str
    status: str
    starts: datetime
    ends: datetime


async def booking_detail(house: HouseRef, code: str) -> BookingDetail | None:
    """One booking of the house's machines, for its details on the timeline (None: not there)."""
    row = (
        await Booking.select(
            Booking.code,
            Booking.machine.code.as_alias("machine"),
            Booking.machine.name.as_alias("machine_name"),
            Booking.business.code.as_alias("business"),
            Booking.business.name.as_alias("business_name"),
            Booking.product,
            Booking.quantity,
            Booking.machine._.machine_type._.batch_unit.as_alias("unit"),
            Booking.product_class.code.as_alias("product_class"),
            Booking.status,
            Booking.starts_at.as_alias("starts"),
            Booking.ends_at.as_alias("ends"),
        )
        .where(Booking.code == code, Booking.machine._.house == house.pk)
        .first()
        .run()
    )
    return None if row is None else BookingDetail(**{**row, "quantity": float(row["quantity"])})


async def plan_problem(plan_id: int) -> dict[str, Any]:
    """The scheduling problem an optimiser plan was solved for (its horizon, the fixed bookings)."""
    row = await Plan.select(Plan.problem).where(Plan._meta.primary_key == plan_id).first().run()
    return {} if row is None else _json(row["problem"])

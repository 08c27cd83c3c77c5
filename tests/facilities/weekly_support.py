"""Shared by the weekly calendar's tests: house `minahasa-selatan` (the only house they write
in), week +9 after the demo week, the clock on the Friday before it, and the helpers that put the
house's week back and delete the bookings a test made."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.audit.tables import AuditEvent
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities.tables import (
    Holiday,
    House,
    OpeningHours,
    Operator,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.notices.tables import Notice
from tests.conftest import booking_monday
from tests.factories import insert_bookings

HOUSE = "minahasa-selatan"
ZONE = ZoneInfo("Asia/Makassar")
WEEK = booking_monday(9)
FRIDAY_BEFORE = datetime.combine(WEEK - timedelta(days=3), time(8), ZONE)
GRATER, PRESS = "minahasa-selatan-grater-1", "minahasa-selatan-press-1"
SEPARATOR, HEATER = "minahasa-selatan-separator-1", "minahasa-selatan-heater-1"
JOHNY = "op-minsel-johny"  # certified for grater, press, separator, heater; Mon-Sat 08-16
BUSINESS = "minyak-kelapa-tumpaan"  # a halal UMKM of the cluster with a valid halal certificate
OPERATOR = ("operator.minahasa-selatan@demo.sharedfactory.id", "demo-operator-2026")
SEEDED_HOURS = [
    *({"weekday": d, "opens": "08:00", "closes": "16:00"} for d in range(5)),
    {"weekday": 5, "opens": "08:00", "closes": "12:00"},
]
HOURS = f"/api/v1/houses/{HOUSE}/opening-hours"


async def log_in_operator(client) -> None:
    email, password = OPERATOR
    answer = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 201, answer.text


async def open_days() -> list[date]:
    """Monday to Saturday of week +9, less the demo's holidays."""
    rows = await Holiday.select(Holiday.day).where(Holiday.house.code == HOUSE)
    closed = {row["day"] for row in rows}
    return [WEEK + timedelta(days=n) for n in range(6) if WEEK + timedelta(days=n) not in closed]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def _plain(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


@asynccontextmanager
async def restored_week() -> AsyncIterator[None]:
    """Whatever a test changes in the house's hours, operators, shifts and certifications goes
    back as it was (new operators are deleted)."""
    house = (await House.select(House.id).where(House.code == HOUSE).first())["id"]
    hours = await OpeningHours.select().where(OpeningHours.house == house)
    operators = [r["id"] for r in await Operator.select(Operator.id).where(Operator.house == house)]
    shifts = await OperatorShift.select().where(OperatorShift.operator.is_in(operators))
    certified = await OperatorMachine.select().where(OperatorMachine.operator.is_in(operators))
    try:
        yield
    finally:
        await OpeningHours.delete().where(OpeningHours.house == house)
        await OpeningHours.insert(*(OpeningHours(**_plain(r)) for r in hours))
        await Operator.delete().where(Operator.house == house, Operator.id.not_in(operators))
        await OperatorShift.delete().where(OperatorShift.operator.is_in(operators))
        await OperatorShift.insert(*(OperatorShift(**_plain(r)) for r in shifts))
        await OperatorMachine.delete().where(OperatorMachine.operator.is_in(operators))
        await OperatorMachine.insert(*(OperatorMachine(**_plain(r)) for r in certified))
        forget_cached_facts()


@asynccontextmanager
async def booked_codes() -> AsyncIterator[list[str]]:
    """Codes of the bookings a test inserts (`book`); deleted afterwards with their notices."""
    codes: list[str] = []
    try:
        yield codes
    finally:
        await Booking.delete().where(Booking.code.is_in(codes or ["-"]))
        for code in codes:
            await Notice.delete().where(Notice.subject.like(f"%{code}%"))


async def book(codes: list[str], code: str, machine: str, starts: datetime, hours: float) -> None:
    await insert_bookings(BUSINESS, [(code, machine, starts, hours, "confirmed")])
    codes.append(code)
    forget_cached_facts()


async def last_event(kind: str, subject: str) -> dict:
    row = (
        await AuditEvent.select()
        .where(AuditEvent.kind == kind, AuditEvent.subject == subject)
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    assert row is not None, f"no {kind} event about {subject}"
    return row | {"data": json.loads(row["data"])}

"""Which halal bookings wait for a cleaning record, and the record that cleared each one.

PRODUCT.md: a non-halal run on a shared machine needs a recorded cleaning before the next halal
run. So a halal booking on a `shared` machine whose previous run there (the latest confirmed or
completed booking ending at or before its start) was non-halal is *held* until a cleaning
record of that machine exists with `cleaned_at` between the end of that run and the end of the
booking. Held means: the house cannot check the UMKM in, the sweeper does not call it a no-show
(the wait is the house's, not the UMKM's), and the pages say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sharedfactory.bookings.tables import Booking
from sharedfactory.cleaning.tables import CleaningRecord

RAN = ("confirmed", "completed")  # a no-show ran nothing; a cancelled booking neither
WAITING = ("pending", "confirmed")


@dataclass(frozen=True)
class Run:
    code: str
    machine_pk: int
    machine: str
    halal: bool
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Hold:
    """`booking` waits for a cleaning of `machine` after the non-halal run `after`."""

    booking: str
    machine: str
    after: str
    after_ended: datetime
    starts_at: datetime


@dataclass(frozen=True)
class Cleaning:
    id: int
    cleaned_at: datetime
    cleaned_by: str
    evidence_sha256: str


def needs_cleaning(booking: Run, previous: Run | None, machine_status: str) -> bool:
    """PURE: only halal work after a non-halal run on a shared machine needs the record."""
    return (
        booking.halal and machine_status == "shared" and previous is not None and not previous.halal
    )


def clearing(booking: Run, previous: Run, records: Sequence[Cleaning]) -> Cleaning | None:
    """PURE: the earliest record that cleans between the previous run and the booking's end."""
    fitting = [r for r in records if previous.ends_at <= r.cleaned_at < booking.ends_at]
    return min(fitting, key=lambda r: (r.cleaned_at, r.id), default=None)


def _booking_columns() -> tuple[Any, ...]:
    b = Booking
    return (
        b.code,
        b.machine.as_alias("machine_pk"),
        b.machine.code.as_alias("machine"),
        b.product_class.halal.as_alias("halal"),
        b.starts_at,
        b.ends_at,
    )


def _run(row: dict[str, Any]) -> Run:
    return Run(
        row["code"],
        row["machine_pk"],
        row["machine"],
        bool(row["halal"]),
        row["starts_at"],
        row["ends_at"],
    )


async def _previous(booking: Run) -> Run | None:
    b = Booking
    row = await (
        b.select(*_booking_columns())
        .where(b.machine == booking.machine_pk, b.status.is_in(list(RAN)))
        .where(b.ends_at <= booking.starts_at, b.code != booking.code)
        .order_by(b.ends_at, ascending=False)
        .first()
    )
    return None if row is None else _run(row)


async def _records(machine_pk: int, since: datetime) -> list[Cleaning]:
    c = CleaningRecord
    rows = await c.select(c._meta.primary_key, c.cleaned_at, c.cleaned_by, c.evidence_sha256).where(
        c.machine == machine_pk, c.cleaned_at >= since
    )
    return [Cleaning(r["id"], r["cleaned_at"], r["cleaned_by"], r["evidence_sha256"]) for r in rows]


async def _state(booking: Run, machine_status: str) -> tuple[Run | None, Cleaning | None]:
    """(the non-halal run the booking must be cleaned after, or None; the record that did)."""
    previous = await _previous(booking)
    if previous is None or not needs_cleaning(booking, previous, machine_status):
        return None, None
    return previous, clearing(
        booking, previous, await _records(booking.machine_pk, previous.ends_at)
    )


async def _one(code: str) -> tuple[Run, str] | None:
    b = Booking
    row = await (
        b.select(*_booking_columns(), b.machine.halal_status.as_alias("status"))
        .where(b.code == code)
        .first()
    )
    return None if row is None else (_run(row), row["status"])


async def hold_of(code: str) -> Hold | None:
    """The hold on one booking, or None when it may run."""
    found = await _one(code)
    if found is None:
        return None
    booking, status = found
    previous, record = await _state(booking, status)
    if previous is None or record is not None:
        return None
    return Hold(booking.code, booking.machine, previous.code, previous.ends_at, booking.starts_at)


async def clearing_evidence(code: str) -> dict[str, Any] | None:
    """For a quality record: the cleaning a halal batch relied on, or None when it needed none
    (a record that was needed and is missing is said as `{"missing": true}`)."""
    found = await _one(code)
    if found is None:
        return None
    previous, record = await _state(*found)
    if previous is None:
        return None
    if record is None:
        return {"after": previous.code, "missing": True}
    return {
        "after": previous.code,
        "record": record.id,
        "cleaned_at": record.cleaned_at.isoformat(),
        "cleaned_by": record.cleaned_by,
        "evidence_sha256": record.evidence_sha256,
    }


async def holds_in_house(house: str, since: datetime, until: datetime) -> list[Hold]:
    """Every held booking of a house starting in [since, until), earliest first."""
    b = Booking
    rows = await (
        b.select(*_booking_columns(), b.machine.halal_status.as_alias("status"))
        .where(b.machine._.house._.code == house, b.status.is_in(list(WAITING)))
        .where(
            b.product_class._.halal == True,  # noqa: E712
            b.machine.halal_status == "shared",
        )
        .where(b.starts_at >= since, b.starts_at < until)
        .order_by(b.starts_at)
    )
    holds = []
    for row in rows:
        booking = _run(row)
        previous, record = await _state(booking, row["status"])
        if previous is not None and record is None:
            holds.append(
                Hold(
                    booking.code,
                    booking.machine,
                    previous.code,
                    previous.ends_at,
                    booking.starts_at,
                )
            )
    return holds

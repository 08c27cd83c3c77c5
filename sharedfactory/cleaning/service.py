"""Recording a cleaning with its evidence, and reading a house's records.

Everything is checked before anything is written: the file is stored (content-addressed, so a
failed insert leaves at most an unreferenced file, never a record without its file), then the
record and its audit event `cleaning.recorded` are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sharedfactory.accounts.service import Viewer
from sharedfactory.audit.chain import append
from sharedfactory.bookings.tables import Booking
from sharedfactory.cleaning.evidence import (
    EvidenceRefused,
    EvidenceStore,
    accepted_type,
    clean_name,
)
from sharedfactory.cleaning.hold import RAN
from sharedfactory.cleaning.tables import CleaningRecord
from sharedfactory.facilities.tables import Machine

FUTURE_SLACK = timedelta(minutes=10)  # a device clock a little ahead is not a lie
OLDEST = timedelta(days=90)


def _(text: str) -> str:
    """Marks a text for the catalogue; pages translate it where they show it."""
    return text


class Missing(LookupError):
    pass


class CleaningRefused(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CleaningIn:
    machine: str
    cleaned_at: datetime
    cleaned_by: str
    what: str
    after_booking: str | None = None


@dataclass(frozen=True)
class Evidence:
    data: bytes
    filename: str | None


@dataclass(frozen=True)
class CleaningView:
    id: int
    machine: str
    house: str
    after_booking: str | None
    cleaned_at: datetime
    cleaned_by: str
    what: str
    evidence_sha256: str
    evidence_type: str
    evidence_bytes: int
    evidence_name: str
    recorded_at: datetime


async def _machine(code: str, viewer: Viewer) -> tuple[int, str]:
    row = await (
        Machine.select(Machine._meta.primary_key, Machine.house.code.as_alias("house"))
        .where(Machine.code == code)
        .first()
    )
    if row is None or not (viewer.role == "admin" or viewer.house == row["house"]):
        raise Missing(f"machine {code!r} does not exist")
    return row["id"], row["house"]


def _checked_text(entry: CleaningIn, now: datetime) -> None:
    if entry.cleaned_at.tzinfo is None:
        raise CleaningRefused("cleaned_at", _("give the time with its zone"))
    if entry.cleaned_at > now + FUTURE_SLACK:
        raise CleaningRefused("cleaned_at", _("a cleaning cannot be recorded before it happens"))
    if entry.cleaned_at < now - OLDEST:
        raise CleaningRefused("cleaned_at", _("older than 90 days: ask the admin"))
    if not 1 <= len(entry.cleaned_by.strip()) <= 200:
        raise CleaningRefused("cleaned_by", _("say who cleaned (at most 200 characters)"))
    if not 3 <= len(entry.what.strip()) <= 1000:
        raise CleaningRefused("what", _("say what was cleaned and how (3 to 1000 characters)"))


async def _after(entry: CleaningIn, machine_pk: int) -> int | None:
    if entry.after_booking is None:
        return None
    b = Booking
    row = (
        await b.select(b._meta.primary_key, b.machine, b.status, b.ends_at)
        .where(b.code == entry.after_booking)
        .first()
    )
    if row is None or row["machine"] != machine_pk:
        raise CleaningRefused("after_booking", _("no such booking on this machine"))
    if row["status"] not in RAN or row["ends_at"] > entry.cleaned_at:
        raise CleaningRefused("after_booking", _("the cleaning must follow a run that has ended"))
    return int(row["id"])


async def record_cleaning(
    entry: CleaningIn, evidence: Evidence, viewer: Viewer, store: EvidenceStore, now: datetime
) -> int:
    """The new record's id; Missing for a machine outside the viewer's scope, CleaningRefused
    (with the field) for anything else wrong."""
    machine_pk, house = await _machine(entry.machine, viewer)
    _checked_text(entry, now)
    after_pk = await _after(entry, machine_pk)
    try:
        kind = accepted_type(evidence.data)
    except EvidenceRefused as refused:
        raise CleaningRefused("evidence", str(refused)) from None
    sha256 = store.put(evidence.data)
    name = clean_name(evidence.filename)
    async with CleaningRecord._meta.db.transaction():
        row = await CleaningRecord.insert(
            CleaningRecord(
                machine=machine_pk,
                after_booking=after_pk,
                cleaned_at=entry.cleaned_at,
                cleaned_by=entry.cleaned_by.strip(),
                what=entry.what.strip(),
                evidence_sha256=sha256,
                evidence_type=kind,
                evidence_bytes=len(evidence.data),
                evidence_name=name,
                recorded_by=viewer.user_id,
                recorded_at=now,
            )
        ).returning(CleaningRecord._meta.primary_key)
        data = {
            "record": row[0]["id"],
            "machine": entry.machine,
            "after_booking": entry.after_booking,
            "cleaned_at": entry.cleaned_at,
            "cleaned_by": entry.cleaned_by.strip(),
            "what": entry.what.strip(),
            "evidence_sha256": sha256,
            "evidence_type": kind,
        }
        await append(
            "cleaning.recorded",
            actor=viewer.user_id,
            house=house,
            subject=entry.machine,
            data=data,
            at=now,
        )
    return int(row[0]["id"])


def _columns() -> tuple[Any, ...]:
    c = CleaningRecord
    return (
        c._meta.primary_key,
        c.machine.code.as_alias("machine_code"),
        c.machine._.house._.code.as_alias("house_code"),
        c.after_booking.code.as_alias("after_code"),
        c.cleaned_at,
        c.cleaned_by,
        c.what,
        c.evidence_sha256,
        c.evidence_type,
        c.evidence_bytes,
        c.evidence_name,
        c.recorded_at,
    )


def _view(row: dict[str, Any]) -> CleaningView:
    return CleaningView(
        row["id"],
        row["machine_code"],
        row["house_code"],
        row["after_code"],
        row["cleaned_at"],
        row["cleaned_by"],
        row["what"],
        row["evidence_sha256"],
        row["evidence_type"],
        row["evidence_bytes"],
        row["evidence_name"],
        row["recorded_at"],
    )


async def house_cleanings(house: str, limit: int = 50) -> list[CleaningView]:
    c = CleaningRecord
    rows = await (
        c.select(*_columns())
        .where(c.machine._.house._.code == house)
        .order_by(c.cleaned_at, ascending=False)
        .limit(limit)
    )
    return [_view(row) for row in rows]


async def cleaning(record_id: int) -> CleaningView | None:
    row = (
        await CleaningRecord.select(*_columns())
        .where(CleaningRecord._meta.primary_key == record_id)
        .first()
    )
    return None if row is None else _view(row)

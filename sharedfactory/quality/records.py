"""Sealing a batch's quality record, finding it again, and checking that it is intact.

Sealing appends the audit event `quality.recorded` (with the body's SHA-256) and then stores the
record in the same transaction, so neither exists without the other. The event comes first
because the record keeps the event's number; the chain's lock is held for one insert longer.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sharedfactory.audit.chain import append_numbered, event_intact
from sharedfactory.audit.tables import AuditEvent
from sharedfactory.bookings.tables import Booking
from sharedfactory.cleaning.hold import clearing_evidence
from sharedfactory.devices.runs import booking_run, quality
from sharedfactory.quality.record import BatchFacts, record_body, seal, telemetry_digest
from sharedfactory.quality.tables import QualityRecord

SEALABLE = ("confirmed", "completed")


def _(text: str) -> str:
    """Marks a text for the catalogue; pages translate it where they show it."""
    return text


class NotSealable(Exception):
    """The batch cannot have a record (yet): the message says why."""


@dataclass(frozen=True)
class StoredRecord:
    booking: str
    token: str
    body: dict[str, Any]
    text: str
    sha256: str
    sealed_at: datetime
    audit_event: int


@dataclass(frozen=True)
class RecordCheck:
    """Each way a record could have been changed after sealing, checked on its own."""

    body_matches_hash: bool
    audit_event_intact: bool
    telemetry_unchanged: bool

    @property
    def intact(self) -> bool:
        return self.body_matches_hash and self.audit_event_intact and self.telemetry_unchanged


async def _batch(code: str) -> tuple[BatchFacts, str, datetime] | None:
    b = Booking
    row = await (
        b.select(
            b.code,
            b.product,
            b.quantity,
            b.status,
            b.starts_at,
            b.ends_at,
            b.product_class.code.as_alias("class_code"),
            b.product_class.halal.as_alias("halal"),
            b.business.code.as_alias("business"),
            b.business.name.as_alias("business_name"),
            b.business.nib.as_alias("nib"),
            b.machine.code.as_alias("machine"),
            b.machine.name.as_alias("machine_name"),
            b.machine._.house._.code.as_alias("house"),
            b.machine._.house._.name.as_alias("house_name"),
            b.machine._.house._.timezone.as_alias("timezone"),
        )
        .where(b.code == code)
        .first()
    )
    if row is None:
        return None
    facts = BatchFacts(
        row["code"],
        row["product"],
        str(row["quantity"]),
        row["class_code"],
        bool(row["halal"]),
        row["business"],
        row["business_name"],
        row["nib"],
        row["house"],
        row["house_name"],
        row["timezone"],
        row["machine"],
        row["machine_name"],
        int(row["starts_at"].timestamp() * 1000),
        int(row["ends_at"].timestamp() * 1000),
    )
    return facts, row["status"], row["ends_at"]


async def _body(batch: BatchFacts) -> dict[str, Any]:
    run = await booking_run(batch.booking)
    if run is None:
        raise NotSealable(f"booking {batch.booking!r} does not exist")
    limits, result = await quality(run)
    bounds = {
        x.value_name: {"min": x.min_value, "max": x.max_value, "hold_seconds": x.hold_seconds}
        for x in limits
    }
    own = [sample for sample in run.samples if sample.booking == batch.booking]
    cleaning = await clearing_evidence(batch.booking)
    return record_body(batch, result, bounds, own, cleaning)


async def seal_record(code: str, actor: int | None, now: datetime) -> StoredRecord:
    """The booking's record, sealed now if it was not yet. Only a run that has ended and was
    served (confirmed or completed) has one."""
    existing = await record_of_booking(code)
    if existing is not None:
        return existing
    found = await _batch(code)
    if found is None:
        raise NotSealable(f"booking {code!r} does not exist")
    batch, status, ends_at = found
    if status not in SEALABLE:
        raise NotSealable(_("only a served booking has a batch to record"))
    if ends_at > now:
        raise NotSealable(_("the run has not ended yet"))
    text, digest = seal(await _body(batch))
    token = secrets.token_urlsafe(16)
    async with QualityRecord._meta.db.transaction():
        data = {"sha256": digest, "machine": batch.machine, "business": batch.business}
        event = await append_numbered(
            "quality.recorded", actor=actor, house=batch.house, subject=code, data=data, at=now
        )
        booking_pk = (
            await Booking.select(Booking._meta.primary_key).where(Booking.code == code).first()
        )
        assert booking_pk is not None
        await QualityRecord.insert(
            QualityRecord(
                booking=booking_pk["id"],
                token=token,
                body=text,
                sha256=digest,
                sealed_at=now,
                sealed_by=actor,
                audit_event=event.id,
            )
        )
    stored = await record_of_booking(code)
    assert stored is not None
    return stored


def _stored(row: dict[str, Any]) -> StoredRecord:
    return StoredRecord(
        row["booking_code"],
        row["token"],
        json.loads(row["body"]),
        row["body"],
        row["sha256"],
        row["sealed_at"],
        int(row["audit_event"]),
    )


async def _find(where: Any) -> StoredRecord | None:
    q = QualityRecord
    row = (
        await q.select(*q.all_columns(), q.booking.code.as_alias("booking_code"))
        .where(where)
        .first()
    )
    return None if row is None else _stored(row)


async def record_of_booking(code: str) -> StoredRecord | None:
    return await _find(QualityRecord.booking.code == code)


async def record_by_token(token: str) -> StoredRecord | None:
    return await _find(QualityRecord.token == token)


async def check_record(record: StoredRecord) -> RecordCheck:
    """Recompute the body's hash, the audit event's link, and the telemetry digest from the
    telemetry stored now."""
    _text, digest = seal(record.body)
    body_ok = digest == record.sha256 and record.text == _text
    event = (
        await AuditEvent.select(AuditEvent.data, AuditEvent.subject)
        .where(AuditEvent.id == record.audit_event)
        .first()
    )
    event_ok = (
        event is not None
        and event["subject"] == record.booking
        and json.loads(event["data"]).get("sha256") == record.sha256
        and await event_intact(record.audit_event)
    )
    run = await booking_run(record.booking)
    own = [] if run is None else [s for s in run.samples if s.booking == record.booking]
    telemetry_ok = telemetry_digest(own) == record.body.get("telemetry_sha256")
    return RecordCheck(body_ok, event_ok, telemetry_ok)

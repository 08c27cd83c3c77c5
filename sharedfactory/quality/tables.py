"""A sealed quality record per booking (one batch). Written once, never updated."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table

from sharedfactory.bookings.tables import Booking


class QualityRecord(Table, tablename="quality_record"):
    """`body` is canonical JSON, hashed exactly as stored into `sha256`; the same hash is in the
    audit event `audit_event` (`quality.recorded`). `token` is the unguessable public part of the
    record's link (the QR code): whoever holds it may read the record, like a paper certificate."""

    booking = ForeignKey(Booking, unique=True, null=False, on_delete=OnDelete.restrict)
    token = Varchar(length=32, unique=True, null=False)
    body = Text(null=False)
    sha256 = Varchar(length=64, null=False)
    sealed_at = Timestamptz(null=False)
    sealed_by = Integer(null=True, default=None)
    audit_event = Integer(null=False)

    token_length = Check("length(token) >= 22")
    sha256_length = Check("length(sha256) = 64")

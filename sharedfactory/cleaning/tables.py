"""What was cleaned, by whom and when, with its evidence file. Written once, never updated."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table

from sharedfactory.bookings.tables import Booking
from sharedfactory.db.checks import one_of
from sharedfactory.facilities.tables import Machine

EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")


class CleaningRecord(Table, tablename="cleaning_record"):
    """`after_booking` is the non-halal run the cleaning follows (None: a routine cleaning). The
    evidence file is stored outside the web root under its SHA-256 (`evidence_sha256`)."""

    machine = ForeignKey(Machine, null=False, on_delete=OnDelete.restrict)
    after_booking = ForeignKey(Booking, null=True, default=None, on_delete=OnDelete.restrict)
    cleaned_at = Timestamptz(null=False)
    cleaned_by = Varchar(length=200, null=False)
    what = Text(null=False)
    evidence_sha256 = Varchar(length=64, null=False)
    evidence_type = Varchar(length=40, null=False)
    evidence_bytes = Integer(null=False)
    evidence_name = Varchar(length=200, null=False)
    recorded_by = Integer(null=True, default=None)
    recorded_at = Timestamptz(null=False)

    evidence_type_known = Check(one_of("evidence_type", EVIDENCE_TYPES))
    evidence_sha256_length = Check("length(evidence_sha256) = 64")
    evidence_bytes_positive = Check("evidence_bytes > 0")
    cleaned_by_given = Check("length(cleaned_by) > 0")

"""Batches of our own for the quality record tests: Sleman's second pasteuriser, twelve days ago
(no other test writes there), with telemetry written straight into the database.

- `qr-pass-1`: 08.00-09.00 WIB, milk held at 73 C for 30 s: meets the HTST rule (>= 72 C, 15 s).
- `qr-fail-1`: 10.00-11.00 WIB, milk at 70 C: never reaches 72 C, fails.
- `qr-cancel-1`: cancelled, so no batch to record.
- `qr-running-1`: started an hour ago and still running, so not yet recordable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.tables import TelemetryMessage
from sharedfactory.facilities.tables import Machine
from sharedfactory.quality.tables import QualityRecord
from tests.factories import insert_bookings

MACHINE = "sleman-pasteuriser-2"
SRI = "keripik-salak-pondoh-bu-sri"
CODES = ("qr-pass-1", "qr-fail-1", "qr-cancel-1", "qr-running-1")


@dataclass(frozen=True)
class Batches:
    day: datetime  # 00.00 UTC of the day, 07.00 WIB
    passing: str = "qr-pass-1"
    failing: str = "qr-fail-1"
    cancelled: str = "qr-cancel-1"
    running: str = "qr-running-1"


def readings(code: str, start: datetime, temperature: float, seconds: int) -> list[dict]:
    """One running reading every 5 s for `seconds`, 10 minutes into the booking."""
    first = start + timedelta(minutes=10)
    return [
        {
            "ts_ms": int((first + timedelta(seconds=s)).timestamp() * 1000),
            "seq": 1000 + s,
            "temperature": temperature,
            "booking": code,
        }
        for s in range(0, seconds + 1, 5)
    ]


async def insert_readings(machine_pk: int, rows: list[dict]) -> None:
    await TelemetryMessage.insert(
        *(
            TelemetryMessage(
                machine=machine_pk,
                ts_ms=row["ts_ms"],
                seq=row["seq"],
                state="running",
                counters=json.dumps({"good": 1000, "reject": 0}),
                process_values=json.dumps({"milk_temp_c": row["temperature"]}),
                booking=row["booking"],
                received_ms=row["ts_ms"],
            )
            for row in rows
        )
    )


@pytest.fixture(scope="module")
async def batches(engine):
    now = datetime.now(UTC)
    day = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=12)
    await insert_bookings(
        SRI,
        [
            ("qr-pass-1", MACHINE, day + timedelta(hours=1), 1, "completed"),
            ("qr-fail-1", MACHINE, day + timedelta(hours=3), 1, "completed"),
            ("qr-cancel-1", MACHINE, day + timedelta(hours=5), 1, "cancelled"),
            ("qr-running-1", MACHINE, now - timedelta(hours=1), 2, "confirmed"),
        ],
    )
    pk = (await Machine.select(Machine._meta.primary_key).where(Machine.code == MACHINE))[0]["id"]
    await insert_readings(pk, readings("qr-pass-1", day + timedelta(hours=1), 73.0, 30))
    await insert_readings(pk, readings("qr-fail-1", day + timedelta(hours=3), 70.0, 30))
    yield Batches(day)
    booking_ids = Booking.select(Booking._meta.primary_key).where(Booking.code.is_in(list(CODES)))
    await QualityRecord.delete().where(QualityRecord.booking.is_in(booking_ids))
    await TelemetryMessage.delete().where(TelemetryMessage.booking.is_in(list(CODES)))
    await Booking.delete().where(Booking.code.is_in(list(CODES)))

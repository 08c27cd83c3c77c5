"""From stored telemetry to what people ask about: hourly rollups, a booking's actual use and
start signal, and its quality record (the arithmetic is in the pure `analytics` package)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sharedfactory.analytics.intervals import state_intervals
from sharedfactory.analytics.quality import Limit, QualityResult, evaluate_run
from sharedfactory.analytics.rollups import HourRollup, hourly_rollups
from sharedfactory.analytics.samples import Sample
from sharedfactory.analytics.usage import BookedVsActual, booked_vs_actual, run_started
from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.directory import MachineDirectory
from sharedfactory.devices.tables import HourlyRollup, TelemetryMessage

STALE_AFTER_MS = 60_000  # a machine silent for a minute is counted as off
HOUR_MS = 3_600_000
ROLLUP_COLUMNS = (
    "running_s",
    "idle_s",
    "setup_s",
    "fault_s",
    "off_s",
    "maintenance_s",
    "good",
    "reject",
    "energy_wh",
)


async def samples_between(machine_id: int, from_ms: int, to_ms: int) -> list[Sample]:
    t = TelemetryMessage
    rows = (
        await t.select()
        .where((t.machine == machine_id) & (t.ts_ms >= from_ms) & (t.ts_ms < to_ms))
        .order_by(t.ts_ms)
        .order_by(t.seq)
        .run()
    )
    return [_sample(row) for row in rows]


def _sample(row: dict[str, Any]) -> Sample:
    return Sample(
        row["ts_ms"],
        row["seq"],
        row["state"],
        json.loads(row["counters"]),
        json.loads(row["process_values"]),
        row["booking"],
    )


async def roll_up(machine_id: int, hours: Iterable[int]) -> int:
    """Recompute and upsert the given UTC hours of one machine; idempotent."""
    written = 0
    for hour in sorted(set(hours)):
        samples = await samples_between(machine_id, hour - STALE_AFTER_MS, hour + HOUR_MS)
        for rollup in hourly_rollups(samples, STALE_AFTER_MS, until_ms=hour + HOUR_MS):
            if rollup.hour_start_ms == hour:
                await _upsert(machine_id, rollup)
                written += 1
    return written


async def _upsert(machine_id: int, rollup: HourRollup) -> None:
    values = [getattr(rollup, column) for column in ROLLUP_COLUMNS]
    columns = ", ".join(ROLLUP_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in ROLLUP_COLUMNS)
    placeholders = ", ".join("{}" for _ in range(len(ROLLUP_COLUMNS) + 2))
    await HourlyRollup.raw(
        f"INSERT INTO hourly_rollup (machine, hour_ms, {columns}) VALUES ({placeholders}) "
        f"ON CONFLICT (machine, hour_ms) DO UPDATE SET {updates}",
        machine_id,
        rollup.hour_start_ms,
        *(int(v) for v in values),
    ).run()


@dataclass(frozen=True)
class BookingRun:
    code: str
    machine_id: int
    machine: str
    house: str
    business: str
    product_class: str
    starts_ms: int
    ends_ms: int
    samples: list[Sample]


async def booking_run(code: str, margin_ms: int = HOUR_MS) -> BookingRun | None:
    row = (
        await Booking.select(
            Booking.machine.as_alias("machine_id"),
            Booking.machine.code.as_alias("machine"),
            Booking.machine._.house._.code.as_alias("house"),
            Booking.business.code.as_alias("business"),
            Booking.product_class.code.as_alias("product_class"),
            Booking.starts_at,
            Booking.ends_at,
        )
        .where(Booking.code == code)
        .first()
        .run()
    )
    if row is None:
        return None
    starts, ends = _ms(row["starts_at"]), _ms(row["ends_at"])
    samples = await samples_between(row["machine_id"], starts - margin_ms, ends + margin_ms)
    return BookingRun(
        code,
        row["machine_id"],
        row["machine"],
        row["house"],
        row["business"],
        row["product_class"],
        starts,
        ends,
        samples,
    )


def usage(run: BookingRun, now_ms: int, grace_minutes: int) -> tuple[BookedVsActual, bool | None]:
    intervals = state_intervals(run.samples, STALE_AFTER_MS, until_ms=min(now_ms, run.ends_ms))
    actual = booked_vs_actual(run.starts_ms, run.ends_ms, intervals, run.code)
    return actual, run_started(intervals, run.code, run.starts_ms, grace_minutes * 60_000, now_ms)


async def quality(run: BookingRun) -> tuple[list[Limit], QualityResult]:
    directory = MachineDirectory()
    await directory.load()
    machine = directory.machines[run.machine]
    limits = [
        Limit(x.value_name, x.min_value, x.max_value, x.hold_seconds, x.standard)
        for x in machine.limits
        if x.applies_to(run.product_class)
    ]
    own = [s for s in run.samples if s.booking == run.code]
    return limits, evaluate_run(limits, own)


def _ms(value: Any) -> int:
    return int(value.timestamp() * 1000)

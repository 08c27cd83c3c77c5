"""Hourly rollups: seconds per state and production counters per UTC hour."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sharedfactory.analytics.intervals import StateInterval, state_intervals
from sharedfactory.analytics.samples import Sample, in_time_order

HOUR_MS = 3_600_000
ROLLUP_COUNTERS = ("good", "reject", "energy_wh")
ROLLUP_STATES = ("running", "idle", "setup", "fault", "off", "maintenance")


@dataclass(frozen=True)
class HourRollup:
    """One machine's UTC hour starting at `hour_start_ms`: seconds per state, counter increments."""

    hour_start_ms: int
    running_s: float
    idle_s: float
    setup_s: float
    fault_s: float
    off_s: float
    maintenance_s: float
    good: int
    reject: int
    energy_wh: int


@dataclass
class _HourTotals:
    state_ms: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLLUP_STATES, 0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLLUP_COUNTERS, 0))


def hour_start(ts_ms: int) -> int:
    """The start of the UTC hour that contains `ts_ms`."""
    return ts_ms - ts_ms % HOUR_MS


def split_at_hours(interval: StateInterval) -> list[tuple[int, int]]:
    """(hour_start_ms, milliseconds) pieces of an interval, split exactly at UTC hour boundaries."""
    pieces = []
    start = interval.start_ms
    while start < interval.end_ms:
        hour = hour_start(start)
        end = min(interval.end_ms, hour + HOUR_MS)
        pieces.append((hour, end - start))
        start = end
    return pieces


def counter_increment(previous: int, current: int) -> int:
    """Increment of a cumulative counter; a drop means the device restarted from zero."""
    return current - previous if current >= previous else current


def _add_counter_increments(ordered: list[Sample], totals: dict[int, _HourTotals]) -> None:
    """Increments between consecutive readings of each counter, booked to the later sample's
    hour. The first reading of a counter is only a baseline (no increment)."""
    last_seen: dict[str, int] = {}
    for sample in ordered:
        for name in ROLLUP_COUNTERS:
            if name not in sample.counters:
                continue
            current = sample.counters[name]
            if name in last_seen:
                hour = totals.setdefault(hour_start(sample.ts_ms), _HourTotals())
                hour.counts[name] += counter_increment(last_seen[name], current)
            last_seen[name] = current


def hourly_rollups(
    samples: Iterable[Sample], stale_after_ms: int, until_ms: int | None = None
) -> list[HourRollup]:
    """Per-UTC-hour rollups of one machine's samples, in hour order.

    State time comes from `state_intervals` (same staleness rule), split exactly at hour
    boundaries; states outside the contract's six are ignored. Counter increments of `good`,
    `reject` and `energy_wh` go to the hour of the later sample of each pair.
    """
    ordered = in_time_order(samples)
    totals: dict[int, _HourTotals] = {}
    for interval in state_intervals(ordered, stale_after_ms, until_ms):
        for hour, duration_ms in split_at_hours(interval):
            hour_totals = totals.setdefault(hour, _HourTotals())
            if interval.state in hour_totals.state_ms:
                hour_totals.state_ms[interval.state] += duration_ms
    _add_counter_increments(ordered, totals)
    return [_rollup(hour, totals[hour]) for hour in sorted(totals)]


def _rollup(hour: int, totals: _HourTotals) -> HourRollup:
    seconds = {state: ms / 1000 for state, ms in totals.state_ms.items()}
    return HourRollup(
        hour_start_ms=hour,
        running_s=seconds["running"],
        idle_s=seconds["idle"],
        setup_s=seconds["setup"],
        fault_s=seconds["fault"],
        off_s=seconds["off"],
        maintenance_s=seconds["maintenance"],
        good=totals.counts["good"],
        reject=totals.counts["reject"],
        energy_wh=totals.counts["energy_wh"],
    )

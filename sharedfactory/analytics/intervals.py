"""Machine state over time: samples become contiguous state intervals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

from sharedfactory.analytics.samples import Sample, in_time_order

OFF = "off"


@dataclass(frozen=True)
class StateInterval:
    """The machine was in `state` (for `booking`, if any) from `start_ms` until `end_ms`."""

    state: str
    start_ms: int
    end_ms: int
    booking: str | None

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def _append(intervals: list[StateInterval], interval: StateInterval) -> None:
    """Add an interval, merging it into the previous one when it simply continues it."""
    if interval.end_ms <= interval.start_ms:
        return
    if intervals:
        last = intervals[-1]
        same = (last.state, last.booking) == (interval.state, interval.booking)
        if same and last.end_ms == interval.start_ms:
            intervals[-1] = replace(last, end_ms=interval.end_ms)
            return
    intervals.append(interval)


def state_intervals(
    samples: Iterable[Sample], stale_after_ms: int, until_ms: int | None = None
) -> list[StateInterval]:
    """Contiguous state intervals from samples (any order; duplicates by (ts, seq) dropped).

    Each sample's state (and booking) holds from its timestamp until the next sample, but for
    at most `stale_after_ms`: if the next sample comes later than that, the machine was silent
    and the rest of the gap is an `off` interval with no booking (silent = not producing).
    The last sample extends by `stale_after_ms`, cut at `until_ms` when given (pass the end of
    the reporting window or "now"). Neighbouring intervals with the same state and booking are
    merged; empty intervals are dropped.
    """
    if stale_after_ms <= 0:
        raise ValueError("stale_after_ms must be positive")
    ordered = in_time_order(samples)
    intervals: list[StateInterval] = []
    for sample, following in pairwise(ordered):
        end = min(sample.ts_ms + stale_after_ms, following.ts_ms)
        _append(intervals, StateInterval(sample.state, sample.ts_ms, end, sample.booking))
        _append(intervals, StateInterval(OFF, end, following.ts_ms, None))
    if ordered:
        last = ordered[-1]
        end = last.ts_ms + stale_after_ms
        end = end if until_ms is None else min(end, until_ms)
        _append(intervals, StateInterval(last.state, last.ts_ms, end, last.booking))
    return intervals

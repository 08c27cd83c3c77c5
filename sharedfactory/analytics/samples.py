"""The analytics input: one stored telemetry message, already validated, as plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sharedfactory.devices.messages import Telemetry


@dataclass(frozen=True)
class Sample:
    """One telemetry reading of one machine (`ts_ms`: device time, ms since the Unix epoch)."""

    ts_ms: int
    seq: int
    state: str
    counters: Mapping[str, int]
    values: Mapping[str, float]
    booking: str | None


def sample_from_telemetry(message: Telemetry) -> Sample:
    """The analytics view of a parsed wire message."""
    return Sample(
        ts_ms=message.ts,
        seq=message.seq,
        state=message.state,
        counters=dict(message.counters),
        values=dict(message.values),
        booking=message.booking,
    )


def in_time_order(samples: Iterable[Sample]) -> list[Sample]:
    """Samples sorted by device time (then seq); exact duplicates (same ts and seq) dropped."""
    ordered: list[Sample] = []
    for sample in sorted(samples, key=lambda s: (s.ts_ms, s.seq)):
        if ordered and (ordered[-1].ts_ms, ordered[-1].seq) == (sample.ts_ms, sample.seq):
            continue
        ordered.append(sample)
    return ordered

"""Planned time, pure: a house's opening hours in its own zone, minus holidays and a machine's
maintenance, inside a period; and a period cut into the calendar months of a zone.

Times are integer milliseconds since the Unix epoch; spans are half-open [start, end)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

Span = tuple[int, int]


@dataclass(frozen=True)
class HouseCalendar:
    zone: str
    opening: Mapping[int, tuple[tuple[time, time], ...]]  # weekday (0 Monday) -> local spans
    holidays: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Slice:
    """A part of the report period: the whole of it (key "") or one calendar month ("2025-03")."""

    key: str
    start_ms: int
    end_ms: int


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _local(ms: int, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)


def _days(start_ms: int, end_ms: int, zone: ZoneInfo) -> Iterator[date]:
    day, last = _local(start_ms, zone).date(), _local(end_ms - 1, zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def merged(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans joined, in time order."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def minus(spans: Iterable[Span], cuts: Iterable[Span]) -> list[Span]:
    """`spans` with every part that any of `cuts` covers taken out."""
    kept = list(spans)
    for cut_start, cut_end in cuts:
        pieces: list[Span] = []
        for start, end in kept:
            if end <= cut_start or cut_end <= start:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        kept = pieces
    return kept


def open_spans(calendar: HouseCalendar, start_ms: int, end_ms: int) -> list[Span]:
    """The house's opening hours inside [start_ms, end_ms), holidays left out, merged."""
    if end_ms <= start_ms:
        return []
    zone = ZoneInfo(calendar.zone)
    spans = []
    for day in _days(start_ms, end_ms, zone):
        if day in calendar.holidays:
            continue
        for opens, closes in calendar.opening.get(day.weekday(), ()):
            start = max(start_ms, _ms(datetime.combine(day, opens, zone)))
            end = min(end_ms, _ms(datetime.combine(day, closes, zone)))
            if start < end:
                spans.append((start, end))
    return merged(spans)


def length_ms(spans: Iterable[Span]) -> int:
    return sum(end - start for start, end in spans)


def planned_ms(opening: list[Span], maintenance: Iterable[Span]) -> int:
    """Opening time less the maintenance windows that fall in it."""
    return length_ms(minus(opening, maintenance))


def month_slices(start_ms: int, end_ms: int, zone: tzinfo) -> tuple[Slice, ...]:
    """[start_ms, end_ms) cut at the first of each month, midnight in `zone`."""
    first = _local(start_ms, zone).date().replace(day=1)
    slices = []
    while True:
        after = (first + timedelta(days=32)).replace(day=1)
        month_start = _ms(datetime.combine(first, time(0), zone))
        month_end = _ms(datetime.combine(after, time(0), zone))
        if month_start >= end_ms:
            break
        piece = Slice(first.strftime("%Y-%m"), max(start_ms, month_start), min(end_ms, month_end))
        if piece.start_ms < piece.end_ms:
            slices.append(piece)
        first = after
    return tuple(slices)

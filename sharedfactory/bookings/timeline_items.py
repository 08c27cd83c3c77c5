"""PURE: what a house's timeline draws, as plain data: the time range of a day or a week in the
house's zone, the cleaning the rules put after each booking (the machine's buffer, or the
changeover the next booking's product class needs), and the actual runs read from hourly rollups.

Runs come from `hourly_rollup`, not from the raw telemetry: reading a 20-machine week of 5-second
messages through `analytics.intervals` took 34-53 s, the rollups 10-24 ms (`bench/timeline/`;
the decision in docs/performance.md, Timeline). The price: runs less than an hour apart become
one run, and an edge inside an hour is known to the hour (see `runs_from_rollups`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

HOUR_MS = 3_600_000
View = Literal["hari", "minggu"]
KINDS = ("booking", "proposal", "maintenance", "cleaning", "run")


@dataclass(frozen=True)
class Item:
    """One bar of the timeline. `booking`: the booking's code (bookings, their cleaning), the
    flexible request's code (proposals); `note`: a maintenance window's reason, or what a cleaning
    is for (`buffer`, or the changeover `halal>non_halal`)."""

    kind: str
    machine: str
    starts: datetime
    ends: datetime
    booking: str | None = None
    status: str | None = None
    business: str | None = None
    business_name: str | None = None
    note: str = ""
    plan: int | None = None
    running_s: int | None = None


@dataclass(frozen=True)
class Booked:
    """A booking holding its machine, as the cleaning rule looks at it."""

    code: str
    machine: str
    starts: datetime
    ends: datetime
    released: datetime
    product_class: str


def day_range(day: date, view: View, zone: str) -> tuple[datetime, datetime]:
    """The day (00.00 to 00.00), or its Monday-to-Sunday week, in the house's zone."""
    first = day if view == "hari" else day - timedelta(days=day.weekday())
    starts = datetime.combine(first, time(0), ZoneInfo(zone))
    return starts, starts + timedelta(days=1 if view == "hari" else 7)


def cleaning(booked: Iterable[Booked], changeover: dict[tuple[str, str], int]) -> list[Item]:
    """After each booking, the longer of its buffer (`released`) and the changeover the next
    booking on the machine needs from its product class; cut at the next booking's start."""
    by_machine: dict[str, list[Booked]] = defaultdict(list)
    for b in booked:
        by_machine[b.machine].append(b)
    found = []
    for runs in by_machine.values():
        runs.sort(key=lambda b: b.starts)
        for b, following in zip(runs, [*runs[1:], None], strict=True):
            item = _cleaning_after(b, following, changeover)
            if item is not None:
                found.append(item)
    return found


def _cleaning_after(
    b: Booked, following: Booked | None, changeover: dict[tuple[str, str], int]
) -> Item | None:
    buffer = max(b.released - b.ends, timedelta(0))
    needed = timedelta(0)
    if following is not None:
        needed = timedelta(minutes=changeover.get((b.product_class, following.product_class), 0))
    ends = b.ends + max(buffer, needed)
    if following is not None:
        ends = min(ends, following.starts)
    if ends <= b.ends:
        return None
    note = "buffer"
    if following is not None and needed > buffer:
        note = f"{b.product_class}>{following.product_class}"
    return Item("cleaning", b.machine, b.ends, ends, booking=b.code, note=note)


def runs_from_rollups(hours: Iterable[tuple[str, int, int]]) -> list[Item]:
    """Actual runs from (machine, hour_ms, running_s) rows with running_s > 0: neighbouring
    running hours make one run. A rollup does not say where in its hour the machine ran: a run
    of several hours is taken to reach the hour edges it shares with its neighbours (it starts
    late in its first hour and ends early in its last), a single hour's run starts on the hour."""
    by_machine: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for machine, hour_ms, running_s in hours:
        if running_s > 0:
            by_machine[machine].append((hour_ms, min(running_s, 3600)))
    found = []
    for machine, rows in by_machine.items():
        rows.sort()
        group = [rows[0]]
        for row in rows[1:]:
            if row[0] == group[-1][0] + HOUR_MS:
                group.append(row)
                continue
            found.append(_run(machine, group))
            group = [row]
        found.append(_run(machine, group))
    return found


def _run(machine: str, group: list[tuple[int, int]]) -> Item:
    (first, first_s), (last, last_s) = group[0], group[-1]
    starts = first + (HOUR_MS - first_s * 1000 if len(group) > 1 else 0)
    ends = last + last_s * 1000 if len(group) > 1 else first + first_s * 1000
    return Item(
        "run",
        machine,
        _moment(starts),
        _moment(ends),
        running_s=sum(seconds for _hour, seconds in group),
    )


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def within(items: Iterable[Item], starts: datetime, ends: datetime) -> list[Item]:
    """The items that touch [starts, ends), by machine then start."""
    kept = [i for i in items if i.starts < ends and starts < i.ends]
    return sorted(kept, key=lambda i: (i.machine, i.starts, KINDS.index(i.kind)))

"""Free slots: every start on the house's step grid where all the booking rules hold (checked
by the compiled `sieve.Sieve`), earliest first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from heapq import merge
from itertools import islice
from zoneinfo import ZoneInfo

from sharedfactory.bookings.facts import BusinessFacts, MachineFacts, ProductKind, Wish
from sharedfactory.bookings.rules import price
from sharedfactory.bookings.sieve import Sieve, machine_refuses

STEP = timedelta(minutes=30)  # the grid of the starts offered


@dataclass(frozen=True)
class Slot:
    machine: str
    starts: datetime
    ends: datetime
    price: int
    zone: str


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _starts(
    machine: MachineFacts, since: datetime, until: datetime, minutes: int
) -> Iterator[datetime]:
    """Starts on the step grid of each opening span, in time order, within [since, until). The
    first and last step of a span are computed, not found by walking the grid: on a machine booked
    full the walk was most of a search (the house's zones keep one offset all year)."""
    zone, length = ZoneInfo(machine.zone), timedelta(minutes=minutes)
    for day in _days(since.astimezone(zone).date(), until.astimezone(zone).date()):
        if day in machine.holidays:
            continue
        for opens, closes in machine.opening.get(day.weekday(), ()):
            first = datetime.combine(day, opens, zone)
            skip = max(0, -((first - since) // STEP))  # steps before `since`, rounded up
            fit = (datetime.combine(day, closes, zone) - length - first) // STEP + 1
            for step in range(skip, min(fit, -((first - until) // STEP))):
                yield first + step * STEP


@dataclass(frozen=True)
class SlotQuery:
    minutes: int
    since: datetime
    until: datetime
    product_class: ProductKind
    product: str = ""
    process: str = "ambient"


def _slots(
    machine: MachineFacts, business: BusinessFacts, query: SlotQuery, now: datetime
) -> Iterator[Slot]:
    if machine_refuses(machine, business, query.product_class):
        return
    sieve = Sieve(machine, business, query.minutes, query.product_class, query.process, now)
    length = timedelta(minutes=query.minutes)
    cost = price(query.minutes, machine, business)
    for start in _starts(machine, query.since, query.until, query.minutes):
        if sieve.passes(start):
            yield Slot(machine.code, start, start + length, cost, machine.zone)


def free_slots(
    machines: Sequence[MachineFacts],
    business: BusinessFacts,
    query: SlotQuery,
    now: datetime,
    limit: int = 50,
) -> list[Slot]:
    """The earliest `limit` slots over all the machines, earliest first."""
    each = (_slots(machine, business, query, now) for machine in machines)
    return list(islice(merge(*each, key=lambda s: (s.starts, s.machine)), limit))


NEAREST = 3  # alternatives offered with a refusal
NEAREST_RADII = (timedelta(days=1), timedelta(days=3))  # then the whole range


def nearest_window(wish: Wish, now: datetime, day_only: bool = False) -> tuple[datetime, datetime]:
    """Where `nearest_slots` looks: the whole range, or (`day_only`) its first radius."""
    if day_only:
        radius = NEAREST_RADII[0]
        return max(now, wish.starts - radius), wish.starts + radius + timedelta(seconds=1)
    return max(now, wish.starts - timedelta(days=7)), wish.starts + timedelta(days=14)


def nearest_slots(
    machines: Sequence[MachineFacts],
    business: BusinessFacts,
    wish: Wish,
    now: datetime,
    limit: int = NEAREST,
    day_only: bool = False,
) -> list[Slot]:
    """The slots closest in time to a refused wish, within a week before and two weeks after:
    its own machine first, then its siblings. Looked for a day either side first, then three,
    then the whole range: a slot outside a window is farther than any inside it, so the answer
    is the same as the whole range's, at a fraction of the work when slots are near.
    `day_only`: the machines' facts cover only `nearest_window(wish, now, True)`, so look no
    farther; fewer than `limit` found then says nothing of the whole range."""
    minutes = int((wish.ends - wish.starts) / timedelta(minutes=1))
    earliest, latest = nearest_window(wish, now, day_only)
    radii = NEAREST_RADII[:1] if day_only else (*NEAREST_RADII, latest - wish.starts)
    for radius in radii:
        since = max(earliest, wish.starts - radius)
        until = min(latest, wish.starts + radius + timedelta(seconds=1))
        query = SlotQuery(
            minutes, since, until, wish.product_class, wish.product, wish.process
        )  # fmt: skip
        found = [slot for machine in machines for slot in _slots(machine, business, query, now)]
        if len(found) >= limit:
            break
    return sorted(
        found,
        key=lambda s: (abs((s.starts - wish.starts).total_seconds()), s.machine != wish.machine),
    )[:limit]

"""Free slots: every start on the house's step grid where all the booking rules hold."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate, islice
from zoneinfo import ZoneInfo

from sharedfactory.bookings.facts import BusinessFacts, MachineFacts, ProductKind, Wish
from sharedfactory.bookings.rules import holds, price

STEP_MINUTES = 30


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
    """Starts on the step grid of each opening span, in time order, within [since, until)."""
    zone = ZoneInfo(machine.zone)
    for day in _days(since.astimezone(zone).date(), until.astimezone(zone).date()):
        if day in machine.holidays:
            continue
        for opens, closes in machine.opening.get(day.weekday(), ()):
            start = datetime.combine(day, opens, zone)
            last = datetime.combine(day, closes, zone) - timedelta(minutes=minutes)
            while start <= last:
                if since <= start < until:
                    yield start
                start += timedelta(minutes=STEP_MINUTES)


@dataclass(frozen=True)
class SlotQuery:
    minutes: int
    since: datetime
    until: datetime
    product_class: ProductKind
    product: str = ""
    process: str = "ambient"


class _Sieve:
    """The cheap part of the rules, for every candidate start of one machine: the notice window
    and the machine's blocked starts (bookings with their buffer, maintenance, waitlist holds),
    found by bisection. Only a start that passes is checked against every rule (`holds`)."""

    def __init__(self, machine: MachineFacts, business: BusinessFacts, minutes: int, now: datetime):
        rules, length = machine.rules, timedelta(minutes=minutes)
        self.earliest = now + timedelta(minutes=rules.min_notice_minutes)
        self.latest = now + timedelta(days=rules.max_advance_days)
        buffer = timedelta(minutes=rules.buffer_minutes)
        blocked = [(t.starts - buffer - length, t.released) for t in machine.taken]
        blocked += [(m.starts - length, m.ends) for m in machine.maintenance]
        blocked += [
            (h.starts - length, h.ends) for h, who in machine.held_for if who != business.code
        ]
        blocked.sort()
        self.starts = [b[0] for b in blocked]
        self.ends = list(accumulate((b[1] for b in blocked), max))  # the latest end so far

    def passes(self, start: datetime) -> bool:
        if not self.earliest <= start <= self.latest:
            return False
        index = bisect_left(self.starts, start) - 1  # the blocks that begin before `start`
        return index < 0 or self.ends[index] <= start


def _machine_refuses(machine: MachineFacts, business: BusinessFacts, kind: ProductKind) -> bool:
    """Rules that refuse every start on this machine for this UMKM and product."""
    if kind.halal and (machine.halal_status == "never_halal" or machine.ran_pork):
        return True
    if machine.halal_status == "halal_dedicated" and not kind.halal:
        return True
    return (
        business.checked
        and not machine.needs_operator
        and machine.machine_type not in business.trained_types
    )


def _slots(
    machine: MachineFacts, business: BusinessFacts, query: SlotQuery, now: datetime
) -> Iterator[Slot]:
    if _machine_refuses(machine, business, query.product_class):
        return
    sieve = _Sieve(machine, business, query.minutes, now)
    for start in _starts(machine, query.since, query.until, query.minutes):
        if not sieve.passes(start):
            continue
        ends = start + timedelta(minutes=query.minutes)
        wish = Wish(machine.code, start, ends, query.product_class, query.product, query.process)
        if holds(wish, machine, business, now):
            yield Slot(
                machine.code, start, ends, price(query.minutes, machine, business), machine.zone
            )


def free_slots(
    machines: Sequence[MachineFacts],
    business: BusinessFacts,
    query: SlotQuery,
    now: datetime,
    limit: int = 50,
) -> list[Slot]:
    """The earliest `limit` slots over all the machines, earliest first."""
    found: list[Slot] = []
    for machine in machines:
        found.extend(islice(_slots(machine, business, query, now), limit))
    return sorted(found, key=lambda s: (s.starts, s.machine))[:limit]


def nearest_slots(
    machines: Sequence[MachineFacts],
    business: BusinessFacts,
    wish: Wish,
    now: datetime,
    limit: int = 3,
) -> list[Slot]:
    """The slots closest in time to a refused wish: its own machine first, then its siblings."""
    minutes = int((wish.ends - wish.starts) / timedelta(minutes=1))
    query = SlotQuery(
        minutes,
        max(now, wish.starts - timedelta(days=7)),
        wish.starts + timedelta(days=14),
        wish.product_class,
        wish.product,
        wish.process,
    )
    found = [slot for machine in machines for slot in _slots(machine, business, query, now)]
    return sorted(
        found,
        key=lambda s: (abs((s.starts - wish.starts).total_seconds()), s.machine != wish.machine),
    )[:limit]

"""The booking rules compiled for one machine, one UMKM and one length of booking, so the slot
search can test hundreds of starts at a few microseconds each. It answers exactly what
`rules.holds` answers for a start the search generates (on an opening span, off holidays);
`tests/bookings/test_sieve.py` checks that on random facts."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from itertools import accumulate, pairwise

from sharedfactory.bookings.facts import BusinessFacts, MachineFacts, ProductKind
from sharedfactory.bookings.rules import (
    COLD_CHAIN_CAPABILITIES,
    COLD_CHAIN_PROCESSES,
    week_of,
    within_spans,
)


def machine_refuses(machine: MachineFacts, business: BusinessFacts, kind: ProductKind) -> bool:
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


class _Blocks:
    """Starts blocked by open intervals (first, last) in POSIX seconds, found by bisection."""

    def __init__(self, blocked: list[tuple[float, float]]):
        blocked.sort()
        self.firsts = [b[0] for b in blocked]
        self.lasts = list(accumulate((b[1] for b in blocked), max))  # the latest end so far

    def free(self, start: float) -> bool:
        index = bisect_left(self.firsts, start) - 1  # the blocks that begin before `start`
        return index < 0 or self.lasts[index] <= start


class _Cleaning:
    """The changeover rule: the booking just before and just after need their cleaning gap."""

    def __init__(self, machine: MachineFacts, kind: ProductKind):
        self.taken = machine.taken
        pairs = machine.changeover.items()
        self.needed_after = {a: 60.0 * n for (a, b), n in pairs if b == kind.code}
        self.needed_before = {b: 60.0 * n for (a, b), n in pairs if a == kind.code}
        self.starts = [t.starts.timestamp() for t in self.taken]
        self.ends = [t.ends.timestamp() for t in self.taken]
        self.ends_sorted = all(a <= b for a, b in pairwise(self.ends))

    def _before(self, start: float) -> int:
        if self.ends_sorted:
            return bisect_right(self.ends, start) - 1
        before = [i for i, ends in enumerate(self.ends) if ends <= start]
        return before[-1] if before else -1

    def enough(self, start: float, ends: float) -> bool:
        before = self._before(start)
        if before >= 0:
            needed = self.needed_after.get(self.taken[before].product_class, 0.0)
            if start - self.ends[before] < needed:
                return False
        after = bisect_left(self.starts, ends)
        if after < len(self.taken):
            needed = self.needed_before.get(self.taken[after].product_class, 0.0)
            if self.starts[after] - ends < needed:
                return False
        return True


class Sieve:
    """`passes(start)`: every rule holds for a booking of `minutes` from `start`, a start in the
    house's zone on one of its opening spans and not on a holiday."""

    def __init__(
        self,
        machine: MachineFacts,
        business: BusinessFacts,
        minutes: int,
        kind: ProductKind,
        process: str,
        now: datetime,
    ):
        rules = machine.rules
        self.machine, self.business, self.kind, self.process = machine, business, kind, process
        self.length, self.seconds = timedelta(minutes=minutes), 60.0 * minutes
        self.possible = rules.min_duration_minutes <= minutes <= rules.max_duration_minutes
        self.earliest = now.timestamp() + 60.0 * rules.min_notice_minutes
        self.latest = now.timestamp() + 86400.0 * rules.max_advance_days
        self.blocks = _Blocks(self._blocked())
        self.cleaning = _Cleaning(machine, kind)
        self.permitted: dict[date, bool] = {}
        self.week_used: dict[date, float] = {}

    def _blocked(self) -> list[tuple[float, float]]:
        machine, length = self.machine, self.seconds
        ahead = 60.0 * machine.rules.buffer_minutes + length
        spans = [(t.starts.timestamp() - ahead, t.released) for t in machine.taken]
        spans += [(m.starts.timestamp() - length, m.ends) for m in machine.maintenance]
        spans += [
            (h.starts.timestamp() - length, h.ends)
            for h, who in machine.held_for
            if who != self.business.code
        ]
        return [(first, last.timestamp()) for first, last in spans]

    def passes(self, start: datetime) -> bool:
        moment = start.timestamp()
        if not (self.possible and self.earliest <= moment <= self.latest):
            return False
        if not self.blocks.free(moment):
            return False
        if self.machine.needs_operator and not within_spans(
            self.machine.operator_shifts.get(start.weekday(), ()), start, start + self.length
        ):
            return False
        return (
            self.cleaning.enough(moment, moment + self.seconds)
            and self._permitted(start.date())
            and self._within_quota(start)
        )

    def _permitted(self, day: date) -> bool:
        known = self.permitted.get(day)
        if known is None:
            known = self.permitted[day] = self._permits_hold(day)
        return known

    def _permits_hold(self, day: date) -> bool:
        business, machine = self.business, self.machine
        if not business.checked:
            return True
        valid = {p.kind for p in business.permits if p.expires_on is None or p.expires_on >= day}
        if self.kind.halal and "halal" not in valid:
            return False
        cold = self.process in COLD_CHAIN_PROCESSES or any(
            c in COLD_CHAIN_CAPABILITIES for c in machine.capabilities
        )
        return not (cold and "bpom_md" not in valid)

    def _within_quota(self, start: datetime) -> bool:
        quota = self.machine.rules.weekly_quota_hours
        if quota is None or not self.business.checked:
            return True
        day = start.date()
        used = self.week_used.get(day - timedelta(days=day.weekday()))
        if used is None:
            monday, next_monday = week_of(start, self.machine.zone)
            used = self.week_used[monday.date()] = sum(
                (min(s.ends, next_monday) - max(s.starts, monday)).total_seconds()
                for s in self.business.booked
                if s.overlaps(monday, next_monday)
            )
        return (used + self.seconds) / 3600 <= quota + 1e-9

"""The house's booking rules, checked on plain data: a list of refusals, empty when all hold.

Each refusal names its rule and carries an English template with parameters; the edge translates
it into the asker's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings.facts import BusinessFacts, MachineFacts, Taken, Wish


def _(text: str) -> str:
    """Marks a template for the catalogue; `Refusal.render` translates it."""
    return text


COLD_CHAIN_PROCESSES = ("pasteurised", "frozen")
COLD_CHAIN_CAPABILITIES = ("pasteurise", "freeze-dry", "chill", "sterilise")


@dataclass(frozen=True)
class Refusal:
    rule: str
    template: str
    params: dict[str, str | int] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] = str) -> str:
        return gettext(self.template) % self.params


Check = Callable[[Wish, MachineFacts, BusinessFacts, datetime], Iterable[Refusal]]


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def duration_rules(
    wish: Wish, m: MachineFacts, _b: BusinessFacts, _now: datetime
) -> Iterator[Refusal]:
    minutes = (wish.ends - wish.starts) / timedelta(minutes=1)
    if minutes < m.rules.min_duration_minutes:
        yield Refusal(
            "min_duration", _("at least %(n)s minutes"), {"n": m.rules.min_duration_minutes}
        )
    if minutes > m.rules.max_duration_minutes:
        yield Refusal(
            "max_duration", _("at most %(n)s minutes"), {"n": m.rules.max_duration_minutes}
        )


def notice_rules(
    wish: Wish, m: MachineFacts, _b: BusinessFacts, now: datetime
) -> Iterator[Refusal]:
    if wish.starts < now + timedelta(minutes=m.rules.min_notice_minutes):
        yield Refusal(
            "min_notice", _("book at least %(n)s minutes ahead"), {"n": m.rules.min_notice_minutes}
        )
    if wish.starts > now + timedelta(days=m.rules.max_advance_days):
        yield Refusal(
            "max_advance", _("book at most %(n)s days ahead"), {"n": m.rules.max_advance_days}
        )


def within_spans(spans: Iterable[tuple[time, time]], starts: datetime, ends: datetime) -> bool:
    if starts.date() != ends.date() and ends.time() != time(0):
        return False
    end_clock = ends.time() if ends.date() == starts.date() else time(23, 59, 59)
    return any(opens <= starts.time() and end_clock <= closes for opens, closes in spans)


def calendar_rules(
    wish: Wish, m: MachineFacts, _b: BusinessFacts, _now: datetime
) -> Iterator[Refusal]:
    starts, ends = _local(wish.starts, m.zone), _local(wish.ends, m.zone)
    if starts.date() in m.holidays:
        yield Refusal("holiday", _("the house is closed for a holiday on that day"))
    elif not within_spans(m.opening.get(starts.weekday(), ()), starts, ends):
        yield Refusal("opening_hours", _("outside the house's opening hours"))
    elif m.needs_operator and not within_spans(
        m.operator_shifts.get(starts.weekday(), ()), starts, ends
    ):
        yield Refusal("operator_shift", _("no trained operator is on shift for the whole booking"))
    if any(span.overlaps(wish.starts, wish.ends) for span in m.maintenance):
        yield Refusal("maintenance", _("the machine is under maintenance then"))


def occupancy_rules(
    wish: Wish, m: MachineFacts, b: BusinessFacts, _now: datetime
) -> Iterator[Refusal]:
    released = wish.ends + timedelta(minutes=m.rules.buffer_minutes)
    for other in m.taken:
        if other.code != wish.ignore and other.starts < released and wish.starts < other.released:
            yield Refusal("taken", _("the machine is already booked then"))
            return
    for span, holder in m.held_for:
        if holder != b.code and span.overlaps(wish.starts, wish.ends):
            yield Refusal("waitlist_hold", _("the slot is held for a UMKM on the waitlist"))
            return


def _neighbours(wish: Wish, m: MachineFacts) -> tuple[Taken | None, Taken | None]:
    before = [t for t in m.taken if t.ends <= wish.starts and t.code != wish.ignore]
    after = [t for t in m.taken if t.starts >= wish.ends and t.code != wish.ignore]
    return (before[-1] if before else None), (after[0] if after else None)


def _cleaning_short(m: MachineFacts, first: str, second: str, gap: timedelta) -> int:
    """The changeover minutes a gap lacks between two runs, or 0 when it is long enough."""
    needed = m.changeover.get((first, second), 0)
    return needed if gap < timedelta(minutes=needed) else 0


def halal_rules(
    wish: Wish, m: MachineFacts, _b: BusinessFacts, _now: datetime
) -> Iterator[Refusal]:
    kind = wish.product_class
    if kind.halal and (m.halal_status == "never_halal" or m.ran_pork):
        yield Refusal("halal_segregation", _("this machine never takes halal work"))
        return
    if m.halal_status == "halal_dedicated" and not kind.halal:
        yield Refusal("halal_segregation", _("this machine takes halal work only"))
        return
    before, after = _neighbours(wish, m)
    short = max(
        _cleaning_short(m, before.product_class, kind.code, wish.starts - before.ends)
        if before
        else 0,
        _cleaning_short(m, kind.code, after.product_class, after.starts - wish.ends)
        if after
        else 0,
    )
    if short:
        yield Refusal(
            "changeover", _("%(n)s minutes of cleaning are needed between runs"), {"n": short}
        )


def permit_rules(
    wish: Wish, m: MachineFacts, b: BusinessFacts, _now: datetime
) -> Iterator[Refusal]:
    if not b.checked:  # staff looking without a UMKM
        return
    day = _local(wish.starts, m.zone).date()
    valid = {p.kind for p in b.permits if p.expires_on is None or p.expires_on >= day}
    if wish.product_class.halal and "halal" not in valid:
        yield Refusal("permit_halal", _("a halal product needs a valid halal certificate"))
    cold = wish.process in COLD_CHAIN_PROCESSES or any(
        c in COLD_CHAIN_CAPABILITIES for c in m.capabilities
    )
    if cold and "bpom_md" not in valid:
        yield Refusal(
            "permit_bpom_md",
            _("pasteurised or frozen food needs a valid BPOM MD permit (not PIRT)"),
        )
    if not m.needs_operator and m.machine_type not in b.trained_types:
        yield Refusal(
            "training", _("running this machine yourself needs the house's training first")
        )


def week_of(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    """Monday 00.00 to the next Monday in the house's zone, as aware datetimes."""
    local = _local(moment, zone)
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0), local.tzinfo)
    return monday, monday + timedelta(days=7)


def quota_rules(wish: Wish, m: MachineFacts, b: BusinessFacts, _now: datetime) -> Iterator[Refusal]:
    quota = m.rules.weekly_quota_hours
    if quota is None or not b.checked:
        return
    monday, next_monday = week_of(wish.starts, m.zone)
    used = sum(
        (min(s.ends, next_monday) - max(s.starts, monday)).total_seconds()
        for s in b.booked
        if s.overlaps(monday, next_monday) and s.code != wish.ignore
    )
    wanted = (wish.ends - wish.starts).total_seconds()
    if (used + wanted) / 3600 > quota + 1e-9:
        yield Refusal(
            "weekly_quota",
            _("your weekly share of this house is %(n)s hours; %(used)s are booked"),
            {"n": quota, "used": f"{used / 3600:g}"},
        )


CHECKS: tuple[Check, ...] = (
    duration_rules,
    notice_rules,
    calendar_rules,
    halal_rules,
    permit_rules,
    occupancy_rules,
    quota_rules,
)


def refusals(
    wish: Wish, machine: MachineFacts, business: BusinessFacts, now: datetime
) -> list[Refusal]:
    return [r for check in CHECKS for r in check(wish, machine, business, now)]


def price(wish_minutes: int, machine: MachineFacts, business: BusinessFacts) -> int:
    """Whole Rupiah: the hourly tariff for the booked time, less the size-class subsidy."""
    full = machine.tariff_per_hour * wish_minutes / 60
    return round(full * (100 - business.discount_percent) / 100)


# Cheapest and most often refusing first: the slot search stops at the first refusal.
SEARCH_ORDER: tuple[Check, ...] = (
    notice_rules,
    occupancy_rules,
    calendar_rules,
    halal_rules,
    quota_rules,
    duration_rules,
    permit_rules,
)


def holds(wish: Wish, machine: MachineFacts, business: BusinessFacts, now: datetime) -> bool:
    """Every rule holds (the search's question: no refusal texts needed)."""
    return not any(True for check in SEARCH_ORDER for _ in check(wish, machine, business, now))

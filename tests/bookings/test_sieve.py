"""The compiled rules of the slot search answer exactly what every rule answers (`rules.holds`),
on random machines, UMKMs and bookings: shifts, holidays, maintenance, waitlist holds, buffers,
cleaning changeovers, permits that expire, training and the weekly quota."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.bookings.facts import (
    BusinessFacts,
    HouseRules,
    PermitFact,
    ProductKind,
    Span,
    Taken,
)
from sharedfactory.bookings.rules import holds
from sharedfactory.bookings.slots import STEP, SlotQuery, _days, _starts, free_slots
from tests.bookings.test_rules import NOW, TUESDAY, business, machine, wish

pytestmark = pytest.mark.pure

KINDS = (
    ProductKind("halal", True),
    ProductKind("non_halal", False),
    ProductKind("pork", False, True),
)
CHANGEOVERS = {("non_halal", "halal"): 120, ("halal", "non_halal"): 30, ("pork", "halal"): 240}


def random_taken(rng: random.Random) -> tuple[Taken, ...]:
    taken, cursor = [], TUESDAY - timedelta(days=1)
    for index in range(rng.randint(0, 30)):
        cursor += timedelta(minutes=rng.choice((0, 15, 30, 45, 90, 600)))
        ends = cursor + timedelta(minutes=rng.choice((30, 60, 150)))
        released = ends - timedelta(minutes=rng.choice((0, 0, 20))) + timedelta(minutes=10)
        kind = rng.choice(KINDS)
        taken.append(Taken(f"bk-{index}", cursor, ends, released, kind.code, kind.halal))
        cursor = ends + timedelta(minutes=10)
    return tuple(taken)


def random_machine(rng: random.Random):
    hours = {d: ((time(rng.choice((7, 8))), time(rng.choice((12, 16, 17)))),) for d in range(6)}
    if rng.random() < 0.5:
        hours[5] = ((time(8), time(11)), (time(13), time(15)))
    shifts = {d: ((time(8), time(rng.choice((12, 14, 16)))),) for d in range(5)}
    held = Span(TUESDAY + timedelta(hours=rng.randint(0, 30)), TUESDAY + timedelta(hours=32))
    return machine(
        taken=random_taken(rng),
        maintenance=(
            Span(TUESDAY + timedelta(hours=rng.randint(0, 60)), TUESDAY + timedelta(hours=62)),
        ),
        held_for=((held, rng.choice(("umkm-a", "umkm-b"))),),
        opening=hours,
        operator_shifts=shifts,
        needs_operator=rng.random() < 0.5,
        holidays=frozenset({(TUESDAY + timedelta(days=rng.randint(0, 3))).date()}),
        changeover=CHANGEOVERS,
        capabilities=rng.choice((("fry",), ("pasteurise",))),
        rules=HouseRules(
            buffer_minutes=rng.choice((0, 10, 30)),
            weekly_quota_hours=rng.choice((None, 4, 10)),
            min_duration_minutes=rng.choice((30, 60)),
            max_duration_minutes=rng.choice((120, 480)),
            min_notice_minutes=rng.choice((120, 120, 60 * 24 * 8)),
        ),
    )


def random_business(rng: random.Random) -> BusinessFacts:
    if rng.random() < 0.15:
        return BusinessFacts.anyone()
    expires = (TUESDAY + timedelta(days=rng.randint(-1, 3))).date()
    permits = [PermitFact("halal", "Keripik", rng.choice((None, expires)))]
    if rng.random() < 0.5:
        permits.append(PermitFact("bpom_md", "Keripik", date(2027, 1, 1)))
    booked = tuple(
        Span(TUESDAY + timedelta(hours=h), TUESDAY + timedelta(hours=h + 2))
        for h in rng.sample(range(-30, 100), rng.randint(0, 6))
    )
    return business(
        permits=tuple(permits),
        booked=booked,
        trained_types=rng.choice((frozenset(), frozenset({"vacuum_fryer"}))),
    )


def walked_starts(machine, since, until, minutes):
    """The grid walked step by step: what `_starts` computes."""
    zone = ZoneInfo(machine.zone)
    for day in _days(since.astimezone(zone).date(), until.astimezone(zone).date()):
        for opens, closes in (
            () if day in machine.holidays else machine.opening.get(day.weekday(), ())
        ):
            start = datetime.combine(day, opens, zone)
            while start <= datetime.combine(day, closes, zone) - timedelta(minutes=minutes):
                if since <= start < until:
                    yield start
                start += STEP


@pytest.mark.parametrize("seed", range(50))
def test_the_grid_starts_are_the_walked_ones_for_any_range(seed):
    rng = random.Random(seed)
    busy = random_machine(rng)
    for _ in range(20):  # ranges off the grid, inside spans, across days, empty
        since = TUESDAY + timedelta(minutes=rng.randint(-3000, 3000))
        until = since + timedelta(minutes=rng.choice((0, 1, 29, 30, 31, rng.randint(0, 20000))))
        minutes = rng.choice((30, 45, 60, 90, 240, 600))
        expected = list(walked_starts(busy, since, until, minutes))
        assert list(_starts(busy, since, until, minutes)) == expected


@pytest.mark.parametrize("seed", range(200))
def test_the_compiled_rules_find_exactly_the_starts_every_rule_allows(seed):
    rng = random.Random(seed)
    busy, umkm = random_machine(rng), random_business(rng)
    kind = rng.choice(KINDS[:2] * 3 + KINDS[2:])
    minutes = rng.choice((30, 60, 90, 120, 240))
    process = rng.choice(("ambient", "frozen"))
    query = SlotQuery(
        minutes, TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=6), kind, "Keripik", process
    )
    everything = [
        start
        for start in _starts(busy, query.since, query.until, minutes)
        if holds(wish(start, minutes, kind, process=process), busy, umkm, NOW)
    ]
    found = free_slots([busy], umkm, query, NOW, limit=1000)
    assert [s.starts for s in found] == everything


def test_the_search_merges_machines_in_time_order_and_stops_at_the_limit():
    one, two = machine(code="fryer-1"), machine(code="fryer-2")
    query = SlotQuery(60, TUESDAY, TUESDAY + timedelta(days=2), KINDS[0])
    found = free_slots([two, one], business(), query, NOW, limit=5)
    assert [(s.machine, s.starts - TUESDAY) for s in found] == [
        ("fryer-1", timedelta(0)),
        ("fryer-2", timedelta(0)),
        ("fryer-1", timedelta(minutes=30)),
        ("fryer-2", timedelta(minutes=30)),
        ("fryer-1", timedelta(hours=1)),
    ]

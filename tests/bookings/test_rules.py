"""The house rules on plain data: each rule refuses what it should and nothing else."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from sharedfactory.bookings.facts import (
    BusinessFacts,
    HouseRules,
    MachineFacts,
    PermitFact,
    ProductKind,
    Span,
    Taken,
    Wish,
)
from sharedfactory.bookings.rules import holds, price, refusals
from sharedfactory.bookings.slots import SlotQuery, _starts, free_slots, nearest_slots

pytestmark = pytest.mark.pure

HALAL = ProductKind("halal", True)
NON_HALAL = ProductKind("non_halal", False)
PORK = ProductKind("pork", False, True)
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # Tuesday 07.00 WIB
TUESDAY = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 08.00 WIB, a week later


def machine(**changes) -> MachineFacts:
    base = {
        "code": "fryer-1",
        "house": "batu-bara",
        "zone": "Asia/Jakarta",
        "machine_type": "vacuum_fryer",
        "capabilities": ("fry",),
        "needs_operator": False,
        "halal_status": "shared",
        "tariff_per_hour": 60_000,
        "rules": HouseRules(),
        "opening": {d: ((time(8), time(16)),) for d in range(6)},
        "holidays": frozenset(),
        "changeover": {("non_halal", "halal"): 120, ("halal", "non_halal"): 30},
    }
    return MachineFacts(**(base | changes))


def business(**changes) -> BusinessFacts:
    base = {
        "code": "umkm-a",
        "size_class": "mikro",
        "permits": (
            PermitFact("halal", "Keripik", date(2027, 6, 1)),
            PermitFact("pirt", "Keripik", None),
        ),
        "trained_types": frozenset({"vacuum_fryer"}),
    }
    return BusinessFacts(**(base | changes))


def wish(starts=TUESDAY, minutes=90, kind=HALAL, **changes) -> Wish:
    return Wish("fryer-1", starts, starts + timedelta(minutes=minutes), kind, "Keripik", **changes)


def rules_of(w: Wish, m: MachineFacts | None = None, b: BusinessFacts | None = None) -> list[str]:
    return [r.rule for r in refusals(w, m or machine(), b or business(), NOW)]


def test_a_wish_inside_every_rule_is_accepted():
    assert rules_of(wish()) == []


@pytest.mark.parametrize(
    ("the_wish", "rule"),
    [
        (wish(minutes=10), "min_duration"),
        (wish(minutes=600), "max_duration"),
        (wish(starts=NOW + timedelta(minutes=30)), "min_notice"),
        (wish(starts=TUESDAY + timedelta(days=90)), "max_advance"),
        (wish(starts=TUESDAY + timedelta(hours=8)), "opening_hours"),  # 16.00 WIB
        (wish(starts=TUESDAY - timedelta(hours=2)), "opening_hours"),  # 06.00 WIB
    ],
)
def test_time_rules(the_wish, rule):
    assert rule in rules_of(the_wish)


def test_holidays_and_maintenance_close_the_machine():
    holiday = machine(holidays=frozenset({date(2026, 12, 8)}))
    assert rules_of(wish(), holiday) == ["holiday"]
    down = machine(maintenance=(Span(TUESDAY, TUESDAY + timedelta(hours=1)),))
    assert rules_of(wish(), down) == ["maintenance"]


def test_an_operator_run_machine_needs_an_operator_on_shift():
    shifts = {1: ((time(8), time(12)),)}
    run_by_staff = machine(needs_operator=True, operator_shifts=shifts)
    assert rules_of(wish(), run_by_staff) == []
    assert rules_of(wish(starts=TUESDAY + timedelta(hours=3)), run_by_staff) == ["operator_shift"]


def test_a_taken_slot_and_the_buffer_after_it_are_refused():
    taken = Taken(
        "bk-1",
        TUESDAY,
        TUESDAY + timedelta(hours=1),
        TUESDAY + timedelta(minutes=75),
        "halal",
        True,
    )
    busy = machine(taken=(taken,), rules=HouseRules(buffer_minutes=15))
    assert rules_of(wish(), busy) == ["taken"]
    assert rules_of(wish(starts=TUESDAY + timedelta(minutes=60)), busy) == [
        "taken"
    ]  # in the buffer
    assert rules_of(wish(starts=TUESDAY + timedelta(minutes=75)), busy) == []
    before = wish(starts=TUESDAY - timedelta(minutes=90) + timedelta(hours=4))
    assert "taken" not in rules_of(before, busy)


def test_a_booking_being_moved_does_not_block_itself():
    taken = Taken(
        "bk-1", TUESDAY, TUESDAY + timedelta(hours=1), TUESDAY + timedelta(hours=1), "halal", True
    )
    assert rules_of(wish(ignore="bk-1"), machine(taken=(taken,))) == []


def test_halal_segregation():
    assert rules_of(wish(), machine(halal_status="never_halal")) == ["halal_segregation"]
    assert rules_of(wish(), machine(ran_pork=True)) == ["halal_segregation"]
    assert rules_of(wish(kind=NON_HALAL), machine(halal_status="halal_dedicated")) == [
        "halal_segregation"
    ]
    assert rules_of(wish(kind=PORK), machine(halal_status="never_halal")) == []


def test_halal_work_after_non_halal_needs_the_cleaning_changeover():
    run = Taken("bk-1", TUESDAY - timedelta(hours=1), TUESDAY, TUESDAY, "non_halal", False)
    after_run = machine(taken=(run,))
    assert rules_of(wish(), after_run) == ["changeover"]
    assert rules_of(wish(starts=TUESDAY + timedelta(minutes=120)), after_run) == []
    assert rules_of(wish(kind=NON_HALAL), after_run) == []


def test_permit_gates():
    lapsed = business(permits=(PermitFact("halal", "Keripik", date(2026, 11, 30)),))
    assert rules_of(wish(), b=lapsed) == ["permit_halal"]
    assert rules_of(wish(kind=NON_HALAL, process="frozen"), b=business()) == ["permit_bpom_md"]
    md = business(permits=(PermitFact("bpom_md", "Keripik", None), PermitFact("halal", "K", None)))
    assert rules_of(wish(process="pasteurised"), b=md) == []
    pasteuriser = machine(capabilities=("pasteurise",))
    assert rules_of(wish(), pasteuriser) == ["permit_bpom_md"]


def test_self_run_machines_need_training():
    assert rules_of(wish(), b=business(trained_types=frozenset())) == ["training"]
    assert (
        rules_of(
            wish(),
            machine(needs_operator=True, operator_shifts={1: ((time(8), time(16)),)}),
            business(trained_types=frozenset()),
        )
        == []
    )


def test_weekly_quota_counts_the_house_week():
    quota = machine(rules=HouseRules(weekly_quota_hours=4))
    monday = TUESDAY - timedelta(days=1)
    used = business(booked=(Span(monday, monday + timedelta(hours=3), "bk-9"),))
    assert rules_of(wish(minutes=60), quota, used) == []
    assert rules_of(wish(minutes=90), quota, used) == ["weekly_quota"]
    last_week = business(
        booked=(Span(monday - timedelta(days=3), monday - timedelta(days=3, hours=-3)),)
    )
    assert rules_of(wish(minutes=90), quota, last_week) == []


def test_price_applies_the_size_class_subsidy():
    assert price(90, machine(), business()) == 90_000
    assert price(90, machine(), business(discount_percent=50)) == 45_000


def test_free_slots_skip_taken_time_and_nearest_slots_surround_a_refusal():
    taken = Taken(
        "bk-1", TUESDAY, TUESDAY + timedelta(hours=2), TUESDAY + timedelta(hours=2), "halal", True
    )
    busy = machine(taken=(taken,))
    day = SlotQuery(60, TUESDAY, TUESDAY + timedelta(hours=8), HALAL)
    slots = free_slots([busy], business(), day, NOW)
    assert slots[0].starts == TUESDAY + timedelta(hours=2)
    assert all(not (s.starts < taken.ends and taken.starts < s.ends) for s in slots)
    assert len(slots) == 11  # 10.00 .. 15.00 every half hour
    near = nearest_slots([busy], business(), wish(), NOW)
    assert next(s.starts for s in near) == TUESDAY + timedelta(hours=2)
    assert all(s.price == 90_000 for s in near)


@pytest.mark.parametrize("seed", range(25))
def test_the_search_sieve_finds_exactly_the_starts_every_rule_allows(seed):
    rng = random.Random(seed)
    taken, cursor = [], TUESDAY - timedelta(days=1)
    for index in range(rng.randint(0, 25)):
        cursor += timedelta(minutes=rng.choice((0, 30, 45, 90, 600)))
        ends = cursor + timedelta(minutes=rng.choice((30, 60, 150)))
        kind = rng.choice(("halal", "non_halal"))
        taken.append(
            Taken(f"bk-{index}", cursor, ends, ends + timedelta(minutes=10), kind, kind == "halal")
        )
        cursor = ends + timedelta(minutes=10)
    down = (Span(TUESDAY + timedelta(hours=rng.randint(0, 40)), TUESDAY + timedelta(hours=44)),)
    busy = machine(taken=tuple(taken), maintenance=down, rules=HouseRules(buffer_minutes=10))
    query = SlotQuery(
        rng.choice((30, 60, 120)), TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=3), HALAL
    )
    everything = [
        start
        for start in _starts(busy, query.since, query.until, query.minutes)
        if holds(wish(start, query.minutes), busy, business(), NOW)
    ]
    found = free_slots([busy], business(), query, NOW, limit=500)
    assert [s.starts for s in found] == everything


def _nearest_over_the_whole_range(machines, wished: Wish) -> list[tuple[str, datetime]]:
    """The definition: every free slot from a week before to two weeks after, nearest first."""
    query = SlotQuery(
        90, max(NOW, wished.starts - timedelta(days=7)), wished.starts + timedelta(days=14), HALAL
    )
    found = [s for m in machines for s in free_slots([m], business(), query, NOW, limit=10_000)]
    found.sort(
        key=lambda s: (abs((s.starts - wished.starts).total_seconds()), s.machine != "fryer-1")
    )
    return [(s.machine, s.starts) for s in found[:3]]


@pytest.mark.parametrize("seed", range(4))
def test_nearest_slots_looked_for_in_widening_windows_are_the_whole_ranges_nearest(seed):
    """Machines booked solid for up to 12 days around the wish, so the answer comes from the
    first window, a later one, or the whole range (100 cases a seed). A refusal's alternatives
    are first looked for on a day's facts either side (`day_only`): when that finds three, they
    are the whole range's."""
    rng = random.Random(seed)
    day_was_enough = set()
    for _ in range(100):
        machines = []
        for code in ("fryer-1", "fryer-2"):
            solid = timedelta(hours=rng.randint(0, 12 * 24))
            first = TUESDAY - timedelta(hours=rng.randint(0, 8 * 24))
            block = Taken(f"bk-{code}", first, first + solid, first + solid, "halal", True)
            machines.append(machine(code=code, taken=(block,) if solid else ()))
        wished = wish(starts=TUESDAY + timedelta(hours=rng.choice((0, 2, 5))))
        near = [(s.machine, s.starts) for s in nearest_slots(machines, business(), wished, NOW)]
        assert near == _nearest_over_the_whole_range(machines, wished)
        day = nearest_slots(machines, business(), wished, NOW, day_only=True)
        assert all(abs(s.starts - wished.starts) <= timedelta(days=1) for s in day)
        day_was_enough.add(len(day) == 3)
        if len(day) == 3:
            assert [(s.machine, s.starts) for s in day] == near
    assert day_was_enough == {True, False}

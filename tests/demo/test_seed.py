"""The demo cluster looks like the programme and is the same every time."""

from collections import defaultdict
from datetime import date
from itertools import pairwise
from zoneinfo import ZoneInfo

from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.demo.businesses import demo_businesses
from sharedfactory.demo.houses import HOUSES
from sharedfactory.demo.seed import DEFAULT_START, seed
from sharedfactory.demo.week import demo_week
from sharedfactory.facilities.tables import House, Machine, OperatorMachine, OperatorShift
from tests.conftest import SECRET


async def test_demo_has_the_size_of_a_real_programme(engine):
    houses = await House.select(House.code, House.timezone).run()
    assert len(houses) >= 3
    assert len({h["timezone"] for h in houses}) >= 2
    assert await Machine.count() >= 20
    assert await Business.count() >= 30
    assert await OperatorMachine.count() > 0
    assert await OperatorShift.count() > 0
    kinds = {row["kind"] for row in await Permit.select(Permit.kind).run()}
    assert kinds == {"pirt", "bpom_md", "halal", "sni"}
    assert await Booking.count() >= 100


async def test_seeding_twice_writes_nothing_the_second_time(engine):
    before = await Booking.count()
    assert await seed(SECRET) is False
    assert await Booking.count() == before


async def test_personal_data_is_stored_masked_and_encrypted(engine):
    cipher = PersonalDataCipher(SECRET)
    expected = {b.code: b.nik for b in demo_businesses(DEFAULT_START)}
    for row in await Business.select().run():
        nik = expected[row["code"]]
        assert nik not in str(row)  # never in clear, in any column
        assert row["nik_masked"] == nik[:4] + "********" + nik[-4:]
        assert cipher.decrypt(row["nik_encrypted"]) == nik


def test_demo_data_is_deterministic():
    start = date(2026, 12, 7)
    first = demo_week(HOUSES, demo_businesses(start), start, set())
    second = demo_week(HOUSES, demo_businesses(start), start, set())
    assert first == second
    assert demo_businesses(start) == demo_businesses(start)


def test_demo_bookings_respect_opening_hours_and_never_overlap():
    start = date(2026, 12, 7)
    zones = {m.code: (h, m) for h in HOUSES for m in h.machines}
    by_machine = defaultdict(list)
    for booking in demo_week(HOUSES, demo_businesses(start), start, set()):
        house, machine = zones[booking.machine_code]
        by_machine[booking.machine_code].append((booking.starts_at, booking.ends_at))
        if machine.cycle_minutes <= 24 * 60:
            local = booking.starts_at.astimezone(ZoneInfo(house.timezone))
            opens, closes = house.hours[local.weekday()]
            assert opens <= local.time()
            assert booking.ends_at.astimezone(ZoneInfo(house.timezone)).time() <= closes
    for spans in by_machine.values():
        spans.sort()
        assert all(a_end <= b_start for (_s, a_end), (b_start, _e) in pairwise(spans))


def test_demo_nibs_are_13_digits_and_unique():
    nibs = [b.nib for b in demo_businesses(DEFAULT_START)]
    assert all(len(n) == 13 and n.isdigit() for n in nibs)
    assert len(set(nibs)) == len(nibs) >= 30

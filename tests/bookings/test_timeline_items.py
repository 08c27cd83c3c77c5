"""The timeline's arithmetic on plain data: a day or a week in the house's zone, the cleaning after
bookings, runs from hourly rollups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings.timeline_items import (
    HOUR_MS,
    Booked,
    Item,
    cleaning,
    day_range,
    runs_from_rollups,
    within,
)

WITA = ZoneInfo("Asia/Makassar")
T0 = datetime(2027, 2, 9, 8, 0, tzinfo=WITA)  # a Tuesday


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_a_day_and_its_monday_to_sunday_week_in_the_house_zone():
    day = date(2027, 2, 10)  # a Wednesday
    assert day_range(day, "hari", "Asia/Makassar") == (
        datetime(2027, 2, 10, tzinfo=WITA),
        datetime(2027, 2, 11, tzinfo=WITA),
    )
    starts, ends = day_range(day, "minggu", "Asia/Jayapura")
    assert starts == datetime(2027, 2, 8, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert ends - starts == timedelta(days=7)
    assert starts.astimezone(UTC).hour == 15  # 00.00 WIT is 15.00 UTC the day before


def booked(code: str, start: int, minutes: int, kind: str = "halal", buffer: int = 0) -> Booked:
    ends = at(start + minutes)
    return Booked(code, "m1", at(start), ends, ends + timedelta(minutes=buffer), kind)


def test_cleaning_is_the_longer_of_the_buffer_and_the_changeover_cut_at_the_next_start():
    changeover = {("halal", "non-halal"): 30, ("non-halal", "halal"): 120}
    found = cleaning(
        [
            booked("b", 150, 60, "non-halal", buffer=10),  # given out of order
            booked("a", 0, 120, "halal", buffer=15),
            booked("c", 240, 60, "halal"),
            booked("d", 400, 30, "halal", buffer=20),
        ],
        changeover,
    )
    assert [(i.booking, i.starts, i.ends, i.note) for i in found] == [
        ("a", at(120), at(150), "halal>non-halal"),  # 30 beat the buffer's 15
        ("b", at(210), at(240), "non-halal>halal"),  # 120 wanted, cut at c's start
        ("d", at(430), at(450), "buffer"),
    ]
    assert all(i.kind == "cleaning" for i in found)


def test_runs_from_rollups_merge_neighbouring_hours_and_reach_their_shared_edges():
    h = ms(T0)
    found = runs_from_rollups(
        [
            ("m1", h + HOUR_MS, 3600),
            ("m1", h, 1800),  # the second half of 08.00
            ("m1", h + 2 * HOUR_MS, 600),  # the first ten minutes of 10.00
            ("m1", h + 5 * HOUR_MS, 900),  # alone: from the hour
            ("m1", h + 6 * HOUR_MS, 0),  # nothing ran
            ("m2", h, 4000),  # more than an hour is an hour
        ]
    )
    assert [(i.machine, i.starts, i.ends, i.running_s) for i in found] == [
        ("m1", at(30), at(130), 6000),
        ("m1", at(300), at(315), 900),
        ("m2", at(0), at(60), 3600),
    ]


def test_within_keeps_what_touches_the_range_in_machine_and_time_order():
    items = [
        Item("booking", "m2", at(0), at(60)),
        Item("run", "m1", at(10), at(50)),
        Item("booking", "m1", at(0), at(60)),
        Item("maintenance", "m1", at(-120), at(0)),  # ends as the range starts: out
    ]
    kept = within(items, at(0), at(60))
    assert [(i.machine, i.kind) for i in kept] == [
        ("m1", "booking"),
        ("m1", "run"),
        ("m2", "booking"),
    ]

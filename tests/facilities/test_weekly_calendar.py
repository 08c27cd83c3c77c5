"""The weekly calendar's pure rules: a day's spans as text (`08.00–16.00, 18.00–20.00`), a week as
spans, midnight as `24.00`, certifications. Property-style: any valid week shown as text reads
back as itself, no text makes the parser raise, and whatever it accepts keeps the rules."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharedfactory.bookings.rules import within_spans
from sharedfactory.facilities.weekly_calendar import (
    END_OF_DAY,
    MAX_SPANS_PER_DAY,
    WeeklySpan,
    by_day,
    check_certifications,
    check_day,
    check_week,
    clock_of,
    clock_text,
    day_text,
    parse_day,
    week_of,
)

QUARTERS = [time(h, m) for h in range(24) for m in (0, 15, 30, 45)]


@st.composite
def valid_day(draw) -> list[tuple[time, time]]:
    """0 to 3 spans on the quarter hour that neither overlap nor touch, 24.00 allowed as an end."""
    marks = draw(st.lists(st.sampled_from(range(97)), min_size=0, max_size=6, unique=True))
    marks = sorted(marks)[: 2 * (len(marks) // 2)]
    # distinct marks in order: the spans never overlap nor touch
    return [
        (QUARTERS[starts], END_OF_DAY if ends == 96 else QUARTERS[ends])
        for starts, ends in zip(marks[::2], marks[1::2], strict=True)
    ]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", []),
        ("   ", []),
        ("08.00–16.00", [(time(8), time(16))]),
        ("08:00-16:00", [(time(8), time(16))]),
        ("8.00 - 16.30", [(time(8), time(16, 30))]),
        ("18.00–20.00, 08.00–12.00", [(time(8), time(12)), (time(18), time(20))]),
        ("06.00—12.00; 13.00−22.00", [(time(6), time(12)), (time(13), time(22))]),
        ("00.00–24.00", [(time(0), END_OF_DAY)]),
        ("20.00–24:00", [(time(20), END_OF_DAY)]),
    ],
)
def test_a_day_is_read_from_the_ways_people_write_it(text, spans):
    assert parse_day(text) == (spans, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08.00", "08.00–16.00"),
        ("pagi", "08.00–16.00"),
        ("08.00–16.00,", "08.00–16.00"),
        ("8–16", "quarter hour"),
        ("08.10–16.00", "quarter hour"),
        ("08.00–16.60", "quarter hour"),
        ("24.00–24.00", "quarter hour"),
        ("08.00–25.00", "quarter hour"),
        ("16.00–08.00", "after the start"),
        ("08.00–08.00", "after the start"),
        ("00.00–24.00, 08.00–09.00", "overlaps or touches"),
        ("08.00–12.00, 11.00–14.00", "overlaps or touches"),
        ("08.00–12.00, 12.00–16.00", "overlaps or touches"),
        ("06.00–07.00, 08.00–09.00, 10.00–11.00, 12.00–13.00", "at most %(n)s spans"),
    ],
)
def test_a_wrong_day_is_refused_with_the_reason(text, message):
    spans, problem = parse_day(text)
    assert spans == []
    assert problem is not None
    assert message in problem.message


def test_midnight_is_an_end_only_and_reads_as_the_booking_rules_read_it():
    assert clock_of("24.00", end=True) == END_OF_DAY
    assert clock_of("24.00") is None
    assert clock_of("00.00") == time(0)
    assert clock_text(END_OF_DAY) == "24:00"
    assert clock_text(END_OF_DAY, ".") == "24.00"
    # A booking from 22.00 to midnight fits a span closing at 24.00, not one closing earlier.
    zone = ZoneInfo("Asia/Makassar")
    starts = datetime(2027, 2, 2, 22, tzinfo=zone)
    ends = datetime(2027, 2, 3, 0, tzinfo=zone)
    assert within_spans([(time(20), END_OF_DAY)], starts, ends)
    assert not within_spans([(time(20), time(23, 45))], starts, ends)


@given(valid_day())
def test_any_valid_day_shown_as_text_reads_back_as_itself(spans):
    assert check_day(spans) is None
    assert parse_day(day_text(spans)) == (sorted(spans), None)
    assert parse_day(day_text(spans, ":").replace("–", "-")) == (sorted(spans), None)


@given(st.text(max_size=60))
def test_no_text_makes_the_parser_raise_and_what_it_accepts_keeps_the_rules(text):
    spans, problem = parse_day(text)
    if problem is None:
        assert len(spans) <= MAX_SPANS_PER_DAY
        assert all(starts < ends for starts, ends in spans)
        assert all(a[1] < b[0] for a, b in pairwise(spans))
        assert all(s.minute % 15 == 0 and s.second == 0 for s, _e in spans)
    else:
        assert spans == []


@given(st.lists(st.tuples(st.sampled_from(QUARTERS), st.sampled_from(QUARTERS)), max_size=5))
def test_overlapping_spans_are_always_refused(pairs):
    spans = [(a, b) for a, b in pairs if a < b]
    problem = check_day(spans)
    overlapping = any(
        i != j and a[0] <= b[0] <= a[1] for i, a in enumerate(spans) for j, b in enumerate(spans)
    )
    if overlapping or len(spans) > MAX_SPANS_PER_DAY:
        assert problem is not None
    else:
        assert problem is None


def test_a_week_names_the_span_that_is_wrong():
    week = [
        WeeklySpan(0, time(8), time(16)),
        WeeklySpan(1, time(8), time(12)),
        WeeklySpan(1, time(11), time(14)),
    ]
    problem = check_week(week)
    assert (problem.index, problem.key) == (2, "starts")
    assert check_week([WeeklySpan(7, time(8), time(9))]).key == "weekday"
    assert check_week([WeeklySpan(2, time(9), time(8))]).index == 0
    assert check_week(week[:2]) is None
    days = by_day(week[:2])
    assert days[0] == [(time(8), time(16))]
    assert days[6] == []
    assert week_of(days) == sorted(week[:2])


def test_certifications_are_the_houses_machines_once_and_not_in_the_future():
    machines = ["grater-1", "press-1"]
    today = date(2026, 12, 1)
    assert check_certifications([("grater-1", date(2025, 6, 2))], machines, today) is None
    cases = [
        ([("kettle-1", date(2025, 6, 2))], "machine", "not a machine"),
        ([("grater-1", date(2025, 6, 2)), ("grater-1", date(2025, 7, 2))], "machine", "twice"),
        ([("press-1", date(1999, 12, 31))], "certified_on", "2000"),
        ([("press-1", date(2026, 12, 2))], "certified_on", "future"),
    ]
    for wanted, key, text in cases:
        problem = check_certifications(wanted, machines, today)
        assert problem.key == key
        assert text in problem.message % problem.params

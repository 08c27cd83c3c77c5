"""Planned time from opening hours, holidays and maintenance, hand-computed (pure)."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.reports.planned import (
    HouseCalendar,
    length_ms,
    minus,
    month_slices,
    open_spans,
    planned_ms,
)

pytestmark = pytest.mark.pure

HOUR = 3_600_000
WEEKDAYS_8_TO_4 = {day: ((time(8), time(16)),) for day in range(5)} | {5: ((time(8), time(12)),)}


def ms(text):
    return round(datetime.fromisoformat(text).timestamp() * 1000)


WEEK = (ms("2025-03-03T00:00:00+07:00"), ms("2025-03-10T00:00:00+07:00"))  # Monday to Monday


def test_a_week_of_opening_hours_is_five_eights_and_a_saturday_morning():
    calendar = HouseCalendar("Asia/Jakarta", WEEKDAYS_8_TO_4)
    spans = open_spans(calendar, *WEEK)
    assert length_ms(spans) == 44 * HOUR
    assert spans[0] == (ms("2025-03-03T08:00:00+07:00"), ms("2025-03-03T16:00:00+07:00"))


def test_a_holiday_closes_the_whole_day():
    calendar = HouseCalendar("Asia/Jakarta", WEEKDAYS_8_TO_4, frozenset({date(2025, 3, 5)}))
    assert length_ms(open_spans(calendar, *WEEK)) == 36 * HOUR


def test_opening_hours_are_in_the_houses_own_zone():
    """08:00 WITA is 07:00 WIB: a period starting 08:00 WIB leaves Monday 7 open hours in Bali."""
    calendar = HouseCalendar("Asia/Makassar", WEEKDAYS_8_TO_4)
    assert length_ms(open_spans(calendar, *WEEK)) == 44 * HOUR
    start = ms("2025-03-03T08:00:00+07:00")
    monday = open_spans(calendar, start, ms("2025-03-04T00:00:00+07:00"))
    assert monday == [(start, ms("2025-03-03T16:00:00+08:00"))]
    assert length_ms(monday) == 7 * HOUR


def test_maintenance_counts_only_where_the_house_is_open():
    calendar = HouseCalendar("Asia/Jakarta", WEEKDAYS_8_TO_4)
    windows = [
        (ms("2025-03-04T10:00:00+07:00"), ms("2025-03-04T14:00:00+07:00")),  # 4 h inside
        (ms("2025-03-05T07:00:00+07:00"), ms("2025-03-05T09:00:00+07:00")),  # 1 h inside
        (ms("2025-03-09T08:00:00+07:00"), ms("2025-03-09T12:00:00+07:00")),  # Sunday: closed
    ]
    assert planned_ms(open_spans(calendar, *WEEK), windows) == 39 * HOUR


def test_overlapping_opening_spans_count_once():
    calendar = HouseCalendar("Asia/Jakarta", {0: ((time(8), time(12)), (time(10), time(14)))})
    assert length_ms(open_spans(calendar, *WEEK)) == 6 * HOUR


def test_minus_splits_and_drops():
    assert minus([(0, 10), (20, 30)], [(5, 25)]) == [(0, 5), (25, 30)]
    assert minus([(0, 10)], [(0, 10)]) == []


def test_an_empty_period_has_no_opening():
    calendar = HouseCalendar("Asia/Jakarta", WEEKDAYS_8_TO_4)
    assert open_spans(calendar, WEEK[1], WEEK[0]) == []


def test_months_are_cut_at_midnight_in_the_zone_asked_for():
    start, end = ms("2025-01-15T00:00:00+07:00"), ms("2025-03-10T00:00:00+07:00")
    jakarta = month_slices(start, end, ZoneInfo("Asia/Jakarta"))
    assert [s.key for s in jakarta] == ["2025-01", "2025-02", "2025-03"]
    assert jakarta[0].start_ms == start
    assert jakarta[1].start_ms == ms("2025-02-01T00:00:00+07:00")
    assert jakarta[1].end_ms == jakarta[2].start_ms == ms("2025-03-01T00:00:00+07:00")
    assert jakarta[2].end_ms == end
    papua = month_slices(start, end, timezone(timedelta(hours=9)))
    assert papua[1].start_ms == ms("2025-02-01T00:00:00+09:00")


def test_a_period_inside_one_month_is_one_slice():
    (only,) = month_slices(*WEEK, ZoneInfo("Asia/Jakarta"))
    assert (only.key, only.start_ms, only.end_ms) == ("2025-03", *WEEK)

import pytest

from sharedfactory.analytics.intervals import StateInterval
from sharedfactory.analytics.usage import booked_vs_actual, run_started
from tests.analytics.helpers import HOUR, MINUTE, T0

START, END = T0 + 8 * HOUR, T0 + 10 * HOUR
GRACE = 15 * MINUTE

RUN = [
    StateInterval("idle", START - HOUR, START + 10 * MINUTE, None),
    StateInterval("setup", START + 10 * MINUTE, START + 20 * MINUTE, "bk-1"),
    StateInterval("running", START + 20 * MINUTE, START + 80 * MINUTE, "bk-1"),
    StateInterval("fault", START + 80 * MINUTE, START + 90 * MINUTE, "bk-1"),
    StateInterval("running", START + 90 * MINUTE, END + 30 * MINUTE, "bk-1"),
    StateInterval("running", END + 30 * MINUTE, END + 90 * MINUTE, "bk-2"),
]


def test_booked_vs_actual_by_booking_counts_overrun():
    usage = booked_vs_actual(START, END, RUN, booking_id="bk-1")
    assert usage.booked_s == 7200
    assert usage.actual_running_s == (60 + 60) * 60
    assert usage.first_running_ms == START + 20 * MINUTE
    assert usage.last_running_ms == END + 30 * MINUTE
    assert usage.used_share == 1.0
    assert usage.started_within(20)
    assert not usage.started_within(19)


def test_booked_vs_actual_by_window_clips():
    usage = booked_vs_actual(START, END, RUN)
    assert usage.actual_running_s == (60 + 30) * 60
    assert usage.last_running_ms == END


def test_nothing_ran():
    usage = booked_vs_actual(START, END, RUN[:1])
    assert (usage.actual_running_s, usage.first_running_ms) == (0, None)
    assert not usage.started_within(60)
    assert booked_vs_actual(START, START, []).used_share is None


def test_booking_must_not_end_before_start():
    with pytest.raises(ValueError, match="ends before"):
        booked_vs_actual(END, START, [])


def test_run_started_with_setup_inside_grace():
    assert run_started(RUN, "bk-1", START, GRACE, now_ms=START + HOUR) is True


def test_run_not_started_in_grace():
    assert run_started(RUN, "bk-1", START, 5 * MINUTE, now_ms=START + HOUR) is False


def test_not_started_yet_within_grace_is_undecided():
    assert run_started(RUN[:1], "bk-1", START, GRACE, now_ms=START + 5 * MINUTE) is None
    assert run_started(RUN[:1], "bk-1", START, GRACE, now_ms=START + GRACE) is False


def test_early_start_carrying_into_window_counts():
    early = [StateInterval("running", START - 10 * MINUTE, START + MINUTE, "bk-1")]
    assert run_started(early, "bk-1", START, GRACE, now_ms=START + 2 * MINUTE) is True


def test_untagged_run_counts_other_bookings_do_not():
    untagged = [StateInterval("running", START + MINUTE, START + HOUR, None)]
    assert run_started(untagged, "bk-1", START, GRACE, now_ms=START + HOUR) is True
    other = [StateInterval("running", START - HOUR, START + HOUR, "bk-0")]
    assert run_started(other, "bk-1", START, GRACE, now_ms=START + HOUR) is False

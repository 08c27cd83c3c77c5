import pytest

from sharedfactory.analytics.intervals import StateInterval, state_intervals
from tests.analytics.helpers import MINUTE, T0, sample

STALE = 5 * MINUTE


def test_no_samples_no_intervals():
    assert state_intervals([], STALE) == []


def test_same_state_and_booking_merge_last_extends_by_stale():
    samples = [sample(T0 + i * MINUTE, booking="bk-1") for i in range(4)]
    assert state_intervals(samples, STALE) == [
        StateInterval("running", T0, T0 + 3 * MINUTE + STALE, "bk-1")
    ]


def test_order_does_not_matter_and_duplicates_are_dropped():
    samples = [sample(T0 + 2 * MINUTE), sample(T0), sample(T0 + MINUTE), sample(T0)]
    assert state_intervals(samples, STALE) == [
        StateInterval("running", T0, T0 + 2 * MINUTE + STALE, None)
    ]


def test_state_and_booking_changes_split():
    samples = [
        sample(T0, "setup", "bk-1"),
        sample(T0 + MINUTE, "running", "bk-1"),
        sample(T0 + 2 * MINUTE, "running", "bk-2"),
        sample(T0 + 3 * MINUTE, "idle"),
    ]
    assert state_intervals(samples, STALE, until_ms=T0 + 4 * MINUTE) == [
        StateInterval("setup", T0, T0 + MINUTE, "bk-1"),
        StateInterval("running", T0 + MINUTE, T0 + 2 * MINUTE, "bk-1"),
        StateInterval("running", T0 + 2 * MINUTE, T0 + 3 * MINUTE, "bk-2"),
        StateInterval("idle", T0 + 3 * MINUTE, T0 + 4 * MINUTE, None),
    ]


def test_silent_gap_becomes_off():
    samples = [sample(T0, booking="bk-1"), sample(T0 + 60 * MINUTE, booking="bk-1")]
    assert state_intervals(samples, STALE) == [
        StateInterval("running", T0, T0 + STALE, "bk-1"),
        StateInterval("off", T0 + STALE, T0 + 60 * MINUTE, None),
        StateInterval("running", T0 + 60 * MINUTE, T0 + 60 * MINUTE + STALE, "bk-1"),
    ]


def test_gap_of_exactly_stale_is_not_off():
    samples = [sample(T0), sample(T0 + STALE)]
    assert [i.state for i in state_intervals(samples, STALE)] == ["running"]


def test_off_samples_merge_with_silence():
    samples = [sample(T0, "off"), sample(T0 + 30 * MINUTE, "off")]
    assert state_intervals(samples, STALE, until_ms=T0 + 31 * MINUTE) == [
        StateInterval("off", T0, T0 + 31 * MINUTE, None)
    ]


def test_until_before_last_sample_drops_its_tail():
    assert state_intervals([sample(T0)], STALE, until_ms=T0) == []


def test_stale_must_be_positive():
    with pytest.raises(ValueError, match="stale"):
        state_intervals([sample(T0)], 0)

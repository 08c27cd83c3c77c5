import pytest

from sharedfactory.analytics.intervals import StateInterval
from sharedfactory.analytics.rollups import (
    HourRollup,
    counter_increment,
    hourly_rollups,
    split_at_hours,
)
from tests.analytics.helpers import HOUR, MINUTE, SECOND, T0, sample

STALE = 5 * MINUTE


def test_split_at_hours_is_exact():
    interval = StateInterval("running", T0 + 59 * MINUTE + 500, T0 + 2 * HOUR + 1, None)
    assert split_at_hours(interval) == [
        (T0, MINUTE - 500),
        (T0 + HOUR, HOUR),
        (T0 + 2 * HOUR, 1),
    ]


def test_state_seconds_split_at_the_hour():
    samples = [
        sample(T0 + 58 * MINUTE, "setup"),
        sample(T0 + 59 * MINUTE, "running"),
        *[sample(T0 + 60 * MINUTE + i * MINUTE, "running") for i in range(3)],
        sample(T0 + 63 * MINUTE, "idle"),
    ]
    first, second = hourly_rollups(samples, STALE, until_ms=T0 + 64 * MINUTE)
    assert first == HourRollup(T0, 60.0, 0.0, 60.0, 0.0, 0.0, 0.0, 0, 0, 0)
    assert second == HourRollup(T0 + HOUR, 180.0, 60.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0)


def test_total_seconds_equal_covered_time():
    samples = [sample(T0 + i * 4 * MINUTE + 333, "running") for i in range(30)]
    rollups = hourly_rollups(samples, STALE)
    total = sum(r.running_s + r.off_s for r in rollups)
    assert total * SECOND == pytest.approx(29 * 4 * MINUTE + STALE)
    assert all(r.off_s == 0 for r in rollups)


def test_silence_counts_as_off():
    samples = [sample(T0), sample(T0 + 30 * MINUTE)]
    (rollup,) = hourly_rollups(samples, STALE, until_ms=T0 + 30 * MINUTE)
    assert (rollup.running_s, rollup.off_s) == (300.0, 1500.0)


def test_counter_increments_with_reset_go_to_later_sample_hour():
    counters = [
        {"good": 100, "reject": 1, "energy_wh": 5000},
        {"good": 110, "reject": 1, "energy_wh": 5200},
        {"good": 3, "reject": 0, "energy_wh": 40},  # device restarted
        {"good": 10, "reject": 2, "energy_wh": 90},
    ]
    times = [T0 + 50 * MINUTE, T0 + 55 * MINUTE, T0 + 61 * MINUTE, T0 + 65 * MINUTE]
    samples = [sample(ts, counters=c) for ts, c in zip(times, counters, strict=True)]
    first, second = hourly_rollups(samples, STALE)
    assert (first.good, first.reject, first.energy_wh) == (10, 0, 200)
    assert (second.good, second.reject, second.energy_wh) == (3 + 7, 0 + 2, 40 + 50)


def test_counter_missing_in_a_sample_keeps_last_reading():
    samples = [
        sample(T0, counters={"good": 5}),
        sample(T0 + MINUTE),
        sample(T0 + 2 * MINUTE, counters={"good": 9}),
    ]
    (rollup,) = hourly_rollups(samples, STALE)
    assert rollup.good == 4


def test_counter_increment_rule():
    assert counter_increment(10, 15) == 5
    assert counter_increment(10, 10) == 0
    assert counter_increment(10, 4) == 4


def test_no_samples():
    assert hourly_rollups([], STALE) == []

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharedfactory.analytics.intervals import state_intervals
from sharedfactory.analytics.rollups import HOUR_MS, hourly_rollups
from sharedfactory.devices.messages import STATES
from tests.analytics.helpers import MINUTE, T0, sample

STALE = 5 * MINUTE
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

samples_strategy = st.lists(
    st.builds(
        sample,
        ts_ms=st.integers(T0, T0 + 6 * HOUR_MS),
        state=st.sampled_from(STATES),
        booking=st.sampled_from([None, "bk-1", "bk-2"]),
        counters=st.fixed_dictionaries({"good": st.integers(0, 1000)}),
    ),
    min_size=1,
    max_size=40,
)


@relaxed
@given(samples_strategy)
def test_intervals_tile_the_covered_time(samples):
    intervals = state_intervals(samples, STALE)
    first, last = min(s.ts_ms for s in samples), max(s.ts_ms for s in samples)
    assert intervals[0].start_ms == first
    assert intervals[-1].end_ms == last + STALE
    for before, after in itertools.pairwise(intervals):
        assert before.end_ms == after.start_ms
        assert (before.state, before.booking) != (after.state, after.booking)
    assert all(i.end_ms > i.start_ms for i in intervals)


@relaxed
@given(samples_strategy)
def test_rollup_seconds_add_up_exactly_and_stay_within_the_hour(samples):
    rollups = hourly_rollups(samples, STALE)
    total_ms = 0
    for rollup in rollups:
        assert rollup.hour_start_ms % HOUR_MS == 0
        parts = (
            rollup.running_s,
            rollup.idle_s,
            rollup.setup_s,
            rollup.fault_s,
            rollup.off_s,
            rollup.maintenance_s,
        )
        # Whole milliseconds per state (ms / 1000 each): summing the float seconds instead can
        # land a rounding error above 3600 (3299.9 + 300.1 = 3600.0000000000005).
        hour_ms = sum(round(part * 1000) for part in parts)
        assert hour_ms <= HOUR_MS
        total_ms += hour_ms
        assert rollup.good >= 0
    first, last = min(s.ts_ms for s in samples), max(s.ts_ms for s in samples)
    assert total_ms == last + STALE - first

"""The alarm detector (pure): each alarm opens at the first message of its condition and closes
at the first message after it, transitions only; seeded from the open alarms after a restart.
And the batch keeps openings and closings in the order they happened."""

from __future__ import annotations

import pytest

from sharedfactory.devices.alarms import AlarmDetector, AlarmEvent, OpenAlarm
from sharedfactory.devices.directory import MachineRef, ValueLimit
from sharedfactory.devices.messages import Telemetry
from sharedfactory.devices.store import CLOSE_ALARM, CLOSE_VALUE_ALARM, INSERT_ALARM, Batch

pytestmark = pytest.mark.pure

TS = 1_796_000_000_000
F0 = ValueLimit("f0_min", 3.0, None, None, "F0 >= 3,0 menit")
RETORT = MachineRef(7, "batu-bara-retort-1", "batu-bara", "retort", (F0,))


def reading(i: int, state: str = "running", **values: float) -> Telemetry:
    return Telemetry(1, TS + i * 1000, i, state, {}, values, "bk-1")


def run(detector: AlarmDetector, machine: MachineRef, *messages: Telemetry) -> list[AlarmEvent]:
    return [event for message in messages for event in detector.telemetry(machine, message)]


def transitions(events: list[AlarmEvent]) -> list[tuple[str, str | None, bool, int]]:
    """(kind, value name, closes, seconds after TS) of each event."""
    return [(e.kind, e.value_name, e.closes, (e.ts_ms - TS) // 1000) for e in events]


def test_an_excursion_opens_once_and_closes_at_the_first_running_reading_back_inside():
    values = [3.5, 2.1, 2.4, 3.2, 3.6, 2.0]
    events = run(AlarmDetector(), RETORT, *(reading(i, f0_min=v) for i, v in enumerate(values)))
    assert transitions(events) == [
        ("excursion", "f0_min", False, 1),
        ("excursion", "f0_min", True, 3),
        ("excursion", "f0_min", False, 5),
    ]
    assert (events[0].value, events[0].booking, events[1].value) == (2.1, "bk-1", 3.2)
    assert "outside the limit (F0 >= 3,0 menit)" in events[0].detail


def test_only_running_readings_of_that_value_open_or_close_an_excursion():
    detector = AlarmDetector()
    assert run(detector, RETORT, reading(0, "setup", f0_min=1.0)) == []
    assert transitions(run(detector, RETORT, reading(1, f0_min=1.0))) == [
        ("excursion", "f0_min", False, 1)
    ]
    assert run(detector, RETORT, reading(2, "idle", f0_min=3.5)) == []
    assert run(detector, RETORT, reading(3, other_c=1.0)) == []  # the value is missing
    assert transitions(run(detector, RETORT, reading(4, f0_min=3.5))) == [
        ("excursion", "f0_min", True, 4)
    ]


def test_two_limits_on_one_value_open_one_alarm_until_both_hold():
    low = ValueLimit("oil_temp_c", 80.0, None, None, "min 80 C")
    high = ValueLimit("oil_temp_c", None, 90.0, None, "max 90 C")
    fryer = MachineRef(8, "batu-bara-fryer-1", "batu-bara", "vacuum_fryer", (low, high))
    values = [85.0, 92.0, 93.0, 79.0, 84.0]
    events = run(AlarmDetector(), fryer, *(reading(i, oil_temp_c=v) for i, v in enumerate(values)))
    assert transitions(events) == [
        ("excursion", "oil_temp_c", False, 1),
        ("excursion", "oil_temp_c", True, 4),
    ]
    assert "max 90 C" in events[0].detail


def test_hold_and_product_limits_raise_no_live_alarm():
    held = ValueLimit("milk_temp_c", 72.0, None, 15, "72 C for 15 s")
    own = ValueLimit("core_c", 70.0, None, None, "halal only", "halal")
    machine = MachineRef(9, "x-pasteuriser-1", "x", "pasteuriser", (held, own))
    assert run(AlarmDetector(), machine, reading(0, milk_temp_c=60.0, core_c=10.0)) == []


def test_a_fault_opens_once_and_closes_at_the_first_message_not_in_fault():
    states = ["running", "fault", "fault", "idle", "fault", "maintenance"]
    events = run(AlarmDetector(), RETORT, *(reading(i, s) for i, s in enumerate(states)))
    assert transitions(events) == [
        ("fault", None, False, 1),
        ("fault", None, True, 3),
        ("fault", None, False, 4),
        ("fault", None, True, 5),
    ]


def test_offline_opens_and_closes_when_the_machine_comes_back_online():
    detector = AlarmDetector()
    statuses = [True, False, False, True, True]
    events = [e for i, up in enumerate(statuses) for e in detector.status(RETORT, up, TS + i)]
    assert [(e.kind, e.closes, e.ts_ms - TS) for e in events] == [
        ("offline", False, 1),
        ("offline", True, 3),
    ]


def test_seeded_from_open_alarms_a_condition_that_outlived_a_restart_is_not_opened_again():
    other = MachineRef(8, "batu-bara-retort-2", "batu-bara", "retort", (F0,))
    seed = [OpenAlarm(7, "excursion", "f0_min"), OpenAlarm(7, "fault"), OpenAlarm(7, "offline")]
    detector = AlarmDetector.seeded(seed)
    assert run(detector, RETORT, reading(0, "fault")) == []
    assert detector.status(RETORT, False, TS) == []
    assert run(AlarmDetector.seeded(seed[:1]), RETORT, reading(1, f0_min=2.0)) == []
    events = run(detector, other, reading(0, "fault"), reading(1, f0_min=2.0))
    events += detector.status(other, False, TS + 2000)
    assert transitions(events) == [
        ("fault", None, False, 0),
        ("fault", None, True, 1),
        ("excursion", "f0_min", False, 1),
        ("offline", None, False, 2),
    ]


def test_seeded_from_open_alarms_the_first_message_back_closes_them():
    detector = AlarmDetector.seeded(
        [OpenAlarm(7, "excursion", "f0_min"), OpenAlarm(7, "fault"), OpenAlarm(7, "offline")]
    )
    assert transitions(run(detector, RETORT, reading(2, f0_min=3.1))) == [
        ("fault", None, True, 2),
        ("excursion", "f0_min", True, 2),
    ]
    assert [(e.kind, e.closes) for e in detector.status(RETORT, True, TS)] == [("offline", True)]


def test_a_batch_opens_and_closes_in_the_order_things_happened():
    detector = AlarmDetector()
    values = [2.0, 2.1, 3.5, 2.2]
    events = run(detector, RETORT, *(reading(i, f0_min=v) for i, v in enumerate(values)))
    events += detector.status(RETORT, False, TS + 5000) + detector.status(RETORT, True, TS + 6000)
    statements = Batch(alarms=events).statements()
    assert [(sql, len(rows)) for sql, rows in statements] == [
        (INSERT_ALARM, 1),
        (CLOSE_VALUE_ALARM, 1),
        (INSERT_ALARM, 2),  # the second excursion and the offline, one executemany
        (CLOSE_ALARM, 1),
    ]
    assert statements[1][1] == [(TS + 2000, 7, "excursion", "f0_min")]
    assert statements[3][1] == [(TS + 6000, 7, "offline")]

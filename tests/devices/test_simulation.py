import pytest

from sharedfactory.analytics.quality import Limit, evaluate_run
from sharedfactory.analytics.samples import sample_from_telemetry
from sharedfactory.devices.messages import encode_telemetry, parse_telemetry
from sharedfactory.devices.simulation import MachineModel, SimulatedMachine

pytestmark = pytest.mark.pure

T0 = 1_764_547_200_000  # 2025-12-01T00:00:00Z
STEP = 10_000
HOUR_STEPS = 3_600_000 // STEP

FRYER = SimulatedMachine("sleman", "sleman-fryer-1", "vacuum_fryer", 80, 5.5, 7.5)
MACHINES = [
    FRYER,
    SimulatedMachine("sleman", "sleman-past-1", "pasteuriser", 60, 100, 15),
    SimulatedMachine("sleman", "sleman-chiller-1", "milk_chiller", 60, 500, 3),
    SimulatedMachine("garut", "garut-roaster-1", "coffee_roaster", 18, 3, 5),
    SimulatedMachine("batu-bara", "batu-bara-retort-1", "retort", 90, 50, 20),
    SimulatedMachine("jembrana", "jembrana-dryer-1", "cocoa_dryer", 600, 200, 2),
    SimulatedMachine("minsel", "minsel-vco-1", "vco_heater", 240, 50, 4),
    SimulatedMachine("garut", "garut-sealer-1", "band_sealer", 5, 1, 0.5),
]


def day(machine, seed, hours=8):
    """Closed for the first hour, booked bk-1 for hours 1-6, idle, then closed again."""
    model = MachineModel(machine, seed)
    messages = []
    for i in range(hours * HOUR_STEPS):
        booking = "bk-1" if HOUR_STEPS <= i < 6 * HOUR_STEPS else None
        is_open = HOUR_STEPS <= i < 7 * HOUR_STEPS
        messages.append(model.next_message(T0 + i * STEP, booking, i, open=is_open))
    return messages


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.machine_type)
def test_every_message_is_valid_and_counters_never_decrease(machine):
    messages = day(machine, seed=7)
    for message in messages:
        assert parse_telemetry(encode_telemetry(message)) == message
    for name in ("good", "reject", "energy_wh"):
        series = [m.counters[name] for m in messages]
        assert series == sorted(series)
    assert messages[-1].counters["good"] > 0
    assert 0.005 <= messages[-1].counters["reject"] / messages[-1].counters["good"] <= 0.035


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.machine_type)
def test_states_follow_bookings_and_opening(machine):
    messages = day(machine, seed=3)
    assert {m.state for m in messages[:HOUR_STEPS]} == {"off"}
    assert messages[HOUR_STEPS].state == "setup"
    assert messages[HOUR_STEPS].booking == "bk-1"
    booked = messages[HOUR_STEPS : 6 * HOUR_STEPS]
    assert {m.state for m in booked} <= {"setup", "running", "fault"}
    assert sum(m.state == "running" for m in booked) > 0.9 * len(booked)
    assert {m.state for m in messages[6 * HOUR_STEPS : 7 * HOUR_STEPS]} == {"idle"}
    assert all(m.booking is None for m in messages[6 * HOUR_STEPS :])


def test_deterministic():
    assert day(FRYER, seed=42) == day(FRYER, seed=42)
    assert day(FRYER, seed=42) != day(FRYER, seed=43)


def test_fryer_reaches_frying_temperature_under_vacuum():
    running = [m for m in day(FRYER, seed=1) if m.state == "running"]
    temps = [m.values["oil_temp_c"] for m in running]
    assert sum(80 <= t <= 85 for t in temps) > len(temps) / 2
    assert all(-70 <= m.values["vacuum_cmhg"] <= -65 for m in running)


def test_some_seeds_show_fryer_excursions_and_faults():
    limit = Limit("oil_temp_c", None, 90.0, None, "HACCP vacuum frying")
    runs = [day(FRYER, seed) for seed in range(4)]
    results = [evaluate_run([limit], map(sample_from_telemetry, run)) for run in runs]
    assert any(result.excursions for result in results)
    assert any(any(m.state == "fault" for m in run) for run in runs)


def test_pasteuriser_holds_and_chills():
    machine = MACHINES[1]
    samples = [sample_from_telemetry(m) for m in day(machine, seed=5)]
    hold = Limit("milk_temp_c", 72.0, None, 15, "HACCP HTST")
    assert evaluate_run([hold], samples).passed
    temps = [s.values["milk_temp_c"] for s in samples if s.state == "running"]
    assert min(temps) <= 4.4


def test_seq_wraps():
    message = MachineModel(FRYER, 0).next_message(T0, None, 2**32 + 5)
    assert message.seq == 5

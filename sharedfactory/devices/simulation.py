"""A pure, seeded telemetry model of one machine, for demo data and tests.

No clock and no I/O: the caller passes the time, the booking (if a booked run is on) and the
sequence number; the same seed and the same call sequence give the same messages.

Counters: `good` and `reject` count output in thousandths of the batch unit (grams for a batch
in kg, millilitres for litres), produced evenly over each cycle while running; `energy_wh` is
`power_kw` times a load factor per state. All counters only grow.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sharedfactory.devices.messages import PROTOCOL_VERSION, Telemetry

MINUTE_MS = 60_000
SETUP_MS = 5 * MINUTE_MS
UNITS_PER_BATCH = 1000
FAULT_CHANCE_PER_MINUTE = 0.002
LOAD = {"running": 1.0, "setup": 0.5, "idle": 0.15, "fault": 0.05, "off": 0.0}


@dataclass(frozen=True)
class SimulatedMachine:
    house: str
    machine: str
    machine_type: str
    cycle_minutes: int
    batch_size: float
    power_kw: float


@dataclass
class _Run:
    """Per-run randomness, drawn once when a booked run starts."""

    booking: str
    start_ms: int
    reject_rate: float
    target: float
    end_value: float
    f0_min: float = 0.0
    f0_cycle: int = -1
    excursion_until_ms: int = -1


@dataclass(frozen=True)
class _Moment:
    now_ms: int
    cycle: int  # cycles completed since the run's setup ended
    fraction: float  # position in the current cycle, 0..1
    running: bool
    dt_min: float


@dataclass
class _Totals:
    good: float = 0.0
    reject: float = 0.0
    energy_wh: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)


def _noise(rng: random.Random, spread: float) -> float:
    return rng.uniform(-spread, spread)


class MachineModel:
    """One simulated machine; call `next_message` with increasing times."""

    def __init__(self, machine: SimulatedMachine, seed: int) -> None:
        self.machine = machine
        self._random = random.Random(seed)
        self._totals = _Totals()
        self._last_ms: int | None = None
        self._run: _Run | None = None
        self._fault_until_ms = -1
        self._processes: dict[str, Callable[[_Moment, _Run | None], dict[str, float]]] = {
            "vacuum_fryer": self._fryer,
            "pasteuriser": self._pasteuriser,
            "milk_chiller": self._chiller,
            "coffee_roaster": self._roaster,
            "retort": self._retort,
            "cocoa_dryer": self._dryer,
            "vco_heater": self._vco_heater,
        }

    def next_message(
        self, now_ms: int, booking: str | None, seq: int, *, open: bool = True
    ) -> Telemetry:
        """The message the machine sends at `now_ms`. `booking`: the booked run that is on, if
        any; `open=False` with no booking means the house is closed and the machine is off."""
        dt_ms = 0 if self._last_ms is None else max(0, now_ms - self._last_ms)
        self._last_ms = now_ms
        state = self._state(now_ms, booking, open, dt_ms)
        run = self._run if booking is not None else None
        cycle, fraction = self._cycle_position(now_ms)
        moment = _Moment(now_ms, cycle, fraction, state == "running", dt_ms / MINUTE_MS)
        values = self._processes.get(self.machine.machine_type, self._motor)(moment, run)
        self._count(state, dt_ms)
        return Telemetry(
            v=PROTOCOL_VERSION,
            ts=now_ms,
            seq=seq % 2**32,
            state=state,
            counters=dict(self._totals.counters),
            values={name: round(value, 2) for name, value in values.items()},
            booking=booking if state in ("setup", "running", "fault") else None,
        )

    def _state(self, now_ms: int, booking: str | None, open: bool, dt_ms: int) -> str:
        if booking is None:
            self._run = None
            return "idle" if open else "off"
        if self._run is None or self._run.booking != booking:
            self._run = self._new_run(booking, now_ms)
        if now_ms < self._fault_until_ms:
            return "fault"
        if now_ms - self._run.start_ms < SETUP_MS:
            return "setup"
        if self._random.random() < 1 - (1 - FAULT_CHANCE_PER_MINUTE) ** (dt_ms / MINUTE_MS):
            self._fault_until_ms = now_ms + self._random.randint(2, 6) * MINUTE_MS
            return "fault"
        return "running"

    def _new_run(self, booking: str, now_ms: int) -> _Run:
        rng = self._random
        return _Run(booking, now_ms, rng.uniform(0.005, 0.03), rng.uniform(0, 1), rng.random())

    def _cycle_position(self, now_ms: int) -> tuple[int, float]:
        if self._run is None:
            return 0, 0.0
        cycle_ms = max(1, self.machine.cycle_minutes) * MINUTE_MS
        cycle, into_cycle_ms = divmod(max(0, now_ms - self._run.start_ms - SETUP_MS), cycle_ms)
        return cycle, into_cycle_ms / cycle_ms

    def _count(self, state: str, dt_ms: int) -> None:
        totals = self._totals
        hours = dt_ms / 3_600_000
        totals.energy_wh += self.machine.power_kw * LOAD.get(state, 0.0) * hours * 1000
        if state == "running" and self._run is not None:
            cycles = dt_ms / (max(1, self.machine.cycle_minutes) * MINUTE_MS)
            output = cycles * UNITS_PER_BATCH * self.machine.batch_size
            totals.reject += output * self._run.reject_rate
            totals.good += output * (1 - self._run.reject_rate)
        totals.counters = {
            "good": math.floor(totals.good),
            "reject": math.floor(totals.reject),
            "energy_wh": math.floor(totals.energy_wh),
        }

    def _fryer(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        rng = self._random
        if not moment.running or run is None:
            return {"oil_temp_c": 60 + _noise(rng, 2), "vacuum_cmhg": -5 + _noise(rng, 1)}
        if moment.now_ms >= run.excursion_until_ms and rng.random() < 0.01:
            run.excursion_until_ms = moment.now_ms + rng.randint(1, 3) * MINUTE_MS
        temp = 82.5 + _noise(rng, 2.5)
        if moment.fraction < 0.1:
            temp = 65 + (temp - 65) * moment.fraction / 0.1
        elif moment.now_ms < run.excursion_until_ms:
            temp = rng.uniform(90.5, 93)
        return {"oil_temp_c": temp, "vacuum_cmhg": rng.uniform(-70, -65)}

    def _pasteuriser(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        rng, f = self._random, moment.fraction
        if not moment.running or run is None:
            return {"milk_temp_c": 8 + _noise(rng, 1)}
        if f < 0.3:
            temp = 10 + (73 - 10) * f / 0.3
        elif f < 0.6:
            temp = rng.uniform(72.5, 75)
        else:
            temp = max(rng.uniform(2, 4), 73 - (73 - 3) * (f - 0.6) / 0.2)
        return {"milk_temp_c": temp}

    def _chiller(self, _moment: _Moment, _run: _Run | None) -> dict[str, float]:
        return {"milk_temp_c": self._random.uniform(2, 4.4)}

    def _roaster(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        rng = self._random
        if not moment.running or run is None:
            return {"bean_temp_c": 150 + _noise(rng, 3)}
        final = 205 + 15 * run.target
        return {"bean_temp_c": 150 + (final - 150) * moment.fraction + _noise(rng, 1)}

    def _retort(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        rng, f = self._random, moment.fraction
        if not moment.running or run is None:
            return {"retort_temp_c": 40 + _noise(rng, 2), "f0_min": 0.0}
        if f < 0.2:
            temp = 60 + (121 - 60) * f / 0.2
        elif f < 0.8:
            temp = 121 + _noise(rng, 0.5)
        else:
            temp = 121 - (121 - 60) * (f - 0.8) / 0.2
        if run.f0_cycle != moment.cycle:
            run.f0_cycle, run.f0_min = moment.cycle, 0.0
        run.f0_min += moment.dt_min * 10 ** ((temp - 121.1) / 10)
        return {"retort_temp_c": temp, "f0_min": run.f0_min}

    def _dryer(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        if not moment.running or run is None:
            return {"moisture_pct": 20 + _noise(self._random, 0.5)}
        final = 6.5 + run.end_value
        return {"moisture_pct": max(final, 20 - (20 - final) * moment.fraction / 0.9)}

    def _vco_heater(self, moment: _Moment, run: _Run | None) -> dict[str, float]:
        if not moment.running or run is None:
            return {"water_pct": 2 + _noise(self._random, 0.2)}
        final = 0.1 + 0.1 * run.end_value
        return {"water_pct": max(final, 2 - (2 - final) * moment.fraction / 0.9)}

    def _motor(self, moment: _Moment, _run: _Run | None) -> dict[str, float]:
        full_load_a = self.machine.power_kw * 1000 / (math.sqrt(3) * 400 * 0.85)
        share = 0.9 + _noise(self._random, 0.1) if moment.running else 0.02
        return {"motor_current_a": full_load_a * share}

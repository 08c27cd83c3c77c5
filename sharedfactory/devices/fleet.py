"""What the simulated fleet needs from the database: machines, their house hours, bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.simulation import SimulatedMachine
from sharedfactory.facilities.queries import list_houses, list_machines


@dataclass(frozen=True)
class BookedRun:
    machine: str
    booking: str
    starts_ms: int
    ends_ms: int


@dataclass(frozen=True)
class HouseHours:
    timezone: str
    spans: dict[int, tuple[time, time]]

    def is_open(self, now_ms: int) -> bool:
        local = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(self.timezone))
        span = self.spans.get(local.weekday())
        return span is not None and span[0] <= local.time() < span[1]


@dataclass(frozen=True)
class Fleet:
    machines: tuple[SimulatedMachine, ...]
    hours: dict[str, HouseHours]  # house code -> hours

    def booking_at(self, runs: list[BookedRun], machine: str, now_ms: int) -> str | None:
        for run in runs:
            if run.machine == machine and run.starts_ms <= now_ms < run.ends_ms:
                return run.booking
        return None

    def is_open(self, machine: SimulatedMachine, now_ms: int, booked: bool) -> bool:
        """Machines run through the night only for a booked multi-day run."""
        return booked or self.hours[machine.house].is_open(now_ms)


async def load_fleet() -> Fleet:
    houses = await list_houses()
    machines = tuple(
        SimulatedMachine(
            m.house_code, m.code, m.type_code, m.cycle_minutes, m.batch_size, m.power_kw
        )
        for m in await list_machines()
    )
    hours = {
        h.code: HouseHours(h.timezone, {s.weekday: (s.opens, s.closes) for s in h.hours})
        for h in houses
    }
    return Fleet(machines, hours)


async def booked_runs(around: datetime, days: int = 2) -> list[BookedRun]:
    rows = (
        await Booking.select(
            Booking.machine.code.as_alias("machine"),
            Booking.code,
            Booking.starts_at,
            Booking.ends_at,
        )
        .where(
            (Booking.status == "confirmed")
            & (Booking.ends_at >= around - timedelta(days=days))
            & (Booking.starts_at <= around + timedelta(days=days))
        )
        .run()
    )
    return [
        BookedRun(r["machine"], r["code"], _ms(r["starts_at"]), _ms(r["ends_at"])) for r in rows
    ]


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)

"""The timeline benchmark's house: 20 machines in WITA, open Monday to Saturday 08-16, and a full
week of bookings (about four an open day a machine, a 15-minute buffer after each, some pending,
a few no-shows), two maintenance windows, and the actual runs as the telemetry ingest would have
left them: hourly rollups, and (for the runs-source measurement) one stored telemetry message per
machine every 5 seconds, the simulator's rate. Seeded: the same arguments give the same rows.
Rows are written straight into the database (ORM for the few hundred, the driver's bulk path for
the rollups and the messages)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

HOUSE = "bench-timeline"
ZONE = ZoneInfo("Asia/Makassar")
MACHINES = 20
OPEN, CLOSE = 8, 16
TICK_MS = 5_000
HOUR_MS = 3_600_000
MESSAGE_COLUMNS = (
    "machine",
    "ts_ms",
    "seq",
    "state",
    "counters",
    "process_values",
    "booking",
    "received_ms",
)
ROLLUP_COLUMNS = ("machine", "hour_ms", "running_s", "idle_s", "off_s")


@dataclass(frozen=True)
class Run:
    machine: int  # the machine's row id
    starts_ms: int
    ends_ms: int
    booking: str


@dataclass(frozen=True)
class Week:
    monday: date
    machines: list[int]
    bookings: int
    runs: list[Run]

    @property
    def starts_ms(self) -> int:
        return _ms(datetime.combine(self.monday, time(0), ZONE))

    @property
    def ends_ms(self) -> int:
        return self.starts_ms + 7 * 24 * HOUR_MS


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def this_monday() -> date:
    today = datetime.now(ZONE).date()
    return today - timedelta(days=today.weekday())


async def add_house() -> list[int]:
    """The house, its opening hours, its 20 machines and a 15-minute buffer after bookings."""
    from sharedfactory.bookings.tables import BookingRules
    from sharedfactory.facilities.tables import Cluster, House, Machine, MachineType, OpeningHours

    cluster = await Cluster.select(Cluster._meta.primary_key).where(
        Cluster.code == "kakao-jembrana"
    )
    types = [r["id"] for r in await MachineType.select(MachineType._meta.primary_key).run()]
    house = House(
        code=HOUSE,
        name="Rumah Produksi Bench Linimasa",
        cluster=cluster[0]["id"],
        cooperative="Koperasi Bench",
        province="Bali",
        province_code="51",
        regency="Kabupaten Jembrana",
        regency_code="51.01",
        address="Jalan Bench",
        timezone="Asia/Makassar",
    )
    await house.save().run()
    house_pk = house.id  # type: ignore[attr-defined]
    await OpeningHours.insert(
        *(
            OpeningHours(house=house_pk, weekday=d, opens=time(OPEN), closes=time(CLOSE))
            for d in range(6)
        )
    ).run()
    await BookingRules.insert(BookingRules(house=house_pk, buffer_minutes=15)).run()
    machines = []
    for n in range(MACHINES):
        machine = Machine(
            code=f"bench-tl-m{n:02d}",
            house=house_pk,
            machine_type=types[n % len(types)],
            name=f"Mesin Linimasa {n + 1}",
            batch_size=10,
            cycle_minutes=60,
            tariff_per_hour=50_000,
            power_kw=2,
        )
        await machine.save().run()
        machines.append(int(machine.id))  # type: ignore[attr-defined]
    return machines


async def add_week(machines: list[int], monday: date, seed: int = 11) -> Week:
    """The week's bookings (ORM) and the runs they lead to (plain data, for the bulk writers)."""
    from sharedfactory.bookings.tables import Booking
    from sharedfactory.businesses.tables import Business
    from sharedfactory.facilities.tables import MaintenanceWindow
    from sharedfactory.products.tables import ProductClass

    rng = random.Random(seed)
    businesses = [r["id"] for r in await Business.select(Business._meta.primary_key).run()]
    halal = (
        await ProductClass.select(ProductClass._meta.primary_key).where(
            ProductClass.code == "halal"
        )
    )[0]
    rows: list[Booking] = []
    runs: list[Run] = []
    for machine in machines:
        for day in (monday + timedelta(days=d) for d in range(6)):
            minute = OPEN * 60 + 15 * rng.randrange(0, 4)
            while (length := 30 * rng.randrange(2, 5)) and minute + length <= CLOSE * 60:
                starts = datetime.combine(day, time(0), ZONE) + timedelta(minutes=minute)
                ends = starts + timedelta(minutes=length)
                code = f"bench-tl-{len(rows)}"
                status = rng.choices(["confirmed", "pending", "no_show"], [85, 10, 5])[0]
                rows.append(
                    Booking(
                        code=code,
                        machine=machine,
                        business=rng.choice(businesses),
                        product_class=halal["id"],
                        starts_at=starts,
                        ends_at=ends,
                        released_at=ends + timedelta(minutes=15),
                        status=status,
                        quantity=Decimal(10),
                        product="Bench",
                    )
                )
                if status != "no_show":  # the run starts a few minutes late, ends a little early
                    late, early = rng.randrange(0, 10), rng.randrange(0, 10)
                    runs.append(
                        Run(machine, _ms(starts) + late * 60_000, _ms(ends) - early * 60_000, code)
                    )
                minute += length + 15 + 15 * rng.randrange(0, 4)
    await Booking.insert(*rows).run()
    for machine in machines[:2]:
        starts = datetime.combine(monday + timedelta(days=3), time(8), ZONE)
        window = MaintenanceWindow(
            machine=machine,
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            reason="Servis bench",
        )
        await MaintenanceWindow.insert(window).run()
    return Week(monday, machines, len(rows), runs)


def _open(ms: int) -> bool:
    """In opening hours (WITA is UTC+8 all year; 1 January 1970 was a Thursday)."""
    local = ms + 8 * HOUR_MS
    weekday, hour = (local // (24 * HOUR_MS) + 3) % 7, local // HOUR_MS % 24
    return weekday < 6 and OPEN <= hour < CLOSE


def _by_machine(week: Week) -> dict[int, list[Run]]:
    found: dict[int, list[Run]] = {m: [] for m in week.machines}
    for run in sorted(week.runs, key=lambda r: r.starts_ms):
        found[run.machine].append(run)
    return found


def messages(week: Week, days: int) -> Iterator[tuple[Any, ...]]:
    """One message every 5 s per machine for the first `days` of the week."""
    counters, values = '{"good": 0, "reject": 0, "energy_wh": 0}', '{"temp_c": 180.0}'
    end = week.starts_ms + days * 24 * HOUR_MS
    for machine, runs in _by_machine(week).items():
        ahead = iter(runs)
        run = next(ahead, None)
        for seq, ms in enumerate(range(week.starts_ms, end, TICK_MS)):
            while run is not None and run.ends_ms <= ms:
                run = next(ahead, None)
            if run is not None and run.starts_ms <= ms:
                yield (machine, ms, seq, "running", counters, values, run.booking, ms)
            else:
                state = "idle" if _open(ms) else "off"
                yield (machine, ms, seq, state, counters, values, None, ms)


def rollups(week: Week) -> Iterator[tuple[Any, ...]]:
    """Per machine per hour of the week: running seconds from the runs, idle in opening hours."""
    for machine, runs in _by_machine(week).items():
        for hour in range(week.starts_ms, week.ends_ms, HOUR_MS):
            running = (
                sum(max(0, min(r.ends_ms, hour + HOUR_MS) - max(r.starts_ms, hour)) for r in runs)
                // 1000
            )
            idle = 3600 - running if _open(hour) else 0
            yield (machine, hour, running, idle, 3600 - running - idle)


def write_sqlite(
    path: str, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> int:
    marks = ", ".join("?" for _ in columns)
    with sqlite3.connect(path) as db:
        before = db.total_changes
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return db.total_changes - before


async def write_postgres(
    url: str, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> int:
    import asyncpg

    connection = await asyncpg.connect(url)
    written = 0
    try:
        for chunk in iter(lambda: list(islice(rows, 100_000)), []):
            await connection.copy_records_to_table(table, records=chunk, columns=columns)
            written += len(chunk)
        return written
    finally:
        await connection.close()

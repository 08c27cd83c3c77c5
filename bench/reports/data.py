"""A national programme's worth of rollups: houses across the provinces, machines in each, and a
year of hourly rollups per machine, written straight into the database (the driver's bulk path:
sqlite3 executemany, asyncpg COPY). Seeded: the same arguments give the same rows."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

PROVINCES = (
    ("12", "Sumatera Utara", "Asia/Jakarta"),
    ("33", "Jawa Tengah", "Asia/Jakarta"),
    ("35", "Jawa Timur", "Asia/Jakarta"),
    ("61", "Kalimantan Barat", "Asia/Pontianak"),
    ("51", "Bali", "Asia/Makassar"),
    ("73", "Sulawesi Selatan", "Asia/Makassar"),
    ("71", "Sulawesi Utara", "Asia/Makassar"),
    ("91", "Papua", "Asia/Jayapura"),
)
ROLLUP_COLUMNS = (
    "machine",
    "hour_ms",
    "running_s",
    "idle_s",
    "setup_s",
    "fault_s",
    "off_s",
    "maintenance_s",
    "good",
    "reject",
    "energy_wh",
)


@dataclass(frozen=True)
class Size:
    houses: int
    machines_per_house: int
    days: int

    @property
    def machines(self) -> int:
        return self.houses * self.machines_per_house


def year_start(days: int) -> datetime:
    """The period ends at the start of this month (UTC) and reaches `days` back."""
    today = datetime.now(UTC).date().replace(day=1)
    return datetime.combine(today, time(0), UTC) - timedelta(days=days)


async def add_houses(size: Size) -> list[tuple[int, str, float]]:
    """The bench's houses and machines (ORM; a few hundred rows): (machine pk, zone, use level).
    A tenth of the machines never report (no rollups at all: the idle machines to flag)."""
    from sharedfactory.facilities.tables import Cluster, House, Machine, MachineType, OpeningHours

    rng = random.Random(size.machines)
    cluster = (await Cluster.select(Cluster._meta.primary_key).first().run()) or {}
    types = [r["id"] for r in await MachineType.select(MachineType._meta.primary_key).run()]
    found: list[tuple[int, str, float]] = []
    for h in range(size.houses):
        code, province, zone = PROVINCES[h % len(PROVINCES)]
        house = House(
            code=f"bench-house-{h:03d}",
            name=f"Rumah Produksi Bench {h}",
            cluster=cluster["id"],
            cooperative="Koperasi Bench",
            province=province,
            province_code=code,
            regency=f"Kabupaten Bench {h}",
            regency_code=f"{code}.{h % 90 + 1:02d}",
            address="Jalan Bench",
            timezone=zone,
        )
        await house.save().run()
        pk = house._meta.primary_key
        house_pk = getattr(house, pk._meta.name)
        await OpeningHours.insert(
            *(
                OpeningHours(house=house_pk, weekday=d, opens=time(8), closes=time(16))
                for d in range(6)
            )
        ).run()
        for m in range(size.machines_per_house):
            machine = Machine(
                code=f"bench-{h:03d}-m{m:02d}",
                house=house_pk,
                machine_type=types[(h + m) % len(types)],
                name=f"Mesin {m}",
                batch_size=10,
                cycle_minutes=60,
                tariff_per_hour=50_000,
                power_kw=2,
            )
            await machine.save().run()
            use = 0.0 if rng.random() < 0.1 else rng.uniform(0.05, 0.85)
            found.append((getattr(machine, pk._meta.name), zone, use))
    return found


def rollups(machines: list[tuple[int, str, float]], size: Size) -> Iterator[tuple[Any, ...]]:
    """One row per machine per hour for the machines that report: running in opening hours at
    the machine's use level, off outside them."""
    start = year_start(size.days)
    rng = random.Random(size.days)
    for pk, zone, use in machines:
        if use == 0.0:
            continue
        tz = ZoneInfo(zone)
        for hour in range(size.days * 24):
            moment = start + timedelta(hours=hour)
            local = moment.astimezone(tz)
            open_now = local.weekday() < 6 and 8 <= local.hour < 16
            running = int(3600 * min(1.0, max(0.0, rng.gauss(use, 0.1)))) if open_now else 0
            idle = 3600 - running if open_now else 0
            good = running // 360
            yield (
                pk,
                int(moment.timestamp() * 1000),
                running,
                idle,
                0,
                0,
                0 if open_now else 3600,
                0,
                good,
                good // 50,
                running * 2000 // 3600,
            )


def write_sqlite(path: str, rows: Iterator[tuple[Any, ...]]) -> int:
    columns = ", ".join(ROLLUP_COLUMNS)
    marks = ", ".join("?" for _ in ROLLUP_COLUMNS)
    with sqlite3.connect(path) as db:
        before = db.total_changes
        db.executemany(f"INSERT INTO hourly_rollup ({columns}) VALUES ({marks})", rows)
        return db.total_changes - before


async def write_postgres(url: str, rows: Iterator[tuple[Any, ...]]) -> int:
    import asyncpg

    connection = await asyncpg.connect(url)
    written = 0
    try:
        for chunk in iter(lambda: list(islice(rows, 100_000)), []):
            await connection.copy_records_to_table(
                "hourly_rollup", records=chunk, columns=ROLLUP_COLUMNS
            )
            written += len(chunk)
        return written
    finally:
        await connection.close()

"""A week of our own in March 2025 (far from every other test's dates): hourly rollups,
bookings and a maintenance window, inserted once for the module and deleted afterwards.

The week is Monday 3 to Monday 10 March 2025, WIB. Sleman opens Monday to Saturday 06-22
(96 h a machine); Batu Bara, Jembrana and Minahasa Selatan Monday to Friday 08-16 and Saturday
08-12 (44 h). No national holiday falls in it.

Money and output, for the hand computations of test_money.py: the fryer (sleman-fryer-1, 6 kg
in 90 min, Rp75.000 an hour) meters 5,5 kWh a running hour, the pasteuriser 2 kWh a half hour,
the idle chiller 0,4 kWh an hour switched off, the kettle 10 kWh an hour. The three businesses
are Sleman's first three by code: a and b `mikro` (the demo's subsidy: 50 %), c `kecil` (25 %).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.devices.tables import HourlyRollup
from sharedfactory.facilities.tables import Machine, MaintenanceWindow
from sharedfactory.products.tables import ProductClass

FROM = "2025-03-03T00:00:00+07:00"
TO = "2025-03-10T00:00:00+07:00"
MONDAY = datetime.fromisoformat(FROM)
HOUR_MS = 3_600_000
REASON = "reports test: March 2025"


def at(day: int, hour: int) -> datetime:
    """Day 0 = Monday 3 March 2025, at `hour` WIB."""
    return MONDAY + timedelta(days=day, hours=hour)


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


@dataclass(frozen=True)
class March:
    businesses: tuple[str, ...]
    booking_codes: tuple[str, ...]


async def pk_of(machine: str) -> int:
    row = await Machine.select(Machine._meta.primary_key).where(Machine.code == machine).first()
    return row["id"]


def rollup(machine: int, moment: datetime, running_s: int, good=0, reject=0, off_s=0, wh=0):
    return HourlyRollup(
        machine=machine,
        hour_ms=ms(moment),
        running_s=running_s,
        off_s=off_s,
        good=good,
        reject=reject,
        energy_wh=wh,
    )


async def _rollups() -> list[HourlyRollup]:
    fryer, pasteuriser = await pk_of("sleman-fryer-1"), await pk_of("sleman-pasteuriser-1")
    kettle, chiller = await pk_of("batu-bara-kettle-1"), await pk_of("sleman-chiller-1")
    rows = []
    # sleman-fryer-1: 46 running hours (8 a day Monday to Friday, 6 on Saturday), each hour
    # 3000 g made (2940 good): ideal 3000 x 0.9 s = 2700 s of the 3600 s running.
    hours = [at(day, hour) for day in range(5) for hour in range(8, 16)]
    hours += [at(5, hour) for hour in range(8, 14)]
    rows += [rollup(fryer, h, 3600, good=2940, reject=60, wh=5500) for h in hours]
    # sleman-pasteuriser-1: 10 half hours running = 5 h.
    rows += [rollup(pasteuriser, at(0, 6 + i), 1800, good=50_000, wh=2000) for i in range(10)]
    # sleman-chiller-1: reporting, but off: telemetry without use.
    rows += [rollup(chiller, at(1, 6 + i), 0, off_s=3600, wh=400) for i in range(3)]
    # batu-bara-kettle-1: 11 running hours.
    rows += [
        rollup(kettle, at(day, 8 + i), 3600, good=40_000, wh=10_000)
        for day in (0, 1)
        for i in (0, 1)
    ]
    rows += [rollup(kettle, at(2, 8 + i), 3600, good=40_000, wh=10_000) for i in range(7)]
    return rows


async def _bookings(businesses: list[dict]) -> list[Booking]:
    fryer = await pk_of("sleman-fryer-1")
    product_class = (await ProductClass.select(ProductClass._meta.primary_key).first())["id"]
    a, b, c = (row["id"] for row in businesses)
    spans = [  # (business, day, start hour, hours, status, fixed price)
        (a, 0, 8, 4, "confirmed", 300_000),  # 4 h
        (b, 1, 8, 2, "completed", None),  # 2 h at the tariff
        (c, 2, 8, 1, "no_show", None),  # 1 h booked, c not served
        (c, 3, 8, 4, "cancelled", 999_999),  # not counted
        (c, 4, 8, 3, "pending", 888_888),  # not counted
        (a, -1, 22, 4, "confirmed", 100_001),  # Sunday 22:00 to Monday 02:00 WIB: 2 h inside
    ]
    return [
        Booking(
            code=f"rpt-march-{i}",
            machine=fryer,
            business=business,
            product_class=product_class,
            starts_at=at(day, hour).astimezone(UTC),
            ends_at=at(day, hour + hours).astimezone(UTC),
            status=status,
            quantity=Decimal(5),
            product="keripik",
            price=price,
        )
        for i, (business, day, hour, hours, status, price) in enumerate(spans)
    ]


@pytest.fixture(scope="module")
async def march(engine):
    businesses = await (
        Business.select(Business._meta.primary_key, Business.code)
        .where(Business.cluster.code == "susu-sleman")
        .order_by(Business.code)
        .limit(3)
    )
    assert len(businesses) == 3
    await HourlyRollup.insert(*await _rollups())
    bookings = await _bookings(businesses)
    await Booking.insert(*bookings)
    window = MaintenanceWindow(
        machine=await pk_of("sleman-fryer-1"), starts_at=at(1, 10), ends_at=at(1, 14), reason=REASON
    )
    await MaintenanceWindow.insert(window)
    yield March(tuple(b["code"] for b in businesses), tuple(b.code for b in bookings))
    await MaintenanceWindow.delete().where(MaintenanceWindow.reason == REASON)
    await Booking.delete().where(Booking.code.is_in([b.code for b in bookings]))
    await HourlyRollup.delete().where(
        (HourlyRollup.hour_ms >= ms(MONDAY)) & (HourlyRollup.hour_ms < ms(at(7, 0)))
    )

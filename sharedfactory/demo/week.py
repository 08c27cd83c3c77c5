"""A deterministic week of bookings on the demo machines (plain data; no clock inside)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.demo.businesses import DemoBusiness, product_class_of
from sharedfactory.demo.houses import DemoHouse, DemoMachine


@dataclass(frozen=True)
class DemoBooking:
    code: str
    machine_code: str
    business_code: str
    product: str
    product_class: str
    starts_at: datetime
    ends_at: datetime
    quantity: float
    status: str


def _eligible(machine: DemoMachine, product_class: str) -> bool:
    if machine.halal_status == "never_halal":
        return product_class == "pork"
    if product_class == "pork":
        return False
    return machine.halal_status == "shared" or product_class == "halal"


def _day_bookings(
    house: DemoHouse,
    machine: DemoMachine,
    day: date,
    opens: time,
    closes: time,
    customers: list[DemoBusiness],
    rng: random.Random,
    counter: list[int],
) -> list[DemoBooking]:
    zone = ZoneInfo(house.timezone)
    cursor = datetime.combine(day, opens, zone) + timedelta(minutes=30 * rng.randrange(0, 3))
    closing = datetime.combine(day, closes, zone)
    runs = max(1, min(8, 480 // machine.cycle_minutes))
    bookings = []
    while rng.random() < 0.75:
        batches = rng.randint(1, runs)
        end = cursor + timedelta(minutes=machine.cycle_minutes * batches)
        candidates = [b for b in customers if _eligible(machine, product_class_of(b.code)[1])]
        if end > closing or not candidates:
            break
        business = rng.choice(candidates)
        product, product_class = product_class_of(business.code)
        counter[0] += 1
        bookings.append(
            DemoBooking(
                f"bk-{counter[0]:04d}",
                machine.code,
                business.code,
                product,
                product_class,
                cursor,
                end,
                float(machine.batch_size) * batches,
                "pending" if rng.random() < 0.1 else "confirmed",
            )
        )
        gap = 30 if product_class == "halal" else 120
        cursor = end + timedelta(minutes=gap * rng.randint(1, 2))
    return bookings


def demo_week(
    houses: tuple[DemoHouse, ...],
    businesses: tuple[DemoBusiness, ...],
    start: date,
    holidays: set[date],
) -> list[DemoBooking]:
    """Bookings from `start` for seven days; multi-day machines get one long run."""
    rng = random.Random(20261201)
    counter = [0]
    bookings: list[DemoBooking] = []
    for house in houses:
        customers = [b for b in businesses if b.cluster_code == house.cluster_code]
        for machine in house.machines:
            for offset in range(7):
                day = start + timedelta(days=offset)
                span = house.hours.get(day.weekday())
                if span is None or day in holidays:
                    continue
                if machine.cycle_minutes > 24 * 60:
                    bookings += _long_run(house, machine, day, customers, rng, counter)
                    continue
                bookings += _day_bookings(house, machine, day, *span, customers, rng, counter)
    return bookings


def _long_run(
    house: DemoHouse,
    machine: DemoMachine,
    day: date,
    customers: list[DemoBusiness],
    rng: random.Random,
    counter: list[int],
) -> list[DemoBooking]:
    """Dryers run round the clock; one run starts on Monday and one on Thursday."""
    if day.weekday() not in (0, 3):
        return []
    zone = ZoneInfo(house.timezone)
    starts = datetime.combine(day, time(9), zone)
    business = rng.choice(customers)
    product, product_class = product_class_of(business.code)
    counter[0] += 1
    return [
        DemoBooking(
            f"bk-{counter[0]:04d}",
            machine.code,
            business.code,
            product,
            product_class,
            starts,
            starts + timedelta(minutes=machine.cycle_minutes),
            float(machine.batch_size),
            "confirmed",
        )
    ]

"""Writing the demo cluster into the database (idempotent: an existing cluster is left alone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from sharedfactory.bookings.tables import Booking, BookingRules, TariffTier, Training
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.service import add_business
from sharedfactory.businesses.tables import Permit
from sharedfactory.demo.businesses import DemoBusiness, demo_businesses
from sharedfactory.demo.catalog import (
    CHANGEOVERS,
    NATIONAL_HOLIDAYS,
    PRODUCT_CLASSES,
    QUALITY_LIMITS,
)
from sharedfactory.demo.houses import HOUSES, MACHINE_TYPES, DemoHouse, DemoMachine
from sharedfactory.demo.logins import seed_demo_logins
from sharedfactory.demo.week import demo_week
from sharedfactory.facilities.service import add_machine
from sharedfactory.facilities.tables import (
    Cluster,
    Holiday,
    House,
    MachineType,
    OpeningHours,
    Operator,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.products.tables import Changeover, ProductClass, QualityLimit

DEFAULT_START = date(2026, 12, 7)  # a Monday

# Booking rules per demo house (docs/booking-rules.md): notice 120 min, 60 days ahead, 30..480 min.
# Buffers stay 0 where the demo logins book (Batu Bara, Sleman); only Batu Bara has a weekly quota.
HOUSE_RULES: dict[str, dict[str, int | None]] = {
    "batu-bara": {"buffer_minutes": 0, "weekly_quota_hours": 20},
    "jembrana": {"buffer_minutes": 15, "weekly_quota_hours": None},
    "sleman": {"buffer_minutes": 0, "weekly_quota_hours": None},
    "minahasa-selatan": {"buffer_minutes": 10, "weekly_quota_hours": None},
}
COMMON_RULES = {
    "min_notice_minutes": 120,
    "max_advance_days": 60,
    "min_duration_minutes": 30,
    "max_duration_minutes": 480,
}
# Multi-day machines (cocoa dryer, freeze dryer: 26-36 h) get their own longer maximum.
LONG_RUN_MAX_MINUTES = 36 * 60
# The subsidy: percent off the machine tariff per size class, the same in every demo house.
TARIFF_TIERS = {"mikro": 50, "kecil": 25, "menengah": 0}
# UMKM trained to run self-run machine types themselves (machines with needs_operator false).
# The demo logins (siti, sri) are left untrained: they book operator-run machines.
TRAININGS = (
    ("cokelat-mendoyo", "melanger", 120),
    ("cokelat-mendoyo", "band_sealer", 120),
    ("subak-abian-kakao-lestari", "cocoa_dryer", 200),
    ("kakao-bubuk-ni-luh", "cocoa_dryer", 90),
    ("dapur-cokelat-melaya", "melanger", 60),
    ("susu-segar-merapi", "milk_chiller", 150),
    ("susu-kambing-etawa-turi", "freeze_dryer", 75),
    ("keripik-nangka-cangkringan", "band_sealer", 45),
)
Ids = dict[str, int]


async def is_seeded() -> bool:
    return await House.exists().run()


async def _insert(table: type[Table], rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = (
        await table.insert(*(table(**row) for row in rows)).returning(table._meta.primary_key).run()
    )
    return [row["id"] for row in result]


async def _by_code(table: type[Table], rows: list[dict[str, Any]]) -> Ids:
    ids = await _insert(table, rows)
    return {str(row["code"]): pk for row, pk in zip(rows, ids, strict=True)}


async def seed(
    secret_key: str, start: date = DEFAULT_START, progress: Callable[[str], None] | None = None
) -> bool:
    """Write the demo; return False (writing nothing) when houses already exist."""
    if await is_seeded():
        return False
    say = progress or (lambda _message: None)
    async with House._meta.db.transaction():
        say("klaster dan rumah produksi")
        classes = await _seed_catalog()
        houses, machines = await _seed_houses()
        say("operator, jam buka, hari libur")
        await _seed_calendars(houses, machines)
        say("UMKM dan izin")
        businesses = demo_businesses(start)
        business_ids = await _seed_businesses(businesses, PersonalDataCipher(secret_key), start)
        say("aturan pemesanan, subsidi, pelatihan")
        await _seed_house_rules(houses, machines)
        await _seed_trainings(business_ids, start)
        say("pemesanan satu minggu")
        await _seed_week(businesses, start, machines, business_ids, classes)
        say("akun demo")
        await seed_demo_logins()
    return True


async def _seed_catalog() -> Ids:
    classes = await _by_code(
        ProductClass,
        [
            {"code": c, "name_id": n_id, "name_en": n_en, "halal": h, "contains_pork": p}
            for c, n_id, n_en, h, p in PRODUCT_CLASSES
        ],
    )
    await _insert(
        Changeover,
        [
            {"from_class": classes[a], "to_class": classes[b], "minutes": m}
            for a, b, m in CHANGEOVERS
        ],
    )
    types = await _by_code(
        MachineType,
        [
            {
                "code": t.code,
                "name_id": t.name_id,
                "name_en": t.name_en,
                "batch_unit": t.batch_unit,
                "capabilities": list(t.capabilities),
            }
            for t in MACHINE_TYPES
        ],
    )
    await _insert(
        QualityLimit,
        [
            {
                "machine_type": types[t],
                "value_name": v,
                "min_value": _dec(lo),
                "max_value": _dec(hi),
                "hold_seconds": hold,
                "standard": std,
            }
            for t, v, lo, hi, hold, std in QUALITY_LIMITS
        ],
    )
    return classes


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def _seed_houses() -> tuple[Ids, Ids]:
    clusters = await _by_code(
        Cluster,
        [
            {"code": h.cluster_code, "name": h.cluster_name, "commodity": h.commodity}
            for h in HOUSES
        ],
    )
    houses = await _by_code(House, [_house_row(h, clusters[h.cluster_code]) for h in HOUSES])
    machines = {
        m.code: await add_machine(_machine_spec(m, h.code)) for h in HOUSES for m in h.machines
    }
    return houses, machines


def _machine_spec(machine: DemoMachine, house: str) -> dict[str, Any]:
    spec = asdict(machine) | {"house": house, "machine_type": machine.type_code}
    del spec["type_code"]
    return spec


def _house_row(house: DemoHouse, cluster_id: int) -> dict[str, Any]:
    return {
        "code": house.code,
        "name": house.name,
        "cluster": cluster_id,
        "cooperative": house.cooperative,
        "province": house.province,
        "province_code": house.province_code,
        "regency": house.regency,
        "regency_code": house.regency_code,
        "address": house.address,
        "timezone": house.timezone,
    }


async def _seed_calendars(houses: Ids, machines: Ids) -> None:
    for house in HOUSES:
        house_id = houses[house.code]
        await _insert(
            OpeningHours,
            [
                {"house": house_id, "weekday": day, "opens": opens, "closes": closes}
                for day, (opens, closes) in sorted(house.hours.items())
            ],
        )
        await _insert(
            Holiday,
            [{"house": house_id, "day": day, "name": name} for day, name in NATIONAL_HOLIDAYS],
        )
        operators = await _by_code(
            Operator,
            [
                {"code": o.code, "house": house_id, "name": o.name, "phone": o.phone}
                for o in house.operators
            ],
        )
        for operator in house.operators:
            op_id = operators[operator.code]
            await _insert(
                OperatorMachine,
                [
                    {"operator": op_id, "machine": machines[m], "certified_on": date(2025, 6, 2)}
                    for m in operator.machines
                ],
            )
            await _insert(
                OperatorShift,
                [
                    {
                        "operator": op_id,
                        "weekday": d,
                        "starts": operator.shift[0],
                        "ends": operator.shift[1],
                    }
                    for d in operator.weekdays
                ],
            )


async def _seed_businesses(
    businesses: tuple[DemoBusiness, ...], cipher: PersonalDataCipher, start: date
) -> Ids:
    consent = _consent_time(start)
    ids = {
        b.code: await add_business(
            {key: value for key, value in asdict(b).items() if key != "permits"}, cipher, consent
        )
        for b in businesses
    }
    await _insert(
        Permit,
        [
            {
                "business": ids[b.code],
                "kind": p.kind,
                "number": p.number,
                "product": p.product,
                "issued_on": p.issued_on,
                "expires_on": p.expires_on,
            }
            for b in businesses
            for p in b.permits
        ],
    )
    return ids


async def _seed_house_rules(houses: Ids, machines: Ids) -> None:
    rows: list[dict[str, Any]] = [
        {"house": houses[code], "machine": None, **COMMON_RULES, **own}
        for code, own in HOUSE_RULES.items()
    ]
    for house in HOUSES:
        for machine in house.machines:
            if machine.cycle_minutes > COMMON_RULES["max_duration_minutes"]:
                rows.append(
                    {
                        "house": houses[house.code],
                        "machine": machines[machine.code],
                        **COMMON_RULES,
                        **HOUSE_RULES[house.code],
                        "min_duration_minutes": 60,
                        "max_duration_minutes": LONG_RUN_MAX_MINUTES,
                    }
                )
    await _insert(BookingRules, rows)
    await _insert(
        TariffTier,
        [
            {"house": pk, "size_class": size, "discount_percent": percent}
            for pk in houses.values()
            for size, percent in TARIFF_TIERS.items()
        ],
    )


async def _seed_trainings(business_ids: Ids, start: date) -> None:
    types = {
        row["code"]: row["id"]
        for row in await MachineType.select(MachineType._meta.primary_key, MachineType.code).run()
    }
    await _insert(
        Training,
        [
            {
                "business": business_ids[business],
                "machine_type": types[machine_type],
                "trained_on": start - timedelta(days=days_before),
            }
            for business, machine_type, days_before in TRAININGS
        ],
    )


def _consent_time(start: date) -> datetime:
    return datetime.combine(start - timedelta(days=30), time(2), UTC)


async def _seed_week(
    businesses: tuple[DemoBusiness, ...],
    start: date,
    machines: Ids,
    business_ids: Ids,
    classes: Ids,
) -> None:
    holidays = {day for day, _name in NATIONAL_HOLIDAYS}
    await _insert(
        Booking,
        [
            {
                "code": b.code,
                "machine": machines[b.machine_code],
                "business": business_ids[b.business_code],
                "product_class": classes[b.product_class],
                "starts_at": b.starts_at,
                "ends_at": b.ends_at,
                "status": b.status,
                "quantity": Decimal(str(b.quantity)),
                "product": b.product,
            }
            for b in demo_week(HOUSES, businesses, start, holidays)
        ],
    )

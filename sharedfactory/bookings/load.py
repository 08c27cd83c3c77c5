"""Loading the facts the booking rules look at, for some machines of a house and one UMKM."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from sharedfactory.bookings.facts import (
    BusinessFacts,
    HouseRules,
    MachineFacts,
    PermitFact,
    ProductKind,
    Span,
    Taken,
)
from sharedfactory.bookings.tables import (
    HOLDING_STATUSES,
    Booking,
    BookingRules,
    TariffTier,
    Training,
    WaitlistEntry,
)
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.facilities.tables import (
    Holiday,
    Machine,
    MaintenanceWindow,
    OpeningHours,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.products.tables import Changeover, ProductClass

PAD = timedelta(days=1)  # neighbours just outside the window still need their cleaning gap


class UnknownCode(Exception):
    """A code in a request names nothing: the message is `field: reason`."""


class Missing(Exception):
    """The booking or entry asked for does not exist, or is outside the asker's scope."""


async def product_kind(code: str) -> ProductKind:
    row = await ProductClass.select().where(ProductClass.code == code).first().run()
    if row is None:
        raise UnknownCode(f"product_class: unknown product class {code!r}")
    return ProductKind(row["code"], row["halal"], row["contains_pork"])


async def _machine_rows(
    house: str | None, machine_type: str | None, machine: str | None
) -> list[dict[str, Any]]:
    query = Machine.select(
        Machine._meta.primary_key.as_alias("pk"),
        Machine.code,
        Machine.house.as_alias("house_pk"),
        Machine.house.code.as_alias("house"),
        Machine.house.timezone.as_alias("zone"),
        Machine.machine_type.code.as_alias("machine_type"),
        Machine.machine_type.capabilities.as_alias("capabilities"),
        Machine.needs_operator,
        Machine.halal_status,
        Machine.tariff_per_hour,
        Machine.batch_size,
        Machine.cycle_minutes,
    ).order_by(Machine.code)
    if house is not None:
        query = query.where(Machine.house.code == house)
    if machine_type is not None:
        query = query.where(Machine.machine_type.code == machine_type)
    if machine is not None:
        query = query.where(Machine.code == machine)
    return await query.run()


def _rules(rows: list[dict[str, Any]], house_pk: int, machine_pk: int) -> HouseRules:
    fields = HouseRules.__dataclass_fields__
    own = [r for r in rows if r["machine"] == machine_pk] or [
        r for r in rows if r["house"] == house_pk and r["machine"] is None
    ]
    return HouseRules(**{k: v for k, v in own[0].items() if k in fields}) if own else HouseRules()


async def _by_weekday(house_pks: set[int]) -> dict[int, dict[int, tuple[tuple[time, time], ...]]]:
    rows = await OpeningHours.select().where(OpeningHours.house.is_in(list(house_pks))).run()
    found: dict[int, dict[int, list[tuple[time, time]]]] = {}
    for row in sorted(rows, key=lambda r: r["opens"]):
        found.setdefault(row["house"], {}).setdefault(row["weekday"], []).append(
            (row["opens"], row["closes"])
        )
    return {h: {d: tuple(s) for d, s in days.items()} for h, days in found.items()}


async def _shifts(machine_pks: list[int]) -> dict[int, dict[int, tuple[tuple[time, time], ...]]]:
    trained = (
        await OperatorMachine.select(OperatorMachine.operator, OperatorMachine.machine)
        .where(OperatorMachine.machine.is_in(machine_pks))
        .run()
    )
    operators = {row["operator"] for row in trained}
    shifts = (
        await OperatorShift.select()
        .where(OperatorShift.operator.is_in(list(operators) or [0]))
        .run()
    )
    found: dict[int, dict[int, list[tuple[time, time]]]] = {}
    for link in trained:
        for shift in shifts:
            if shift["operator"] == link["operator"]:
                found.setdefault(link["machine"], {}).setdefault(shift["weekday"], []).append(
                    (shift["starts"], shift["ends"])
                )
    return {m: {d: tuple(s) for d, s in days.items()} for m, days in found.items()}


async def _taken(machine_pks: list[int], since: datetime, until: datetime) -> list[dict[str, Any]]:
    return await (
        Booking.select(
            Booking.code,
            Booking.machine,
            Booking.starts_at,
            Booking.ends_at,
            Booking.released_at,
            Booking.product_class.code.as_alias("class_code"),
            Booking.product_class.halal.as_alias("halal"),
        )
        .where(
            Booking.machine.is_in(machine_pks),
            Booking.status.is_in(list(HOLDING_STATUSES)),
            Booking.starts_at < until + PAD,
            Booking.ends_at > since - PAD,
        )
        .order_by(Booking.starts_at)
        .run()
    )


async def _pork_machines(machine_pks: list[int]) -> set[int]:
    rows = (
        await Booking.select(Booking.machine)
        .where(
            Booking.machine.is_in(machine_pks),
            Booking.product_class.contains_pork == True,  # noqa: E712
            Booking.status.is_in(list(HOLDING_STATUSES)),
        )
        .run()
    )
    return {row["machine"] for row in rows}


async def _changeovers() -> dict[tuple[str, str], int]:
    rows = await Changeover.select(
        Changeover.from_class.code.as_alias("a"),
        Changeover.to_class.code.as_alias("b"),
        Changeover.minutes,
    ).run()
    return {(row["a"], row["b"]): row["minutes"] for row in rows}


async def machine_facts(
    since: datetime,
    until: datetime,
    now: datetime,
    *,
    house: str | None = None,
    machine_type: str | None = None,
    machine: str | None = None,
) -> list[MachineFacts]:
    rows = await _machine_rows(house, machine_type, machine)
    if not rows:
        return []
    pks = [row["pk"] for row in rows]
    houses = {row["house_pk"] for row in rows}
    rules = await BookingRules.select().where(BookingRules.house.is_in(list(houses))).run()
    opening = await _by_weekday(houses)
    holidays = (
        await Holiday.select(Holiday.house, Holiday.day)
        .where(
            Holiday.house.is_in(list(houses)),
            Holiday.day >= (since - PAD).date(),
            Holiday.day <= (until + PAD).date(),
        )
        .run()
    )
    maintenance = (
        await MaintenanceWindow.select()
        .where(
            MaintenanceWindow.machine.is_in(pks),
            MaintenanceWindow.starts_at < until,
            MaintenanceWindow.ends_at > since,
        )
        .run()
    )
    taken = await _taken(pks, since, until)
    held = (
        await WaitlistEntry.select(
            WaitlistEntry.machine,
            WaitlistEntry.starts_at,
            WaitlistEntry.ends_at,
            WaitlistEntry.business.code.as_alias("holder"),
        )
        .where(
            WaitlistEntry.machine.is_in(pks),
            WaitlistEntry.status == "offered",
            WaitlistEntry.offered_until > now,
        )
        .run()
    )
    context = {
        "rules": rules,
        "opening": opening,
        "holidays": holidays,
        "maintenance": maintenance,
        "taken": taken,
        "held": held,
        "shifts": await _shifts(pks),
        "pork": await _pork_machines(pks),
        "changeover": await _changeovers(),
    }
    return [_machine(row, context) for row in rows]


def _machine(row: dict[str, Any], c: dict[str, Any]) -> MachineFacts:
    pk, house_pk = row["pk"], row["house_pk"]
    capabilities = row["capabilities"]
    if isinstance(capabilities, str):
        capabilities = json.loads(capabilities)
    return MachineFacts(
        pk=pk,
        batch_size=float(row["batch_size"]),
        cycle_minutes=row["cycle_minutes"],
        code=row["code"],
        house=row["house"],
        zone=row["zone"],
        machine_type=row["machine_type"],
        capabilities=tuple(capabilities),
        needs_operator=row["needs_operator"],
        halal_status=row["halal_status"],
        tariff_per_hour=row["tariff_per_hour"],
        rules=_rules(c["rules"], house_pk, pk),
        opening=c["opening"].get(house_pk, {}),
        holidays=frozenset(h["day"] for h in c["holidays"] if h["house"] == house_pk),
        maintenance=tuple(
            Span(w["starts_at"], w["ends_at"]) for w in c["maintenance"] if w["machine"] == pk
        ),
        taken=tuple(
            Taken(
                t["code"],
                t["starts_at"],
                t["ends_at"],
                t["released_at"] or t["ends_at"],
                t["class_code"],
                t["halal"],
            )
            for t in c["taken"]
            if t["machine"] == pk
        ),
        changeover=c["changeover"],
        ran_pork=pk in c["pork"],
        operator_shifts=c["shifts"].get(pk, {}),
        held_for=tuple(
            (Span(h["starts_at"], h["ends_at"]), h["holder"])
            for h in c["held"]
            if h["machine"] == pk
        ),
    )


async def business_facts(code: str, house: str, since: datetime, until: datetime) -> BusinessFacts:
    row = (
        await Business.select(
            Business._meta.primary_key.as_alias("pk"), Business.code, Business.size_class
        )
        .where(Business.code == code)
        .first()
        .run()
    )
    if row is None:
        raise UnknownCode(f"business: unknown UMKM {code!r}")
    permits = (
        await Permit.select(Permit.kind, Permit.product, Permit.expires_on)
        .where(Permit.business == row["pk"])
        .run()
    )
    trained = (
        await Training.select(Training.machine_type.code.as_alias("type"))
        .where(Training.business == row["pk"])
        .run()
    )
    booked = (
        await Booking.select(Booking.starts_at, Booking.ends_at, Booking.code)
        .where(
            Booking.business == row["pk"],
            Booking.machine._.house._.code == house,
            Booking.status.is_in(list(HOLDING_STATUSES)),
            Booking.starts_at < until + timedelta(days=7),
            Booking.ends_at > since - timedelta(days=7),
        )
        .run()
    )
    tier = (
        await TariffTier.select(TariffTier.discount_percent)
        .where(TariffTier.house.code == house, TariffTier.size_class == row["size_class"])
        .first()
        .run()
    )
    return BusinessFacts(
        code=code,
        size_class=row["size_class"],
        permits=tuple(PermitFact(p["kind"], p["product"], p["expires_on"]) for p in permits),
        trained_types=frozenset(t["type"] for t in trained),
        booked=tuple(Span(b["starts_at"], b["ends_at"], b["code"]) for b in booked),
        discount_percent=tier["discount_percent"] if tier else 0,
    )

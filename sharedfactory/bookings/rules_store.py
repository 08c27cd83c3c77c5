"""A house's booking rules, its machines' own rules, its subsidy tiers and the trainings that open
its self-run machines: the reads and writes shared by the JSON API (`bookings.rules_api`) and the
staff's page (`web.rules_pages`). Every write drops the slot search's cached facts, so the next
search sees it. Values are checked before they get here (`rules_api.RulesIn`, `TariffTiersIn`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sharedfactory.audit import events as audit
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.tables import BookingRules, TariffTier, Training
from sharedfactory.businesses.tables import SIZE_CLASSES, Business
from sharedfactory.facilities.tables import House, Machine, MachineType


@dataclass(frozen=True)
class Named:
    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class TrainingView:
    business: str
    business_name: str
    machine_type: str
    trained_on: date


async def house_key(code: str) -> tuple[int, int] | None:
    """The house's primary key and its cluster's, or None for an unknown house."""
    row = (
        await House.select(House._meta.primary_key.as_alias("pk"), House.cluster)
        .where(House.code == code)
        .first()
        .run()
    )
    return None if row is None else (int(row["pk"]), int(row["cluster"]))


async def house_machine_pk(house_pk: int, code: str) -> int | None:
    if "\x00" in code:  # a form's free text: PostgreSQL refuses NUL (a 500), no code holds one
        return None
    row = (
        await Machine.select(Machine._meta.primary_key.as_alias("pk"))
        .where(Machine.house == house_pk, Machine.code == code)
        .first()
        .run()
    )
    return None if row is None else int(row["pk"])


async def house_rules_row(house_pk: int) -> dict[str, Any] | None:
    """The house's own rule set (None: the defaults)."""
    return (
        await BookingRules.select()
        .where(BookingRules.house == house_pk, BookingRules.machine.is_null())
        .first()
        .run()
    )


async def machine_rules_rows(house_pk: int) -> list[dict[str, Any]]:
    """The rule sets of the house's machines that have their own, by machine code
    (`machine_code` names the machine)."""
    return (
        await BookingRules.select(
            *BookingRules.all_columns(), BookingRules.machine.code.as_alias("machine_code")
        )
        .where(BookingRules.house == house_pk, BookingRules.machine.is_not_null())
        .order_by(BookingRules.machine.code)
        .run()
    )


async def upsert_rules(
    house_pk: int, machine_pk: int | None, values: dict[str, Any], actor: int | None = None
) -> None:
    """Replace the house's rule set (machine None) or give one machine its own; `actor` is
    the user who did it (for the audit log)."""
    where = (
        BookingRules.machine.is_null() if machine_pk is None else BookingRules.machine == machine_pk
    )
    async with BookingRules._meta.db.transaction():
        found = (
            await BookingRules.select().where(BookingRules.house == house_pk, where).first().run()
        )
        if found is None:
            await BookingRules.insert(
                BookingRules(house=house_pk, machine=machine_pk, **values)
            ).run()
        else:
            await (
                BookingRules.update({getattr(BookingRules, k): v for k, v in values.items()})
                .where(BookingRules._meta.primary_key == found["id"])
                .run()
            )
        await audit.rules_changed(house_pk, machine_pk, found, values, actor)
    forget_cached_facts()


async def drop_machine_rules(machine_pk: int, actor: int | None = None) -> bool:
    """The machine follows its house's rules again; False when it had none of its own."""
    columns = BookingRules.all_columns()
    async with BookingRules._meta.db.transaction():
        had = (
            await BookingRules.delete()
            .where(BookingRules.machine == machine_pk)
            .returning(*columns)
            .run()
        )
        if had:
            await audit.rules_changed(had[0]["house"], machine_pk, had[0], None, actor)
    forget_cached_facts()
    return bool(had)


async def tier_percents(house_pk: int) -> dict[str, int]:
    """Percent off the tariff per size class (0 where the house set none)."""
    return _percents(await TariffTier.select().where(TariffTier.house == house_pk).run())


def _percents(rows: list[dict[str, Any]]) -> dict[str, int]:
    found = {row["size_class"]: row["discount_percent"] for row in rows}
    return {size: int(found.get(size, 0)) for size in SIZE_CLASSES}


async def replace_tiers(
    house_pk: int, percents: Mapping[str, int], actor: int | None = None
) -> None:
    returned = (TariffTier.size_class, TariffTier.discount_percent)
    async with TariffTier._meta.db.transaction():
        old = (
            await TariffTier.delete().where(TariffTier.house == house_pk).returning(*returned).run()
        )
        await TariffTier.insert(
            *(
                TariffTier(house=house_pk, size_class=size, discount_percent=percents[size])
                for size in SIZE_CLASSES
            )
        ).run()
        await audit.tariff_changed(house_pk, _percents(old), percents, actor)
    forget_cached_facts()


async def is_trained(business_pk: int, type_pk: int) -> bool:
    return bool(
        await Training.exists()
        .where(Training.business == business_pk, Training.machine_type == type_pk)
        .run()
    )


async def record_training(
    business_pk: int, type_pk: int, trained_on: date, actor: int | None = None
) -> None:
    async with Training._meta.db.transaction():
        await Training.insert(
            Training(business=business_pk, machine_type=type_pk, trained_on=trained_on)
        ).run()
        await audit.training_recorded(business_pk, type_pk, trained_on, actor)
    forget_cached_facts()


async def cluster_businesses(cluster_pk: int) -> list[Named]:
    rows = (
        await Business.select(
            Business._meta.primary_key.as_alias("pk"), Business.code, Business.name
        )
        .where(Business.cluster == cluster_pk)
        .order_by(Business.name)
        .run()
    )
    return [Named(int(r["pk"]), r["code"], r["name"]) for r in rows]


async def type_pks(codes: Iterable[str]) -> dict[str, int]:
    wanted = list(codes)
    if not wanted:
        return {}
    rows = (
        await MachineType.select(MachineType._meta.primary_key.as_alias("pk"), MachineType.code)
        .where(MachineType.code.is_in(wanted))
        .run()
    )
    return {r["code"]: int(r["pk"]) for r in rows}


async def cluster_trainings(cluster_pk: int, types: Iterable[str]) -> list[TrainingView]:
    """The cluster's UMKM trained on these machine types, by business name then type."""
    wanted = list(types)
    if not wanted:
        return []
    rows = (
        await Training.select(
            Training.business.code.as_alias("business"),
            Training.business.name.as_alias("business_name"),
            Training.machine_type.code.as_alias("machine_type"),
            Training.trained_on,
        )
        .where(Training.business.cluster == cluster_pk, Training.machine_type.code.is_in(wanted))
        .order_by(Training.business.name)
        .order_by(Training.machine_type.code)
        .run()
    )
    return [TrainingView(**row) for row in rows]

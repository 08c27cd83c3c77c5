"""Adding a machine to a house and editing one: the writes the JSON API (`machine_admin_api`)
and the staff's page (`web.machine_admin_pages`) share. Values arrive as the API's Structs
(`machine_schemas`); what a change may do is `machine_checks` (plain data).

An edit runs under the machine's booking lock (`bookings.guard.writing`: SQLite's write lock,
PostgreSQL `FOR NO KEY UPDATE` on the machine row, which every booking of the machine also
takes), so the halal check sees every booking there is. Each change appends `machine.changed` (and
`tariff.changed` when the tariff moves) in its own transaction, and drops the slot search's
cached facts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from sharedfactory.audit import events as audit
from sharedfactory.bookings import guard
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking
from sharedfactory.facilities.machine_checks import (
    ComingRun,
    Refusal,
    _,
    changes,
    halal_refusal,
    stored,
)
from sharedfactory.facilities.machine_schemas import EDITABLE, MachineAddIn, MachineEditIn
from sharedfactory.facilities.queries import MachineView, list_machines
from sharedfactory.facilities.tables import House, Machine, MachineType

LIVE_STATUSES = tuple(status for status in HOLDING_STATUSES if status != "completed")
UNIQUE_ERRORS = (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError)


class MachineRefused(ValueError):
    """A refused change, naming its field (`status` 400 or 409)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"{refusal.key}: {refusal.text}")
        self.refusal = refusal


class Missing(LookupError):
    """No such house or machine (the edge answers 404)."""


@dataclass(frozen=True)
class MachineKey:
    pk: int
    code: str
    house: str


@dataclass(frozen=True)
class TypeOption:
    code: str
    name_id: str
    name_en: str
    batch_unit: str


async def find_machine(code: str) -> MachineKey:
    row = (
        await Machine.select(
            Machine._meta.primary_key.as_alias("pk"), Machine.house.code.as_alias("house")
        )
        .where(Machine.code == code)
        .first()
        .run()
    )
    if row is None:
        raise Missing(f"machine {code!r} does not exist")
    return MachineKey(int(row["pk"]), code, row["house"])


async def machine_types() -> list[TypeOption]:
    rows = await MachineType.select(
        MachineType.code, MachineType.name_id, MachineType.name_en, MachineType.batch_unit
    ).order_by(MachineType.code)
    return [TypeOption(**row) for row in rows]


async def view(code: str, house: str) -> MachineView:
    return next(m for m in await list_machines(house) if m.code == code)


def _name(text: str) -> str:
    name = text.strip()
    if len(name) < 2:
        raise MachineRefused(Refusal(400, "name", _("write 2 to 200 characters")))
    return name


def _taken() -> MachineRefused:
    return MachineRefused(Refusal(409, "code", _("this code is already taken")))


async def _keys(house: str, machine_type: str) -> tuple[int, int]:
    found = await House.select(House._meta.primary_key.as_alias("pk")).where(House.code == house)
    if not found:
        raise Missing(f"house {house!r} does not exist")
    kind = await MachineType.select(MachineType._meta.primary_key.as_alias("pk")).where(
        MachineType.code == machine_type
    )
    if not kind:
        refusal = Refusal(
            400, "machine_type", _("no machine type %(type)s"), {"type": machine_type}
        )
        raise MachineRefused(refusal)
    return int(found[0]["pk"]), int(kind[0]["pk"])


async def add_machine(house: str, spec: MachineAddIn, actor: int | None) -> MachineView:
    """The new machine of `house`; Missing for an unknown house, MachineRefused for a taken
    code, an unknown type or a blank name."""
    house_pk, type_pk = await _keys(house, spec.machine_type)
    values = {name: stored(name, getattr(spec, name)) for name in EDITABLE}
    values["name"] = _name(spec.name)
    if await Machine.exists().where(Machine.code == spec.code).run():
        raise _taken()
    try:
        async with guard.writing([]):
            await Machine.insert(
                Machine(code=spec.code, house=house_pk, machine_type=type_pk, **values)
            ).run()
            new = {"code": spec.code, "machine_type": spec.machine_type, **values}
            await audit.machine_changed(spec.code, house, None, new, actor)
            await audit.machine_tariff_changed(spec.code, house, None, spec.tariff_per_hour, actor)
    except UNIQUE_ERRORS:
        raise _taken() from None  # added meanwhile by someone else
    return await view(spec.code, house)


async def _ran_pork(machine_pk: int) -> bool:
    return bool(
        await Booking.exists()
        .where(
            Booking.machine == machine_pk,
            Booking.product_class.contains_pork == True,  # noqa: E712
            Booking.status.is_in(list(HOLDING_STATUSES)),
        )
        .run()
    )


async def _coming(machine_pk: int) -> list[ComingRun]:
    rows = (
        await Booking.select(
            Booking.code, Booking.product, Booking.product_class.halal.as_alias("halal")
        )
        .where(
            Booking.machine == machine_pk,
            Booking.status.is_in(list(LIVE_STATUSES)),
            Booking.ends_at > datetime.now(UTC),
        )
        .order_by(Booking.starts_at)
        .run()
    )
    return [ComingRun(r["code"], r["product"], bool(r["halal"])) for r in rows]


async def _check_halal(machine_pk: int, old: str, new: str) -> None:
    refusal = halal_refusal(old, new, await _ran_pork(machine_pk), await _coming(machine_pk))
    if refusal is not None:
        raise MachineRefused(refusal)


async def edit_machine(machine: MachineKey, edit: MachineEditIn, actor: int | None) -> MachineView:
    """Change the given fields; nothing is written (nor audited) when nothing changes."""
    wanted: dict[str, Any] = {
        name: getattr(edit, name) for name in EDITABLE if getattr(edit, name) is not None
    }
    if "name" in wanted:
        wanted["name"] = _name(wanted["name"])
    async with guard.writing([machine.pk]):
        row = await Machine.select(*(getattr(Machine, name) for name in EDITABLE)).where(
            Machine._meta.primary_key == machine.pk
        )
        old, new = changes(row[0], wanted)
        if "halal_status" in new:
            await _check_halal(machine.pk, old["halal_status"], new["halal_status"])
        if new:
            await Machine.update({getattr(Machine, name): v for name, v in new.items()}).where(
                Machine._meta.primary_key == machine.pk
            )
            await audit.machine_changed(machine.code, machine.house, old, new, actor)
            if "tariff_per_hour" in new:
                await audit.machine_tariff_changed(
                    machine.code,
                    machine.house,
                    old["tariff_per_hour"],
                    new["tariff_per_hour"],
                    actor,
                )
    return await view(machine.code, machine.house)

"""Writing facilities: every write goes through the edge model first."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from sharedfactory.facilities.schemas_in import MachineIn
from sharedfactory.facilities.tables import House, Machine, MachineType


class UnknownReference(ValueError):
    """A code that names nothing; the message starts with the field."""


async def _id_of(table: type[House] | type[MachineType], code: str, field: str) -> int:
    row = await table.select(table._meta.primary_key).where(table.code == code).first().run()
    if row is None:
        raise UnknownReference(f"{field}: {field.replace('_', ' ')} {code!r} does not exist")
    return int(row["id"])


async def add_machine(data: object) -> int:
    """Validate `data` as a MachineIn, resolve its house and type, insert; return the row id."""
    spec = msgspec.convert(data, MachineIn)
    house = await _id_of(House, spec.house, "house")
    machine_type = await _id_of(MachineType, spec.machine_type, "machine_type")
    row = Machine(
        code=spec.code,
        house=house,
        machine_type=machine_type,
        name=spec.name,
        batch_size=Decimal(str(spec.batch_size)),
        cycle_minutes=spec.cycle_minutes,
        tariff_per_hour=spec.tariff_per_hour,
        power_kw=Decimal(str(spec.power_kw)),
        needs_operator=spec.needs_operator,
        halal_status=spec.halal_status,
    )
    await row.save().run()
    return int(row[row._meta.primary_key._meta.name])

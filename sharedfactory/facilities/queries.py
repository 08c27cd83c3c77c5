"""Read models of houses and machines (Piccolo rows -> plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from sharedfactory.facilities.tables import House, Machine, OpeningHours


@dataclass(frozen=True)
class OpeningSpan:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class HouseView:
    code: str
    name: str
    cooperative: str
    cluster_code: str
    commodity: str
    province: str
    province_code: str
    regency: str
    regency_code: str
    address: str
    timezone: str
    hours: tuple[OpeningSpan, ...]


@dataclass(frozen=True)
class MachineView:
    code: str
    house_code: str
    name: str
    type_code: str
    type_name_id: str
    type_name_en: str
    batch_size: float
    batch_unit: str
    cycle_minutes: int
    tariff_per_hour: int
    power_kw: float
    needs_operator: bool
    halal_status: str


async def list_houses(code: str | None = None) -> list[HouseView]:
    pk = House._meta.primary_key
    query = House.select(
        *House.all_columns(exclude=[pk, House.cluster]),
        pk.as_alias("pk"),
        House.cluster.code.as_alias("cluster_code"),
        House.cluster.commodity.as_alias("commodity"),
    ).order_by(House.name)
    if code is not None:
        query = query.where(House.code == code)
    rows = await query.run()
    hours = await _opening_hours([row["pk"] for row in rows])
    return [_house(row, hours.get(row["pk"], ())) for row in rows]


async def _opening_hours(house_ids: list[int]) -> dict[int, tuple[OpeningSpan, ...]]:
    if not house_ids:
        return {}
    rows = await (
        OpeningHours.select()
        .where(OpeningHours.house.is_in(house_ids))
        .order_by(OpeningHours.weekday)
        .order_by(OpeningHours.opens)
        .run()
    )
    spans: dict[int, list[OpeningSpan]] = {}
    for row in rows:
        spans.setdefault(row["house"], []).append(
            OpeningSpan(row["weekday"], row["opens"], row["closes"])
        )
    return {house: tuple(found) for house, found in spans.items()}


def _house(row: dict[str, Any], hours: tuple[OpeningSpan, ...]) -> HouseView:
    fields = {key: row[key] for key in HouseView.__dataclass_fields__ if key != "hours"}
    return HouseView(**fields, hours=hours)


async def list_machines(house_code: str | None = None) -> list[MachineView]:
    query = Machine.select(
        Machine.code,
        Machine.house.code.as_alias("house_code"),
        Machine.name,
        Machine.machine_type.code.as_alias("type_code"),
        Machine.machine_type.name_id.as_alias("type_name_id"),
        Machine.machine_type.name_en.as_alias("type_name_en"),
        Machine.batch_size,
        Machine.machine_type.batch_unit.as_alias("batch_unit"),
        Machine.cycle_minutes,
        Machine.tariff_per_hour,
        Machine.power_kw,
        Machine.needs_operator,
        Machine.halal_status,
    ).order_by(Machine.code)
    if house_code is not None:
        query = query.where(Machine.house.code == house_code)
    rows = await query.run()
    return [
        MachineView(
            **{**row, "batch_size": float(row["batch_size"]), "power_kw": float(row["power_kw"])}
        )
        for row in rows
    ]

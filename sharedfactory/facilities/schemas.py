"""Wire shapes of the facilities API (CONTRACTS.md section 5)."""

from __future__ import annotations

import msgspec

from sharedfactory.facilities.queries import HouseView, MachineView


class OpeningHoursOut(msgspec.Struct):
    weekday: int
    opens: str
    closes: str


class HouseOut(msgspec.Struct):
    id: str
    name: str
    timezone: str
    province: str
    province_code: str
    regency: str
    regency_code: str
    cooperative: str
    cluster: str
    commodity: str
    address: str
    opening_hours: list[OpeningHoursOut]

    @classmethod
    def of(cls, house: HouseView) -> HouseOut:
        return cls(
            id=house.code,
            name=house.name,
            timezone=house.timezone,
            province=house.province,
            province_code=house.province_code,
            regency=house.regency,
            regency_code=house.regency_code,
            cooperative=house.cooperative,
            cluster=house.cluster_code,
            commodity=house.commodity,
            address=house.address,
            opening_hours=[
                OpeningHoursOut(s.weekday, s.opens.strftime("%H:%M"), s.closes.strftime("%H:%M"))
                for s in house.hours
            ],
        )


class MachineOut(msgspec.Struct):
    id: str
    type: str
    house: str
    name: str
    type_name: str
    batch_size: float
    batch_unit: str
    cycle_minutes: int
    tariff_per_hour: int
    power_kw: float
    needs_operator: bool
    halal_status: str

    @classmethod
    def of(cls, machine: MachineView) -> MachineOut:
        return cls(
            id=machine.code,
            type=machine.type_code,
            house=machine.house_code,
            name=machine.name,
            type_name=machine.type_name_en,
            batch_size=machine.batch_size,
            batch_unit=machine.batch_unit,
            cycle_minutes=machine.cycle_minutes,
            tariff_per_hour=machine.tariff_per_hour,
            power_kw=machine.power_kw,
            needs_operator=machine.needs_operator,
            halal_status=machine.halal_status,
        )

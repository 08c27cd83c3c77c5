"""Which machines exist, in which house, with which limits (read once, refreshed on a miss)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sharedfactory.facilities.tables import Machine
from sharedfactory.products.tables import QualityLimit

REFRESH_AFTER_MISS_S = 5.0


@dataclass(frozen=True)
class ValueLimit:
    value_name: str
    min_value: float | None
    max_value: float | None
    hold_seconds: int | None
    standard: str
    product_class: str | None = None  # None: every product on this machine type

    def applies_to(self, product_class: str | None) -> bool:
        return self.product_class is None or self.product_class == product_class

    def violated_by(self, value: float) -> bool:
        too_low = self.min_value is not None and value < self.min_value
        return too_low or (self.max_value is not None and value > self.max_value)


@dataclass(frozen=True)
class MachineRef:
    id: int
    code: str
    house: str
    machine_type: str
    limits: tuple[ValueLimit, ...] = ()


@dataclass
class MachineDirectory:
    machines: dict[str, MachineRef] = field(default_factory=dict)
    _loaded_at: float = 0.0

    async def load(self) -> None:
        rows = await Machine.select(
            Machine._meta.primary_key.as_alias("pk"),
            Machine.code,
            Machine.house.code.as_alias("house"),
            Machine.machine_type.code.as_alias("machine_type"),
            Machine.machine_type.id.as_alias("type_id"),
        ).run()
        limits = await _limits_by_type()
        self.machines = {
            row["code"]: MachineRef(
                row["pk"],
                row["code"],
                row["house"],
                row["machine_type"],
                limits.get(row["type_id"], ()),
            )
            for row in rows
        }
        self._loaded_at = time.monotonic()

    async def find(self, code: str) -> MachineRef | None:
        found = self.machines.get(code)
        if found is None and time.monotonic() - self._loaded_at > REFRESH_AFTER_MISS_S:
            await self.load()
            found = self.machines.get(code)
        return found


async def _limits_by_type() -> dict[int, tuple[ValueLimit, ...]]:
    result: dict[int, list[ValueLimit]] = {}
    # In the catalogue's order: it is the order of a sealed record's checks (and so of its hash).
    rows = (
        await QualityLimit.select(
            *QualityLimit.all_columns(), QualityLimit.product_class.code.as_alias("class_code")
        )
        .order_by(QualityLimit._meta.primary_key)
        .run()
    )
    for row in rows:
        result.setdefault(row["machine_type"], []).append(
            ValueLimit(
                row["value_name"],
                _float(row["min_value"]),
                _float(row["max_value"]),
                row["hold_seconds"],
                row["standard"],
                row["class_code"],
            )
        )
    return {key: tuple(value) for key, value in result.items()}


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))

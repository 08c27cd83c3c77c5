"""Production per unit, pure: the counters' thousandths turned into kilograms, litres and pieces.

A machine counts its output in thousandths of its type's batch unit (grams for kg, millilitres for
litres, thousandths of a piece: docs/telemetry-analytics.md), so only machines of one unit are
ever added together; a row with fryers and sealers has a kg line and a pcs line, never one sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNITS = ("kg", "L", "pcs")  # machine_type.batch_unit, in the order rows list them
COUNTED_PER_UNIT = 1000


@dataclass(frozen=True)
class Counted:
    """Summable counter increments of one unit, in thousandths."""

    good: int = 0
    reject: int = 0

    def __add__(self, other: Counted) -> Counted:
        return Counted(self.good + other.good, self.reject + other.reject)


@dataclass(frozen=True)
class Production:
    unit: str
    good: float
    reject: float
    produced: float  # good + reject
    pass_rate: float | None  # good / produced; None when nothing was produced


def add_counted(one: Mapping[str, Counted], other: Mapping[str, Counted]) -> dict[str, Counted]:
    return {unit: one.get(unit, Counted()) + other.get(unit, Counted()) for unit in {*one, *other}}


def production(counted: Mapping[str, Counted]) -> tuple[Production, ...]:
    """One line per unit the row's machines count in, in UNITS order."""
    return tuple(_line(unit, counted[unit]) for unit in _ordered(counted))


def _ordered(counted: Mapping[str, Counted]) -> list[str]:
    return sorted(
        counted, key=lambda unit: (UNITS.index(unit) if unit in UNITS else len(UNITS), unit)
    )


def _line(unit: str, counts: Counted) -> Production:
    produced = counts.good + counts.reject
    return Production(
        unit=unit,
        good=counts.good / COUNTED_PER_UNIT,
        reject=counts.reject / COUNTED_PER_UNIT,
        produced=produced / COUNTED_PER_UNIT,
        pass_rate=None if produced == 0 else round(counts.good / produced, 4),
    )

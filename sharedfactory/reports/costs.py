"""Money per report row, pure: revenue rounded to whole Rupiah and the energy bill at a tariff.

Running costs here are energy only (docs/reports.md): staff, rent and depreciation are not
measured by the system, so `margin` is revenue less the electricity the machines metered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WH_PER_KWH = 1000
# Revenue arrives as a float sum of prorated whole-Rupiah lines; a micro-Rupiah cut first keeps
# float noise (50000.4999999) from deciding the half-up rounding.
REVENUE_EXACT_TO = Decimal("0.000001")


@dataclass(frozen=True)
class Money:
    revenue: int  # whole Rupiah
    energy_kwh: float
    energy_cost: int  # whole Rupiah
    margin: int  # revenue - energy_cost


def whole_rupiah(amount: Decimal) -> int:
    """Half up to whole Rupiah, as the statements round (`bookings.money`)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def energy_cost(energy_wh: int, tariff: Decimal) -> int:
    """The metered energy priced at `tariff` Rupiah per kWh, half up to whole Rupiah."""
    return whole_rupiah(Decimal(energy_wh) * tariff / WH_PER_KWH)


def money(revenue: float, energy_wh: int, tariff: Decimal) -> Money:
    earned = whole_rupiah(Decimal(revenue).quantize(REVENUE_EXACT_TO, rounding=ROUND_HALF_UP))
    cost = energy_cost(energy_wh, tariff)
    return Money(earned, energy_wh / WH_PER_KWH, cost, earned - cost)

"""Money per row, pure: energy priced at a tariff and revenue in whole Rupiah, half up."""

from decimal import Decimal

import pytest

from sharedfactory.reports.costs import energy_cost, money

pytestmark = pytest.mark.pure
TARIFF = Decimal("1444.70")


@pytest.mark.parametrize(
    ("energy_wh", "tariff", "cost"),
    [
        (253_000, TARIFF, 365_509),  # 253 kWh x 1 444,70 = 365 509,1
        (274_200, TARIFF, 396_137),  # 274,2 kWh -> 396 136,74
        (1_000, Decimal("1444.5"), 1_445),  # exactly half: up, not to the even 1 444
        (3_000, Decimal("0.5"), 2),  # 1,5 -> 2
        (1, TARIFF, 1),  # 1 Wh = 1,4447 -> 1
        (0, TARIFF, 0),
    ],
)
def test_energy_cost_is_half_up_to_whole_rupiah(energy_wh, tariff, cost):
    assert energy_cost(energy_wh, tariff) == cost


def test_margin_is_revenue_less_the_energy_bill():
    """453 125,5 -> 453 126; 253 kWh -> 365 509; margin 87 617."""
    found = money(453_125.5, 253_000, TARIFF)
    assert (found.revenue, found.energy_kwh, found.energy_cost, found.margin) == (
        453_126,
        253.0,
        365_509,
        87_617,
    )


def test_float_noise_does_not_decide_the_rounding():
    """Prorated shares summed in floats can land a hair under an exact half (a true 50 000,5
    arriving as 50 000,49999999999): a micro-Rupiah cut before the half-up keeps it 50 001,
    while a real 50 000,4999 stays 50 000."""
    assert money(50_000.499999999994, 0, TARIFF).revenue == 50_001
    assert money(50_000.4999, 0, TARIFF).revenue == 50_000


def test_a_loss_is_a_negative_margin():
    assert money(0, 110_000, TARIFF).margin == -158_917

"""Production per unit, pure: thousandths to kg, litres and pieces, never added across units."""

import pytest

from sharedfactory.reports.output import Counted, Production, add_counted, production

pytestmark = pytest.mark.pure


def test_thousandths_become_the_batch_unit_with_a_pass_rate():
    """135 240 g good and 2 760 g rejected: 135,24 kg of 138 kg, 98 % passed."""
    assert production({"kg": Counted(135_240, 2_760)}) == (
        Production("kg", 135.24, 2.76, 138.0, 0.98),
    )


def test_units_stay_apart_in_a_fixed_order():
    both = add_counted({"pcs": Counted(600_000, 0)}, {"kg": Counted(4_000, 1_000)})
    merged = add_counted(both, {"kg": Counted(1_000, 0), "L": Counted(0, 0)})
    assert [line.unit for line in production(merged)] == ["kg", "L", "pcs"]
    kg, litres, pieces = production(merged)
    assert (kg.good, kg.reject, kg.produced, kg.pass_rate) == (5.0, 1.0, 6.0, 0.8333)
    assert (pieces.produced, pieces.pass_rate) == (600.0, 1.0)
    assert (litres.produced, litres.pass_rate) == (0.0, None)  # nothing made: not 0 %, not 100 %


def test_all_rejected_is_a_zero_pass_rate():
    (line,) = production({"L": Counted(0, 2_500)})
    assert (line.reject, line.pass_rate) == (2.5, 0.0)

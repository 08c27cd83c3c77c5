"""PURE: the halal rules of a machine's status change, and which fields really change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sharedfactory.facilities.machine_checks import ComingRun, changes, halal_refusal

PORK = ComingRun("bk-1", "Abon babi", halal=False)
SAMBAL = ComingRun("bk-2", "Sambal", halal=True)


@pytest.mark.parametrize(
    ("old", "new", "ran_pork", "coming", "refused"),
    [
        ("shared", "shared", True, [PORK], False),
        ("never_halal", "shared", False, [], True),
        ("never_halal", "halal_dedicated", False, [], True),
        ("never_halal", "never_halal", False, [], False),
        ("shared", "halal_dedicated", True, [], True),
        ("shared", "halal_dedicated", False, [PORK, SAMBAL], True),
        ("shared", "halal_dedicated", False, [SAMBAL], False),
        ("halal_dedicated", "shared", True, [SAMBAL], False),
        ("shared", "never_halal", False, [PORK, SAMBAL], True),
        ("halal_dedicated", "never_halal", False, [], False),
    ],
)
def test_halal_status_changes(old, new, ran_pork, coming, refused):
    refusal = halal_refusal(old, new, ran_pork, coming)
    assert (refusal is not None) == refused
    if refusal is not None:
        assert (refusal.status, refusal.key) == (409, "halal_status")


def test_a_refusal_names_the_bookings_and_counts_the_rest():
    runs = [ComingRun(f"bk-{n}", "Keripik kulit", halal=False) for n in range(8)]
    refusal = halal_refusal("shared", "halal_dedicated", False, runs)
    assert refusal is not None
    assert refusal.params["bookings"].startswith("bk-0 (Keripik kulit), bk-1 (Keripik kulit)")
    assert "bk-5" not in refusal.text
    assert refusal.text.endswith("(+3)")


def test_only_real_changes_count_decimals_to_the_cent():
    old = {"name": "Wajan", "batch_size": Decimal("5.5"), "power_kw": 3.0, "needs_operator": True}
    wanted = {"name": "Wajan", "batch_size": 5.50, "power_kw": 3.004, "needs_operator": False}
    assert changes(old, wanted) == ({"needs_operator": True}, {"needs_operator": False})
    before, after = changes(old, {"batch_size": 5.555})
    assert (before, after) == ({"batch_size": Decimal("5.50")}, {"batch_size": Decimal("5.56")})

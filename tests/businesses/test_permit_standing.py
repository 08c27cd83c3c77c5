"""PURE: where a permit stands on a day (its expiry date is its last valid day)."""

from datetime import date

import pytest

from sharedfactory.businesses.permit_standing import standing

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("expires_on", "expected"),
    [
        (None, "open"),
        (date(2026, 11, 30), "expired"),
        (TODAY, "expiring"),
        (date(2026, 12, 31), "expiring"),
        (date(2027, 1, 1), "valid"),
    ],
)
def test_standing(expires_on, expected):
    assert standing(expires_on, TODAY) == expected

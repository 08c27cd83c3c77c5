"""The UMKM served, pure: per business and house sums in, one line per business out."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sharedfactory.reports.served import BusinessAtHouse, served_list

pytestmark = pytest.mark.pure

WIB = timezone(timedelta(hours=7))
START = datetime(2025, 3, 3, tzinfo=WIB)
END = datetime(2025, 3, 10, tzinfo=WIB)


def ms(moment):
    return round(moment.timestamp() * 1000)


def at_house(code, house, booked_h, served=True):
    return BusinessAtHouse(
        code, code.title(), "9120000000001", "kecil", house, booked_h * 3600, served
    )


def listed(found, first):
    return served_list(found, first, ms(START), ms(END), WIB)


def test_one_line_per_business_with_the_houses_that_served_it():
    """x: served in Sleman (3 h), a no-show in Batu Bara (1 h, counted as booked, not served)."""
    found = [at_house("x", "sleman", 3), at_house("x", "batu-bara", 1, served=False)]
    (line,) = listed(found, {"x": ms(START + timedelta(days=1))})
    assert (line.houses, line.booked_hours, line.new) == (("sleman",), 4.0, True)
    assert line.first_served == "2025-03-04"


def test_new_means_first_served_inside_the_period_on_its_own_clock():
    """First served 2 March 23.30 WIB (16.30 UTC) is before a period from 3 March WIB: not new,
    and its date is the 2nd in the period's offset. First served at the very start: new."""
    before = datetime(2025, 3, 2, 16, 30, tzinfo=UTC)
    found = [at_house("early", "sleman", 2), at_house("exact", "sleman", 1)]
    early, exact = listed(found, {"early": ms(before), "exact": ms(START)})
    assert (early.first_served, early.new) == ("2025-03-02", False)
    assert (exact.first_served, exact.new) == ("2025-03-03", True)


def test_only_a_missed_booking_is_not_served():
    assert listed([at_house("c", "sleman", 1, served=False)], {}) == []

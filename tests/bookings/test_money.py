"""The monthly statement on plain data: what is charged, rounding, months in the house's zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from sharedfactory.bookings.money import (
    NO_SHOW_CHARGE_PERCENT,
    BookingRow,
    as_csv,
    full_amount,
    parse_month,
    statement,
)

pytestmark = pytest.mark.pure


def row(
    code: str = "bk-1",
    *,
    status: str = "completed",
    hours: float = 2,
    price: int | None = None,
    tariff: int = 85_000,
    discount: int = 50,
    house: str = "batu-bara",
    zone: str = "Asia/Jakarta",
    starts: datetime = datetime(2026, 12, 8, 1, 0, tzinfo=UTC),  # 08.00 WIB
) -> BookingRow:
    return BookingRow(
        code=code,
        machine=f"{house}-kettle-1",
        house=house,
        zone=zone,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        status=status,
        price=price,
        tariff_per_hour=tariff,
        discount_percent=discount,
    )


def test_the_tariff_less_the_tier_when_no_price_was_fixed():
    assert full_amount(row(hours=2, discount=50)) == 85_000
    assert full_amount(row(hours=1.5, discount=25)) == 95_625
    assert full_amount(row(hours=1, discount=0)) == 85_000
    assert full_amount(row(hours=1, discount=100)) == 0


def test_a_fixed_price_wins_over_todays_tariff():
    assert full_amount(row(price=60_000, tariff=1_000_000)) == 60_000


def test_rounding_is_half_up_to_whole_rupiah():
    # 3 minutes at Rp10.001/hour: 500,05 -> 500; 90 minutes of Rp33.333 at 50 %: 24.999,75 -> 25.000
    assert full_amount(row(hours=0.05, tariff=10_001, discount=0)) == 500
    assert full_amount(row(hours=1.5, tariff=33_333, discount=50)) == 25_000
    assert full_amount(row(hours=1, tariff=1, discount=50)) == 1  # 0,5 -> 1


@pytest.mark.parametrize(
    ("status", "charged"),
    [
        ("completed", 100),
        ("confirmed", 100),
        ("no_show", NO_SHOW_CHARGE_PERCENT),
        ("cancelled", 0),
        ("pending", 0),
    ],
)
def test_what_each_status_is_charged(status, charged):
    found = statement([row(status=status, price=100_000)], "2026-12")
    (line,) = found.lines
    assert (line.charged_percent, line.amount) == (charged, 100_000 * charged // 100)
    assert found.total == line.amount


def test_no_show_is_half_of_the_subsidised_amount():
    assert NO_SHOW_CHARGE_PERCENT == 50
    (line,) = statement([row(status="no_show", hours=1.5)], "2026-12").lines
    assert line.amount == 31_875  # 85.000 x 1,5 h x 50 % tier x 50 % no-show


def test_subtotals_per_house_and_the_total_text():
    rows = [
        row("bk-1", hours=2),
        row("bk-2", price=60_000),
        row("bk-3", status="no_show", hours=1.5),
        row("bk-4", status="cancelled"),
        row("bk-5", house="sleman", tariff=75_000, hours=1),
    ]
    found = statement(rows, "2026-12")
    assert [line.booking for line in found.lines] == ["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]
    assert found.subtotals == {"batu-bara": 176_875, "sleman": 37_500}
    assert found.total == 214_375
    assert found.total_text == "Rp214.375"


def test_the_month_is_the_house_zones_month():
    # 30 November 23.30 UTC is already 1 December in WITA and WIB, still November in UTC.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    makassar = row("bk-m", zone="Asia/Makassar", starts=late)
    assert [line.booking for line in statement([makassar], "2026-12").lines] == ["bk-m"]
    assert statement([makassar], "2026-11").lines == ()
    (line,) = statement([makassar], "2026-12").lines
    assert line.day.isoformat() == "2026-12-01"
    early = row("bk-j", zone="Asia/Jayapura", starts=datetime(2026, 12, 31, 15, 0, tzinfo=UTC))
    assert statement([early], "2026-12").lines == ()  # 1 January 00.00 WIT
    assert len(statement([early], "2027-01").lines) == 1


def test_an_empty_month_is_rp0():
    found = statement([], "2027-02")
    assert (found.lines, found.subtotals, found.total, found.total_text) == ((), {}, 0, "Rp0")


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "26-12", "2026/12", "abcd-ef", "", "1999-12"]
)
def test_a_month_must_parse(month):
    with pytest.raises(ValueError, match=r"month|YYYY-MM"):
        parse_month(month)


def test_csv_has_one_row_per_line():
    text = as_csv(statement([row("bk-1"), row("bk-2", status="no_show")], "2026-12"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["booking"] for r in rows] == ["bk-1", "bk-2"]
    assert rows[0] == {
        "booking": "bk-1",
        "machine": "batu-bara-kettle-1",
        "house": "batu-bara",
        "date": "2026-12-08",
        "hours": "2",
        "tariff_per_hour": "85000",
        "discount_percent": "50",
        "charged_percent": "100",
        "amount": "85000",
        "status": "completed",
    }
    assert rows[1]["amount"] == "42500"

"""A UMKM's monthly statement, on plain data: booking rows in, lines and totals in whole Rupiah out.

What is charged (docs/booking-rules.md, "Money"):
- `confirmed` and `completed` bookings: the whole amount;
- `no_show`: NO_SHOW_CHARGE_PERCENT of it (the machine stood idle for the UMKM);
- `cancelled` and `pending`: nothing (they are listed with amount 0).
The amount is the booking's own `price` (fixed when booked) when it has one; otherwise the
machine's hourly tariff for the booked minutes, less the house's discount for the UMKM's size class.
Rounding: half up to whole Rupiah, once per line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sharedfactory.i18n.formats import rupiah

NO_SHOW_CHARGE_PERCENT = 50
CHARGED_PERCENT = {"confirmed": 100, "completed": 100, "no_show": NO_SHOW_CHARGE_PERCENT}


@dataclass(frozen=True)
class BookingRow:
    code: str
    machine: str
    house: str
    zone: str
    starts_at: datetime
    ends_at: datetime
    status: str
    price: int | None
    tariff_per_hour: int
    discount_percent: int


@dataclass(frozen=True)
class StatementLine:
    booking: str
    machine: str
    house: str
    day: date  # in the house's zone
    hours: float
    tariff_per_hour: int
    discount_percent: int
    charged_percent: int
    amount: int
    status: str


@dataclass(frozen=True)
class Statement:
    month: str
    lines: tuple[StatementLine, ...]
    subtotals: dict[str, int]  # house -> whole Rupiah, houses in order of first line
    total: int

    @property
    def total_text(self) -> str:
        return rupiah(self.total)


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def minutes_of(row: BookingRow) -> int:
    return int((row.ends_at - row.starts_at).total_seconds() // 60)


def full_amount(row: BookingRow) -> int:
    """What the booking costs when used: its fixed price, else the tariff less the subsidy."""
    if row.price is not None:
        return row.price
    return _half_up(row.tariff_per_hour * minutes_of(row) * (100 - row.discount_percent), 6000)


def line_of(row: BookingRow) -> StatementLine:
    charged = CHARGED_PERCENT.get(row.status, 0)
    return StatementLine(
        booking=row.code,
        machine=row.machine,
        house=row.house,
        day=row.starts_at.astimezone(ZoneInfo(row.zone)).date(),
        hours=round(minutes_of(row) / 60, 2),
        tariff_per_hour=row.tariff_per_hour,
        discount_percent=row.discount_percent,
        charged_percent=charged,
        amount=_half_up(full_amount(row) * charged, 100),
        status=row.status,
    )


def parse_month(text: str) -> tuple[int, int]:
    """`2026-12` -> (2026, 12); ValueError names what is wrong."""
    year_text, sep, month_text = text.partition("-")
    if not (sep and len(year_text) == 4 and len(month_text) == 2):
        raise ValueError("write the month as YYYY-MM, e.g. 2026-12")
    if not (year_text.isdigit() and month_text.isdigit()):
        raise ValueError("write the month as YYYY-MM, e.g. 2026-12")
    year, month = int(year_text), int(month_text)
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        raise ValueError("a month between 2000-01 and 2099-12")
    return year, month


def in_month(row: BookingRow, year: int, month: int) -> bool:
    """A booking belongs to the month its start falls in, in the house's zone."""
    local = row.starts_at.astimezone(ZoneInfo(row.zone))
    return (local.year, local.month) == (year, month)


def statement(rows: Iterable[BookingRow], month: str) -> Statement:
    year, number = parse_month(month)
    chosen = sorted(
        (r for r in rows if in_month(r, year, number)), key=lambda r: (r.starts_at, r.code)
    )
    lines = tuple(line_of(r) for r in chosen)
    subtotals: dict[str, int] = {}
    for line in lines:
        subtotals[line.house] = subtotals.get(line.house, 0) + line.amount
    return Statement(month, lines, subtotals, sum(subtotals.values()))


CSV_COLUMNS = (
    "booking",
    "machine",
    "house",
    "date",
    "hours",
    "tariff_per_hour",
    "discount_percent",
    "charged_percent",
    "amount",
    "status",
)


def as_csv(found: Statement) -> str:
    """One row per line; amounts in whole Rupiah, hours with a decimal point (machine-readable)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in found.lines:
        writer.writerow(
            (
                line.booking,
                line.machine,
                line.house,
                line.day.isoformat(),
                f"{line.hours:g}",
                line.tariff_per_hour,
                line.discount_percent,
                line.charged_percent,
                line.amount,
                line.status,
            )
        )
    return out.getvalue()

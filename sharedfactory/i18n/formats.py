"""Indonesian display conventions: `08.00 WIB`, `Rp1.500.000`, day names from Babel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date

ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)


def clock(value: time | datetime, zone: str) -> str:
    """`08.00 WIB`; an aware datetime is first converted into the house's zone."""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(zone)).time()
    return f"{value.hour:02d}.{value.minute:02d} {zone_abbreviation(zone)}"


def clock_ms(ms: int, zone: str) -> str:
    """Epoch milliseconds as `08.00 WIB` in the house's zone."""
    return clock(datetime.fromtimestamp(ms / 1000, UTC), zone)


def clock_span(start: time, end: time, zone: str) -> str:
    """`08.00–16.00 WIB`."""
    return f"{start.hour:02d}.{start.minute:02d}–{clock(end, zone)}"


def rupiah(amount: int) -> str:
    """`Rp1.500.000` (whole Rupiah, dots between thousands)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def day_name(weekday: int, language: str, short: bool = False) -> str:
    """Monday is 0. 7 Dec 2026 is a Monday, used only to pick the name."""
    return format_date(date(2026, 12, 7 + weekday), "EEE" if short else "EEEE", locale=language)


def long_date(value: date, language: str) -> str:
    return format_date(value, "EEEE, d MMMM y", locale=language)


def number(value: float) -> str:
    """`5,5` in Indonesian style; whole numbers without decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def period(starts: datetime, ends: datetime, zone: str) -> str:
    """`2026-12-08 08.00–09.20 WIB`: a booking's day and times in the house's zone."""
    local = starts.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d} {local.hour:02d}.{local.minute:02d}–{clock(ends, zone)}"


def month_name(month: str, language: str) -> str:
    """`2026-12` -> `Desember 2026`."""
    year, number_ = (int(part) for part in month.split("-"))
    return format_date(date(year, number_, 1), "LLLL y", locale=language)

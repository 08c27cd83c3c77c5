"""The SQL text the report queries share, for each engine: a booking's seconds inside a period,
what a booking is charged by the statements' rules (`bookings.money`), and epoch seconds.

Text only: `load.py` and `served.py` run it. Booking `b`, machine `m`, house `h`, business `z` and
tariff tier `t` are the aliases the queries give those tables.
"""

from __future__ import annotations

from sharedfactory.bookings.money import CHARGED_PERCENT

JOINS = "JOIN machine m ON m.id = {alias}.machine JOIN house h ON h.id = m.house"
BOOKING_OVERLAPS = " WHERE b.starts_at < {} AND b.ends_at > {} AND b.status IN "
# Seconds of each booking inside [from, to): the clipped end minus the clipped start.
BOOKED_SECONDS = {
    "sqlite": "CAST(strftime('%s', MIN(b.ends_at, {})) AS INTEGER)"
    " - CAST(strftime('%s', MAX(b.starts_at, {})) AS INTEGER)",
    "postgres": "EXTRACT(EPOCH FROM LEAST(b.ends_at, {}) - GREATEST(b.starts_at, {}))",
}
WHOLE_SECONDS = {
    "sqlite": "(CAST(strftime('%s', b.ends_at) AS INTEGER)"
    " - CAST(strftime('%s', b.starts_at) AS INTEGER))",
    "postgres": "CAST(EXTRACT(EPOCH FROM b.ends_at - b.starts_at) AS BIGINT)",
}
FIRST_START_S = {
    "sqlite": "CAST(strftime('%s', MIN(b.starts_at)) AS INTEGER)",
    "postgres": "CAST(EXTRACT(EPOCH FROM MIN(b.starts_at)) AS BIGINT)",
}
FLOAT = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}
# A booking's business and the house's subsidy for the business's size class (none: 0 %).
PRICING_JOINS = (
    " JOIN business z ON z.id = b.business"
    " LEFT JOIN tariff_tier t ON t.house = m.house AND t.size_class = z.size_class"
)


def in_list(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join("{}" for _ in values) + ")"


def charged(engine: str) -> str:
    """Whole Rupiah a booking is charged, exactly as `bookings.money.line_of` computes it: its
    fixed price, else the tariff for its whole minutes less the subsidy, half up; then the
    status's charged percent, half up. Integer arithmetic on both engines."""
    minutes = f"({WHOLE_SECONDS[engine]} / 60)"
    full = (
        f"COALESCE(b.price, ({minutes} * 2 * m.tariff_per_hour"
        " * (100 - COALESCE(t.discount_percent, 0)) + 6000) / 12000)"
    )
    # The statuses and percents are the code's own constants, never input.
    percent = " ".join(f"WHEN '{status}' THEN {int(p)}" for status, p in CHARGED_PERCENT.items())
    return f"((2 * {full} * (CASE b.status {percent} ELSE 0 END) + 100) / 200)"


def charged_inside(engine: str) -> str:
    """The share of the charge for the part of the booking inside [from, to) (two parameters:
    to, from), in fractional Rupiah: summed first, rounded once per report row."""
    real = FLOAT[engine]
    return (
        f"CAST({charged(engine)} AS {real}) * CAST({BOOKED_SECONDS[engine]} AS {real})"
        f" / CAST({WHOLE_SECONDS[engine]} AS {real})"
    )

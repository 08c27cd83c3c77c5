"""The UMKM served in a period from the database: one SQL sum per business and house, then the
first ever served booking of each (`load.first_served`); the list itself is `served.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sharedfactory.bookings.tables import Booking
from sharedfactory.reports.load import Period, engine_name, first_served, scope_sql
from sharedfactory.reports.served import BusinessAtHouse, ServedBusiness, served_list
from sharedfactory.reports.sql import BOOKED_SECONDS, BOOKING_OVERLAPS, JOINS, in_list
from sharedfactory.reports.utilisation import BOOKED_STATUSES, SERVED_STATUSES


@dataclass(frozen=True)
class Only:
    """Which machines the list covers inside the viewer's scope (the dashboard's level)."""

    province: str | None = None
    house: str | None = None
    machine: str | None = None

    def sql(self) -> tuple[str, list[Any]]:
        parts = [("h.province", self.province), ("h.code", self.house), ("m.code", self.machine)]
        chosen = [(column, wanted) for column, wanted in parts if wanted is not None]
        return "".join(f" AND {column} = {{}}" for column, _ in chosen), [w for _, w in chosen]


async def load_served(
    period: Period, house: str | None, only: Only = Only()
) -> list[ServedBusiness]:
    """The businesses served in the period on the machines in `house` (None: every house; an
    operator's scope) and `only`; first served and new are judged within `house`."""
    scope, within = scope_sql(house), only.sql()
    rows = await _sums(period, scope, within)
    first = await first_served(period, scope, within)
    return served_list(
        (_line(row) for row in rows), first, period.start_ms, period.end_ms, period.months_in
    )


async def _sums(
    period: Period, scope: tuple[str, list[Any]], only: tuple[str, list[Any]]
) -> list[dict[str, Any]]:
    sql = (
        "SELECT z.code AS code, z.name AS name, z.nib AS nib, z.size_class AS size_class,"
        f" h.code AS house, SUM({BOOKED_SECONDS[engine_name()]}) AS booked_s,"
        f" MAX(CASE WHEN b.status IN {in_list(SERVED_STATUSES)} THEN 1 ELSE 0 END) AS served"
        f" FROM booking b JOIN business z ON z.id = b.business {JOINS.format(alias='b')}"
        f"{BOOKING_OVERLAPS}{in_list(BOOKED_STATUSES)}{scope[0]}{only[0]}"
        " GROUP BY z.code, z.name, z.nib, z.size_class, h.code"
    )
    args = [period.end, period.start, *SERVED_STATUSES, period.end, period.start]
    args += [*BOOKED_STATUSES, *scope[1], *only[1]]
    return list(await Booking.raw(sql, *args).run())


def _line(row: dict[str, Any]) -> BusinessAtHouse:
    return BusinessAtHouse(
        code=row["code"],
        name=row["name"],
        nib=row["nib"],
        size_class=row["size_class"],
        house=row["house"],
        booked_s=float(row["booked_s"]),
        served=bool(row["served"]),
    )

"""The report's facts from the database: machines, calendars, and per machine the sums of its
hourly rollups and bookings over the period, added up in SQL (never raw telemetry, never every
row in memory). `house` limits everything to one house (an operator's scope)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities.tables import Holiday, Machine, MaintenanceWindow, OpeningHours
from sharedfactory.reports.planned import HouseCalendar, Slice, Span, month_slices
from sharedfactory.reports.sql import (
    BOOKED_SECONDS,
    BOOKING_OVERLAPS,
    FIRST_START_S,
    JOINS,
    PRICING_JOINS,
    charged_inside,
    in_list,
)
from sharedfactory.reports.utilisation import (
    BOOKED_STATUSES,
    SERVED_STATUSES,
    WHOLE,
    MachineInfo,
    ReportFacts,
    Usage,
)

UNITS_PER_BATCH = 1000  # counters count thousandths of a batch (docs/telemetry-analytics.md)
ROLLUP_SUMS = (
    "SELECT r.machine AS machine, SUM(r.running_s) AS running_s, SUM(r.good) AS good,"
    " SUM(r.reject) AS reject, SUM(r.energy_wh) AS energy_wh, COUNT(*) AS hours"
    " FROM hourly_rollup r " + JOINS.format(alias="r") + " WHERE r.hour_ms >= {} AND r.hour_ms < {}"
)


@dataclass(frozen=True)
class Period:
    start: datetime  # aware
    end: datetime
    months_in: tzinfo = UTC  # where months begin: the offset the period was asked in

    @property
    def start_ms(self) -> int:
        return round(self.start.timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return round(self.end.timestamp() * 1000)


def scope_sql(house: str | None) -> tuple[str, list[Any]]:
    return ("", []) if house is None else (" AND h.code = {}", [house])


def engine_name() -> str:
    return "postgres" if isinstance(Booking._meta.db, PostgresEngine) else "sqlite"


@dataclass
class _Sums:
    usage: dict[tuple[str, str], Usage] = field(default_factory=dict)
    booked_s: dict[tuple[str, str], float] = field(default_factory=dict)
    served: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    revenue: dict[tuple[str, str], float] = field(default_factory=dict)


async def load_facts(period: Period, by_month: bool, house: str | None = None) -> ReportFacts:
    machines, pks = await _machines(house)
    slices = (
        month_slices(period.start_ms, period.end_ms, period.months_in)
        if by_month
        else (Slice(WHOLE, period.start_ms, period.end_ms),)
    )
    sums = _Sums()
    for piece in slices:
        await _add_sums(sums, piece, scope_sql(house), pks)
    return ReportFacts(
        machines=tuple(machines),
        calendars=await _calendars(period, house),
        maintenance=await _maintenance(period, house, pks),
        slices=slices,
        usage=sums.usage,
        booked_s=sums.booked_s,
        served=sums.served,
        revenue=sums.revenue,
        first_served=await first_served(period, scope_sql(house)),
    )


async def _add_sums(
    sums: _Sums, piece: Slice, scope: tuple[str, list[Any]], pks: dict[int, str]
) -> None:
    start = datetime.fromtimestamp(piece.start_ms / 1000, UTC)
    end = datetime.fromtimestamp(piece.end_ms / 1000, UTC)
    for row in await _rollup_sums(piece, scope):
        sums.usage[(pks[row["machine"]], piece.key)] = Usage(
            float(row["running_s"]),
            int(row["good"]),
            int(row["reject"]),
            int(row["hours"]),
            int(row["energy_wh"]),
        )
    for row in await _booked_sums(start, end, scope):
        sums.booked_s[(pks[row["machine"]], piece.key)] = float(row["booked_s"])
        sums.revenue[(pks[row["machine"]], piece.key)] = float(row["revenue"])
    sums.served.update(await _served(start, end, scope, pks, piece.key))


async def _rollup_sums(piece: Slice, scope: tuple[str, list[Any]]) -> list[dict[str, Any]]:
    sql = f"{ROLLUP_SUMS}{scope[0]} GROUP BY r.machine"
    return list(await Machine.raw(sql, piece.start_ms, piece.end_ms, *scope[1]).run())


async def _booked_sums(
    start: datetime, end: datetime, scope: tuple[str, list[Any]]
) -> list[dict[str, Any]]:
    """Per machine: the bookings' seconds inside the slice and what that part is charged."""
    engine = engine_name()
    sql = (
        f"SELECT b.machine AS machine, SUM({BOOKED_SECONDS[engine]}) AS booked_s,"
        f" SUM({charged_inside(engine)}) AS revenue FROM booking b {JOINS.format(alias='b')}"
        f"{PRICING_JOINS}{BOOKING_OVERLAPS}{in_list(BOOKED_STATUSES)}{scope[0]} GROUP BY b.machine"
    )
    args = [end, start, end, start, end, start, *BOOKED_STATUSES, *scope[1]]
    return list(await Booking.raw(sql, *args).run())


async def first_served(
    period: Period, scope: tuple[str, list[Any]], only: tuple[str, list[Any]] = ("", [])
) -> dict[str, int]:
    """Business code -> the start (epoch ms) of its first ever served booking in the viewer's
    `scope`, for the businesses served in the period there (and inside `only`, when given)."""
    served = in_list(SERVED_STATUSES)
    in_period = (
        f"SELECT b.business FROM booking b {JOINS.format(alias='b')}{BOOKING_OVERLAPS}{served}"
        f"{scope[0]}{only[0]}"
    )
    sql = (
        f"SELECT z.code AS business, {FIRST_START_S[engine_name()]} AS first_s FROM booking b"
        f" JOIN business z ON z.id = b.business {JOINS.format(alias='b')}"
        f" WHERE b.status IN {served}{scope[0]} AND b.business IN ({in_period}) GROUP BY z.code"
    )
    args = [*SERVED_STATUSES, *scope[1], period.end, period.start, *SERVED_STATUSES]
    rows = await Booking.raw(sql, *args, *scope[1], *only[1]).run()
    return {row["business"]: int(row["first_s"]) * 1000 for row in rows}


async def _served(
    start: datetime, end: datetime, scope: tuple[str, list[Any]], pks: dict[int, str], key: str
) -> dict[tuple[str, str], frozenset[str]]:
    sql = (
        "SELECT DISTINCT b.machine AS machine, z.code AS business FROM booking b"
        f" JOIN business z ON z.id = b.business {JOINS.format(alias='b')}{BOOKING_OVERLAPS}"
        f"{in_list(SERVED_STATUSES)}{scope[0]}"
    )
    rows = await Booking.raw(sql, end, start, *SERVED_STATUSES, *scope[1]).run()
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        found[(pks[row["machine"]], key)].add(row["business"])
    return {at: frozenset(codes) for at, codes in found.items()}


async def _machines(house: str | None) -> tuple[list[MachineInfo], dict[int, str]]:
    m = Machine
    query = m.select(
        m._meta.primary_key.as_alias("pk"),
        m.code,
        m.name,
        m.house.code.as_alias("house"),
        m.house.name.as_alias("house_name"),
        m.house.province.as_alias("province"),
        m.house.timezone.as_alias("zone"),
        m.machine_type.code.as_alias("machine_type"),
        m.machine_type.name_id.as_alias("type_name_id"),
        m.machine_type.name_en.as_alias("type_name_en"),
        m.machine_type.batch_unit.as_alias("unit"),
        m.cycle_minutes,
        m.batch_size,
    ).order_by(m.code)
    if house is not None:
        query = query.where(m.house.code == house)
    rows = await query.run()
    return [_machine(row) for row in rows], {row["pk"]: row["code"] for row in rows}


def _machine(row: dict[str, Any]) -> MachineInfo:
    ideal = row["cycle_minutes"] * 60 / (float(row["batch_size"]) * UNITS_PER_BATCH)
    fields = {k: row[k] for k in MachineInfo.__dataclass_fields__ if k != "ideal_cycle_s"}
    return MachineInfo(**fields, ideal_cycle_s=ideal)


async def _calendars(period: Period, house: str | None) -> dict[str, HouseCalendar]:
    hours = OpeningHours.select(
        OpeningHours.house.code.as_alias("house"),
        OpeningHours.house.timezone.as_alias("zone"),
        OpeningHours.weekday,
        OpeningHours.opens,
        OpeningHours.closes,
    )
    # Local days can be a day either side of the UTC dates of the period.
    first, last = period.start.date().toordinal() - 1, period.end.date().toordinal() + 1
    holidays = Holiday.select(Holiday.house.code.as_alias("house"), Holiday.day).where(
        Holiday.day >= date.fromordinal(first), Holiday.day <= date.fromordinal(last)
    )
    if house is not None:
        hours = hours.where(OpeningHours.house.code == house)
        holidays = holidays.where(Holiday.house.code == house)
    return _calendar_map(await hours.run(), await holidays.run())


def _calendar_map(
    hours: list[dict[str, Any]], holidays: list[dict[str, Any]]
) -> dict[str, HouseCalendar]:
    opening: dict[str, dict[int, list[tuple[Any, Any]]]] = defaultdict(lambda: defaultdict(list))
    zones: dict[str, str] = {}
    for row in hours:
        opening[row["house"]][row["weekday"]].append((row["opens"], row["closes"]))
        zones[row["house"]] = row["zone"]
    closed: dict[str, set[Any]] = defaultdict(set)
    for row in holidays:
        closed[row["house"]].add(row["day"])
    return {
        code: HouseCalendar(
            zones[code],
            {day: tuple(spans) for day, spans in days.items()},
            frozenset(closed[code]),
        )
        for code, days in opening.items()
    }


async def _maintenance(
    period: Period, house: str | None, pks: dict[int, str]
) -> dict[str, tuple[Span, ...]]:
    w = MaintenanceWindow
    query = w.select(w.machine, w.starts_at, w.ends_at).where(
        w.starts_at < period.end, w.ends_at > period.start
    )
    if house is not None:
        query = query.where(w.machine._.house._.code == house)
    found: dict[str, list[Span]] = defaultdict(list)
    for row in await query.run():
        span = (
            round(row["starts_at"].timestamp() * 1000),
            round(row["ends_at"].timestamp() * 1000),
        )
        found[pks[row["machine"]]].append(span)
    return {code: tuple(spans) for code, spans in found.items()}

"""Utilisation and OEE rows, pure: plain facts per machine in, one row per group out.

No database and no clock: `load.py` gathers the facts; the OEE arithmetic is
`sharedfactory.analytics.oee` (ISO 22400), never re-derived here. Definitions: docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_date

from sharedfactory.analytics.oee import OeeFigures, oee, utilisation
from sharedfactory.reports.costs import money
from sharedfactory.reports.output import Counted, Production, add_counted, production
from sharedfactory.reports.planned import HouseCalendar, Slice, Span, open_spans, planned_ms
from sharedfactory.settings import DEFAULT_ELECTRICITY_TARIFF

# Booked time: bookings the house agreed to, whether or not the UMKM came (a no-show's time was
# held from everyone else). Served: only bookings the UMKM kept or is still expected at.
BOOKED_STATUSES = ("confirmed", "completed", "no_show")
SERVED_STATUSES = ("confirmed", "completed")
GROUPS = ("province", "house", "machine", "type", "month")
WHOLE = ""  # the key of the one slice when the rows are not by month
HOUR_S = 3600


@dataclass(frozen=True)
class MachineInfo:
    code: str
    name: str
    house: str
    house_name: str
    province: str
    machine_type: str
    type_name_id: str
    type_name_en: str
    zone: str
    ideal_cycle_s: float  # rated seconds per counted unit (a thousandth of a batch)
    unit: str  # its type's batch unit: kg, L or pcs


@dataclass(frozen=True)
class Usage:
    """The sums of one machine's hourly rollups in a slice; `hours` = 0: no telemetry at all."""

    running_s: float = 0
    good: int = 0
    reject: int = 0
    hours: int = 0
    energy_wh: int = 0


@dataclass(frozen=True)
class ReportFacts:
    machines: tuple[MachineInfo, ...]
    calendars: Mapping[str, HouseCalendar]  # house code ->
    maintenance: Mapping[str, tuple[Span, ...]]  # machine code ->
    slices: tuple[Slice, ...]  # the period, whole or by month
    usage: Mapping[tuple[str, str], Usage] = field(default_factory=dict)  # (machine, slice)
    booked_s: Mapping[tuple[str, str], float] = field(default_factory=dict)
    served: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    revenue: Mapping[tuple[str, str], float] = field(default_factory=dict)  # Rupiah, unrounded
    first_served: Mapping[str, int] = field(default_factory=dict)  # business -> epoch ms


@dataclass(frozen=True)
class Figures:
    """Summable seconds. `net_s` / `good_s`: produced / good output in ideal cycle seconds, so
    kilograms, litres and pieces of different machines never add up as if alike."""

    planned_s: float = 0
    booked_s: float = 0
    running_s: float = 0
    net_s: float = 0
    good_s: float = 0
    businesses: frozenset[str] = frozenset()
    reporting: bool = False  # some telemetry (a rollup) in the period
    new_businesses: frozenset[str] = frozenset()  # first ever served inside the slice
    revenue: float = 0
    energy_wh: int = 0
    counted: Mapping[str, Counted] = field(default_factory=dict)  # unit ->

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.planned_s + other.planned_s,
            self.booked_s + other.booked_s,
            self.running_s + other.running_s,
            self.net_s + other.net_s,
            self.good_s + other.good_s,
            self.businesses | other.businesses,
            self.reporting or other.reporting,
            self.new_businesses | other.new_businesses,
            self.revenue + other.revenue,
            self.energy_wh + other.energy_wh,
            add_counted(self.counted, other.counted),
        )


@dataclass(frozen=True)
class MachinePeriod:
    machine: MachineInfo
    slice: str
    figures: Figures


@dataclass(frozen=True)
class Row:
    key: str
    planned_hours: float
    booked_hours: float
    actual_hours: float
    utilisation: float | None
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None
    umkm_served: int
    label: str
    house: str | None
    machines: int
    idle: bool
    idle_machines: tuple[str, ...]
    umkm_new: int
    revenue: int
    energy_kwh: float
    energy_cost: int
    margin: int
    production: tuple[Production, ...]


def machine_periods(facts: ReportFacts) -> list[MachinePeriod]:
    """Each machine's figures in each slice of its zone."""
    opening: dict[tuple[str, str], list[Span]] = {}
    out = []
    for machine in facts.machines:
        calendar = facts.calendars.get(machine.house, HouseCalendar(machine.zone, {}))
        for piece in facts.slices:
            spans = opening.get((machine.house, piece.key))
            if spans is None:
                spans = open_spans(calendar, piece.start_ms, piece.end_ms)
                opening[(machine.house, piece.key)] = spans
            planned = planned_ms(spans, facts.maintenance.get(machine.code, ())) / 1000
            figures = _figures(machine, piece, planned, facts)
            out.append(MachinePeriod(machine, piece.key, figures))
    return out


def _figures(machine: MachineInfo, piece: Slice, planned_s: float, facts: ReportFacts) -> Figures:
    at = (machine.code, piece.key)
    usage = facts.usage.get(at, Usage())
    served = facts.served.get(at, frozenset())
    return Figures(
        planned_s=planned_s,
        booked_s=facts.booked_s.get(at, 0.0),
        running_s=usage.running_s,
        net_s=machine.ideal_cycle_s * (usage.good + usage.reject),
        good_s=machine.ideal_cycle_s * usage.good,
        businesses=served,
        reporting=usage.hours > 0,
        new_businesses=frozenset(
            code
            for code in served
            if piece.start_ms <= facts.first_served.get(code, -1) < piece.end_ms
        ),
        revenue=facts.revenue.get(at, 0.0),
        energy_wh=usage.energy_wh,
        counted={machine.unit: Counted(usage.good, usage.reject)},
    )


def is_idle(figures: Figures, idle_below: float) -> bool:
    """Planned to be open, and either silent (no telemetry at all) or used below the threshold."""
    if figures.planned_s <= 0:
        return False
    return not figures.reporting or figures.running_s / figures.planned_s < idle_below


def _key_and_label(group: str, lang: str) -> Callable[[MachinePeriod], tuple[str, str]]:
    def pick(period: MachinePeriod) -> tuple[str, str]:
        m = period.machine
        if group == "province":
            return m.province, m.province
        if group == "house":
            return m.house, m.house_name
        if group == "machine":
            return m.code, m.name
        if group == "type":
            return m.machine_type, m.type_name_en if lang == "en" else m.type_name_id
        return period.slice, month_label(period.slice, lang)

    if group not in GROUPS:
        raise ValueError(f"group: one of {', '.join(GROUPS)}")
    return pick


def month_label(key: str, lang: str) -> str:
    """ "2025-03" -> "Maret 2025" (or "March 2025" in English)."""
    year, month = (int(part) for part in key.split("-"))
    return format_date(date(year, month, 1), "LLLL y", locale="en" if lang == "en" else "id")


def group_rows(
    periods: list[MachinePeriod],
    group: str,
    idle_below: float = 0.2,
    lang: str = "id",
    tariff: Decimal = DEFAULT_ELECTRICITY_TARIFF,
) -> list[Row]:
    """One row per group key, in key order; figures summed over the group's machines."""
    pick = _key_and_label(group, lang)
    buckets: dict[str, dict[str, Figures]] = {}
    labels: dict[str, str] = {}
    houses: dict[str, set[str]] = {}
    for period in periods:
        key, labels[key] = pick(period)
        per_machine = buckets.setdefault(key, {})
        code = period.machine.code
        per_machine[code] = per_machine.get(code, Figures()) + period.figures
        houses.setdefault(key, set()).add(period.machine.house)
    return [
        row(key, labels[key], _one(houses[key]), buckets[key], idle_below, tariff)
        for key in sorted(buckets)
    ]


def _one(houses: set[str]) -> str | None:
    return next(iter(houses)) if len(houses) == 1 else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _factors(total: Figures) -> OeeFigures:
    # Output in ideal milliseconds: ideal cycle 0.001 s x produced ms = the ideal output time.
    return oee(
        total.planned_s,
        total.running_s,
        0.001,
        round(total.net_s * 1000),
        round(total.good_s * 1000),
    )


def row(
    key: str,
    label: str,
    house: str | None,
    per_machine: dict[str, Figures],
    idle_below: float,
    tariff: Decimal = DEFAULT_ELECTRICITY_TARIFF,
) -> Row:
    """The figures of one group: ratios of the summed times (docs/reports.md)."""
    total = sum(per_machine.values(), Figures())
    factors = _factors(total)
    used = utilisation(total.booked_s, total.running_s, total.planned_s).used_share
    cash = money(total.revenue, total.energy_wh, tariff)
    return Row(
        key=key,
        planned_hours=round(total.planned_s / HOUR_S, 2),
        booked_hours=round(total.booked_s / HOUR_S, 2),
        actual_hours=round(total.running_s / HOUR_S, 2),
        utilisation=_round(used),
        availability=_round(factors.availability),
        performance=_round(factors.performance),
        quality=_round(factors.quality),
        oee=_round(factors.oee),
        umkm_served=len(total.businesses),
        label=label,
        house=house,
        machines=len(per_machine),
        idle=is_idle(total, idle_below),
        idle_machines=tuple(sorted(c for c, f in per_machine.items() if is_idle(f, idle_below))),
        umkm_new=len(total.new_businesses),
        revenue=cash.revenue,
        energy_kwh=cash.energy_kwh,
        energy_cost=cash.energy_cost,
        margin=cash.margin,
        production=production(total.counted),
    )


def report_rows(
    facts: ReportFacts,
    group: str,
    idle_below: float = 0.2,
    lang: str = "id",
    tariff: Decimal = DEFAULT_ELECTRICITY_TARIFF,
) -> list[Row]:
    """The report: every machine's figures in each slice, grouped."""
    return group_rows(machine_periods(facts), group, idle_below, lang, tariff)

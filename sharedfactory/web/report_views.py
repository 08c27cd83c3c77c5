"""What the utilisation dashboard shows at each level: the country by province, a province by
house, a house by machine, a machine by month. Plain data for the template and its charts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from sharedfactory.reports.labels import unit_name
from sharedfactory.reports.load import Period
from sharedfactory.reports.load_served import Only
from sharedfactory.reports.output import UNITS
from sharedfactory.reports.utilisation import MachinePeriod, Row, group_rows

WIB = ZoneInfo("Asia/Jakarta")  # the programme's months, as the ministry counts them


@dataclass(frozen=True)
class Level:
    """Where the auditor is: nothing chosen (the country), a province, a house or a machine."""

    province: str | None = None
    house: str | None = None
    machine: str | None = None

    @property
    def group(self) -> str:
        if self.machine:
            return "month"
        if self.house:
            return "machine"
        return "house" if self.province else "province"

    def keeps(self, period: MachinePeriod) -> bool:
        m = period.machine
        return (
            (self.province is None or m.province == self.province)
            and (self.house is None or m.house == self.house)
            and (self.machine is None or m.code == self.machine)
        )

    @property
    def only(self) -> Only:
        """The UMKM list's machines: this level's."""
        return Only(self.province, self.house, self.machine)

    def below(self, key: str) -> dict[str, str]:
        """The query of the level one step down, from a row of this one."""
        step = {"province": "provinsi", "house": "rumah", "machine": "mesin"}.get(self.group)
        return {step: key} if step else {}


def month_period(month: str, months: int = 1) -> Period:
    """`months` whole months (WIB) ending with `month` (YYYY-MM)."""
    year, number = (int(part) for part in month.split("-"))
    end_year, end_month = (year + 1, 1) if number == 12 else (year, number + 1)
    start_index = year * 12 + number - 1 - (months - 1)
    start = datetime.combine(
        datetime(start_index // 12, start_index % 12 + 1, 1).date(), time(0), WIB
    )
    end = datetime.combine(datetime(end_year, end_month, 1).date(), time(0), WIB)
    return Period(start, end, WIB)


def rows_at(
    periods: list[MachinePeriod], level: Level, idle_below: float, lang: str, tariff: Decimal
) -> list[Row]:
    kept = [p for p in periods if level.keeps(p)]
    return group_rows(kept, level.group, idle_below, lang, tariff)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def chart_data(rows: list[Row]) -> dict[str, Any]:
    """The chart's series, in percent (null where not measurable), for report_chart.js."""
    return {
        "labels": [row.label for row in rows],
        "utilisation": [_pct(row.utilisation) for row in rows],
        "oee": [_pct(row.oee) for row in rows],
    }


def money_chart(rows: list[Row]) -> dict[str, Any]:
    """Revenue and energy cost per row, whole Rupiah."""
    return {
        "labels": [row.label for row in rows],
        "revenue": [row.revenue for row in rows],
        "energy_cost": [row.energy_cost for row in rows],
    }


def production_chart(rows: list[Row], lang: str) -> dict[str, Any]:
    """The pass rate in percent per row, one series per unit the rows produce in."""
    units = [u for u in UNITS if any(m.unit == u for row in rows for m in row.production)]
    return {
        "labels": [row.label for row in rows],
        "series": [
            {"name": unit_name(unit, lang), "pass_rate": [_pass_rate(row, unit) for row in rows]}
            for unit in units
        ],
    }


def _pass_rate(row: Row, unit: str) -> float | None:
    made = next((m for m in row.production if m.unit == unit), None)
    return None if made is None else _pct(made.pass_rate)


def script_json(data: dict[str, Any]) -> str:
    """JSON for a `<script type="application/json">` block: no `<` can close the element."""
    return json.dumps(data).replace("<", "\\u003c")


def tariff_text(tariff: Decimal) -> str:
    """`Rp1.444,70`."""
    return "Rp" + f"{tariff:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def served_day(day: str, lang: str) -> str:
    return format_date(date.fromisoformat(day), "d MMM y", locale="en" if lang == "en" else "id")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)

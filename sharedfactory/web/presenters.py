"""Turning read models into display strings for pages (language-aware, pure)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from sharedfactory.facilities.queries import OpeningSpan
from sharedfactory.i18n.formats import clock_span, day_name


def weekly_hours(spans: tuple[OpeningSpan, ...], zone: str, language: str) -> list[str]:
    """`Senin–Jumat 08.00–16.00 WIB`, consecutive days with equal hours grouped."""
    ordered = sorted(spans, key=lambda span: (span.weekday, span.opens))
    by_day: dict[int, str] = {}
    for span in ordered:  # a day with two spans: `08.00–12.00, 13.00–16.00 WIB`
        shown = clock_span(span.opens, span.closes, zone)
        by_day[span.weekday] = (
            f"{by_day[span.weekday].rsplit(' ', 1)[0]}, {shown}"
            if span.weekday in by_day
            else shown
        )
    lines = []
    for hours, days_iter in groupby(sorted(by_day), key=by_day.__getitem__):
        days = list(days_iter)
        first, last = day_name(days[0], language), day_name(days[-1], language)
        label = first if len(days) == 1 else f"{first}–{last}"
        lines.append(f"{label} {hours}")
    return lines


def closed_days(spans: tuple[OpeningSpan, ...], language: str) -> list[str]:
    open_days = {span.weekday for span in spans}
    return [day_name(day, language) for day in range(7) if day not in open_days]


def halal_label(status: str, gettext: Callable[[str], str]) -> str:
    labels = {
        "halal_dedicated": gettext("Halal only"),
        "shared": gettext("Shared (cleaning before halal runs)"),
        "never_halal": gettext("Never halal"),
    }
    return labels[status]


UNITS = {"c": "°C", "cmhg": "cmHg", "pct": "%", "min": "min", "a": "A", "rpm": "rpm", "kg": "kg"}


def process_value(name: str, value: float) -> str:
    """`oil_temp_c`, 84.2 -> `oil temp 84,2 °C`."""
    quantity, _sep, unit = name.rpartition("_")
    shown = f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{quantity.replace('_', ' ')} {shown} {UNITS.get(unit, unit)}"


def state_label(state: str, gettext: Callable[[str], str]) -> str:
    labels = {
        "off": gettext("Off"),
        "idle": gettext("Idle"),
        "setup": gettext("Setting up"),
        "running": gettext("Running"),
        "fault": gettext("Fault"),
        "maintenance": gettext("Maintenance"),
    }
    return labels.get(state, state)

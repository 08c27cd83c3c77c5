"""What the timeline pages show: the chart's data (for `web/static/js/timeline_chart.js`) and the
table of the same items, in the house's zone and the person's language. Pure: no database."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings.timeline_items import Item, View
from sharedfactory.facilities.queries import MachineView
from sharedfactory.i18n.formats import clock, day_name, long_date, number, zone_abbreviation


def _(text: str) -> str:
    """Marks a message for the catalogue; the caller translates it."""
    return text


Gettext = Callable[[str], str]
# Chart series, in legend order: (key, label, colour, lane). Bookings by status, then the rest.
SERIES = (
    ("confirmed", _("Confirmed booking"), "#198754", "main"),
    ("pending", _("Pending booking"), "#e0a800", "main"),
    ("completed", _("Completed booking"), "#6c757d", "main"),
    ("no_show", _("No-show"), "#dc3545", "main"),
    ("proposal", _("Optimiser proposal"), "#0d6efd", "main"),
    ("maintenance", _("Maintenance"), "#343a40", "main"),
    ("cleaning", _("Cleaning / changeover"), "#6f42c1", "main"),
    ("run", _("Actual run (telemetry)"), "#0dcaf0", "run"),
)
SERIES_KEYS = tuple(key for key, *_rest in SERIES)
SERIES_LABELS = {key: label for key, label, *_rest in SERIES}
STATUS_LABELS = {
    "confirmed": _("confirmed"),
    "pending": _("pending"),
    "completed": _("completed"),
    "no_show": _("no-show"),
    "proposed": _("proposed"),
}


def series_key(item: Item) -> str:
    return (item.status or "confirmed") if item.kind == "booking" else item.kind


def kind_label(item: Item) -> str:
    return SERIES_LABELS[series_key(item)]


def span_label(starts: datetime, ends: datetime, zone: str) -> str:
    """`2026-12-08 08.00–09.20 WITA`, or both ends in full when it crosses midnight."""
    tz = ZoneInfo(zone)
    first, last = starts.astimezone(tz), ends.astimezone(tz)
    if first.date() == last.date():
        return f"{first:%Y-%m-%d} {clock(first, zone).split()[0]}–{clock(last, zone)}"
    return f"{first:%Y-%m-%d} {clock(first, zone)} – {last:%Y-%m-%d} {clock(last, zone)}"


def moment_label(moment: datetime, zone: str) -> str:
    """`2026-12-08 08.00 WITA`."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d} {clock(moment, zone)}"


def item_note(item: Item, gettext: Gettext) -> str:
    """What the item is about, beyond its kind: a window's reason, a cleaning's cause, a run's
    running time."""
    if item.kind == "maintenance":
        return item.note
    if item.kind == "cleaning":
        if item.note == "buffer":
            return gettext(_("the machine's buffer after %(code)s")) % {"code": item.booking}
        before, _sep, after = item.note.partition(">")
        return gettext(_("changeover %(before)s to %(after)s")) % {"before": before, "after": after}
    if item.kind == "run" and item.running_s is not None:
        return gettext(_("%(hours)s hours running")) % {
            "hours": number(round(item.running_s / 3600, 1))
        }
    return ""


def item_text(item: Item, zone: str, gettext: Gettext) -> str:
    parts = [gettext(kind_label(item))]
    if item.booking:
        parts.append(item.booking)
    if item.business_name or item.business:
        parts.append(item.business_name or item.business or "")
    parts.append(span_label(item.starts, item.ends, zone))
    if note := item_note(item, gettext):
        parts.append(note)
    return " · ".join(parts)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def chart_json(
    machines: list[MachineView],
    items: Iterable[Item],
    span: tuple[datetime, datetime],
    zone: str,
    now: datetime | None,
    gettext: Gettext,
    language: str,
) -> str:
    """The chart's data, safe inside a `<script type="application/json">` block. Times are epoch
    ms; `offset` is the house's fixed UTC offset (Indonesia has no summer time), which the chart
    adds so that its UTC axis shows the house's clock."""
    rows = {m.code: n for n, m in enumerate(machines)}
    offset = ZoneInfo(zone).utcoffset(span[0].replace(tzinfo=None)) or timedelta(0)
    data = {
        "zone": zone_abbreviation(zone),
        "offset": int(offset.total_seconds() * 1000),
        "from": _ms(span[0]),
        "to": _ms(span[1]),
        "now": _ms(now) if now is not None and span[0] <= now < span[1] else None,
        "nowLabel": gettext(_("now")),
        "weekdays": [day_name(d, language, short=True) for d in range(7)],
        "rows": [m.name for m in machines],
        "series": [
            {"key": key, "name": gettext(label), "color": colour, "lane": lane}
            for key, label, colour, lane in SERIES
        ],
        "items": [
            [
                rows[i.machine],
                _ms(i.starts),
                _ms(i.ends),
                SERIES_KEYS.index(series_key(i)),
                item_text(i, zone, gettext),
                i.booking if i.kind in ("booking", "cleaning") else None,
            ]
            for i in items
            if i.machine in rows
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class TableRow:
    kind: str  # the series key, for the row's colour mark
    what: str
    time: str
    booking: str | None
    business: str
    note: str
    link: bool  # a booking whose details open on the page


def table(
    machines: list[MachineView], items: list[Item], zone: str, gettext: Gettext
) -> list[tuple[MachineView, list[TableRow]]]:
    """Per machine, in the chart's order, its items in time order."""
    by_machine: dict[str, list[TableRow]] = {m.code: [] for m in machines}
    for i in sorted(items, key=lambda i: i.starts):
        if i.machine not in by_machine:
            continue
        by_machine[i.machine].append(
            TableRow(
                series_key(i),
                gettext(kind_label(i)),
                span_label(i.starts, i.ends, zone),
                i.booking,
                i.business_name or i.business or "",
                item_note(i, gettext),
                i.kind == "booking",
            )
        )
    return [(m, by_machine[m.code]) for m in machines]


@dataclass(frozen=True)
class Navigation:
    earlier: date
    later: date
    today: date
    title: str


def navigation(day: date, view: View, today: date, language: str) -> Navigation:
    step = timedelta(days=1 if view == "hari" else 7)
    if view == "hari":
        title = long_date(day, language)
    else:
        monday = day - timedelta(days=day.weekday())
        sunday = monday + timedelta(days=6)
        title = f"{long_date(monday, language)} – {long_date(sunday, language)}"
    return Navigation(day - step, day + step, today, title)

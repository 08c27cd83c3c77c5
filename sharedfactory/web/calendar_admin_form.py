"""The house calendar page's forms: a holiday (day, name) and a maintenance window (machine, start,
end, reason), each field arriving as text and checked here, so a bad value becomes a message beside
its field (translated by the template) instead of an error page. The calendar's own rules (length,
how far ahead, clashes) are `facilities.house_calendar`'s; their refusals name the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.web.planning_form import CLOCK, ISO_DATE, Checked, Errors


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


HOLIDAY_FIELDS = ("day", "name")
WINDOW_FIELDS = (
    "machine",
    "starts_at_date",
    "starts_at_time",
    "ends_at_date",
    "ends_at_time",
    "reason",
    "repeat_weeks",
)
ACTIONS = ("add_holiday", "remove_holiday", "add_window", "remove_window")
MAX_ID = 2_147_483_647
REPEATS = tuple(str(n) for n in range(1, 13))  # "every week for N weeks"


@dataclass(frozen=True)
class WindowWish:
    machine: str
    starts: datetime
    ends: datetime
    reason: str
    weeks: int = 1


def defaults(machines: list[str], today: date) -> dict[str, str]:
    tomorrow = (today + timedelta(days=1)).isoformat()
    return {
        "day": "",
        "name": "",
        "machine": machines[0] if machines else "",
        "starts_at_date": tomorrow,
        "starts_at_time": "08:00",
        "ends_at_date": tomorrow,
        "ends_at_time": "16:00",
        "reason": "",
        "repeat_weeks": "1",
    }


def form_values(raw: Mapping[str, str], fallback: dict[str, str]) -> dict[str, str]:
    """What the forms show again: the person's text (cut short), else the default."""
    return fallback | {k: raw[k][:200] for k in (*HOLIDAY_FIELDS, *WINDOW_FIELDS) if k in raw}


def parse_day(text: str) -> date | None:
    text = text.strip()
    try:
        day = date.fromisoformat(text) if ISO_DATE.match(text) else None
    except ValueError:
        return None
    return day if day is not None and 2000 <= day.year <= 2100 else None


def parse_id(text: str) -> int | None:
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return int(text) if 1 <= int(text) <= MAX_ID else None


def holiday_input(raw: Mapping[str, str]) -> tuple[tuple[date, str] | None, Errors]:
    checked = Checked()
    day = parse_day(raw.get("day", ""))
    if day is None:
        checked.fail("day", _("give a date such as 2026-12-31"))
    name = raw.get("name", "")
    if not name.strip():
        checked.fail("name", _("name the holiday"))
    if day is None or checked.errors:
        return None, checked.errors
    return (day, name), {}


def _moment(raw: Mapping[str, str], key: str, zone: str, checked: Checked) -> datetime | None:
    day = parse_day(raw.get(f"{key}_date", ""))
    clock_text = raw.get(f"{key}_time", "").strip()
    if day is None:
        checked.fail(key, _("give a date such as 2026-12-31"))
        return None
    if not CLOCK.match(clock_text):
        checked.fail(key, _("give a time such as 08:00"))
        return None
    hour, minute = int(clock_text[:2]), int(clock_text[3:])
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone))


def window_input(
    raw: Mapping[str, str], machines: list[str], zone: str
) -> tuple[WindowWish | None, Errors]:
    """The window the form asks for, in the house's zone, or None and a message per field."""
    checked = Checked()
    machine = raw.get("machine", "")
    if machine not in machines:
        checked.fail("machine", _("choose one from the list"))
    starts = _moment(raw, "starts_at", zone, checked)
    ends = _moment(raw, "ends_at", zone, checked)
    reason = raw.get("reason", "")
    if not reason.strip():
        checked.fail("reason", _("say why the machine is down"))
    weeks = raw.get("repeat_weeks", "1").strip() or "1"
    if weeks not in REPEATS:
        checked.fail("repeat_weeks", _("choose one from the list"))
    if starts is None or ends is None or checked.errors:
        return None, checked.errors
    return WindowWish(machine, starts, ends, reason, int(weeks)), {}

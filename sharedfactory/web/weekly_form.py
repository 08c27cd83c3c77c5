"""The weekly calendar page's forms: a week of spans (the house's opening hours, an operator's
shifts) as one text field per weekday, an operator's certifications as one date field per
machine, a new operator, and a move of a refused booking. Every field arrives as text and is
checked here, so a bad value becomes a message beside its field (translated by the template).
The spans' own rules are `facilities.weekly_calendar`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sharedfactory.businesses.registration import normalise_phone
from sharedfactory.facilities.weekly_calendar import (
    WEEKDAYS,
    WeeklySpan,
    by_day,
    check_certifications,
    day_text,
    parse_day,
    week_of,
)
from sharedfactory.web.calendar_admin_form import parse_day as parse_date
from sharedfactory.web.params import CODE as BOOKING_CODE
from sharedfactory.web.planning_form import Checked, Errors


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


DAY_FIELDS = tuple(f"day{n}" for n in WEEKDAYS)
OPERATOR_FIELDS = ("code", "name", "phone")
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PHONE = re.compile(r"^(\+62|62|0)[ .()-]*[1-9]([ .()-]*[0-9]){7,11}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_TEXT = 200


@dataclass(frozen=True)
class NewOperator:
    code: str
    name: str
    phone: str  # `+62...`


@dataclass(frozen=True)
class MoveWish:
    booking: str
    machine: str
    starts: datetime


def week_values(spans: Sequence[WeeklySpan]) -> dict[str, str]:
    """A stored week as the form shows it: `08.00–16.00` per weekday field."""
    return {f"day{day}": day_text(found) for day, found in by_day(spans).items()}


def week_input(raw: Mapping[str, str]) -> tuple[list[WeeklySpan] | None, Errors]:
    """The week the seven fields ask for, or a message beside each wrong day."""
    checked = Checked()
    days: dict[int, list[tuple[time, time]]] = {}
    for day in WEEKDAYS:
        spans, problem = parse_day(raw.get(f"day{day}", "")[:MAX_TEXT])
        if problem is not None:
            checked.fail(f"day{day}", problem.message, **problem.params)
        days[day] = spans
    return (None, checked.errors) if checked.errors else (week_of(days), {})


def certification_values(certified: Mapping[str, date], machines: Sequence[str]) -> dict[str, str]:
    return {f"cert-{m}": certified[m].isoformat() if m in certified else "" for m in machines}


def certifications_input(
    raw: Mapping[str, str], machines: Sequence[str], today: date
) -> tuple[list[tuple[str, date]] | None, Errors]:
    """One date field per machine of the house: empty, not certified; a date, certified since."""
    checked = Checked()
    wanted: list[tuple[str, date]] = []
    for machine in machines:
        text = raw.get(f"cert-{machine}", "").strip()
        if not text:
            continue
        day = parse_date(text[:20])
        if day is None:
            checked.fail(f"cert-{machine}", _("give a date such as 2026-12-31, or leave empty"))
        else:
            wanted.append((machine, day))
    problem = check_certifications(wanted, machines, today)
    if problem is not None:
        machine = wanted[problem.index][0]
        checked.fail(f"cert-{machine}", problem.message, **problem.params)
    return (None, checked.errors) if checked.errors else (wanted, {})


def operator_input(raw: Mapping[str, str]) -> tuple[NewOperator | None, Errors]:
    checked = Checked()
    code = raw.get("code", "").strip()
    if not (2 <= len(code) <= 64 and CODE.match(code)):
        checked.fail("code", _("2 to 64 lower-case letters and digits, joined by dashes"))
    name = raw.get("name", "").strip()
    if not 2 <= len(name) <= MAX_TEXT or CONTROL.search(name):
        checked.fail("name", _("write 2 to 200 characters"))
    phone = raw.get("phone", "").strip()
    if len(phone) > 24 or not PHONE.match(phone):
        checked.fail("phone", _("give an Indonesian number such as 0812-3456-7890"))
    if checked.errors:
        return None, checked.errors
    return NewOperator(code, name, normalise_phone(phone)), {}


def move_input(raw: Mapping[str, str], machines: Sequence[str]) -> MoveWish | None:
    """The offered slot a move form carries (hidden fields); None when it was tampered with."""
    booking, machine = raw.get("booking", "")[:64], raw.get("machine", "")
    try:
        starts = datetime.fromisoformat(raw.get("starts", "")[:40])
    except ValueError:
        return None
    if machine not in machines or starts.tzinfo is None or not re.match(BOOKING_CODE, booking):
        return None
    if not 2000 <= starts.year <= 2100:
        return None
    return MoveWish(booking, machine, starts)

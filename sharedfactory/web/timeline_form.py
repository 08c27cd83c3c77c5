"""The timeline's move form: a booking's new machine and start (house time; the length stays),
each field arriving as text and checked here, and the booking rules' refusals placed beside the
field they are about. The rules themselves are `bookings.changes.move`'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sharedfactory.bookings.rules import Refusal
from sharedfactory.bookings.timeline import BookingDetail
from sharedfactory.web.calendar_admin_form import parse_day
from sharedfactory.web.planning_form import CLOCK, Checked, Errors


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


FIELDS = ("machine", "start_date", "start_time")
# Refusals about the machine itself; every other rule is about the time asked for.
MACHINE_RULES = frozenset({"halal_segregation", "training", "permit_bpom_md"})
# Refusals about the booking as it is (its status, the notice for changes): above the form.
BOOKING_RULES = frozenset({"status", "cancel_notice", "cleaning"})


@dataclass(frozen=True)
class MoveWish:
    machine: str
    starts: datetime
    ends: datetime


def defaults(booking: BookingDetail, zone: str) -> dict[str, str]:
    local = booking.starts.astimezone(ZoneInfo(zone))
    return {
        "machine": booking.machine,
        "start_date": local.date().isoformat(),
        "start_time": f"{local:%H:%M}",
    }


def form_values(raw: Mapping[str, str], fallback: dict[str, str]) -> dict[str, str]:
    """What the form shows again: the person's text (cut short), else the default."""
    return fallback | {k: raw[k][:64] for k in FIELDS if k in raw}


def move_input(
    raw: Mapping[str, str], booking: BookingDetail, machines: list[str], zone: str
) -> tuple[MoveWish | None, Errors]:
    """The booking's new place, as long as it is now, or None and a message per field."""
    checked = Checked()
    machine = raw.get("machine", "")
    if machine not in machines:
        checked.fail("machine", _("choose one from the list"))
    day: date | None = parse_day(raw.get("start_date", ""))
    clock_text = raw.get("start_time", "").strip()
    if day is None:
        checked.fail("start", _("give a date such as 2026-12-31"))
    elif not CLOCK.match(clock_text):
        checked.fail("start", _("give a time such as 08:00"))
    if day is None or checked.errors:
        return None, checked.errors
    starts = datetime.combine(day, time(int(clock_text[:2]), int(clock_text[3:])), ZoneInfo(zone))
    return MoveWish(machine, starts, starts + (booking.ends - booking.starts)), {}


def refusal_fields(found: list[Refusal]) -> dict[str, list[Refusal]]:
    """Each refusal beside its field: `machine`, `start`, or `booking` (above the form)."""
    fields: dict[str, list[Refusal]] = {}
    for refusal in found:
        if refusal.rule in MACHINE_RULES:
            key = "machine"
        elif refusal.rule in BOOKING_RULES:
            key = "booking"
        else:
            key = "start"
        fields.setdefault(key, []).append(refusal)
    return fields

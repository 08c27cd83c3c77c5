"""PURE: an alarm as the operator's list shows it: the kind in words, the value against its
limit, since when in the house's zone (`08.00 WIB`), how long, and who acknowledged it.

Words are message ids (the template translates them); durations are (message id, params)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sharedfactory.devices.alarm_store import AlarmRow, LimitView
from sharedfactory.i18n.formats import clock, number
from sharedfactory.web.presenters import UNITS, process_value


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


KIND_WORDS = {
    "excursion": _("Outside the quality limit"),
    "fault": _("Fault"),
    "offline": _("Offline"),
}
STATE_WORDS = {
    "open": _("Open"),
    "unacknowledged": _("Not acknowledged"),
    "all": _("All"),
}
Words = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class AlarmCard:
    id: int
    machine_code: str
    machine_name: str
    kind: str
    kind_words: str
    value: str | None  # `f0 2,1 min`
    limit: str | None  # `≥ 3 min`, `80–90 °C`
    standard: str | None
    booking: str | None
    since: str  # `08.00 WIB`, or `2026-11-20 08.00 WIB` before today
    lasted: Words
    is_open: bool
    closed: str | None
    acknowledged: str | None
    acknowledged_by: str | None
    note: str | None


def limit_range(value_name: str, limit: LimitView) -> str:
    unit = UNITS.get(value_name.rpartition("_")[2], value_name.rpartition("_")[2])
    low, high = limit.min_value, limit.max_value
    if low is not None and high is not None:
        return f"{number(low)}–{number(high)} {unit}"
    if low is not None:
        return f"≥ {number(low)} {unit}"
    return f"≤ {number(high or 0.0)} {unit}"


def moment(ms: int, zone: str, now_ms: int) -> str:
    """`08.00 WIB` today (in the house's zone), `2026-11-20 08.00 WIB` on another day."""
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(ms / 1000, UTC).astimezone(tz)
    today = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(tz).date()
    shown = clock(local, zone)
    return shown if local.date() == today else f"{local:%Y-%m-%d} {shown}"


def lasted(start_ms: int, end_ms: int) -> Words:
    minutes = max(0, end_ms - start_ms) // 60_000
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h"), {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min"), {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min"), {"minutes": minutes}


def card(alarm: AlarmRow, now_ms: int) -> AlarmCard:
    value = None
    if alarm.value_name is not None and alarm.value is not None:
        value = process_value(alarm.value_name, alarm.value)
    limit = None
    if alarm.limit is not None and alarm.value_name is not None:
        limit = limit_range(alarm.value_name, alarm.limit)
    zone = alarm.zone
    return AlarmCard(
        alarm.id,
        alarm.machine.code,
        alarm.machine.name,
        alarm.kind,
        KIND_WORDS.get(alarm.kind, alarm.kind),
        value,
        limit,
        alarm.limit.standard if alarm.limit else None,
        alarm.booking,
        moment(alarm.opened_ms, zone, now_ms),
        lasted(alarm.opened_ms, alarm.closed_ms or now_ms),
        alarm.is_open,
        None if alarm.closed_ms is None else moment(alarm.closed_ms, zone, now_ms),
        None if alarm.acknowledged_ms is None else moment(alarm.acknowledged_ms, zone, now_ms),
        alarm.acknowledged_by,
        alarm.note,
    )

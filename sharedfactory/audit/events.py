"""What each audited change records: one function per hook, called where the change happens
(inside its transaction when one is open). `data` keeps the few fields an auditor needs: codes,
times in ISO 8601 UTC, and the old and new values of rules and tariffs. `actor` is the user's id,
None for the system (the sweeper, the demo's own setup)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sharedfactory.audit.chain import append
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import House, Machine, MachineType
from sharedfactory.facilities.weekly_calendar import WeeklySpan, clock_text

if TYPE_CHECKING:
    from sharedfactory.bookings.changes import Held
    from sharedfactory.bookings.service import NewBooking
    from sharedfactory.devices.alarm_store import AlarmRow
    from sharedfactory.facilities.house_calendar import HouseRef, WindowView

Actor = int | None
# Columns of a rule set that are not rules.
NOT_RULES = ("id", "house", "machine", "machine_code")


async def _code(table: Any, pk: int | None) -> str | None:
    if pk is None:
        return None
    row = await table.select(table.code).where(table._meta.primary_key == pk).first().run()
    return None if row is None else str(row["code"])


async def booking_written(
    code: str, new: NewBooking, house: str, actor: Actor, at: datetime, *, moved: bool
) -> None:
    data = {
        "booking": code,
        "machine": new.machine,
        "business": new.business,
        "starts": new.starts,
        "ends": new.ends,
        "product_class": new.product_class,
        "quantity": new.quantity,
        "request": new.request,
    }
    kind = "booking.moved" if moved else "booking.created"
    await append(kind, actor=actor, house=house, subject=code, data=data, at=at)


async def booking_changed(kind: str, booking: Held, actor: Actor, at: datetime) -> None:
    """`booking.cancelled`, `booking.checked_in`: the booking as it was before the change."""
    data = {
        "booking": booking.code,
        "machine": booking.machine,
        "business": booking.business,
        "starts": booking.starts,
        "ends": booking.ends,
        "status_before": booking.status,
    }
    await append(kind, actor=actor, house=booking.house, subject=booking.code, data=data, at=at)


async def booking_no_show(code: str, machine: str, house: str, actor: Actor, at: datetime) -> None:
    data = {"booking": code, "machine": machine}
    await append("booking.no_show", actor=actor, house=house, subject=code, data=data, at=at)


async def bookings_withdrawn(
    codes: Iterable[str], house: str, request: str, actor: Actor, at: datetime
) -> None:
    """A confirmed plan's request lost a later step: its earlier bookings are cancelled."""
    for code in codes:
        data = {"booking": code, "request": request, "reason": "a later step was refused"}
        await append("booking.cancelled", actor=actor, house=house, subject=code, data=data, at=at)


async def plan_confirmed(
    plan_id: int, house: str, outcome: Mapping[str, list[str]], actor: Actor, at: datetime
) -> None:
    data = {"plan": plan_id, **{status: sorted(codes) for status, codes in outcome.items()}}
    subject = f"plan-{plan_id}"
    await append("plan.confirmed", actor=actor, house=house, subject=subject, data=data, at=at)


def _rules(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {k: v for k, v in row.items() if k not in NOT_RULES}


async def rules_changed(
    house_pk: int,
    machine_pk: int | None,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    actor: Actor,
) -> None:
    """A house's rule set (machine None) or one machine's own; `new` None: dropped."""
    house = await _code(House, house_pk)
    machine = await _code(Machine, machine_pk)
    data = {"machine": machine, "old": _rules(old), "new": _rules(new)}
    subject = machine or house or ""
    await append("rules.changed", actor=actor, house=house, subject=subject, data=data)


async def tariff_changed(
    house_pk: int, old: Mapping[str, int], new: Mapping[str, int], actor: Actor
) -> None:
    house = await _code(House, house_pk)
    data = {"old": dict(old), "new": dict(new)}
    await append("tariff.changed", actor=actor, house=house, subject=house or "", data=data)


async def machine_changed(
    machine: str,
    house: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    actor: Actor,
) -> None:
    """A machine added (`old` None: every field in `new`) or edited (the changed fields only)."""
    data = {"machine": machine, "old": None if old is None else dict(old), "new": dict(new)}
    await append("machine.changed", actor=actor, house=house, subject=machine, data=data)


async def machine_tariff_changed(
    machine: str, house: str, old: int | None, new: int, actor: Actor
) -> None:
    """A machine's own tariff per hour (`old` None: a new machine); the house's subsidy tiers
    are `tariff_changed`, subject the house."""
    data = {
        "machine": machine,
        "old": None if old is None else {"tariff_per_hour": old},
        "new": {"tariff_per_hour": new},
    }
    await append("tariff.changed", actor=actor, house=house, subject=machine, data=data)


async def training_recorded(business_pk: int, type_pk: int, trained_on: date, actor: Actor) -> None:
    business = await _code(Business, business_pk) or ""
    data = {
        "business": business,
        "machine_type": await _code(MachineType, type_pk),
        "trained_on": trained_on,
    }
    await append("training.recorded", actor=actor, house=None, subject=business, data=data)


async def holiday_changed(
    kind: str, house: HouseRef, day: date, name: str | None, actor: Actor
) -> None:
    """`holiday.added` (with its name) or `holiday.removed`."""
    data = {"day": day, "name": name}
    await append(kind, actor=actor, house=house.code, subject=day.isoformat(), data=data)


async def maintenance_changed(kind: str, window: WindowView, actor: Actor) -> None:
    """`maintenance.added` or `maintenance.removed`."""
    data = {
        "window": window.id,
        "machine": window.machine,
        "starts": window.starts_at,
        "ends": window.ends_at,
        "reason": window.reason,
    }
    await append(kind, actor=actor, house=window.house, subject=window.machine, data=data)


async def credential_changed(machine: str, action: str, actor: Actor, count: int = 1) -> None:
    """A machine's MQTT login was `issued` (or rotated) or `revoked` (`count` logins)."""
    row = (
        await Machine.select(Machine.house.code.as_alias("house"))
        .where(Machine.code == machine)
        .first()
        .run()
    )
    house = None if row is None else row["house"]
    data = {"machine": machine, "action": action, "logins": count}
    await append("machine_credential.changed", actor=actor, house=house, subject=machine, data=data)


async def alarm_acknowledged(alarm: AlarmRow, note: str, actor: Actor, at_ms: int) -> None:
    """A person saw the alarm: evidence for the quality record, with the note as written."""
    data = {
        "alarm": alarm.id,
        "machine": alarm.machine.code,
        "kind": alarm.kind,
        "value_name": alarm.value_name,
        "value": None if alarm.value is None else f"{alarm.value:g}",
        "booking": alarm.booking,
        "opened": datetime.fromtimestamp(alarm.opened_ms / 1000, UTC),
        "note": note,
    }
    at = datetime.fromtimestamp(at_ms / 1000, UTC)
    subject = f"alarm-{alarm.id}"
    await append(
        "alarm.acknowledged", actor=actor, house=alarm.house, subject=subject, data=data, at=at
    )


def _week(spans: Iterable[WeeklySpan], start: str, end: str) -> list[dict[str, Any]]:
    """A week of spans as the auditor reads it: `24:00` for the end of a day."""
    return [
        {"weekday": s.weekday, start: clock_text(s.starts), end: clock_text(s.ends)}
        for s in sorted(spans)
    ]


async def opening_hours_changed(
    house: str, old: Iterable[WeeklySpan], new: Iterable[WeeklySpan], actor: Actor
) -> None:
    """The house's whole week of opening hours replaced (an empty week: closed)."""
    data = {"old": _week(old, "opens", "closes"), "new": _week(new, "opens", "closes")}
    await append("opening_hours.changed", actor=actor, house=house, subject=house, data=data)


async def operator_added(house: str, operator: str, name: str, actor: Actor) -> None:
    """A new operator of the house (their phone, personal data, is not logged)."""
    data = {"operator": operator, "name": name}
    await append("operator.added", actor=actor, house=house, subject=operator, data=data)


async def operator_shift_changed(
    house: str, operator: str, old: Iterable[WeeklySpan], new: Iterable[WeeklySpan], actor: Actor
) -> None:
    """An operator's whole week of shifts replaced."""
    data = {
        "operator": operator,
        "old": _week(old, "starts", "ends"),
        "new": _week(new, "starts", "ends"),
    }
    await append("operator_shift.changed", actor=actor, house=house, subject=operator, data=data)


async def operator_certification_changed(
    house: str,
    operator: str,
    old: Iterable[tuple[str, date]],
    new: Iterable[tuple[str, date]],
    actor: Actor,
) -> None:
    """The machines an operator is certified for, replaced: (machine code, certified on)."""
    data = {
        "operator": operator,
        "old": [{"machine": m, "certified_on": on} for m, on in sorted(old)],
        "new": [{"machine": m, "certified_on": on} for m, on in sorted(new)],
    }
    kind = "operator_certification.changed"
    await append(kind, actor=actor, house=house, subject=operator, data=data)

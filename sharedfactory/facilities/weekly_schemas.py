"""The weekly calendar's JSON shapes: a week of spans (opening hours: `opens`/`closes`; an
operator's shifts: `starts`/`ends`), operators, certifications, and the live bookings the
calendar refuses with the slots they could move to. Times are `HH:MM` in the house's zone on the
quarter hour; `24:00` is midnight at the end of the day (`weekly_calendar`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated

import msgspec
from msgspec import Meta

from sharedfactory.bookings.schemas import SlotOut
from sharedfactory.businesses.registration import Name, Phone
from sharedfactory.facilities.calendar_admin_api import ConflictOut
from sharedfactory.facilities.calendar_conflicts import Offered
from sharedfactory.facilities.weekly_calendar import MAX_SPANS_PER_DAY, WeeklySpan, clock_text
from sharedfactory.facilities.weekly_store import OperatorView
from sharedfactory.web.params import CODE

Clock = Annotated[
    str,
    Meta(
        pattern=r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$",
        description="`HH:MM` on the quarter hour in the house's zone; `24:00`: midnight, "
        "the end of the day (an end only)",
    ),
]
Weekday = Annotated[int, Meta(ge=0, le=6, description="0 Monday .. 6 Sunday")]
OperatorCode = Annotated[
    str, Meta(min_length=2, max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
]
MachineRef = Annotated[str, Meta(max_length=64, pattern=CODE)]


class OpeningSpanIn(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Weekday
    opens: Clock
    closes: Clock


class OpeningHoursIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole week: PUT replaces it. A day has 0 to 3 spans that neither overlap nor touch;
    a day without a span is closed."""

    spans: Annotated[list[OpeningSpanIn], Meta(max_length=7 * MAX_SPANS_PER_DAY)]


class ShiftIn(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Weekday
    starts: Clock
    ends: Clock


class ShiftsIn(msgspec.Struct, forbid_unknown_fields=True):
    """The operator's whole week of shifts, checked like opening hours."""

    spans: Annotated[list[ShiftIn], Meta(max_length=7 * MAX_SPANS_PER_DAY)]


class CertificationIn(msgspec.Struct, forbid_unknown_fields=True):
    machine: MachineRef
    certified_on: Annotated[date, Meta(description="YYYY-MM-DD, from 2000 to today")]


class CertificationsIn(msgspec.Struct, forbid_unknown_fields=True):
    """Every machine of the house the operator is certified for: PUT replaces the set."""

    certifications: Annotated[list[CertificationIn], Meta(max_length=200)]


class OperatorIn(msgspec.Struct, forbid_unknown_fields=True):
    id: OperatorCode
    name: Name
    phone: Phone


class OpeningSpanOut(msgspec.Struct):
    weekday: int
    opens: str
    closes: str


class ShiftOut(msgspec.Struct):
    weekday: int
    starts: str
    ends: str


class CertificationOut(msgspec.Struct):
    machine: str
    certified_on: date


class RuleOut(msgspec.Struct):
    key: str  # the booking rule, e.g. `opening_hours`, `operator_shift`
    message: str


class RefusedOut(ConflictOut, kw_only=True):
    """A live booking the calendar now refuses, why, and the nearest slots to move it to
    (`POST /api/v1/bookings/{booking}/move`)."""

    refusals: list[RuleOut]


class OpeningHoursOut(msgspec.Struct):
    house: str
    spans: list[OpeningSpanOut]


class OpeningHoursSaved(OpeningHoursOut, kw_only=True):
    conflicts: list[RefusedOut]  # every live booking the calendar now refuses


class ShiftsOut(msgspec.Struct):
    operator: str
    spans: list[ShiftOut]


class ShiftsSaved(ShiftsOut, kw_only=True):
    conflicts: list[RefusedOut]


class CertificationsOut(msgspec.Struct):
    operator: str
    certifications: list[CertificationOut]


class CertificationsSaved(CertificationsOut, kw_only=True):
    conflicts: list[RefusedOut]


class OperatorOut(msgspec.Struct):
    id: str
    house: str
    name: str
    phone: str
    shifts: list[ShiftOut]
    certifications: list[CertificationOut]

    @classmethod
    def of(cls, op: OperatorView) -> OperatorOut:
        certified = [CertificationOut(c.machine, c.certified_on) for c in op.certifications]
        return cls(op.code, op.house, op.name, op.phone, shifts_out(op.shifts), certified)


def opening_out(spans: Sequence[WeeklySpan]) -> list[OpeningSpanOut]:
    return [OpeningSpanOut(s.weekday, clock_text(s.starts), clock_text(s.ends)) for s in spans]


def shifts_out(spans: Sequence[WeeklySpan]) -> list[ShiftOut]:
    return [ShiftOut(s.weekday, clock_text(s.starts), clock_text(s.ends)) for s in spans]


def refused_out(found: Sequence[Offered], gettext: Callable[[str], str]) -> list[RefusedOut]:
    result = []
    for item in found:
        base = ConflictOut.of(item.conflict, [SlotOut.of(s) for s in item.slots])
        rules = [RuleOut(r.rule, r.render(gettext)) for r in item.reasons]
        result.append(RefusedOut(**msgspec.structs.asdict(base), refusals=rules))
    return result

"""The booking API's edge: what comes in (validated, fields named in errors) and what goes out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar.exceptions import ValidationException
from msgspec import Meta

from sharedfactory.bookings.rules import Refusal
from sharedfactory.bookings.slots import Slot
from sharedfactory.businesses.registration import Printable
from sharedfactory.i18n.formats import period, rupiah

Code = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$", description="a stable id")]
Moment = Annotated[datetime, Meta(tz=True, description="ISO 8601 with a UTC offset")]
Process = Literal["ambient", "pasteurised", "frozen"]
# Printable: PostgreSQL refuses NUL in text (a 500 there, a stored NUL on SQLite).
Text = Annotated[str, Meta(min_length=1, max_length=200, pattern=Printable)]
Quantity = Annotated[float, Meta(gt=0, le=1_000_000)]
# Far enough for every real booking, near enough that date arithmetic never overflows.
EARLIEST = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))
LATEST = datetime(2100, 1, 1, tzinfo=ZoneInfo("UTC"))


class TimeIn(msgspec.Struct, forbid_unknown_fields=True):
    """A start, and either an end or a length in minutes."""

    starts_at: Moment
    ends_at: Moment | None = None
    minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] | None = None

    def end(self) -> datetime:
        if self.ends_at is not None:
            return self.ends_at
        if self.minutes is None:
            raise field_error("ends_at", "give ends_at or minutes")
        return self.starts_at + timedelta(minutes=self.minutes)

    def span(self) -> tuple[datetime, datetime]:
        """Start and end, each within reach and the end after the start (else a field error)."""
        starts = within_reach("starts_at", self.starts_at)
        ends = within_reach("ends_at", self.end())
        if ends <= starts:
            raise field_error("ends_at", "must be after starts_at")
        return starts, ends


class BookingIn(TimeIn, kw_only=True):
    machine: Code
    product_class: Code
    product: Text
    quantity: Quantity
    process: Process = "ambient"
    note: Annotated[str, Meta(max_length=1000)] = ""
    business: Code | None = None
    repeat_weeks: Annotated[int, Meta(ge=0, le=26)] = 0


class MoveIn(TimeIn, kw_only=True):
    machine: Code | None = None


class WaitIn(TimeIn, kw_only=True):
    machine: Code
    product_class: Code
    product: Text
    quantity: Quantity
    business: Code | None = None


class WaitOut(msgspec.Struct):
    id: int
    business: str
    machine: str
    starts_at: str
    ends_at: str
    status: str
    offered_until: str | None


class SlotOut(msgspec.Struct):
    machine: str
    starts_at: str
    ends_at: str
    price: int
    label: str

    @classmethod
    def of(cls, slot: Slot) -> SlotOut:
        zone = slot.zone
        starts, ends = slot.starts.astimezone(ZoneInfo(zone)), slot.ends.astimezone(ZoneInfo(zone))
        label = f"{period(starts, ends, zone)}, {rupiah(slot.price)}"
        return cls(slot.machine, starts.isoformat(), ends.isoformat(), slot.price, label)


class RefusedBody(msgspec.Struct):
    """409: the booking breaks a house rule or the slot is taken; the nearest good slots follow."""

    status_code: int
    detail: str
    extra: list[dict[str, str]]
    alternatives: list[SlotOut]


class BookingOut(msgspec.Struct):
    code: str
    machine: str
    house: str
    business: str
    product_class: str
    product: str
    quantity: float
    starts_at: str
    ends_at: str
    status: str
    price: int | None
    series: str | None
    checked_in_at: str | None
    label: str


class BookingPage(msgspec.Struct):
    count: int
    items: list[BookingOut]


class SeriesOut(msgspec.Struct):
    """A weekly recurring booking: the weeks booked, and the weeks refused with their rules."""

    series: str
    booked: list[BookingOut]
    refused: list[dict[str, str]]


def field_error(key: str, message: str) -> ValidationException:
    return ValidationException(detail=f"{key}: {message}", extra=[{"key": key, "message": message}])


def checked_moment(key: str, text: str | None, example: str) -> datetime:
    """A query parameter's time, or a 400 naming the field: ISO 8601 with a UTC offset, in the
    years 2000..2099 (`example` shows the expected form in the message)."""
    if text is None:
        raise field_error(key, f"required, e.g. {example}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise field_error(key, "not an ISO 8601 date and time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise field_error(key, f"needs a UTC offset, e.g. {example}")
    if not 2000 <= moment.year < 2100:
        raise field_error(key, "must be in the years 2000..2099")
    return moment


def field_error_of(error: Exception) -> ValidationException:
    """The field error of an `UnknownCode` ("field: reason")."""
    key, message = str(error).split(": ", 1)
    return field_error(key, message)


def within_reach(key: str, moment: datetime) -> datetime:
    if not EARLIEST <= moment <= LATEST:
        raise field_error(key, "must be between the years 2000 and 2100")
    return moment


def clamped(moment: datetime) -> datetime:
    """A filter bound far outside any booking means the same as the nearest year we keep."""
    return min(max(moment, EARLIEST), LATEST)


def refused_body(
    found: list[Refusal], alternatives: list[SlotOut], gettext: Callable[[str], str]
) -> RefusedBody:
    texts = [r.render(gettext) for r in found]
    return RefusedBody(
        409,
        "; ".join(texts),
        [{"key": r.rule, "message": text} for r, text in zip(found, texts, strict=True)],
        alternatives,
    )

"""What the booking pages show: free slots grouped by day, and one's bookings as rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.api import now
from sharedfactory.bookings.queries import BookingFilter, list_bookings
from sharedfactory.bookings.schemas import BookingOut
from sharedfactory.bookings.slots import Slot
from sharedfactory.facilities.queries import HouseView, list_houses, list_machines
from sharedfactory.i18n.formats import clock, long_date, rupiah
from sharedfactory.web.booking_form import Search, _
from sharedfactory.web.pages import page_context

PAST_SHOWN = 20
PAST_WINDOW = 70
CANCELLABLE = ("pending", "confirmed")
STATUSES = {
    "pending": _("waiting for confirmation"),
    "confirmed": _("confirmed"),
    "cancelled": _("cancelled"),
    "completed": _("completed"),
    "no_show": _("not attended"),
}


@dataclass(frozen=True)
class SlotView:
    value: str  # what the "Pesan" button sends: machine|ISO start
    time: str
    machine: str
    price: str


def span(starts: datetime, ends: datetime, zone: str) -> str:
    """`08.00–09.30 WIB` in the house's zone."""
    local = starts.astimezone(ZoneInfo(zone))
    return f"{local.hour:02d}.{local.minute:02d}–{clock(ends, zone)}"


def slot_view(slot: Slot, names: Mapping[str, str]) -> SlotView:
    starts = slot.starts.astimezone(ZoneInfo(slot.zone))
    return SlotView(
        f"{slot.machine}|{starts.isoformat()}",
        span(slot.starts, slot.ends, slot.zone),
        names.get(slot.machine, slot.machine),
        rupiah(slot.price),
    )


def by_day(
    slots: list[Slot], search: Search, names: Mapping[str, str], language: str
) -> list[tuple[str, list[SlotView]]]:
    zone = ZoneInfo(search.zone)
    days: dict[date, list[SlotView]] = {}
    day = search.first
    while day <= search.last:
        days[day] = []
        day += timedelta(days=1)
    for slot in slots:
        days.setdefault(slot.starts.astimezone(zone).date(), []).append(slot_view(slot, names))
    return [(long_date(d, language), found) for d, found in sorted(days.items())]


@dataclass(frozen=True)
class BookingRow:
    booking: BookingOut
    day: str
    time: str
    machine: str
    house: str
    status: str
    price: str
    cancellable: bool
    recordable: bool  # an ended, served run: its quality record can be sealed or opened


async def _past(login: Viewer, moment: datetime) -> list[BookingOut]:
    """The latest bookings that have ended, newest first."""
    count, _first = await list_bookings(login, BookingFilter(until=moment, limit=1))
    wanted = BookingFilter(until=moment, limit=PAST_WINDOW, offset=max(0, count - PAST_WINDOW))
    _count, started = await list_bookings(login, wanted)
    ended = [b for b in started if datetime.fromisoformat(b.ends_at) <= moment]
    return ended[-PAST_SHOWN:][::-1]


def _row(
    b: BookingOut, houses: Mapping[str, HouseView], names: Mapping[str, str], ctx: dict[str, Any]
) -> BookingRow:
    starts, ends = datetime.fromisoformat(b.starts_at), datetime.fromisoformat(b.ends_at)
    viewer: Viewer = ctx["viewer"]
    return BookingRow(
        b,
        long_date(starts.date(), ctx["lang"]),
        span(starts, ends, houses[b.house].timezone),
        names.get(b.machine, b.machine),
        houses[b.house].name,
        STATUSES.get(b.status, b.status),
        rupiah(b.price) if b.price is not None else "",
        b.status in CANCELLABLE and starts > ctx["now"] and viewer.role != "auditor",
        b.status in ("confirmed", "completed") and ends <= ctx["now"] and viewer.role != "auditor",
    )


async def mine_context(
    request: Request[Any, Any, Any], login: Viewer, lang: str | None
) -> dict[str, Any]:
    """The viewer's upcoming bookings (soonest first) and past ones (latest first)."""
    moment = now()
    context = page_context(request, lang, login) | {"now": moment, "refusal": None}
    names = {m.code: m.name for m in await list_machines()}
    houses = {h.code: h for h in await list_houses()}
    _count, upcoming = await list_bookings(login, BookingFilter(since=moment, limit=200))
    past = await _past(login, moment)
    return context | {
        "upcoming": [_row(b, houses, names, context) for b in upcoming],
        "past": [_row(b, houses, names, context) for b in past],
    }

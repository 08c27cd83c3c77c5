"""What the UMKM's notices, statement and waitlist pages show: plain rows for the templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.money import BookingRow, Statement
from sharedfactory.bookings.schemas import WaitOut
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.queries import HouseView, list_houses, list_machines
from sharedfactory.i18n.formats import clock, long_date, number, rupiah
from sharedfactory.web.booking_form import _
from sharedfactory.web.booking_views import STATUSES, span

WIB = "Asia/Jakarta"
WAIT_STATUSES = {
    "waiting": _("waiting"),
    "offered": _("offered to you"),
    "booked": _("booked"),
    "withdrawn": _("withdrawn"),
    "expired": _("offer lapsed"),
}
OPEN = ("waiting", "offered")
HISTORY_SHOWN = 20


async def home_zone(viewer: Viewer) -> str:
    """The time zone of the viewer's house: the operator's own, a UMKM's cluster's, else WIB."""
    houses = await list_houses()
    if viewer.role == "operator":
        return next((h.timezone for h in houses if h.code == viewer.house), WIB)
    if viewer.role == "umkm":
        row = (
            await Business.select(Business.cluster.code.as_alias("cluster"))
            .where(Business.code == (viewer.business or ""))
            .first()
            .run()
        )
        cluster = row["cluster"] if row else None
        return next((h.timezone for h in houses if h.cluster_code == cluster), WIB)
    return WIB


def moment_text(moment: datetime, zone: str, language: str) -> str:
    """`Senin, 7 Desember 2026 08.00 WIB`."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date(), language)} {clock(local, zone)}"


def shifted_month(month: str, months: int) -> str:
    year, number_ = (int(part) for part in month.split("-"))
    index = year * 12 + number_ - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class NoticeView:
    id: int
    subject: str
    body: str
    when: str
    unread: bool


def notice_view(row: Mapping[str, Any], zone: str, language: str) -> NoticeView:
    return NoticeView(
        int(row["id"]),
        row["subject"],
        row["body"],
        moment_text(row["created_at"], zone, language),
        row["read_at"] is None,
    )


@dataclass(frozen=True)
class LineView:
    booking: str
    day: str
    time: str
    machine: str
    house: str
    hours: str
    tariff: str
    subsidy: str
    charged_percent: int
    amount: str
    status: str  # a msgid of booking_views.STATUSES


async def statement_lines(
    found: Statement, rows: list[BookingRow], language: str
) -> tuple[list[LineView], list[tuple[str, str]]]:
    """The statement's lines with their day and time, and each house's subtotal, for display."""
    by_code = {row.code: row for row in rows}
    machines = {m.code: m.name for m in await list_machines()}
    houses = {h.code: h.name for h in await list_houses()}
    lines = []
    for line in found.lines:
        row = by_code[line.booking]
        lines.append(
            LineView(
                line.booking,
                long_date(line.day, language),
                span(row.starts_at, row.ends_at, row.zone),
                machines.get(line.machine, line.machine),
                houses.get(line.house, line.house),
                number(line.hours),
                rupiah(line.tariff_per_hour),
                f"{line.discount_percent} %",
                line.charged_percent,
                rupiah(line.amount),
                STATUSES.get(line.status, line.status),
            )
        )
    subtotals = [(houses.get(h, h), rupiah(amount)) for h, amount in found.subtotals.items()]
    return lines, subtotals


@dataclass(frozen=True)
class WaitView:
    id: int
    day: str
    time: str
    machine: str
    house: str
    status: str  # a msgid of WAIT_STATUSES
    offered_until: str
    can_accept: bool
    can_withdraw: bool


def _wait_view(
    entry: WaitOut, machines: Mapping[str, tuple[str, HouseView]], language: str, acts: bool
) -> WaitView:
    name, house = machines.get(entry.machine, (entry.machine, None))
    zone = house.timezone if house else WIB
    starts, ends = datetime.fromisoformat(entry.starts_at), datetime.fromisoformat(entry.ends_at)
    until = entry.offered_until
    return WaitView(
        entry.id,
        long_date(starts.astimezone(ZoneInfo(zone)).date(), language),
        span(starts, ends, zone),
        name,
        house.name if house else "",
        WAIT_STATUSES.get(entry.status, entry.status),
        moment_text(datetime.fromisoformat(until), zone, language) if until else "",
        acts and entry.status == "offered",
        acts and entry.status in OPEN,
    )


async def waitlist_views(
    entries: list[WaitOut], viewer: Viewer, language: str, now: datetime
) -> tuple[list[WaitView], list[WaitView]]:
    """Open entries (soonest first) and the latest closed or past ones (newest first)."""
    houses = {h.code: h for h in await list_houses()}
    machines = {m.code: (m.name, houses[m.house_code]) for m in await list_machines()}
    acts = viewer.role != "auditor"
    is_open = [e.status in OPEN and datetime.fromisoformat(e.starts_at) > now for e in entries]
    current = [e for e, keep in zip(entries, is_open, strict=True) if keep]
    closed = [e for e, keep in zip(entries, is_open, strict=True) if not keep]
    current.sort(key=lambda e: datetime.fromisoformat(e.starts_at))
    return (
        [_wait_view(e, machines, language, acts) for e in current],
        [_wait_view(e, machines, language, False) for e in closed[::-1][:HISTORY_SHOWN]],
    )

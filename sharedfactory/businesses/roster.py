"""The UMKM as house staff see them (`web.umkm_admin_pages`): the businesses in the viewer's scope,
found by name or NIB, each with its permits (where each stands), trainings and its last and next
booking. NIK and NPWP only ever leave here masked: the encrypted columns are never selected.

Scope, as `businesses.api.visible_business`: an operator sees the businesses of the house's
cluster and those that booked at the house, and only the house's bookings of them; admins and
auditors see every business and every booking. UMKM have their own pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Max, Min

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking, Training
from sharedfactory.businesses.permit_standing import standing
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.facilities.tables import House
from sharedfactory.i18n.formats import clock, period

LIVE_STATUSES = tuple(status for status in HOLDING_STATUSES if status != "completed")
SHOWN = (
    Business._meta.primary_key.as_alias("pk"),
    Business.code,
    Business.name,
    Business.nib,
    Business.size_class,
    Business.cluster.code.as_alias("cluster"),
    Business.owner_name,
    Business.phone,
    Business.email,
    Business.nik_masked,
    Business.npwp_masked,
)


@dataclass(frozen=True)
class PermitView:
    kind: str
    number: str
    product: str
    expires_on: date | None
    standing: str  # permit_standing.standing


@dataclass(frozen=True)
class TrainingLine:
    machine_type: str
    name_id: str
    name_en: str
    trained_on: date


@dataclass(frozen=True)
class Moment:
    starts_at: datetime
    zone: str

    @property
    def label(self) -> str:
        """`2026-12-08 08.00 WIB`, in the house's zone."""
        return f"{self.starts_at.astimezone(ZoneInfo(self.zone)):%Y-%m-%d} " + clock(
            self.starts_at, self.zone
        )


@dataclass(frozen=True)
class BusinessCard:
    pk: int
    code: str
    name: str
    nib: str
    size_class: str
    cluster: str
    owner_name: str
    phone: str
    email: str
    nik_masked: str
    npwp_masked: str | None
    permits: tuple[PermitView, ...] = ()
    trainings: tuple[TrainingLine, ...] = ()
    last: Moment | None = None
    next: Moment | None = None


@dataclass(frozen=True)
class BookingLine:
    code: str
    machine: str
    house: str
    product: str
    status: str
    label: str  # `2026-12-08 08.00–09.30 WIB`


async def _scope(login: Viewer) -> Any | None:
    """The operator's businesses as a WHERE clause; None for every business."""
    if login.role != "operator":
        return None
    house = await House.select(House.cluster).where(House.code == (login.house or "")).first()
    booked = await (
        Booking.select(Booking.business)
        .distinct()
        .where(Booking.machine._.house._.code == (login.house or ""))
    )
    pks = [row["business"] for row in booked] or [-1]
    cluster = house["cluster"] if house else -1
    return (Business.cluster == cluster) | Business._meta.primary_key.is_in(pks)


def _search(text: str) -> Any | None:
    """Name (any case) or NIB containing the text; LIKE's own wildcards are taken out."""
    wanted = "".join(ch for ch in text.strip() if ch not in "%_\\")[:100]
    if not wanted:
        return None
    pattern = f"%{wanted}%"
    # SQLite's LIKE already ignores ASCII case (and warns at ILIKE); PostgreSQL needs ILIKE.
    postgres = isinstance(Business._meta.db, PostgresEngine)
    by_name = Business.name.ilike(pattern) if postgres else Business.name.like(pattern)
    return (by_name | Business.nib.like(pattern)) if wanted.isdigit() else by_name


async def find_businesses(
    login: Viewer, text: str, today: date, limit: int
) -> tuple[list[BusinessCard], bool]:
    """Up to `limit` businesses in scope by name, and whether there are more."""
    query = Business.select(*SHOWN).order_by(Business.name).limit(limit + 1)
    for where in (await _scope(login), _search(text)):
        if where is not None:
            query = query.where(where)
    rows = await query.run()
    cards = await _filled(login, rows[:limit], today)
    return cards, len(rows) > limit


async def find_business(login: Viewer, code: str, today: date) -> BusinessCard | None:
    query = Business.select(*SHOWN).where(Business.code == code)
    scope = await _scope(login)
    if scope is not None:
        query = query.where(scope)
    rows = await query.run()
    return (await _filled(login, rows, today))[0] if rows else None


async def _filled(login: Viewer, rows: list[dict[str, Any]], today: date) -> list[BusinessCard]:
    pks = [row["pk"] for row in rows] or [-1]
    permits = await _permits(pks, today)
    trainings = await _trainings(pks)
    last = await _moments(login, pks, past=True)
    coming = await _moments(login, pks, past=False)
    return [
        BusinessCard(
            **row,
            permits=tuple(permits.get(row["pk"], ())),
            trainings=tuple(trainings.get(row["pk"], ())),
            last=last.get(row["pk"]),
            next=coming.get(row["pk"]),
        )
        for row in rows
    ]


async def _permits(pks: list[int], today: date) -> dict[int, list[PermitView]]:
    rows = await (
        Permit.select(
            Permit.business, Permit.kind, Permit.number, Permit.product, Permit.expires_on
        )
        .where(Permit.business.is_in(pks))
        .order_by(Permit.kind)
        .order_by(Permit.issued_on)
    )
    found: dict[int, list[PermitView]] = {}
    for r in rows:
        view = PermitView(
            r["kind"], r["number"], r["product"], r["expires_on"], standing(r["expires_on"], today)
        )
        found.setdefault(r["business"], []).append(view)
    return found


async def _trainings(pks: list[int]) -> dict[int, list[TrainingLine]]:
    rows = await (
        Training.select(
            Training.business,
            Training.machine_type.code.as_alias("machine_type"),
            Training.machine_type.name_id.as_alias("name_id"),
            Training.machine_type.name_en.as_alias("name_en"),
            Training.trained_on,
        )
        .where(Training.business.is_in(pks))
        .order_by(Training.machine_type.code)
    )
    found: dict[int, list[TrainingLine]] = {}
    for r in rows:
        business = r.pop("business")
        found.setdefault(business, []).append(TrainingLine(**r))
    return found


def _moment(value: datetime | str) -> datetime:
    """SQLite hands an aggregated timestamp back as its stored text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _in_scope(login: Viewer, query: Any) -> Any:
    if login.role == "operator":
        return query.where(Booking.machine._.house._.code == (login.house or ""))
    return query


async def _moments(login: Viewer, pks: list[int], *, past: bool) -> dict[int, Moment]:
    """Each business's last booking that started (past) or next one still to start."""
    zone = Booking.machine._.house._.timezone
    pick = Max(Booking.starts_at, alias="at") if past else Min(Booking.starts_at, alias="at")
    now = datetime.now(UTC)
    when = Booking.starts_at <= now if past else Booking.starts_at > now
    statuses = HOLDING_STATUSES if past else LIVE_STATUSES
    query = Booking.select(Booking.business, zone.as_alias("zone"), pick).where(
        Booking.business.is_in(pks), when, Booking.status.is_in(list(statuses))
    )
    rows = await _in_scope(login, query).group_by(Booking.business, zone).run()
    found: dict[int, Moment] = {}
    for row in rows:  # one row per business and zone: the latest (or earliest) of them
        moment = Moment(_moment(row["at"]), row["zone"])
        held = found.get(row["business"])
        if held is None or (moment.starts_at > held.starts_at) == past:
            found[row["business"]] = moment
    return found


async def bookings(login: Viewer, business_pk: int, *, past: bool, limit: int) -> list[BookingLine]:
    """The business's latest bookings that started, or its coming ones, in the viewer's scope."""
    now = datetime.now(UTC)
    query = Booking.select(
        Booking.code,
        Booking.machine.name.as_alias("machine"),
        Booking.machine._.house._.code.as_alias("house"),
        Booking.machine._.house._.timezone.as_alias("zone"),
        Booking.product,
        Booking.status,
        Booking.starts_at,
        Booking.ends_at,
    ).where(
        Booking.business == business_pk,
        Booking.starts_at <= now if past else Booking.starts_at > now,
    )
    query = _in_scope(login, query).order_by(Booking.starts_at, ascending=not past)
    return _lines(await query.limit(limit).run())


def _lines(rows: Iterable[dict[str, Any]]) -> list[BookingLine]:
    return [
        BookingLine(
            r["code"],
            r["machine"],
            r["house"],
            r["product"],
            r["status"],
            period(r["starts_at"], r["ends_at"], r["zone"]),
        )
        for r in rows
    ]

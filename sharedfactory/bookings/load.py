"""Loading the facts the booking rules look at, for some machines of a house and one UMKM."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sharedfactory.bookings.facts import (
    BusinessFacts,
    MachineFacts,
    PermitFact,
    ProductKind,
    Span,
    Taken,
)
from sharedfactory.bookings.fresh import (
    FreshCache,
    facts_tags,
    moving_cache,
    settled_cache,
    umkm_tag,
)
from sharedfactory.bookings.guard import read_at_once
from sharedfactory.bookings.house_facts import TTL_S, HouseStatic, house_static
from sharedfactory.bookings.stamped import StampedCache, recent_stamp
from sharedfactory.bookings.tables import (
    HOLDING_STATUSES,
    Booking,
    TariffTier,
    Training,
    WaitlistEntry,
)
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.db.raw import fetch, fetch_many, is_in, name
from sharedfactory.facilities.tables import House, Machine, MaintenanceWindow
from sharedfactory.products.tables import ProductClass

PAD = timedelta(days=1)  # neighbours just outside the window still need their cleaning gap
_kinds: FreshCache[ProductKind] = settled_cache(TTL_S)  # by product class code
_machines: FreshCache[tuple[MachineFacts, ...]] = moving_cache()  # by search
_business: FreshCache[BusinessFacts] = moving_cache()  # with its bookings, by search
_stamped_business: StampedCache[BusinessFacts] = StampedCache()  # booking's, by (UMKM, house)


class UnknownCode(Exception):
    """A code in a request names nothing: the message is `field: reason`."""


class Missing(Exception):
    """The booking or entry asked for does not exist, or is outside the asker's scope."""


async def product_kind(code: str) -> ProductKind:
    hit = _kinds.get(code)
    if hit is not None:
        return hit
    stamp = _kinds.stamp()
    row = await ProductClass.select().where(ProductClass.code == code).first().run()
    if row is None:
        raise UnknownCode(f"product_class: unknown product class {code!r}")
    kind = ProductKind(row["code"], row["halal"], row["contains_pork"])
    _kinds.put(code, kind, stamp)
    return kind


_TAKEN_SQL = (
    "SELECT b.code, b.machine, b.starts_at, b.ends_at, b.released_at,"
    " pc.code AS class_code, pc.halal AS halal"
    f" FROM {name(Booking)} AS b JOIN {name(ProductClass)} AS pc ON pc.id = b.product_class"
    " WHERE {machines} AND {statuses} AND b.starts_at < {{}} AND b.ends_at > {{}}"
    " ORDER BY b.starts_at"
)


Read = tuple[str, list[Any]]


def _taken_read(pks: list[int], since: datetime, until: datetime) -> Read:
    statuses = is_in("b.status", HOLDING_STATUSES)
    sql = _TAKEN_SQL.format(machines=is_in("b.machine", pks), statuses=statuses)
    return sql, [*pks, *HOLDING_STATUSES, until + PAD, since - PAD]


def _maintenance_read(pks: list[int], since: datetime, until: datetime) -> Read:
    sql = (
        f"SELECT machine, starts_at, ends_at FROM {name(MaintenanceWindow)}"
        f" WHERE {is_in('machine', pks)} AND starts_at < {{}} AND ends_at > {{}} ORDER BY starts_at"
    )
    return sql, [*pks, until, since]


def _held_read(pks: list[int], now: datetime) -> Read:
    sql = (
        "SELECT w.machine, w.starts_at, w.ends_at, b.code AS holder"
        f" FROM {name(WaitlistEntry)} AS w JOIN {name(Business)} AS b ON b.id = w.business"
        f" WHERE {is_in('w.machine', pks)} AND w.status = {{}} AND w.offered_until > {{}}"
        " ORDER BY w.starts_at"
    )
    return sql, [*pks, "offered", now]


async def machine_facts(
    since: datetime,
    until: datetime,
    now: datetime,
    *,
    house: str | None = None,
    machine_type: str | None = None,
    machine: str | None = None,
    cached: bool = False,
    stamp: int | None = None,
) -> list[MachineFacts]:
    """The machines' facts for wishes between `since` and `until`. `cached`: they may be a few
    seconds old (searching, see `fresh`); `stamp`: the settled ones as of the database's facts
    stamp, the bookings, maintenance and holds fresh (booking, see `stamped`)."""

    async def load() -> tuple[MachineFacts, ...]:
        static = await house_static(house, machine_type, machine, cached, stamp)
        return () if static is None else tuple(await _machine_facts(since, until, now, static))

    if not cached:
        return list(await load())
    key = (house, machine_type, machine, since, until, now)
    tags = facts_tags(house, machine_type) if machine is None else None
    return list(await _machines.load(key, lambda: read_at_once(load), tags))  # one for a burst


async def _machine_facts(
    since: datetime, until: datetime, now: datetime, static: HouseStatic
) -> list[MachineFacts]:
    pks = [row["pk"] for row in static.rows]
    if not pks:
        return []
    maintenance, taken, held = await fetch_many(  # the moving facts, in one hop on SQLite
        Booking,
        [
            _maintenance_read(pks, since, until),
            _taken_read(pks, since, until),
            _held_read(pks, now),
        ],
    )
    return [_machine(row, static, maintenance, taken, held) for row in static.rows]


def _machine(
    row: dict[str, Any],
    static: HouseStatic,
    maintenance: list[dict[str, Any]],
    taken: list[dict[str, Any]],
    held: list[dict[str, Any]],
) -> MachineFacts:
    pk, house_pk = row["pk"], row["house_pk"]
    capabilities = row["capabilities"]
    if isinstance(capabilities, str):
        capabilities = json.loads(capabilities)
    return MachineFacts(
        pk=pk,
        batch_size=float(row["batch_size"]),
        cycle_minutes=row["cycle_minutes"],
        code=row["code"],
        house=row["house"],
        zone=row["zone"],
        machine_type=row["machine_type"],
        capabilities=tuple(capabilities),
        needs_operator=row["needs_operator"],
        halal_status=row["halal_status"],
        tariff_per_hour=row["tariff_per_hour"],
        rules=static.rules_for(house_pk, pk),
        opening=static.opening.get(house_pk, {}),
        holidays=static.holidays.get(house_pk, frozenset()),
        maintenance=tuple(
            Span(w["starts_at"], w["ends_at"]) for w in maintenance if w["machine"] == pk
        ),
        taken=tuple(
            Taken(
                t["code"],
                t["starts_at"],
                t["ends_at"],
                t["released_at"] or t["ends_at"],
                t["class_code"],
                t["halal"],
            )
            for t in taken
            if t["machine"] == pk
        ),
        changeover=static.changeover,
        ran_pork=pk in static.pork,
        operator_shifts=static.shifts.get(pk, {}),
        held_for=tuple(
            (Span(h["starts_at"], h["ends_at"]), h["holder"]) for h in held if h["machine"] == pk
        ),
    )


async def business_facts(
    code: str,
    house: str,
    since: datetime,
    until: datetime,
    cached: bool = False,
    stamp: int | None = None,
) -> BusinessFacts:
    """The UMKM's permits, trainings and subsidy and its bookings in the house around the window,
    for the weekly quota; `cached` and `stamp` as for `machine_facts`."""

    async def load() -> BusinessFacts:
        settled = await _settled(code, house, cached, stamp)
        return replace(settled, booked=await _booked(code, house, since, until))

    if not cached:
        return await load()
    return await _business.load(
        (code, house, since, until), load, frozenset({umkm_tag(code, house)})
    )


async def _settled(code: str, house: str, cached: bool, stamp: int | None) -> BusinessFacts:
    """As of the booking's stamp, or (searching) of the stamp of a second ago, or fresh."""
    if stamp is None and not cached:
        return await _business_static(code, house)
    as_of = await recent_stamp() if stamp is None else stamp
    return await _stamped_business.load((code, house), as_of, lambda: _business_static(code, house))


# Led by the UMKM (its index on business and start), the house checked on the rows: with the
# house in the WHERE, PostgreSQL's generic plan took the house's machines first and walked every
# booking they ever had (0.67 ms a call, the most of the database's time under load).
_BOOKED_SQL = (
    "SELECT b.starts_at, b.ends_at, b.code, h.code AS house"
    f" FROM {name(Booking)} AS b JOIN {name(Machine)} AS m ON m.id = b.machine"
    f" JOIN {name(House)} AS h ON h.id = m.house"
    f" WHERE b.business = (SELECT id FROM {name(Business)} WHERE code = {{{{}}}}) AND {{statuses}}"
    " AND b.starts_at < {{}} AND b.ends_at > {{}} ORDER BY b.starts_at"
).format(statuses=is_in("b.status", HOLDING_STATUSES))


async def _booked(code: str, house: str, since: datetime, until: datetime) -> tuple[Span, ...]:
    week = timedelta(days=7)
    booked = await fetch(Booking, _BOOKED_SQL, code, *HOLDING_STATUSES, until + week, since - week)
    return tuple(
        Span(b["starts_at"], b["ends_at"], b["code"]) for b in booked if b["house"] == house
    )


async def _business_static(code: str, house: str) -> BusinessFacts:
    row = (
        await Business.select(
            Business._meta.primary_key.as_alias("pk"), Business.code, Business.size_class
        )
        .where(Business.code == code)
        .first()
        .run()
    )
    if row is None:
        raise UnknownCode(f"business: unknown UMKM {code!r}")
    permits = (
        await Permit.select(Permit.kind, Permit.product, Permit.expires_on)
        .where(Permit.business == row["pk"])
        .run()
    )
    trained = (
        await Training.select(Training.machine_type.code.as_alias("type"))
        .where(Training.business == row["pk"])
        .run()
    )
    tier = (
        await TariffTier.select(TariffTier.discount_percent)
        .where(TariffTier.house.code == house, TariffTier.size_class == row["size_class"])
        .first()
        .run()
    )
    return BusinessFacts(
        code=code,
        size_class=row["size_class"],
        permits=tuple(PermitFact(p["kind"], p["product"], p["expires_on"]) for p in permits),
        trained_types=frozenset(t["type"] for t in trained),
        discount_percent=tier["discount_percent"] if tier else 0,
    )

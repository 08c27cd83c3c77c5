"""What rarely changes about a house's machines: the machines, the booking rules, opening hours,
holidays, operators' shifts, changeovers, kept while the database's facts stamp stays the same
(`stamped`: booking checks the stamp inside its lock, the slot search against the stamp of a
second ago), and which machines ever ran pork (fresh for booking, up to `TTL_S` old for the
search; see `fresh`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any

from sharedfactory.bookings.facts import HouseRules
from sharedfactory.bookings.fresh import FreshCache, forget_cached_facts, settled_cache
from sharedfactory.bookings.stamped import StampedCache, recent_stamp
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking, BookingRules
from sharedfactory.db.raw import fetch, is_in, name
from sharedfactory.facilities.tables import (
    Holiday,
    Machine,
    OpeningHours,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.products.tables import Changeover, ProductClass

TTL_S = 10.0
Spans = dict[int, tuple[tuple[time, time], ...]]


@dataclass(frozen=True)
class HouseStatic:
    rows: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    opening: dict[int, Spans]  # house pk -> weekday -> spans
    holidays: dict[int, frozenset[date]]  # house pk -> days
    shifts: dict[int, Spans]  # machine pk -> weekday -> operator shifts
    pork: set[int]
    changeover: dict[tuple[str, str], int]

    def rules_for(self, house_pk: int, machine_pk: int) -> HouseRules:
        return _rules(self.rules, house_pk, machine_pk)


_pork: FreshCache[set[int]] = settled_cache(TTL_S)  # a pork booking here clears it at once
_stamped: StampedCache[HouseStatic | None] = StampedCache()
__all__ = ["HouseStatic", "forget_cached_facts", "house_static"]


async def house_static(
    house: str | None,
    machine_type: str | None,
    machine: str | None,
    cached: bool = False,
    stamp: int | None = None,
) -> HouseStatic | None:
    """`stamp`: as loaded under the database's facts stamp (booking, see `stamped`), with which
    machines ran pork read fresh; `cached` (searching): as loaded under the stamp of a second
    ago, with which machines ran pork up to `TTL_S` old."""
    key = (house, machine_type, machine)
    if stamp is None and not cached:
        return await _load(house, machine_type, machine)
    as_of = await recent_stamp() if stamp is None else stamp
    kept = await _stamped.load(key, as_of, lambda: _load(house, machine_type, machine))
    if kept is None:
        return None
    pks = [row["pk"] for row in kept.rows]
    if stamp is not None:
        return replace(kept, pork=await _pork_machines(pks))
    pork = _pork.get(key)
    if pork is None:  # read in this task: it may be inside the search's transaction
        generation = _pork.stamp()
        pork = await _pork_machines(pks)
        _pork.put(key, pork, generation)
    return replace(kept, pork=pork)


async def _load(
    house: str | None, machine_type: str | None, machine: str | None
) -> HouseStatic | None:
    rows = await _machine_rows(house, machine_type, machine)
    if not rows:
        return None
    pks = [row["pk"] for row in rows]
    houses = {row["house_pk"] for row in rows}
    return HouseStatic(
        rows=rows,
        rules=await BookingRules.select()
        .where(BookingRules.house.is_in(list(houses)))
        .order_by(BookingRules._meta.primary_key)  # the first row if a house has two defaults
        .run(),
        opening=await _by_weekday(houses),
        holidays=await _holidays(houses),
        shifts=await _shifts(pks),
        pork=await _pork_machines(pks),
        changeover=await _changeovers(),
    )


async def _holidays(houses: set[int]) -> dict[int, frozenset[date]]:
    rows = (
        await Holiday.select(Holiday.house, Holiday.day)
        .where(Holiday.house.is_in(list(houses)))
        .run()
    )
    days: dict[int, set[date]] = {}
    for row in rows:
        days.setdefault(row["house"], set()).add(row["day"])
    return {house: frozenset(found) for house, found in days.items()}


# Built once: Piccolo copies a joined column on every attribute access.
_MACHINE_COLUMNS = (
    Machine._meta.primary_key.as_alias("pk"),
    Machine.code,
    Machine.house.as_alias("house_pk"),
    Machine.house.code.as_alias("house"),
    Machine.house.timezone.as_alias("zone"),
    Machine.machine_type.code.as_alias("machine_type"),
    Machine.machine_type.capabilities.as_alias("capabilities"),
    Machine.needs_operator,
    Machine.halal_status,
    Machine.tariff_per_hour,
    Machine.batch_size,
    Machine.cycle_minutes,
)
_house_code = Machine.house.code
_type_code = Machine.machine_type.code


async def _machine_rows(
    house: str | None, machine_type: str | None, machine: str | None
) -> list[dict[str, Any]]:
    query = Machine.select(*_MACHINE_COLUMNS).order_by(Machine.code)
    if house is not None:
        query = query.where(_house_code == house)
    if machine_type is not None:
        query = query.where(_type_code == machine_type)
    if machine is not None:
        query = query.where(Machine.code == machine)
    return await query.run()


def _rules(rows: list[dict[str, Any]], house_pk: int, machine_pk: int) -> HouseRules:
    fields = HouseRules.__dataclass_fields__
    own = [r for r in rows if r["machine"] == machine_pk] or [
        r for r in rows if r["house"] == house_pk and r["machine"] is None
    ]
    return HouseRules(**{k: v for k, v in own[0].items() if k in fields}) if own else HouseRules()


async def _by_weekday(house_pks: set[int]) -> dict[int, dict[int, tuple[tuple[time, time], ...]]]:
    rows = await OpeningHours.select().where(OpeningHours.house.is_in(list(house_pks))).run()
    found: dict[int, dict[int, list[tuple[time, time]]]] = {}
    for row in sorted(rows, key=lambda r: r["opens"]):
        found.setdefault(row["house"], {}).setdefault(row["weekday"], []).append(
            (row["opens"], row["closes"])
        )
    return {h: {d: tuple(s) for d, s in days.items()} for h, days in found.items()}


async def _shifts(machine_pks: list[int]) -> dict[int, dict[int, tuple[tuple[time, time], ...]]]:
    trained = (
        await OperatorMachine.select(OperatorMachine.operator, OperatorMachine.machine)
        .where(OperatorMachine.machine.is_in(machine_pks))
        .run()
    )
    operators = {row["operator"] for row in trained}
    shifts = (
        await OperatorShift.select()
        .where(OperatorShift.operator.is_in(list(operators) or [0]))
        .run()
    )
    found: dict[int, dict[int, list[tuple[time, time]]]] = {}
    for link in trained:
        for shift in shifts:
            if shift["operator"] == link["operator"]:
                found.setdefault(link["machine"], {}).setdefault(shift["weekday"], []).append(
                    (shift["starts"], shift["ends"])
                )
    return {m: {d: tuple(s) for d, s in days.items()} for m, days in found.items()}


async def _pork_machines(machine_pks: list[int]) -> set[int]:
    if not machine_pks:
        return set()
    sql = (
        f"SELECT DISTINCT b.machine FROM {name(Booking)} AS b"
        f" JOIN {name(ProductClass)} AS pc ON pc.id = b.product_class"
        f" WHERE {is_in('b.machine', machine_pks)} AND pc.contains_pork = {{}}"
        f" AND {is_in('b.status', HOLDING_STATUSES)}"
    )
    rows = await fetch(Booking, sql, *machine_pks, True, *HOLDING_STATUSES)
    return {row["machine"] for row in rows}


async def _changeovers() -> dict[tuple[str, str], int]:
    rows = await Changeover.select(
        Changeover.from_class.code.as_alias("a"),
        Changeover.to_class.code.as_alias("b"),
        Changeover.minutes,
    ).run()
    return {(row["a"], row["b"]): row["minutes"] for row in rows}

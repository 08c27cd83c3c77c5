"""A house's weekly calendar in the database: its opening hours, its operators, their weekly
shifts and the machines each is certified for. Read, and replaced a whole week (or a whole set of
certifications) at a time.

Every write runs under the house machines' write lock (`bookings.guard.writing`: a booking being
checked meanwhile sees the week before or after, never half of it), records its audit event in
the same transaction (old and new values), and drops the slot search's cached facts. Values are
checked before they get here (`weekly_calendar`, the API's Structs, the page's form).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from sharedfactory.audit import events as audit
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.guard import writing
from sharedfactory.facilities.house_calendar import CalendarRefused, HouseRef, Missing, _
from sharedfactory.facilities.tables import (
    Machine,
    OpeningHours,
    Operator,
    OperatorMachine,
    OperatorShift,
)
from sharedfactory.facilities.weekly_calendar import WeeklySpan


@dataclass(frozen=True)
class Certification:
    machine: str
    machine_name: str
    certified_on: date


@dataclass(frozen=True)
class OperatorView:
    pk: int
    code: str
    name: str
    phone: str
    house: str
    shifts: tuple[WeeklySpan, ...]
    certifications: tuple[Certification, ...]


async def house_machines(house: str) -> dict[str, int]:
    """The house's machines: code -> primary key."""
    rows = await Machine.select(Machine._meta.primary_key.as_alias("pk"), Machine.code).where(
        Machine.house.code == house
    )
    return {row["code"]: int(row["pk"]) for row in rows}


async def opening_hours(house: HouseRef) -> list[WeeklySpan]:
    rows = await OpeningHours.select().where(OpeningHours.house == house.pk).run()
    return sorted(WeeklySpan(r["weekday"], r["opens"], r["closes"]) for r in rows)


async def replace_opening_hours(
    house: HouseRef, spans: Sequence[WeeklySpan], actor: int | None = None
) -> None:
    """The house's whole week becomes `spans` (checked: `weekly_calendar.check_week`)."""
    machines = await house_machines(house.code)
    async with writing(list(machines.values())):
        old = await opening_hours(house)
        await OpeningHours.delete().where(OpeningHours.house == house.pk).run()
        if spans:
            rows = (
                OpeningHours(house=house.pk, weekday=s.weekday, opens=s.starts, closes=s.ends)
                for s in spans
            )
            await OpeningHours.insert(*rows).run()
        await audit.opening_hours_changed(house.code, old, spans, actor)
    forget_cached_facts()


async def operators(house: HouseRef) -> list[OperatorView]:
    """The house's operators by name, each with their shifts and certifications."""
    rows = await Operator.select(
        Operator._meta.primary_key.as_alias("pk"), Operator.code, Operator.name, Operator.phone
    ).where(Operator.house == house.pk)
    return [await _view(row, house.code) for row in sorted(rows, key=lambda r: r["name"])]


async def find_operator(code: str) -> OperatorView:
    row = (
        await Operator.select(
            Operator._meta.primary_key.as_alias("pk"),
            Operator.code,
            Operator.name,
            Operator.phone,
            Operator.house.code.as_alias("house"),
        )
        .where(Operator.code == code)
        .first()
        .run()
    )
    if row is None:
        raise Missing(f"operator {code!r} does not exist")
    return await _view(row, row["house"])


async def _shifts(operator_pk: int) -> tuple[WeeklySpan, ...]:
    rows = await OperatorShift.select().where(OperatorShift.operator == operator_pk).run()
    return tuple(sorted(WeeklySpan(r["weekday"], r["starts"], r["ends"]) for r in rows))


async def _certifications(operator_pk: int) -> tuple[Certification, ...]:
    rows = await OperatorMachine.select(
        OperatorMachine.machine.code.as_alias("machine"),
        OperatorMachine.machine.name.as_alias("machine_name"),
        OperatorMachine.certified_on,
    ).where(OperatorMachine.operator == operator_pk)
    return tuple(sorted((Certification(**row) for row in rows), key=lambda c: c.machine))


async def _view(row: dict[str, Any], house: str) -> OperatorView:
    pk = int(row["pk"])
    shifts, certified = await _shifts(pk), await _certifications(pk)
    return OperatorView(pk, row["code"], row["name"], row["phone"], house, shifts, certified)


async def add_operator(
    house: HouseRef, code: str, name: str, phone: str, actor: int | None = None
) -> OperatorView:
    """A new operator of the house, with no shift and no certification yet."""
    taken = CalendarRefused(409, "code", _("this code is already taken"))
    if await Operator.exists().where(Operator.code == code).run():
        raise taken
    try:
        async with Operator._meta.db.transaction():
            await Operator.insert(Operator(code=code, house=house.pk, name=name, phone=phone)).run()
            await audit.operator_added(house.code, code, name, actor)
    except (sqlite3.IntegrityError, asyncpg.exceptions.UniqueViolationError):
        raise taken from None  # added meanwhile by someone else
    return await find_operator(code)


async def replace_shifts(
    operator: OperatorView, spans: Sequence[WeeklySpan], actor: int | None = None
) -> None:
    """The operator's whole week of shifts becomes `spans` (checked like opening hours)."""
    machines = await house_machines(operator.house)
    async with writing(list(machines.values())):
        old = await _shifts(operator.pk)
        await OperatorShift.delete().where(OperatorShift.operator == operator.pk).run()
        if spans:
            rows = (
                OperatorShift(operator=operator.pk, weekday=s.weekday, starts=s.starts, ends=s.ends)
                for s in spans
            )
            await OperatorShift.insert(*rows).run()
        await audit.operator_shift_changed(operator.house, operator.code, old, spans, actor)
    forget_cached_facts()


async def replace_certifications(
    operator: OperatorView, wanted: Sequence[tuple[str, date]], actor: int | None = None
) -> None:
    """The machines the operator is certified for become `wanted` (machine code, since when);
    the codes are the house's (checked: `weekly_calendar.check_certifications`)."""
    machines = await house_machines(operator.house)
    async with writing(list(machines.values())):
        old = [(c.machine, c.certified_on) for c in await _certifications(operator.pk)]
        await OperatorMachine.delete().where(OperatorMachine.operator == operator.pk).run()
        if wanted:
            rows = (
                OperatorMachine(operator=operator.pk, machine=machines[m], certified_on=on)
                for m, on in wanted
            )
            await OperatorMachine.insert(*rows).run()
        await audit.operator_certification_changed(
            operator.house, operator.code, old, wanted, actor
        )
    forget_cached_facts()

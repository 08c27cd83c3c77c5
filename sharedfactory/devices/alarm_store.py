"""A house's alarms for its operators: the list (newest first, keyset-paged, filtered by state,
kind and period), one alarm, its acknowledgement with a note, and the count of unacknowledged
alarms the live board shows. The acknowledgement and its audit event commit together.

`open` is an alarm not closed yet; `unacknowledged` one nobody has acknowledged, open or closed.
Both are served by the partial index `alarm_attention` on (machine, opened_ms, id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.custom_types import Combinable

from sharedfactory.audit import events as audit
from sharedfactory.devices.tables import Alarm
from sharedfactory.facilities.tables import House, Machine
from sharedfactory.products.tables import QualityLimit

STATES = ("open", "unacknowledged", "all")


@dataclass(frozen=True)
class LimitView:
    """The quality limit an excursion left: `min_value`, `max_value` (either may be None)."""

    min_value: float | None
    max_value: float | None
    standard: str


@dataclass(frozen=True)
class MachineInfo:
    pk: int
    code: str
    name: str
    type_pk: int


@dataclass(frozen=True)
class HouseMachines:
    code: str
    zone: str
    machines: dict[int, MachineInfo]


@dataclass(frozen=True)
class AlarmRow:
    id: int
    house: str
    zone: str
    machine: MachineInfo
    kind: str
    value_name: str | None
    value: float | None
    limit: LimitView | None
    detail: str
    booking: str | None
    opened_ms: int
    closed_ms: int | None
    acknowledged_ms: int | None
    acknowledged_by: str | None
    note: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_ms is None


@dataclass(frozen=True)
class AlarmQuery:
    state: str = "open"
    kind: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None


@dataclass(frozen=True)
class AlarmPage:
    items: list[AlarmRow]
    next_cursor: str | None


class AlreadyAcknowledged(Exception):
    def __init__(self, alarm: AlarmRow) -> None:
        super().__init__(f"alarm {alarm.id} was already acknowledged by {alarm.acknowledged_by}")
        self.alarm = alarm


class AlarmMissing(LookupError):
    pass


async def house_machines(code: str) -> HouseMachines | None:
    house = await House.select(House.timezone).where(House.code == code).first().run()
    if house is None:
        return None
    rows = await Machine.select(
        Machine._meta.primary_key.as_alias("pk"),
        Machine.code,
        Machine.name,
        Machine.machine_type.as_alias("type_pk"),
    ).where(Machine.house.code == code)
    machines = {r["pk"]: MachineInfo(r["pk"], r["code"], r["name"], r["type_pk"]) for r in rows}
    return HouseMachines(code, house["timezone"], machines)


async def _limits(type_pks: set[int]) -> dict[tuple[int, str], LimitView]:
    """The limits that alarm live: for every product (a product's own are judged per run), and
    of a value with both, the one without a hold time (the one the live detector checks)."""
    q = QualityLimit
    rows = await q.select(
        q.machine_type, q.value_name, q.min_value, q.max_value, q.hold_seconds, q.standard
    ).where(q.machine_type.is_in(list(type_pks) or [-1]) & q.product_class.is_null())
    found: dict[tuple[int, str], LimitView] = {}
    for r in sorted(rows, key=lambda r: r["hold_seconds"] is None):
        view = LimitView(_number(r["min_value"]), _number(r["max_value"]), r["standard"])
        found[(r["machine_type"], r["value_name"])] = view
    return found


def _number(value: Any) -> float | None:
    """A REAL (PostgreSQL's float4: 2.1 reads back as 2.0999999) or NUMERIC as a plain float."""
    return None if value is None else float(f"{float(value):.6g}")


def _alarm(
    row: dict[str, Any], house: HouseMachines, limits: dict[tuple[int, str], LimitView]
) -> AlarmRow:
    machine = house.machines[row["machine"]]
    limit = limits.get((machine.type_pk, row["value_name"] or ""))
    return AlarmRow(
        row["id"],
        house.code,
        house.zone,
        machine,
        row["kind"],
        row["value_name"],
        _number(row["value"]),
        limit if row["kind"] == "excursion" else None,
        row["detail"],
        row["booking"],
        row["opened_ms"],
        row["closed_ms"],
        row["acknowledged_ms"],
        row["acknowledged_by"],
        row["note"],
    )


async def _alarms(rows: list[dict[str, Any]], house: HouseMachines) -> list[AlarmRow]:
    types = {house.machines[r["machine"]].type_pk for r in rows}
    limits = await _limits(types) if rows else {}
    return [_alarm(row, house, limits) for row in rows]


def _filters(query: AlarmQuery) -> Combinable | None:
    a = Alarm
    parts: list[Combinable] = []
    if query.state == "open":
        parts.append(a.closed_ms.is_null())
    elif query.state == "unacknowledged":
        parts.append(a.acknowledged_ms.is_null())
    if query.kind is not None:
        parts.append(a.kind == query.kind)
    if query.from_ms is not None:
        parts.append(a.opened_ms >= query.from_ms)
    if query.to_ms is not None:
        parts.append(a.opened_ms < query.to_ms)
    combined: Combinable | None = None
    for part in parts:
        combined = part if combined is None else combined & part
    return combined


async def alarm_page(
    house: HouseMachines, query: AlarmQuery, limit: int, before: tuple[int, int] | None
) -> AlarmPage:
    """Newest first; `before`: the cursor (opened_ms, id) of the previous page's last alarm."""
    a, pk = Alarm, Alarm._meta.primary_key
    where: Combinable = a.machine.is_in(list(house.machines) or [-1])
    if (filters := _filters(query)) is not None:
        where &= filters
    if before is not None:
        where &= (a.opened_ms < before[0]) | ((a.opened_ms == before[0]) & (pk < before[1]))
    rows = await (
        a.select()
        .where(where)
        .order_by(a.opened_ms, ascending=False)
        .order_by(pk, ascending=False)
        .limit(limit + 1)
    )
    items = await _alarms(rows[:limit], house)
    last = items[-1] if len(rows) > limit else None
    return AlarmPage(items, f"{last.opened_ms}.{last.id}" if last else None)


async def find_alarm(alarm_id: int) -> AlarmRow | None:
    row = await Alarm.select().where(Alarm._meta.primary_key == alarm_id).first().run()
    if row is None:
        return None
    code = await Machine.select(Machine.house.code.as_alias("house")).where(
        Machine._meta.primary_key == row["machine"]
    )
    house = await house_machines(code[0]["house"])
    assert house is not None, "an alarm's machine has a house (foreign keys)"
    return (await _alarms([row], house))[0]


async def unacknowledged_count(house: str) -> int:
    """What the live board's badge says: alarms of the house nobody has acknowledged yet."""
    machines = Machine.select(Machine._meta.primary_key).where(Machine.house.code == house)
    ids = [r["id"] for r in await machines] or [-1]
    where = Alarm.machine.is_in(ids) & Alarm.acknowledged_ms.is_null()
    return int(await Alarm.count().where(where).run())


async def acknowledge(
    alarm: AlarmRow, actor: int, actor_name: str, note: str, now_ms: int
) -> AlarmRow:
    """Record who saw the alarm, when and the note, with its audit event, once: a second
    acknowledgement (even one racing this) raises AlreadyAcknowledged naming the first."""
    async with Alarm._meta.db.transaction():
        # The UPDATE comes first: on SQLite it takes the write lock before anything is read.
        done = await (
            Alarm.update(
                {
                    Alarm.acknowledged_ms: now_ms,
                    Alarm.acknowledged_by: actor_name,
                    Alarm.note: note,
                }
            )
            .where((Alarm._meta.primary_key == alarm.id) & Alarm.acknowledged_ms.is_null())
            .returning(Alarm._meta.primary_key)
        )
        if done:
            await audit.alarm_acknowledged(alarm, note, actor, now_ms)
    now = await find_alarm(alarm.id)
    if now is None:
        raise AlarmMissing(f"alarm {alarm.id} does not exist")
    if not done:
        raise AlreadyAcknowledged(now)
    return now

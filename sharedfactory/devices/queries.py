"""Reading stored telemetry, dead letters, live state and alarms (oldest first, keyset-paged)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from piccolo.custom_types import Combinable

from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.tables import Alarm, DeadLetter, MachineLiveState, TelemetryMessage
from sharedfactory.facilities.tables import Machine


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def _cursor(ts_ms: int, tie: int) -> str:
    return f"{ts_ms}.{tie}"


def parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    ts_text, _dot, tie_text = cursor.partition(".")
    if not (ts_text.isdigit() and tie_text.isdigit()):
        raise ValueError("cursor: expected the `next` value of the previous page")
    return int(ts_text), int(tie_text)


async def machine_house(machine: str) -> tuple[int, str] | None:
    """(row id, house code) of a machine, or None."""
    row = (
        await Machine.select(
            Machine._meta.primary_key.as_alias("pk"), Machine.house.code.as_alias("house")
        )
        .where(Machine.code == machine)
        .first()
        .run()
    )
    return None if row is None else (row["pk"], row["house"])


async def bookings_of(business: str) -> list[str]:
    rows = await Booking.select(Booking.code).where(Booking.business.code == business).run()
    return [row["code"] for row in rows]


async def telemetry_page(
    machine_id: int,
    from_ms: int,
    to_ms: int,
    limit: int,
    after: tuple[int, int] | None,
    only_bookings: list[str] | None = None,
) -> Page:
    """`only_bookings`: a UMKM sees the messages of its own runs only."""
    t = TelemetryMessage
    where: Combinable = (t.machine == machine_id) & (t.ts_ms >= from_ms) & (t.ts_ms < to_ms)
    if only_bookings is not None:
        where &= t.booking.is_in(only_bookings or [""])
    if after is not None:
        where &= (t.ts_ms > after[0]) | ((t.ts_ms == after[0]) & (t.seq > after[1]))
    rows = await t.select().where(where).order_by(t.ts_ms).order_by(t.seq).limit(limit + 1).run()
    items = [_telemetry_item(r) for r in rows[:limit]]
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return Page(items, _cursor(last["ts_ms"], last["seq"]) if last else None)


def _telemetry_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "ts": row["ts_ms"],
        "seq": row["seq"],
        "state": row["state"],
        "counters": json.loads(row["counters"]),
        "values": json.loads(row["process_values"]),
        "booking": row["booking"],
    }


async def dead_letter_page(
    from_ms: int, limit: int, after: tuple[int, int] | None, house: str | None = None
) -> Page:
    """`house`: only letters whose topic names that house (an operator's scope)."""
    d = DeadLetter
    pk = d._meta.primary_key
    where: Combinable = d.received_ms >= from_ms
    if house is not None:
        where &= d.topic.like(f"sf/v1/{house}/%")
    if after is not None:
        where &= (d.received_ms > after[0]) | ((d.received_ms == after[0]) & (pk > after[1]))
    rows = await d.select().where(where).order_by(d.received_ms).order_by(pk).limit(limit + 1).run()
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return Page(rows[:limit], _cursor(last["received_ms"], last["id"]) if last else None)


async def live_board(house: str) -> list[dict[str, Any]]:
    """Every machine of the house with its latest state and open alarms."""
    machines = (
        await Machine.select(
            Machine._meta.primary_key.as_alias("pk"),
            Machine.code,
            Machine.name,
            Machine.machine_type.name_id.as_alias("type_name_id"),
            Machine.machine_type.name_en.as_alias("type_name_en"),
        )
        .where(Machine.house.code == house)
        .order_by(Machine.code)
        .run()
    )
    ids = [m["pk"] for m in machines] or [-1]
    live = {
        r["machine"]: r
        for r in await MachineLiveState.select().where(MachineLiveState.machine.is_in(ids)).run()
    }
    alarms = (
        await Alarm.select()
        .where(Alarm.machine.is_in(ids) & Alarm.closed_ms.is_null())
        .order_by(Alarm.opened_ms, Alarm._meta.primary_key, ascending=False)
        .run()
    )
    board = []
    for machine in machines:
        state = live.get(machine["pk"])
        board.append(
            machine
            | {
                "state": state["state"] if state else "off",
                "online": bool(state["online"]) if state else False,
                "ts_ms": state["ts_ms"] if state else None,
                "booking": state["booking"] if state else None,
                "values": json.loads(state["process_values"]) if state else {},
                "alarms": [a for a in alarms if a["machine"] == machine["pk"]][:3],
            }
        )
    return board

"""A house's machines as its staff's machine page shows them: each machine with whether it holds a
live MQTT login (`devices` credentials, never the password) and its next maintenance window."""

from __future__ import annotations

from dataclasses import dataclass

from sharedfactory.devices.tables import MachineCredential
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities.queries import MachineView, list_machines


@dataclass(frozen=True)
class MachineRow:
    machine: MachineView
    has_login: bool
    next_maintenance: cal.WindowView | None


async def _with_login(house: cal.HouseRef) -> set[str]:
    rows = (
        await MachineCredential.select(MachineCredential.machine.code.as_alias("machine"))
        .where(
            MachineCredential.machine._.house == house.pk,
            MachineCredential.revoked_at.is_null(),
        )
        .run()
    )
    return {row["machine"] for row in rows}


async def house_machines(house: cal.HouseRef) -> list[MachineRow]:
    """The house's machines by code."""
    upcoming: dict[str, cal.WindowView] = {}
    for window in await cal.windows(house):  # current and coming, the earliest first
        upcoming.setdefault(window.machine, window)
    logins = await _with_login(house)
    return [
        MachineRow(m, m.code in logins, upcoming.get(m.code))
        for m in await list_machines(house.code)
    ]

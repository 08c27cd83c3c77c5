"""Alarms the moment something goes wrong: a value leaves its limit, a machine faults, or goes
offline. Pure: it remembers the previous value of each machine and reports transitions only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sharedfactory.devices.directory import MachineRef
from sharedfactory.devices.messages import Telemetry


@dataclass(frozen=True)
class AlarmEvent:
    machine_id: int
    kind: str  # excursion | fault | offline
    detail: str
    ts_ms: int
    value_name: str | None = None
    value: float | None = None
    booking: str | None = None


@dataclass
class AlarmDetector:
    _outside: dict[tuple[int, str], bool] = field(default_factory=dict)
    _state: dict[int, str] = field(default_factory=dict)
    _online: dict[int, bool] = field(default_factory=dict)

    def telemetry(self, machine: MachineRef, message: Telemetry) -> list[AlarmEvent]:
        events = []
        if message.state == "fault" and self._state.get(machine.id) != "fault":
            events.append(
                AlarmEvent(
                    machine.id,
                    "fault",
                    "machine reports fault",
                    message.ts,
                    booking=message.booking,
                )
            )
        self._state[machine.id] = message.state
        for limit in machine.limits:
            value = message.values.get(limit.value_name)
            if value is None or limit.hold_seconds is not None or message.state != "running":
                continue  # hold rules are judged per run, not per message
            if limit.product_class is not None:
                continue  # a product's own limits are judged per run, where its class is known
            outside = limit.violated_by(value)
            if outside and not self._outside.get((machine.id, limit.value_name), False):
                events.append(_excursion(machine, limit.value_name, value, limit.standard, message))
            self._outside[(machine.id, limit.value_name)] = outside
        return events

    def status(self, machine: MachineRef, online: bool, ts_ms: int) -> list[AlarmEvent]:
        was_online = self._online.get(machine.id, True)
        self._online[machine.id] = online
        if was_online and not online:
            return [AlarmEvent(machine.id, "offline", "machine went offline", ts_ms)]
        return []


def _excursion(
    machine: MachineRef, name: str, value: float, standard: str, message: Telemetry
) -> AlarmEvent:
    return AlarmEvent(
        machine.id,
        "excursion",
        f"{name} = {value:g} outside the limit ({standard})",
        message.ts,
        name,
        value,
        message.booking,
    )

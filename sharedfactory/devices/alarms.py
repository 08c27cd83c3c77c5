"""Alarms the moment something goes wrong, and the moment it ends: a value leaves its limit and
comes back, a machine faults and recovers, goes offline and comes back online. Pure: it remembers
the last condition of each machine and reports transitions only. After a restart it starts from
the alarms still open (`seeded`), so a condition that outlived the restart is neither opened twice
nor left open for ever."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sharedfactory.devices.directory import MachineRef, ValueLimit
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
    closes: bool = False  # True: the condition ended; the open alarm of this kind closes at ts_ms


@dataclass(frozen=True)
class OpenAlarm:
    """An alarm the database still has open: the condition the detector starts from."""

    machine_id: int
    kind: str
    value_name: str | None = None


@dataclass
class AlarmDetector:
    _outside: dict[tuple[int, str], bool] = field(default_factory=dict)
    _state: dict[int, str] = field(default_factory=dict)
    _online: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def seeded(cls, open_alarms: Iterable[OpenAlarm]) -> AlarmDetector:
        detector = cls()
        for alarm in open_alarms:
            if alarm.kind == "excursion" and alarm.value_name is not None:
                detector._outside[(alarm.machine_id, alarm.value_name)] = True
            elif alarm.kind == "fault":
                detector._state[alarm.machine_id] = "fault"
            elif alarm.kind == "offline":
                detector._online[alarm.machine_id] = False
        return detector

    def telemetry(self, machine: MachineRef, message: Telemetry) -> list[AlarmEvent]:
        events = self._fault(machine, message)
        if message.state != "running":
            return events  # limits hold while producing; a stopped machine neither opens nor closes
        for name, limits in _live_limits(machine).items():
            value = message.values.get(name)
            if value is None:
                continue
            broken = [limit for limit in limits if limit.violated_by(value)]
            was_outside = self._outside.get((machine.id, name), False)
            self._outside[(machine.id, name)] = bool(broken)
            if broken and not was_outside:
                events.append(_excursion(machine, name, value, broken[0].standard, message))
            elif was_outside and not broken:
                events.append(_back_inside(machine, name, value, message))
        return events

    def _fault(self, machine: MachineRef, message: Telemetry) -> list[AlarmEvent]:
        was_fault = self._state.get(machine.id) == "fault"
        self._state[machine.id] = message.state
        is_fault = message.state == "fault"
        if is_fault == was_fault:
            return []
        detail = "machine reports fault" if is_fault else f"machine reports {message.state}"
        return [
            AlarmEvent(
                machine.id, "fault", detail, message.ts, booking=message.booking, closes=was_fault
            )
        ]

    def status(self, machine: MachineRef, online: bool, ts_ms: int) -> list[AlarmEvent]:
        was_online = self._online.get(machine.id, True)
        self._online[machine.id] = online
        if was_online and not online:
            return [AlarmEvent(machine.id, "offline", "machine went offline", ts_ms)]
        if online and not was_online:
            return [AlarmEvent(machine.id, "offline", "machine back online", ts_ms, closes=True)]
        return []


def _live_limits(machine: MachineRef) -> dict[str, list[ValueLimit]]:
    """The limits judged message by message, by value name. Hold rules are judged per run, and
    a product's own limits too, where its class is known."""
    found: dict[str, list[ValueLimit]] = {}
    for limit in machine.limits:
        if limit.hold_seconds is None and limit.product_class is None:
            found.setdefault(limit.value_name, []).append(limit)
    return found


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


def _back_inside(machine: MachineRef, name: str, value: float, message: Telemetry) -> AlarmEvent:
    return AlarmEvent(
        machine.id,
        "excursion",
        f"{name} = {value:g} back inside the limit",
        message.ts,
        name,
        value,
        message.booking,
        closes=True,
    )

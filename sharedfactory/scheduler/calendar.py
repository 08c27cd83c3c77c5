"""Mutable booking calendar of machines and operators, used by the list schedulers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from sharedfactory.scheduler.problem import Assignment, Interval, Machine, Problem, Task


@dataclass(frozen=True)
class Booking:
    start: int
    end: int
    task: str
    cls: str | None


def _inside(start: int, end: int, windows: tuple[Interval, ...]) -> bool:
    return any(ws <= start and end <= we for ws, we in windows)


@dataclass
class Calendar:
    problem: Problem
    machines: dict[str, list[Booking]] = field(default_factory=dict)
    operators: dict[str, list[Booking]] = field(default_factory=dict)

    def machine_fits(self, machine: Machine, start: int, end: int, cls: str | None) -> bool:
        if not _inside(start, end, machine.windows):
            return False
        timeline = self.machines.get(machine.id, [])
        i = bisect.bisect_left(timeline, start, key=lambda b: b.start)
        if i > 0:
            prev = timeline[i - 1]
            if start < prev.end + machine.setup(prev.cls, cls):
                return False
        elif start < machine.initial_setup(cls):
            return False
        if i < len(timeline):
            nxt = timeline[i]
            if nxt.start < end + machine.setup(cls, nxt.cls):
                return False
        return True

    def free_operator(self, machine_id: str, start: int, end: int) -> str | None:
        for operator in self.problem.operators:
            if machine_id not in operator.machines or not _inside(start, end, operator.windows):
                continue
            busy = self.operators.get(operator.id, [])
            if all(b.end <= start or end <= b.start for b in busy):
                return operator.id
        return None

    def candidate_starts(self, machine: Machine, task: Task, low: int, high: int) -> list[int]:
        """Every start at which feasibility can change, from `low` to `high` inclusive."""
        points = {low, machine.initial_setup(task.cls)}
        points.update(ws for ws, _ in machine.windows)
        points.update(
            b.end + machine.setup(b.cls, task.cls) for b in self.machines.get(machine.id, [])
        )
        if self.problem.needs_operator(machine.id):
            for operator in self.problem.operators:
                if machine.id in operator.machines:
                    points.update(ws for ws, _ in operator.windows)
                    points.update(b.end for b in self.operators.get(operator.id, []))
        return sorted(p for p in points if low <= p <= high)

    def earliest(self, machine: Machine, task: Task, low: int, high: int) -> Assignment | None:
        """The earliest feasible placement of `task` on `machine` starting in [low, high]."""
        duration = task.durations[machine.id]
        for start in self.candidate_starts(machine, task, low, high):
            end = start + duration
            if not self.machine_fits(machine, start, end, task.cls):
                continue
            operator = None
            if self.problem.needs_operator(machine.id):
                operator = self.free_operator(machine.id, start, end)
                if operator is None:
                    continue
            return Assignment(task.request, task.id, machine.id, start, end, operator)
        return None

    def book(self, a: Assignment) -> None:
        booking = Booking(a.start, a.end, a.task, self.problem.task_by_id()[a.task].cls)
        bisect.insort(self.machines.setdefault(a.machine, []), booking, key=lambda b: b.start)
        if a.operator is not None:
            bisect.insort(self.operators.setdefault(a.operator, []), booking, key=lambda b: b.start)

    def unbook(self, a: Assignment) -> None:
        self.machines[a.machine] = [b for b in self.machines[a.machine] if b.task != a.task]
        if a.operator is not None:
            self.operators[a.operator] = [b for b in self.operators[a.operator] if b.task != a.task]

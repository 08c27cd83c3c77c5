"""Mutable booking calendar of machines and operators, used by the list schedulers."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from sharedfactory.scheduler.problem import Assignment, Interval, Machine, Operator, Problem, Task


@dataclass(frozen=True)
class Booking:
    start: int
    end: int
    task: str
    cls: str | None


class Spans:
    """Sorted windows (they may overlap) answering "does one window hold [start, end)?" by
    bisection: the windows opening by `start` reach at most the running maximum of their ends."""

    def __init__(self, windows: tuple[Interval, ...]) -> None:
        ordered = sorted(windows)
        self.starts = [ws for ws, _ in ordered]
        self.reach = list(itertools.accumulate((we for _, we in ordered), max))

    def hold(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def next_holding(self, start: int, duration: int) -> int | None:
        """When no window holds [start, start + duration): the first later opening at which
        one holds `duration` minutes (None: never)."""
        for opening in self.starts[bisect.bisect_right(self.starts, start) :]:
            if self.hold(opening, opening + duration):
                return opening
        return None

    def next_start(self, start: int) -> int | None:
        """The first window opening after `start`."""
        i = bisect.bisect_right(self.starts, start)
        return self.starts[i] if i < len(self.starts) else None


def _clear(timeline: list[Booking], start: int, end: int) -> bool:
    """No booking of the (sorted, never overlapping) timeline meets [start, end)."""
    i = bisect.bisect_left(timeline, start, key=lambda b: b.start)
    if i > 0 and timeline[i - 1].end > start:
        return False
    return i == len(timeline) or timeline[i].start >= end


@dataclass
class Calendar:
    problem: Problem
    machines: dict[str, list[Booking]] = field(default_factory=dict)
    operators: dict[str, list[Booking]] = field(default_factory=dict)
    careful: bool = False  # pick the least versatile free operator (FCFS: the first listed)
    spans: dict[str, Spans] = field(default_factory=dict)  # machine and operator windows
    staff: dict[str, list[Operator]] = field(default_factory=dict)  # trained, by machine

    def __post_init__(self) -> None:
        for machine in self.problem.machines:
            self.spans[machine.id] = Spans(machine.windows)
            self.staff[machine.id] = []
        for operator in self.problem.operators:
            self.spans[operator.id] = Spans(operator.windows)
            for machine_id in operator.machines:
                self.staff.setdefault(machine_id, []).append(operator)

    def machine_fits(self, machine: Machine, start: int, end: int, cls: str | None) -> bool:
        if not self.spans[machine.id].hold(start, end):
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
        free = [
            operator
            for operator in self.staff.get(machine_id, [])
            if self.spans[operator.id].hold(start, end)
            and _clear(self.operators.get(operator.id, []), start, end)
        ]
        if not free:
            return None
        if self.careful:  # keep the versatile operators for machines that few others run
            return min(free, key=lambda o: len(o.machines)).id
        return free[0].id

    def earliest(self, machine: Machine, task: Task, low: int, high: int) -> Assignment | None:
        """The earliest feasible placement of `task` on `machine` starting in [low, high].

        Scans forward, jumping each time to the next moment at which what blocks the task can
        end (a window opening, a booking's end plus changeover, an operator's shift opening or
        task ending), so no feasible start is jumped over."""
        duration = task.durations[machine.id]
        start: int | None = low
        while start is not None and start <= high:
            moved = self._machine_next(machine, task.cls, start, duration)
            if moved != start:
                start = moved
                continue
            operator = None
            if self.problem.needs_operator(machine.id):
                operator = self.free_operator(machine.id, start, start + duration)
                if operator is None:
                    start = self._operator_next(machine.id, start)
                    continue
            return Assignment(task.request, task.id, machine.id, start, start + duration, operator)
        return None

    def _machine_next(
        self, machine: Machine, cls: str | None, start: int, duration: int
    ) -> int | None:
        """`start` if the machine can take the task then, else the next moment it might: a
        window opening, or the soonest end of a booking plus its changeover to `cls` (a later,
        shorter booking may need less changeover than the one in the way)."""
        spans = self.spans[machine.id]
        if not spans.hold(start, start + duration):
            return spans.next_holding(start, duration)
        timeline = self.machines.get(machine.id, [])
        i = bisect.bisect_left(timeline, start, key=lambda b: b.start)
        prev = timeline[i - 1] if i > 0 else None
        ready = (
            machine.initial_setup(cls) if prev is None else prev.end + machine.setup(prev.cls, cls)
        )
        nxt = timeline[i] if i < len(timeline) else None
        if start >= ready and (
            nxt is None or nxt.start >= start + duration + machine.setup(cls, nxt.cls)
        ):
            return start
        soonest = ready if ready > start else None
        for booking in timeline[i:]:
            if soonest is not None and booking.end >= soonest:
                break
            free = booking.end + machine.setup(booking.cls, cls)
            soonest = free if soonest is None else min(soonest, free)
        return soonest

    def _operator_next(self, machine_id: str, start: int) -> int | None:
        """The next moment after `start` at which a trained operator's shift opens or one of
        their tasks ends."""
        moments = []
        for operator in self.staff.get(machine_id, []):
            moments.append(self.spans[operator.id].next_start(start))
            busy = self.operators.get(operator.id, [])
            i = bisect.bisect_right(busy, start, key=lambda b: b.end)
            moments.append(busy[i].end if i < len(busy) else None)
        return min((m for m in moments if m is not None), default=None)

    def book(self, a: Assignment) -> None:
        booking = Booking(a.start, a.end, a.task, self.problem.task_by_id()[a.task].cls)
        bisect.insort(self.machines.setdefault(a.machine, []), booking, key=lambda b: b.start)
        if a.operator is not None:
            bisect.insort(self.operators.setdefault(a.operator, []), booking, key=lambda b: b.start)

    def unbook(self, a: Assignment) -> None:
        self.machines[a.machine] = [b for b in self.machines[a.machine] if b.task != a.task]
        if a.operator is not None:
            self.operators[a.operator] = [b for b in self.operators[a.operator] if b.task != a.task]

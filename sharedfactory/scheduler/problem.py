"""Plain data for one scheduling problem and its solution (CONTRACTS.md section 3).

Times inside are whole minutes counted from the horizon start; the horizon start keeps its
tzinfo so output can be written back with the same UTC offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

Interval = tuple[int, int]


@dataclass(frozen=True)
class Machine:
    id: str
    type: str
    house: str | None
    windows: tuple[Interval, ...]
    changeover: dict[str, dict[str, int]] = field(default_factory=dict)
    initial_class: str | None = None
    needs_operator: bool = False

    def setup(self, before: str | None, after: str | None) -> int:
        """Changeover minutes when a task of class `after` directly follows `before`."""
        if before is None or after is None:
            return 0
        return self.changeover.get(before, {}).get(after, 0)

    def initial_setup(self, cls: str | None) -> int:
        return self.setup(self.initial_class, cls)


@dataclass(frozen=True)
class Operator:
    id: str
    machines: tuple[str, ...]
    windows: tuple[Interval, ...]


@dataclass(frozen=True)
class Task:
    id: str
    request: str
    durations: dict[str, int]
    cls: str | None = None
    after: tuple[str, ...] = ()
    max_wait: int | None = None


@dataclass(frozen=True)
class Request:
    id: str
    business: str | None
    weight: float
    release: int
    due: int | None
    deadline: int
    mandatory: bool
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Fixed:
    task: str
    machine: str
    start: int


@dataclass(frozen=True)
class ObjectiveWeights:
    unserved: float = 1000.0
    tardiness: float = 1.0
    completion: float = 0.0
    makespan: float = 0.0


@dataclass(frozen=True)
class Problem:
    horizon_start: datetime
    horizon_end: int
    machines: tuple[Machine, ...]
    operators: tuple[Operator, ...]
    requests: tuple[Request, ...]
    fixed: tuple[Fixed, ...] = ()
    objective: ObjectiveWeights = ObjectiveWeights()

    @property
    def has_operators(self) -> bool:
        return len(self.operators) > 0

    def machine(self, machine_id: str) -> Machine:
        return self.machine_by_id()[machine_id]

    def machine_by_id(self) -> dict[str, Machine]:
        return self._machines

    def request_by_id(self) -> dict[str, Request]:
        return self._requests

    def task_by_id(self) -> dict[str, Task]:
        return self._tasks

    @cached_property
    def _machines(self) -> dict[str, Machine]:
        return {m.id: m for m in self.machines}

    @cached_property
    def _requests(self) -> dict[str, Request]:
        return {r.id: r for r in self.requests}

    @cached_property
    def _tasks(self) -> dict[str, Task]:
        return {t.id: t for r in self.requests for t in r.tasks}

    def fixed_by_task(self) -> dict[str, Fixed]:
        return self._fixed

    @cached_property
    def _fixed(self) -> dict[str, Fixed]:
        return {f.task: f for f in self.fixed}

    def must_serve(self, request: Request) -> bool:
        """Mandatory, or holding a fixed task (which makes its request count as served)."""
        fixed = self.fixed_by_task()
        return request.mandatory or any(t.id in fixed for t in request.tasks)

    def needs_operator(self, machine_id: str) -> bool:
        return self.has_operators and self.machine(machine_id).needs_operator

    def to_datetime(self, minute: int) -> datetime:
        return self.horizon_start + timedelta(minutes=minute)


@dataclass(frozen=True)
class Assignment:
    request: str
    task: str
    machine: str
    start: int
    end: int
    operator: str | None = None


@dataclass(frozen=True)
class Unserved:
    request: str
    reason: str


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal" | "feasible" | "infeasible"
    objective: float
    bound: float | None
    solver: str
    seconds: float
    assignments: tuple[Assignment, ...]
    unserved: tuple[Unserved, ...]
    notes: tuple[str, ...] = ()


STATUSES = ("optimal", "feasible", "infeasible")

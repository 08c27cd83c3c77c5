"""MILP variables and the machine rules: placement options, chains, machine sequencing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulp

from sharedfactory.scheduler.options import Option, ancestors
from sharedfactory.scheduler.problem import Assignment, Problem, Task

Progress = Callable[[float, float | None, float | None], None]


Pair = tuple[float, Any]  # (coefficient, pulp variable) terms of a row


@dataclass(frozen=True)
class MilpOutcome:
    assignments: list[Assignment] | None  # None: no integer solution found
    bound: float | None  # proven lower bound on the contract objective, or None
    optimal: bool


@dataclass(frozen=True)
class OperatorSlot:
    operator: str
    window: int
    var: Any


@dataclass
class Model:
    problem: Problem
    prob: pulp.LpProblem
    options: dict[str, list[Option]]
    y: dict[str, list[Any]] = field(default_factory=dict)
    start: dict[str, Any] = field(default_factory=dict)
    served: dict[str, Any] = field(default_factory=dict)
    order: dict[tuple[str, str], Any] = field(default_factory=dict)
    slots: dict[str, list[OperatorSlot]] = field(default_factory=dict)
    aux: dict[str, Any] = field(default_factory=dict)
    sequenced: frozenset[str] = frozenset()
    arcs: dict[str, dict[tuple[str | None, str | None], Any]] = field(default_factory=dict)
    constant: float = 0.0
    soft: bool = False
    counter: int = 0

    def row(self, terms: list[Pair], sense: int, rhs: float) -> None:
        expr = pulp.LpAffineExpression([(v, c) for c, v in terms if c != 0])
        self.counter += 1
        self.prob.addConstraint(pulp.LpConstraint(expr, sense, f"c{self.counter}", rhs))

    def x(self, task_id: str, machine_id: str) -> list[Pair]:
        """The 0/1 expression 'task runs on machine' as terms."""
        opts = self.options[task_id]
        return [(1.0, self.y[task_id][i]) for i, o in enumerate(opts) if o.machine == machine_id]

    def duration_terms(self, task_id: str) -> list[Pair]:
        opts = self.options[task_id]
        return [(float(o.duration), self.y[task_id][i]) for i, o in enumerate(opts)]

    def high(self, task_id: str) -> int:
        return max(o.high for o in self.options[task_id])

    def longest(self, task_id: str) -> int:
        return max(o.duration for o in self.options[task_id])


def binary(m: Model, name: str, fixed: int | None = None) -> Any:
    if fixed is None:
        return m.prob.add_variable(name, 0, 1, pulp.LpBinary)
    return m.prob.add_variable(name, fixed, fixed, pulp.LpInteger)  # LpBinary resets bounds


def add_tasks(m: Model) -> None:
    problem = m.problem
    for r_index, request in enumerate(problem.requests):
        if any(not m.options[t.id] for t in request.tasks):
            m.constant += problem.objective.unserved * request.weight
            continue
        must = problem.must_serve(request) and not m.soft
        z = binary(m, f"z{r_index}", 1 if must else None)
        m.served[request.id] = z
        for t_index, task in enumerate(request.tasks):
            name = f"{r_index}_{t_index}"
            opts = m.options[task.id]
            m.y[task.id] = [binary(m, f"y{name}_{i}") for i in range(len(opts))]
            low = min(o.low for o in opts) if must else 0
            m.start[task.id] = m.prob.add_variable(f"s{name}", low, m.high(task.id), pulp.LpInteger)
            ys = [(1.0, y) for y in m.y[task.id]]
            m.row([*ys, (-1.0, z)], pulp.LpConstraintEQ, 0)
            s = (1.0, m.start[task.id])
            m.row(
                [s, *[(-float(o.low), y) for o, y in zip(opts, m.y[task.id], strict=True)]],
                pulp.LpConstraintGE,
                0,
            )
            m.row(
                [s, *[(-float(o.high), y) for o, y in zip(opts, m.y[task.id], strict=True)]],
                pulp.LpConstraintLE,
                0,
            )


def add_chains(m: Model) -> None:
    for request in m.problem.requests:
        if request.id not in m.served:
            continue
        for task in request.tasks:
            for before in task.after:
                terms = [(1.0, m.start[task.id]), (-1.0, m.start[before])]
                terms += [(-c, v) for c, v in m.duration_terms(before)]
                m.row(terms, pulp.LpConstraintGE, 0)
                if task.max_wait is not None:
                    m.row(terms, pulp.LpConstraintLE, task.max_wait)


def order_var(m: Model, first: Task, second: Task, chained: set[tuple[str, str]]) -> Any:
    key = (first.id, second.id)
    if key not in m.order:
        if key in chained:
            m.order[key] = 1
        elif (second.id, first.id) in chained:
            m.order[key] = 0
        else:
            m.order[key] = binary(m, f"o{len(m.order)}")
    return m.order[key]


@dataclass(frozen=True)
class Meeting:
    """Two tasks that may meet in one context (a machine or an operator)."""

    active: list[Pair]  # 0/1 terms that sum to 2 when both tasks use the context
    gap_tu: int  # minutes between t's end and u's start when t goes first
    gap_ut: int
    dur_t: tuple[list[Pair], int]  # t's duration as terms + constant
    dur_u: tuple[list[Pair], int]


def disjunction(m: Model, t: Task, u: Task, o: Any, meet: Meeting) -> None:
    """When both use the context: o = 1 -> u starts gap_tu after t ends; o = 0 -> the reverse."""
    sides = ((t, u, meet.dur_t, meet.gap_tu, 1), (u, t, meet.dur_u, meet.gap_ut, 0))
    for first, second, (d_terms, d_const), gap, when in sides:
        if isinstance(o, int) and o != when:
            continue
        big = m.high(first.id) + m.longest(first.id) + gap
        terms = [(1.0, m.start[second.id]), (-1.0, m.start[first.id])]
        terms += [(-c, v) for c, v in d_terms] + [(-big * c, v) for c, v in meet.active]
        rhs = gap + d_const - 2 * big
        if not isinstance(o, int):
            terms.append((-big if when == 1 else big, o))
            rhs -= big if when == 1 else 0
        m.row(terms, pulp.LpConstraintGE, rhs)


def _apart(m: Model, t: Task, u: Task, machine_id: str, gap_tu: int, gap_ut: int) -> str:
    """'t' / 'u' when bounds already put that task first on the machine, '' otherwise."""
    ot = [o for o in m.options[t.id] if o.machine == machine_id]
    ou = [o for o in m.options[u.id] if o.machine == machine_id]
    if max(o.high + o.duration for o in ot) + gap_tu <= min(o.low for o in ou):
        return "t"
    if max(o.high + o.duration for o in ou) + gap_ut <= min(o.low for o in ot):
        return "u"
    return ""


def tasks_in_model(m: Model) -> list[Task]:
    return [t for r in m.problem.requests if r.id in m.served for t in r.tasks]


def chained_pairs(m: Model) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for request in m.problem.requests:
        for task_id, before in ancestors(request).items():
            pairs.update((b, task_id) for b in before)
    return pairs


def add_machine_pairs(m: Model, tasks: list[Task], chained: set[tuple[str, str]]) -> None:
    by_machine: dict[str, list[Task]] = {}
    for task in tasks:
        for machine_id in sorted({o.machine for o in m.options[task.id]}):
            by_machine.setdefault(machine_id, []).append(task)
    for machine_id, group in sorted(by_machine.items()):
        if machine_id in m.sequenced:
            _add_machine_sequence(m, machine_id, group)
            continue
        machine = m.problem.machine(machine_id)
        for i, t in enumerate(group):
            for u in group[i + 1 :]:
                gap_tu, gap_ut = machine.setup(t.cls, u.cls), machine.setup(u.cls, t.cls)
                if _apart(m, t, u, machine_id, gap_tu, gap_ut):
                    continue
                if (t.id, u.id) in chained and gap_tu == 0:
                    continue  # the chain row already keeps them apart
                if (u.id, t.id) in chained and gap_ut == 0:
                    continue
                meet = Meeting(
                    m.x(t.id, machine_id) + m.x(u.id, machine_id),
                    gap_tu,
                    gap_ut,
                    ([], t.durations[machine_id]),
                    ([], u.durations[machine_id]),
                )
                disjunction(m, t, u, order_var(m, t, u, chained), meet)


def _add_machine_sequence(m: Model, machine_id: str, group: list[Task]) -> None:
    """Exact direct-successor model: arcs f[t,u] = 1 when u directly follows t on the machine.

    None stands for the machine's start (before the first task) and end (after the last).
    Used where the pairwise rule would over-count changeovers (triangle inequality fails).
    """
    machine = m.problem.machine(machine_id)
    arcs: dict[tuple[str | None, str | None], Any] = {}
    for t in group:
        arcs[(None, t.id)] = binary(m, f"a{len(m.arcs)}_{len(arcs)}")
        arcs[(t.id, None)] = binary(m, f"a{len(m.arcs)}_{len(arcs)}")
        for u in group:
            if u is t:
                continue
            gap = machine.setup(t.cls, u.cls)
            earliest = min(o.low for o in m.options[t.id] if o.machine == machine_id)
            latest = max(o.high for o in m.options[u.id] if o.machine == machine_id)
            if earliest + t.durations[machine_id] + gap <= latest:
                arcs[(t.id, u.id)] = binary(m, f"a{len(m.arcs)}_{len(arcs)}")
    m.arcs[machine_id] = arcs
    for t in group:
        on = [(-c, v) for c, v in m.x(t.id, machine_id)]
        ins = [(1.0, v) for (a, b), v in arcs.items() if b == t.id]
        outs = [(1.0, v) for (a, b), v in arcs.items() if a == t.id]
        m.row(ins + on, pulp.LpConstraintEQ, 0)
        m.row(outs + on, pulp.LpConstraintEQ, 0)
        first = machine.initial_setup(t.cls)
        if first > 0:
            m.row(
                [(1.0, m.start[t.id]), (-float(first), arcs[(None, t.id)])], pulp.LpConstraintGE, 0
            )
    m.row([(1.0, v) for (a, _), v in arcs.items() if a is None], pulp.LpConstraintLE, 1)
    tasks = {t.id: t for t in group}
    for (a, b), var in arcs.items():
        if a is None or b is None:
            continue
        gap = machine.setup(tasks[a].cls, tasks[b].cls)
        d = tasks[a].durations[machine_id]
        big = m.high(a) + d + gap
        terms = [(1.0, m.start[b]), (-1.0, m.start[a]), (-float(big), var)]
        m.row(terms, pulp.LpConstraintGE, d + gap - big)

"""Insertion of an unserved request by an exact sub-MILP around one opening of its machine.

Ruin and recreate chooses well which requests to serve, but on a tightly packed day only one
combination of machines, order and operators may make room for one more request, and list
placement rarely hits it. HiGHS finds such a packing in about a second when every request of
the neighbourhood must be served, while the same model with optional requests (the "served"
binaries free) stays unsolved for minutes: measured on the generated weeks, see
docs/scheduler.md. So, for an unserved request and one window of a machine its first task
could use: free every request of its group that lies wholly in that window (plus the time its
later steps need), make them and it mandatory, fix everything within a changeover of the span,
and ask the MILP for any schedule. The result is kept only when the whole schedule ranks
better and passes `validate`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from sharedfactory.scheduler.milp import solve_milp
from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.options import Option, components, task_options
from sharedfactory.scheduler.problem import Assignment, Fixed, Problem, Request
from sharedfactory.scheduler.validate import validate_assignments

MAX_FREED = 16  # requests re-solved at once (keeps the sub-MILP at about a second)
BUDGET = 2.0  # seconds per attempt, model building included
SHARE = 0.35  # of the search's time at most spent in attempts


def _span(problem: Problem, request: Request, option: Option) -> tuple[int, int]:
    """The option's machine window, stretched by what the request's later steps may need."""
    ws, we = problem.machine(option.machine).windows[option.window]
    first = next(t for t in request.tasks if not t.after)
    tail = sum(
        max(t.durations.values()) + (t.max_wait or 0) for t in request.tasks if t is not first
    )
    return max(ws, request.release), min(we + tail, request.deadline)


def _margin(problem: Problem) -> int:
    values = [v for m in problem.machines for row in m.changeover.values() for v in row.values()]
    return max(values, default=0)


def neighbourhood(
    problem: Problem, current: list[Assignment], request: Request, span: tuple[int, int]
) -> tuple[Problem, list[str]]:
    """The sub-problem of `request`'s group: it and the requests wholly inside `span` must be
    served inside it; requests of the group within a changeover of the span are fixed."""
    a, b = span
    group = next(g for g in components(problem) if request.id in {r.id for r in g})
    placed: dict[str, list[Assignment]] = {}
    for item in current:
        placed.setdefault(item.request, []).append(item)
    holding = {problem.task_by_id()[f.task].request for f in problem.fixed}
    margin = _margin(problem)
    requests: list[Request] = []
    fixed: list[Fixed] = []
    freed: list[str] = []
    for other in group:
        items = placed.get(other.id, [])
        inside = bool(items) and all(a <= x.start and x.end <= b for x in items)
        if other.id == request.id or (inside and other.id not in holding):
            release, deadline = max(other.release, a), min(other.deadline, b)
            requests.append(replace(other, mandatory=True, release=release, deadline=deadline))
            freed.append(other.id)
        elif any(x.end > a - margin and x.start < b + margin for x in items):
            requests.append(other)
            fixed += [Fixed(x.task, x.machine, x.start) for x in items]
    return replace(problem, requests=tuple(requests), fixed=tuple(fixed)), freed


def _overloaded(sub: Problem, freed: list[str], span: tuple[int, int]) -> bool:
    """A quick necessary check: the freed requests' work that can only run on a set of
    machines exceeds those machines' open minutes in the span."""
    a, b = span
    by_id = sub.request_by_id()
    load: dict[frozenset[str], int] = {}
    for request_id in freed:
        for task in by_id[request_id].tasks:
            key = frozenset(task.durations)
            load[key] = load.get(key, 0) + min(task.durations.values())
    for machines in load:
        needed = sum(w for other, w in load.items() if other <= machines)
        open_minutes = sum(
            max(0, min(we, b) - max(ws, a)) for m in machines for ws, we in sub.machine(m).windows
        )
        if needed > open_minutes:
            return True
    return False


def insert(
    problem: Problem,
    current: list[Assignment],
    request: Request,
    option: Option,
    solver: str,
    budget: float,
) -> list[Assignment] | None:
    """`current` with `request` served by re-solving around `option`; None if no better."""
    span = _span(problem, request, option)
    sub, freed = neighbourhood(problem, current, request, span)
    if len(freed) > MAX_FREED or _overloaded(sub, freed, span):
        return None
    outcome = solve_milp(sub, solver, budget, [], insist=True)
    if outcome.assignments is None:
        return None
    involved = {r.id for r in sub.requests}
    candidate = [x for x in current if x.request not in involved] + outcome.assignments
    if rank(problem, candidate) >= rank(problem, current):
        return None
    return None if validate_assignments(problem, candidate) else candidate


@dataclass
class Inserter:
    """Tries the unserved requests, heaviest first, one span at a time (machines sharing a
    window give one span); a span already tried is tried again only once the schedule has
    changed."""

    problem: Problem
    solver: str
    tried: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    began: float = field(default_factory=time.perf_counter)
    spent: float = 0.0  # seconds in attempts, kept under SHARE of the time since `began`

    def next_target(self, current: list[Assignment]) -> tuple[Request, Option] | None:
        served = {a.request for a in current}
        holding = {self.problem.task_by_id()[f.task].request for f in self.problem.fixed}
        waiting = [r for r in self.problem.requests if r.id not in served | holding]
        for request in sorted(waiting, key=lambda r: (-r.weight, r.id)):
            first = next(t for t in request.tasks if not t.after)
            for option in task_options(self.problem, first):
                if (request.id, _span(self.problem, request, option)) not in self.tried:
                    return request, option
        return None

    def __call__(self, current: list[Assignment], stop_at: float) -> list[Assignment] | None:
        """One attempt; the better schedule, or None."""
        now = time.perf_counter()
        budget = min(BUDGET, stop_at - now)
        if budget < 0.5 or self.spent > SHARE * (now - self.began):
            return None
        target = self.next_target(current)
        if target is None:
            return None
        request, option = target
        self.tried.add((request.id, _span(self.problem, request, option)))
        better = insert(self.problem, current, request, option, self.solver, budget)
        self.spent += time.perf_counter() - now
        if better is not None:
            self.tried.clear()
        return better

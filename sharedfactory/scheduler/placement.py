"""Placing whole requests on a booking calendar in a given order (list scheduling).

`fcfs_schedule` is the baseline: input order, each request at its earliest feasible time, the
first free operator. `careful=True` (the optimiser's list schedules) adds two things a person
filling the calendar by hand would not do: it gives a task the least versatile free operator,
and when a chained task misses its maximum wait it retries the request from a later start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sharedfactory.scheduler.calendar import Calendar
from sharedfactory.scheduler.parse import topological_order
from sharedfactory.scheduler.problem import Assignment, Problem, Request, Task

MAX_REQUEST_ATTEMPTS = 12
MAX_PUSHES = 6  # later starts tried per request when a chained task misses its maximum wait


def _bounds(
    problem: Problem, task: Task, machine_id: str, floor: int, placed: dict[str, Assignment]
) -> tuple[int, int]:
    """Start range of `task` on a machine given its request and already placed chain tasks."""
    request = problem.request_by_id()[task.request]
    duration = task.durations[machine_id]
    low, high = max(floor, request.release, 0), request.deadline - duration
    for before in task.after:
        low = max(low, placed[before].end)
        if task.max_wait is not None:
            high = min(high, placed[before].end + task.max_wait)
    for other in request.tasks:
        fixed = placed.get(other.id)
        if fixed is not None and task.id in other.after:  # a fixed successor already sits there
            high = min(high, fixed.start - duration)
            if other.max_wait is not None:
                low = max(low, fixed.start - other.max_wait - duration)
    return low, high


def _place_task(
    calendar: Calendar, task: Task, floor: int, placed: dict[str, Assignment]
) -> Assignment | None:
    best: Assignment | None = None
    for machine_id in sorted(task.durations):
        low, high = _bounds(calendar.problem, task, machine_id, floor, placed)
        if low > high:
            continue
        found = calendar.earliest(calendar.problem.machine(machine_id), task, low, high)
        if found is not None and (
            best is None or (found.end, found.start) < (best.end, best.start)
        ):
            best = found
    return best


def _fixed_ok(problem: Problem, task: Task, placed: dict[str, Assignment]) -> bool:
    a = placed[task.id]
    for before in task.after:
        end = placed[before].end
        if a.start < end or (task.max_wait is not None and a.start > end + task.max_wait):
            return False
    request = problem.request_by_id()[task.request]
    if problem.needs_operator(a.machine) and a.operator is None:
        return False
    return request.release <= a.start and a.end <= request.deadline


def _try_request(
    calendar: Calendar, request: Request, floor: int, fixed: dict[str, Assignment]
) -> list[Assignment] | int | None:
    """The request's placements from `floor` on; when careful and a chained task missed its
    maximum wait, the later floor to retry from instead (None: give up this floor)."""
    placed = {k: v for k, v in fixed.items() if k in {t.id for t in request.tasks}}
    new: list[Assignment] = []
    retry: int | None = None
    for task in topological_order(request.tasks) or []:
        if task.id in fixed:
            if not _fixed_ok(calendar.problem, task, placed):
                break
            continue
        found = _place_task(calendar, task, floor, placed)
        if found is None:
            if calendar.careful and new and len(placed) == len(new):
                retry = _pushed_floor(calendar, task, floor, placed, min(a.start for a in new))
            break
        calendar.book(found)
        placed[task.id] = found
        new.append(found)
    else:
        return list(placed.values())
    for a in new:
        calendar.unbook(a)
    return retry


def _pushed_floor(
    calendar: Calendar, task: Task, floor: int, placed: dict[str, Assignment], head: int
) -> int | None:
    """Where the request should start so that `task`, placed as if it could wait without
    limit, would be within its maximum wait: its overshoot added to the chain head's start."""
    if task.max_wait is None or not task.after:
        return None
    found = _place_task(calendar, replace(task, max_wait=None), floor, placed)
    if found is None:
        return None
    overshoot = found.start - max(placed[b].end for b in task.after) - task.max_wait
    return head + overshoot if overshoot > 0 else None


def _floors(calendar: Calendar, request: Request) -> list[int]:
    """Earliest-start floors to try: the release, then later moments the calendar changes."""
    machines = {m for t in request.tasks for m in t.durations}
    points = {request.release}
    for machine_id in machines:
        points.update(b.end for b in calendar.machines.get(machine_id, []))
        points.update(ws for ws, _ in calendar.problem.machine(machine_id).windows)
    ordered = sorted(p for p in points if request.release <= p < request.deadline)
    if len(ordered) <= MAX_REQUEST_ATTEMPTS:
        return ordered
    step = len(ordered) / MAX_REQUEST_ATTEMPTS
    return [ordered[int(i * step)] for i in range(MAX_REQUEST_ATTEMPTS)]


def _book_fixed(calendar: Calendar) -> tuple[dict[str, Assignment], set[str]]:
    """Book the fixed tasks that fit; also return the requests whose fixed tasks cannot."""
    problem = calendar.problem
    fixed: dict[str, Assignment] = {}
    broken: set[str] = set()
    for item in problem.fixed:
        task = problem.task_by_id()[item.task]
        end = item.start + task.durations[item.machine]
        operator = None
        if problem.needs_operator(item.machine):
            operator = calendar.free_operator(item.machine, item.start, end)
        fits = calendar.machine_fits(problem.machine(item.machine), item.start, end, task.cls)
        if not fits or (operator is None and problem.needs_operator(item.machine)):
            broken.add(task.request)
            continue
        a = Assignment(task.request, task.id, item.machine, item.start, end, operator)
        calendar.book(a)
        fixed[task.id] = a
    for task_id in [t for t, a in fixed.items() if a.request in broken]:
        calendar.unbook(fixed.pop(task_id))
    return fixed, broken


def list_schedule(
    problem: Problem, order: Iterable[Request], careful: bool = False
) -> list[Assignment]:
    """Place whole requests in `order` at their earliest feasible times; skip what does not fit."""
    calendar = Calendar(problem, careful=careful)
    fixed, broken = _book_fixed(calendar)
    fixed_requests = {a.request for a in fixed.values()}
    ordered = [r for r in order if r.id not in broken]
    ordered.sort(key=lambda r: r.id not in fixed_requests)  # stable: fixed requests first
    result: list[Assignment] = []
    for request in ordered:
        placed = place_request(calendar, request, fixed)
        if placed is not None:
            result.extend(placed)
            continue
        for task in request.tasks:  # a fixed request that cannot be completed frees its slots
            if task.id in fixed:
                calendar.unbook(fixed[task.id])
    return result


def place_request(
    calendar: Calendar,
    request: Request,
    fixed: dict[str, Assignment],
    attempts: int = MAX_REQUEST_ATTEMPTS + MAX_PUSHES,
) -> list[Assignment] | None:
    """Book `request` whole at its earliest feasible start (its `fixed` tasks already booked),
    trying at most `attempts` floors; None, with nothing booked, when it does not fit."""
    floors = _floors(calendar, request)
    waits = any(t.max_wait is not None or t.id in fixed for t in request.tasks)
    if calendar.careful and not waits:
        floors = floors[:1]  # later floors only shrink the successors' ranges: no new fit
    pushes = 0
    while floors and attempts > 0:
        attempts -= 1
        outcome = _try_request(calendar, request, floors.pop(0), fixed)
        if isinstance(outcome, list):
            return outcome
        if outcome is not None and pushes < MAX_PUSHES and outcome < request.deadline:
            pushes += 1
            floors.insert(0, outcome)
    return None


def fcfs_schedule(problem: Problem) -> list[Assignment]:
    """First come, first served: requests in input order, each at its earliest feasible time."""
    return list_schedule(problem, problem.requests)

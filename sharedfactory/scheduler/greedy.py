"""List scheduling: the first-come-first-served calendar and a better multi-order variant."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from sharedfactory.scheduler.calendar import Calendar
from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.parse import topological_order
from sharedfactory.scheduler.problem import Assignment, Problem, Request, Task

MAX_REQUEST_ATTEMPTS = 12


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
) -> list[Assignment] | None:
    placed = {k: v for k, v in fixed.items() if k in {t.id for t in request.tasks}}
    new: list[Assignment] = []
    for task in topological_order(request.tasks) or []:
        if task.id in fixed:
            if not _fixed_ok(calendar.problem, task, placed):
                break
            continue
        found = _place_task(calendar, task, floor, placed)
        if found is None:
            break
        calendar.book(found)
        placed[task.id] = found
        new.append(found)
    else:
        return list(placed.values())
    for a in new:
        calendar.unbook(a)
    return None


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


def list_schedule(problem: Problem, order: Iterable[Request]) -> list[Assignment]:
    """Place whole requests in `order` at their earliest feasible times; skip what does not fit."""
    calendar = Calendar(problem)
    fixed, broken = _book_fixed(calendar)
    fixed_requests = {a.request for a in fixed.values()}
    ordered = [r for r in order if r.id not in broken]
    ordered.sort(key=lambda r: r.id not in fixed_requests)  # stable: fixed requests first
    result: list[Assignment] = []
    for request in ordered:
        for floor in _floors(calendar, request):
            placed = _try_request(calendar, request, floor, fixed)
            if placed is not None:
                result.extend(placed)
                break
        else:
            for task in request.tasks:  # a fixed request that cannot be completed frees its slots
                if task.id in fixed:
                    calendar.unbook(fixed[task.id])
    return result


def fcfs_schedule(problem: Problem) -> list[Assignment]:
    """First come, first served: requests in input order, each at its earliest feasible time."""
    return list_schedule(problem, problem.requests)


def _orders(problem: Problem) -> list[Callable[[Request], tuple[float, ...]]]:
    horizon = problem.horizon_end

    def due(r: Request) -> float:
        return r.due if r.due is not None else r.deadline

    def work(r: Request) -> float:
        return sum(min(t.durations.values()) for t in r.tasks)

    return [
        lambda r: (not problem.must_serve(r), due(r) / max(r.weight, 1e-9)),
        lambda r: (not problem.must_serve(r), due(r), -r.weight),
        lambda r: (not problem.must_serve(r), r.release, due(r)),
        lambda r: (not problem.must_serve(r), -r.weight / work(r), due(r)),
        lambda r: (not problem.must_serve(r), r.deadline - work(r), -r.weight),
        lambda r: (not problem.must_serve(r), -r.weight, (due(r) - work(r)) / horizon),
    ]


def best_list_order(
    problem: Problem, stop_at: float = math.inf
) -> tuple[list[Request], list[Assignment]]:
    """FCFS and several priority orders (weighted EDD, slack, density): the best order found.
    Orders not started by `stop_at` (perf_counter) are skipped."""
    best_order = list(problem.requests)
    best = list_schedule(problem, best_order)
    best_key = rank(problem, best)
    for key in _orders(problem):
        if time.perf_counter() >= stop_at:
            break
        order = sorted(problem.requests, key=key)
        candidate = list_schedule(problem, order)
        score = rank(problem, candidate)
        if score < best_key:
            best_order, best, best_key = order, candidate, score
    return best_order, best


def best_list_schedule(problem: Problem) -> list[Assignment]:
    """The schedule of `best_list_order`."""
    return best_list_order(problem)[1]


def _movers(problem: Problem, assignments: list[Assignment]) -> list[Request]:
    """Requests worth moving forward: unserved ones (heaviest first), then the latest ones."""
    ends: dict[str, int] = {}
    for a in assignments:
        ends[a.request] = max(ends.get(a.request, 0), a.end)
    unserved = sorted(
        (r for r in problem.requests if r.id not in ends), key=lambda r: (-r.weight, r.id)
    )
    late = [
        r for r in problem.requests if r.id in ends and r.due is not None and ends[r.id] > r.due
    ]
    late.sort(key=lambda r: (-r.weight * (ends[r.id] - (r.due or 0)), r.id))
    return unserved + late


def order_search(
    problem: Problem, order: list[Request], stop_at: float, max_evaluations: int = 400
) -> list[Assignment]:
    """Local search on the list order: move an unserved or late request forward (to the
    front, a quarter or half of its position) while that improves; deterministic up to the
    evaluation cap, cut short at `stop_at` (perf_counter)."""
    best_order = list(order)
    best = list_schedule(problem, best_order)
    best_key = rank(problem, best)
    evaluations = 0
    improved = True
    while improved and evaluations < max_evaluations and time.perf_counter() < stop_at:
        improved = False
        for request in _movers(problem, best):
            position = best_order.index(request)
            for target in sorted({0, position // 4, position // 2} - {position}):
                trial = [*best_order[:target], request, *best_order[target:position]]
                trial += best_order[position + 1 :]
                candidate = list_schedule(problem, trial)
                evaluations += 1
                key = rank(problem, candidate)
                if key < best_key:
                    best_order, best, best_key, improved = trial, candidate, key, True
                    break  # next request, from the improved order
                if evaluations >= max_evaluations or time.perf_counter() >= stop_at:
                    return best
    return best

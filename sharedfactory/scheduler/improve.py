"""Large-neighbourhood search: re-solve the MILP inside a sliding time window, the rest fixed.

Every accepted step is validated against the full problem, so the schedule only improves and
stays valid. Used when the problem is too large for the full MILP to finish in time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from sharedfactory.scheduler.greedy import best_list_schedule
from sharedfactory.scheduler.milp import solve_milp
from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.problem import Assignment, Fixed, Problem, Request
from sharedfactory.scheduler.validate import validate_assignments

TARGET_REQUESTS = 20  # freed requests per window (keeps each sub-MILP small)


def _max_changeover(problem: Problem) -> int:
    values = [v for m in problem.machines for row in m.changeover.values() for v in row.values()]
    return max(values, default=0)


def windows(problem: Problem) -> list[tuple[int, int]]:
    """Overlapping time windows covering the horizon, sized for about TARGET_REQUESTS each."""
    end = max([problem.horizon_end, *(r.deadline for r in problem.requests)])
    width = max(480, end * TARGET_REQUESTS // max(1, len(problem.requests)))
    step = max(1, width // 2)
    return [(a, min(a + width, end)) for a in range(0, max(1, end - step), step)]


def _waiting(problem: Problem, served: set[str], a: int, b: int, rotation: int) -> set[str]:
    """Up to TARGET_REQUESTS // 2 unserved requests that could run in [a, b), heaviest first,
    rotating through the rest on later sweeps."""
    candidates = [
        r for r in problem.requests if r.id not in served and r.release < b and r.deadline > a
    ]
    candidates.sort(key=lambda r: (-r.weight, r.release, r.id))
    size = TARGET_REQUESTS // 2
    if len(candidates) <= size:
        return {r.id for r in candidates}
    first = (rotation * size) % len(candidates)
    return {r.id for r in (candidates + candidates)[first : first + size]}


def neighbourhood(
    problem: Problem, current: list[Assignment], a: int, b: int, rotation: int = 0
) -> tuple[Problem, set[str]]:
    """The sub-problem where requests inside [a, b) are free and nearby ones are fixed."""
    by_request: dict[str, list[Assignment]] = {}
    for item in current:
        by_request.setdefault(item.request, []).append(item)
    fixed_requests = {problem.task_by_id()[f.task].request for f in problem.fixed}
    waiting_ids = _waiting(problem, set(by_request), a, b, rotation)
    margin = _max_changeover(problem)
    requests: list[Request] = []
    fixed: list[Fixed] = []
    freed: set[str] = set()
    for request in problem.requests:
        placed = by_request.get(request.id)
        inside = placed is not None and all(a <= x.start and x.end <= b for x in placed)
        waiting = request.id in waiting_ids
        if (inside or waiting) and request.id not in fixed_requests:
            clipped = replace(
                request, release=max(request.release, a), deadline=min(request.deadline, b)
            )
            if clipped.release < clipped.deadline:
                requests.append(clipped)
                freed.add(request.id)
                continue
        if placed and any(x.end > a - margin and x.start < b + margin for x in placed):
            requests.append(request)
            fixed += [Fixed(x.task, x.machine, x.start) for x in placed]
    return replace(problem, requests=tuple(requests), fixed=tuple(fixed)), freed


def improve(
    problem: Problem,
    start: list[Assignment],
    solver: str,
    stop_at: float,
    on_better: Callable[[float], None] | None = None,
) -> list[Assignment]:
    """Sweep the windows until `stop_at` (perf_counter) or a full sweep finds nothing better."""
    current, best = list(start), rank(problem, start)
    spans = windows(problem)
    per_window = min(10.0, max(1.0, (stop_at - time.perf_counter()) / 4))
    idle = 0
    index = 0
    while idle < len(spans) and time.perf_counter() < stop_at - 0.2:
        a, b = spans[index % len(spans)]
        index += 1
        idle += 1
        sub, freed = neighbourhood(problem, current, a, b, index // len(spans))
        if not freed:
            continue
        keep = [x for x in current if x.request not in {r.id for r in sub.requests}]
        warm = [x for x in current if x.request in {r.id for r in sub.requests}]
        listed = best_list_schedule(sub)
        if rank(sub, listed) < rank(sub, warm):
            warm = listed
        budget = min(stop_at - time.perf_counter(), per_window)
        outcome = solve_milp(sub, solver, max(budget, 0.2), warm)
        if outcome.assignments is None:
            continue
        candidate = keep + outcome.assignments
        score = rank(problem, candidate)
        if score < best and not validate_assignments(problem, candidate):
            current, best, idle = candidate, score, 0
            if on_better is not None:
                on_better(best[1])
    return current

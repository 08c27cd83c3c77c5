"""List scheduling: the first-come-first-served calendar and a better multi-order variant."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.placement import fcfs_schedule, list_schedule
from sharedfactory.scheduler.problem import Assignment, Problem, Request

__all__ = [
    "best_list_order",
    "best_list_schedule",
    "fcfs_schedule",
    "list_schedule",
    "order_search",
]


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
    best = list_schedule(problem, best_order, careful=True)
    best_key = rank(problem, best)
    for key in _orders(problem):
        if time.perf_counter() >= stop_at:
            break
        order = sorted(problem.requests, key=key)
        candidate = list_schedule(problem, order, careful=True)
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
    best = list_schedule(problem, best_order, careful=True)
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
                candidate = list_schedule(problem, trial, careful=True)
                evaluations += 1
                key = rank(problem, candidate)
                if key < best_key:
                    best_order, best, best_key, improved = trial, candidate, key, True
                    break  # next request, from the improved order
                if evaluations >= max_evaluations or time.perf_counter() >= stop_at:
                    return best
    return best

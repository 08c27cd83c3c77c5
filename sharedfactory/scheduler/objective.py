"""The contract's objective formula, computed from a schedule."""

from __future__ import annotations

from collections.abc import Iterable

from sharedfactory.scheduler.problem import Assignment, Problem


def completions(assignments: Iterable[Assignment]) -> dict[str, int]:
    """Latest end per served request (minutes from horizon start)."""
    result: dict[str, int] = {}
    for a in assignments:
        result[a.request] = max(result.get(a.request, a.end), a.end)
    return result


def objective_value(problem: Problem, assignments: Iterable[Assignment]) -> float:
    """unserved + tardiness + completion + makespan terms, as in CONTRACTS.md section 3."""
    items = list(assignments)
    done = completions(items)
    weights = problem.objective
    unserved = sum(r.weight for r in problem.requests if r.id not in done)
    tardiness = 0.0
    completion = 0.0
    for request in problem.requests:
        if request.id not in done:
            continue
        end = done[request.id]
        if request.due is not None:
            tardiness += request.weight * max(0, end - request.due)
        completion += request.weight * end
    makespan = max((a.end for a in items), default=0)
    return (
        weights.unserved * unserved
        + weights.tardiness * tardiness
        + weights.completion * completion
        + weights.makespan * makespan
    )


def rank(problem: Problem, assignments: Iterable[Assignment]) -> tuple[int, float]:
    """Sort key of schedules: fewer unserved must-serve requests first, then the objective."""
    items = list(assignments)
    served = {a.request for a in items}
    missing = sum(1 for r in problem.requests if problem.must_serve(r) and r.id not in served)
    return missing, objective_value(problem, items)


def objectives_match(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))

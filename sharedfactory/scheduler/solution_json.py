"""Solution <-> JSON (CONTRACTS.md section 3, version 1)."""

from __future__ import annotations

import math
from typing import Any

from sharedfactory.scheduler.jsonfields import (
    Clock,
    ProblemError,
    list_field,
    object_field,
    require_keys,
    str_field,
)
from sharedfactory.scheduler.problem import STATUSES, Assignment, Problem, Solution, Unserved


def _iso(problem: Problem, minute: int) -> str:
    return problem.to_datetime(minute).isoformat()


def assignment_to_json(problem: Problem, a: Assignment) -> dict[str, Any]:
    item: dict[str, Any] = {"request": a.request, "task": a.task, "machine": a.machine}
    if problem.has_operators and a.operator is not None:
        item["operator"] = a.operator
    item["start"] = _iso(problem, a.start)
    item["end"] = _iso(problem, a.end)
    return item


def solution_to_json(solution: Solution, problem: Problem) -> dict[str, Any]:
    """The contract's solution object; times use the horizon start's UTC offset."""
    assignments = sorted(solution.assignments, key=lambda a: (a.start, a.machine, a.task))
    data: dict[str, Any] = {
        "version": 1,
        "status": solution.status,
        "objective": float(solution.objective),
        "bound": None if solution.bound is None else float(solution.bound),
        "solver": solution.solver,
        "seconds": round(solution.seconds, 3),
        "assignments": [assignment_to_json(problem, a) for a in assignments],
        "unserved": [{"request": u.request, "reason": u.reason} for u in solution.unserved],
    }
    if solution.notes:
        data["notes"] = list(solution.notes)
    return data


def _assignment(data: object, path: str, clock: Clock, problem: Problem) -> Assignment:
    obj = object_field(data, path)
    require_keys(obj, path, {"task", "machine", "start", "end"})
    task_id = str_field(obj["task"], f"{path}.task")
    task = problem.task_by_id().get(task_id)
    if task is None:
        raise ProblemError(f"{path}.task", f"unknown task {task_id!r}")
    request = obj.get("request", task.request)
    if request != task.request:
        raise ProblemError(f"{path}.request", f"task {task_id!r} belongs to {task.request!r}")
    operator = obj.get("operator")
    return Assignment(
        request=task.request,
        task=task_id,
        machine=str_field(obj["machine"], f"{path}.machine"),
        start=clock.minute(obj["start"], f"{path}.start"),
        end=clock.minute(obj["end"], f"{path}.end"),
        operator=None if operator is None else str_field(operator, f"{path}.operator"),
    )


def _finite(data: object, path: str) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float) or not math.isfinite(data):
        raise ProblemError(path, "must be a finite number")
    return float(data)


def parse_solution(data: object, problem: Problem) -> Solution:
    """Read a solution (e.g. from another solver) so that `validate` can check it."""
    obj = object_field(data, "")
    require_keys(obj, "", {"status", "assignments"})
    status = obj["status"]
    if status not in STATUSES:
        raise ProblemError("status", f"must be one of {', '.join(STATUSES)}")
    clock = Clock(problem.horizon_start)
    raw = list_field(obj["assignments"], "assignments")
    assignments = [_assignment(a, f"assignments[{i}]", clock, problem) for i, a in enumerate(raw)]
    unserved = []
    for i, item in enumerate(list_field(obj.get("unserved") or [], "unserved")):
        entry = object_field(item, f"unserved[{i}]")
        require_keys(entry, f"unserved[{i}]", {"request"})
        reason = entry.get("reason") or ""
        unserved.append(
            Unserved(str_field(entry["request"], f"unserved[{i}].request"), str(reason))
        )
    bound = obj.get("bound")
    return Solution(
        status=status,
        objective=_finite(obj.get("objective", 0), "objective"),
        bound=None if bound is None else _finite(bound, "bound"),
        solver=str(obj.get("solver", "")),
        seconds=_finite(obj.get("seconds", 0), "seconds"),
        assignments=tuple(assignments),
        unserved=tuple(unserved),
    )

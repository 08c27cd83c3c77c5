"""An independent check of every hard rule of CONTRACTS.md section 3 on a solution."""

from __future__ import annotations

import itertools
from collections import defaultdict

from sharedfactory.scheduler.objective import objective_value, objectives_match
from sharedfactory.scheduler.problem import (
    STATUSES,
    Assignment,
    Interval,
    Problem,
    Solution,
    Unserved,
)


def _inside(start: int, end: int, windows: tuple[Interval, ...]) -> bool:
    return any(ws <= start and end <= we for ws, we in windows)


def _check_assignment(problem: Problem, a: Assignment) -> list[str]:
    task = problem.task_by_id().get(a.task)
    if task is None:
        return [f"{a.task}: unknown task"]
    request = problem.request_by_id()[task.request]
    errors = []
    if a.request != task.request:
        errors.append(f"{a.task}: belongs to request {task.request}, not {a.request}")
    if not isinstance(a.start, int) or not isinstance(a.end, int):
        errors.append(f"{a.task}: start and end must be whole minutes")
    if a.machine not in task.durations:
        return [*errors, f"{a.task}: machine {a.machine} is not eligible"]
    if a.end - a.start != task.durations[a.machine]:
        errors.append(
            f"{a.task}: lasts {a.end - a.start} min on {a.machine}, not {task.durations[a.machine]}"
        )
    if a.start < 0 or a.end > problem.horizon_end:
        errors.append(f"{a.task}: not inside the horizon")
    if a.start < request.release:
        errors.append(f"{a.task}: starts before its request's release")
    if a.end > request.deadline:
        errors.append(f"{a.task}: ends after its request's deadline")
    if not _inside(a.start, a.end, problem.machine(a.machine).windows):
        errors.append(f"{a.task}: not wholly inside one window of {a.machine}")
    return errors


def _check_machines(problem: Problem, by_task: dict[str, Assignment]) -> list[str]:
    tasks = problem.task_by_id()
    errors = []
    per_machine: dict[str, list[Assignment]] = defaultdict(list)
    for a in by_task.values():
        per_machine[a.machine].append(a)
    for machine in problem.machines:
        timeline = sorted(per_machine.get(machine.id, []), key=lambda a: (a.start, a.end))
        if timeline:
            first = timeline[0]
            need = machine.initial_setup(tasks[first.task].cls)
            if first.start < need:
                errors.append(
                    f"{machine.id}: first task {first.task} starts before the {need} min changeover"
                )
        for prev, nxt in itertools.pairwise(timeline):
            gap = machine.setup(tasks[prev.task].cls, tasks[nxt.task].cls)
            if nxt.start < prev.end + gap:
                errors.append(
                    f"{machine.id}: {nxt.task} starts {nxt.start - prev.end} min"
                    f" after {prev.task} ends;"
                    f" needs {gap}"
                )
    return errors


def _check_operators(problem: Problem, by_task: dict[str, Assignment]) -> list[str]:
    errors = []
    operators = {o.id: o for o in problem.operators}
    per_operator: dict[str, list[Assignment]] = defaultdict(list)
    for a in by_task.values():
        if a.machine not in problem.machine_by_id():
            continue
        if not problem.needs_operator(a.machine):
            if a.operator is not None:
                errors.append(f"{a.task}: has operator {a.operator} but {a.machine} needs none")
            continue
        operator = operators.get(a.operator or "")
        if operator is None:
            errors.append(f"{a.task}: needs an operator on {a.machine}, got {a.operator!r}")
            continue
        if a.machine not in operator.machines:
            errors.append(f"{a.task}: operator {operator.id} is not trained for {a.machine}")
        if not _inside(a.start, a.end, operator.windows):
            errors.append(f"{a.task}: not wholly inside one shift of operator {operator.id}")
        per_operator[operator.id].append(a)
    for operator_id, items in sorted(per_operator.items()):
        timeline = sorted(items, key=lambda a: a.start)
        for prev, nxt in itertools.pairwise(timeline):
            if nxt.start < prev.end:
                errors.append(f"operator {operator_id}: {prev.task} and {nxt.task} overlap")
    return errors


def _check_chains(problem: Problem, by_task: dict[str, Assignment]) -> list[str]:
    errors = []
    for request in problem.requests:
        for task in request.tasks:
            a = by_task.get(task.id)
            for before in task.after:
                b = by_task.get(before)
                if a is None or b is None:
                    continue
                if a.start < b.end:
                    errors.append(f"{task.id}: starts before {before} ends")
                elif task.max_wait is not None and a.start > b.end + task.max_wait:
                    errors.append(
                        f"{task.id}: waits {a.start - b.end} min after {before};"
                        f" max {task.max_wait}"
                    )
    return errors


def _check_requests(
    problem: Problem, solution: Solution, by_task: dict[str, Assignment]
) -> list[str]:
    errors = []
    listed = [u.request for u in solution.unserved]
    if len(set(listed)) != len(listed):
        errors.append("a request is listed as unserved twice")
    mandatory_missing = False
    for request in problem.requests:
        placed = [t.id for t in request.tasks if t.id in by_task]
        if placed and len(placed) != len(request.tasks):
            errors.append(
                f"{request.id}: only {len(placed)} of {len(request.tasks)} tasks are scheduled"
            )
        if placed and request.id in listed:
            errors.append(f"{request.id}: scheduled but listed as unserved")
        if not placed and request.id not in listed:
            errors.append(f"{request.id}: neither scheduled nor listed as unserved")
        if not placed and problem.must_serve(request):
            mandatory_missing = True
            if solution.status != "infeasible":
                errors.append(f"{request.id}: mandatory but not served")
    if solution.status == "infeasible" and not mandatory_missing:
        errors.append("status is infeasible but every mandatory request is served")
    for request_id in listed:
        if request_id not in problem.request_by_id():
            errors.append(f"unserved lists unknown request {request_id}")
    return errors


def _check_fixed(problem: Problem, by_task: dict[str, Assignment], infeasible: bool) -> list[str]:
    errors = []
    for fixed in problem.fixed:
        a = by_task.get(fixed.task)
        if a is None and infeasible:
            continue  # reported as an unserved must-serve request
        if a is None or a.machine != fixed.machine or a.start != fixed.start:
            errors.append(f"{fixed.task}: fixed placement not honoured")
    return errors


def validate(problem: Problem, solution: Solution) -> list[str]:
    """Every violated rule as a sentence; an empty list means the solution is valid."""
    errors: list[str] = []
    if solution.status not in STATUSES:
        errors.append(f"unknown status {solution.status!r}")
    by_task: dict[str, Assignment] = {}
    for a in solution.assignments:
        if a.task in by_task:
            errors.append(f"{a.task}: scheduled twice")
        errors.extend(_check_assignment(problem, a))
        by_task[a.task] = a
    known = {k: v for k, v in by_task.items() if k in problem.task_by_id()}
    errors += _check_requests(problem, solution, known)
    errors += _check_machines(problem, known)
    errors += _check_operators(problem, known)
    errors += _check_chains(problem, known)
    errors += _check_fixed(problem, known, solution.status == "infeasible")
    expected = objective_value(problem, known.values())
    if not objectives_match(solution.objective, expected):
        errors.append(f"objective {solution.objective} differs from the schedule's {expected}")
    if solution.bound is not None and solution.bound > solution.objective + 1e-6 * max(
        1.0, abs(solution.objective)
    ):
        errors.append(f"bound {solution.bound} exceeds the objective {solution.objective}")
    return errors


def validate_assignments(problem: Problem, assignments: list[Assignment]) -> list[str]:
    """`validate` for a bare schedule: status, objective and unserved list derived from it."""
    served = {a.request for a in assignments}
    missing = any(problem.must_serve(r) and r.id not in served for r in problem.requests)
    unserved = tuple(Unserved(r.id, "") for r in problem.requests if r.id not in served)
    value = objective_value(problem, assignments)
    status = "infeasible" if missing else "feasible"
    return validate(problem, Solution(status, value, None, "", 0.0, tuple(assignments), unserved))

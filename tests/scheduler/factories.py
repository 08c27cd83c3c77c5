"""Builders for small scheduling problems as contract JSON (times in minutes from 08:00 WIB)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.problem import Problem

WIB = timezone(timedelta(hours=7))
START = datetime(2026, 12, 1, 8, 0, tzinfo=WIB)


def at(minute: int) -> str:
    return (START + timedelta(minutes=minute)).isoformat()


def machine(
    ident: str = "m1",
    *,
    type: str = "vacuum_fryer",
    windows: list[tuple[int, int]] | None = None,
    changeover: dict[str, dict[str, int]] | None = None,
    initial_class: str | None = None,
    needs_operator: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ident, "type": type, "house": "batu-bara"}
    if windows is not None:
        data["windows"] = [[at(a), at(b)] for a, b in windows]
    if changeover is not None:
        data["changeover"] = changeover
    if initial_class is not None:
        data["initial_class"] = initial_class
    if needs_operator:
        data["needs_operator"] = True
    return data


def operator(
    ident: str, machines: list[str], windows: list[tuple[int, int]] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ident, "machines": machines}
    if windows is not None:
        data["windows"] = [[at(a), at(b)] for a, b in windows]
    return data


def task(
    ident: str,
    machines: dict[str, int],
    *,
    cls: str | None = None,
    after: list[str] | None = None,
    max_wait: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ident, "machines": machines}
    if cls is not None:
        data["class"] = cls
    if after is not None:
        data["after"] = after
    if max_wait is not None:
        data["max_wait_minutes"] = max_wait
    return data


def request(
    ident: str,
    tasks: list[dict[str, Any]],
    *,
    weight: float | None = None,
    release: int | None = None,
    due: int | None = None,
    deadline: int | None = None,
    mandatory: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ident, "business": "umkm-" + ident, "tasks": tasks}
    if weight is not None:
        data["weight"] = weight
    for key, value in (("release", release), ("due", due), ("deadline", deadline)):
        if value is not None:
            data[key] = at(value)
    if mandatory:
        data["mandatory"] = True
    return data


def simple(ident: str, minutes: int, machine_id: str = "m1", **kwargs: Any) -> dict[str, Any]:
    """A one-task request `ident` with task `ident/t` on one machine."""
    cls = kwargs.pop("cls", None)
    return request(ident, [task(f"{ident}/t", {machine_id: minutes}, cls=cls)], **kwargs)


def problem_json(
    machines: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    *,
    operators: list[dict[str, Any]] | None = None,
    fixed: list[dict[str, Any]] | None = None,
    objective: dict[str, float] | None = None,
    horizon: int = 24 * 60,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "horizon": {"start": at(0), "end": at(horizon)},
        "machines": machines,
        "requests": requests,
    }
    if operators is not None:
        data["operators"] = operators
    if fixed is not None:
        data["fixed"] = fixed
    if objective is not None:
        data["objective"] = objective
    return data


def build(*args: Any, **kwargs: Any) -> Problem:
    return parse_problem(problem_json(*args, **kwargs))


def solution_of(
    problem: Problem,
    rows: list[tuple[str, str, int] | tuple[str, str, int, str]],
    status: str = "feasible",
):
    """A Solution from (task, machine, start[, operator]) rows; objective computed."""
    from sharedfactory.scheduler.objective import objective_value
    from sharedfactory.scheduler.problem import Assignment, Solution, Unserved

    tasks = problem.task_by_id()
    assignments = []
    for row in rows:
        task_id, machine_id, start = row[0], row[1], row[2]
        operator_id = row[3] if len(row) > 3 else None
        duration = tasks[task_id].durations.get(machine_id, 1)
        assignments.append(
            Assignment(
                tasks[task_id].request, task_id, machine_id, start, start + duration, operator_id
            )
        )
    served = {a.request for a in assignments}
    unserved = tuple(Unserved(r.id, "") for r in problem.requests if r.id not in served)
    value = objective_value(problem, assignments)
    return Solution(status, value, None, "hand", 0.0, tuple(assignments), unserved)

"""JSON (CONTRACTS.md section 3, version 1) <-> the dataclasses in problem.py, with validation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from sharedfactory.scheduler.jsonfields import (
    Clock,
    ProblemError,
    bool_field,
    datetime_field,
    list_field,
    minutes_field,
    number_field,
    object_field,
    require_keys,
    str_field,
    unique_ids,
)
from sharedfactory.scheduler.problem import (
    Fixed,
    Interval,
    Machine,
    ObjectiveWeights,
    Operator,
    Problem,
    Request,
    Task,
)
from sharedfactory.scheduler.solution_json import parse_solution, solution_to_json


def _changeover(data: object, path: str) -> dict[str, dict[str, int]]:
    if data is None:
        return {}
    result: dict[str, dict[str, int]] = {}
    for before, row in object_field(data, path).items():
        row_path = f"{path}.{before}"
        result[before] = {
            after: minutes_field(v, f"{row_path}.{after}", positive=False)
            for after, v in object_field(row, row_path).items()
        }
    return result


def _machine(data: object, path: str, clock: Clock, horizon: Interval) -> Machine:
    obj = object_field(data, path)
    require_keys(obj, path, {"id", "type"})
    initial = obj.get("initial_class")
    return Machine(
        id=str_field(obj["id"], f"{path}.id"),
        type=str_field(obj["type"], f"{path}.type"),
        house=None if obj.get("house") is None else str_field(obj["house"], f"{path}.house"),
        windows=clock.windows(obj.get("windows"), f"{path}.windows", horizon),
        changeover=_changeover(obj.get("changeover"), f"{path}.changeover"),
        initial_class=None if initial is None else str_field(initial, f"{path}.initial_class"),
        needs_operator=bool_field(obj.get("needs_operator", False), f"{path}.needs_operator"),
    )


def _operator(
    data: object, path: str, clock: Clock, horizon: Interval, machines: set[str]
) -> Operator:
    obj = object_field(data, path)
    require_keys(obj, path, {"id", "machines"})
    names = [
        str_field(m, f"{path}.machines[{i}]")
        for i, m in enumerate(list_field(obj["machines"], f"{path}.machines"))
    ]
    for i, name in enumerate(names):
        if name not in machines:
            raise ProblemError(f"{path}.machines[{i}]", f"unknown machine {name!r}")
    return Operator(
        id=str_field(obj["id"], f"{path}.id"),
        machines=tuple(names),
        windows=clock.windows(obj.get("windows"), f"{path}.windows", horizon),
    )


def _task(data: object, path: str, request: str, machines: set[str]) -> Task:
    obj = object_field(data, path)
    require_keys(obj, path, {"id", "machines"})
    durations: dict[str, int] = {}
    for name, minutes in object_field(obj["machines"], f"{path}.machines").items():
        if name not in machines:
            raise ProblemError(f"{path}.machines", f"unknown machine {name!r}")
        durations[name] = minutes_field(minutes, f"{path}.machines.{name}", positive=True)
    if not durations:
        raise ProblemError(f"{path}.machines", "must list at least one machine")
    after = obj.get("after") or []
    wait = obj.get("max_wait_minutes")
    cls = obj.get("class")
    return Task(
        id=str_field(obj["id"], f"{path}.id"),
        request=request,
        durations=durations,
        cls=None if cls is None else str_field(cls, f"{path}.class"),
        after=tuple(
            str_field(a, f"{path}.after[{i}]")
            for i, a in enumerate(list_field(after, f"{path}.after"))
        ),
        max_wait=None
        if wait is None
        else minutes_field(wait, f"{path}.max_wait_minutes", positive=False),
    )


def _check_chains(tasks: list[Task], path: str) -> None:
    ids = [t.id for t in tasks]
    for i, task in enumerate(tasks):
        for j, before in enumerate(task.after):
            if before not in ids:
                raise ProblemError(
                    f"{path}[{i}].after[{j}]", f"unknown task {before!r} in this request"
                )
            if before == task.id:
                raise ProblemError(f"{path}[{i}].after[{j}]", "a task cannot follow itself")
    order = topological_order(tasks)
    if order is None:
        raise ProblemError(path, "the 'after' relations form a cycle")


def topological_order(tasks: list[Task] | tuple[Task, ...]) -> list[Task] | None:
    """Tasks ordered so every task comes after its `after` tasks (stable); None on a cycle."""
    placed: list[Task] = []
    done: set[str] = set()
    pending = list(tasks)
    while pending:
        ready = [t for t in pending if all(a in done for a in t.after)]
        if not ready:
            return None
        for task in ready:
            placed.append(task)
            done.add(task.id)
        pending = [t for t in pending if t.id not in done]
    return placed


def _request(
    data: object, path: str, clock: Clock, horizon: Interval, machines: set[str]
) -> Request:
    obj = object_field(data, path)
    require_keys(obj, path, {"id", "tasks"})
    rid = str_field(obj["id"], f"{path}.id")
    raw_tasks = list_field(obj["tasks"], f"{path}.tasks")
    if not raw_tasks:
        raise ProblemError(f"{path}.tasks", "must contain at least one task")
    tasks = [_task(t, f"{path}.tasks[{i}]", rid, machines) for i, t in enumerate(raw_tasks)]
    unique_ids([t.id for t in tasks], f"{path}.tasks", "task")
    _check_chains(tasks, f"{path}.tasks")
    release = (
        horizon[0]
        if obj.get("release") is None
        else clock.minute(obj["release"], f"{path}.release")
    )
    deadline = (
        horizon[1]
        if obj.get("deadline") is None
        else clock.minute(obj["deadline"], f"{path}.deadline")
    )
    due = None if obj.get("due") is None else clock.minute(obj["due"], f"{path}.due")
    weight = 1.0 if obj.get("weight") is None else number_field(obj["weight"], f"{path}.weight")
    return Request(
        id=rid,
        business=None
        if obj.get("business") is None
        else str_field(obj["business"], f"{path}.business"),
        weight=weight,
        release=release,
        due=due,
        deadline=deadline,
        mandatory=bool_field(obj.get("mandatory", False), f"{path}.mandatory"),
        tasks=tuple(tasks),
    )


def _fixed(data: object, path: str, clock: Clock, problem: Problem) -> Fixed:
    obj = object_field(data, path)
    require_keys(obj, path, {"task", "machine", "start"})
    task_id = str_field(obj["task"], f"{path}.task")
    task = problem.task_by_id().get(task_id)
    if task is None:
        raise ProblemError(f"{path}.task", f"unknown task {task_id!r}")
    machine_id = str_field(obj["machine"], f"{path}.machine")
    machine = problem.machine_by_id().get(machine_id)
    if machine is None:
        raise ProblemError(f"{path}.machine", f"unknown machine {machine_id!r}")
    if machine_id not in task.durations:
        raise ProblemError(f"{path}.machine", f"task {task_id!r} cannot run on {machine_id!r}")
    start = clock.minute(obj["start"], f"{path}.start")
    end = start + task.durations[machine_id]
    if not any(ws <= start and end <= we for ws, we in machine.windows):
        raise ProblemError(
            f"{path}.start", f"task {task_id!r} is outside every window of {machine_id!r}"
        )
    return Fixed(task=task_id, machine=machine_id, start=start)


def _weights(data: object) -> ObjectiveWeights:
    if data is None:
        return ObjectiveWeights()
    obj = object_field(data, "objective")
    known = {"unserved", "tardiness", "completion", "makespan"}
    for key in obj:
        if key not in known:
            raise ProblemError(f"objective.{key}", f"unknown objective term {key!r}")
    values = {k: number_field(v, f"objective.{k}") for k, v in obj.items()}
    return ObjectiveWeights(**values)


def parse_problem(data: object) -> Problem:
    """Validate problem JSON (already decoded) and return it as a Problem; raises ProblemError."""
    obj = object_field(data, "")
    if obj.get("version") != 1:
        raise ProblemError("version", f"unsupported version {obj.get('version')!r}; expected 1")
    horizon_obj = object_field(obj.get("horizon"), "horizon")
    require_keys(horizon_obj, "horizon", {"start", "end"})
    start = datetime_field(horizon_obj["start"], "horizon.start")
    clock = Clock(start)
    end = clock.minute(horizon_obj["end"], "horizon.end")
    if end <= 0:
        raise ProblemError("horizon", "end must be after start")
    horizon = (0, end)
    raw_machines = list_field(obj.get("machines"), "machines")
    machines = [_machine(m, f"machines[{i}]", clock, horizon) for i, m in enumerate(raw_machines)]
    unique_ids([m.id for m in machines], "machines", "machine")
    names = {m.id for m in machines}
    raw_ops = list_field(obj.get("operators") or [], "operators")
    operators = [
        _operator(o, f"operators[{i}]", clock, horizon, names) for i, o in enumerate(raw_ops)
    ]
    unique_ids([o.id for o in operators], "operators", "operator")
    raw_requests = list_field(obj.get("requests"), "requests")
    requests = [
        _request(r, f"requests[{i}]", clock, horizon, names) for i, r in enumerate(raw_requests)
    ]
    unique_ids([r.id for r in requests], "requests", "request")
    _unique_tasks(requests)
    problem = Problem(
        horizon_start=start,
        horizon_end=end,
        machines=tuple(machines),
        operators=tuple(operators),
        requests=tuple(requests),
        objective=_weights(obj.get("objective")),
    )
    raw_fixed = list_field(obj.get("fixed") or [], "fixed")
    fixed = [_fixed(f, f"fixed[{i}]", clock, problem) for i, f in enumerate(raw_fixed)]
    for i, item in enumerate(fixed):
        if any(other.task == item.task for other in fixed[:i]):
            raise ProblemError(f"fixed[{i}].task", f"task {item.task!r} is fixed twice")
    return replace(problem, fixed=tuple(fixed))


def _unique_tasks(requests: list[Request]) -> None:
    seen: dict[str, int] = {}
    for i, request in enumerate(requests):
        for j, task in enumerate(request.tasks):
            if task.id in seen:
                raise ProblemError(f"requests[{i}].tasks[{j}].id", f"duplicate task id {task.id!r}")
            seen[task.id] = i


def load_problem(path: str | Path) -> Problem:
    """Read and parse a problem file; malformed JSON is reported as a ProblemError too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ProblemError("", f"cannot read file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ProblemError("", "file is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProblemError(
            "", f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    return parse_problem(data)


__all__ = ["ProblemError", "load_problem", "parse_problem", "parse_solution", "solution_to_json"]

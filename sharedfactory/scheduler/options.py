"""Pure pre-processing for the MILP: placement options, chains, exactness, decomposition."""

from __future__ import annotations

from dataclasses import dataclass

from sharedfactory.scheduler.problem import Machine, Problem, Request, Task


@dataclass(frozen=True)
class Option:
    """Task on `machine` inside window number `window`, starting in [low, high]."""

    machine: str
    window: int
    low: int
    high: int
    duration: int


def task_options(
    problem: Problem, task: Task, sequenced: frozenset[str] = frozenset()
) -> list[Option]:
    """Placements by machine window; the initial changeover bounds every start, except on
    `sequenced` machines where the MILP models it for the first task only."""
    request = problem.request_by_id()[task.request]
    fixed = problem.fixed_by_task().get(task.id)
    options = []
    for machine_id in sorted(task.durations):
        if fixed is not None and fixed.machine != machine_id:
            continue
        machine = problem.machine(machine_id)
        duration = task.durations[machine_id]
        initial = 0 if machine_id in sequenced else machine.initial_setup(task.cls)
        earliest = max(request.release, 0, initial)
        for index, (ws, we) in enumerate(machine.windows):
            low, high = max(ws, earliest), min(we, request.deadline) - duration
            if fixed is not None:
                if not low <= fixed.start <= high:
                    continue
                low = high = fixed.start
            if low <= high:
                options.append(Option(machine_id, index, low, high, duration))
    return options


def ancestors(request: Request) -> dict[str, set[str]]:
    """For each task, every task of its request that must end before it starts."""
    by_id = {t.id: t for t in request.tasks}
    result: dict[str, set[str]] = {}

    def visit(task_id: str) -> set[str]:
        if task_id not in result:
            found: set[str] = set()
            for before in by_id[task_id].after:
                found |= {before} | visit(before)
            result[task_id] = found
        return result[task_id]

    for task in request.tasks:
        visit(task.id)
    return result


def pairwise_exact(problem: Problem, machine: Machine) -> bool:
    """True when the pairwise (every earlier task) changeover rule on `machine` equals the
    contract's direct-successor rule: no task b in between can shorten a changeover, i.e.
    setup(a, c) <= setup(a, b) + shortest duration of class b on the machine + setup(b, c).
    """
    shortest: dict[str | None, int] = {}
    for request in problem.requests:
        for task in request.tasks:
            if machine.id in task.durations:
                d = task.durations[machine.id]
                shortest[task.cls] = min(shortest.get(task.cls, d), d)
    classes: set[str | None] = set(shortest) | {machine.initial_class}
    for a in classes:
        for b, d in shortest.items():
            for c in classes:
                if machine.setup(a, c) > machine.setup(a, b) + d + machine.setup(b, c):
                    return False
    return True


def sequenced_machines(problem: Problem) -> frozenset[str]:
    """Machines whose changeovers need the exact direct-successor model in the MILP."""
    return frozenset(m.id for m in problem.machines if not pairwise_exact(problem, m))


def _find(parent: dict[str, str], item: str) -> str:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def components(problem: Problem) -> list[list[Request]]:
    """Groups of requests that share no machine and no operator (input order kept)."""
    parent = {m.id: m.id for m in problem.machines}
    for operator in problem.operators:
        linked = [m for m in operator.machines if problem.machine(m).needs_operator]
        for other in linked[1:]:
            parent[_find(parent, other)] = _find(parent, linked[0])
    groups: dict[str, list[Request]] = {}
    for request in problem.requests:
        machines = sorted({m for t in request.tasks for m in t.durations})
        roots = {_find(parent, m) for m in machines}
        root = min(roots)
        for other in roots:
            parent[other] = root
        groups.setdefault(root, []).append(request)
    merged: dict[str, list[Request]] = {}
    for root, items in groups.items():
        merged.setdefault(_find(parent, root), []).extend(items)
    order = {r.id: i for i, r in enumerate(problem.requests)}
    result = [sorted(items, key=lambda r: order[r.id]) for items in merged.values()]
    return sorted(result, key=lambda items: order[items[0].id])

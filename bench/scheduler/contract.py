"""A small, independent reading of the scheduling contract (CONTRACTS.md section 3, version 1).

Used by the CP-SAT peer and as a sanity check of any solution. It imports nothing from
``sharedfactory.scheduler`` (which imports PuLP/highspy; they cannot share a process with
OR-Tools).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

JSON = dict[str, Any]

DEFAULT_OBJECTIVE: dict[str, float] = {
    "unserved": 1000.0,
    "tardiness": 1.0,
    "completion": 0.0,
    "makespan": 0.0,
}


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with a UTC offset."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time without a UTC offset: {text!r}")
    return value


def minutes_between(origin: datetime, text: str) -> int:
    """Whole minutes from ``origin`` to the ISO time ``text`` (rounded down)."""
    return int((parse_time(text) - origin).total_seconds() // 60)


def iso_at(origin: datetime, minutes: int) -> str:
    """The ISO time ``minutes`` after ``origin``, in the origin's offset."""
    return (origin + timedelta(minutes=minutes)).isoformat()


def objective_weights(problem: JSON) -> dict[str, float]:
    weights = dict(DEFAULT_OBJECTIVE)
    for key, value in (problem.get("objective") or {}).items():
        weights[key] = float(value)
    return weights


def horizon(problem: JSON) -> tuple[datetime, int]:
    """Horizon start and its length in minutes."""
    start = parse_time(problem["horizon"]["start"])
    return start, minutes_between(start, problem["horizon"]["end"])


def machine_windows(problem: JSON, machine: JSON) -> list[tuple[int, int]]:
    """Sorted, clipped windows of a machine (or operator) in minutes from the horizon start."""
    start, length = horizon(problem)
    raw = machine.get("windows")
    if raw is None:
        return [(0, length)]
    spans = []
    for a, b in raw:
        lo = max(0, minutes_between(start, a))
        hi = min(length, minutes_between(start, b))
        if hi > lo:
            spans.append((lo, hi))
    return sorted(spans)


def objective_value(problem: JSON, assignments: list[JSON]) -> float:
    """The contract's objective for a schedule given as a list of assignments."""
    start, _ = horizon(problem)
    weights = objective_weights(problem)
    ends: dict[str, int] = {}
    latest = 0
    for item in assignments:
        end = minutes_between(start, item["end"])
        latest = max(latest, end)
        ends[item["request"]] = max(ends.get(item["request"], end), end)
    total = 0.0
    for request in problem["requests"]:
        weight = float(request.get("weight", 1.0))
        rid = request["id"]
        if rid not in ends:
            total += weights["unserved"] * weight
            continue
        completion = ends[rid]
        if request.get("due") is not None:
            late = max(0, completion - minutes_between(start, request["due"]))
            total += weights["tardiness"] * weight * late
        total += weights["completion"] * weight * completion
    if assignments:
        total += weights["makespan"] * latest
    return total


def check(problem: JSON, solution: JSON) -> list[str]:
    """Every violated hard rule of ``solution`` (empty list: valid). Independent of the core."""
    errors: list[str] = []
    start, length = horizon(problem)
    machines = {m["id"]: m for m in problem["machines"]}
    operators = {o["id"]: o for o in problem.get("operators") or []}
    tasks: dict[str, tuple[JSON, JSON]] = {}
    for request in problem["requests"]:
        for task in request["tasks"]:
            tasks[task["id"]] = (request, task)
    placed: dict[str, JSON] = {}
    for item in solution.get("assignments", []):
        tid = item["task"]
        if tid not in tasks:
            errors.append(f"unknown task {tid}")
            continue
        if tid in placed:
            errors.append(f"task {tid} placed twice")
        placed[tid] = item
    served: set[str] = set()
    for request in problem["requests"]:
        ids = [t["id"] for t in request["tasks"]]
        count = sum(1 for t in ids if t in placed)
        if count == len(ids):
            served.add(request["id"])
        elif count:
            errors.append(f"request {request['id']} partly served")
        elif request.get("mandatory"):
            errors.append(f"mandatory request {request['id']} unserved")
    spans: dict[str, tuple[int, int]] = {}
    for tid, item in placed.items():
        request, task = tasks[tid]
        mid = item["machine"]
        s = minutes_between(start, item["start"])
        e = minutes_between(start, item["end"])
        spans[tid] = (s, e)
        if mid not in task["machines"]:
            errors.append(f"{tid} on ineligible machine {mid}")
            continue
        if e - s != int(task["machines"][mid]):
            errors.append(f"{tid} lasts {e - s} min, not {task['machines'][mid]} on {mid}")
        if parse_time(item["start"]).second or parse_time(item["start"]).microsecond:
            errors.append(f"{tid} does not start on a whole minute")
        if not any(a <= s and e <= b for a, b in machine_windows(problem, machines[mid])):
            errors.append(f"{tid} on {mid} [{s},{e}) outside every window")
        rel = minutes_between(start, request["release"]) if request.get("release") else 0
        dl = minutes_between(start, request["deadline"]) if request.get("deadline") else length
        if s < rel or e > dl or s < 0 or e > length:
            errors.append(f"{tid} [{s},{e}) outside release/deadline [{rel},{dl}]")
        if operators and machines[mid].get("needs_operator"):
            oid = item.get("operator")
            if oid not in operators:
                errors.append(f"{tid} on {mid} has no operator")
            else:
                op = operators[oid]
                if mid not in op["machines"]:
                    errors.append(f"operator {oid} not qualified on {mid}")
                if not any(a <= s and e <= b for a, b in machine_windows(problem, op)):
                    errors.append(f"{tid}: operator {oid} off shift")
    for tid, (s, _e) in spans.items():
        _, task = tasks[tid]
        for pred in task.get("after") or []:
            if pred not in spans:
                continue
            pe = spans[pred][1]
            if s < pe:
                errors.append(f"{tid} starts before {pred} ends")
            wait = task.get("max_wait_minutes")
            if wait is not None and s > pe + int(wait):
                errors.append(f"{tid} waits {s - pe} > {wait} min after {pred}")
    by_machine: dict[str, list[tuple[int, int, str]]] = {}
    by_operator: dict[str, list[tuple[int, int, str]]] = {}
    for tid, item in placed.items():
        s, e = spans[tid]
        by_machine.setdefault(item["machine"], []).append((s, e, tid))
        if item.get("operator"):
            by_operator.setdefault(item["operator"], []).append((s, e, tid))
    for mid, runs in by_machine.items():
        runs.sort()
        machine = machines.get(mid, {})
        change = machine.get("changeover") or {}
        initial = machine.get("initial_class")
        if initial is not None and runs:
            first_class = tasks[runs[0][2]][1].get("class")
            need = int(change.get(initial, {}).get(first_class, 0))
            if runs[0][0] < need:
                errors.append(f"{mid}: first task {runs[0][2]} before initial changeover {need}")
        for (_s1, e1, t1), (s2, _e2, t2) in itertools.pairwise(runs):
            c1 = tasks[t1][1].get("class")
            c2 = tasks[t2][1].get("class")
            need = int(change.get(c1, {}).get(c2, 0)) if c1 is not None else 0
            if s2 < e1 + need:
                errors.append(f"{mid}: {t2} starts {s2} < {e1}+{need} after {t1}")
    for oid, runs in by_operator.items():
        runs.sort()
        for (_s1, e1, t1), (s2, _e2, t2) in itertools.pairwise(runs):
            if s2 < e1:
                errors.append(f"operator {oid}: {t1} and {t2} overlap")
    for fixed in problem.get("fixed") or []:
        item = placed.get(fixed["task"])
        if (
            item is None
            or item["machine"] != fixed["machine"]
            or minutes_between(start, item["start"]) != minutes_between(start, fixed["start"])
        ):
            errors.append(f"fixed task {fixed['task']} not where it was fixed")
    return errors

"""A CP-SAT peer for the scheduling contract (CONTRACTS.md section 3, version 1).

Run it in its own process: ``highspy`` 1.15 and ``ortools`` 9.15 cannot be imported into one
process (DESIGN.md), so this module imports nothing from ``sharedfactory.scheduler``.

    uv run --group bench python -m bench.scheduler.cpsat PROBLEM.json --time-limit 10 [-o OUT]

Model: per task a start, an end and a presence literal per eligible machine (an optional fixed-size
interval, NoOverlap per machine); a task runs inside one window of its machine (the start is
restricted to the union of [window start, window end - duration]); sequence-dependent changeovers
with an add_circuit per machine (arcs carry the setup; a dummy node for the first and last task; the
machine's initial class on the first arc), or, where the setups obey the triangle inequality (the
halal/non-halal rule does), one order literal per pair of tasks of different classes, which is exact
there and far smaller; operators as optional intervals per qualified operator
with NoOverlap per operator, their off-shift time as fixed intervals; chains with a maximum wait;
releases and deadlines as bounds; one ``served`` literal per request; tardiness, completion and
makespan as in the contract's formula. ``num_workers`` defaults to 2 (the benchmark machine has 2
cores) and the random seed is fixed.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from bench.scheduler.contract import (
    horizon,
    iso_at,
    machine_windows,
    minutes_between,
    objective_value,
    objective_weights,
)

JSON = dict[str, Any]


def _complement(windows: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps, cursor = [], 0
    for a, b in windows:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < length:
        gaps.append((cursor, length))
    return gaps


def _starts(windows: list[tuple[int, int]], lo: int, hi: int, duration: int) -> list[list[int]]:
    """Start intervals [a, b] such that [s, s + duration) lies in a window and in [lo, hi]."""
    out = []
    for a, b in windows:
        first, last = max(a, lo), min(b, hi) - duration
        if last >= first:
            out.append([first, last])
    return out


def _scale(values: list[float]) -> int:
    for scale in (1, 10, 100, 1000, 10000):
        if all(abs(v * scale - round(v * scale)) < 1e-9 for v in values):
            return scale
    return 10000


class _Task:
    def __init__(self, request: JSON, task: JSON, rel: int, dl: int) -> None:
        self.request = request
        self.task = task
        self.id: str = task["id"]
        self.klass: str | None = task.get("class")
        self.rel = rel
        self.dl = dl
        self.durations: dict[str, int] = {}
        self.starts: dict[str, list[list[int]]] = {}
        self.present: dict[str, cp_model.IntVar] = {}
        self.ops: dict[str, cp_model.IntVar] = {}


def solve_cpsat(
    problem: JSON,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
    hint: JSON | None = None,
) -> JSON:
    """Solve ``problem`` with CP-SAT; a solution dict in the contract's shape (plus timings).

    ``hint``: a solution in the contract's shape whose schedule is given to CP-SAT as a hint
    (a warm start); without it CP-SAT starts cold.
    """
    wall0 = time.perf_counter()
    origin, length = horizon(problem)
    weights = objective_weights(problem)
    machines = {m["id"]: m for m in problem["machines"]}
    windows = {mid: machine_windows(problem, m) for mid, m in machines.items()}
    operators = {o["id"]: o for o in problem.get("operators") or []}
    op_windows = {oid: machine_windows(problem, o) for oid, o in operators.items()}
    fixed = {f["task"]: f for f in problem.get("fixed") or []}

    model = cp_model.CpModel()
    served: dict[str, cp_model.IntVar] = {}
    tasks: list[_Task] = []
    by_request: dict[str, list[_Task]] = {}
    for request in problem["requests"]:
        rid = request["id"]
        rel = max(0, minutes_between(origin, request["release"])) if request.get("release") else 0
        dl = length
        if request.get("deadline"):
            dl = min(length, minutes_between(origin, request["deadline"]))
        lit = model.new_bool_var(f"served[{rid}]")
        served[rid] = lit
        if request.get("mandatory") or any(t["id"] in fixed for t in request["tasks"]):
            model.add(lit == 1)
        group = []
        for task in request["tasks"]:
            item = _Task(request, task, rel, max(rel, dl))
            for mid, raw in task["machines"].items():
                if mid not in machines:
                    continue
                duration = int(raw)
                allowed = _starts(windows[mid], rel, dl, duration)
                if task["id"] in fixed:
                    if fixed[task["id"]]["machine"] != mid:
                        continue
                    at = minutes_between(origin, fixed[task["id"]]["start"])
                    allowed = [[at, at]]
                if operators and machines[mid].get("needs_operator"):
                    qualified = [o for o in operators.values() if mid in o["machines"]]
                    if not any(_starts(op_windows[o["id"]], rel, dl, duration) for o in qualified):
                        allowed = []
                if allowed:
                    item.durations[mid] = duration
                    item.starts[mid] = allowed
            group.append(item)
            tasks.append(item)
        by_request[rid] = group

    start: dict[str, cp_model.IntVar] = {}
    end: dict[str, cp_model.IntVar] = {}
    size: dict[str, cp_model.IntVar] = {}
    machine_intervals: dict[str, list[cp_model.IntervalVar]] = {mid: [] for mid in machines}
    machine_tasks: dict[str, list[_Task]] = {mid: [] for mid in machines}
    operator_intervals: dict[str, list[cp_model.IntervalVar]] = {oid: [] for oid in operators}
    for item in tasks:
        lit = served[item.request["id"]]
        if not item.durations:
            model.add(lit == 0)
        longest = max(item.durations.values(), default=0)
        s = model.new_int_var(item.rel, item.dl, f"s[{item.id}]")
        e = model.new_int_var(item.rel, item.dl, f"e[{item.id}]")
        d = model.new_int_var(0, longest, f"d[{item.id}]")
        start[item.id], end[item.id], size[item.id] = s, e, d
        model.add(e == s + d)
        model.add(s == item.rel).only_enforce_if(lit.negated())
        for mid, duration in item.durations.items():
            x = model.new_bool_var(f"x[{item.id},{mid}]")
            item.present[mid] = x
            domain = cp_model.Domain.from_intervals(item.starts[mid])
            model.add_linear_expression_in_domain(s, domain).only_enforce_if(x)
            machine_intervals[mid].append(
                model.new_optional_fixed_size_interval_var(s, duration, x, f"i[{item.id},{mid}]")
            )
            machine_tasks[mid].append(item)
        model.add(sum(item.present.values()) == lit)
        model.add(d == sum(dur * item.present[mid] for mid, dur in item.durations.items()))
        if operators:
            needing = [mid for mid in item.durations if machines[mid].get("needs_operator")]
            if needing:
                shortest = min(item.durations[mid] for mid in needing)
                for oid, op in operators.items():
                    mine = [item.present[mid] for mid in needing if mid in op["machines"]]
                    allowed = _starts(op_windows[oid], item.rel, item.dl, shortest)
                    if not mine or not allowed:
                        continue
                    z = model.new_bool_var(f"z[{item.id},{oid}]")
                    item.ops[oid] = z
                    model.add(z <= sum(mine))
                    model.add_linear_expression_in_domain(
                        s, cp_model.Domain.from_intervals(allowed)
                    ).only_enforce_if(z)
                    operator_intervals[oid].append(
                        model.new_optional_interval_var(s, d, e, z, f"o[{item.id},{oid}]")
                    )
                model.add(sum(item.ops.values()) == sum(item.present[mid] for mid in needing))

    # Chains inside a request (unserved tasks sit at the release with zero length: always valid).
    for group in by_request.values():
        ids = {item.id for item in group}
        for item in group:
            wait = item.task.get("max_wait_minutes")
            for pred in item.task.get("after") or []:
                if pred not in ids:
                    continue
                model.add(start[item.id] >= end[pred])
                if wait is not None:
                    model.add(start[item.id] <= end[pred] + int(wait))

    for intervals in machine_intervals.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    for oid, intervals in operator_intervals.items():
        if not intervals:
            continue
        gaps = [
            model.new_interval_var(a, b - a, b, f"off[{oid},{a}]")
            for a, b in _complement(op_windows[oid], length)
        ]
        model.add_no_overlap(intervals + gaps)

    arcs_total = 0
    orders: list[tuple[cp_model.IntVar, str, str]] = []
    for mid, group in machine_tasks.items():
        arcs_total += _changeovers(model, machines[mid], mid, group, start, orders)

    # Objective, scaled to integers.
    terms: list[tuple[float, cp_model.LinearExprT]] = []
    makespan = model.new_int_var(0, length, "makespan") if weights["makespan"] else None
    for request in problem["requests"]:
        rid = request["id"]
        lit = served[rid]
        weight = float(request.get("weight", 1.0))
        group = by_request[rid]
        if weights["unserved"] * weight:
            terms.append((weights["unserved"] * weight, 1 - lit))
        if request.get("due") is not None and weights["tardiness"] * weight:
            due = minutes_between(origin, request["due"])
            late = model.new_int_var(0, length, f"late[{rid}]")
            for item in group:
                model.add(late >= end[item.id] - due).only_enforce_if(lit)
            terms.append((weights["tardiness"] * weight, late))
        if weights["completion"] * weight:
            done = model.new_int_var(0, length, f"done[{rid}]")
            for item in group:
                model.add(done >= end[item.id]).only_enforce_if(lit)
            terms.append((weights["completion"] * weight, done))
        if makespan is not None:
            for item in group:
                model.add(makespan >= end[item.id]).only_enforce_if(lit)
    if makespan is not None:
        terms.append((weights["makespan"], makespan))
    scale = _scale([c for c, _ in terms])
    model.minimize(sum(round(c * scale) * expr for c, expr in terms))
    if hint is not None:
        _add_hint(model, hint, origin, tasks, served, start, end, size, orders)
    build_seconds = time.perf_counter() - wall0

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    code = solver.solve(model)
    status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(code, "unknown")

    assignments: list[JSON] = []
    unserved: list[JSON] = []
    if status in {"optimal", "feasible"}:
        for request in problem["requests"]:
            rid = request["id"]
            if not solver.value(served[rid]):
                unserved.append({"request": rid, "reason": "left out by the CP-SAT peer"})
                continue
            for item in by_request[rid]:
                mid = next(m for m, x in item.present.items() if solver.value(x))
                s_val = solver.value(start[item.id])
                row: JSON = {
                    "request": rid,
                    "task": item.id,
                    "machine": mid,
                    "start": iso_at(origin, s_val),
                    "end": iso_at(origin, s_val + item.durations[mid]),
                }
                chosen = [oid for oid, z in item.ops.items() if solver.value(z)]
                if chosen:
                    row["operator"] = chosen[0]
                assignments.append(row)
        assignments.sort(key=lambda row: (row["start"], row["machine"]))
    bound = solver.best_objective_bound / scale if status in {"optimal", "feasible"} else None
    objective = objective_value(problem, assignments) if status in {"optimal", "feasible"} else None
    if status == "optimal" and objective is not None and bound is not None:
        bound = min(bound, objective)
    if bound is not None and not math.isfinite(bound):
        bound = None
    return {
        "version": 1,
        "status": status,
        "objective": objective,
        "bound": bound,
        "solver": "cpsat",
        "seconds": round(time.perf_counter() - wall0, 3),
        "build_seconds": round(build_seconds, 3),
        "solve_seconds": round(solver.wall_time, 3),
        "num_workers": workers,
        "changeover_literals": arcs_total,
        "assignments": assignments,
        "unserved": unserved,
    }


def _changeovers(
    model: cp_model.CpModel,
    machine: JSON,
    mid: str,
    group: list[_Task],
    start: dict[str, cp_model.IntVar],
    orders: list[tuple[cp_model.IntVar, str, str]],
) -> int:
    """Sequence-dependent changeovers on one machine; the number of literals added.

    An add_circuit (arcs carry the setup) in general; one order literal per pair of tasks of
    different classes where the setups are triangular (the halal/non-halal rule is): exact there
    and much smaller."""
    change: dict[str, dict[str, int]] = machine.get("changeover") or {}
    initial = machine.get("initial_class")

    def setup(a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return 0
        return int(change.get(a, {}).get(b, 0))

    classes = {item.klass for item in group}
    needed = any(setup(a, b) > 0 for a in classes for b in classes if a != b)
    first_setup = [setup(initial, item.klass) for item in group]
    if not group or (not needed and not any(first_setup)):
        return 0
    if _triangular(setup, group, mid, initial):
        return _pairwise(model, mid, group, start, setup, first_setup, orders)
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    empty = model.new_bool_var(f"empty[{mid}]")
    arcs.append((0, 0, empty))
    for i, item in enumerate(group, start=1):
        x = item.present[mid]
        arcs.append((i, i, x.negated()))
        first = model.new_bool_var(f"first[{mid},{item.id}]")
        arcs.append((0, i, first))
        if first_setup[i - 1]:
            model.add(start[item.id] >= first_setup[i - 1]).only_enforce_if(first)
        arcs.append((i, 0, model.new_bool_var(f"last[{mid},{item.id}]")))
    for i, a in enumerate(group, start=1):
        da = a.durations[mid]
        for j, b in enumerate(group, start=1):
            if i == j:
                continue
            gap = setup(a.klass, b.klass)
            # Prune arcs that no schedule can use: a cannot end (plus setup) before b must start.
            if a.rel + da + gap > b.dl - b.durations[mid]:
                continue
            lit = model.new_bool_var("")
            arcs.append((i, j, lit))
            model.add(start[b.id] >= start[a.id] + da + gap).only_enforce_if(lit)
    model.add_circuit(arcs)
    return len(arcs)


def _add_hint(
    model: cp_model.CpModel,
    hint: JSON,
    origin: Any,
    tasks: list[_Task],
    served: dict[str, cp_model.IntVar],
    start: dict[str, cp_model.IntVar],
    end: dict[str, cp_model.IntVar],
    size: dict[str, cp_model.IntVar],
    orders: list[tuple[cp_model.IntVar, str, str]],
) -> None:
    """Hint CP-SAT with the schedule of ``hint`` (unplaced requests hinted as unserved)."""
    placed = {a["task"]: a for a in hint.get("assignments", [])}
    served_ids = {a["request"] for a in placed.values()}
    for rid, lit in served.items():
        model.add_hint(lit, rid in served_ids)
    begins: dict[str, int] = {}
    for item in tasks:
        row = placed.get(item.id)
        if row is None or row["machine"] not in item.present:
            begin, length = item.rel, 0
        else:
            begin, length = minutes_between(origin, row["start"]), item.durations[row["machine"]]
        begins[item.id] = begin
        model.add_hint(start[item.id], begin)
        model.add_hint(end[item.id], begin + length)
        model.add_hint(size[item.id], length)
        for mid, x in item.present.items():
            model.add_hint(x, row is not None and row["machine"] == mid)
        for oid, z in item.ops.items():
            model.add_hint(z, row is not None and row.get("operator") == oid)
    for lit, a, b in orders:
        model.add_hint(lit, begins[a] <= begins[b])


def _triangular(
    setup: Callable[[str | None, str | None], int],
    group: list[_Task],
    mid: str,
    initial: str | None,
) -> bool:
    """Whether setup(a, c) <= setup(a, b) + shortest task of class b + setup(b, c) for all a, b, c.

    Then a setup between every ordered pair of tasks on the machine (not only direct successors)
    is implied by the direct ones, and the cheaper pairwise model is exact.
    """
    shortest: dict[str | None, int] = {}
    for item in group:
        shortest[item.klass] = min(
            shortest.get(item.klass, item.durations[mid]), item.durations[mid]
        )
    classes = list(shortest)
    sources = [*classes, initial] if initial is not None else classes
    return all(
        setup(a, c) <= setup(a, b) + shortest[b] + setup(b, c)
        for a in sources
        for b in classes
        for c in classes
    )


def _pairwise(
    model: cp_model.CpModel,
    mid: str,
    group: list[_Task],
    start: dict[str, cp_model.IntVar],
    setup: Callable[[str | None, str | None], int],
    first_setup: list[int],
    orders: list[tuple[cp_model.IntVar, str, str]],
) -> int:
    """Changeovers as one order literal per pair of tasks of different classes (exact when the
    setups are triangular, see ``_triangular``); the initial class bounds every start. Literals."""
    for item, need in zip(group, first_setup, strict=True):
        if need:
            model.add(start[item.id] >= need).only_enforce_if(item.present[mid])
    count = 0
    for i, a in enumerate(group):
        da = a.durations[mid]
        for b in group[i + 1 :]:
            ab, ba = setup(a.klass, b.klass), setup(b.klass, a.klass)
            if not ab and not ba:
                continue  # the machine's NoOverlap is enough
            db = b.durations[mid]
            both = [a.present[mid], b.present[mid]]
            a_first = a.rel + da + ab <= b.dl - db
            b_first = b.rel + db + ba <= a.dl - da
            if a_first and b_first:
                order = model.new_bool_var("")
                orders.append((order, a.id, b.id))
                count += 1
                model.add(start[b.id] >= start[a.id] + da + ab).only_enforce_if([*both, order])
                model.add(start[a.id] >= start[b.id] + db + ba).only_enforce_if(
                    [*both, order.negated()]
                )
            elif a_first:
                model.add(start[b.id] >= start[a.id] + da + ab).only_enforce_if(both)
            elif b_first:
                model.add(start[a.id] >= start[b.id] + db + ba).only_enforce_if(both)
            else:
                model.add_bool_or([x.negated() for x in both])
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Solve a scheduling problem JSON with CP-SAT.")
    parser.add_argument("problem", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2 cores here)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log", action="store_true", help="CP-SAT search log to stderr")
    parser.add_argument("--hint", type=Path, help="a solution JSON to warm-start from")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    problem = json.loads(args.problem.read_text())
    hint = json.loads(args.hint.read_text()) if args.hint else None
    solution = solve_cpsat(problem, args.time_limit, args.workers, args.seed, args.log, hint)
    solution["hinted"] = hint is not None
    solution["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    text = json.dumps(solution, indent=1)
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text + "\n")
    return 0 if solution["status"] in {"optimal", "feasible"} else 3


if __name__ == "__main__":
    raise SystemExit(main())

"""The scheduler's entry point: greedy start, decomposed MILP, validation, explanations."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from sharedfactory.scheduler.explain import reasons
from sharedfactory.scheduler.greedy import best_list_order, fcfs_schedule, order_search
from sharedfactory.scheduler.improve import TARGET_REQUESTS, improve
from sharedfactory.scheduler.insert import Inserter
from sharedfactory.scheduler.milp import solve_milp
from sharedfactory.scheduler.objective import objective_value, rank
from sharedfactory.scheduler.options import components
from sharedfactory.scheduler.problem import Assignment, Problem, Request, Solution, Unserved
from sharedfactory.scheduler.repair import repair_search
from sharedfactory.scheduler.sequence import applies as sequence_applies
from sharedfactory.scheduler.sequence import sequence_search
from sharedfactory.scheduler.validate import validate

SOLVERS = ("highs", "cbc", "greedy")
# When each phase ends, as a share of the time limit. With more than 40 requests the full MILP
# rarely improves on ruin and recreate (see docs/scheduler.md), so that search gets most.
SMALL_SHARES = {"order": 0.1, "repair": 0.5, "milp": 1.0}
LARGE_SHARES = {"order": 0.05, "repair": 0.9, "milp": 1.0}
MAX_MILP_PAIRS = 8_000  # larger groups keep the list schedule (see docs/scheduler.md)


@dataclass(frozen=True)
class Progress:
    elapsed: float
    incumbent: float | None
    bound: float | None
    gap: float | None
    phase: str


def _gap(incumbent: float | None, bound: float | None) -> float | None:
    if incumbent is None or bound is None:
        return None
    return max(0.0, incumbent - bound) / max(abs(incumbent), 1e-9)


class _Reporter:
    def __init__(self, sink: Callable[[Progress], None] | None, began: float) -> None:
        self.sink, self.began = sink, began

    def __call__(self, phase: str, incumbent: float | None, bound: float | None) -> None:
        if self.sink is not None:
            elapsed = time.perf_counter() - self.began
            self.sink(Progress(elapsed, incumbent, bound, _gap(incumbent, bound), phase))


def _subproblem(problem: Problem, group: list[Request]) -> Problem:
    ids = {t.id for r in group for t in r.tasks}
    return replace(
        problem, requests=tuple(group), fixed=tuple(f for f in problem.fixed if f.task in ids)
    )


def _pair_estimate(problem: Problem) -> int:
    per_machine: dict[str, int] = {}
    for request in problem.requests:
        for task in request.tasks:
            for machine_id in task.durations:
                per_machine[machine_id] = per_machine.get(machine_id, 0) + 1
    return sum(n * (n - 1) // 2 for n in per_machine.values())


def finish(
    problem: Problem,
    assignments: list[Assignment],
    solver: str,
    began: float,
    bound: float | None = None,
    proven: bool = False,
    notes: tuple[str, ...] = (),
    explain: bool = True,
) -> Solution:
    """A Solution with the objective recomputed from the schedule and reasons for the unserved."""
    served = {a.request for a in assignments}
    value = objective_value(problem, assignments)
    infeasible = any(problem.must_serve(r) and r.id not in served for r in problem.requests)
    tolerance = 1e-6 * max(1.0, abs(value))
    if bound is not None and bound > value + tolerance:  # a model error: never claim it
        bound, proven = None, False
        notes = (*notes, "the solver's bound exceeded the schedule's objective: bound dropped")
    if bound is not None:
        bound = max(0.0, min(bound, value))
    optimal = proven and bound is not None and value - bound <= tolerance
    status = "infeasible" if infeasible else "optimal" if optimal else "feasible"
    if explain:
        unserved = tuple(Unserved(rid, text) for rid, text in reasons(problem, assignments).items())
    else:
        unserved = tuple(Unserved(r.id, "") for r in problem.requests if r.id not in served)
    ordered = tuple(sorted(assignments, key=lambda a: (a.start, a.machine, a.task)))
    seconds = time.perf_counter() - began
    return Solution(status, value, bound, solver, seconds, ordered, unserved, notes)


def _solve_group(
    problem: Problem,
    solver: str,
    budget: float,
    start: list[Assignment],
    report: _Reporter,
    elsewhere: float = 0.0,
) -> tuple[list[Assignment], float | None, bool, str | None]:
    """The full MILP on one group; `elsewhere` is the other groups' objective (for progress)."""
    if _pair_estimate(problem) > MAX_MILP_PAIRS:
        return start, None, False, "group too large for the full MILP: list schedule kept"

    def progress(_seconds: float, incumbent: float | None, _bound: float | None) -> None:
        report("milp", None if incumbent is None else incumbent + elsewhere, None)

    outcome = solve_milp(_capped(problem, start), solver, budget, start, progress)
    if outcome.assignments is None:
        return (
            start,
            outcome.bound,
            outcome.optimal,
            "MILP found no schedule in time: list schedule kept",
        )
    trial = finish(problem, outcome.assignments, solver, time.perf_counter(), explain=False)
    if validate(problem, trial):
        return start, None, False, "MILP schedule failed validation: list schedule kept"
    if rank(problem, outcome.assignments) > rank(problem, start):
        return start, outcome.bound, False, None
    return outcome.assignments, outcome.bound, outcome.optimal, None


def _capped(problem: Problem, start: list[Assignment]) -> Problem:
    """For a pure makespan objective with every request served by `start`: deadlines capped at
    the start's makespan. No better schedule is lost, so the optimum and the bound stay valid,
    and the MILP's start ranges and big-M values shrink."""
    weights = problem.objective
    served = {a.request for a in start}
    if weights.tardiness or weights.completion or weights.makespan <= 0:
        return problem
    if not start or any(r.id not in served for r in problem.requests):
        return problem
    cap = max(a.end for a in start)
    requests = tuple(replace(r, deadline=min(r.deadline, cap)) for r in problem.requests)
    return replace(problem, requests=requests)


def solve(
    problem: Problem,
    solver: str = "highs",
    time_limit: float = 60.0,
    on_progress: Callable[[Progress], None] | None = None,
) -> Solution:
    """Schedule `problem`; the result always passes `validate` (else a fallback is returned).

    greedy: the first-come-first-served calendar. highs/cbc: the best list order improved by
    `order_search`, then ruin and recreate with exact insertions (`repair_search`; for pure
    sequencing problems `sequence_search` instead), then the full MILP per independent group
    of requests, then window-by-window improvement (LNS) with whatever time is left when the
    full MILP did not prove optimality.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    began = time.perf_counter()
    stop_at = began + time_limit
    report = _Reporter(on_progress, began)
    report("start", None, None)
    if solver == "greedy":
        return _checked(
            problem, finish(problem, fcfs_schedule(problem), "greedy", began), [], began
        )
    large = len(problem.requests) > 2 * TARGET_REQUESTS
    reserve = min(0.1 * time_limit, 0.5 + 0.002 * len(problem.requests))  # explanations
    base = _heuristics(problem, solver, began, time_limit, large, report)
    milp_stop = began + time_limit * (LARGE_SHARES if large else SMALL_SHARES)["milp"]
    chosen, bound, proven, notes = _full_milp(
        problem, solver, base, min(milp_stop, stop_at - reserve), report
    )
    if not proven and time.perf_counter() < stop_at - 1.0:
        before = objective_value(problem, chosen)
        lns_stop = stop_at - reserve
        chosen = improve(problem, chosen, solver, lns_stop, lambda v: report("lns", v, bound))
        if objective_value(problem, chosen) < before:
            notes = (*notes, "improved window by window (LNS)")
    result = finish(problem, chosen, solver, began, bound, proven, tuple(sorted(set(notes))))
    report("done", result.objective, result.bound)
    return _checked(problem, result, base, began)


def _heuristics(
    problem: Problem, solver: str, began: float, time_limit: float, large: bool, report: _Reporter
) -> list[Assignment]:
    """The best list order, `order_search` on it, then `sequence_search` for pure sequencing
    problems or ruin and recreate (`repair_search`) for all others: on large problems for its
    whole share of the time, on small ones until it stalls (then the MILP gets the rest)."""
    shares = LARGE_SHARES if large else SMALL_SHARES
    order, base = best_list_order(problem, began + 0.3 * time_limit)
    report("greedy", objective_value(problem, base), None)
    base = order_search(problem, order, began + shares["order"] * time_limit)
    report("greedy", objective_value(problem, base), None)
    if sequence_applies(problem):
        # more than 12 requests per machine: the MILP rarely proves anything, the search gains
        crowded = len(problem.requests) > 12 * len(problem.machines)
        base = sequence_search(problem, base, began + (0.85 if crowded else 0.6) * time_limit)
        report("greedy", objective_value(problem, base), None)
        return base
    stop_at = began + shares["repair"] * time_limit

    def progress(value: float) -> None:
        report("lns", value, None)

    patience = 10**9 if large else None
    inserter = Inserter(problem, solver)
    return repair_search(problem, base, stop_at, progress, patience=patience, on_stall=inserter)


def _full_milp(
    problem: Problem, solver: str, base: list[Assignment], stop_at: float, report: _Reporter
) -> tuple[list[Assignment], float | None, bool, tuple[str, ...]]:
    groups = components(problem) if problem.objective.makespan == 0 else [list(problem.requests)]
    total_tasks = max(1, sum(len(r.tasks) for r in problem.requests))
    chosen: list[Assignment] = []
    bounds: list[float | None] = []
    proven, notes = True, []
    for group in sorted(groups, key=lambda g: -sum(len(r.tasks) for r in g)):
        sub = _subproblem(problem, group)
        size = sum(len(r.tasks) for r in group)
        budget = (stop_at - time.perf_counter()) * max(0.05, size / total_tasks)
        ids = {r.id for r in group}
        start = [a for a in base if a.request in ids]
        elsewhere = objective_value(problem, base) - objective_value(sub, start)
        budget = min(max(budget, 0.5), stop_at - time.perf_counter())
        assignments, bound, optimal, note = _solve_group(
            sub, solver, budget, start, report, elsewhere
        )
        total_tasks -= size
        chosen += assignments
        bounds.append(bound)
        proven = proven and optimal
        if note:
            notes.append(note)
    total = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
    return chosen, total, proven, tuple(notes)


def _checked(problem: Problem, result: Solution, base: list[Assignment], began: float) -> Solution:
    """`result` if valid, else the list schedule, else the empty schedule (always valid)."""
    errors = validate(problem, result)
    if not errors:
        return result
    for fallback_schedule in (base or fcfs_schedule(problem), []):
        fallback = finish(problem, fallback_schedule, result.solver, began)
        if not validate(problem, fallback):
            note = f"schedule failed validation ({errors[0]}); a fallback schedule was returned"
            return replace(fallback, notes=(*fallback.notes, note))
    raise AssertionError(f"even the empty schedule fails validation: {errors[0]}")


def solve_in_worker(problem: Problem, solver: str = "highs", time_limit: float = 60.0) -> Solution:
    """`solve` in a separate (spawned) process, so the caller's process stays responsive."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(solve, problem, solver, time_limit).result()


async def solve_async(
    problem: Problem, solver: str = "highs", time_limit: float = 60.0
) -> Solution:
    """Await a schedule without blocking the event loop (a worker process does the solving)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, solve_in_worker, problem, solver, time_limit)

"""Warm start, solver runs (HiGHS in-process, CBC), and reading the schedule back."""

from __future__ import annotations

import itertools
import math
import shutil
import time
from typing import Any

import pulp

from sharedfactory.scheduler.milp.model import MilpOutcome, Model, OperatorSlot, Progress
from sharedfactory.scheduler.milp.resources import build_model
from sharedfactory.scheduler.problem import Assignment, Problem


def _set(var: Any, value: float) -> None:
    if not isinstance(var, int):
        var.setInitialValue(value)


def warm_start(m: Model, assignments: list[Assignment]) -> None:
    """Load a schedule as the solver's starting incumbent (every variable gets a value)."""
    by_task = {a.task: a for a in assignments}
    for request_id, z in m.served.items():
        _set(
            z,
            1.0
            if any(t.id in by_task for t in m.problem.request_by_id()[request_id].tasks)
            else 0.0,
        )
    for task_id, ys in m.y.items():
        a = by_task.get(task_id)
        windows = {o.machine: m.problem.machine(o.machine).windows for o in m.options[task_id]}
        for o, y in zip(m.options[task_id], ys, strict=True):
            hit = a is not None and a.machine == o.machine and _in(a, windows[o.machine][o.window])
            _set(y, 1.0 if hit else 0.0)
        _set(m.start[task_id], float(a.start) if a else 0.0)
        for slot in m.slots.get(task_id, []):
            window = _operator_window(m, slot)
            _set(slot.var, 1.0 if a and a.operator == slot.operator and _in(a, window) else 0.0)
    for (t, u), o in m.order.items():
        at, au = by_task.get(t), by_task.get(u)
        _set(o, 1.0 if at is None or au is None or (at.start, t) <= (au.start, u) else 0.0)
    _warm_aux(m, by_task)
    _warm_arcs(m, assignments)


def _in(a: Assignment, window: tuple[int, int]) -> bool:
    return window[0] <= a.start and a.end <= window[1]


def _operator_window(m: Model, slot: OperatorSlot) -> tuple[int, int]:
    operator = next(o for o in m.problem.operators if o.id == slot.operator)
    return operator.windows[slot.window]


def _warm_aux(m: Model, by_task: dict[str, Assignment]) -> None:
    ends: dict[str, int] = {}
    for a in by_task.values():
        ends[a.request] = max(ends.get(a.request, 0), a.end)
    if "cmax" in m.aux:
        _set(m.aux["cmax"], float(max(ends.values(), default=0)))
    for request in m.problem.requests:
        end = ends.get(request.id)
        if f"late:{request.id}" in m.aux:
            late = 0 if end is None or request.due is None else max(0, end - request.due)
            _set(m.aux[f"late:{request.id}"], float(late))
        if f"done:{request.id}" in m.aux:
            _set(m.aux[f"done:{request.id}"], float(end or 0))


class _HighsWithStart(pulp.HiGHS):
    """PuLP 3.3's HiGHS passes no warm start and no progress: add both before run()."""

    def __init__(self, on_progress: Progress | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_progress = on_progress

    def callSolver(self, lp: Any) -> None:
        highs = lp.solverModel
        columns = [(v.index, v.varValue) for v in lp.variables() if v.varValue is not None]
        if columns:
            highs.setSolution(len(columns), [c for c, _ in columns], [float(x) for _, x in columns])
        if self.on_progress is not None:
            report = self.on_progress
            last = [-1.0]

            def improved(event: Any) -> None:
                out = event.data_out
                last[0] = out.running_time
                report(out.running_time, out.objective_function_value, out.mip_dual_bound)

            def tick(event: Any) -> None:  # HiGHS polls often: report about once a second
                out = event.data_out
                if out.running_time - last[0] >= 1.0:
                    improved(event)

            highs.cbMipImprovingSolution.subscribe(improved)
            highs.cbMipInterrupt.subscribe(tick)
        highs.run()


def _cbc_path() -> str | None:
    found = shutil.which("cbc")
    if found:
        return found
    bundled = getattr(pulp.apis.coin_api.PULP_CBC_CMD, "pulp_cbc_path", None)
    return bundled if bundled and pulp.apis.coin_api.PULP_CBC_CMD._permissions_ok else None


def _integral(m: Model) -> bool:
    for ys in m.y.values():
        for y in ys:
            if y.varValue is None or min(abs(y.varValue), abs(1 - y.varValue)) > 1e-5:
                return False
    return True


def _extract(m: Model) -> list[Assignment]:
    result = []
    for task_id, ys in m.y.items():
        chosen = [i for i, y in enumerate(ys) if y.varValue > 0.5]
        if not chosen:
            continue
        option = m.options[task_id][chosen[0]]
        start = round(m.start[task_id].varValue)
        operator = next(
            (sl.operator for sl in m.slots.get(task_id, []) if sl.var.varValue > 0.5), None
        )
        request = m.problem.task_by_id()[task_id].request
        result.append(
            Assignment(request, task_id, option.machine, start, start + option.duration, operator)
        )
    return result


def _run_highs(m: Model, time_limit: float, on_progress: Progress | None) -> MilpOutcome:
    solver = _HighsWithStart(
        on_progress,
        msg=False,
        timeLimit=max(time_limit, 0.1),
        threads=1,
        gapRel=0.0,
        gapAbs=1e-6,
        random_seed=0,
    )
    m.prob.solve(solver)
    info = m.prob.solverModel.getInfo()
    if info.primal_solution_status != 2 or not _integral(m):
        return MilpOutcome(None, None, False)
    bound = None if m.soft else info.mip_dual_bound + m.constant
    optimal = (
        not m.soft
        and info.mip_gap <= 1e-6
        and m.prob.solverModel.getModelStatus()
        == pulp.apis.highs_api.highspy.HighsModelStatus.kOptimal
    )
    return MilpOutcome(
        _extract(m), bound if bound is not None and math.isfinite(bound) else None, optimal
    )


def _run_cbc(m: Model, time_limit: float) -> MilpOutcome:
    path = _cbc_path()
    if path is None:
        return MilpOutcome(None, None, False)
    solver = pulp.COIN_CMD(
        path=path,
        msg=False,
        timeLimit=max(time_limit, 1.0),
        threads=1,
        warmStart=True,
        gapRel=0.0,
        options=["randomSeed 1", "randomCbcSeed 1"],
    )
    began = time.perf_counter()
    m.prob.solve(solver)
    elapsed = time.perf_counter() - began
    if m.prob.sol_status not in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ) or not _integral(m):
        return MilpOutcome(None, None, False)
    proven = (
        not m.soft and m.prob.sol_status == pulp.LpSolutionOptimal and elapsed < 0.95 * time_limit
    )
    value = pulp.value(m.prob.objective)
    bound = float(value) + m.constant if proven and value is not None else None
    return MilpOutcome(_extract(m), bound, proven)


def solve_milp(
    problem: Problem,
    solver: str,
    time_limit: float,
    start: list[Assignment],
    on_progress: Progress | None = None,
    insist: bool = False,
) -> MilpOutcome:
    """Solve with HiGHS ('highs') or CBC ('cbc') from the schedule `start` within `time_limit`
    seconds, model building included (the hand-over to the solver is estimated).

    The bound is HiGHS's dual bound plus the objective's constant; no bound when must-serve
    requests had to be made soft (the list schedule could not serve them all). With `insist`
    they stay hard and `start` is not used: a search for a schedule that serves them all.
    """
    began = time.perf_counter()
    served = {a.request for a in start}
    soft = not insist and any(
        problem.must_serve(r) and r.id not in served for r in problem.requests
    )
    m = build_model(problem, soft_mandatory=soft)
    if not m.served:
        return MilpOutcome([], m.constant, True)
    if not insist:
        warm_start(m, start)
    built = time.perf_counter() - began
    time_limit -= built * (1.5 if solver != "cbc" else 2.0)  # PuLP's hand-over costs about half
    if time_limit < 0.2:
        return MilpOutcome(None, None, False)
    if solver == "cbc":
        outcome = _run_cbc(m, time_limit)
    else:
        offset = m.constant

        def shifted(seconds: float, incumbent: float | None, bound: float | None) -> None:
            if on_progress is not None:
                on_progress(
                    seconds, _plus(incumbent, offset), None if soft else _plus(bound, offset)
                )

        outcome = _run_highs(m, time_limit, shifted if on_progress else None)
    return outcome


def _plus(value: float | None, offset: float) -> float | None:
    return None if value is None or not math.isfinite(value) else value + offset


def _warm_arcs(m: Model, assignments: list[Assignment]) -> None:
    for machine_id, arcs in m.arcs.items():
        timeline = sorted(
            (a for a in assignments if a.machine == machine_id), key=lambda a: a.start
        )
        ids: list[str | None] = [None, *(a.task for a in timeline), None]
        used = set(itertools.pairwise(ids)) if timeline else set()
        for key, var in arcs.items():
            _set(var, 1.0 if key in used else 0.0)

"""MILP operator rules and objective terms; `build_model` assembles the whole model."""

from __future__ import annotations

from typing import Any

import pulp

from sharedfactory.scheduler.milp.model import (
    Meeting,
    Model,
    OperatorSlot,
    Pair,
    add_chains,
    add_machine_pairs,
    add_tasks,
    binary,
    chained_pairs,
    disjunction,
    order_var,
    tasks_in_model,
)
from sharedfactory.scheduler.options import sequenced_machines, task_options
from sharedfactory.scheduler.problem import Problem, Task


def _add_operator_slots(m: Model, tasks: list[Task]) -> None:
    problem = m.problem
    if not problem.has_operators:
        return
    for task in tasks:
        opts = m.options[task.id]
        staffed = [i for i, o in enumerate(opts) if problem.machine(o.machine).needs_operator]
        if not staffed:
            continue
        slots: list[OperatorSlot] = []
        for k, operator in enumerate(problem.operators):
            mine = [i for i in staffed if opts[i].machine in operator.machines]
            for w, (ws, we) in enumerate(operator.windows):
                fits = [
                    i
                    for i in mine
                    if max(ws, opts[i].low) + opts[i].duration
                    <= min(we, opts[i].high + opts[i].duration)
                ]
                if not fits:
                    continue
                var = binary(m, f"v{len(m.y)}_{len(m.slots)}_{k}_{w}")
                slots.append(OperatorSlot(operator.id, w, var))
                s = m.start[task.id]
                m.row([(1.0, s), (-float(ws), var)], pulp.LpConstraintGE, 0)
                big = m.high(task.id) + m.longest(task.id) - we
                if big > 0:
                    m.row(
                        [(1.0, s), *m.duration_terms(task.id), (float(big), var)],
                        pulp.LpConstraintLE,
                        we + big,
                    )
                m.row(
                    [(1.0, var), *[(-1.0, m.y[task.id][i]) for i in fits]], pulp.LpConstraintLE, 0
                )
        need = [(-1.0, m.y[task.id][i]) for i in staffed]
        m.row([(1.0, sl.var) for sl in slots] + need, pulp.LpConstraintEQ, 0)
        m.slots[task.id] = slots


def _add_operator_pairs(m: Model, tasks: list[Task], chained: set[tuple[str, str]]) -> None:
    by_operator: dict[str, list[tuple[Task, list[Pair]]]] = {}
    for task in tasks:
        for operator in m.problem.operators:
            terms = [(1.0, sl.var) for sl in m.slots.get(task.id, []) if sl.operator == operator.id]
            if terms:
                by_operator.setdefault(operator.id, []).append((task, terms))
    for _, group in sorted(by_operator.items()):
        for i, (t, t_terms) in enumerate(group):
            for u, u_terms in group[i + 1 :]:
                if m.high(t.id) + m.longest(t.id) <= min(o.low for o in m.options[u.id]):
                    continue
                if m.high(u.id) + m.longest(u.id) <= min(o.low for o in m.options[t.id]):
                    continue
                if (t.id, u.id) in chained or (u.id, t.id) in chained:
                    continue  # the chain row already keeps them apart
                meet = Meeting(
                    t_terms + u_terms,
                    0,
                    0,
                    (m.duration_terms(t.id), 0),
                    (m.duration_terms(u.id), 0),
                )
                disjunction(m, t, u, order_var(m, t, u, chained), meet)


def _sinks(request_tasks: tuple[Task, ...]) -> list[Task]:
    preceding = {b for t in request_tasks for b in t.after}
    return [t for t in request_tasks if t.id not in preceding]


def _end_terms(m: Model, task: Task) -> list[Pair]:
    return [(1.0, m.start[task.id]), *m.duration_terms(task.id)]


def _add_objective(m: Model, penalty: float) -> None:
    weights = m.problem.objective
    terms: list[Pair] = []
    cmax = None
    if weights.makespan > 0:
        cmax = m.prob.add_variable("cmax", 0)
        m.aux["cmax"] = cmax
        terms.append((weights.makespan, cmax))
        _add_load_cuts(m, cmax)
    for r_index, request in enumerate(m.problem.requests):
        z = m.served.get(request.id)
        if z is None:
            continue
        unserved = weights.unserved * request.weight + (
            penalty if m.problem.must_serve(request) else 0
        )
        if unserved > 0 and not isinstance(z, int):
            m.constant += unserved
            terms.append((-unserved, z))
        for t in _sinks(request.tasks):
            if cmax is not None:
                m.row(
                    [(1.0, cmax), *[(-c, v) for c, v in _end_terms(m, t)]], pulp.LpConstraintGE, 0
                )
        if weights.tardiness * request.weight > 0 and request.due is not None:
            late = m.prob.add_variable(f"late{r_index}", 0)
            m.aux[f"late:{request.id}"] = late
            terms.append((weights.tardiness * request.weight, late))
            for t in _sinks(request.tasks):
                ends = [(-c, v) for c, v in _end_terms(m, t)]
                m.row([(1.0, late), *ends, (float(request.due), z)], pulp.LpConstraintGE, 0)
        if weights.completion * request.weight > 0:
            done = m.prob.add_variable(f"done{r_index}", 0)
            m.aux[f"done:{request.id}"] = done
            terms.append((weights.completion * request.weight, done))
            for t in _sinks(request.tasks):
                m.row(
                    [(1.0, done), *[(-c, v) for c, v in _end_terms(m, t)]], pulp.LpConstraintGE, 0
                )
    m.prob.setObjective(pulp.LpAffineExpression([(v, c) for c, v in terms]))


def build_model(problem: Problem, soft_mandatory: bool) -> Model:
    """The whole MILP; with soft_mandatory, must-serve requests carry a large penalty instead."""
    sequenced = sequenced_machines(problem)
    options = {t.id: task_options(problem, t, sequenced) for r in problem.requests for t in r.tasks}
    prob = pulp.LpProblem("schedule", pulp.LpMinimize)
    m = Model(problem, prob, options, sequenced=sequenced, soft=soft_mandatory)
    add_tasks(m)
    add_chains(m)
    tasks = tasks_in_model(m)
    chained = chained_pairs(m)
    add_machine_pairs(m, tasks, chained)
    _add_operator_slots(m, tasks)
    _add_operator_pairs(m, tasks, chained)
    _add_objective(m, _penalty(problem) if soft_mandatory else 0.0)
    return m


def _penalty(problem: Problem) -> float:
    """Larger than any objective a schedule serving one more must-serve request could save."""
    w = problem.objective
    total = sum(r.weight for r in problem.requests)
    span = max([problem.horizon_end, *(r.deadline for r in problem.requests)])
    return (
        1.0 + w.unserved * total + (w.tardiness + w.completion) * total * span + w.makespan * span
    )


def _add_load_cuts(m: Model, cmax: Any) -> None:
    """Valid cuts: the makespan is at least each machine's load (its tasks cannot overlap);
    on direct-successor machines the load includes the changeovers of the chosen arcs."""
    tasks = m.problem.task_by_id()
    for machine in m.problem.machines:
        load: list[Pair] = []
        for task_id in m.start:
            duration = float(tasks[task_id].durations.get(machine.id, 0))
            load += [(-duration, v) for _, v in m.x(task_id, machine.id)]
        for (a, b), var in sorted(
            m.arcs.get(machine.id, {}).items(),
            key=lambda item: (item[0][0] or "", item[0][1] or ""),
        ):
            if b is None:
                continue
            before = None if a is None else tasks[a].cls
            gap = (
                machine.initial_setup(tasks[b].cls)
                if a is None
                else machine.setup(before, tasks[b].cls)
            )
            if gap > 0:
                load.append((-float(gap), var))
        if load:
            m.row([(1.0, cmax), *load], pulp.LpConstraintGE, 0.0)

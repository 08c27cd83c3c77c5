import asyncio
import time

import pytest

from sharedfactory.scheduler.greedy import (
    best_list_schedule,
    fcfs_schedule,
    list_schedule,
    order_search,
)
from sharedfactory.scheduler.improve import improve
from sharedfactory.scheduler.milp import solve_milp
from sharedfactory.scheduler.objective import objective_value
from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.solve import Progress, finish, solve, solve_async
from sharedfactory.scheduler.validate import validate
from tests.scheduler.benchmarks import (
    BENCHMARKS,
    optimal_weighted_tardiness,
    upmsp_problem,
    upmsp_reference,
    weighted_tardiness_problem,
    wt40_jobs,
)
from tests.scheduler.factories import build, machine, operator, request, simple, task

pytestmark = pytest.mark.pure

needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks absent")


def mixed_problem():
    fryer = machine(
        "fryer-1",
        changeover={"halal": {"non_halal": 30}, "non_halal": {"halal": 120}},
        needs_operator=True,
    )
    spinner = machine("spinner-1", type="spinner", windows=[(0, 600)])
    requests = [
        request(
            f"r{i}",
            [
                task(f"r{i}/fry", {"fryer-1": 60 + 5 * i}, cls="halal" if i % 2 else "non_halal"),
                task(f"r{i}/spin", {"spinner-1": 10}, after=[f"r{i}/fry"], max_wait=30),
            ],
            due=90 * i,
            weight=1 + i % 3,
        )
        for i in range(5)
    ]
    operators = [operator("op-ani", ["fryer-1", "spinner-1"], [(0, 480)])]
    return build([fryer, spinner], requests, operators=operators)


@needs_benchmarks
def test_milp_proves_optimum_of_reduced_wt40_instance():
    jobs = [(p, w, d * 7 // 40) for p, w, d in wt40_jobs(0)[:7]]
    problem = parse_problem(weighted_tardiness_problem(jobs))
    solution = solve(problem, "highs", time_limit=20)
    assert validate(problem, solution) == []
    assert solution.status == "optimal"
    assert solution.objective == optimal_weighted_tardiness(jobs) == 38


@needs_benchmarks
def test_milp_matches_vallada_ruiz_optimum_with_non_triangular_setups():
    name = "I_6_3_S_1-99_1"
    reference, proven = upmsp_reference(name)
    problem = parse_problem(upmsp_problem(name))
    solution = solve(problem, "highs", time_limit=10)
    assert validate(problem, solution) == []
    assert proven
    assert solution.status == "optimal"
    assert solution.objective == reference


def test_solve_is_deterministic():
    problem = mixed_problem()
    first, second = solve(problem, "highs", 5), solve(problem, "highs", 5)
    assert first.assignments == second.assignments
    assert first.objective == second.objective
    assert validate(problem, first) == []


def test_milp_is_no_worse_than_list_schedules_and_reports_progress():
    problem = mixed_problem()
    seen: list[Progress] = []
    solution = solve(problem, "highs", 5, on_progress=seen.append)
    assert validate(problem, solution) == []
    assert solution.objective <= objective_value(problem, best_list_schedule(problem))
    assert best_list_schedule(problem)
    assert fcfs_schedule(problem)
    phases = [p.phase for p in seen]
    assert phases[0] == "start"
    assert "greedy" in phases
    assert phases[-1] == "done"
    assert seen[-1].incumbent == solution.objective


def test_cbc_and_greedy_give_valid_schedules():
    problem = mixed_problem()
    for solver in ("cbc", "greedy"):
        solution = solve(problem, solver, 5)
        assert solution.solver == solver
        assert validate(problem, solution) == []
    assert solve(problem, "greedy").bound is None


def test_fcfs_serves_in_input_order_while_milp_reorders():
    problem = build(
        [machine("m1", windows=[(0, 100)])],
        [simple("first", 100, weight=1), simple("second", 100, weight=5)],
    )
    assert [a.request for a in solve(problem, "greedy").assignments] == ["first"]
    assert [a.request for a in solve(problem, "highs", 5).assignments] == ["second"]


def test_independent_groups_are_solved_separately_and_bound_adds_up():
    machines = [machine("a"), machine("b")]
    requests = [
        simple("a1", 60, "a", due=0),
        simple("a2", 30, "a", due=0),
        simple("b1", 45, "b", due=0),
    ]
    solution = solve(build(machines, requests), "highs", 5)
    assert solution.status == "optimal"
    assert solution.objective == 30 + 90 + 45
    assert solution.bound == pytest.approx(solution.objective)


def test_unknown_solver_is_rejected():
    with pytest.raises(ValueError, match="unknown solver"):
        solve(mixed_problem(), "gurobi")


def test_solve_async_runs_in_a_worker_process():
    problem = build([machine("m1")], [simple("r1", 30, due=0)])
    solution = asyncio.run(solve_async(problem, "highs", 5))
    assert solution.objective == 30
    assert validate(problem, solution) == []


def busy_week(n):
    machines = [
        machine(
            "fryer-1",
            windows=[(d * 1440, d * 1440 + 480) for d in range(3)],
            changeover={"halal": {"non_halal": 30}, "non_halal": {"halal": 120}},
        )
    ]
    requests = [
        simple(
            f"r{i}",
            40 + (i * 7) % 50,
            "fryer-1",
            cls="halal" if i % 3 else "non_halal",
            release=(i % 3) * 1440,
            due=(i % 3) * 1440 + 120,
            weight=1 + i % 4,
        )
        for i in range(n)
    ]
    return build(machines, requests, horizon=3 * 1440)


def test_window_improvement_keeps_schedule_valid_and_better():
    problem = busy_week(30)
    start = fcfs_schedule(problem)
    better = improve(problem, start, "highs", time.perf_counter() + 4)
    after = finish(problem, better, "highs", time.perf_counter())
    assert validate(problem, after) == []
    assert objective_value(problem, better) < objective_value(problem, start)


def test_large_problem_uses_windows_and_stays_valid():
    problem = busy_week(45)
    solution = solve(problem, "highs", time_limit=6)
    assert validate(problem, solution) == []
    assert solution.objective <= objective_value(problem, best_list_schedule(problem))


def test_order_search_moves_heavy_unserved_requests_forward():
    problem = build(
        [machine("m1", windows=[(0, 120)])],
        [simple("light-a", 60), simple("light-b", 60), simple("heavy", 120, weight=3)],
    )
    start = list_schedule(problem, problem.requests)
    assert {a.request for a in start} == {"light-a", "light-b"}
    better = order_search(problem, list(problem.requests), time.perf_counter() + 5)
    assert {a.request for a in better} == {"heavy"}
    assert better == order_search(problem, list(problem.requests), time.perf_counter() + 5)


def test_makespan_bound_ignores_unused_late_machine():
    problem = build(
        [machine("late", windows=[(118, 300)]), machine("early", windows=[(67, 300)])],
        [request("r1", [task("r1/t", {"late": 5, "early": 5})], mandatory=True)],
        objective={"makespan": 1, "unserved": 0, "tardiness": 0},
    )
    for solver in ("highs", "cbc"):
        solution = solve(problem, solver, 5)
        assert solution.status == "optimal"
        assert solution.objective == 72
    outcome = solve_milp(problem, "highs", 5, fcfs_schedule(problem))
    assert outcome.optimal
    assert outcome.bound == pytest.approx(72)  # the raw MILP bound, before any clamping

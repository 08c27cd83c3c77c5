import itertools
import time

import pytest

from sharedfactory.scheduler.greedy import best_list_schedule
from sharedfactory.scheduler.objective import objective_value
from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.sequence import applies, sequence_search
from sharedfactory.scheduler.solve import finish, solve
from sharedfactory.scheduler.validate import validate
from tests.scheduler.benchmarks import (
    BENCHMARKS,
    optimal_weighted_tardiness,
    upmsp_problem,
    upmsp_reference,
    weighted_tardiness_problem,
    wt40_jobs,
)
from tests.scheduler.factories import build, machine, request, simple, task

pytestmark = pytest.mark.pure

JOBS = [(7, 3, 10), (4, 1, 6), (9, 4, 30), (3, 5, 8), (6, 2, 12), (5, 3, 25), (8, 1, 20), (2, 4, 5)]


def _valid(problem, assignments):
    return validate(problem, finish(problem, assignments, "highs", time.perf_counter())) == []


def test_sequence_search_finds_weighted_tardiness_optimum_deterministically():
    problem = parse_problem(weighted_tardiness_problem(JOBS))
    assert applies(problem)
    base = best_list_schedule(problem)
    first = sequence_search(problem, base, time.perf_counter() + 30)
    second = sequence_search(problem, base, time.perf_counter() + 30)
    assert first == second
    assert _valid(problem, first)
    assert objective_value(problem, first) == optimal_weighted_tardiness(JOBS)


def test_sequence_search_on_parallel_machines_with_setups_releases_and_deadlines():
    setups = {"a": {"b": 15, "c": 5}, "b": {"a": 2, "c": 30}, "c": {"a": 20, "b": 1}}
    machines = [
        machine("m1", changeover=setups, initial_class="a"),
        machine("m2", windows=[(30, 900)]),
    ]
    requests = [
        request(
            f"r{i}",
            [task(f"r{i}/t", {"m1": 20 + 7 * (i % 4), "m2": 25 + 5 * (i % 3)}, cls="abc"[i % 3])],
            release=10 * (i % 5),
            due=60 + 15 * i,
            deadline=600,
            weight=1 + i % 3,
            mandatory=True,
        )
        for i in range(9)
    ]
    problem = build(
        machines, requests, objective={"tardiness": 1, "completion": 0.1, "makespan": 2}
    )
    assert applies(problem)
    base = best_list_schedule(problem)
    found = sequence_search(problem, base, time.perf_counter() + 30)
    assert _valid(problem, found)
    assert objective_value(problem, found) <= objective_value(problem, base)
    # brute force over orders of a single machine is too big here; check local optimality cheaply
    assert found == sequence_search(problem, found, time.perf_counter() + 30)


def test_sequence_search_does_not_apply_to_chains_or_split_windows():
    chained = build(
        [machine("m1")],
        [request("r", [task("r/a", {"m1": 5}), task("r/b", {"m1": 5}, after=["r/a"])])],
    )
    windows = build([machine("m1", windows=[(0, 60), (120, 600)])], [simple("r", 30)])
    assert not applies(chained)
    assert not applies(windows)
    plain = build([machine("m1")], [simple(f"r{i}", 30) for i in range(3)])
    assert applies(plain)


def test_brute_force_matches_on_a_tiny_single_machine():
    jobs = JOBS[:5]
    problem = parse_problem(weighted_tardiness_problem(jobs))
    found = sequence_search(problem, [], time.perf_counter() + 30)  # from scratch
    best = min(
        sum(
            w * max(0, sum(jobs[k][0] for k in order[: i + 1]) - jobs[j][2])
            for i, j in enumerate(order)
            for w in [jobs[j][1]]
        )
        for order in itertools.permutations(range(len(jobs)))
    )
    assert _valid(problem, found)
    assert objective_value(problem, found) == best


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks absent")
def test_solve_reaches_wt40_optimum_and_vallada_ruiz_proof():
    problem = parse_problem(weighted_tardiness_problem(wt40_jobs(1)))
    base = best_list_schedule(problem)
    found = sequence_search(problem, base, time.perf_counter() + 60, rounds=20)  # capped rounds
    assert _valid(problem, found)
    assert objective_value(problem, found) == 1225  # published optimum of wt40 instance 2
    name = "I_10_3_S_1-9_1"
    reference, proven = upmsp_reference(name)
    vr = parse_problem(upmsp_problem(name))
    result = solve(vr, "highs", time_limit=10)
    assert validate(vr, result) == []
    assert proven
    assert result.status == "optimal"
    assert result.objective == reference

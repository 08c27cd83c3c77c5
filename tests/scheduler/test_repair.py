"""Ruin and recreate: it only improves, keeps every rule and fixed task, and repeats itself."""

import time

import pytest
from hypothesis import HealthCheck, given, settings

from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.placement import fcfs_schedule
from sharedfactory.scheduler.repair import repair_search
from sharedfactory.scheduler.solve import finish
from sharedfactory.scheduler.validate import validate
from tests.scheduler.factories import build, machine, operator, request, simple, task
from tests.scheduler.test_property import problems

pytestmark = pytest.mark.pure


def _valid(problem, assignments):
    return validate(problem, finish(problem, assignments, "highs", time.perf_counter())) == []


def test_a_heavy_unserved_request_takes_the_place_of_two_light_ones():
    problem = build(
        [machine("m1", windows=[(0, 120)])],
        [simple("light-a", 60), simple("light-b", 60), simple("heavy", 120, weight=3)],
    )
    start = fcfs_schedule(problem)
    assert {a.request for a in start} == {"light-a", "light-b"}
    better = repair_search(problem, start, time.perf_counter() + 10)
    assert {a.request for a in better} == {"heavy"}
    assert _valid(problem, better)


def week_of_chains():
    """Two fryers with one operator each, a sealer within 60 min, more work than hours."""
    changeover = {"halal": {"non_halal": 30}, "non_halal": {"halal": 120}}
    days = [(d * 1440 + 480, d * 1440 + 960) for d in range(3)]
    machines = [
        machine("fryer-1", windows=days, changeover=changeover, needs_operator=True),
        machine("fryer-2", windows=days, changeover=changeover, needs_operator=True),
        machine("sealer", windows=days),
    ]
    operators = [operator("ani", ["fryer-1", "fryer-2"]), operator("budi", ["fryer-2"])]
    requests = []
    for i in range(24):
        fry = task(
            f"r{i}/fry",
            {"fryer-1": 60 + (i * 17) % 40, "fryer-2": 70 + (i * 11) % 30},
            cls="halal" if i % 4 else "non_halal",
        )
        seal = task(f"r{i}/seal", {"sealer": 20 + i % 3 * 5}, after=[f"r{i}/fry"], max_wait=60)
        day = i % 3
        requests.append(
            request(
                f"r{i}",
                [fry, seal],
                weight=1 + i % 3,
                release=day * 1440,
                due=day * 1440 + 720,
                mandatory=i == 5,
            )
        )
    fixed = [{"task": "r0/fry", "machine": "fryer-1", "start": "2026-12-01T16:00:00+07:00"}]
    return build(machines, requests, operators=operators, fixed=fixed, horizon=3 * 1440)


def test_repair_improves_a_week_keeps_the_fixed_task_and_repeats_itself():
    problem = week_of_chains()
    start = fcfs_schedule(problem)
    first = repair_search(problem, start, time.perf_counter() + 60, patience=300)
    second = repair_search(problem, start, time.perf_counter() + 60, patience=300)
    assert first == second
    assert _valid(problem, first)
    assert rank(problem, first) < rank(problem, start)
    fried = next(a for a in first if a.task == "r0/fry")
    assert (fried.machine, fried.start) == ("fryer-1", 480)


def test_repair_stops_at_its_deadline():
    problem = week_of_chains()
    began = time.perf_counter()
    result = repair_search(problem, fcfs_schedule(problem), began + 0.3, patience=10**9)
    assert time.perf_counter() - began < 1.5
    assert _valid(problem, result)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems())
def test_repair_never_ranks_worse_and_always_validates(data):
    try:
        problem = parse_problem(data)
    except ValueError:
        return  # e.g. a generated fixed task that does not fit its window
    start = fcfs_schedule(problem)
    result = repair_search(problem, start, time.perf_counter() + 2, patience=200)
    assert rank(problem, result) <= rank(problem, start)
    assert _valid(problem, result)

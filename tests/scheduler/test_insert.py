"""Exact insertion: an unserved request gets in by moving others to other machines."""

import time

import pytest

from sharedfactory.scheduler.insert import Inserter, insert, neighbourhood
from sharedfactory.scheduler.milp import solve_milp
from sharedfactory.scheduler.options import task_options
from sharedfactory.scheduler.problem import Assignment
from sharedfactory.scheduler.solve import finish
from sharedfactory.scheduler.validate import validate
from tests.scheduler.factories import build, machine, request, simple, task

pytestmark = pytest.mark.pure


def crossed():
    """r1 is quicker on b and r2 on a, but each sits on the other machine, so `late` (60 min,
    machine a only) finds no room until they move; `elsewhere` shares nothing with them."""
    machines = [machine(m, windows=[(0, 100)]) for m in ("a", "b", "c")]
    requests = [
        request("r1", [task("r1/t", {"a": 60, "b": 40})]),
        request("r2", [task("r2/t", {"a": 40, "b": 60})]),
        simple("late", 60, "a", weight=2),
        simple("elsewhere", 30, "c"),
    ]
    current = [
        Assignment("r1", "r1/t", "a", 0, 60),
        Assignment("r2", "r2/t", "b", 0, 60),
        Assignment("elsewhere", "elsewhere/t", "c", 0, 30),
    ]
    return build(machines, requests), current


def test_insertion_moves_others_to_make_room():
    problem, current = crossed()
    late = problem.request_by_id()["late"]
    better = insert(problem, current, late, task_options(problem, late.tasks[0])[0], "highs", 10)
    assert better is not None
    assert {a.request for a in better} == {"r1", "r2", "late", "elsewhere"}
    assert next(a for a in better if a.request == "elsewhere") == current[2]
    assert validate(problem, finish(problem, better, "highs", time.perf_counter())) == []


def test_neighbourhood_keeps_to_the_group_and_makes_everyone_mandatory():
    problem, current = crossed()
    sub, freed = neighbourhood(problem, current, problem.request_by_id()["late"], (0, 100))
    assert sorted(freed) == ["late", "r1", "r2"]
    assert all(r.mandatory for r in sub.requests)
    assert "elsewhere" not in {r.id for r in sub.requests}


def test_insisting_milp_serves_every_mandatory_request_without_a_start():
    problem, current = crossed()
    sub, _ = neighbourhood(problem, current, problem.request_by_id()["late"], (0, 100))
    outcome = solve_milp(sub, "highs", 10, [], insist=True)
    assert outcome.assignments is not None
    assert {a.request for a in outcome.assignments} == {"r1", "r2", "late"}


def test_inserter_tries_each_span_once_until_the_schedule_changes():
    problem, current = crossed()
    inserter = Inserter(problem, "highs")
    better = inserter(current, time.perf_counter() + 10)
    assert better is not None
    assert inserter.tried == set()  # a success: every span may be tried again
    assert inserter.next_target(better) is None  # nobody waits any more
    full = build(
        [machine("a", windows=[(0, 100)])], [simple("r1", 100, "a"), simple("late", 60, "a")]
    )
    kept = [Assignment("r1", "r1/t", "a", 0, 100)]
    inserter = Inserter(full, "highs")
    began = time.perf_counter()
    assert inserter(kept, began + 10) is None  # 160 minutes of work in a 100-minute window
    assert time.perf_counter() - began < 1.0  # refused by the load check, no MILP
    assert inserter.next_target(kept) is None

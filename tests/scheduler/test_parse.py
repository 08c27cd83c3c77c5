import copy
import json

import pytest

from sharedfactory.scheduler.parse import (
    ProblemError,
    load_problem,
    parse_problem,
    parse_solution,
    solution_to_json,
)
from sharedfactory.scheduler.solve import solve
from tests.scheduler.factories import at, machine, operator, problem_json, request, simple, task

pytestmark = pytest.mark.pure


def base() -> dict:
    return problem_json(
        [
            machine("m1", windows=[(0, 480)], changeover={"a": {"b": 30}}),
            machine("m2", needs_operator=True),
        ],
        [
            request(
                "r1",
                [
                    task("r1/a", {"m1": 60, "m2": 50}, cls="a"),
                    task("r1/b", {"m2": 30}, after=["r1/a"], max_wait=120),
                ],
                due=100,
            ),
            simple("r2", 40, "m1", weight=2),
        ],
        operators=[operator("op1", ["m2"], [(0, 600)])],
        fixed=[{"task": "r2/t", "machine": "m1", "start": at(0)}],
    )


def test_parses_contract_example_into_minutes():
    problem = parse_problem(base())
    assert problem.horizon_end == 24 * 60
    assert problem.machine("m1").windows == ((0, 480),)
    assert problem.machine("m2").windows == ((0, 24 * 60),)
    r1 = problem.request_by_id()["r1"]
    assert (r1.release, r1.due, r1.deadline, r1.weight) == (0, 100, 24 * 60, 1.0)
    assert r1.tasks[1].after == ("r1/a",)
    assert r1.tasks[1].max_wait == 120
    assert problem.fixed[0].start == 0
    assert problem.objective.unserved == 1000
    assert problem.objective.tardiness == 1


def mutate(path: list, value) -> dict:
    data = copy.deepcopy(base())
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["version"], 2, "version: unsupported version 2; expected 1"),
        (["horizon", "start"], "2026-12-01T08:00:00", "horizon.start: datetime needs a UTC offset"),
        (["horizon", "end"], "tomorrow", "horizon.end: not an ISO 8601 datetime"),
        (["horizon", "end"], at(0), "horizon: end must be after start"),
        (
            ["requests", 0, "tasks", 0, "machines"],
            {"fryer-9": 5},
            "requests[0].tasks[0].machines: unknown machine 'fryer-9'",
        ),
        (
            ["requests", 0, "tasks", 0, "machines", "m1"],
            0,
            "requests[0].tasks[0].machines.m1: must be a positive",
        ),
        (
            ["requests", 0, "tasks", 0, "machines", "m1"],
            1.5,
            "requests[0].tasks[0].machines.m1: must be a whole",
        ),
        (
            ["requests", 0, "tasks", 1, "after"],
            ["r2/t"],
            "requests[0].tasks[1].after[0]: unknown task 'r2/t'",
        ),
        (
            ["requests", 0, "tasks", 0, "after"],
            ["r1/b"],
            "requests[0].tasks: the 'after' relations form a cycle",
        ),
        (
            ["requests", 0, "tasks", 1, "id"],
            "r1/a",
            "requests[0].tasks[1].id: duplicate task id 'r1/a'",
        ),
        (["requests", 1, "id"], "r1", "requests[1].id: duplicate request id 'r1'"),
        (
            ["requests", 1, "tasks", 0, "id"],
            "r1/a",
            "requests[1].tasks[0].id: duplicate task id 'r1/a'",
        ),
        (["machines", 1, "id"], "m1", "machines[1].id: duplicate machine id 'm1'"),
        (
            ["machines", 0, "windows", 0],
            [at(60), at(60)],
            "machines[0].windows[0]: window end must be after",
        ),
        (
            ["machines", 0, "windows", 0, 0],
            "2026-12-01T08:00:30+07:00",
            "machines[0].windows[0][0]: must fall on a whole minute",
        ),
        (["machines", 0, "changeover", "a", "b"], -1, "machines[0].changeover.a.b: >= 0"),
        (["operators", 0, "machines", 0], "m9", "operators[0].machines[0]: unknown machine 'm9'"),
        (["requests", 1, "weight"], -1, "requests[1].weight: must be a finite number >= 0"),
        (["requests", 0, "mandatory"], "yes", "requests[0].mandatory: must be true or false"),
        (["requests", 0, "tasks"], [], "requests[0].tasks: must contain at least one task"),
        (["requests", 0, "id"], KeyError, "requests[0].id: is required"),
        (["objective"], {"lateness": 1}, "objective.lateness: unknown objective term 'lateness'"),
        (["objective"], {"tardiness": -1}, "objective.tardiness: must be a finite number >= 0"),
        (
            ["fixed", 0, "start"],
            at(470),
            "fixed[0].start: task 'r2/t' is outside every window of 'm1'",
        ),
        (["fixed", 0, "machine"], "m2", "fixed[0].machine: task 'r2/t' cannot run on 'm2'"),
        (["fixed", 0, "task"], "nope", "fixed[0].task: unknown task 'nope'"),
        (["requests"], "many", "requests: must be a list"),
    ],
)
def test_errors_name_the_json_path(path, value, message):
    with pytest.raises(ProblemError) as caught:
        parse_problem(mutate(path, value))
    assert str(caught.value).startswith(message)


def test_not_an_object():
    with pytest.raises(ProblemError, match="must be an object"):
        parse_problem([1, 2])


def test_load_problem_reports_malformed_json_and_missing_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(ProblemError, match="malformed JSON at line 1"):
        load_problem(bad)
    with pytest.raises(ProblemError, match="cannot read file"):
        load_problem(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base()), encoding="utf-8")
    assert load_problem(good).requests[0].id == "r1"


def test_solution_json_round_trip_keeps_offset_and_operator():
    problem = parse_problem(base())
    solution = solve(problem, "greedy")
    data = solution_to_json(solution, problem)
    assert set(data) >= {
        "version",
        "status",
        "objective",
        "bound",
        "solver",
        "seconds",
        "assignments",
        "unserved",
    }
    first = data["assignments"][0]
    assert first["start"].endswith("+07:00")
    # With operators, the key is there for every task that holds one (omitted, not null, else).
    assert all(
        ("operator" in item) == (assigned.operator is not None)
        for item, assigned in zip(data["assignments"], solution.assignments, strict=True)
    )
    again = parse_solution(json.loads(json.dumps(data)), problem)
    assert again.assignments == solution.assignments
    assert again.objective == solution.objective


def test_operator_key_absent_without_operators():
    problem = parse_problem(problem_json([machine("m1")], [simple("r1", 30)]))
    data = solution_to_json(solve(problem, "greedy"), problem)
    assert "operator" not in data["assignments"][0]
    assert data["assignments"][0]["end"] == at(30)


def test_parse_solution_rejects_unknown_task():
    problem = parse_problem(base())
    with pytest.raises(ProblemError, match=r"assignments\[0\].task: unknown task 'x'"):
        parse_solution(
            {
                "status": "feasible",
                "assignments": [{"task": "x", "machine": "m1", "start": at(0), "end": at(1)}],
            },
            problem,
        )


def test_windows_are_clipped_to_the_horizon():
    data = problem_json(
        [machine("m1", windows=[(-60, 30), (1400, 1500), (2000, 2100)])], [simple("r1", 30)]
    )
    assert parse_problem(data).machine("m1").windows == ((0, 30), (1400, 1440))

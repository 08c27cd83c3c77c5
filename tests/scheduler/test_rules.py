"""Each hard rule: the solver respects it where breaking it would be cheaper, and `validate`
flags a hand-made solution that breaks it."""

from dataclasses import replace

import pytest

from sharedfactory.scheduler.objective import objective_value
from sharedfactory.scheduler.solve import solve
from sharedfactory.scheduler.validate import validate
from tests.scheduler.factories import (
    at,
    build,
    machine,
    operator,
    request,
    simple,
    solution_of,
    task,
)

pytestmark = pytest.mark.pure


def solved(problem, solver="highs"):
    solution = solve(problem, solver, time_limit=5)
    assert validate(problem, solution) == []
    assert solution.objective == pytest.approx(objective_value(problem, solution.assignments))
    return solution


def starts(solution):
    return {a.task: a.start for a in solution.assignments}


def flagged(problem, rows, text, status="feasible"):
    errors = validate(problem, solution_of(problem, rows, status))
    assert any(text in e for e in errors), errors


def test_task_runs_inside_one_window():
    problem = build(
        [machine("m1", windows=[(0, 100), (100, 200), (300, 500)])], [simple("r1", 150, due=0)]
    )
    assert starts(solved(problem)) == {"r1/t": 300}
    flagged(problem, [("r1/t", "m1", 0)], "not wholly inside one window")


def test_one_task_at_a_time_per_machine():
    problem = build([machine("m1")], [simple("r1", 60, due=0), simple("r2", 60, due=0, weight=2)])
    assert starts(solved(problem)) == {"r2/t": 0, "r1/t": 60}
    flagged(problem, [("r1/t", "m1", 0), ("r2/t", "m1", 30)], "m1: r2/t starts")


def test_sequence_dependent_changeover_is_optimal():
    m1 = machine("m1", changeover={"a": {"b": 30}, "b": {"a": 50}})
    problem = build([m1], [simple("ra", 60, cls="a", due=0), simple("rb", 60, cls="b", due=0)])
    solution = solved(problem)
    assert starts(solution) == {"ra/t": 0, "rb/t": 90}
    assert solution.status == "optimal"
    assert solution.objective == 210
    assert solution.bound == pytest.approx(210)
    flagged(problem, [("ra/t", "m1", 0), ("rb/t", "m1", 60)], "needs 30")


def test_changeover_counts_only_between_direct_successors():
    m1 = machine("m1", changeover={"a": {"c": 100}})
    problem = build(
        [m1], [simple("ra", 10, cls="a"), simple("rb", 10, cls="b"), simple("rc", 10, cls="c")]
    )
    rows = [("ra/t", "m1", 0), ("rb/t", "m1", 10), ("rc/t", "m1", 20)]
    assert validate(problem, solution_of(problem, rows)) == []
    solved(problem)  # conservative here, but still valid


def test_initial_class_changeover_before_first_task():
    m1 = machine("m1", changeover={"b": {"a": 45}}, initial_class="b")
    problem = build([m1], [simple("ra", 30, cls="a", due=0)])
    assert starts(solved(problem)) == {"ra/t": 45}
    flagged(problem, [("ra/t", "m1", 0)], "before the 45 min changeover")


def operator_problem():
    machines = [
        machine("m1", needs_operator=True),
        machine("m2", needs_operator=True),
        machine("m3"),
    ]
    operators = [operator("op1", ["m1", "m2"], [(60, 600)]), operator("op2", ["m3"])]
    requests = [
        simple("r1", 30, "m1", due=0),
        simple("r2", 30, "m2", due=0),
        simple("r3", 30, "m3", due=0),
    ]
    return build(machines, requests, operators=operators)


def test_operators_are_on_shift_and_do_one_task_at_a_time():
    solution = solved(operator_problem())
    by_task = {a.task: a for a in solution.assignments}
    assert sorted([by_task["r1/t"].start, by_task["r2/t"].start]) == [60, 90]
    assert by_task["r1/t"].operator == "op1"
    assert by_task["r3/t"].start == 0
    assert by_task["r3/t"].operator is None


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([("r1/t", "m1", 60)], "needs an operator on m1"),
        ([("r1/t", "m1", 60, "op2")], "not trained for m1"),
        ([("r1/t", "m1", 0, "op1")], "not wholly inside one shift"),
        ([("r1/t", "m1", 60, "op1"), ("r2/t", "m2", 70, "op1")], "overlap"),
        ([("r3/t", "m3", 0, "op2")], "needs none"),
    ],
)
def test_validate_flags_operator_violations(rows, text):
    flagged(operator_problem(), rows, text)


def test_eligible_machine_and_exact_duration():
    problem = build(
        [machine("m1"), machine("m2")],
        [request("r1", [task("r1/t", {"m1": 100, "m2": 50})], due=0)],
    )
    solution = solved(problem)
    assert [(a.machine, a.end - a.start) for a in solution.assignments] == [("m2", 50)]
    other = build([machine("m1"), machine("m2"), machine("m3")], [simple("r1", 30)])
    flagged(other, [("r1/t", "m3", 0)], "not eligible")
    wrong = solution_of(problem, [("r1/t", "m1", 0)])
    wrong = replace(wrong, assignments=(replace(wrong.assignments[0], end=50),))
    wrong = replace(wrong, objective=objective_value(problem, wrong.assignments))
    assert any("lasts 50 min on m1, not 100" in e for e in validate(problem, wrong))


def chain_problem():
    chain = request(
        "r1",
        [task("r1/a", {"m1": 30}), task("r1/b", {"m2": 30}, after=["r1/a"], max_wait=10)],
        due=0,
    )
    blocker = simple("r2", 70, "m2")
    return build(
        [machine("m1"), machine("m2")],
        [chain, blocker],
        fixed=[{"task": "r2/t", "machine": "m2", "start": at(30)}],
    )


def test_after_and_max_wait():
    problem = chain_problem()
    got = starts(solved(problem))
    assert got["r2/t"] == 30
    assert got["r1/b"] == 100
    assert 60 <= got["r1/a"] <= 70
    flagged(
        problem,
        [("r1/a", "m1", 0), ("r1/b", "m2", 20), ("r2/t", "m2", 30)],
        "starts before r1/a ends",
    )
    flagged(
        problem,
        [("r1/a", "m1", 0), ("r1/b", "m2", 100), ("r2/t", "m2", 30)],
        "waits 70 min after r1/a",
    )


def test_release_and_deadline():
    problem = build(
        [machine("m1")], [simple("r1", 60, release=100, due=0), simple("r2", 60, deadline=50)]
    )
    solution = solved(problem)
    assert starts(solution) == {"r1/t": 100}
    assert [u.request for u in solution.unserved] == ["r2"]
    assert "tidak ada jendela vacuum_fryer (m1) sepanjang 60 menit" in solution.unserved[0].reason
    flagged(problem, [("r1/t", "m1", 0)], "starts before its request's release")
    flagged(problem, [("r2/t", "m1", 0)], "ends after its request's deadline")


def test_request_served_whole_or_not_at_all():
    two = request("r1", [task("r1/a", {"m1": 30}), task("r1/b", {"m2": 600})], deadline=300)
    problem = build([machine("m1"), machine("m2")], [two])
    solution = solved(problem)
    assert solution.assignments == ()
    assert solution.objective == 1000
    flagged(problem, [("r1/a", "m1", 0)], "only 1 of 2 tasks are scheduled")


def test_mandatory_beats_heavier_optional_request():
    problem = build(
        [machine("m1", windows=[(0, 60)])],
        [simple("heavy", 60, weight=10), simple("must", 60, mandatory=True)],
    )
    solution = solved(problem)
    assert starts(solution) == {"must/t": 0}
    assert solution.status == "optimal"
    flagged(problem, [("heavy/t", "m1", 0)], "must: mandatory but not served")


def test_impossible_mandatory_gives_infeasible_with_reason():
    problem = build(
        [machine("m1", windows=[(0, 60)])],
        [simple("a", 60, mandatory=True), simple("b", 60, mandatory=True)],
    )
    solution = solved(problem)
    assert solution.status == "infeasible"
    assert len(solution.unserved) == 1
    assert solution.unserved[0].reason.startswith(
        "wajib dilayani, tetapi bentrok dengan permintaan wajib"
    )
    errors = validate(problem, solution_of(problem, [("a/t", "m1", 0)], status="feasible"))
    assert any("mandatory but not served" in e for e in errors)


def test_fixed_placement_is_honoured():
    problem = build(
        [machine("m1")],
        [simple("r1", 30, due=0)],
        fixed=[{"task": "r1/t", "machine": "m1", "start": at(100)}],
    )
    assert starts(solved(problem)) == {"r1/t": 100}
    flagged(problem, [("r1/t", "m1", 0)], "fixed placement not honoured")


def test_objective_bound_and_unserved_listing_are_checked():
    problem = build([machine("m1")], [simple("r1", 30, due=0), simple("r2", 30)])
    good = solution_of(problem, [("r1/t", "m1", 0), ("r2/t", "m1", 30)])
    assert validate(problem, good) == []
    assert any(
        "objective" in e for e in validate(problem, replace(good, objective=good.objective + 1))
    )
    assert any("bound" in e for e in validate(problem, replace(good, bound=good.objective + 5)))
    assert any(
        "neither scheduled" in e
        for e in validate(problem, replace(good, assignments=good.assignments[:1]))
    )

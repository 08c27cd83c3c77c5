"""List placement: the careful mode of the optimiser against the plain first-come calendar."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharedfactory.scheduler.calendar import Booking, Calendar, Spans
from sharedfactory.scheduler.placement import fcfs_schedule, list_schedule, place_request
from sharedfactory.scheduler.problem import Machine, Operator, Problem, Task
from sharedfactory.scheduler.solve import finish
from sharedfactory.scheduler.validate import validate
from tests.scheduler.factories import START, build, machine, operator, request, simple, task

pytestmark = pytest.mark.pure

CLASSES = ["x", "y", None]


def _valid(problem, assignments):
    return validate(problem, finish(problem, assignments, "highs", time.perf_counter())) == []


def two_operators():
    """op-all runs both machines and is listed first; op-a only runs machine a."""
    machines = [
        machine("a", needs_operator=True, windows=[(0, 60)]),
        machine("b", needs_operator=True, windows=[(0, 60)]),
    ]
    operators = [operator("op-all", ["a", "b"]), operator("op-a", ["a"])]
    requests = [simple("on-a", 60, "a"), simple("on-b", 60, "b")]
    return build(machines, requests, operators=operators)


def test_careful_mode_keeps_the_versatile_operator_free():
    problem = two_operators()
    plain = fcfs_schedule(problem)
    careful = list_schedule(problem, problem.requests, careful=True)
    assert {a.request for a in plain} == {"on-a"}  # op-all took machine a
    assert {(a.request, a.operator) for a in careful} == {("on-a", "op-a"), ("on-b", "op-all")}
    assert _valid(problem, plain)
    assert _valid(problem, careful)


def late_sealer():
    """The sealer opens at 500 and may start at most 20 min after frying ends: frying must
    start between 380 and 400, which is neither the release nor any window start."""
    machines = [machine("fryer", windows=[(0, 1000)]), machine("sealer", windows=[(500, 600)])]
    fry = task("r/fry", {"fryer": 100})
    seal = task("r/seal", {"sealer": 30}, after=["r/fry"], max_wait=20)
    return build(machines, [request("r", [fry, seal])])


def test_careful_mode_starts_a_chain_later_when_a_step_would_wait_too_long():
    problem = late_sealer()
    assert fcfs_schedule(problem) == []
    placed = {a.task: (a.start, a.end) for a in list_schedule(problem, problem.requests, True)}
    assert placed == {"r/fry": (380, 480), "r/seal": (500, 530)}
    assert _valid(problem, list_schedule(problem, problem.requests, careful=True))


def test_place_request_books_nothing_when_it_gives_up():
    problem = late_sealer()
    calendar = Calendar(problem, careful=True)
    assert place_request(calendar, problem.requests[0], {}, attempts=1) is None
    assert all(not line for line in calendar.machines.values())
    assert place_request(calendar, problem.requests[0], {}) is not None
    assert [b.task for b in calendar.machines["sealer"]] == ["r/seal"]


@pytest.mark.parametrize(
    ("start", "end", "held"),
    [(0, 50, True), (40, 120, False), (60, 150, True), (150, 200, True), (190, 260, False)],
)
def test_spans_hold_a_task_only_inside_one_window_even_when_windows_overlap(start, end, held):
    windows = ((60, 200), (0, 100), (150, 250))
    assert Spans(windows).hold(start, end) is held
    assert held is any(ws <= start and end <= we for ws, we in windows)


@st.composite
def calendars(draw):
    """A machine with random (maybe overlapping) windows, bookings of two classes, and maybe
    two operators with their own shifts and tasks; a task to place and a start range."""
    spans = st.tuples(st.integers(0, 200), st.integers(1, 200)).map(lambda p: (p[0], sum(p)))
    windows = tuple(draw(st.lists(spans, min_size=1, max_size=4)))
    changeover = {"x": {"y": draw(st.integers(0, 60))}, "y": {"x": draw(st.integers(0, 120))}}
    staffed = draw(st.booleans())
    m = Machine("m", "fryer", None, windows, changeover, draw(st.sampled_from(CLASSES)), staffed)
    operators = tuple(
        Operator(f"o{k}", ("m",), tuple(draw(st.lists(spans, min_size=1, max_size=3))))
        for k in range(2 if staffed else 0)
    )
    problem = Problem(START, 1000, (m,), operators, ())
    calendar = Calendar(problem)
    calendar.machines["m"] = _timeline(draw, CLASSES)
    for o in operators:
        calendar.operators[o.id] = _timeline(draw, [None])
    task = Task("t", "r", {"m": draw(st.integers(1, 60))}, draw(st.sampled_from(CLASSES)))
    low = draw(st.integers(0, 200))
    return calendar, m, task, low, low + draw(st.integers(0, 300))


def _timeline(draw, classes):
    cuts = sorted(set(draw(st.lists(st.integers(0, 400), max_size=16))))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [Booking(a, b, f"b{a}", draw(st.sampled_from(classes))) for a, b in pairs]


@settings(max_examples=1000, deadline=None)
@given(case=calendars())
def test_earliest_is_the_first_feasible_minute(case):
    calendar, m, task, low, high = case
    d = task.durations["m"]
    expected = next(
        (
            s
            for s in range(low, high + 1)
            if calendar.machine_fits(m, s, s + d, task.cls)
            and (not m.needs_operator or calendar.free_operator("m", s, s + d))
        ),
        None,
    )
    found = calendar.earliest(m, task, low, high)
    assert (found and found.start) == expected

"""Random small problems: every schedule returned validates and its objective is recomputed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharedfactory.scheduler.objective import objective_value
from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.solve import solve
from sharedfactory.scheduler.validate import validate
from tests.scheduler.factories import at, machine, operator, problem_json, request, task

pytestmark = pytest.mark.pure

CLASSES = ["halal", "non_halal", None]


@st.composite
def problems(draw):
    n_machines = draw(st.integers(1, 3))
    ids = [f"m{i}" for i in range(n_machines)]
    machines = []
    for ident in ids:
        start = draw(st.integers(0, 120))
        windows = [(start, start + draw(st.integers(120, 600)))]
        if draw(st.booleans()):
            windows.append((windows[0][1] + 30, windows[0][1] + 30 + draw(st.integers(60, 400))))
        changeover = {
            "halal": {"non_halal": draw(st.integers(0, 40))},
            "non_halal": {"halal": draw(st.integers(0, 90))},
        }
        machines.append(
            machine(
                ident,
                windows=windows,
                changeover=changeover,
                initial_class=draw(st.sampled_from(CLASSES)),
                needs_operator=draw(st.booleans()),
            )
        )
    operators = None
    if draw(st.booleans()):
        operators = [
            operator(
                f"op{k}",
                draw(st.lists(st.sampled_from(ids), min_size=1, max_size=n_machines, unique=True)),
                [(0, draw(st.integers(200, 1440)))],
            )
            for k in range(draw(st.integers(1, 2)))
        ]
    requests = []
    for r in range(draw(st.integers(1, 4))):
        tasks = []
        for k in range(draw(st.integers(1, 2))):
            chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
            durations = {m: draw(st.integers(5, 120)) for m in chosen}
            after = [f"r{r}/t{k - 1}"] if k and draw(st.booleans()) else None
            wait = draw(st.one_of(st.none(), st.integers(0, 120))) if after else None
            tasks.append(
                task(
                    f"r{r}/t{k}",
                    durations,
                    cls=draw(st.sampled_from(CLASSES)),
                    after=after,
                    max_wait=wait,
                )
            )
        release = draw(st.integers(0, 300))
        requests.append(
            request(
                f"r{r}",
                tasks,
                weight=draw(st.sampled_from([0.5, 1, 3])),
                release=release,
                due=draw(st.one_of(st.none(), st.integers(0, 900))),
                deadline=draw(st.one_of(st.none(), st.integers(release + 1, 1440))),
                mandatory=draw(st.booleans()),
            )
        )
    fixed = None
    first = requests[0]["tasks"][0]
    if draw(st.booleans()):
        m0 = next(iter(first["machines"]))
        window_start = next(mm for mm in machines if mm["id"] == m0)["windows"][0][0]
        fixed = [{"task": first["id"], "machine": m0, "start": window_start}]
    objective = {
        "unserved": draw(st.sampled_from([0, 100, 1000])),
        "tardiness": draw(st.sampled_from([0, 1])),
        "completion": draw(st.sampled_from([0, 0.5])),
        "makespan": draw(st.sampled_from([0, 1])),
    }
    return problem_json(machines, requests, operators=operators, fixed=fixed, objective=objective)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems(), solver=st.sampled_from(["highs", "greedy"]))
def test_every_schedule_validates(data, solver):
    try:
        problem = parse_problem(data)
    except ValueError:
        return  # e.g. a generated fixed task that does not fit its window
    solution = solve(problem, solver, time_limit=2)
    assert validate(problem, solution) == []
    assert solution.objective == pytest.approx(objective_value(problem, solution.assignments))
    assert {u.request for u in solution.unserved}.isdisjoint(
        {a.request for a in solution.assignments}
    )
    assert all(u.reason for u in solution.unserved)
    if solution.bound is not None:
        assert solution.bound <= solution.objective + 1e-6


def test_at_helper_keeps_offset():
    assert at(0).endswith("+07:00")

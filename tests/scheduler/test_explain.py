import pytest

from sharedfactory.scheduler.explain import explain_unserved, format_minute
from sharedfactory.scheduler.solve import solve
from tests.scheduler.factories import build, machine, operator, request, simple, task

pytestmark = pytest.mark.pure


def reasons(problem):
    return explain_unserved(problem, solve(problem, "highs", 5))


def test_times_are_indonesian_in_the_horizon_offset():
    problem = build([machine("m1")], [simple("r1", 30)])
    assert format_minute(problem, 0) == "Sel 01 Des 08.00"
    assert format_minute(problem, 24 * 60 + 90) == "Rab 02 Des 09.30"


def test_no_window_long_enough():
    problem = build(
        [machine("fryer-1", windows=[(0, 60)])], [simple("r1", 90, "fryer-1", deadline=600)]
    )
    assert reasons(problem) == {
        "r1": "tugas r1/t: tidak ada jendela vacuum_fryer (fryer-1) sepanjang 90 menit"
        " antara Sel 01 Des 08.00 dan tenggat Sel 01 Des 18.00"
    }


def test_deadline_before_release():
    problem = build([machine("m1")], [simple("r1", 30, release=300, deadline=200)])
    assert "tenggatnya tidak setelah waktu mulai" in reasons(problem)["r1"]


def test_no_operator_on_shift():
    problem = build(
        [machine("fryer-1", needs_operator=True)],
        [simple("r1", 30, "fryer-1", deadline=120)],
        operators=[operator("op1", ["fryer-1"], [(600, 900)])],
    )
    assert reasons(problem)["r1"].startswith("tugas r1/t perlu operator untuk fryer-1")


def test_chain_that_cannot_fit():
    chain = request(
        "r1", [task("r1/a", {"m1": 30}), task("r1/b", {"m2": 30}, after=["r1/a"], max_wait=0)]
    )
    problem = build([machine("m1", windows=[(0, 30)]), machine("m2", windows=[(60, 90)])], [chain])
    assert reasons(problem)["r1"].startswith("urutan tugas dan jeda maksimumnya tidak muat")


def test_machines_booked_by_others():
    problem = build(
        [machine("m1", windows=[(0, 60)])], [simple("big", 60, weight=5), simple("small", 60)]
    )
    assert reasons(problem)["small"].startswith(
        "semua mesin yang sesuai (vacuum_fryer) sudah penuh"
    )

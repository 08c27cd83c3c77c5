import json
import os
import subprocess
import sys

import pytest

from sharedfactory.scheduler.command import main
from tests.scheduler.factories import machine, problem_json, request, simple, task

pytestmark = pytest.mark.pure


def run(*args: str, hash_seed: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sharedfactory.scheduler.command", *args]
    env = None if hash_seed is None else os.environ | {"PYTHONHASHSEED": hash_seed}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def write(tmp_path, data, name="problem.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_exit_0_prints_solution_json(tmp_path):
    path = write(tmp_path, problem_json([machine("m1")], [simple("r1", 30, due=0)]))
    done = run(path, "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    solution = json.loads(done.stdout)
    assert solution["status"] == "optimal"
    assert solution["objective"] == 30.0
    assert solution["assignments"][0]["start"] == "2026-12-01T08:00:00+07:00"
    assert done.stderr == ""


def test_exit_0_writes_output_file_with_greedy(tmp_path):
    path = write(tmp_path, problem_json([machine("m1")], [simple("r1", 30)]))
    out = tmp_path / "solution.json"
    done = run(path, "-o", str(out), "--solver", "greedy")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["solver"] == "greedy"


def test_exit_2_names_file_and_json_path_without_traceback(tmp_path):
    data = problem_json([machine("m1")], [simple(f"r{i}", 30) for i in range(3)])
    data["requests"].append(request("r3", [task("r3/t", {"fryer-9": 30})]))
    path = write(tmp_path, data)
    done = run(path)
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"{path}: requests[3].tasks[0].machines: unknown machine 'fryer-9'"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("content", ["{not json", None])
def test_exit_2_for_malformed_or_missing_file(tmp_path, content):
    path = tmp_path / "problem.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2


def test_exit_3_when_mandatory_requests_are_infeasible(tmp_path):
    data = problem_json(
        [machine("m1", windows=[(0, 60)])],
        [simple("a", 60, mandatory=True), simple("b", 60, mandatory=True)],
    )
    out = tmp_path / "solution.json"
    done = run(write(tmp_path, data), "-o", str(out), "--time-limit", "5")
    assert done.returncode == 3, done.stderr
    solution = json.loads(out.read_text(encoding="utf-8"))
    assert solution["status"] == "infeasible"
    assert solution["unserved"][0]["reason"].startswith("wajib dilayani")


def test_help_names_the_command():
    done = run("--help")
    assert done.returncode == 0
    assert "usage: sharedfactory schedule" in done.stdout


def test_same_schedule_whatever_the_hash_seed(tmp_path):
    """Sets of class names and ids must not steer the schedule: each process hashes strings
    with its own seed."""
    classes = ["halal", "non_halal", "pork"]
    table = {
        a: {b: 15 * (i + j + 1) for j, b in enumerate(classes) if b != a}
        for i, a in enumerate(classes)
    }
    machines = [machine(m, changeover=table, initial_class="halal") for m in ("m1", "m2")]
    requests = [
        request(
            f"r{n}", [task(f"r{n}/t", {"m1": 40 + n, "m2": 45 + n}, cls=classes[n % 3])], due=60
        )
        for n in range(5)
    ]
    path = write(tmp_path, problem_json(machines, requests))
    outputs = set()
    for seed in ("1", "2", "3"):
        done = run(path, "--time-limit", "10", hash_seed=seed)
        assert done.returncode == 0, done.stderr
        solution = json.loads(done.stdout)
        solution.pop("seconds")
        assert solution["status"] == "optimal"
        outputs.add(json.dumps(solution, sort_keys=True))
    assert len(outputs) == 1

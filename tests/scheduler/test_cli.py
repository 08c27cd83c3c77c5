import json
import subprocess
import sys

import pytest

from sharedfactory.scheduler.command import main
from tests.scheduler.factories import machine, problem_json, request, simple, task

pytestmark = pytest.mark.pure


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sharedfactory.scheduler.command", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


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

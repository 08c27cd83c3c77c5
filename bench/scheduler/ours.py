"""Run sharedfactory's own scheduler on one problem file, in a process of its own.

    python -m bench.scheduler.ours PROBLEM.json [--solver highs|cbc|greedy] --time-limit S -o OUT

Writes the contract's solution JSON plus measurement fields: ``wall_seconds`` (parse to result),
``build_seconds`` (time spent in the core's MILP model building, summed over the decomposed groups,
measured by wrapping the core's MILP ``build_model`` from outside), ``greedy_seconds``
(until the list schedule was reported), ``phases`` and ``peak_rss_mb`` of this process and of any
child it waited for (CBC runs as a child).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from sharedfactory.scheduler.parse import parse_problem, solution_to_json
from sharedfactory.scheduler.solve import Progress, solve


def _build_model_home() -> Any:
    """The module whose global ``build_model`` the core's ``solve_milp`` calls (or None)."""
    try:
        from sharedfactory.scheduler.milp import solve_milp
    except ImportError:
        return None
    home = sys.modules.get(solve_milp.__module__)
    return home if home is not None and hasattr(home, "build_model") else None


def run(data: dict[str, Any], solver: str, time_limit: float) -> dict[str, Any]:
    began = time.perf_counter()
    problem = parse_problem(data)
    parse_seconds = time.perf_counter() - began
    build = {"seconds": 0.0, "models": 0}
    home = _build_model_home()
    original = getattr(home, "build_model", None)

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)  # type: ignore[misc]
        finally:
            build["seconds"] += time.perf_counter() - t0
            build["models"] += 1

    phases: list[dict[str, Any]] = []

    def progress(p: Progress) -> None:
        if not phases or phases[-1]["phase"] != p.phase:
            phases.append({"phase": p.phase, "elapsed": round(p.elapsed, 3)})

    if home is not None:
        home.build_model = timed_build
    try:
        solution = solve(problem, solver, time_limit, progress)
    finally:
        if home is not None:
            home.build_model = original
    out = solution_to_json(solution, problem)
    out["wall_seconds"] = round(time.perf_counter() - began, 3)
    out["parse_seconds"] = round(parse_seconds, 3)
    out["build_seconds"] = round(build["seconds"], 3) if home is not None else None
    out["models_built"] = build["models"]
    greedy = [p["elapsed"] for p in phases if p["phase"] == "greedy"]
    out["greedy_seconds"] = greedy[0] if greedy else None
    out["phases"] = phases
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_rss_mb"] = round(max(self_kb, child_kb) / 1024, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run sharedfactory's scheduler on one problem.")
    parser.add_argument("problem", type=Path)
    parser.add_argument("--solver", default="highs")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    out = run(json.loads(args.problem.read_text()), args.solver, args.time_limit)
    text = json.dumps(out, indent=1)
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

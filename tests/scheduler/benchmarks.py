"""Readers mapping the public benchmarks in ../shared/benchmarks into contract problems."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.scheduler.factories import machine, problem_json, request, task

BENCHMARKS = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"


def wt40_jobs(instance: int) -> list[tuple[int, int, int]]:
    """(processing time, weight, due date) of the 40 jobs of one OR-Library wt40 instance."""
    numbers = [int(x) for x in (BENCHMARKS / "orlib-wt" / "wt40.txt").read_text().split()]
    chunk = numbers[instance * 120 : (instance + 1) * 120]
    return list(zip(chunk[:40], chunk[40:80], chunk[80:120], strict=True))


def weighted_tardiness_problem(jobs: list[tuple[int, int, int]]) -> dict[str, Any]:
    total = sum(p for p, _, _ in jobs)
    requests = [
        request(f"j{i}", [task(f"j{i}/t", {"m1": p})], weight=w, due=d, mandatory=True)
        for i, (p, w, d) in enumerate(jobs)
    ]
    return problem_json(
        [machine("m1")], requests, objective={"tardiness": 1, "unserved": 0}, horizon=total + 10
    )


def optimal_weighted_tardiness(jobs: list[tuple[int, int, int]]) -> int:
    """Exact optimum by dynamic programming over subsets (small n only)."""
    n = len(jobs)
    best = [0] + [10**18] * ((1 << n) - 1)
    for subset in range(1, 1 << n):
        length = sum(jobs[j][0] for j in range(n) if subset >> j & 1)
        for j in range(n):
            if subset >> j & 1:
                cost = best[subset ^ (1 << j)] + jobs[j][1] * max(0, length - jobs[j][2])
                best[subset] = min(best[subset], cost)
    return best[-1]


def upmsp_problem(name: str) -> dict[str, Any]:
    lines = [
        ln.split()
        for ln in (BENCHMARKS / "upmsp-small" / f"{name}.txt").read_text().splitlines()
        if ln.strip()
    ]
    n, m = int(lines[0][0]), int(lines[0][1])
    times = [[int(x) for x in row] for row in lines[2 : 2 + n]]
    setups: list[list[list[int]]] = []
    row = 3 + n  # after 'SSD'
    for _ in range(m):
        setups.append([[int(x) for x in lines[row + 1 + j]] for j in range(n)])
        row += 1 + n
    machines = [
        machine(
            f"m{k}",
            changeover={
                f"j{a}": {f"j{b}": setups[k][a][b] for b in range(n) if a != b} for a in range(n)
            },
        )
        for k in range(m)
    ]
    requests = [
        request(
            f"j{j}",
            [
                task(
                    f"j{j}/t",
                    {f"m{times[j][2 * k]}": times[j][2 * k + 1] for k in range(m)},
                    cls=f"j{j}",
                )
            ],
            mandatory=True,
        )
        for j in range(n)
    ]
    horizon = sum(max(times[j][1::2]) for j in range(n)) + n * max(
        max(max(r) for r in s) for s in setups
    )
    return problem_json(
        machines, requests, objective={"makespan": 1, "unserved": 0}, horizon=horizon
    )


def upmsp_reference(name: str) -> tuple[int, bool]:
    with (BENCHMARKS / "upmsp-small" / "reference.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["instance"] == name:
                return int(row["ub_makespan"]), row["proven_optimal"] == "1"
    raise KeyError(name)

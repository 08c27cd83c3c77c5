"""Public benchmark sets mapped into the problem JSON of CONTRACTS.md section 3.

The files are read in place from ``../shared/benchmarks`` beside the checkout (override with the
environment variable ``SHAREDFACTORY_BENCHMARKS_DIR``); nothing is copied into the project.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

ORIGIN = datetime.fromisoformat("2026-01-05T00:00:00+07:00")
WT_SIZE = 40


def benchmarks_dir() -> Path:
    override = os.environ.get("SHAREDFACTORY_BENCHMARKS_DIR")
    if override:
        return Path(override)
    # bench/scheduler/instances.py -> parents[2] is the checkout; ../shared sits beside it.
    return (Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks").resolve()


def _iso(minutes: int) -> str:
    return (ORIGIN + timedelta(minutes=minutes)).isoformat()


def wt40_problem(times: list[int], weights: list[int], dues: list[int]) -> JSON:
    """One machine open the whole horizon, one mandatory one-task request per job."""
    length = sum(times)
    return {
        "version": 1,
        "horizon": {"start": _iso(0), "end": _iso(length)},
        "machines": [{"id": "m1", "type": "single", "house": "orlib"}],
        "requests": [
            {
                "id": f"j{j + 1:02d}",
                "business": "orlib",
                "weight": float(weights[j]),
                "due": _iso(dues[j]),
                "mandatory": True,
                "tasks": [{"id": f"j{j + 1:02d}/run", "machines": {"m1": times[j]}}],
            }
            for j in range(len(times))
        ],
        "objective": {"unserved": 0, "tardiness": 1, "completion": 0, "makespan": 0},
    }


def wt40_problems() -> list[tuple[JSON, int]]:
    """The 125 OR-Library wt40 instances with their published optima (wtopt40.txt, in order)."""
    folder = benchmarks_dir() / "orlib-wt"
    numbers = [int(x) for x in (folder / "wt40.txt").read_text().split()]
    optima = [int(x) for x in (folder / "wtopt40.txt").read_text().split()]
    block = 3 * WT_SIZE
    if len(numbers) % block:
        raise ValueError(f"wt40.txt holds {len(numbers)} numbers, not a multiple of {block}")
    count = len(numbers) // block
    if count != len(optima):
        raise ValueError(f"{count} instances in wt40.txt but {len(optima)} optima")
    result = []
    for k in range(count):
        chunk = numbers[k * block : (k + 1) * block]
        times, weights, dues = chunk[:WT_SIZE], chunk[WT_SIZE : 2 * WT_SIZE], chunk[2 * WT_SIZE :]
        result.append((wt40_problem(times, weights, dues), optima[k]))
    return result


def parse_upmsp(text: str) -> tuple[list[list[int]], list[list[list[int]]]]:
    """Processing times p[job][machine] and setups s[machine][pred][succ] of a Vallada-Ruiz file."""
    tokens = text.split()
    n, m = int(tokens[0]), int(tokens[1])
    pos = 3
    if int(tokens[pos]) != m:
        raise ValueError("machine count repeated wrongly")
    pos += 1
    times = [[0] * m for _ in range(n)]
    for j in range(n):
        for _ in range(m):
            k, p = int(tokens[pos]), int(tokens[pos + 1])
            times[j][k] = p
            pos += 2
    if tokens[pos] != "SSD":
        raise ValueError(f"expected SSD, found {tokens[pos]!r}")
    pos += 1
    setups = []
    for k in range(m):
        if tokens[pos] != f"M{k}":
            raise ValueError(f"expected M{k}, found {tokens[pos]!r}")
        pos += 1
        matrix = []
        for _ in range(n):
            matrix.append([int(x) for x in tokens[pos : pos + n]])
            pos += n
        setups.append(matrix)
    return times, setups


def upmsp_problem(times: list[list[int]], setups: list[list[list[int]]]) -> JSON:
    """Each job its own class; the machine's setup matrix as its changeover; no initial class."""
    n, m = len(times), len(setups)
    # A valid upper bound on the makespan: every job on the one machine, worst setups between.
    length = min(
        sum(times[j][k] for j in range(n)) + (n - 1) * max(max(row) for row in setups[k])
        for k in range(m)
    )
    machines = []
    for k in range(m):
        changeover = {
            f"c{i}": {f"c{j}": setups[k][i][j] for j in range(n) if j != i and setups[k][i][j]}
            for i in range(n)
        }
        machines.append(
            {
                "id": f"M{k}",
                "type": "upmsp",
                "house": "vallada-ruiz",
                "changeover": {c: row for c, row in changeover.items() if row},
            }
        )
    return {
        "version": 1,
        "horizon": {"start": _iso(0), "end": _iso(length)},
        "machines": machines,
        "requests": [
            {
                "id": f"j{j}",
                "business": "vallada-ruiz",
                "mandatory": True,
                "tasks": [
                    {
                        "id": f"j{j}/run",
                        "class": f"c{j}",
                        "machines": {f"M{k}": times[j][k] for k in range(m)},
                    }
                ],
            }
            for j in range(n)
        ],
        "objective": {"unserved": 0, "tardiness": 0, "completion": 0, "makespan": 1},
    }


def upmsp_reference() -> dict[str, int | None]:
    """Proven optimal makespans from reference.csv (None where not proven optimal)."""
    path = benchmarks_dir() / "upmsp-small" / "reference.csv"
    result: dict[str, int | None] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            proven = row.get("proven_optimal", "0").strip() == "1"
            result[row["instance"]] = int(float(row["ub_makespan"])) if proven else None
    return result


def _upmsp_key(path: Path) -> tuple[int, int, str, int]:
    # I_n_m_S_1-k_rep
    parts = path.stem.split("_")
    return int(parts[1]), int(parts[2]), parts[4], int(parts[5])


def upmsp_data(name: str) -> tuple[list[list[int]], list[list[list[int]]]]:
    """Processing times and setups of one Vallada-Ruiz instance, by its name."""
    return parse_upmsp((benchmarks_dir() / "upmsp-small" / f"{name}.txt").read_text())


def upmsp_problems(limit: int | None = None, step: int = 1) -> list[tuple[str, JSON, int | None]]:
    """(name, problem, proven optimum or None) for the Vallada-Ruiz small set, sorted by n, m, rep.

    ``step`` takes every step-th instance (a spread sample); ``limit`` then caps the count.
    """
    folder = benchmarks_dir() / "upmsp-small"
    reference = upmsp_reference()
    files = sorted(folder.glob("I_*.txt"), key=_upmsp_key)[::step]
    if limit is not None:
        files = files[:limit]
    result = []
    for path in files:
        times, setups = parse_upmsp(path.read_text())
        result.append((path.stem, upmsp_problem(times, setups), reference.get(path.stem)))
    return result

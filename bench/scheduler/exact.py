"""The exact optimum of a small Vallada-Ruiz instance, computed without any solver.

For each machine, a dynamic programme over job subsets and the last job gives the shortest time
in which the machine can run each subset (no setup before its first job, as in
``instances.upmsp_problem``); a second one over machines splits the jobs so that the longest
machine is shortest. Time and memory grow as 2^n * n^2 and 3^n per machine: seconds for the
small set's n <= 12. The benchmark uses it to settle rows where a validated schedule beats the
optimum that ``reference.csv`` lists as proven.
"""

from __future__ import annotations

import sys

INFINITY = 10**12


def machine_spans(times: list[list[int]], setups: list[list[list[int]]], k: int) -> list[int]:
    """The shortest completion on machine `k` of every job subset (bit j = job j)."""
    n = len(times)
    best = [[INFINITY] * n for _ in range(1 << n)]
    for j in range(n):
        best[1 << j][j] = times[j][k]
    for mask in range(1, 1 << n):
        row = best[mask]
        for last in range(n):
            done = row[last]
            if done >= INFINITY:
                continue
            setup = setups[k][last]
            for job in range(n):
                if not mask >> job & 1:
                    end = done + setup[job] + times[job][k]
                    nxt = best[mask | 1 << job]
                    if end < nxt[job]:
                        nxt[job] = end
    spans = [min(row) for row in best]
    spans[0] = 0
    return spans


def upmsp_optimum(times: list[list[int]], setups: list[list[list[int]]]) -> int:
    """The least makespan over every split of the jobs among the machines and every order."""
    n = len(times)
    split = machine_spans(times, setups, 0)
    for k in range(1, len(setups)):
        spans = machine_spans(times, setups, k)
        merged = [INFINITY] * (1 << n)
        for mask in range(1 << n):
            here, sub = INFINITY, mask
            while True:  # every subset `sub` of `mask` goes to machine k
                value = max(split[mask ^ sub], spans[sub])
                here = min(here, value)
                if sub == 0:
                    break
                sub = (sub - 1) & mask
            merged[mask] = here
        split = merged
    return split[(1 << n) - 1]


def main() -> int:
    """Check every optimum `reference.csv` lists as proven against the exact one."""
    from bench.scheduler.instances import upmsp_data, upmsp_reference

    listed = {name: value for name, value in upmsp_reference().items() if value is not None}
    differ = 0
    for count, (name, value) in enumerate(sorted(listed.items()), start=1):
        exact = upmsp_optimum(*upmsp_data(name))
        if exact != value:
            differ += 1
            print(f"{name}: listed {value}, exact {exact}")
        if count % 50 == 0:
            print(f"... {count} of {len(listed)} checked", file=sys.stderr)
    print(f"{len(listed) - differ} of {len(listed)} listed optima are exact; {differ} differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())

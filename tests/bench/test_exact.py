import itertools
import random

import pytest

from bench.scheduler.exact import machine_spans, upmsp_optimum
from tests.scheduler.benchmarks import BENCHMARKS, upmsp_reference

pytestmark = pytest.mark.pure


def _instance(rng: random.Random, n: int, m: int) -> tuple[list[list[int]], list[list[list[int]]]]:
    times = [[rng.randint(1, 20) for _ in range(m)] for _ in range(n)]
    setups = [[[rng.randint(0, 9) for _ in range(n)] for _ in range(n)] for _ in range(m)]
    return times, setups


def _span(
    times: list[list[int]], setups: list[list[list[int]]], k: int, jobs: tuple[int, ...]
) -> int:
    if not jobs:
        return 0
    total = times[jobs[0]][k]
    for before, job in itertools.pairwise(jobs):
        total += setups[k][before][job] + times[job][k]
    return total


def _brute_force(times: list[list[int]], setups: list[list[list[int]]]) -> int:
    """Every assignment of jobs to machines and every order on each machine."""
    n, m = len(times), len(setups)
    best = None
    for owners in itertools.product(range(m), repeat=n):
        longest = 0
        for k in range(m):
            jobs = [j for j in range(n) if owners[j] == k]
            longest = max(
                longest,
                min(_span(times, setups, k, order) for order in itertools.permutations(jobs)),
            )
        best = longest if best is None else min(best, longest)
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(12))
def test_exact_optimum_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    times, setups = _instance(rng, rng.randint(3, 6), rng.randint(1, 3))
    assert upmsp_optimum(times, setups) == _brute_force(times, setups)


def test_machine_spans_take_the_best_order_of_each_subset() -> None:
    times = [[5], [3], [4]]
    setups = [[[0, 9, 1], [1, 0, 1], [9, 1, 0]]]
    spans = machine_spans(times, setups, 0)
    assert spans[0] == 0
    assert spans[0b001] == 5
    assert spans[0b101] == 5 + 1 + 4  # job 0 then job 2; the other way costs a setup of 9
    assert spans[0b111] == min(
        _span(times, setups, 0, order) for order in itertools.permutations(range(3))
    )


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks absent")
def test_reference_lists_a_higher_optimum_than_exists() -> None:
    from bench.scheduler.instances import upmsp_data

    listed, proven = upmsp_reference("I_8_3_S_1-124_7")
    assert (listed, proven) == (137, True)
    assert upmsp_optimum(*upmsp_data("I_8_3_S_1-124_7")) == 130
    assert upmsp_optimum(*upmsp_data("I_6_2_S_1-9_1")) == upmsp_reference("I_6_2_S_1-9_1")[0]

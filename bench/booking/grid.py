"""A slot search's starts: computed per opening span against the grid walked step by step.

    .venv/bin/python -m bench.booking.grid [--machines 50] [--repeat 20]

`free_slots` (limit 50) over a week for random machines of the sieve's tests, two ways in one
run: ours (`slots._starts`, the first and last step of a span computed) and the peer, the grid
walked a step at a time with every start compared to the range (`walked_starts`, what `_starts`
was until 2026-11-24). Two kinds of machines: with free slots (fewer than the 50 asked, so
the whole week is looked at, as in a busy house) and booked full (every start refused).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from sharedfactory.bookings import slots
from sharedfactory.bookings.facts import MachineFacts, Taken
from tests.bookings.test_sieve import (
    KINDS,
    NOW,
    TUESDAY,
    random_business,
    random_machine,
    walked_starts,
)

Starts = Callable[[MachineFacts, datetime, datetime, int], Iterator[datetime]]


def booked_full(machine: MachineFacts) -> MachineFacts:
    first = TUESDAY - timedelta(days=2)
    taken = tuple(
        Taken(
            f"bk-{i}", start, start + timedelta(hours=2), start + timedelta(hours=2), "halal", True
        )
        for i, start in enumerate(first + timedelta(hours=2 * i) for i in range(100))
    )
    return replace(machine, taken=taken)


QUERY = slots.SlotQuery(60, TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=6), KINDS[0])
UMKM = random_business(random.Random(0))


def per_machine_us(machines: list[MachineFacts], starts: Starts, repeat: int) -> float:
    """The median over `repeat` rounds of one search per machine, in microseconds per machine."""
    kept, slots._starts = slots._starts, starts  # type: ignore[assignment]
    try:
        rounds = []
        for _ in range(repeat):
            began = time.perf_counter()
            for machine in machines:
                slots.free_slots([machine], UMKM, QUERY, NOW, limit=50)
            rounds.append((time.perf_counter() - began) / len(machines) * 1e6)
    finally:
        slots._starts = kept
    return sorted(rounds)[len(rounds) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(1)
    free = [random_machine(rng) for _ in range(args.machines)]
    kinds = {"with free slots": free, "booked full": [booked_full(m) for m in free]}
    print("| machines | slots found, mean | walked µs | computed µs | computed / walked |")
    print("|---|---:|---:|---:|---:|")
    for name, machines in kinds.items():
        found = sum(len(slots.free_slots([m], UMKM, QUERY, NOW, limit=50)) for m in machines)
        walked = per_machine_us(machines, walked_starts, args.repeat)
        computed = per_machine_us(machines, slots._starts, args.repeat)
        mean = found / len(machines)
        print(f"| {name} | {mean:.1f} | {walked:.0f} | {computed:.0f} | {computed / walked:.2f} |")


if __name__ == "__main__":
    main()

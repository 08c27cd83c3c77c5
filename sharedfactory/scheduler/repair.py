"""Iterated ruin and recreate: the search that fits more requests into the week.

Ruin-and-recreate steps (`ruin.step`) are kept when the schedule ranks no worse, so plateaus
are crossed. After STALL steps without gain, `on_stall` may offer a better schedule (the exact
insertion of `insert.py`) and the search goes on from it; otherwise it goes back to the best
schedule of this run shaken by a few forced steps (`ruin.kick`). After RESTART such stalls
without a new best of the run it starts a new run from the start schedule with the random
stream where it is (another path: on the generated weeks some paths stall a request short),
keeping the overall best. Deterministic for a given number of steps (`random.Random(seed)`,
inputs iterated in order); it stops at `stop_at` or after `patience` steps without a new best.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sharedfactory.scheduler.problem import Assignment, Problem
from sharedfactory.scheduler.ruin import Search, kick, restart, start_search, step

Stall = Callable[[list[Assignment], float], list[Assignment] | None]

STALL = 300  # steps without gain before a kick (at least 4 per request)
RESTART = 12  # stalls without a new best of the run before a new run


def _listed(problem: Problem, kept: dict[str, list[Assignment]]) -> list[Assignment]:
    return [a for r in problem.requests for a in kept.get(r.id, [])]


def _by_request(assignments: list[Assignment]) -> dict[str, list[Assignment]]:
    kept: dict[str, list[Assignment]] = {}
    for a in assignments:
        kept.setdefault(a.request, []).append(a)
    return kept


class _Iterated:
    """The best of this run (where kicks return to) and the overall best."""

    def __init__(self, problem: Problem, start: list[Assignment], seed: int) -> None:
        self.problem, self.rng = problem, random.Random(seed)
        self.search: Search = start_search(problem, start)
        self.origin = dict(self.search.placed)
        self.current = self.anchor = self.best = self.search.key()
        self.anchored = self.kept = dict(self.search.placed)
        self.idle = self.stalls = self.since_best = 0

    def advance(self) -> bool:
        """One step; False when there is nothing to do. True also when a new best is found
        (then `since_best` is 0)."""
        outcome = step(self.search, self.rng, self.current)
        if outcome is None:
            return False
        self.idle = 0 if outcome < self.current else self.idle + 1
        self.current = outcome
        self.since_best += 1
        if outcome < self.anchor:
            self._anchor()
        return True

    def _anchor(self) -> None:
        self.anchor, self.anchored, self.stalls = self.current, dict(self.search.placed), 0
        if self.current < self.best:
            self.best, self.kept, self.since_best = self.current, self.anchored, 0

    def stall(self, offered: list[Assignment] | None) -> None:
        """Go on from `offered` (better than the best of the run), a new run, or a kick."""
        self.idle, self.stalls = 0, self.stalls + 1
        if offered is not None:
            restart(self.search, _by_request(offered))
            self.current = self.search.key()
            self._anchor()
        elif self.stalls >= RESTART:
            restart(self.search, self.origin)
            self.current = self.anchor = self.search.key()
            self.anchored, self.stalls = dict(self.origin), 0
        else:
            self.current = kick(self.search, self.anchored, self.anchor, self.rng)


def repair_search(
    problem: Problem,
    start: list[Assignment],
    stop_at: float,
    on_better: Callable[[float], None] | None = None,
    seed: int = 0,
    patience: int | None = None,
    on_stall: Stall | None = None,
) -> list[Assignment]:
    """Improve the valid schedule `start` until `stop_at` (perf_counter) or `patience` steps
    without a new best (default: 40 per request, at least 2,000); the best schedule found."""
    if patience is None:
        patience = max(2_000, 40 * len(problem.requests))
    stall = max(STALL, 4 * len(problem.requests))
    run = _Iterated(problem, start, seed)
    while run.since_best < patience and time.perf_counter() < stop_at:
        best = run.best
        if not run.advance():
            break
        if run.idle >= stall:
            anchored = _listed(problem, run.anchored)
            run.stall(None if on_stall is None else on_stall(anchored, stop_at))
        if run.best < best and on_better is not None:
            on_better(run.best[1])
    return _listed(problem, run.kept)

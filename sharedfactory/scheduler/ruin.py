"""Ruin-and-recreate steps on the booking calendar (driven by `repair.repair_search`).

A step frees a neighbourhood of the current schedule (the requests around an unserved one on
the machines it could use, or around a late or a random request, within a few hours) and places
the freed requests and a few waiting ones again, in a seeded random priority order, each at its
earliest feasible time among everything else (`placement.place_request`, careful mode: chains
retried later when a maximum wait is missed, the least versatile free operator), sometimes on
randomly pinned machines. It is kept when the schedule ranks no worse (or when forced), else
undone exactly. Every random choice comes from the caller's `random.Random`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from sharedfactory.scheduler.calendar import Calendar
from sharedfactory.scheduler.options import Option, task_options
from sharedfactory.scheduler.placement import place_request
from sharedfactory.scheduler.problem import Assignment, Problem, Request

Key = tuple[int, float]

WIDTHS = (240, 480, 960, 1440)  # minutes of the freed span around the chosen moment
MOST_FREED = 12
MOST_WAITING = 4
PIN_SHARE = 0.3  # of placements first tried on randomly pinned machines
ATTEMPTS = 3  # start floors tried per placement: later ones almost never succeed (measured)
KICK = 2  # forced steps of a kick


@dataclass
class Search:
    problem: Problem
    calendar: Calendar
    placed: dict[str, list[Assignment]]
    locked: frozenset[str]  # requests holding fixed tasks: never freed nor re-placed
    possible: tuple[Request, ...]  # requests every task of which has some placement option
    work: dict[str, int] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    openings: dict[str, list[Option]] = field(default_factory=dict)  # of each first task

    def request_cost(self, request: Request) -> float:
        weights = self.problem.objective
        items = self.placed.get(request.id)
        if not items:
            return weights.unserved * request.weight
        end = max(a.end for a in items)
        late = 0 if request.due is None else max(0, end - request.due)
        return request.weight * (weights.tardiness * late + weights.completion * end)

    def key(self) -> tuple[int, float]:
        """Like `objective.rank`: unserved must-serve requests, then the contract objective."""
        missing = sum(
            1
            for r in self.problem.requests
            if r.id not in self.placed and self.problem.must_serve(r)
        )
        total = sum(self.cost.values())
        if self.problem.objective.makespan:
            ends = [line[-1].end for line in self.calendar.machines.values() if line]
            total += self.problem.objective.makespan * max(ends, default=0)
        return missing, total


def start_search(problem: Problem, start: list[Assignment]) -> Search:
    calendar = Calendar(problem, careful=True)
    placed: dict[str, list[Assignment]] = {}
    for a in start:
        calendar.book(a)
        placed.setdefault(a.request, []).append(a)
    fixed = problem.fixed_by_task()
    locked = frozenset(r.id for r in problem.requests if any(t.id in fixed for t in r.tasks))
    possible = tuple(
        r
        for r in problem.requests
        if r.id not in locked and all(task_options(problem, t) for t in r.tasks)
    )
    search = Search(problem, calendar, placed, locked, possible)
    for request in problem.requests:
        search.work[request.id] = sum(min(t.durations.values()) for t in request.tasks)
        search.cost[request.id] = search.request_cost(request)
    for request in possible:
        first = next(t for t in request.tasks if not t.after)
        search.openings[request.id] = task_options(problem, first)
    return search


def _seed(search: Search, rng: random.Random) -> Request | None:
    """An unserved request (by weight), a late one, or any served one to build around."""
    unserved = [r for r in search.possible if r.id not in search.placed]
    served = [r for r in search.possible if r.id in search.placed]
    draw = rng.random()
    if unserved and (draw < 0.6 or not served):
        return rng.choices(unserved, weights=[r.weight for r in unserved])[0]
    late = [r for r in served if search.cost[r.id] > 0]
    if late and draw < 0.8:
        return rng.choice(late)
    return rng.choice(served) if served else None


def _machines(search: Search, seed: Request, rng: random.Random) -> set[str]:
    """The seed's machines; half the time also the other machines its operators run."""
    machines = {m for t in seed.tasks for m in t.durations}
    if rng.random() < 0.5:
        for operator in search.problem.operators:
            if machines & set(operator.machines):
                machines |= {m for m in operator.machines if search.problem.needs_operator(m)}
    return machines


def _span(search: Search, seed: Request, rng: random.Random) -> tuple[int, int]:
    """A few hours around the seed's start, or, unserved, around a moment it could start."""
    width = rng.choice(WIDTHS)
    items = search.placed.get(seed.id)
    if items:
        centre = min(a.start for a in items)
    else:
        option = rng.choice(search.openings[seed.id])
        centre = rng.randint(option.low, option.high)
    return centre - width // 2, centre + width // 2


def _neighbourhood(search: Search, seed: Request, rng: random.Random) -> list[str]:
    """Served requests to free: those on the seed's machines closest to a chosen moment."""
    machines = _machines(search, seed, rng)
    a, b = _span(search, seed, rng)
    distance: dict[str, int] = {}
    tasks = search.problem.task_by_id()
    for machine_id in sorted(machines):
        for booking in search.calendar.machines.get(machine_id, []):
            if booking.end <= a or booking.start >= b:
                continue
            request_id = tasks[booking.task].request
            gap = abs((booking.start + booking.end) // 2 - (a + b) // 2)
            distance[request_id] = min(distance.get(request_id, gap), gap)
    near = sorted((d, r) for r, d in distance.items() if r not in search.locked)
    freed = [r for _, r in near[: rng.randint(2, MOST_FREED)]]
    if seed.id in search.placed and seed.id not in freed:
        freed.append(seed.id)
    return freed


def _waiting(search: Search, seed: Request, rng: random.Random) -> list[str]:
    """The seed if unserved, and a few other unserved requests that share its machines."""
    machines = {m for t in seed.tasks for m in t.durations}
    others = [
        r.id
        for r in search.possible
        if r.id not in search.placed
        and r.id != seed.id
        and any(machines & set(t.durations) for t in r.tasks)
    ]
    chosen = rng.sample(others, min(len(others), rng.randint(0, MOST_WAITING)))
    return ([] if seed.id in search.placed else [seed.id]) + chosen


def _order(search: Search, ids: list[str], rng: random.Random) -> list[Request]:
    """A seeded random priority rule: as they were, weight, weight per minute, due, or none."""
    requests = [search.problem.request_by_id()[i] for i in ids]
    noise = {r.id: rng.random() for r in requests}
    rule = rng.randrange(5)
    if rule == 0:
        return requests  # the seed first, then the freed ones in their old order
    keys = {
        1: lambda r: -r.weight,
        2: lambda r: -r.weight / max(1, search.work[r.id]),
        3: lambda r: r.due if r.due is not None else r.deadline,
        4: lambda _: 0.0,
    }[rule]
    must = search.problem.must_serve
    return sorted(requests, key=lambda r: (not must(r), keys(r), noise[r.id]))


def _place(search: Search, request: Request, rng: random.Random) -> list[Assignment] | None:
    """Earliest placement; sometimes first with each task pinned to one random eligible
    machine, since the earliest-ending machine is not always the one that packs best."""
    if rng.random() < PIN_SHARE and any(len(t.durations) > 1 for t in request.tasks):
        pinned = replace(
            request,
            tasks=tuple(
                replace(t, durations={m: t.durations[m]})
                for t in request.tasks
                for m in [rng.choice(sorted(t.durations))]
            ),
        )
        placed = place_request(search.calendar, pinned, {}, ATTEMPTS)
        if placed is not None:
            return placed
    return place_request(search.calendar, request, {}, ATTEMPTS)


def step(search: Search, rng: random.Random, before: Key, force: bool = False) -> Key | None:
    """One ruin-and-recreate step from the schedule ranked `before`, kept when it ranks no
    worse (or when forced), else undone; the rank afterwards (None: nothing to do)."""
    seed = _seed(search, rng)
    if seed is None:
        return None
    freed = _neighbourhood(search, seed, rng)
    waiting = _waiting(search, seed, rng)
    removed = {rid: search.placed.pop(rid) for rid in freed}
    for items in removed.values():
        for a in items:
            search.calendar.unbook(a)
    ids = [*waiting, *sorted(freed, key=lambda r: min(a.start for a in removed[r]))]
    new: dict[str, list[Assignment]] = {}
    for request in _order(search, ids, rng):
        placed = _place(search, request, rng)
        if placed is not None:
            new[request.id] = placed
    search.placed.update(new)
    touched = [search.problem.request_by_id()[i] for i in ids]
    old_costs = {r.id: search.cost[r.id] for r in touched}
    for request in touched:
        search.cost[request.id] = search.request_cost(request)
    after = search.key()
    if after <= before or force:
        return after
    _undo(search, removed, new, old_costs)
    return before


def _undo(
    search: Search,
    removed: dict[str, list[Assignment]],
    new: dict[str, list[Assignment]],
    old_costs: dict[str, float],
) -> None:
    for request_id, items in new.items():
        del search.placed[request_id]
        for a in items:
            search.calendar.unbook(a)
    for request_id, items in removed.items():
        for a in items:
            search.calendar.book(a)
        search.placed[request_id] = items
    search.cost.update(old_costs)


def restart(search: Search, kept: dict[str, list[Assignment]]) -> None:
    search.calendar = Calendar(search.problem, careful=True)
    for items in kept.values():
        for a in items:
            search.calendar.book(a)
    search.placed = dict(kept)
    for request in search.problem.requests:
        search.cost[request.id] = search.request_cost(request)


def kick(search: Search, kept: dict[str, list[Assignment]], best: Key, rng: random.Random) -> Key:
    """Back to the best schedule `kept`, then KICK forced steps; the rank afterwards."""
    restart(search, kept)
    rank = best
    for _ in range(KICK):
        rank = step(search, rng, rank, force=True) or rank
    return rank

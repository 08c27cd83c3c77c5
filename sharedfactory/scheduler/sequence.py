"""Iterated local search over per-machine job sequences, for "pure sequencing" problems.

Applies when every request is one task without chains, no task is fixed, no machine needs an
operator and every machine has a single open window. Then a schedule is a sequence per machine,
and for the contract's regular objective (tardiness, completion, makespan; every request served)
the best timing of a sequence is semi-active: each task starts as early as its release, the
window and the changeover after its direct predecessor allow. Sequences are evaluated in plain
arrays (from the first changed position, cut short once worse), which is orders of magnitude
cheaper than the general list scheduler. Moves: insertion and swap within a machine, relocation
and swap between machines; iterated with seeded random perturbations (deterministic up to the
round caps; `stop_at` is only a safety cut).
"""

from __future__ import annotations

import math
import random
import time

from sharedfactory.scheduler.objective import rank
from sharedfactory.scheduler.problem import Assignment, Problem

INF = math.inf
MAX_CLASS_CELLS = 2_000_000  # machines x classes^2 of the changeover tables
MAX_REQUESTS = 200


def applies(problem: Problem) -> bool:
    """Whether the problem is pure sequencing (see the module docstring)."""
    if problem.fixed or not problem.requests or len(problem.requests) > MAX_REQUESTS:
        return False
    if any(problem.needs_operator(m.id) or len(m.windows) != 1 for m in problem.machines):
        return False
    for request in problem.requests:
        if len(request.tasks) != 1 or request.tasks[0].after or not request.tasks[0].durations:
            return False
    weights = problem.objective
    if min(weights.tardiness, weights.completion, weights.makespan) < 0:
        return False
    classes = {r.tasks[0].cls for r in problem.requests}
    return len(problem.machines) * (len(classes) + 1) ** 2 <= MAX_CLASS_CELLS


class _Data:
    """The problem as arrays: jobs 0..n-1 in request order, machines 0..m-1."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        requests = problem.requests
        self.n, self.m = len(requests), len(problem.machines)
        self.machine_ids = [m.id for m in problem.machines]
        weights = problem.objective
        class_names = sorted({r.tasks[0].cls or "" for r in requests})
        index = {c: i for i, c in enumerate(class_names)}
        self.cls = [index[r.tasks[0].cls or ""] for r in requests]
        self.release = [r.release for r in requests]
        self.due = [r.due if r.due is not None else INF for r in requests]
        self.wt = [weights.tardiness * r.weight if r.due is not None else 0.0 for r in requests]
        self.wc = [weights.completion * r.weight for r in requests]
        self.wmk = weights.makespan
        self.timed = any(self.wc)
        self.changes: list[bool] = []
        self.dur: list[list[int | None]] = []
        self.limit: list[list[int]] = []
        self.open: list[int] = []
        self.setup: list[list[list[int]]] = []
        self.initial: list[list[int]] = []
        for machine in problem.machines:
            ws, we = machine.windows[0]
            self.open.append(max(ws, 0))
            self.dur.append([r.tasks[0].durations.get(machine.id) for r in requests])
            self.limit.append([min(r.deadline, we, problem.horizon_end) for r in requests])
            names: list[str | None] = [c or None for c in class_names]
            self.setup.append([[machine.setup(a, b) for b in names] for a in names])
            self.changes.append(any(any(row) for row in self.setup[-1]))
            initial = [machine.initial_setup(c) for c in names]
            self.initial.append([initial[c] for c in self.cls])

    def run(
        self,
        k: int,
        seq: list[int],
        pos: int,
        t: int,
        prev: int,
        acc: float,
        cap: float,
        join: int | None = None,
        old: tuple[list[int], list[float]] | None = None,
    ) -> tuple[float, int]:
        """Cost and end of machine `k` running `seq[pos:]` after `prev` (-1: none) ended at
        `t` with cost `acc` so far; (INF, 0) if infeasible or the cost exceeds `cap`. From
        position `join` on, `seq` equals the sequence whose prefix ends and costs are `old`:
        once an end matches there, the rest is taken from `old`."""
        dur, limit, setup, release = self.dur[k], self.limit[k], self.setup[k], self.release
        cls, due, wt, wc = self.cls, self.due, self.wt, self.wc
        old_ends, old_costs = old if old is not None else ([], [])
        changes, timed = self.changes[k], self.timed
        if join is None or old is None:
            join = len(seq)
        for i in range(pos, len(seq)):
            if i > join and t == old_ends[i - 1]:
                return acc + old_costs[-1] - old_costs[i - 1], old_ends[-1]
            j = seq[i]
            d = dur[j]
            if d is None:
                return INF, 0
            if prev < 0:
                start = max(self.open[k], self.initial[k][j], release[j])
            else:
                start = t + setup[cls[prev]][cls[j]] if changes else t
                if release[j] > start:  # noqa: PLR1730 (faster than max)
                    start = release[j]
            t = start + d
            if t > limit[j]:
                return INF, 0
            if t > due[j]:
                acc += wt[j] * (t - due[j])
            if timed:
                acc += wc[j] * t
            if acc > cap:
                return INF, 0
            prev = j
        return acc, t


class _State:
    """Sequences with per-position prefix ends and costs, for evaluation from a position."""

    def __init__(self, data: _Data, seqs: list[list[int]]) -> None:
        self.data = data
        self.seqs = [list(s) for s in seqs]
        self.ends: list[list[int]] = [[] for _ in seqs]
        self.costs: list[list[float]] = [[] for _ in seqs]
        self.cost = [0.0] * len(seqs)
        self.end = [0] * len(seqs)
        for k in range(len(seqs)):
            self.refresh(k)

    def refresh(self, k: int) -> None:
        data, seq = self.data, self.seqs[k]
        ends, costs = [], []
        t, prev, acc = 0, -1, 0.0
        for i, j in enumerate(seq):
            acc, t = data.run(k, [j], 0, t, prev, acc, INF)
            if acc == INF:
                ends.extend([0] * (len(seq) - i))
                costs.extend([INF] * (len(seq) - i))
                break
            ends.append(t)
            costs.append(acc)
            prev = j
        self.ends[k], self.costs[k] = ends, costs
        self.cost[k] = costs[-1] if costs else 0.0
        self.end[k] = ends[-1] if ends else 0

    def prefix(self, k: int, pos: int) -> tuple[int, int, float]:
        """(end, last job, cost) of machine `k` before position `pos`."""
        if pos == 0:
            return 0, -1, 0.0
        return self.ends[k][pos - 1], self.seqs[k][pos - 1], self.costs[k][pos - 1]

    def key(self, cost: list[float], end: list[int]) -> tuple[float, float]:
        total = sum(cost)
        if total == INF:
            return INF, INF
        return total + self.data.wmk * max(end, default=0), float(sum(end))

    def current(self) -> tuple[float, float]:
        return self.key(self.cost, self.end)


def _better(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """`a` beats `b` by more than float noise (incremental sums may differ in the last bits)."""
    eps = 1e-9 * max(1.0, abs(b[0])) if b[0] != INF else 0.0
    if a[0] < b[0] - eps:
        return True
    return a[0] <= b[0] + eps and a[1] < b[1]


def _trial(
    state: _State, k: int, seq: list[int], pos: int, join: int, best: tuple[float, float]
) -> tuple[tuple[float, float], float, int]:
    """Key of the whole schedule with machine `k` running `seq` (equal to the current one
    before `pos` and from `join` on), with that machine's cost and end."""
    data = state.data
    t, prev, acc = state.prefix(k, pos)
    cap = INF if data.wmk > 0 else best[0] - (sum(state.cost) - state.cost[k])
    old = (state.ends[k], state.costs[k])
    cost, end = data.run(k, seq, pos, t, prev, acc, cap, join, old)
    if cost == INF:
        return (INF, INF), INF, 0
    costs = list(state.cost)
    ends = list(state.end)
    costs[k], ends[k] = cost, end
    return state.key(costs, ends), cost, end


def _descend(state: _State, stop_at: float) -> None:
    """First-improvement descent until no insertion, swap, relocation or exchange improves."""
    data = state.data
    improved = True
    while improved and time.perf_counter() < stop_at:
        improved = False
        for k in range(data.m):
            seq = state.seqs[k]
            n = len(seq)
            current = state.current()
            for i in range(n):
                if time.perf_counter() >= stop_at:
                    return
                for j in range(n):
                    if i == j:
                        continue
                    trial = seq[:i] + seq[i + 1 :]
                    trial.insert(j, seq[i])
                    key, _, _ = _trial(state, k, trial, min(i, j), max(i, j), current)
                    if _better(key, current):
                        state.seqs[k] = seq = trial
                        state.refresh(k)
                        current, improved = state.current(), True
                    if j > i:
                        trial = list(seq)
                        trial[i], trial[j] = trial[j], trial[i]
                        key, _, _ = _trial(state, k, trial, i, j, current)
                        if _better(key, current):
                            state.seqs[k] = seq = trial
                            state.refresh(k)
                            current, improved = state.current(), True
        if data.m > 1:
            improved = _between(state, stop_at) or improved


def _between(state: _State, stop_at: float) -> bool:
    """Relocation of one job to another machine, and exchange of two jobs between machines."""
    data = state.data
    improved = False
    for a in range(data.m):
        for b in range(data.m):
            if a == b:
                continue
            i = 0
            while i < len(state.seqs[a]):
                if time.perf_counter() >= stop_at:
                    return False
                sa, sb = state.seqs[a], state.seqs[b]
                job = sa[i]
                moved = False
                if data.dur[b][job] is not None:
                    rest = sa[:i] + sa[i + 1 :]
                    for j in range(len(sb) + 1):
                        if _try_pair(state, a, rest, i, b, [*sb[:j], job, *sb[j:]], j):
                            moved = improved = True
                            break
                if not moved and a < b:
                    for j in range(len(sb)):
                        other = sb[j]
                        if data.dur[a][other] is None or data.dur[b][job] is None:
                            continue
                        na = [*sa[:i], other, *sa[i + 1 :]]
                        nb = [*sb[:j], job, *sb[j + 1 :]]
                        if _try_pair(state, a, na, i, b, nb, j):
                            improved = True
                            break
                if not moved:
                    i += 1
    return improved


def _try_pair(
    state: _State, a: int, sa: list[int], pa: int, b: int, sb: list[int], pb: int
) -> bool:
    data = state.data
    current = state.current()
    ta, pra, acca = state.prefix(a, pa)
    ca, ea = data.run(a, sa, pa, ta, pra, acca, INF)
    if ca == INF:
        return False
    tb, prb, accb = state.prefix(b, pb)
    cb, eb = data.run(b, sb, pb, tb, prb, accb, INF)
    if cb == INF:
        return False
    costs, ends = list(state.cost), list(state.end)
    costs[a], ends[a], costs[b], ends[b] = ca, ea, cb, eb
    if _better(state.key(costs, ends), current):
        state.seqs[a], state.seqs[b] = sa, sb
        state.refresh(a)
        state.refresh(b)
        return True
    return False


def _perturb(state: _State, rng: random.Random, strength: int) -> None:
    data = state.data
    for _ in range(strength):
        a = rng.randrange(data.m)
        if not state.seqs[a]:
            continue
        i = rng.randrange(len(state.seqs[a]))
        job = state.seqs[a][i]
        choices = [b for b in range(data.m) if data.dur[b][job] is not None]
        b = rng.choice(choices)
        seq_a = state.seqs[a][:i] + state.seqs[a][i + 1 :]
        state.seqs[a] = seq_a
        j = rng.randrange(len(state.seqs[b]) + 1)
        state.seqs[b].insert(j, job)
    for k in range(data.m):
        state.refresh(k)


def _initial(data: _Data, problem: Problem, start: list[Assignment]) -> list[list[int]]:
    """Sequences of `start` when it serves every request, else weighted EDD appended greedily."""
    index = {r.id: j for j, r in enumerate(problem.requests)}
    machine_index = {mid: k for k, mid in enumerate(data.machine_ids)}
    seqs: list[list[int]] = [[] for _ in range(data.m)]
    if len({a.request for a in start}) == data.n:
        for a in sorted(start, key=lambda a: (a.start, a.task)):
            seqs[machine_index[a.machine]].append(index[a.request])
        return seqs
    order = sorted(range(data.n), key=lambda j: (data.due[j] / max(data.wt[j], 1e-9), j))
    ends = [0] * data.m
    last = [-1] * data.m
    for j in order:
        best: tuple[int, int] | None = None
        for k in range(data.m):
            if data.dur[k][j] is None:
                continue
            cost, end = data.run(k, [j], 0, ends[k], last[k], 0.0, INF)
            if cost < INF and (best is None or end < best[0]):
                best = (end, k)
        k = (
            best[1]
            if best is not None
            else next(k for k in range(data.m) if data.dur[k][j] is not None)
        )
        seqs[k].append(j)
        if best is not None:
            ends[k], last[k] = best[0], j
    return seqs


def _assignments(data: _Data, problem: Problem, seqs: list[list[int]]) -> list[Assignment]:
    result = []
    for k, seq in enumerate(seqs):
        t, prev = 0, -1
        for j in seq:
            _, end = data.run(k, [j], 0, t, prev, 0.0, INF)
            request = problem.requests[j]
            duration = data.dur[k][j] or 0
            result.append(
                Assignment(
                    request.id, request.tasks[0].id, data.machine_ids[k], end - duration, end
                )
            )
            t, prev = end, j
    return result


def sequence_search(
    problem: Problem,
    start: list[Assignment],
    stop_at: float,
    rounds: int = 5000,
    patience: int | None = None,
    seed: int = 0,
) -> list[Assignment]:
    """Iterated local search from `start`; returns `start` unless a strictly better schedule
    (by `rank`) serving every request is found. At most `rounds` perturbation rounds, and
    stops after `patience` rounds without a new best (default: 5 per request, at least 50),
    or at an objective of 0 (no schedule can do better)."""
    if patience is None:
        patience = max(50, 5 * len(problem.requests))
    data = _Data(problem)
    state = _State(data, _initial(data, problem, start))
    rng = random.Random(seed)
    _descend(state, stop_at)
    best_key, best = state.current(), [list(s) for s in state.seqs]
    since = 0
    for _ in range(rounds):
        if since >= patience or best_key[0] <= 0 or time.perf_counter() >= stop_at:
            break
        before = [list(s) for s in state.seqs]
        before_key = state.current()
        _perturb(state, rng, 2 + rng.randrange(3))
        _descend(state, stop_at)
        key = state.current()
        if _better(key, best_key):
            best_key, best, since = key, [list(s) for s in state.seqs], 0
        else:
            since += 1
        if key > before_key:  # accept equal or better, else go back
            state = _State(data, before)
    if best_key[0] == INF:
        return start
    found = _assignments(data, problem, best)
    return found if rank(problem, found) < rank(problem, start) else start

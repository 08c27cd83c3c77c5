"""A house's pending flexible requests as a scheduling problem (CONTRACTS.md section 3), on plain
data: machines' free windows, confirmed bookings fixed where they are, each request's steps
converted to machine time by the machine's throughput, and weights that fall with a UMKM's share.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.bookings.facts import MachineFacts, ProductKind, Span
from sharedfactory.bookings.rules import _
from sharedfactory.i18n.catalog import gettext_for

PRIORITY_WEIGHT = {1: 1.0, 2: 2.0, 3: 4.0}
FAIRNESS_SLOPE = 4.0  # a UMKM with all of the house's hours weighs 1/5 of a newcomer


@dataclass(frozen=True)
class PendingRequest:
    code: str
    business: str
    kind: ProductKind
    quantity: float
    steps: tuple[str, ...]  # machine types, in order
    earliest: datetime
    deadline: datetime
    priority: int
    share: float  # the UMKM's share of the house's booked hours in the last 4 weeks
    trained_types: frozenset[str] = frozenset()


def weight(request: PendingRequest) -> float:
    """Priority times fairness: 1 / (1 + 4 * share) (docs/booking-rules.md)."""
    return round(PRIORITY_WEIGHT[request.priority] / (1 + FAIRNESS_SLOPE * request.share), 4)


def step_minutes(machine: MachineFacts, quantity: float) -> int:
    """Whole cycles for the quantity, and never less than the house's shortest booking."""
    cycles = math.ceil(quantity / machine.batch_size) * machine.cycle_minutes
    return max(cycles, machine.rules.min_duration_minutes)


def takes(machine: MachineFacts, request: PendingRequest, step: str) -> bool:
    kind = request.kind
    if machine.machine_type != step:
        return False
    if step_minutes(machine, request.quantity) > machine.rules.max_duration_minutes:
        return False
    if kind.halal and (machine.halal_status == "never_halal" or machine.ran_pork):
        return False
    if machine.halal_status == "halal_dedicated" and not kind.halal:
        return False
    return machine.needs_operator or step in request.trained_types


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[date]:
    day = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        yield day
        day += timedelta(days=1)


def _minus(spans: list[Span], cut: Span) -> list[Span]:
    kept = []
    for span in spans:
        if not span.overlaps(cut.starts, cut.ends):
            kept.append(span)
            continue
        if span.starts < cut.starts:
            kept.append(Span(span.starts, cut.starts))
        if cut.ends < span.ends:
            kept.append(Span(cut.ends, span.ends))
    return kept


def _clip(a: tuple[time, time], b: tuple[time, time]) -> tuple[time, time] | None:
    starts, ends = max(a[0], b[0]), min(a[1], b[1])
    return (starts, ends) if starts < ends else None


def windows(machine: MachineFacts, start: datetime, end: datetime) -> list[Span]:
    """Opening hours (and, for operator-run machines, operator shifts) minus holidays, maintenance
    and bookings already running at `start`."""
    zone = ZoneInfo(machine.zone)
    spans: list[Span] = []
    for day in _days(start, end, zone):
        if day in machine.holidays:
            continue
        for opening in machine.opening.get(day.weekday(), ()):
            shifts = (
                machine.operator_shifts.get(day.weekday(), ())
                if machine.needs_operator
                else (opening,)
            )
            for clipped in filter(None, (_clip(opening, shift) for shift in shifts)):
                spans.append(
                    Span(
                        datetime.combine(day, clipped[0], zone),
                        datetime.combine(day, clipped[1], zone),
                    )
                )
    spans = [
        Span(max(s.starts, start), min(s.ends, end))
        for s in spans
        if s.ends > start and s.starts < end
    ]
    for cut in [
        *machine.maintenance,
        *(Span(t.starts, t.released) for t in machine.taken if t.starts < start),
    ]:
        spans = _minus(spans, cut)
    return _merged(
        spans
        + [Span(t.starts, t.ends) for t in machine.taken if start <= t.starts and t.ends <= end]
    )


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.starts):
        if merged and span.starts <= merged[-1].ends:
            merged[-1] = Span(merged[-1].starts, max(merged[-1].ends, span.ends))
        else:
            merged.append(span)
    return merged


def _iso(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")


def _changeover(machine: MachineFacts) -> dict[str, dict[str, int]]:
    """Cleaning between classes; the house's buffer is the least gap between any two runs.
    Sorted: a set's order changes with each process's string hashing, and the stored problem
    (and so the plan) must not."""
    classes = sorted({a for a, _b in machine.changeover} | {b for _a, b in machine.changeover})
    buffer = machine.rules.buffer_minutes
    table: dict[str, dict[str, int]] = {}
    for a in classes:
        for b in classes:
            minutes = max(machine.changeover.get((a, b), 0), buffer)
            if minutes:
                table.setdefault(a, {})[b] = minutes
    return table


def _machine(machine: MachineFacts, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "id": machine.code,
        "type": machine.machine_type,
        "house": machine.house,
        "windows": [
            [_iso(s.starts, machine.zone), _iso(s.ends, machine.zone)]
            for s in windows(machine, start, end)
        ],
        "changeover": _changeover(machine),
        "needs_operator": machine.needs_operator,
    }


def _request(
    request: PendingRequest, machines: list[MachineFacts], start: datetime, end: datetime
) -> dict[str, Any]:
    zone = machines[0].zone
    tasks: list[dict[str, Any]] = []
    for index, step in enumerate(request.steps):
        task: dict[str, Any] = {
            "id": f"{request.code}/{index + 1}-{step}",
            "machines": {
                m.code: step_minutes(m, request.quantity)
                for m in machines
                if takes(m, request, step)
            },
            "class": request.kind.code,
        }
        if tasks:
            task["after"] = [tasks[-1]["id"]]
        tasks.append(task)
    return {
        "id": request.code,
        "business": request.business,
        "weight": weight(request),
        "release": _iso(min(max(request.earliest, start), end), zone),
        "deadline": _iso(min(request.deadline, end), zone),
        "tasks": tasks,
    }


def _fixed_bookings(
    machines: list[MachineFacts], start: datetime, end: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    requests, fixed = [], []
    for m in machines:
        for t in m.taken:
            if start <= t.starts and t.ends <= end:
                minutes = int((t.ends - t.starts) / timedelta(minutes=1))
                task = {
                    "id": f"{t.code}/run",
                    "machines": {m.code: minutes},
                    "class": t.product_class,
                }
                requests.append({"id": t.code, "weight": 1.0, "mandatory": True, "tasks": [task]})
                fixed.append(
                    {"task": task["id"], "machine": m.code, "start": _iso(t.starts, m.zone)}
                )
    return requests, fixed


def unplaceable(
    request: PendingRequest, machines: list[MachineFacts], start: datetime
) -> str | None:
    """Why a request cannot even be put to the optimiser (in the UMKM's language), or None."""
    translate = gettext_for("id")
    if request.deadline <= start:
        return translate(_("its deadline has passed (bookings need the house's notice)"))
    for step in request.steps:
        if not any(takes(m, request, step) for m in machines):
            return translate(
                _(
                    "no machine of type %(step)s in this house can take it "
                    "(halal rules, training, or longer than the longest booking)"
                )
            ) % {"step": step}
    return None


def build_problem(
    machines: list[MachineFacts], pending: list[PendingRequest], start: datetime, end: datetime
) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem's JSON (version 1), and the requests left out with the reason why."""
    zone = machines[0].zone
    booked, fixed = _fixed_bookings(machines, start, end)
    left_out = {r.code: why for r in pending if (why := unplaceable(r, machines, start))}
    problem = {
        "version": 1,
        "horizon": {"start": _iso(start, zone), "end": _iso(end, zone)},
        "machines": [_machine(m, start, end) for m in machines],
        "requests": booked
        + [_request(r, machines, start, end) for r in pending if r.code not in left_out],
        "fixed": fixed,
        "objective": {"unserved": 1000, "tardiness": 1, "completion": 0.01, "makespan": 0},
    }
    return problem, left_out

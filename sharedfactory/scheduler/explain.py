"""Reasons, in Bahasa Indonesia, why requests were left unserved (times like `Sen 01 Des 08.00`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sharedfactory.scheduler.greedy import list_schedule
from sharedfactory.scheduler.options import task_options
from sharedfactory.scheduler.problem import Assignment, Problem, Request, Solution, Task

DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def format_minute(problem: Problem, minute: int) -> str:
    """`Sen 01 Des 08.00` in the horizon start's UTC offset."""
    moment = problem.to_datetime(minute)
    return f"{DAYS[moment.weekday()]} {moment.day:02d} {MONTHS[moment.month - 1]} {moment:%H.%M}"


def _span(problem: Problem, request: Request) -> str:
    return (
        f"antara {format_minute(problem, max(request.release, 0))}"
        f" dan tenggat {format_minute(problem, request.deadline)}"
    )


def _no_window(problem: Problem, request: Request, task: Task) -> str:
    parts = []
    for machine_id in sorted(task.durations):
        kind = problem.machine(machine_id).type
        parts.append(f"{kind} ({machine_id}) sepanjang {task.durations[machine_id]} menit")
    return f"tugas {task.id}: tidak ada jendela {' atau '.join(parts)} {_span(problem, request)}"


def _no_operator(problem: Problem, task: Task) -> str | None:
    """A reason when every placement of the task lacks a trained operator on shift."""
    options = task_options(problem, task)
    staffed = [o for o in options if problem.needs_operator(o.machine)]
    if not options or len(staffed) < len(options):
        return None
    for option in staffed:
        for operator in problem.operators:
            if option.machine not in operator.machines:
                continue
            for ws, we in operator.windows:
                if max(ws, option.low) + option.duration <= min(we, option.high + option.duration):
                    return None
    machines = ", ".join(sorted({o.machine for o in staffed}))
    return (
        f"tugas {task.id} perlu operator untuk {machines}, tetapi tidak ada operator terlatih"
        " yang bertugas saat itu"
    )


def _fits_alone(problem: Problem, request: Request) -> bool:
    own = tuple(f for f in problem.fixed if problem.task_by_id()[f.task].request == request.id)
    alone = replace(problem, requests=(request,), fixed=own)
    return bool(list_schedule(alone, alone.requests))


def _rivals(problem: Problem, request: Request, served: set[str]) -> list[str]:
    machines = {m for t in request.tasks for m in t.durations}
    return [
        r.id
        for r in problem.requests
        if r.id != request.id
        and r.id in served
        and problem.must_serve(r)
        and machines & {m for t in r.tasks for m in t.durations}
    ]


def reason(problem: Problem, request: Request, served: set[str]) -> str:
    if request.deadline <= max(request.release, 0):
        text = "tenggatnya tidak setelah waktu mulai (rilis) atau awal horizon"
    else:
        text = _static_reason(problem, request) or _busy_reason(problem, request, served)
    return f"wajib dilayani, tetapi {text}" if problem.must_serve(request) else text


def _static_reason(problem: Problem, request: Request) -> str | None:
    for task in request.tasks:
        if not task_options(problem, task):
            return _no_window(problem, request, task)
        blocked = _no_operator(problem, task)
        if blocked:
            return blocked
    if not _fits_alone(problem, request):
        return (
            f"urutan tugas dan jeda maksimumnya tidak muat dalam jendela mesin/operator"
            f" {_span(problem, request)}"
        )
    return None


def _busy_reason(problem: Problem, request: Request, served: set[str]) -> str:
    kinds = sorted({problem.machine(m).type for t in request.tasks for m in t.durations})
    rivals = _rivals(problem, request, served)
    if problem.must_serve(request) and rivals:
        return f"bentrok dengan permintaan wajib/tetap lain: {', '.join(rivals[:5])}"
    return (
        f"semua mesin yang sesuai ({', '.join(kinds)}) sudah penuh {_span(problem, request)}"
        " oleh permintaan lain yang lebih diutamakan"
    )


def reasons(problem: Problem, assignments: Iterable[Assignment]) -> dict[str, str]:
    served = {a.request for a in assignments}
    return {r.id: reason(problem, r, served) for r in problem.requests if r.id not in served}


def explain_unserved(problem: Problem, solution: Solution) -> dict[str, str]:
    """request id -> a reason a person can act on, for every unserved request."""
    return reasons(problem, solution.assignments)

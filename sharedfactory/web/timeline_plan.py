"""The optimiser plan page's timeline (`/rencana/{id}`): over the plan's horizon, the house's
current plan (its bookings now, the maintenance) with the plan's proposal drawn in, and what it
changes: the new steps, the bookings it keeps where they are, the bookings that changed since the
optimiser ran (its proposal may no longer fit around them), and the requests it cannot place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sharedfactory.bookings.plans_api import PlanOut
from sharedfactory.bookings.timeline import load_timeline, plan_problem
from sharedfactory.bookings.timeline_items import Item
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.web.timeline_views import chart_json, moment_label, span_label

SHOWN = ("proposed", "discarded")


@dataclass(frozen=True)
class Changed:
    booking: str
    was: str  # where the plan took it to be
    now: str | None  # where it is now; None: cancelled or gone


@dataclass(frozen=True)
class PlanChanges:
    new_requests: list[str]
    new_steps: int
    kept: int
    changed: list[Changed]
    unserved: int


def plan_changes(
    fixed: list[dict[str, Any]],
    bookings: list[Item],
    plan: PlanOut,
    horizon: tuple[datetime, datetime],
    zone: str,
    names: dict[str, str],
) -> PlanChanges:
    """The bookings the plan kept fixed against the bookings as they are now: still there, moved
    or gone since, or booked since (inside the horizon but unknown to the plan)."""
    now = {
        i.booking: i
        for i in bookings
        if i.status in ("pending", "confirmed", "completed")
        and horizon[0] <= i.starts
        and i.ends <= horizon[1]
    }

    def place(machine: str, starts: datetime, ends: datetime | None = None) -> str:
        when = span_label(starts, ends, zone) if ends else moment_label(starts, zone)
        return f"{names.get(machine, machine)}, {when}"

    kept, changed = 0, []
    for f in fixed:
        code, starts = f["task"].removesuffix("/run"), datetime.fromisoformat(f["start"])
        current = now.pop(code, None)
        if current is not None and (current.machine, current.starts) == (f["machine"], starts):
            kept += 1
            continue
        shown = place(current.machine, current.starts, current.ends) if current else None
        changed.append(Changed(code, place(f["machine"], starts), shown))
    changed += [Changed(c, "", place(i.machine, i.starts, i.ends)) for c, i in now.items() if c]
    requests = sorted({s.request for s in plan.steps})
    return PlanChanges(requests, len(plan.steps), kept, changed, len(plan.unserved))


async def plan_timeline(plan: PlanOut, context: dict[str, Any]) -> dict[str, Any]:
    """The plan page's chart and summary, for a proposal still to decide (or discarded)."""
    if plan.status not in SHOWN:
        return {"plan_chart": None}
    problem = await plan_problem(plan.id)
    horizon = problem.get("horizon")
    if not horizon:
        return {"plan_chart": None}
    house = await cal.find_house(plan.house)
    starts, ends = (datetime.fromisoformat(horizon[k]) for k in ("start", "end"))
    timeline = await load_timeline(house, starts, ends, names=True, plan=plan.id)
    names = {m.code: m.name for m in timeline.machines}
    bookings = [i for i in timeline.items if i.kind == "booking"]
    shown = [i for i in timeline.items if i.kind != "run"]
    chart = chart_json(
        timeline.machines, shown, (starts, ends), house.zone, None, context["_"], context["lang"]
    )
    fixed = problem.get("fixed", [])
    changes = plan_changes(fixed, bookings, plan, (starts, ends), house.zone, names)
    return {"plan_chart": chart, "plan_changes": changes}

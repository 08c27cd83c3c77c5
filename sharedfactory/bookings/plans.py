"""Running the optimiser over a house's pending requests, showing the proposal, confirming it.

The solve runs in a worker thread; its progress is kept in memory and written to the plan's row
for the page and the API to show while it runs (`plan_progress`). Confirming books every
assignment through the same guarded booking path as instant booking: a slot taken in the
meantime sends that request back to pending.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sharedfactory.accounts.service import Viewer
from sharedfactory.audit import events as audit
from sharedfactory.bookings.changes import ChangeRefused
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.house_facts import house_static
from sharedfactory.bookings.load import Missing, machine_facts, product_kind
from sharedfactory.bookings.plan_liveness import (
    RUNNING_HERE,
    runner_stamp,
    settle_if_abandoned,
    stamp_json,
)
from sharedfactory.bookings.plan_progress import PROGRESS, published
from sharedfactory.bookings.problem import PendingRequest, build_problem
from sharedfactory.bookings.requests import COLUMNS, recent_window
from sharedfactory.bookings.rules import Refusal, _
from sharedfactory.bookings.service import BookingRefused, NewBooking, book
from sharedfactory.bookings.tables import HOLDING_STATUSES, Booking, FlexibleRequest, Plan, Training
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.notices.service import notify_business
from sharedfactory.scheduler.parse import parse_problem
from sharedfactory.scheduler.solution_json import solution_to_json
from sharedfactory.scheduler.solve import solve

_RUNNING: set[asyncio.Task[None]] = set()
MAX_HORIZON = timedelta(days=28)


async def _shares(house: str, now: datetime) -> dict[str, float]:
    since, until = recent_window(now)
    rows = (
        await Booking.select(
            Booking.business.code.as_alias("business"), Booking.starts_at, Booking.ends_at
        )
        .where(
            Booking.machine._.house._.code == house,
            Booking.status.is_in([*HOLDING_STATUSES, "no_show"]),
            Booking.starts_at >= since,
            Booking.starts_at < until,
        )
        .run()
    )
    hours: dict[str, float] = defaultdict(float)
    for row in rows:
        hours[row["business"]] += (row["ends_at"] - row["starts_at"]).total_seconds() / 3600
    total = sum(hours.values()) or 1.0
    return {business: used / total for business, used in hours.items()}


async def _pending(house: str, now: datetime) -> list[PendingRequest]:
    rows = (
        await FlexibleRequest.select(*COLUMNS)
        .where(
            FlexibleRequest.house.code == house,
            FlexibleRequest.status.is_in(["pending", "proposed"]),
        )
        .order_by(FlexibleRequest.created_at)
        .run()
    )
    shares = await _shares(house, now)
    trained = await Training.select(
        Training.business.code.as_alias("b"), Training.machine_type.code.as_alias("t")
    ).run()
    found = []
    for row in rows:
        steps = row["steps"] if isinstance(row["steps"], list) else json.loads(row["steps"])
        found.append(
            PendingRequest(
                row["code"],
                row["business"],
                await product_kind(row["product_class"]),
                float(row["quantity"]),
                tuple(steps),
                row["earliest"],
                row["deadline"],
                row["priority"],
                shares.get(row["business"], 0.0),
                frozenset(t["t"] for t in trained if t["b"] == row["business"]),
            )
        )
    return found


def _horizon(
    notice: int, pending: list[PendingRequest], now: datetime
) -> tuple[datetime, datetime]:
    """From the house's notice (or the earliest request) to the latest deadline, at most 4 weeks."""
    earliest = min((r.earliest for r in pending), default=now)
    start = max(now + timedelta(minutes=notice), earliest).replace(second=0, microsecond=0)
    start += timedelta(minutes=-start.minute % 30)
    latest = max((r.deadline for r in pending), default=start + timedelta(days=7))
    return start, min(max(latest, start + timedelta(days=1)), start + MAX_HORIZON)


async def start_plan(house: str, user_id: int | None, now: datetime, time_limit: float) -> int:
    """The new plan's id; the solve goes on in the background (see `PROGRESS`). `user_id`: who
    started it, None for the house's daily run."""
    static = await house_static(house, None, None)
    if static is None:
        raise Missing(f"house {house!r} does not exist or has no machines")
    pending = await _pending(house, now)
    notice = max(static.rules_for(r["house_pk"], r["pk"]).min_notice_minutes for r in static.rows)
    start, end = _horizon(notice, pending, now)
    machines = await machine_facts(start, end, now, house=house)
    problem, left_out = build_problem(machines, pending, start, end)
    solving = {"left_out": left_out, "runner": stamp_json(runner_stamp(now, time_limit))}
    plan = Plan(
        house=static.rows[0]["house_pk"],
        created_at=now,
        created_by=user_id,
        problem=json.dumps(problem),
        solution=json.dumps(solving),
    )
    await plan.save().run()
    plan_id = int(plan.id)  # type: ignore[attr-defined]
    RUNNING_HERE.add(plan_id)
    task = asyncio.create_task(_solve(plan_id, problem, solving, time_limit))
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    return plan_id


async def _solve(
    plan_id: int, problem_json: dict[str, Any], solving: dict[str, Any], time_limit: float
) -> None:
    try:
        await _solve_and_record(plan_id, problem_json, solving, time_limit)
    finally:  # also when recording failed (the database away): readers then settle the run
        RUNNING_HERE.discard(plan_id)
        PROGRESS.pop(plan_id, None)


async def _solve_and_record(
    plan_id: int, problem_json: dict[str, Any], solving: dict[str, Any], time_limit: float
) -> None:
    left_out = solving["left_out"]
    try:
        problem = parse_problem(problem_json)
        async with published(plan_id, solving):
            solution = await asyncio.to_thread(
                solve, problem, "highs", time_limit, lambda p: PROGRESS.__setitem__(plan_id, p)
            )
        answer = solution_to_json(solution, problem) | {"left_out": left_out}
        status = "proposed"
    except Exception as error:  # the plan records the failure; the operator sees it
        answer, status = (
            {"error": f"{type(error).__name__}: {error}", "left_out": left_out},
            "failed",
        )
    await (
        Plan.update({Plan.status: status, Plan.solution: json.dumps(answer)})
        .where(Plan._meta.primary_key == plan_id)
        .run()
    )
    await (
        FlexibleRequest.update({FlexibleRequest.status: "proposed"})
        .where(
            FlexibleRequest.code.is_in(_proposed_codes(answer) or [""]),
            FlexibleRequest.status == "pending",
        )
        .run()
    )


def _proposed_codes(answer: dict[str, Any]) -> list[str]:
    return [
        a["request"] for a in answer.get("assignments", []) if not a["task"].endswith("/run")
    ] + [u["request"] for u in answer.get("unserved", [])]


async def wait_for(plan_id: int, timeout: float = 120.0) -> str | None:
    """The plan's status once its background solve has finished (tests, scripts)."""
    loop = asyncio.get_running_loop()
    stop = loop.time() + timeout
    while (status := await _status(plan_id)) == "solving" and loop.time() < stop:
        await asyncio.sleep(0.1)
    return status


async def _status(plan_id: int) -> str | None:
    row = await Plan.select(Plan.status).where(Plan._meta.primary_key == plan_id).first().run()
    return None if row is None else str(row["status"])


async def plan_row(plan_id: int, viewer: Viewer) -> dict[str, Any]:
    """Missing when unknown or outside the viewer's house (UMKM never see plans)."""
    query = Plan.select(
        Plan._meta.primary_key.as_alias("pk"),
        Plan.house.code.as_alias("house"),
        Plan.house.timezone.as_alias("zone"),
        Plan.status,
        Plan.created_at,
        Plan.problem,
        Plan.solution,
    ).where(Plan._meta.primary_key == plan_id)
    row = await query.first().run()
    if row is None or viewer.role == "umkm" or not viewer.sees_house(row["house"]):
        raise Missing(f"plan {plan_id} does not exist")
    for key in ("problem", "solution"):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return await settle_if_abandoned(row, datetime.now(UTC))


async def confirm(plan_id: int, viewer: Viewer, now: datetime) -> dict[str, list[str]]:
    """Book the proposal; the request codes by outcome: scheduled, unserved, pending again."""
    plan = await plan_row(plan_id, viewer)
    if plan["status"] != "proposed":
        raise ChangeRefused(Refusal("status", _("only a proposed plan can be confirmed")))
    solution = plan["solution"]
    by_request: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in solution.get("assignments", []):
        if not a["task"].endswith("/run"):
            by_request[a["request"]].append(a)
    outcome: dict[str, list[str]] = {"scheduled": [], "unserved": [], "pending": []}
    for code, assignments in by_request.items():
        booked = await _book_request(
            code, sorted(assignments, key=lambda a: a["start"]), viewer, now
        )
        outcome["scheduled" if booked else "pending"].append(code)
    reasons = {u["request"]: u["reason"] for u in solution.get("unserved", [])} | solution.get(
        "left_out", {}
    )
    for code, reason in reasons.items():
        await _settle(code, "unserved", reason, now)
        outcome["unserved"].append(code)
    await Plan.update({Plan.status: "confirmed"}).where(Plan._meta.primary_key == plan_id).run()
    await audit.plan_confirmed(plan_id, plan["house"], outcome, viewer.user_id, now)
    return outcome


async def _book_request(
    code: str, assignments: list[dict[str, Any]], viewer: Viewer, now: datetime
) -> bool:
    """Book every step of one request, or none of them."""
    row = await FlexibleRequest.select(*COLUMNS).where(FlexibleRequest.code == code).first().run()
    if row is None or row["status"] not in ("pending", "proposed"):
        return False
    made: list[str] = []
    try:
        for a in assignments:
            new = NewBooking(
                row["business"],
                a["machine"],
                datetime.fromisoformat(a["start"]),
                datetime.fromisoformat(a["end"]),
                row["product_class"],
                row["product"],
                Decimal(str(row["quantity"])),
                request=row["pk"],
            )
            made.append(await book(new, now, viewer.user_id))
    except BookingRefused as refusal:
        await (
            Booking.update({Booking.status: "cancelled", Booking.cancelled_at: now})
            .where(Booking.code.is_in(made or [""]))
            .run()
        )
        forget_cached_facts()
        await audit.bookings_withdrawn(made, row["house"], code, viewer.user_id, now)
        why = "; ".join(r.render(gettext_for("id")) for r in refusal.refusals)
        await _settle(
            code, "pending", f"the proposed slot was taken before confirmation: {why}", now
        )
        return False
    await _settle(code, "scheduled", "", now)
    return True


async def _settle(code: str, status: str, explanation: str, now: datetime) -> None:
    await (
        FlexibleRequest.update(
            {FlexibleRequest.status: status, FlexibleRequest.explanation: explanation}
        )
        .where(FlexibleRequest.code == code)
        .run()
    )
    row = (
        await FlexibleRequest.select(
            FlexibleRequest.business.code.as_alias("b"), FlexibleRequest.product
        )
        .where(FlexibleRequest.code == code)
        .first()
        .run()
    )
    if row is None or status == "pending":
        return
    gettext = gettext_for("id")
    if status == "scheduled":
        subject, body = (
            gettext(_("Your request %(code)s is scheduled")),
            gettext(_("See your bookings for the times.")),
        )
    else:
        subject, body = gettext(_("Your request %(code)s could not be placed")), explanation
    await notify_business(row["b"], f"request_{status}", subject % {"code": code}, body, now)


async def discard(plan_id: int, viewer: Viewer) -> None:
    plan = await plan_row(plan_id, viewer)
    if plan["status"] not in ("proposed", "failed"):
        raise ChangeRefused(Refusal("status", _("only a proposed plan can be discarded")))
    await Plan.update({Plan.status: "discarded"}).where(Plan._meta.primary_key == plan_id).run()
    await (
        FlexibleRequest.update({FlexibleRequest.status: "pending"})
        .where(FlexibleRequest.house.code == plan["house"], FlexibleRequest.status == "proposed")
        .run()
    )

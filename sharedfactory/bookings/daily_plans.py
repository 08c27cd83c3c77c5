"""The house's daily optimiser run: at the local time in its rules (`plan_daily_at`), the sweep
starts a run over the house's pending requests. The proposal waits for an operator to confirm it,
like one started by hand; the house's staff get a notice with its link."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.bookings.plans import start_plan
from sharedfactory.bookings.rules import _
from sharedfactory.bookings.tables import BookingRules, FlexibleRequest, Plan
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.notices.service import notify_house

DAILY_TIME_LIMIT_S = 60.0
UNDECIDED = ("solving", "proposed")


async def start_due_plans(now: datetime, time_limit: float = DAILY_TIME_LIMIT_S) -> list[int]:
    """The runs started: one per house whose daily time has passed today (in its zone), that has
    pending requests, no daily run yet today and no run still solving or awaiting a decision."""
    started = []
    for house in await _houses_with_a_daily_run():
        if await _due(house, now):
            plan_id = await start_plan(house["code"], None, now, time_limit)
            await _tell(house["code"], plan_id, now)
            started.append(plan_id)
    return started


async def _houses_with_a_daily_run() -> list[dict[str, Any]]:
    return (
        await BookingRules.select(
            BookingRules.house.as_alias("pk"),
            BookingRules.house.code.as_alias("code"),
            BookingRules.house.timezone.as_alias("zone"),
            BookingRules.plan_daily_at,
        )
        .where(BookingRules.machine.is_null(), BookingRules.plan_daily_at.is_not_null())
        .run()
    )


async def _due(house: dict[str, Any], now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(house["zone"]))
    if local.time() < house["plan_daily_at"]:
        return False
    midnight = datetime.combine(local.date(), time(0), local.tzinfo)
    ran_today = Plan.created_by.is_null() & (Plan.created_at >= midnight)
    if (
        await Plan.exists()
        .where(Plan.house == house["pk"], ran_today | Plan.status.is_in(list(UNDECIDED)))
        .run()
    ):
        return False
    return bool(
        await FlexibleRequest.exists()
        .where(FlexibleRequest.house == house["pk"], FlexibleRequest.status == "pending")
        .run()
    )


async def _tell(house: str, plan_id: int, now: datetime) -> None:
    gettext = gettext_for("id")
    subject = gettext(_("The daily optimiser run has started"))
    body = gettext(_("Check its proposal and confirm or discard it: /rencana/%(plan)s")) % {
        "plan": plan_id
    }
    await notify_house(house, "daily_plan", subject, body, now)

"""The house's daily optimiser run: started by the sweep once its local time has passed, once a
day, only with pending requests and no undecided run; the staff are told.

Jembrana (WITA) only, requests in week +5 after the demo week; the house's rules are restored."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings import plans
from sharedfactory.bookings.daily_plans import start_due_plans
from sharedfactory.notices.tables import Notice
from tests.conftest import booking_monday, log_in

WITA = ZoneInfo("Asia/Makassar")
RULES = "/api/v1/houses/jembrana/rules"


def today_at(hour: int, minute: int) -> datetime:
    return datetime.combine(datetime.now(WITA).date(), time(hour, minute), WITA)


def cocoa_request() -> dict:
    monday = booking_monday(5)
    return {
        "house": "jembrana",
        "business": "cokelat-mendoyo",
        "steps": ["cocoa_roaster", "winnower"],
        "quantity": 20,
        "product_class": "halal",
        "product": "Cokelat batang",
        "earliest": datetime.combine(monday, time(8), WITA).isoformat(),
        "deadline": datetime.combine(monday + timedelta(days=3), time(16), WITA).isoformat(),
    }


async def test_the_daily_run_starts_once_after_its_time_and_tells_the_staff(client):
    await log_in(client, "admin")
    before = (await client.get(RULES)).json()["rules"]
    daily = await client.put(RULES, json=before | {"plan_daily_at": "10:00"})
    assert daily.status_code == 200, daily.text
    assert daily.json()["plan_daily_at"] == "10:00"
    made = await client.post("/api/v1/requests", json=cocoa_request())
    assert made.status_code == 201, made.text
    plan_id = None
    try:
        assert await start_due_plans(today_at(9, 59), time_limit=3) == []
        started = await start_due_plans(today_at(10, 1), time_limit=3)
        assert len(started) == 1
        plan_id = started[0]
        assert await start_due_plans(today_at(10, 2), time_limit=3) == []  # still undecided
        assert await plans.wait_for(plan_id) == "proposed"
        plan = (await client.get(f"/api/v1/plans/{plan_id}")).json()
        assert made.json()["code"] in {s["request"] for s in plan["steps"]}
        told = await Notice.select(Notice.body).where(Notice.kind == "daily_plan").run()
        assert any(f"/rencana/{plan_id}" in row["body"] for row in told)
        assert (await client.post(f"/api/v1/plans/{plan_id}/discard")).status_code == 200
        assert await start_due_plans(today_at(10, 3), time_limit=3) == []  # once a day
    finally:
        await client.post(f"/api/v1/requests/{made.json()['code']}/withdraw")
        restored = await client.put(RULES, json=before)
        assert restored.status_code == 200, restored.text


async def test_the_daily_time_is_checked_and_belongs_to_the_house(client):
    await log_in(client, "admin")
    house = (await client.get(RULES)).json()["rules"]
    for wrong in ("25:00", "8:00", "08.00", "08:00:00"):
        refused = await client.put(RULES, json=house | {"plan_daily_at": wrong})
        assert refused.status_code == 400, (wrong, refused.text)
        assert "plan_daily_at" in refused.text
    machine = await client.put(
        "/api/v1/machines/jembrana-roaster-1/rules", json={"plan_daily_at": "10:00"}
    )
    assert machine.status_code == 400
    assert machine.json()["extra"][0]["key"] == "plan_daily_at"

"""Flexible requests through the optimiser: pending, proposed with live status, confirmed into
bookings that later runs keep fixed; unserved requests carry the scheduler's reason.

Requests here ask for week +2 after the demo week (Batu Bara) and week +2 in Sleman."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sharedfactory.bookings import plans
from tests.conftest import booking_monday, log_in

ZONE = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int) -> str:
    return datetime.combine(booking_monday(2) + timedelta(days=day), time(hour), ZONE).isoformat()


def keripik(**more) -> dict:
    return {
        "house": "batu-bara",
        "steps": ["cooking_kettle", "hot_filler"],
        "quantity": 40,
        "product_class": "halal",
        "product": "Sambal botol",
        "earliest": at(2, 0),
        "deadline": at(3, 16),
        "priority": 2,
    } | more


async def _plan(client, house: str = "batu-bara") -> dict:
    await log_in(client, "operator_batu_bara" if house == "batu-bara" else "operator_sleman")
    started = await client.post(f"/api/v1/houses/{house}/plans", json={"time_limit": 3})
    assert started.status_code == 202, started.text
    assert started.json()["status"] in ("solving", "proposed")
    assert await plans.wait_for(started.json()["id"]) == "proposed"
    return (await client.get(f"/api/v1/plans/{started.json()['id']}")).json()


async def test_a_request_is_proposed_confirmed_and_booked(client):
    await log_in(client, "umkm_siti")
    made = await client.post("/api/v1/requests", json=keripik())
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    assert made.json()["status"] == "pending"
    impossible = await client.post(
        "/api/v1/requests", json=keripik(quantity=100_000, product="Sambal gudang")
    )
    plan = await _plan(client)
    steps = [s for s in plan["steps"] if s["request"] == code]
    assert [s["task"].split("-", 2)[-1] for s in steps] == ["cooking_kettle", "hot_filler"]
    assert steps[0]["ends_at"] <= steps[1]["starts_at"]
    assert impossible.json()["code"] in {u["request"] for u in plan["unserved"]}
    confirmed = await client.post(f"/api/v1/plans/{plan['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert code in confirmed.json()["scheduled"]
    await log_in(client, "umkm_siti")
    mine = (await client.get("/api/v1/requests")).json()
    assert {r["code"]: r["status"] for r in mine}[code] == "scheduled"
    reason = {r["code"]: r["explanation"] for r in mine}[impossible.json()["code"]]
    assert reason
    booked = (await client.get("/api/v1/bookings", params={"from": at(2, 0)})).json()["items"]
    assert sum(1 for b in booked if b["product"] == "Sambal botol") == 2
    await log_in(client, "operator_batu_bara")
    again = await client.post(f"/api/v1/plans/{plan['id']}/confirm")
    assert again.status_code == 409


async def test_later_runs_keep_confirmed_bookings_fixed(client):
    plan = await _plan(client)
    assert plan["steps"] == []  # nothing pending: every earlier booking stays where it is
    assert plan["status"] == "proposed"


async def test_a_request_without_the_permit_is_refused_at_once(client):
    await log_in(client, "admin")
    refused = await client.post(
        "/api/v1/requests",
        json=keripik(business="rendang-cabe-uni-ros"),  # halal lapsed
    )
    assert refused.status_code == 409
    assert refused.json()["extra"][0]["key"] == "permit_halal"


async def test_only_the_house_operator_runs_the_optimiser(client):
    await log_in(client, "umkm_siti")
    assert (await client.post("/api/v1/houses/batu-bara/plans", json={})).status_code == 403
    await log_in(client, "operator_sleman")
    assert (await client.post("/api/v1/houses/batu-bara/plans", json={})).status_code == 403

"""The optimiser killed mid-run: the web process that runs the solve (in a worker thread) gets
SIGKILL while its plan is solving. After a restart the plan says, on the API and on its page,
that the run stopped and nothing was proposed; no booking was made, every request still waits,
and a new run proposes a schedule.

Requests here are this test's own, in Minahasa Selatan in week +15 (removed afterwards)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from sharedfactory.bookings.plan_liveness import ABANDONED
from sharedfactory.bookings.tables import Booking, FlexibleRequest, Plan
from tests.conftest import LOGINS, booking_monday
from tests.support.server import server_process

pytestmark = pytest.mark.heavy

ZONE = ZoneInfo("Asia/Makassar")
HOUSE = "minahasa-selatan"
HALAL = "minyak-kelapa-tumpaan"  # the one UMKM there with a halal certificate valid then
OTHERS = ("vco-nyiur-amurang", "santan-kental-tenga", "nata-de-coco-sinonsayang")
REQUESTS = 24  # enough that the solve runs its whole time limit (measured: 20 s of 20)


def at(day: int, hour: int) -> str:
    return datetime.combine(booking_monday(15) + timedelta(days=day), time(hour), ZONE).isoformat()


def coconut(n: int) -> dict[str, Any]:
    halal = n % 4 == 0
    return {
        "house": HOUSE,
        "business": HALAL if halal else OTHERS[n % 3],
        "steps": ["coconut_grater", "coconut_press", "vco_separator"],
        "quantity": 50 + n,
        "product_class": "halal" if halal else "non-halal",
        "product": f"VCO uji {n}",
        "earliest": at(0, 0),
        "deadline": at(4, 16),
        "priority": 1 + n % 3,
    }


@asynccontextmanager
async def logged_in(base: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        email, password = LOGINS["admin"]
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert login.status_code == 201, login.text
        yield client


async def until(client: httpx.AsyncClient, plan: int, done: Any, seconds: float) -> dict[str, Any]:
    for _ in range(int(seconds * 5)):
        shown = (await client.get(f"/api/v1/plans/{plan}")).json()
        if done(shown):
            return shown
        await asyncio.sleep(0.2)
    raise AssertionError(f"plan {plan} still {shown['status']} after {seconds} s")


async def test_a_killed_optimiser_run_is_reported_failed_and_loses_nothing(settings, engine):
    codes: list[str] = []
    plan_ids: list[int] = []
    try:
        with server_process(settings) as (base, server):
            async with logged_in(base) as client:
                for n in range(REQUESTS):
                    made = await client.post("/api/v1/requests", json=coconut(n))
                    assert made.status_code == 201, made.text
                    codes.append(made.json()["code"])
                started = await client.post(
                    f"/api/v1/houses/{HOUSE}/plans", json={"time_limit": 30}
                )
                assert started.status_code == 202, started.text
                plan_ids.append(started.json()["id"])
                await until(client, plan_ids[0], lambda p: p["progress"] is not None, 20)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        row = await Plan.select(Plan.status).where(Plan.id == plan_ids[0]).first().run()
        assert row == {"status": "solving"}, "the kill came after the run had finished"
        with server_process(settings) as (base, _server):
            async with logged_in(base) as client:
                await _check_after_restart(client, plan_ids, codes)
    finally:
        await FlexibleRequest.delete().where(FlexibleRequest.code.is_in(codes or [""])).run()
        await Plan.delete().where(Plan.id.is_in(plan_ids or [0])).run()


async def _check_after_restart(
    client: httpx.AsyncClient, plan_ids: list[int], codes: list[str]
) -> None:
    failed = (await client.get(f"/api/v1/plans/{plan_ids[0]}")).json()
    assert (failed["status"], failed["error"], failed["steps"]) == ("failed", ABANDONED, [])
    page = await client.get(f"/rencana/{plan_ids[0]}")
    assert page.status_code == 200
    assert "pengoptimal berhenti sebelum selesai" in page.text
    waiting = (await client.get("/api/v1/requests", params={"house": HOUSE})).json()
    assert {r["code"]: r["status"] for r in waiting if r["code"] in codes} == dict.fromkeys(
        codes, "pending"
    )
    assert await Booking.count().where(Booking.request.code.is_in(codes)).run() == 0
    again = await client.post(f"/api/v1/houses/{HOUSE}/plans", json={"time_limit": 3})
    assert again.status_code == 202, again.text
    plan_ids.append(again.json()["id"])
    proposed = await until(client, plan_ids[1], lambda p: p["status"] != "solving", 40)
    assert proposed["status"] == "proposed"
    assert {s["request"] for s in proposed["steps"]} & set(codes)
    discarded = await client.post(f"/api/v1/plans/{plan_ids[1]}/discard")
    assert discarded.status_code == 200, discarded.text

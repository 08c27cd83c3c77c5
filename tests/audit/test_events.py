"""Changes made through the real API append their audit events, with the actor, the house, the
subject and the few fields an auditor needs.

Bookings here: Sleman's vacuum fryers on the Friday and Saturday of the demo week + 3 (other
booking tests use Batu Bara in that week). Rules, tariffs and the calendar: Jembrana, put back as
seeded. Every change is undone, so the shared database ends as it began (plus the events)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.accounts.tables import User
from sharedfactory.audit.chain import chain_head, verify
from sharedfactory.audit.tables import AuditEvent
from sharedfactory.demo.seed import COMMON_RULES, HOUSE_RULES
from sharedfactory.devices.logins import issue_machine_password, revoke_machine_password
from tests.conftest import LOGINS, booking_monday, log_in

WEEK = booking_monday(3)
ZONE = ZoneInfo("Asia/Jakarta")
JEMBRANA = "jembrana"


def local(day: int, hour: int) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day), time(hour), ZONE)


async def events(subject: str) -> list[dict[str, Any]]:
    rows = (
        await AuditEvent.select().where(AuditEvent.subject == subject).order_by(AuditEvent.id).run()
    )
    return [row | {"data": json.loads(row["data"])} for row in rows]


async def user_id(who: str) -> int:
    row = await User.select(User.id).where(User.email == LOGINS[who][0]).first().run()
    return int(row["id"])


async def fryer_slots(client) -> list[dict[str, Any]]:
    """Free 90 minutes of Sleman's vacuum fryers on Friday and Saturday (either may be a
    holiday, as 1 January is in some years)."""
    params = {
        "machine_type": "vacuum_fryer",
        "minutes": 90,
        "from": local(4, 0).isoformat(),
        "to": local(6, 0).isoformat(),
    }
    answer = await client.get("/api/v1/houses/sleman/slots", params=params)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()) >= 2, "free vacuum fryers in Sleman"
    return answer.json()


def body(slot: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": slot["machine"],
        "starts_at": slot["starts_at"],
        "minutes": 90,
        "product_class": "halal",
        "product": "Keripik salak",
        "quantity": 5,
    }


async def test_booking_moving_and_cancelling_append_their_events(client):
    await log_in(client, "umkm_sri")
    sri = await user_id("umkm_sri")
    booked = await client.post("/api/v1/bookings", json=body((await fryer_slots(client))[0]))
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    later = (await fryer_slots(client))[-1]
    move = {"starts_at": later["starts_at"], "minutes": 90, "machine": later["machine"]}
    moved = await client.post(f"/api/v1/bookings/{code}/move", json=move)
    assert moved.status_code == 200, moved.text
    cancelled = await client.post(f"/api/v1/bookings/{code}/cancel")
    assert cancelled.status_code == 200, cancelled.text

    found = await events(code)
    assert [e["kind"] for e in found] == ["booking.created", "booking.moved", "booking.cancelled"]
    assert {(e["actor"], e["house"]) for e in found} == {(sri, "sleman")}
    created, after_move, cancel = (e["data"] for e in found)
    assert (created["booking"], created["business"]) == (code, booked.json()["business"])
    assert created["machine"] == booked.json()["machine"]
    assert datetime.fromisoformat(created["starts"]) == datetime.fromisoformat(
        booked.json()["starts_at"]
    )
    assert created["starts"].endswith("Z")
    assert after_move["machine"] == later["machine"]
    assert datetime.fromisoformat(after_move["starts"]) == datetime.fromisoformat(
        later["starts_at"]
    )
    assert cancel["status_before"] == "confirmed"
    assert await chain_head() == found[-1]["hash"]
    assert (await verify()).ok


async def test_a_refused_booking_appends_nothing(client):
    await log_in(client, "umkm_sri")
    head = await chain_head()
    past = body({"machine": "sleman-fryer-1", "starts_at": "2020-01-03T09:00:00+07:00"})
    assert (await client.post("/api/v1/bookings", json=past)).status_code in (400, 409)
    assert await chain_head() == head


async def test_rule_and_tariff_changes_record_old_and_new_values(client):
    await log_in(client, "admin")
    admin = await user_id("admin")
    seeded = COMMON_RULES | HOUSE_RULES[JEMBRANA]
    changed = seeded | {"buffer_minutes": 20}
    for rules in (changed, seeded):
        answer = await client.put(f"/api/v1/houses/{JEMBRANA}/rules", json=rules)
        assert answer.status_code == 200, answer.text
    *_, change, back = [e for e in await events(JEMBRANA) if e["kind"] == "rules.changed"]
    assert (change["actor"], change["house"], change["data"]["machine"]) == (admin, JEMBRANA, None)
    assert (change["data"]["old"]["buffer_minutes"], change["data"]["new"]["buffer_minutes"]) == (
        15,
        20,
    )
    assert (back["data"]["old"]["buffer_minutes"], back["data"]["new"]["buffer_minutes"]) == (
        20,
        15,
    )

    tiers = (await client.get(f"/api/v1/houses/{JEMBRANA}/tariff-tiers")).json()
    del tiers["house"]
    for percents in (tiers | {"mikro": 60}, tiers):
        answer = await client.put(f"/api/v1/houses/{JEMBRANA}/tariff-tiers", json=percents)
        assert answer.status_code == 200, answer.text
    *_, raised, restored = [e for e in await events(JEMBRANA) if e["kind"] == "tariff.changed"]
    assert raised["data"] == {"old": tiers, "new": tiers | {"mikro": 60}}
    assert restored["data"] == {"old": tiers | {"mikro": 60}, "new": tiers}
    assert (await verify()).ok


async def test_holidays_and_maintenance_windows_append_their_events(client):
    await log_in(client, "admin")
    for weeks in range(6, 12):  # the first Sunday that is not a holiday already
        sunday = (WEEK + timedelta(weeks=weeks, days=6)).isoformat()
        added = await client.post(
            f"/api/v1/houses/{JEMBRANA}/holidays", json={"day": sunday, "name": "Hari audit"}
        )
        if added.status_code != 409:
            break
    assert added.status_code == 201, added.text
    assert (await client.delete(f"/api/v1/houses/{JEMBRANA}/holidays/{sunday}")).status_code in (
        200,
        204,
    )
    kinds = [(e["kind"], e["data"]["name"]) for e in await events(sunday)]
    assert kinds[-2:] == [("holiday.added", "Hari audit"), ("holiday.removed", None)]

    window = {
        "starts_at": local(6 * 7 + 6, 8).isoformat(),
        "ends_at": local(6 * 7 + 6, 12).isoformat(),
        "reason": "Audit kalibrasi",
    }
    made = await client.post("/api/v1/machines/jembrana-winnower-1/maintenance", json=window)
    assert made.status_code == 201, made.text
    assert (await client.delete(f"/api/v1/maintenance/{made.json()['id']}")).status_code in (
        200,
        204,
    )
    found = [e for e in await events("jembrana-winnower-1") if e["kind"].startswith("maintenance")]
    assert [e["kind"] for e in found[-2:]] == ["maintenance.added", "maintenance.removed"]
    assert found[-1]["data"]["reason"] == "Audit kalibrasi"
    assert (await verify()).ok


async def test_machine_credential_changes_append_their_events(engine):
    await issue_machine_password("jembrana-sealer-1", actor=None)
    assert await revoke_machine_password("jembrana-sealer-1") == 1
    assert await revoke_machine_password("jembrana-sealer-1") == 0  # nothing changed: no event
    found = await events("jembrana-sealer-1")
    assert [(e["kind"], e["data"]["action"]) for e in found[-2:]] == [
        ("machine_credential.changed", "issued"),
        ("machine_credential.changed", "revoked"),
    ]
    assert found[-1]["house"] == JEMBRANA

"""The alarms JSON API (issue #6): a house's alarms newest first, filtered by state, kind and
period, paged with a cursor; and the acknowledgement with a note: once (a second one answers 409
naming who), by the house's operators and admins only, with an `alarm.acknowledged` audit event
that keeps the chain intact.

Alarms here: machines of house `batu-bara` only, opened on 2024-03-04 (far from what the ingest
tests store), `detail` starting "alarm test:", deleted afterwards."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from sharedfactory.accounts.tables import User
from sharedfactory.audit.chain import verify
from sharedfactory.audit.tables import AuditEvent
from sharedfactory.devices.tables import Alarm
from tests.conftest import LOGINS, log_in
from tests.devices.test_ingest import machine_id

HOUSE = "batu-bara"
T0 = 1_709_514_000_000  # 2024-03-04 08.00 WIB
MINUTE = 60_000
FROM, TO = "2024-03-04T00:00:00+07:00", "2024-03-05T00:00:00+07:00"
LIST = f"/api/v1/houses/{HOUSE}/alarms"


def ack_url(alarm_id: int) -> str:
    return f"/api/v1/alarms/{alarm_id}/acknowledge"


@dataclass(frozen=True)
class Seeded:
    """The test's alarms by name, newest last: `excursion` (open), `fault` (open), `offline`
    (closed, unacknowledged), `seen` (closed, acknowledged)."""

    excursion: int
    fault: int
    offline: int
    seen: int
    audited_before: int  # the audit log's last event id when these were made


async def events_of(alarms: Seeded, alarm_id: int) -> list[dict]:
    """The alarm's audit events since it was made (SQLite may reuse a deleted alarm's id)."""
    return await (
        AuditEvent.select()
        .where(
            (AuditEvent.subject == f"alarm-{alarm_id}") & (AuditEvent.id > alarms.audited_before)
        )
        .order_by(AuditEvent.id)
    )


async def insert_alarm(machine: str, kind: str, opened_ms: int, **more) -> int:
    row = Alarm(
        machine=await machine_id(machine),
        kind=kind,
        detail=f"alarm test: {kind} on {machine}",
        opened_ms=opened_ms,
        **more,
    )
    inserted = await Alarm.insert(row).returning(Alarm._meta.primary_key).run()
    return int(inserted[0]["id"])


async def seed_alarms(at: int = T0) -> Seeded:
    head = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id, ascending=False).first()
    return Seeded(
        await insert_alarm(
            "batu-bara-retort-1", "excursion", at, value_name="f0_min", value=2.1, booking="bk-at-1"
        ),
        await insert_alarm("batu-bara-kettle-1", "fault", at + 10 * MINUTE),
        await insert_alarm(
            "batu-bara-filler-1", "offline", at + 20 * MINUTE, closed_ms=at + 95 * MINUTE
        ),
        await insert_alarm(
            "batu-bara-kettle-2",
            "fault",
            at + 30 * MINUTE,
            closed_ms=at + 40 * MINUTE,
            acknowledged_ms=at + 35 * MINUTE,
            acknowledged_by="operator.batu-bara@demo.sharedfactory.id",
            note="sudah diperbaiki",
        ),
        head["id"] if head else 0,
    )


async def delete_test_alarms() -> None:
    await Alarm.delete().where(Alarm.detail.like("alarm test:%")).run()


@pytest.fixture
async def alarms(engine) -> AsyncIterator[Seeded]:
    seeded = await seed_alarms()
    yield seeded
    await delete_test_alarms()


async def listed(client, **params) -> dict:
    answer = await client.get(LIST, params={"from": FROM, "to": TO} | params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def user_id(who: str) -> int:
    row = await User.select(User.id).where(User.email == LOGINS[who][0]).first().run()
    return int(row["id"])


async def test_open_alarms_newest_first_with_the_value_against_its_limit(client, alarms):
    await log_in(client, "operator_batu_bara")
    page = await listed(client)
    assert [a["id"] for a in page["items"]] == [alarms.fault, alarms.excursion]
    assert page["count"] == 2
    assert page["next"] is None
    excursion = page["items"][1]
    assert excursion == {
        "id": alarms.excursion,
        "house": HOUSE,
        "machine": "batu-bara-retort-1",
        "machine_name": "Retort 1",
        "kind": "excursion",
        "value_name": "f0_min",
        "value": 2.1,
        "limit": {"min": 3.0, "max": None, "standard": "Sterilisasi komersial F0 >= 3,0 menit"},
        "detail": "alarm test: excursion on batu-bara-retort-1",
        "booking": "bk-at-1",
        "opened": "2024-03-04T08:00:00+07:00",
        "closed": None,
        "open": True,
        "acknowledged": None,
        "acknowledged_by": None,
        "note": None,
    }
    assert page["items"][0]["limit"] is None  # a fault has no limit


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "unacknowledged"}, ["offline", "fault", "excursion"]),
        ({"state": "all"}, ["seen", "offline", "fault", "excursion"]),
        ({"state": "all", "kind": "fault"}, ["seen", "fault"]),
        ({"state": "open", "kind": "offline"}, []),
        ({"state": "all", "to": "2024-03-04T08:15:00+07:00"}, ["fault", "excursion"]),
    ],
)
async def test_filters(client, alarms, params, expected):
    await log_in(client, "admin")
    page = await listed(client, **params)
    assert [a["id"] for a in page["items"]] == [getattr(alarms, name) for name in expected]


async def test_pages_follow_the_cursor_to_the_oldest(client, alarms):
    """Two alarms opened in the same millisecond are still each listed once."""
    twin = await insert_alarm("batu-bara-washer-1", "fault", T0 + 20 * MINUTE)
    await log_in(client, "auditor")
    seen, cursor = [], None
    for _ in range(5):
        params = {"state": "all", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await listed(client, **params)
        assert page["count"] <= 2
        seen += [a["id"] for a in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    # Same millisecond: the later row (the higher id) first.
    assert seen == [alarms.seen, twin, alarms.offline, alarms.fault, alarms.excursion]


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"state": "closed"}, "state"),
        ({"kind": "smoke"}, "kind"),
        ({"cursor": "abc"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"from": "2024-03-05T00:00:00+07:00", "to": "2024-03-04T00:00:00+07:00"}, "to"),
    ],
)
async def test_bad_parameters_name_the_field(client, params, key):
    await log_in(client, "operator_batu_bara")
    answer = await client.get(LIST, params=params)
    assert answer.status_code == 400, answer.text
    assert key in [e["key"] for e in answer.json()["extra"]]


@pytest.mark.parametrize(
    ("who", "house", "status"),
    [
        ("umkm_siti", HOUSE, 403),
        ("operator_sleman", HOUSE, 403),
        ("operator_batu_bara", "atlantis", 404),
        ("auditor", HOUSE, 200),
    ],
)
async def test_who_reads_a_houses_alarms(client, who, house, status):
    await log_in(client, who)
    assert (await client.get(f"/api/v1/houses/{house}/alarms")).status_code == status


async def test_nobody_reads_alarms_without_logging_in(client):
    assert (await client.get(LIST)).status_code == 401


async def test_acknowledging_records_who_when_and_the_note_with_an_audit_event(client, alarms):
    await log_in(client, "operator_batu_bara")
    answer = await client.post(
        ack_url(alarms.excursion), json={"note": "  Suhu retort dinaikkan  "}
    )
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert done["acknowledged_by"] == LOGINS["operator_batu_bara"][0]
    assert done["note"] == "Suhu retort dinaikkan"
    assert done["acknowledged"].endswith("+07:00")
    assert done["open"] is True  # acknowledged is not closed
    event = await events_of(alarms, alarms.excursion)
    assert [e["kind"] for e in event] == ["alarm.acknowledged"]
    assert (event[0]["actor"], event[0]["house"]) == (await user_id("operator_batu_bara"), HOUSE)
    assert json.loads(event[0]["data"]) == {
        "alarm": alarms.excursion,
        "machine": "batu-bara-retort-1",
        "kind": "excursion",
        "value_name": "f0_min",
        "value": "2.1",
        "booking": "bk-at-1",
        "opened": "2024-03-04T01:00:00.000000Z",
        "note": "Suhu retort dinaikkan",
    }
    assert (await verify()).ok
    page = await listed(client, state="unacknowledged")
    assert alarms.excursion not in [a["id"] for a in page["items"]]


async def test_acknowledging_twice_answers_409_naming_who_did(client, alarms):
    await log_in(client, "admin")
    again = await client.post(ack_url(alarms.seen), json={"note": "saya juga melihatnya"})
    assert again.status_code == 409, again.text
    assert "operator.batu-bara@demo.sharedfactory.id" in again.json()["detail"]
    assert again.json()["extra"][0]["key"] == "alarm"
    assert await events_of(alarms, alarms.seen) == []
    row = await Alarm.select(Alarm.note).where(Alarm._meta.primary_key == alarms.seen).first()
    assert row["note"] == "sudah diperbaiki"


async def test_two_acknowledgements_at_once_make_one(app, alarms):
    """Nothing half-saved and nothing twice: one 200, one 409, one audit event."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as one:
        await log_in(one, "operator_batu_bara")
        cookies = dict(one.cookies)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", cookies=cookies
        ) as other:
            answers = await asyncio.gather(
                one.post(ack_url(alarms.fault), json={"note": "dilihat dari ruang kontrol"}),
                other.post(ack_url(alarms.fault), json={"note": "dilihat di lantai produksi"}),
            )
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    assert len(await events_of(alarms, alarms.fault)) == 1
    assert (await verify()).ok


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({}, "missing"),
        ({"note": "ok"}, "too short"),
        ({"note": "  a  "}, "too short once trimmed"),
        ({"note": "x" * 501}, "too long"),
        ({"note": "baris\nkedua"}, "control character"),
        ({"note": 7}, "not text"),
    ],
)
async def test_a_bad_note_answers_400_naming_note(client, alarms, body, why):
    await log_in(client, "operator_batu_bara")
    answer = await client.post(ack_url(alarms.offline), json=body)
    assert answer.status_code == 400, f"{why}: {answer.text}"
    extra = answer.json()["extra"][0]
    # Its key, or for a missing field Litestar's message (as tests/facilities do).
    assert extra["key"] == "note" or (extra["key"] == "data" and "`note`" in extra["message"]), why
    row = await Alarm.select(Alarm.acknowledged_ms).where(Alarm._meta.primary_key == alarms.offline)
    assert row[0]["acknowledged_ms"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("auditor", 403), ("umkm_siti", 403), ("operator_sleman", 404)],
)
async def test_only_the_houses_operators_and_admins_acknowledge(client, alarms, who, status):
    await log_in(client, who)
    answer = await client.post(ack_url(alarms.offline), json={"note": "bukan urusan saya"})
    assert answer.status_code == status, answer.text
    assert await events_of(alarms, alarms.offline) == []


async def test_an_alarm_that_does_not_exist_is_404(client):
    await log_in(client, "admin")
    answer = await client.post(ack_url(2_000_000_000), json={"note": "tidak ada"})
    assert answer.status_code == 404


async def test_the_index_serves_unacknowledged_alarms_of_a_houses_machines(engine):
    """The migration's partial index, as the list and the badge query it (SQLite's plan)."""
    if engine.engine_type != "sqlite":
        rows = await engine.run_ddl(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'alarm_attention'"
        )
        assert "WHERE ((closed_ms IS NULL) OR (acknowledged_ms IS NULL))" in rows[0]["indexdef"]
        return
    plan = await engine.run_ddl(
        "EXPLAIN QUERY PLAN SELECT * FROM alarm WHERE machine IN (1, 2, 3)"
        " AND acknowledged_ms IS NULL ORDER BY opened_ms DESC, id DESC LIMIT 51"
    )
    assert "alarm_attention" in " ".join(str(dict(row)) for row in plan)

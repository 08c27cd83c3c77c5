"""The notices API: each login sees its own scope only, and reads notices one by one."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sharedfactory.notices.service import notify_business, notify_house
from tests.conftest import log_in

SITI = "ud-sambal-lado-tanjung"  # umkm_siti, Batu Bara


async def siti_notice(kind: str = "booking_confirmed") -> str:
    subject = f"Pemberitahuan uji {secrets.token_hex(4)}"
    await notify_business(SITI, kind, subject, "Isi pemberitahuan.", datetime.now(UTC))
    return subject


async def find(client, subject: str, **params) -> dict | None:
    response = await client.get("/api/v1/notices", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return next((n for n in response.json()["items"] if n["subject"] == subject), None)


async def test_a_umkm_sees_and_reads_its_own_notices(client, engine):
    subject = await siti_notice()
    await log_in(client, "umkm_siti")

    page = (await client.get("/api/v1/notices", params={"unread": "true"})).json()
    assert page["unread"] >= 1
    assert page["count"] >= 1
    assert all(item["business"] == SITI for item in page["items"])
    notice = await find(client, subject, unread="true")
    assert notice is not None
    assert notice["read_at"] is None
    assert notice["kind"] == "booking_confirmed"

    read = await client.post(f"/api/v1/notices/{notice['id']}/read")
    assert read.status_code == 200, read.text
    first_read = read.json()["read_at"]
    assert first_read is not None
    again = await client.post(f"/api/v1/notices/{notice['id']}/read")
    assert again.json()["read_at"] == first_read  # the first reading time stays
    assert await find(client, subject, unread="true") is None
    assert await find(client, subject) is not None


async def test_another_umkms_notice_is_invisible_and_answers_404(client, engine):
    subject = await siti_notice()
    await log_in(client, "umkm_siti")
    notice = await find(client, subject)
    assert notice is not None

    await log_in(client, "umkm_sri")  # Sleman: the session cookie is replaced
    assert await find(client, subject) is None
    response = await client.post(f"/api/v1/notices/{notice['id']}/read")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_operators_see_their_house_and_admins_everything(client, engine):
    subject = f"Pemberitahuan rumah {secrets.token_hex(4)}"
    await notify_house("batu-bara", "plan_proposed", subject, "Isi.", datetime.now(UTC))
    business_subject = await siti_notice()

    await log_in(client, "operator_batu_bara")
    assert (await find(client, subject))["house"] == "batu-bara"
    assert await find(client, business_subject) is None

    await log_in(client, "operator_sleman")
    notice = await find(client, subject)
    assert notice is None

    await log_in(client, "admin")
    assert await find(client, subject) is not None
    assert await find(client, business_subject) is not None


async def test_auditors_and_strangers_are_refused(client, engine):
    assert (await client.get("/api/v1/notices")).status_code == 401
    await log_in(client, "auditor")
    assert (await client.get("/api/v1/notices")).status_code == 403
    assert (await client.post("/api/v1/notices/1/read")).status_code == 403


async def test_parameters_are_bounded(client, engine):
    await log_in(client, "admin")
    for path, params in [
        ("/api/v1/notices", {"limit": 0}),
        ("/api/v1/notices", {"limit": 10_000}),
        ("/api/v1/notices", {"offset": -1}),
        ("/api/v1/notices", {"unread": "maybe"}),
    ]:
        assert (await client.get(path, params=params)).status_code == 400, params
    assert (await client.post("/api/v1/notices/2147483648/read")).status_code == 400
    assert (await client.post("/api/v1/notices/0/read")).status_code == 400
    assert (await client.post("/api/v1/notices/2147483647/read")).status_code == 404

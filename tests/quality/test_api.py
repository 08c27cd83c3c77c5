"""The per-batch quality record over the API and its public page: sealed once from the run's
telemetry, readable by its UMKM, its house and the auditor, verifiable by anyone with its link,
and not intact any more once the record, its audit event or its telemetry is edited."""

from __future__ import annotations

import json

import pytest

from sharedfactory.audit.tables import AuditEvent
from sharedfactory.devices.tables import TelemetryMessage
from sharedfactory.quality.tables import QualityRecord
from tests.conftest import log_in

pytestmark = pytest.mark.usefixtures("batches")


def path(code: str, suffix: str = "") -> str:
    return f"/api/v1/bookings/{code}/quality-record{suffix}"


async def sealed(client, code: str = "qr-pass-1", who: str = "umkm_sri") -> dict:
    await log_in(client, who)
    response = await client.post(path(code))
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_umkm_seals_its_batch_once_with_the_check_against_the_standard(client):
    first = await sealed(client)
    assert first["passed"] is True
    assert first["check"]["intact"] is True
    [check] = first["record"]["checks"]
    assert (check["value"], check["passed"], check["held_seconds"]) == ("milk_temp_c", True, 30.0)
    assert check["standard"].startswith("HACCP CCP pasteurisasi")
    assert first["record"]["business"]["nib"].isdigit()
    assert first["record"]["samples"] == 7
    again = await client.post(path("qr-pass-1"))
    assert again.json()["url"] == first["url"]
    assert again.json()["sha256"] == first["sha256"]
    event = await AuditEvent.select().where(AuditEvent.id == first["audit_event"]).first()
    assert event["kind"] == "quality.recorded"
    assert event["subject"] == "qr-pass-1"
    assert json.loads(event["data"])["sha256"] == first["sha256"]


async def test_a_failed_batch_is_recorded_as_failed(client):
    found = await sealed(client, "qr-fail-1", "operator_sleman")
    assert found["passed"] is False
    assert "held 0 s < 15 s" in found["record"]["checks"][0]["reason"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("qr-running-1", "not ended"),
        ("qr-cancelled-1", "does not exist"),
        ("qr-cancel-1", "served"),
    ],
)
async def test_only_an_ended_served_batch_can_be_sealed(client, code, reason):
    await log_in(client, "operator_sleman")
    response = await client.post(path(code))
    assert response.status_code in (404, 409)
    assert reason in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "method", "status"),
    [
        ("umkm_siti", "post", 404),
        ("umkm_siti", "get", 404),
        ("operator_batu_bara", "post", 403),
        ("auditor", "post", 403),
        ("auditor", "get", 200),
        ("admin", "get", 200),
    ],
)
async def test_who_may_seal_and_read(client, who, method, status):
    await sealed(client)
    await client.post("/api/v1/auth/logout")
    await log_in(client, who)
    response = await getattr(client, method)(path("qr-pass-1"))
    assert response.status_code == status, response.text


async def test_anyone_with_the_link_checks_the_record(client):
    token = (await sealed(client))["url"].rsplit("/", 1)[1]
    await client.post("/api/v1/auth/logout")
    public = await client.get(f"/api/v1/quality-records/{token}")
    assert public.status_code == 200
    assert public.json()["check"]["intact"] is True
    page = await client.get(f"/mutu/{token}")
    assert page.status_code == 200
    assert "Utuh:" in page.text
    assert "Memenuhi semua batas" in page.text
    assert "08.00–09.00 WIB" in page.text
    assert (await client.get("/api/v1/quality-records/" + "x" * 22)).status_code == 404
    assert (await client.get("/api/v1/quality-records/no<such>")).status_code == 400
    assert (await client.get("/mutu/" + "y" * 22)).status_code == 404


async def test_the_pdf_carries_the_records_link_and_its_qr_code(client):
    url = (await sealed(client))["url"]
    response = await client.get(path("qr-pass-1", ".pdf"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"/Subject ({url})".encode() in response.content
    assert b"/Subtype /Image" in response.content
    token = url.rsplit("/", 1)[1]
    public = await client.get(f"/mutu/{token}/pdf?lang=en")
    assert public.status_code == 200
    assert public.content.startswith(b"%PDF-")


async def _tamper(sql: str, *args) -> None:
    await QualityRecord.raw(sql, *args)


async def test_edited_telemetry_shows_on_the_record(client):
    found = await sealed(client)
    token = found["url"].rsplit("/", 1)[1]
    row = (
        await TelemetryMessage.select(TelemetryMessage._meta.primary_key)
        .where(TelemetryMessage.booking == "qr-pass-1")
        .first()
    )
    original = json.dumps({"milk_temp_c": 73.0})
    edited = json.dumps({"milk_temp_c": 80.0})
    await _tamper(
        "UPDATE telemetry_message SET process_values = {} WHERE id = {}", edited, row["id"]
    )
    try:
        check = (await client.get(f"/api/v1/quality-records/{token}")).json()["check"]
        assert check == {
            "intact": False,
            "body_matches_hash": True,
            "audit_event_intact": True,
            "telemetry_unchanged": False,
        }
        page = await client.get(f"/mutu/{token}")
        assert "Tidak utuh" in page.text
        assert "Telemetri mesin" in page.text
    finally:
        await _tamper(
            "UPDATE telemetry_message SET process_values = {} WHERE id = {}", original, row["id"]
        )
    assert (await client.get(f"/api/v1/quality-records/{token}")).json()["check"]["intact"]


async def test_an_edited_record_shows(client):
    found = await sealed(client)
    token = found["url"].rsplit("/", 1)[1]
    stored = (
        await QualityRecord.select(QualityRecord.body).where(QualityRecord.token == token).first()
    )
    body = stored["body"]
    await _tamper(
        "UPDATE quality_record SET body = {} WHERE token = {}",
        body.replace('"passed":true', '"passed":false', 1),
        token,
    )
    try:
        check = (await client.get(f"/api/v1/quality-records/{token}")).json()["check"]
        assert check["intact"] is False
        assert check["body_matches_hash"] is False
    finally:
        await _tamper("UPDATE quality_record SET body = {} WHERE token = {}", body, token)
    assert (await client.get(f"/api/v1/quality-records/{token}")).json()["check"]["intact"]


async def test_the_umkm_seals_from_its_bookings_page(client):
    await log_in(client, "umkm_sri")
    page = await client.get("/pesanan-saya")
    assert 'action="/pesanan-saya/qr-pass-1/mutu' in page.text
    assert 'action="/pesanan-saya/qr-cancel-1/mutu' not in page.text
    token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    response = await client.post(
        "/pesanan-saya/qr-pass-1/mutu", data={"_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/mutu/")


async def test_the_auditor_drills_from_the_report_to_the_batchs_record(client, batches):
    token = (await sealed(client))["url"].rsplit("/", 1)[1]
    await client.post("/api/v1/auth/logout")
    await log_in(client, "auditor")
    month = batches.day.strftime("%Y-%m")
    report = await client.get(f"/laporan?bulan={month}&rumah=sleman&mesin=sleman-pasteuriser-2")
    assert f"/machines/sleman-pasteuriser-2?bulan={month}#runs" in report.text
    machine = await client.get(f"/machines/sleman-pasteuriser-2?bulan={month}")
    assert machine.status_code == 200
    assert 'data-booking="qr-pass-1"' in machine.text
    assert f'href="/mutu/{token}"' in machine.text
    assert "Proses pada" in machine.text

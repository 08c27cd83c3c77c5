"""Cleaning records and the halal hold: a halal booking after a non-halal run on a shared
machine is held (no check-in, no no-show) until a cleaning of that machine is recorded with its
evidence; the evidence is checked by its bytes, stored outside the web root, and audited.

Sleman's shared vacuum fryer (`sleman-fryer-2`), ten days ago: nobody else writes there."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sharedfactory.audit.tables import AuditEvent
from sharedfactory.bookings.tables import Booking
from sharedfactory.cleaning.evidence import MAX_BYTES, EvidenceStore, clean_name, sniff
from sharedfactory.cleaning.hold import hold_of
from sharedfactory.cleaning.tables import CleaningRecord
from tests.conftest import log_in
from tests.factories import insert_bookings

MACHINE = "sleman-fryer-2"
SRI = "keripik-salak-pondoh-bu-sri"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODES = ("cl-nonhalal-1", "cl-halal-1", "cl-halal-2")


@pytest.fixture(scope="module")
async def day(engine):
    now = datetime.now(UTC)
    start = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=10)
    await insert_bookings(
        SRI, [("cl-nonhalal-1", MACHINE, start + timedelta(hours=1), 1, "completed")], "non-halal"
    )
    await insert_bookings(
        SRI,
        [
            ("cl-halal-1", MACHINE, start + timedelta(hours=5), 1, "confirmed"),
            ("cl-halal-2", MACHINE, start + timedelta(hours=7), 1, "confirmed"),
        ],
    )
    yield start
    await CleaningRecord.delete().where(CleaningRecord.machine.code == MACHINE)
    await Booking.delete().where(Booking.code.is_in(list(CODES)))


def upload(day: datetime, hour: int = 3, evidence: bytes = PNG, **more) -> dict:
    fields = {
        "cleaned_at": (day + timedelta(hours=hour)).isoformat(),
        "cleaned_by": "Pak Budi",
        "what": "Minyak dikuras, keranjang dan ruang vakum dicuci",
        "after_booking": "cl-nonhalal-1",
    } | more
    return {"data": fields, "files": {"evidence": ("foto.png", evidence, "image/png")}}


def test_evidence_is_known_by_its_bytes_not_its_name(tmp_path):
    assert sniff(PNG) == "image/png"
    assert sniff(PDF) == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"<svg onload=alert(1)>") is None
    assert sniff(b"MZ\x90\0") is None
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\foto\\bukti 1.png") == "bukti 1.png"
    assert clean_name("\x00") == "bukti"
    store = EvidenceStore(tmp_path)
    digest = store.put(PDF)
    assert store.put(PDF) == digest
    assert store.get(digest) == PDF
    store.path(digest).write_bytes(PDF + b"x")
    with pytest.raises(FileNotFoundError):
        store.get(digest)
    with pytest.raises(ValueError, match="SHA-256"):
        store.path("../x")


async def test_a_halal_booking_after_a_non_halal_run_waits_for_the_cleaning(client, day):
    hold = await hold_of("cl-halal-1")
    assert hold is not None
    assert hold.after == "cl-nonhalal-1"
    assert await hold_of("cl-nonhalal-1") is None
    await log_in(client, "operator_sleman")
    refused = await client.post("/api/v1/bookings/cl-halal-1/check-in")
    assert refused.status_code == 409
    assert "cleaning" in refused.text
    listed = (await client.get("/api/v1/houses/sleman/cleanings")).json()
    assert "cl-halal-1" not in [h["booking"] for h in listed["held"]]  # ten days ago: not ahead


async def test_recording_the_cleaning_releases_the_hold_and_is_audited(client, day):
    await log_in(client, "operator_sleman")
    response = await client.post(f"/api/v1/machines/{MACHINE}/cleanings", **upload(day))
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["evidence_type"] == "image/png"
    assert record["evidence_bytes"] == len(PNG)
    assert record["evidence_name"] == "foto.png"
    assert await hold_of("cl-halal-1") is None
    assert await hold_of("cl-halal-2") is None
    checked_in = await client.post("/api/v1/bookings/cl-halal-1/check-in")
    assert checked_in.status_code in (200, 201), checked_in.text
    event = (
        await AuditEvent.select()
        .where(AuditEvent.kind == "cleaning.recorded")
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    assert json.loads(event["data"])["evidence_sha256"] == record["evidence_sha256"]
    file = await client.get(record["evidence_url"])
    assert file.content == PNG
    assert file.headers["x-content-type-options"] == "nosniff"
    assert file.headers["content-type"].startswith("image/png")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evidence": b"GIF89a" + b"\0" * 10}, "evidence"),
        ({"evidence": b""}, "evidence"),
        ({"evidence": b"%PDF-" + b"\0" * MAX_BYTES}, "evidence"),
        ({"hour": 0}, "after_booking"),  # before the non-halal run ended
        ({"cleaned_at": "kemarin"}, "cleaned_at"),
        ({"cleaned_at": "2026-01-01T08:00:00"}, "cleaned_at"),
        ({"cleaned_at": "2099-01-01T08:00:00+07:00"}, "cleaned_at"),
        ({"cleaned_by": "   "}, "cleaned_by"),
        ({"what": "x"}, "what"),
        ({"after_booking": "cl-halal-9"}, "after_booking"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    client, day, change, field
):
    await log_in(client, "operator_sleman")
    before = await CleaningRecord.count()
    evidence = change.pop("evidence", PNG)
    hour = change.pop("hour", 3)
    response = await client.post(
        f"/api/v1/machines/{MACHINE}/cleanings", **upload(day, hour, evidence, **change)
    )
    assert response.status_code == 400, response.text
    assert response.json()["extra"][0]["key"] == field
    assert await CleaningRecord.count() == before


@pytest.mark.parametrize(
    ("who", "status"), [("auditor", 403), ("umkm_sri", 403), ("operator_batu_bara", 403)]
)
async def test_only_the_house_records_a_cleaning(client, day, who, status):
    await log_in(client, who)
    response = await client.post(f"/api/v1/machines/{MACHINE}/cleanings", **upload(day))
    assert response.status_code == status, response.text


async def test_the_page_records_a_cleaning_with_the_error_beside_the_field(client, day):
    await log_in(client, "operator_sleman")
    page = await client.get("/rumah/sleman/pembersihan")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
    local = (day + timedelta(hours=3)).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    form = {
        "_csrf_token": token,
        "machine": MACHINE,
        "after_booking": "cl-nonhalal-1",
        "cleaned_date": local.date().isoformat(),
        "cleaned_time": f"{local:%H:%M}",
        "cleaned_by": "Bu Ani",
        "what": "Dicuci ulang",
    }
    bad = await client.post(
        "/rumah/sleman/pembersihan",
        data=form,
        files={"evidence": ("catatan.txt", b"bukan gambar", "text/plain")},
    )
    assert bad.status_code == 400
    assert 'id="error-evidence"' in bad.text
    assert "hanya foto JPEG atau PNG" in bad.text
    good = await client.post(
        "/rumah/sleman/pembersihan",
        data=form,
        files={"evidence": ("bukti.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    shown = await client.get(good.headers["location"])
    assert "Catatan pembersihan" in shown.text
    assert "bukti.pdf" in shown.text

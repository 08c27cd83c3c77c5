"""The monthly statement over the JSON API: amounts per booking, per house and in total, CSV,
and who may see which lines.

The bookings here are written straight into the database for a business registered by the test,
in the demo week + 5 (other booking tests use weeks +1..+4 and +6)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.businesses.tables import Business
from tests.businesses.helpers import forget_businesses
from tests.conftest import booking_monday, log_in
from tests.factories import insert_bookings

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = booking_monday(5)
MONTH = MONDAY.strftime("%Y-%m")
OWNER = {"email": "tagihan@umkm.example.id", "password": "rahasia-tagihan-1"}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY, time(hour, minute), WIB)


# code, machine, start, hours, status, price
LINES = (
    ("bk-st-completed", "batu-bara-kettle-1", at(8), 2, "completed", None),
    ("bk-st-confirmed", "batu-bara-kettle-1", at(10), 1, "confirmed", 60_000),
    ("bk-st-noshow", "batu-bara-kettle-1", at(11), 1.5, "no_show", None),
    ("bk-st-cancelled", "batu-bara-kettle-1", at(13), 1, "cancelled", None),
    ("bk-st-sleman", "sleman-fryer-1", at(15), 1, "completed", None),
)


@pytest.fixture(scope="module", autouse=True)
async def _forget_the_test_business(engine):
    yield
    await forget_businesses(Business.code == "sambal-tagihan-uji")


@pytest.fixture
async def billed(client) -> str:
    """Register the UMKM over the API once, then write its bookings."""
    code = "sambal-tagihan-uji"
    if await Business.exists().where(Business.code == code):
        return code
    response = await client.post(
        "/api/v1/register",
        json={
            "name": "Sambal Tagihan Uji",
            "nib": "8129900000001",
            "size_class": "mikro",
            "cluster_code": "cabai-batu-bara",
            "owner_name": "Pemilik Tagihan",
            "phone": "081299887766",
            "nik": "1219050101850099",
            "consent": True,
        }
        | OWNER,
    )
    assert response.status_code == 201, response.text
    assert response.json()["business"] == code
    await insert_bookings(code, LINES)
    return code


async def _log_in_owner(client) -> None:
    response = await client.post("/api/v1/auth/login", json=OWNER)
    assert response.status_code == 201, response.text


async def test_the_owner_sees_every_line_subtotals_and_the_total(client, billed):
    await _log_in_owner(client)
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    assert response.status_code == 200, response.text
    found = response.json()
    lines = {line["booking"]: line for line in found["lines"]}
    assert list(lines) == [code for code, *_rest in LINES]
    assert lines["bk-st-completed"] == {
        "booking": "bk-st-completed",
        "machine": "batu-bara-kettle-1",
        "house": "batu-bara",
        "date": MONDAY.isoformat(),
        "hours": 2.0,
        "tariff_per_hour": 85_000,
        "discount_percent": 50,
        "charged_percent": 100,
        "amount": 85_000,
        "amount_text": "Rp85.000",
        "status": "completed",
    }
    assert lines["bk-st-confirmed"]["amount"] == 60_000  # the price fixed when booked
    assert lines["bk-st-noshow"]["amount"] == 31_875  # half of 85.000 x 1,5 h x 50 %
    assert lines["bk-st-cancelled"]["amount"] == 0
    assert lines["bk-st-sleman"]["amount"] == 37_500
    assert found["subtotals"] == [
        {"house": "batu-bara", "amount": 176_875, "amount_text": "Rp176.875"},
        {"house": "sleman", "amount": 37_500, "amount_text": "Rp37.500"},
    ]
    assert (found["total"], found["total_text"]) == (214_375, "Rp214.375")
    assert found["no_show_charge_percent"] == 50


async def test_csv_gives_the_same_lines(client, billed):
    await _log_in_owner(client)
    for url, params in (
        (f"/api/v1/businesses/{billed}/statement", {"month": MONTH, "format": "csv"}),
        (f"/api/v1/businesses/{billed}/statement.csv", {"month": MONTH}),
    ):
        response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["booking"] for r in rows] == [code for code, *_rest in LINES]
        assert sum(int(r["amount"]) for r in rows) == 214_375


async def test_the_invoice_pdf_states_the_total_in_rupiah(client, billed):
    await _log_in_owner(client)
    url = f"/api/v1/businesses/{billed}/statement.pdf"
    for lang, total in (("id", "Total tagihan Rp214.375"), ("en", "Total Rp214.375")):
        response = await client.get(url, params={"month": MONTH, "lang": lang})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f"/Subject ({total})".encode() in response.content
    await log_in(client, "umkm_siti")
    assert (await client.get(url, params={"month": MONTH})).status_code == 404


async def test_another_month_is_empty(client, billed):
    await _log_in_owner(client)
    earlier = (MONDAY - timedelta(days=62)).strftime("%Y-%m")
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": earlier})
    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert response.json()["total_text"] == "Rp0"


async def test_operators_see_only_their_house_lines(client, billed):
    await log_in(client, "operator_batu_bara")
    found = (
        await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    ).json()
    assert {line["house"] for line in found["lines"]} == {"batu-bara"}
    assert found["total"] == 176_875
    await log_in(client, "operator_sleman")
    found = (
        await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    ).json()
    assert [line["booking"] for line in found["lines"]] == ["bk-st-sleman"]
    assert found["total_text"] == "Rp37.500"


async def test_an_operator_where_it_never_booked_gets_404(client, billed):
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": "operator.jembrana@demo.sharedfactory.id", "password": "demo-operator-2026"},
    )
    assert response.status_code == 201
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["admin", "auditor"])
async def test_admin_and_auditor_see_every_house(client, billed, who):
    await log_in(client, who)
    found = (
        await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    ).json()
    assert found["total"] == 214_375


async def test_a_umkm_cannot_read_another_umkms_statement(client, billed):
    await log_in(client, "umkm_siti")
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    assert response.status_code == 404
    csv_response = await client.get(f"/api/v1/businesses/{billed}/statement.csv")
    assert csv_response.status_code == 404
    own = await client.get("/api/v1/businesses/ud-sambal-lado-tanjung/statement")
    assert own.status_code == 200  # the current month, by default


async def test_a_statement_needs_a_login(client, billed):
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": MONTH})
    assert response.status_code == 401


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "12-2026", "1999-12", "x"])
async def test_a_bad_month_is_a_400_naming_month(client, billed, month):
    await _log_in_owner(client)
    response = await client.get(f"/api/v1/businesses/{billed}/statement", params={"month": month})
    assert response.status_code == 400
    assert [item["key"] for item in response.json()["extra"]] == ["month"]


async def test_an_unknown_business_is_404(client):
    await log_in(client, "admin")
    response = await client.get("/api/v1/businesses/nobody-here/statement")
    assert response.status_code == 404

"""Secrets and personal data stay out of the server's log, its exports and its pages (issue #8).

A real `sharedfactory serve` process takes a registration with NIK and NPWP, a failed and a good
login, a refused registration that carries a password, and an admin reading the UMKM pages and
the served-UMKM exports; then its whole log, the CSV and the unzipped Excel file are searched for
every secret the run handled."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from sharedfactory.businesses.tables import Business
from sharedfactory.demo.businesses import demo_businesses
from tests.businesses.helpers import forget_businesses
from tests.conftest import LOGINS, SECRET
from tests.support.server import running_server

NIK = "3404124512900007"
NPWP = "998877665544332"
PASSWORD = "kata-sandi-rahasia-77"
NIB = "8120000099901"


def registration(**overrides: object) -> dict:
    return {
        "name": "Keripik Uji Rahasia",
        "nib": NIB,
        "size_class": "mikro",
        "cluster_code": "cabai-batu-bara",
        "owner_name": "Ibu Rahasia",
        "phone": "+62 812-1111-2222",
        "email": "rahasia99@umkm.example.id",
        "nik": NIK,
        "npwp": NPWP,
        "password": PASSWORD,
        "consent": True,
    } | overrides


@pytest.fixture
async def served(settings, engine):
    with running_server(settings) as base:
        yield base
    await forget_businesses(Business.nib == NIB)


def _as_umkm(http: httpx.Client) -> list[str]:
    """Register, fail a login, log in; the session cookies the server handed out."""
    refused = http.post("/api/v1/register", json=registration(nik="12ab"))
    assert refused.status_code == 400
    assert PASSWORD not in refused.text
    assert http.post("/api/v1/register", json=registration()).status_code == 201
    wrong = {"email": "rahasia99@umkm.example.id", "password": PASSWORD + "-salah"}
    assert http.post("/api/v1/auth/login", json=wrong).status_code == 401
    good = {"email": "rahasia99@umkm.example.id", "password": PASSWORD}
    assert http.post("/api/v1/auth/login", json=good).status_code == 201
    cookies = [http.cookies["sf_session"]]
    mine = http.get("/api/v1/businesses/keripik-uji-rahasia")
    assert mine.status_code == 200
    assert NIK not in mine.text
    assert NPWP not in mine.text
    return cookies


def _as_admin(http: httpx.Client) -> tuple[str, str, bytes]:
    """The admin's UMKM page and the served-UMKM exports of the last and next 30 days."""
    email, password = LOGINS["admin"]
    assert http.post("/api/v1/auth/login", json={"email": email, "password": password}).is_success
    page = http.get("/umkm/keripik-uji-rahasia")
    assert page.status_code == 200
    now = datetime.now(UTC).replace(microsecond=0)
    period = {
        "from": (now - timedelta(days=30)).isoformat(),
        "to": (now + timedelta(days=30)).isoformat(),
    }
    csv = http.get("/api/v1/reports/businesses", params=period | {"format": "csv"})
    xlsx = http.get("/api/v1/reports/businesses", params=period | {"format": "xlsx"})
    assert csv.status_code == 200
    assert xlsx.status_code == 200
    assert csv.text.count("\n") > 2, "the export lists served UMKM (else it proves nothing)"
    return page.text, csv.text, xlsx.content


def _unzipped(xlsx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


async def test_no_secret_or_personal_number_reaches_logs_exports_or_pages(served, settings):
    with httpx.Client(base_url=served, timeout=30) as umkm:
        sessions = _as_umkm(umkm)
    with httpx.Client(base_url=served, timeout=30) as admin:
        page, csv, xlsx = _as_admin(admin)
        sessions.append(admin.cookies["sf_session"])
    port = urlsplit(served).port
    log = (settings.data_dir / f"server-{port}.log").read_text(errors="replace")
    assert "POST /api/v1/auth/login" in log, "the log was written (else it proves nothing)"
    demo = demo_businesses(date.today())
    personal = [NIK, NPWP] + [b.nik for b in demo] + [b.npwp for b in demo if b.npwp]
    secrets = [PASSWORD, SECRET, LOGINS["admin"][1], *sessions]
    for text, where in ((log, "log"), (page, "page"), (csv, "CSV"), (_unzipped(xlsx), "Excel")):
        for value in personal + secrets:
            assert value not in text, f"{value[:4]}... found in the {where}"
    assert "3404********0007" in page, "the page shows the NIK masked"

"""UMKM self-registration, the business record and its permits over the JSON API: the happy
path, and every refusal with its field named (Litestar's error shape)."""

from __future__ import annotations

import logging

import pytest

from sharedfactory.accounts.tables import User
from sharedfactory.businesses import registration
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.tables import Business, Permit
from tests.businesses.helpers import forget_businesses
from tests.conftest import SECRET, log_in

NIK = "1219050101850001"


def form(n: int, **overrides) -> dict:
    """A valid registration; `n` keeps NIB and e-mail unique across tests."""
    return {
        "name": f"Keripik Uji Daftar {n}",
        "nib": f"81200000{n:05d}",
        "size_class": "mikro",
        "cluster_code": "cabai-batu-bara",
        "owner_name": "Ibu Pemilik Uji",
        "phone": "+62 812-3456-7890",
        "email": f"daftar{n}@umkm.example.id",
        "nik": NIK,
        "npwp": "123456789012345",
        "password": "rahasia-panjang-1",
        "consent": True,
    } | overrides


@pytest.fixture(autouse=True)
async def _forget_registrations(engine):
    yield
    await forget_businesses(Business.nib.like("81200000%"))


def keys(response) -> list[str]:
    return [item["key"] for item in response.json().get("extra") or []]


async def _log_in_as(client, data: dict) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": data["email"], "password": data["password"]}
    )
    assert response.status_code == 201, response.text


async def test_a_umkm_registers_and_logs_in_and_sees_its_nik_masked(client, caplog):
    data = form(1)
    with caplog.at_level(logging.DEBUG):
        response = await client.post("/api/v1/register", json=data)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer == {
        "business": "keripik-uji-daftar-1",
        "email": "daftar1@umkm.example.id",
        "role": "umkm",
        "nik_masked": "1219********0001",
    }
    assert NIK not in caplog.text  # nothing personal logged
    assert "rahasia" not in caplog.text
    row = await Business.select().where(Business.code == answer["business"]).first()
    assert NIK not in str(row)
    assert PersonalDataCipher(SECRET).decrypt(row["nik_encrypted"]) == NIK
    assert row["phone"] == "+6281234567890"
    assert row["consent_at"] is not None
    user = await User.select(User.role, User.business).where(User.email == data["email"]).first()
    assert user["role"] == "umkm"
    assert user["business"] == row["id"]

    await _log_in_as(client, data)
    record = await client.get(f"/api/v1/businesses/{answer['business']}")
    assert record.status_code == 200, record.text
    shown = record.json()
    assert shown["nik_masked"] == "1219********0001"
    assert shown["npwp_masked"] == "12**********345"
    assert NIK not in record.text
    assert "nik_encrypted" not in shown
    assert "nik" not in shown


async def test_a_taken_nib_is_a_409_naming_nib(client):
    assert (await client.post("/api/v1/register", json=form(2))).status_code == 201
    again = await client.post("/api/v1/register", json=form(3, nib=form(2)["nib"]))
    assert again.status_code == 409
    assert keys(again) == ["nib"]
    assert again.json()["detail"] == "nib: NIB ini sudah terdaftar"


async def test_a_demo_nib_is_taken_too(client):
    demo = await Business.select(Business.nib).first()
    response = await client.post("/api/v1/register", json=form(4, nib=demo["nib"]))
    assert response.status_code == 409
    assert keys(response) == ["nib"]


async def test_a_taken_email_is_a_409_naming_email_in_english_when_asked(client):
    taken = form(5, email="Siti@Demo.SharedFactory.id")
    response = await client.post("/api/v1/register?lang=en", json=taken)
    assert response.status_code == 409
    assert keys(response) == ["email"]
    assert response.json()["extra"][0]["message"] == "this e-mail address is already registered"
    assert not await Business.exists().where(Business.nib == taken["nib"])


@pytest.mark.parametrize("nib", ["912000100000", "91200010000001", "91200O1000000", ""])
async def test_a_bad_nib_is_refused_naming_nib(client, nib):
    response = await client.post("/api/v1/register", json=form(6, nib=nib))
    assert response.status_code in (400, 422)
    assert keys(response) == ["nib"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik", "12190501018500"),
        ("nik", "121905010185000X"),
        ("npwp", "12345"),
        ("phone", "12345"),
        ("phone", "+1 415 555 0100"),
        ("phone", "0812"),
        ("email", "not-an-email"),
        ("password", "pendek"),
        ("size_class", "besar"),
        ("name", "\x00\x00"),
        ("owner_name", "x"),
    ],
)
async def test_bad_fields_are_refused_naming_the_field(client, field, value):
    response = await client.post("/api/v1/register", json=form(7, **{field: value}))
    assert response.status_code == 400, response.text
    assert keys(response) == [field]
    assert not await Business.exists().where(Business.nib == form(7)["nib"])


@pytest.mark.parametrize("phone", ["081234567890", "6281234567890", "+6281234567890"])
async def test_indonesian_phone_forms_are_all_stored_alike(client, phone):
    n = 10 + len(phone)
    response = await client.post("/api/v1/register", json=form(n, phone=phone))
    assert response.status_code == 201, response.text
    row = await Business.select(Business.phone).where(Business.nib == form(n)["nib"]).first()
    assert row["phone"] == "+6281234567890"


async def test_consent_is_required_422_naming_consent(client):
    missing = form(8)
    del missing["consent"]
    for data in (missing, form(8, consent=False), form(8, consent="ya")):
        response = await client.post("/api/v1/register", json=data)
        assert response.status_code == 422
        assert keys(response) == ["consent"]
        assert "persetujuan" in response.json()["detail"]
    assert not await Business.exists().where(Business.nib == form(8)["nib"])


async def test_unknown_fields_and_clusters_are_refused(client):
    extra = await client.post("/api/v1/register", json=form(9, role="admin"))
    assert extra.status_code == 400
    cluster = await client.post("/api/v1/register", json=form(9, cluster_code="atlantis"))
    assert cluster.status_code == 404
    assert keys(cluster) == ["cluster_code"]
    assert not await Business.exists().where(Business.nib == form(9)["nib"])


async def test_business_and_login_are_one_transaction(client, monkeypatch):
    async def broken(*_args, **_kwargs):
        raise registration.AccountError("password: refused by a test")

    monkeypatch.setattr(registration, "add_user", broken)
    response = await client.post("/api/v1/register", json=form(30))
    assert response.status_code == 400
    assert keys(response) == ["password"]
    assert not await Business.exists().where(Business.nib == form(30)["nib"])


async def test_a_second_business_with_the_same_name_gets_its_own_code(client):
    first = await client.post("/api/v1/register", json=form(31, name="Sambal Kembar"))
    second = await client.post("/api/v1/register", json=form(32, name="Sambal Kembar"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["business"] == "sambal-kembar"
    assert second.json()["business"] == "sambal-kembar-0032"


async def test_another_umkm_and_other_houses_do_not_see_the_business(client):
    code = (await client.post("/api/v1/register", json=form(33))).json()["business"]
    await log_in(client, "umkm_siti")
    assert (await client.get(f"/api/v1/businesses/{code}")).status_code == 404
    await log_in(client, "operator_sleman")  # Sleman: another cluster, never booked there
    assert (await client.get(f"/api/v1/businesses/{code}")).status_code == 404
    await log_in(client, "operator_batu_bara")  # its own cluster's house
    assert (await client.get(f"/api/v1/businesses/{code}")).status_code == 200
    await log_in(client, "auditor")
    shown = await client.get(f"/api/v1/businesses/{code}")
    assert shown.status_code == 200
    assert shown.json()["nik_masked"] == "1219********0001"


async def test_reading_a_business_needs_a_login(client):
    response = await client.get("/api/v1/businesses/ud-sambal-lado-tanjung")
    assert response.status_code == 401


PERMIT = {
    "kind": "halal",
    "number": "ID12110000099001",
    "product": "Keripik uji",
    "issued_on": "2026-01-10",
    "expires_on": "2030-01-10",
}


async def test_a_umkm_records_its_permits_and_refusals_name_the_field(client):
    data = form(34)
    code = (await client.post("/api/v1/register", json=data)).json()["business"]
    await _log_in_as(client, data)
    added = await client.post(f"/api/v1/businesses/{code}/permits", json=PERMIT)
    assert added.status_code == 201, added.text
    assert added.json() == PERMIT
    again = await client.post(f"/api/v1/businesses/{code}/permits", json=PERMIT)
    assert again.status_code == 409
    assert keys(again) == ["number"]
    backwards = PERMIT | {"number": "ID-2", "expires_on": "2025-01-01"}
    response = await client.post(f"/api/v1/businesses/{code}/permits", json=backwards)
    assert response.status_code == 400
    assert keys(response) == ["expires_on"]
    ancient = PERMIT | {"number": "ID-3", "issued_on": "0001-01-01", "expires_on": None}
    response = await client.post(f"/api/v1/businesses/{code}/permits", json=ancient)
    assert response.status_code == 400
    assert keys(response) == ["issued_on"]
    unknown = PERMIT | {"number": "ID-4", "kind": "iso9001"}
    response = await client.post(f"/api/v1/businesses/{code}/permits", json=unknown)
    assert response.status_code == 400
    assert keys(response) == ["kind"]
    shown = (await client.get(f"/api/v1/businesses/{code}")).json()
    assert [p["number"] for p in shown["permits"]] == [PERMIT["number"]]


async def test_permits_of_another_umkm_and_by_auditors_are_refused(client):
    code = (await client.post("/api/v1/register", json=form(35))).json()["business"]
    await log_in(client, "umkm_siti")
    other = PERMIT | {"number": "PIRT-OTHER-1"}
    assert (await client.post(f"/api/v1/businesses/{code}/permits", json=other)).status_code == 404
    await log_in(client, "auditor")
    assert (await client.post(f"/api/v1/businesses/{code}/permits", json=other)).status_code == 403
    await log_in(client, "admin")
    assert (await client.post(f"/api/v1/businesses/{code}/permits", json=other)).status_code == 201
    assert await Permit.exists().where(Permit.number == "PIRT-OTHER-1")

"""`GET /api/v1/houses/{house}/timeline`: the house's machines in order and what is on them for at
most 14 days (bookings, proposals, maintenance, cleaning, runs from the rollups), in the house's
zone; scope (another house's operator and UMKM refused), bad parameters named.

House `jembrana`, week +9 (tests/bookings/timeline_data.py)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from tests.bookings.timeline_data import (
    CODES,
    HOUSE,
    JEGOG,
    MENDOYO,
    REQUEST,
    ROASTER,
    THURSDAY,
    TUESDAY,
    WEEK,
    WINNOWER,
    at,
    timeline_rows,
)
from tests.conftest import log_in

URL = f"/api/v1/houses/{HOUSE}/timeline"
WEEK_RANGE = {"from": at(WEEK, 0).isoformat(), "to": at(WEEK + timedelta(days=7), 0).isoformat()}


@pytest.fixture
async def rows(engine):
    async with timeline_rows() as found:
        yield found


async def operator(client) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": "operator.jembrana@demo.sharedfactory.id", "password": "demo-operator-2026"},
    )
    assert response.status_code == 201, response.text


def of(items: list[dict], kind: str, **where: str) -> list[dict]:
    return [i for i in items if i["kind"] == kind and all(i.get(k) == v for k, v in where.items())]


async def test_the_week_of_the_house_machines(client, rows):
    await operator(client)
    answer = await client.get(URL, params=WEEK_RANGE)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["house"], body["timezone"]) == (HOUSE, "Asia/Makassar")
    assert body["from"] == at(WEEK, 0).isoformat()
    codes = [m["code"] for m in body["machines"]]
    assert codes == sorted(codes)
    assert {ROASTER, WINNOWER} <= set(codes)
    assert {"code": ROASTER, "name": "Penyangrai Kakao 1", "type": "cocoa_roaster"} in body[
        "machines"
    ]
    items = body["items"]
    a = of(items, "booking", booking=CODES[0])
    assert a == [
        {
            "kind": "booking",
            "machine": ROASTER,
            "start": at(TUESDAY, 9).isoformat(),
            "end": at(TUESDAY, 11).isoformat(),
            "booking": CODES[0],
            "status": "confirmed",
            "business": MENDOYO,
            "business_name": "Cokelat Mendoyo",
        }
    ]
    assert of(items, "booking", booking=CODES[1])[0]["status"] == "pending"
    assert not of(items, "booking", booking=CODES[2])  # cancelled: nothing holds the machine


async def test_cleaning_maintenance_runs_and_proposals(client, rows):
    await operator(client)
    items = (await client.get(URL, params=WEEK_RANGE)).json()["items"]
    # halal until 11.00, non-halal from 11.40: the 30-minute changeover beats the 15-minute buffer
    cleaning = of(items, "cleaning", booking=CODES[0])
    assert [(c["start"], c["end"], c["note"]) for c in cleaning] == [
        (at(TUESDAY, 11).isoformat(), at(TUESDAY, 11, 30).isoformat(), "halal>non-halal")
    ]
    assert not of(items, "cleaning", booking=CODES[1])  # nothing after it, no buffer
    window = of(items, "maintenance", machine=WINNOWER)
    assert [(w["start"], w["note"]) for w in window] == [
        (at(THURSDAY, 8).isoformat(), "Ganti saringan")
    ]
    runs = of(items, "run", machine=ROASTER)
    assert [(r["start"], r["end"], r["running_s"]) for r in runs] == [
        (at(TUESDAY, 9, 30).isoformat(), at(TUESDAY, 11, 10).isoformat(), 6000),
        (at(TUESDAY, 14).isoformat(), at(TUESDAY, 14, 15).isoformat(), 900),
    ]
    proposal = of(items, "proposal", booking=REQUEST)
    assert len(proposal) == 1
    assert proposal[0]["plan"] == rows.plan
    assert proposal[0]["business"] == MENDOYO
    assert proposal[0]["business_name"] == "Cokelat Mendoyo"
    assert not of(items, "proposal", booking=CODES[0])  # the plan keeps it: it is a booking


async def test_a_day_shows_only_what_touches_it_and_auditors_and_admins_read(client, rows):
    await log_in(client, "auditor")
    day = {"from": at(THURSDAY, 0).isoformat(), "to": at(THURSDAY, 23, 59).isoformat()}
    answer = await client.get(URL, params=day)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert of(items, "maintenance", machine=WINNOWER)
    assert not of(items, "booking", booking=CODES[0])
    await log_in(client, "admin")
    week = (await client.get(URL, params=WEEK_RANGE)).json()["items"]
    assert of(week, "booking", business=JEGOG)[0]["business_name"] == "Cokelat Jegog"


async def test_the_range_may_be_given_in_any_offset(client, rows):
    await operator(client)
    utc = {"from": at(WEEK, 0).astimezone(UTC), "to": at(WEEK, 0).astimezone(UTC) + timedelta(7)}
    answer = await client.get(URL, params={k: v.isoformat() for k, v in utc.items()})
    assert answer.status_code == 200
    assert answer.json()["from"] == at(WEEK, 0).isoformat()  # shown in the house's zone
    assert of(answer.json()["items"], "booking", booking=CODES[0])


async def test_scope(client):
    await log_in(client, "operator_sleman")
    assert (await client.get(URL, params=WEEK_RANGE)).status_code == 403
    own = await client.get("/api/v1/houses/sleman/timeline", params=WEEK_RANGE)
    assert own.status_code == 200
    assert all(m["code"].startswith("sleman-") for m in own.json()["machines"])
    await log_in(client, "umkm_sri")
    refused = await client.get("/api/v1/houses/sleman/timeline", params=WEEK_RANGE)
    assert refused.status_code == 403
    await log_in(client, "admin")
    missing = await client.get("/api/v1/houses/atlantis/timeline", params=WEEK_RANGE)
    assert missing.status_code == 404
    await client.post("/api/v1/auth/logout")
    assert (await client.get(URL, params=WEEK_RANGE)).status_code == 401


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"to": WEEK_RANGE["to"]}, "from", ""),
        ({"from": WEEK_RANGE["from"]}, "to", ""),
        ({"from": "kemarin", "to": WEEK_RANGE["to"]}, "from", "ISO 8601"),
        ({"from": "2027-02-08T00:00:00", "to": WEEK_RANGE["to"]}, "from", "UTC offset"),
        ({"from": "1999-12-31T00:00:00+08:00", "to": WEEK_RANGE["to"]}, "from", "years"),
        ({"from": WEEK_RANGE["to"], "to": WEEK_RANGE["from"]}, "to", "after from"),
        (
            {"from": WEEK_RANGE["from"], "to": at(WEEK + timedelta(days=15), 0).isoformat()},
            "to",
            "14",
        ),
    ],
)
async def test_bad_parameters_are_named(client, params, field, words):
    await operator(client)
    answer = await client.get(URL, params=params)
    assert answer.status_code == 400, answer.text
    extra = answer.json()["extra"]
    assert extra[0]["key"] == field
    assert words in extra[0]["message"]


async def test_the_timeline_is_in_the_openapi(client):
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/houses/{house}/timeline"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"house", "from", "to"}
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])

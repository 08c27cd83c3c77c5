"""A house's weekly calendar over the JSON API: opening hours (anyone logged in reads them),
operators with their shifts and certified machines (the house's staff and auditors read them),
each replaced whole by the house's operators and admins; bad input is a 400 naming the span or
field and saves nothing; after a change the live bookings the calendar now refuses are listed
with the nearest slots to move them to.

House `minahasa-selatan` only, bookings in week +9 (the clock patched to the Friday before, so the
60-day limit reaches it); every test puts the house's hours, operators, shifts and certifications
back as they were (`restored_week`) and deletes its bookings and their notices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta

import pytest

from sharedfactory.bookings.search import Asked, find_slots
from sharedfactory.facilities import house_calendar
from sharedfactory.facilities.tables import OpeningHours
from tests.conftest import log_in
from tests.facilities.weekly_support import (
    FRIDAY_BEFORE,
    GRATER,
    HEATER,
    HOURS,
    HOUSE,
    JOHNY,
    PRESS,
    SEEDED_HOURS,
    SEPARATOR,
    ZONE,
    at,
    book,
    booked_codes,
    last_event,
    log_in_operator,
    open_days,
    restored_week,
)


@pytest.fixture
async def week() -> AsyncIterator[None]:
    async with restored_week():
        yield


@pytest.fixture
def friday_before(monkeypatch):
    """The calendar's clock on the Friday before week +9: the 60-day limit reaches it."""
    monkeypatch.setattr(house_calendar, "now", lambda: FRIDAY_BEFORE)


@pytest.fixture
async def booked() -> AsyncIterator[list[str]]:
    async with booked_codes() as codes:
        yield codes


def keyed(response) -> str:
    return response.json()["extra"][0]["key"]


async def test_reading_needs_a_login(client):
    assert (await client.get(HOURS)).status_code == 401
    assert (await client.get(f"/api/v1/houses/{HOUSE}/operators")).status_code == 401


async def test_anyone_logged_in_reads_the_opening_hours(client):
    await log_in(client, "umkm_siti")
    answer = await client.get(HOURS)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"house": HOUSE, "spans": SEEDED_HOURS}
    assert (await client.get("/api/v1/houses/atlantis/opening-hours")).status_code == 404


async def test_the_houses_staff_and_auditors_read_its_operators(client):
    await log_in(client, "auditor")
    answer = await client.get(f"/api/v1/houses/{HOUSE}/operators")
    assert answer.status_code == 200, answer.text
    johny = next(op for op in answer.json() if op["id"] == JOHNY)
    assert johny["house"] == HOUSE
    assert {c["machine"] for c in johny["certifications"]} == {GRATER, PRESS, SEPARATOR, HEATER}
    assert {"weekday": 2, "starts": "08:00", "ends": "16:00"} in johny["shifts"]
    shifts = await client.get(f"/api/v1/operators/{JOHNY}/shifts")
    assert shifts.json() == {"operator": JOHNY, "spans": johny["shifts"]}
    certified = await client.get(f"/api/v1/operators/{JOHNY}/certifications")
    assert certified.json()["certifications"] == johny["certifications"]
    for who in ("umkm_siti", "operator_sleman"):
        await log_in(client, who)
        assert (await client.get(f"/api/v1/houses/{HOUSE}/operators")).status_code == 403
        assert (await client.get(f"/api/v1/operators/{JOHNY}/shifts")).status_code == 403
        assert (await client.get(f"/api/v1/houses/{HOUSE}/conflicts")).status_code == 403
    await log_in_operator(client)
    assert (await client.get(f"/api/v1/operators/{JOHNY}/certifications")).status_code == 200
    assert (await client.get("/api/v1/operators/op-nobody/shifts")).status_code == 404


async def test_the_operator_replaces_the_week_and_the_booking_rules_follow(
    client, week, friday_before
):
    tuesday = (await open_days())[1]
    narrowed = [
        *(s for s in SEEDED_HOURS if s["weekday"] != tuesday.weekday()),
        {"weekday": tuesday.weekday(), "opens": "08:00", "closes": "12:00"},
        {"weekday": 6, "opens": "18:00", "closes": "24:00"},
    ]
    await log_in_operator(client)
    answer = await client.put(HOURS, json={"spans": narrowed})
    assert answer.status_code == 200, answer.text
    expected = sorted(narrowed, key=lambda s: (s["weekday"], s["opens"]))
    assert answer.json()["spans"] == expected
    assert (await client.get(HOURS)).json()["spans"] == expected
    event = await last_event("opening_hours.changed", HOUSE)
    assert event["data"]["old"] == SEEDED_HOURS
    assert event["data"]["new"] == expected
    assert event["house"] == HOUSE
    asked = Asked(
        HOUSE, "coconut_grater", None, "halal", 60, at(tuesday, 0), at(tuesday, 23), FRIDAY_BEFORE
    )
    slots = await find_slots(asked)
    assert slots
    assert all(s.ends <= at(tuesday, 12) for s in slots)


SPAN = {"weekday": 0, "opens": "08:00", "closes": "16:00"}
BAD_WEEKS = [
    ([SPAN, {"weekday": 0, "opens": "15:00", "closes": "18:00"}], "spans[1].opens"),
    ([SPAN, {"weekday": 0, "opens": "16:00", "closes": "18:00"}], "spans[1].opens"),
    ([{"weekday": 1, "opens": "12:00", "closes": "08:00"}], "spans[0].closes"),
    ([{"weekday": 1, "opens": "24:00", "closes": "24:00"}], "spans[0].opens"),
    (
        [{"weekday": 2, "opens": f"{h:02d}:00", "closes": f"{h:02d}:30"} for h in (6, 8, 10, 12)],
        "spans[3].weekday",
    ),
]


@pytest.mark.parametrize(("spans", "key"), BAD_WEEKS)
async def test_a_wrong_week_is_refused_naming_the_span_and_nothing_is_saved(
    client, week, spans, key
):
    await log_in(client, "admin")
    answer = await client.put(HOURS, json={"spans": spans})
    assert answer.status_code == 400, answer.text
    assert keyed(answer) == key
    assert (await client.get(HOURS)).json()["spans"] == SEEDED_HOURS


@pytest.mark.parametrize(
    "body",
    [
        {"spans": [{"weekday": 0, "opens": "8:00", "closes": "16:00"}]},
        {"spans": [{"weekday": 0, "opens": "08:10", "closes": "16:00"}]},
        {"spans": [{"weekday": 7, "opens": "08:00", "closes": "16:00"}]},
        {"spans": [SPAN], "extra": 1},
        {"spans": [SPAN] * 22},
        {},
    ],
)
async def test_a_body_outside_the_schema_is_a_400_naming_its_field(client, body):
    await log_in(client, "admin")
    answer = await client.put(HOURS, json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["extra"]
    assert (await client.get(HOURS)).json()["spans"] == SEEDED_HOURS


async def test_only_the_houses_operators_and_admins_write(client, week):
    shifts = {"spans": [{"weekday": 0, "starts": "08:00", "ends": "12:00"}]}
    writes = [
        ("put", HOURS, {"spans": []}),
        (
            "post",
            f"/api/v1/houses/{HOUSE}/operators",
            {"id": "op-x", "name": "X Y", "phone": "081234567890"},
        ),
        ("put", f"/api/v1/operators/{JOHNY}/shifts", shifts),
        ("put", f"/api/v1/operators/{JOHNY}/certifications", {"certifications": []}),
    ]
    for who in ("auditor", "umkm_siti", "operator_sleman"):
        await log_in(client, who)
        for method, url, body in writes:
            answer = await getattr(client, method)(url, json=body)
            assert answer.status_code == 403, (who, url, answer.text)
        if who != "operator_sleman":  # refused before the body is read
            assert (await client.put(HOURS, json={})).status_code == 403
    await log_in(client, "admin")
    assert (
        await client.put("/api/v1/houses/atlantis/opening-hours", json={"spans": []})
    ).status_code == 404
    assert (await client.get(HOURS)).json()["spans"] == SEEDED_HOURS
    johny = (await client.get(f"/api/v1/operators/{JOHNY}/shifts")).json()["spans"]
    assert len(johny) == 6


async def refused_codes(answer) -> dict[str, dict]:
    return {c["booking"]: c for c in answer.json()["conflicts"]}


async def test_narrowing_the_hours_lists_the_booking_with_slots_to_move_it_to(
    client, week, friday_before, booked
):
    tuesday = (await open_days())[1]
    await book(booked, "bk-weekly-api-hours", GRATER, at(tuesday, 14), 1)
    await log_in_operator(client)
    narrowed = [
        *(s for s in SEEDED_HOURS if s["weekday"] != tuesday.weekday()),
        {"weekday": tuesday.weekday(), "opens": "08:00", "closes": "12:00"},
    ]
    answer = await client.put(HOURS, json={"spans": narrowed})
    assert answer.status_code == 200, answer.text
    conflict = (await refused_codes(answer))["bk-weekly-api-hours"]
    assert [r["key"] for r in conflict["refusals"]] == ["opening_hours"]
    assert conflict["label"] == f"{tuesday.isoformat()} 14.00–15.00 WITA"
    assert 1 <= len(conflict["alternatives"]) <= 3
    for slot in conflict["alternatives"]:
        assert slot["machine"] == GRATER  # the house's only coconut grater
        starts = datetime.fromisoformat(slot["starts_at"])
        assert starts.astimezone(ZONE).time() >= time(8)
        if starts.astimezone(ZONE).date() == tuesday:
            assert datetime.fromisoformat(slot["ends_at"]) <= at(tuesday, 12)
    listed = await client.get(f"/api/v1/houses/{HOUSE}/conflicts")
    assert "bk-weekly-api-hours" in {c["booking"] for c in listed.json()}
    restored = await client.put(HOURS, json={"spans": SEEDED_HOURS})
    assert "bk-weekly-api-hours" not in await refused_codes(restored)


async def test_removing_a_shift_lists_the_bookings_on_the_operators_machines(
    client, week, friday_before, booked
):
    wednesday = (await open_days())[2]
    await book(booked, "bk-weekly-api-shift", PRESS, at(wednesday, 9), 1)
    await log_in_operator(client)
    shifts = [
        {"weekday": d, "starts": "08:00", "ends": "16:00"}
        for d in range(6)
        if d != wednesday.weekday()
    ]
    answer = await client.put(f"/api/v1/operators/{JOHNY}/shifts", json={"spans": shifts})
    assert answer.status_code == 200, answer.text
    assert answer.json()["spans"] == shifts
    conflict = (await refused_codes(answer))["bk-weekly-api-shift"]
    assert [r["key"] for r in conflict["refusals"]] == ["operator_shift"]
    assert all(
        datetime.fromisoformat(s["starts_at"]).astimezone(ZONE).date() != wednesday
        for s in conflict["alternatives"]
    )
    event = await last_event("operator_shift.changed", JOHNY)
    assert event["data"]["operator"] == JOHNY
    assert len(event["data"]["old"]) == 6
    assert event["data"]["new"] == shifts
    bad = await client.put(
        f"/api/v1/operators/{JOHNY}/shifts",
        json={"spans": [{"weekday": 0, "starts": "08:00", "ends": "08:00"}]},
    )
    assert bad.status_code == 400
    assert keyed(bad) == "spans[0].ends"


async def test_certifications_are_replaced_and_a_wrong_one_names_its_field(
    client, week, friday_before, booked
):
    thursday = (await open_days())[3]
    await book(booked, "bk-weekly-api-cert", SEPARATOR, at(thursday, 9), 1)
    await log_in_operator(client)
    url = f"/api/v1/operators/{JOHNY}/certifications"
    wanted = [
        {"machine": GRATER, "certified_on": "2025-06-02"},
        {"machine": PRESS, "certified_on": "2026-01-05"},
    ]
    answer = await client.put(url, json={"certifications": wanted})
    assert answer.status_code == 200, answer.text
    assert answer.json()["certifications"] == wanted
    conflict = (await refused_codes(answer))["bk-weekly-api-cert"]
    assert [r["key"] for r in conflict["refusals"]] == ["operator_shift"]
    event = await last_event("operator_certification.changed", JOHNY)
    assert {c["machine"] for c in event["data"]["old"]} == {GRATER, PRESS, SEPARATOR, HEATER}
    assert event["data"]["new"] == wanted
    tomorrow = (FRIDAY_BEFORE.date() + timedelta(days=1)).isoformat()
    cases = [
        (
            [{"machine": "sleman-fryer-1", "certified_on": "2025-06-02"}],
            "certifications[0].machine",
        ),
        ([*wanted, {"machine": GRATER, "certified_on": "2025-06-03"}], "certifications[2].machine"),
        ([{"machine": GRATER, "certified_on": tomorrow}], "certifications[0].certified_on"),
        ([{"machine": GRATER, "certified_on": "1999-01-01"}], "certifications[0].certified_on"),
    ]
    for certifications, key in cases:
        refused = await client.put(url, json={"certifications": certifications})
        assert refused.status_code == 400, refused.text
        assert keyed(refused) == key
    assert (await client.get(url)).json()["certifications"] == wanted


async def test_an_operator_is_added_once(client, week):
    await log_in_operator(client)
    url = f"/api/v1/houses/{HOUSE}/operators"
    body = {"id": "op-minsel-uji", "name": " Rina Uji ", "phone": "0812-3456-7890"}
    added = await client.post(url, json=body)
    assert added.status_code == 201, added.text
    assert added.json() == {
        "id": "op-minsel-uji",
        "house": HOUSE,
        "name": "Rina Uji",
        "phone": "+6281234567890",
        "shifts": [],
        "certifications": [],
    }
    again = await client.post(url, json=body)
    assert again.status_code == 409
    assert keyed(again) == "id"
    taken_elsewhere = await client.post(url, json=body | {"id": "op-sleman-sri"})
    assert taken_elsewhere.status_code == 409  # ids are unique across houses
    for wrong in ({"phone": "12345"}, {"id": "Op Baru"}, {"name": "x"}):
        assert (await client.post(url, json=body | wrong)).status_code == 400
    event = await last_event("operator.added", "op-minsel-uji")
    assert event["data"] == {"operator": "op-minsel-uji", "name": "Rina Uji"}
    listed = await client.get(url)
    assert "op-minsel-uji" in {op["id"] for op in listed.json()}


async def test_a_week_ending_at_midnight_is_stored_and_shown_as_24(client, week):
    await log_in(client, "admin")
    spans = [{"weekday": 6, "opens": "00:00", "closes": "24:00"}]
    answer = await client.put(HOURS, json={"spans": spans})
    assert answer.status_code == 200, answer.text
    assert answer.json()["spans"] == spans
    row = await OpeningHours.select(OpeningHours.closes).where(OpeningHours.house.code == HOUSE)
    assert [r["closes"] for r in row] == [time(23, 59, 59)]

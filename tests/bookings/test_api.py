"""Booking over the JSON API: slots, instant booking, refusals with reasons and alternatives,
cancel and move within the notice rules, the waitlist, check-in and no-show release.

Bookings here live in weeks +1 and +2 after the demo week (other booking tests use +3 to +6)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.bookings.sweeper import sweep_once
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import Machine
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday, log_in

ZONE = ZoneInfo("Asia/Jakarta")
SITI = "ud-sambal-lado-tanjung"
OTHER = "cabe-giling-mak-ucok"
LAPSED_HALAL = "rendang-cabe-uni-ros"


def at(week: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(booking_monday(week) + timedelta(days=day), time(hour, minute), ZONE)


def body(machine: str, starts: datetime, minutes: int = 60, **more) -> dict:
    return {
        "machine": machine,
        "starts_at": starts.isoformat(),
        "minutes": minutes,
        "product_class": "halal",
        "product": "Sambal lado",
        "quantity": 20,
    } | more


async def test_slots_show_house_times_and_prices(client):
    await log_in(client, "umkm_siti")
    params = {
        "machine_type": "cooking_kettle",
        "minutes": 90,
        "from": at(1, 0, 0).isoformat(),
        "to": at(1, 1, 0).isoformat(),
    }
    response = await client.get("/api/v1/houses/batu-bara/slots", params=params)
    assert response.status_code == 200, response.text
    slots = response.json()
    assert {s["machine"] for s in slots} <= {"batu-bara-kettle-1", "batu-bara-kettle-2"}
    assert slots
    assert all(s["starts_at"].endswith("+07:00") for s in slots)
    assert "WIB, Rp" in slots[0]["label"]


async def test_a_slot_is_booked_once_and_a_second_ask_gets_the_reason_and_alternatives(client):
    await log_in(client, "umkm_siti")
    wanted = body("batu-bara-kettle-1", at(1, 1, 9))
    first = await client.post("/api/v1/bookings", json=wanted)
    assert first.status_code == 201, first.text
    booked = first.json()
    assert (booked["status"], booked["business"], booked["label"][-9:]) == (
        "confirmed",
        SITI,
        "10.00 WIB",
    )
    assert booked["price"] > 0
    again = await client.post("/api/v1/bookings", json=wanted)
    assert again.status_code == 409
    refusal = again.json()
    assert refusal["extra"][0]["key"] == "taken"
    assert refusal["alternatives"]
    assert all(
        a["starts_at"] != wanted["starts_at"] or a["machine"] != wanted["machine"]
        for a in refusal["alternatives"]
    )
    listed = await client.get("/api/v1/bookings", params={"from": at(1, 1, 0).isoformat()})
    assert booked["code"] in {b["code"] for b in listed.json()["items"]}


async def test_the_next_booking_may_start_when_the_first_is_released_and_not_a_minute_sooner(
    client,
):
    """A lost race is refused on one read of the machine's bookings (`service._clashes`); the
    same boundary as the full `taken` rule, buffer included."""
    await log_in(client, "umkm_siti")
    first = await client.post("/api/v1/bookings", json=body("batu-bara-kettle-1", at(1, 2, 13)))
    assert first.status_code == 201, first.text
    row = await Booking.select(Booking.released_at).where(Booking.code == first.json()["code"])
    released = row[0]["released_at"]
    for starts in (at(1, 2, 13), released - timedelta(minutes=1)):
        early = await client.post("/api/v1/bookings", json=body("batu-bara-kettle-1", starts))
        assert early.status_code == 409, early.text
        assert "taken" in {e["key"] for e in early.json()["extra"]}
    on_time = await client.post("/api/v1/bookings", json=body("batu-bara-kettle-1", released))
    assert on_time.status_code == 201, on_time.text


async def test_a_search_never_offers_what_was_just_booked_or_hides_what_was_just_freed(client):
    """The search's few-seconds caches are dropped by this process's own writes."""
    await log_in(client, "umkm_siti")
    day = {
        "machine_type": "cooking_kettle",
        "minutes": 60,
        "from": at(1, 4, 0).isoformat(),
        "to": at(1, 5, 0).isoformat(),
    }

    async def offered() -> set[tuple[str, str]]:
        answer = await client.get("/api/v1/houses/batu-bara/slots", params=day)
        assert answer.status_code == 200, answer.text
        return {(s["machine"], s["starts_at"]) for s in answer.json()}

    before = await offered()
    first = min(before, key=lambda slot: slot[1])
    made = await client.post(
        "/api/v1/bookings", json=body(first[0], datetime.fromisoformat(first[1]))
    )
    assert made.status_code == 201, made.text
    assert first not in await offered()
    cancelled = await client.post(f"/api/v1/bookings/{made.json()['code']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert first in await offered()


@pytest.mark.parametrize(
    ("hour", "more", "rule"),
    [
        (6, {}, "opening_hours"),
        (9, {"minutes": 5}, "min_duration"),
        (9, {"product_class": "non-halal"}, "halal_segregation"),
    ],
)
async def test_refusals_name_the_rule(client, hour, more, rule):
    await log_in(client, "umkm_siti")
    response = await client.post(
        "/api/v1/bookings", json=body("batu-bara-kettle-2", at(1, 2, hour), **more)
    )
    assert response.status_code == 409, response.text
    assert rule in {e["key"] for e in response.json()["extra"]}


async def test_refusals_speak_indonesian_by_default_and_english_when_asked(client):
    await log_in(client, "umkm_siti")
    wanted = body("batu-bara-kettle-2", at(1, 2, 5))
    indonesian = await client.post("/api/v1/bookings?lang=id", json=wanted)
    english = await client.post("/api/v1/bookings?lang=en", json=wanted)
    assert english.json()["detail"] == "outside the house's opening hours"
    assert indonesian.json()["detail"] != english.json()["detail"]


async def test_a_lapsed_halal_certificate_refuses_halal_work(client):
    await log_in(client, "admin")
    wanted = body("batu-bara-kettle-2", at(1, 3, 9), business=LAPSED_HALAL)
    response = await client.post("/api/v1/bookings", json=wanted)
    assert response.status_code == 409
    assert [e["key"] for e in response.json()["extra"]] == ["permit_halal"]


@pytest.mark.parametrize(
    ("who", "more", "status", "field"),
    [
        ("auditor", {}, 403, None),
        ("umkm_siti", {"business": OTHER}, 403, None),
        ("admin", {}, 400, "business"),
        ("umkm_siti", {"machine": "fryer-99"}, 400, "machine"),
        ("umkm_siti", {"minutes": None}, 400, "ends_at"),
    ],
)
async def test_bad_asks_are_refused_with_the_field_named(client, who, more, status, field):
    await log_in(client, who)
    response = await client.post(
        "/api/v1/bookings", json=body("batu-bara-kettle-2", at(1, 3, 13)) | more
    )
    assert response.status_code == status, response.text
    if field:
        assert response.json()["extra"][0]["key"] == field


async def test_weekly_series_books_every_week_that_holds(client):
    await log_in(client, "umkm_siti")
    response = await client.post(
        "/api/v1/bookings", json=body("batu-bara-retort-1", at(1, 0, 13), repeat_weeks=1)
    )
    assert response.status_code == 201, response.text
    series = response.json()
    assert len(series["booked"]) == 2
    assert series["refused"] == []
    assert {b["series"] for b in series["booked"]} == {series["series"]}


async def test_move_and_cancel_within_notice(client):
    await log_in(client, "umkm_siti")
    made = (
        await client.post(
            "/api/v1/bookings", json=body("batu-bara-washer-1", at(2, 0, 9), note="Cabai merah")
        )
    ).json()
    moved = await client.post(
        f"/api/v1/bookings/{made['code']}/move",
        json={"starts_at": at(2, 0, 9, 30).isoformat(), "minutes": 60},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"] == at(2, 0, 9, 30).isoformat()
    kept = await Booking.select(Booking.note).where(Booking.code == made["code"]).first()
    assert kept["note"] == "Cabai merah"  # a move changes the time, nothing else
    cancelled = await client.post(f"/api/v1/bookings/{made['code']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(f"/api/v1/bookings/{made['code']}/cancel")
    assert again.status_code == 409
    assert again.json()["extra"][0]["key"] == "status"


async def _insert(machine: str, business: str, starts: datetime, minutes: int = 60) -> str:
    ids = {}
    for key, table, code in (("machine", Machine, machine), ("business", Business, business)):
        ids[key] = (
            await table.select(table._meta.primary_key).where(table.code == code).first().run()
        )["id"]
    kind = (
        await ProductClass.select(ProductClass._meta.primary_key)
        .where(ProductClass.code == "halal")
        .first()
        .run()
    )
    code = f"bk-test-{int(starts.timestamp())}"
    ends = starts + timedelta(minutes=minutes)
    await Booking.insert(
        Booking(
            code=code,
            product_class=kind["id"],
            starts_at=starts,
            ends_at=ends,
            released_at=ends,
            quantity=Decimal(5),
            product="Sambal",
            **ids,
        )
    ).run()
    return code


async def test_a_umkm_cannot_cancel_inside_the_notice_period_but_the_house_can(client):
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    code = await _insert("batu-bara-filler-1", SITI, soon)
    await log_in(client, "umkm_siti")
    late = await client.post(f"/api/v1/bookings/{code}/cancel")
    assert late.status_code == 409
    assert late.json()["extra"][0]["key"] == "cancel_notice"
    await log_in(client, "operator_batu_bara")
    assert (await client.post(f"/api/v1/bookings/{code}/cancel")).status_code == 200


async def test_a_booking_nobody_starts_is_released_unless_checked_in(client):
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=40)
    idle = await _insert("batu-bara-kettle-1", SITI, started, minutes=120)
    present = await _insert("batu-bara-kettle-2", SITI, started + timedelta(seconds=1), minutes=120)
    await log_in(client, "operator_batu_bara")
    assert (await client.post(f"/api/v1/bookings/{present}/check-in")).status_code == 200
    released = await client.post("/api/v1/houses/batu-bara/no-shows")
    assert released.status_code == 200, released.text
    assert idle in released.json()["released"]
    assert present not in released.json()["released"]
    assert (await client.get(f"/api/v1/bookings/{idle}")).json()["status"] == "no_show"
    await log_in(client, "operator_sleman")
    assert (await client.post("/api/v1/houses/batu-bara/no-shows")).status_code == 403


async def test_a_freed_slot_is_offered_to_the_waitlist_first(client):
    slot = body("batu-bara-filler-1", at(2, 1, 10))
    await log_in(client, "operator_batu_bara")
    made = (await client.post("/api/v1/bookings", json=slot | {"business": SITI})).json()
    entry = await client.post("/api/v1/waitlist", json=slot | {"business": OTHER})
    assert entry.status_code == 201, entry.text
    await client.post(f"/api/v1/bookings/{made['code']}/cancel")
    third = await client.post("/api/v1/bookings", json=slot | {"business": SITI})
    assert third.status_code == 409
    assert third.json()["extra"][0]["key"] == "waitlist_hold"
    offered = (await client.get("/api/v1/waitlist")).json()
    assert [e["status"] for e in offered if e["id"] == entry.json()["id"]] == ["offered"]
    accepted = await client.post(f"/api/v1/waitlist/{entry.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["business"] == OTHER


async def test_a_lapsed_offer_goes_to_the_next_in_line_and_the_sweep_releases_no_shows(client):
    slot = body("batu-bara-washer-1", at(2, 2, 13))
    await log_in(client, "operator_batu_bara")
    made = (await client.post("/api/v1/bookings", json=slot | {"business": SITI})).json()
    first = (await client.post("/api/v1/waitlist", json=slot | {"business": OTHER})).json()
    second = (await client.post("/api/v1/waitlist", json=slot | {"business": LAPSED_HALAL})).json()
    await client.post(f"/api/v1/bookings/{made['code']}/cancel")
    idle = await _insert("batu-bara-retort-1", SITI, datetime.now(UTC) - timedelta(minutes=30))
    released = await sweep_once(datetime.now(UTC) + timedelta(hours=3))
    assert idle in released
    statuses = {e["id"]: e["status"] for e in (await client.get("/api/v1/waitlist")).json()}
    assert (statuses[first["id"]], statuses[second["id"]]) == ("expired", "offered")

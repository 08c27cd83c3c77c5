"""House calendar administration over the JSON API: holidays and maintenance windows are read by
anyone logged in and changed by the house's operators and admins only; an addition lists the live
bookings it falls on (and moves none) and the slot search stops offering the closed time at once;
bad input is a 400 naming its field.

House `sleman` (Batu Bara's operator for scope), dates in week +8 after the demo week only (other
tests use other weeks); the first two open days of that week (the page tests take the next two).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.bookings import api as booking_api
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import Holiday, Machine
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday, log_in

WEEK = booking_monday(8)
ZONE = ZoneInfo("Asia/Jakarta")
SRI = "keripik-salak-pondoh-bu-sri"
SEALER = "sleman-sealer-1"  # self-run (no operator shift needed), the house's only band sealer


async def open_days() -> list[date]:
    """Monday to Saturday of the week (Sleman opens 06.00-22.00), less the demo's holidays."""
    rows = await Holiday.select(Holiday.day).where(Holiday.house.code == "sleman").run()
    closed = {row["day"] for row in rows}
    return [WEEK + timedelta(days=n) for n in range(6) if WEEK + timedelta(days=n) not in closed]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


async def insert_booking(code: str, starts: datetime, minutes: int, status: str) -> None:
    machine = await Machine.select(Machine.id).where(Machine.code == SEALER).first().run()
    business = await Business.select(Business.id).where(Business.code == SRI).first().run()
    kind = await ProductClass.select(ProductClass.id).where(ProductClass.code == "halal").first()
    ends = starts + timedelta(minutes=minutes)
    await Booking.insert(
        Booking(
            code=code,
            machine=machine["id"],
            business=business["id"],
            product_class=kind["id"],
            starts_at=starts,
            ends_at=ends,
            released_at=ends,
            status=status,
            quantity=Decimal(5),
            product="Keripik salak",
        )
    ).run()


@pytest.fixture
async def two_bookings():
    """A confirmed and a cancelled booking on the sealer, 10.00-11.00 on each of the two days."""
    days = (await open_days())[:2]
    codes = []
    for n, day in enumerate(days):
        for status in ("confirmed", "cancelled"):
            code = f"bk-cal-api-{n}-{status}"
            await insert_booking(code, at(day, 10), 60, status)
            codes.append(code)
    yield days
    await Booking.delete().where(Booking.code.is_in(codes)).run()


@pytest.fixture
def week_ahead(monkeypatch):
    """The booking API's clock on the Friday before the week, so the 60-day limit lets the
    search reach it."""
    moment = datetime.combine(WEEK - timedelta(days=3), time(0), UTC)
    monkeypatch.setattr(booking_api, "now", lambda: moment)


async def sealer_slots(client, day: date) -> list[dict]:
    params = {
        "machine_type": "band_sealer",
        "minutes": 60,
        "from": at(day, 0).isoformat(),
        "to": at(day + timedelta(days=1), 0).isoformat(),
    }
    response = await client.get("/api/v1/houses/sleman/slots", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def names(response, field: str) -> bool:
    """The refusal names the field: as its key, or (a missing field) in Litestar's message."""
    extra = response.json()["extra"][0]
    return extra["key"] == field or (extra["key"] == "data" and f"`{field}`" in extra["message"])


def window(day: date, start: int, end: int, reason: str = "Ganti sabuk") -> dict:
    return {
        "starts_at": at(day, start).isoformat(),
        "ends_at": at(day, end).isoformat(),
        "reason": reason,
    }


async def test_reading_needs_a_login(client):
    assert (await client.get("/api/v1/houses/sleman/holidays")).status_code == 401
    assert (await client.get(f"/api/v1/machines/{SEALER}/maintenance")).status_code == 401


async def test_anyone_logged_in_reads_a_years_holidays_and_the_maintenance(client):
    await log_in(client, "umkm_sri")
    response = await client.get("/api/v1/houses/sleman/holidays", params={"year": 2026})
    assert response.status_code == 200, response.text
    holidays = response.json()
    assert {"house": "sleman", "day": "2026-12-25", "name": "Hari Raya Natal"} in holidays
    assert all(h["day"].startswith("2026-") for h in holidays)
    assert [h["day"] for h in holidays] == sorted(h["day"] for h in holidays)
    assert (await client.get("/api/v1/houses/sleman/holidays")).status_code == 200
    maintenance = await client.get(f"/api/v1/machines/{SEALER}/maintenance")
    assert maintenance.status_code == 200
    assert isinstance(maintenance.json(), list)


async def test_unknown_house_machine_holiday_and_window_are_404(client):
    await log_in(client, "admin")
    assert (await client.get("/api/v1/houses/atlantis/holidays")).status_code == 404
    body = {"day": WEEK.isoformat(), "name": "Libur"}
    assert (await client.post("/api/v1/houses/atlantis/holidays", json=body)).status_code == 404
    assert (await client.get("/api/v1/machines/no-such-machine/maintenance")).status_code == 404
    assert (await client.delete("/api/v1/houses/sleman/holidays/2000-01-03")).status_code == 404
    assert (await client.delete("/api/v1/maintenance/2000000000")).status_code == 404


@pytest.mark.parametrize("who", ["umkm_sri", "auditor", "operator_batu_bara"])
async def test_only_the_house_operators_and_admins_change_the_calendar(client, who):
    day = (await open_days())[0]
    await log_in(client, "admin")
    created = await client.post(f"/api/v1/machines/{SEALER}/maintenance", json=window(day, 6, 7))
    assert created.status_code == 201, created.text
    try:
        await log_in(client, who)
        holiday = {"day": day.isoformat(), "name": "Libur"}
        assert (
            await client.post("/api/v1/houses/sleman/holidays", json=holiday)
        ).status_code == 403
        path = f"/api/v1/machines/{SEALER}/maintenance"
        assert (await client.post(path, json=window(day, 8, 9))).status_code == 403
        holidays = "/api/v1/houses/sleman/holidays/2026-12-25"
        assert (await client.delete(holidays)).status_code == 403
        gone = await client.delete(f"/api/v1/maintenance/{created.json()['id']}")
        assert gone.status_code == 403
        assert "operators and admins" in gone.json()["detail"]
    finally:
        await log_in(client, "admin")
        await client.delete(f"/api/v1/maintenance/{created.json()['id']}")


async def add_holiday(client, day: date, name: str):
    return await client.post(
        "/api/v1/houses/sleman/holidays", json={"day": day.isoformat(), "name": name}
    )


async def test_a_new_holiday_lists_its_bookings_and_the_search_stops_offering_the_day(
    client, two_bookings, week_ahead
):
    day = two_bookings[0]
    await log_in(client, "operator_sleman")
    assert await sealer_slots(client, day)
    added = await add_holiday(client, day, " Libur uji ")
    assert added.status_code == 201, added.text
    try:
        shown = {"house": "sleman", "day": day.isoformat(), "name": "Libur uji"}
        assert added.json() | {"conflicts": []} == shown | {"conflicts": []}
        [conflict] = added.json()["conflicts"]  # the cancelled booking is not one
        assert conflict["booking"] == "bk-cal-api-0-confirmed"
        assert (conflict["machine"], conflict["business"]) == (SEALER, SRI)
        assert conflict["starts_at"] == at(day, 10).isoformat()
        assert conflict["ends_at"] == at(day, 11).isoformat()
        assert conflict["label"].endswith("10.00–11.00 WIB")
        assert await sealer_slots(client, day) == []
        again = await add_holiday(client, day, "Lagi")
        assert again.status_code == 409
        assert again.json()["extra"][0]["key"] == "day"
        listed = await client.get("/api/v1/houses/sleman/holidays", params={"year": day.year})
        assert shown in listed.json()
    finally:
        removed = await client.delete(f"/api/v1/houses/sleman/holidays/{day.isoformat()}")
    assert removed.status_code == 204
    assert await sealer_slots(client, day)
    assert (await client.delete(f"/api/v1/houses/sleman/holidays/{day}")).status_code == 404
    row = await Booking.select(Booking.status).where(Booking.code == conflict["booking"]).first()
    assert row["status"] == "confirmed"  # listed, never moved or cancelled


async def test_a_maintenance_window_lists_its_bookings_and_blocks_the_machine(
    client, two_bookings, week_ahead
):
    day = two_bookings[1]
    await log_in(client, "operator_sleman")
    before = await sealer_slots(client, day)
    assert any(s["starts_at"] == at(day, 8).isoformat() for s in before)
    added = await client.post(f"/api/v1/machines/{SEALER}/maintenance", json=window(day, 8, 16))
    assert added.status_code == 201, added.text
    body = added.json()
    try:
        assert (body["machine"], body["house"], body["reason"]) == (SEALER, "sleman", "Ganti sabuk")
        assert body["label"] == f"{day.isoformat()} 08.00–16.00 WIB"
        assert [c["booking"] for c in body["conflicts"]] == ["bk-cal-api-1-confirmed"]
        listed = await client.get(f"/api/v1/machines/{SEALER}/maintenance")
        assert body["id"] in [w["id"] for w in listed.json()]
        during = [s for s in await sealer_slots(client, day) if s["machine"] == SEALER]
        assert during
        assert all(
            s["ends_at"] <= at(day, 8).isoformat() or s["starts_at"] >= at(day, 16).isoformat()
            for s in during
        )
        overlapping = await client.post(
            f"/api/v1/machines/{SEALER}/maintenance", json=window(day, 15, 18)
        )
        assert overlapping.status_code == 409
        assert overlapping.json()["extra"][0]["key"] == "starts_at"
    finally:
        removed = await client.delete(f"/api/v1/maintenance/{body['id']}")
    assert removed.status_code == 204
    assert (await client.delete(f"/api/v1/maintenance/{body['id']}")).status_code == 404
    assert len(await sealer_slots(client, day)) == len(before)


HOLIDAY_CASES = [
    ({"day": "2027-02-30", "name": "Libur"}, "day"),
    ({"day": "1999-12-31", "name": "Libur"}, "day"),
    ({"day": "2101-01-01", "name": "Libur"}, "day"),
    ({"day": "2027-02-01"}, "name"),
    ({"day": "2027-02-01", "name": "   "}, "name"),
    ({"day": "2027-02-01", "name": "Libur\x00"}, "name"),
    ({"day": "2027-02-01", "name": "Libur\n"}, "name"),
    ({"day": "2027-02-01", "name": "x" * 201}, "name"),
]


@pytest.mark.parametrize(("body", "field"), HOLIDAY_CASES)
async def test_a_bad_holiday_is_refused_naming_the_field(client, body, field):
    await log_in(client, "operator_sleman")
    response = await client.post("/api/v1/houses/sleman/holidays", json=body)
    assert response.status_code == 400, response.text
    assert names(response, field)


H, D, NOTHING = timedelta(hours=1), timedelta(days=1), timedelta(0)
# Start and end after a moment a day from now, the reason (None: left out), the field named.
RELATIVE_WINDOWS = [
    (NOTHING, -H, "x", "ends_at"),  # ends before it starts
    (NOTHING, NOTHING, "x", "ends_at"),  # no length
    (NOTHING, 15 * D, "x", "ends_at"),  # longer than 14 days
    (-3 * D, -2 * D, "x", "ends_at"),  # over already
    (800 * D, 801 * D, "x", "starts_at"),  # more than two years ahead
    (NOTHING, H, "", "reason"),
    (NOTHING, H, " \t ", "reason"),
    (NOTHING, H, None, "reason"),
]
ODD_WINDOWS = [
    ("2027-02-01T08:00:00", "2027-02-01T09:00:00+07:00"),  # no UTC offset
    ("9999-12-31T23:00:00+07:00", "9999-12-31T23:30:00+07:00"),  # out of reach
]


async def refused_window(client, body: dict, field: str) -> None:
    await log_in(client, "operator_sleman")
    response = await client.post(f"/api/v1/machines/{SEALER}/maintenance", json=body)
    assert response.status_code == 400, response.text
    assert names(response, field)


@pytest.mark.parametrize(("starts", "ends", "reason", "field"), RELATIVE_WINDOWS)
async def test_a_bad_maintenance_window_is_refused_naming_the_field(
    client, starts, ends, reason, field
):
    soon = datetime.now(UTC).replace(microsecond=0) + D
    body = {"starts_at": (soon + starts).isoformat(), "ends_at": (soon + ends).isoformat()}
    await refused_window(client, body | ({} if reason is None else {"reason": reason}), field)


@pytest.mark.parametrize(("starts", "ends"), ODD_WINDOWS)
async def test_odd_times_are_refused_naming_the_start(client, starts, ends):
    await refused_window(client, {"starts_at": starts, "ends_at": ends, "reason": "x"}, "starts_at")


async def test_unknown_fields_are_refused(client):
    await log_in(client, "operator_sleman")
    body = {"day": "2027-02-01", "name": "Libur", "house": "batu-bara"}
    assert (await client.post("/api/v1/houses/sleman/holidays", json=body)).status_code == 400

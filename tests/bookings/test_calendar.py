"""iCalendar feeds: the pure builder, the token that stands in for a login, and a real booking
showing up in its UMKM's feed. Bookings here are in the demo week + 6 weeks, Batu Bara house."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sharedfactory.bookings.calendar import calendar_bytes
from sharedfactory.bookings.calendar_api import feed_token, verified
from tests.conftest import SECRET, booking_monday, log_in

HOUSE = "batu-bara"
SITI = "ud-sambal-lado-tanjung"
ZONE = ZoneInfo("Asia/Jakarta")
WEEK = booking_monday(6)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def booking(code: str, status: str, hour: int) -> dict:
    starts = datetime.combine(WEEK, time(hour), ZONE)
    return {
        "code": code,
        "machine": "batu-bara-kettle-1",
        "machine_name": "Wajan Pemasak 1",
        "product": "Sambal lado",
        "house_name": "Rumah Produksi Bersama Batu Bara",
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=90),
        "status": status,
        "quantity": 25,
        "unit": "kg",
    }


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_each_booking_is_one_event_in_utc():
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    rows = [
        booking("bk-a", "confirmed", 8),
        booking("bk-b", "cancelled", 10),
        booking("bk-c", "pending", 13),
        booking("bk-d", "something-new", 15),
    ]
    body = calendar_bytes(rows, "Pemesanan UD Sambal", stamp)
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Pemesanan UD Sambal"
    found = events(body)
    assert set(found) == {"bk-a@sharedfactory", "bk-b@sharedfactory", "bk-c@sharedfactory"}
    first = found["bk-a@sharedfactory"]
    assert first.decoded("DTSTART") == datetime(2027, 1, 18, 1, 0, tzinfo=UTC)  # 08.00 WIB
    assert first.decoded("DTEND") == datetime(2027, 1, 18, 2, 30, tzinfo=UTC)
    assert b"DTSTART:20270118T010000Z" in body
    assert str(first["SUMMARY"]) == "Wajan Pemasak 1: Sambal lado"
    assert str(first["LOCATION"]) == "Rumah Produksi Bersama Batu Bara"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(found["bk-b@sharedfactory"]["STATUS"]) == "CANCELLED"
    assert str(found["bk-c@sharedfactory"]["STATUS"]) == "TENTATIVE"


def test_tokens_are_bound_to_their_kind_code_and_secret():
    token = feed_token(SECRET, "b", SITI)
    assert token.startswith(f"b-{SITI}-")
    assert len(token) == len(f"b-{SITI}-") + 32
    assert verified(SECRET, token) == ("b", SITI)
    assert verified("another-secret", token) is None
    assert verified(SECRET, "m" + token[1:]) is None  # a business's mac is no machine's mac
    assert verified(SECRET, token.replace(SITI, "ud-lain")) is None
    assert verified(SECRET, "") is None
    assert verified(SECRET, "b--" + "0" * 32) is None


async def book_in_week_six(client) -> dict:
    since = datetime.combine(WEEK, time(0), ZONE)
    slots = await client.get(
        f"/api/v1/houses/{HOUSE}/slots",
        params={
            "machine_type": "chili_grinder",
            "minutes": 60,
            "from": since.isoformat(),
            "to": (since + timedelta(days=7)).isoformat(),
        },
    )
    assert slots.status_code == 200, slots.text
    assert slots.json(), "no free slot in the demo week + 6"
    slot = slots.json()[0]
    made = await client.post(
        "/api/v1/bookings",
        json={
            "machine": slot["machine"],
            "starts_at": slot["starts_at"],
            "minutes": 60,
            "product_class": "halal",
            "product": "Sambal lado untuk kalender",
            "quantity": 10,
        },
    )
    assert made.status_code == 201, made.text
    return made.json()


async def test_a_booking_shows_in_its_umkms_feed(client, engine):
    await log_in(client, "umkm_siti")
    made = await book_in_week_six(client)

    links = await client.get("/api/v1/calendar-links")
    assert links.status_code == 200, links.text
    [link] = links.json()
    assert (link["kind"], link["code"]) == ("business", SITI)
    assert link["webcal"].startswith("webcal://")
    assert link["url"].endswith(".ics")

    client.cookies.clear()  # a phone has no session: the token alone opens the feed
    feed = await client.get(urlsplit(link["url"]).path)
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"] == CALENDAR_TYPE
    event = events(feed.content)[f"{made['code']}@sharedfactory"]
    assert "Sambal lado untuk kalender" in str(event["SUMMARY"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime.fromisoformat(made["starts_at"]).astimezone(UTC)
    assert "Batu Bara" in str(event["LOCATION"])

    # The booking's confirmation is a notice of the UMKM's, too.
    await log_in(client, "umkm_siti")
    notices = (await client.get("/api/v1/notices", params={"limit": 200})).json()["items"]
    assert any(made["code"] in notice["subject"] for notice in notices)


async def test_operators_get_their_machines_feeds(client, engine):
    await log_in(client, "operator_batu_bara")
    links = (await client.get("/api/v1/calendar-links")).json()
    assert links
    assert all(link["kind"] == "machine" for link in links)
    assert all(link["code"].startswith("batu-bara-") for link in links)
    client.cookies.clear()
    feed = await client.get(urlsplit(links[0]["url"]).path)
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.content)["X-WR-CALNAME"]

    await log_in(client, "admin")
    everything = (await client.get("/api/v1/calendar-links")).json()
    assert len(everything) > len(links)
    await log_in(client, "auditor")
    assert (await client.get("/api/v1/calendar-links")).status_code == 403


def flipped(token: str) -> str:
    """The token with its last hex digit changed."""
    return token[:-1] + ("1" if token[-1] == "0" else "0")


@pytest.mark.parametrize(
    "feed",
    [
        flipped(feed_token(SECRET, "b", SITI)) + ".ics",
        feed_token("not-the-secret", "b", SITI) + ".ics",
        feed_token(SECRET, "b", SITI),  # without .ics
        feed_token(SECRET, "b", "ud-tidak-ada") + ".ics",  # a good mac for no business
        "x" * 5000 + ".ics",
        "b-.ics",
    ],
)
async def test_a_wrong_token_is_404(client, engine, feed):
    response = await client.get(f"/calendar/{feed}")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404

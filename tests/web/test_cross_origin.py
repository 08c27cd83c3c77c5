"""Cross-origin writes and forged body types are refused before any handler runs (issue #8):
every write route of the router, pages and API alike, answers 403 to a browser request from
another site, and every API write answers 415 to a `text/plain` or form body; a same-origin
browser request and a script without browser headers still get through."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.web.cross_origin import cross_origin, wrong_body_type
from tests.conftest import booking_monday, log_in
from tests.support.routes import AppRoute, write_routes

SKIPPED = ("/static", "/schema")
WIB = ZoneInfo("Asia/Jakarta")
BROWSER_FROM_ELSEWHERE = (
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},  # a sibling subdomain: SameSite=Lax lets its cookie through
    {"origin": "https://evil.example"},
    {"origin": "null"},  # a sandboxed frame or a file:// page
)


SAMPLE = {int: "1", date: "2030-01-01"}


def filled(route: AppRoute) -> str:
    """The route's path with a value of each parameter's type (which thing does not matter: the
    refusal comes before any handler looks)."""
    return route.template.format(
        **{name: SAMPLE.get(kind, "x1") for name, kind in route.params.items()}
    )


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({"sec-fetch-site": "same-origin", "origin": "https://evil.example"}, False),
        ({"sec-fetch-site": "none"}, False),  # typed into the address bar
        ({"sec-fetch-site": "cross-site", "origin": "http://h", "host": "h"}, True),
        ({"origin": "http://h:8000", "host": "h:8000"}, False),
        ({"origin": "http://h:8001", "host": "h:8000"}, True),
        ({}, False),  # not a browser: a script or a machine
    ],
)
def test_what_counts_as_cross_origin(headers, refused):
    assert cross_origin(headers) is refused


@pytest.mark.parametrize(
    ("headers", "wrong"),
    [
        ({"content-type": "application/json", "content-length": "2"}, False),
        ({"content-type": "application/json; charset=utf-8", "content-length": "2"}, False),
        ({"content-type": "multipart/form-data; boundary=x", "content-length": "9"}, False),
        ({"content-type": "text/plain", "content-length": "2"}, True),
        ({"content-type": "application/x-www-form-urlencoded", "content-length": "2"}, True),
        ({"content-length": "2"}, True),
        ({"content-length": "0"}, False),  # a write without a body (logout)
        ({}, False),
    ],
)
def test_what_counts_as_a_wrong_body_type(headers, wrong):
    assert wrong_body_type(headers) is wrong


async def test_every_write_route_refuses_a_browser_from_another_site(app, client):
    await log_in(client, "admin")
    before = await Booking.count()
    routes = list(write_routes(app, SKIPPED))
    assert len(routes) > 30
    for route in routes:
        path = filled(route)
        for headers in BROWSER_FROM_ELSEWHERE:
            answer = await client.request(route.method, path, json={}, headers=headers)
            assert answer.status_code == 403, f"{route} {headers}: {answer.status_code}"
            assert answer.json()["extra"][0]["key"] == "origin"
    assert await Booking.count() == before


async def test_every_api_write_refuses_a_body_a_form_could_forge(app, client):
    await log_in(client, "admin")
    api = [r for r in write_routes(app, SKIPPED) if not r.is_page]
    for route in api:
        path = filled(route)
        for media in ("text/plain", "application/x-www-form-urlencoded"):
            answer = await client.request(
                route.method, path, content=b'{"a": 1}', headers={"content-type": media}
            )
            assert answer.status_code == 415, f"{route} {media}: {answer.status_code}"
            assert answer.json()["extra"][0]["key"] == "content-type"


def week_2_kettles() -> dict[str, str | int]:
    """Batu Bara's kettles in week +2, where its API tests book (tests/bookings/test_api.py)."""
    monday = datetime.combine(booking_monday(2), time(0), WIB)
    period = {"from": monday.isoformat(), "to": (monday + timedelta(days=7)).isoformat()}
    return {"machine_type": "cooking_kettle", "minutes": 60} | period


async def test_a_same_origin_browser_booking_and_a_script_still_go_through(client):
    await log_in(client, "umkm_siti")
    free = await client.get("/api/v1/houses/batu-bara/slots", params=week_2_kettles())
    assert free.status_code == 200, free.text
    slot = free.json()[-1]  # the week's last free hour: the API tests book from its start
    wanted = {
        "machine": slot["machine"],
        "starts_at": slot["starts_at"],
        "minutes": 60,
        "product_class": "halal",
        "product": "Sambal lado",
        "quantity": 20,
    }
    browser = {"sec-fetch-site": "same-origin", "origin": "http://testserver.local"}
    made = await client.post("/api/v1/bookings", json=wanted, headers=browser)
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    try:
        cancelled = await client.post(f"/api/v1/bookings/{code}/cancel")  # no browser headers
        assert cancelled.status_code == 200, cancelled.text
    finally:
        await Booking.delete().where(Booking.code == code)

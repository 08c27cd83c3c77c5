"""Issue #8: every route of the app's router times every role, against the table in
`access_table.py`. Each role calls each route on the OTHER party's things (UMKM A on UMKM B's
booking, the Sleman operator on Batu Bara's machines): a refusal must be a refusal (401/403 or
the login page), a hidden thing a 404, and an allowed call must not be refused. A route without
a row, or a row without a route, fails the test by name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.tables import Booking, FlexibleRequest, Plan, WaitlistEntry
from sharedfactory.facilities.tables import Holiday, MaintenanceWindow
from sharedfactory.notices.tables import Notice
from sharedfactory.web import live
from tests.accounts.access_fixtures import WEEK, Created, Side, make_side
from tests.accounts.access_table import (
    INVALID_BODY_WHEN_ALLOWED,
    NOT_CALLED,
    ROLES,
    SIDE_OF,
    SKIPPED_PREFIXES,
    TABLE,
    expected,
)
from tests.accounts.test_auditor_reads_only import changed_tables, snapshot
from tests.conftest import booking_monday, log_in
from tests.support.routes import AppRoute, app_routes

pytestmark = pytest.mark.heavy

DENIED = frozenset({401, 403})
LOG_OUT = frozenset({("POST", "/logout"), ("POST", "/api/v1/auth/logout")})
HIDDEN = frozenset({404})
Clients = dict[str, AsyncTestClient[Litestar]]


@pytest.fixture(scope="module")
async def sides(engine, settings) -> AsyncIterator[dict[str, Side]]:
    created = Created()
    try:
        found = {
            "A": await make_side(
                "a", "sleman", "keripik-salak-pondoh-bu-sri", 1, created, settings.data_dir
            ),
            "B": await make_side(
                "b", "batu-bara", "ud-sambal-lado-tanjung", 2, created, settings.data_dir
            ),
        }
        forget_cached_facts()
        yield found
    finally:
        await created.remove()
        await remove_written_since(created.started)
        forget_cached_facts()


@pytest.fixture(scope="module")
async def clients(app: Litestar, sides) -> AsyncIterator[Clients]:
    """One client per role, logged in once; each holds the CSRF cookie its forms send back."""
    opened: Clients = {}
    patch = pytest.MonkeyPatch()
    # The live board streams for 15 minutes; here the stream ends at once (access is decided
    # before the first push).
    patch.setattr(live, "STREAM_FOR_S", 0)
    try:
        for role in ROLES:
            # Not entered: the app's lifespan (the e-mail outbox) is no part of access, and a
            # module fixture's setup and teardown run in different tasks.
            client = AsyncTestClient(app=app)
            opened[role] = client
            if role != "anonymous":
                await log_in(client, role)
            assert (await client.get("/healthz")).status_code in (200, 503)
        yield opened
    finally:
        patch.undo()


async def remove_written_since(started: datetime) -> None:
    """What the allowed calls wrote: bookings, holidays and maintenance of week 12, and the
    requests, waitlist entries, plans and notices created during the test."""
    monday = booking_monday(WEEK)
    week = (monday, monday + timedelta(days=7))
    begins = [datetime.combine(day, datetime.min.time(), UTC) - timedelta(hours=12) for day in week]
    for table in (Notice, WaitlistEntry, FlexibleRequest, Plan):
        await table.delete().where(table.created_at >= started).run()
    # Also by their product: on PostgreSQL (CI) three requests outlived the time condition.
    await FlexibleRequest.delete().where(FlexibleRequest.product == "Uji akses").run()
    await Booking.delete().where(Booking.starts_at >= begins[0], Booking.starts_at < begins[1])
    await Holiday.delete().where(Holiday.day >= week[0], Holiday.day < week[1])
    await MaintenanceWindow.delete().where(
        MaintenanceWindow.starts_at >= begins[0], MaintenanceWindow.starts_at < begins[1]
    )


def path_value(route: AppRoute, name: str, side: Side) -> str:
    """The other party's thing for each path parameter; `code` means what the prefix says."""
    if name == "code":
        if route.path.startswith(("/api/v1/businesses/", "/umkm/")):
            return side.business
        if route.path.startswith("/pesanan-saya/"):
            return side.fresh
        return side.request  # /permintaan/{code}/tarik, /api/v1/requests/{code}/withdraw
    booking = side.fresh if route.is_write else side.booking
    values: dict[str, object] = {
        "house": side.house,
        "machine": side.machine,
        "booking": booking,
        "plan": side.plan,
        "plan_id": side.plan,
        "entry": side.entry,
        "notice": side.notice,
        "window_id": side.window,
        "day": side.holiday,
        "alarm_id": side.alarm,
        "record": side.cleaning,
        "operator": side.operator,
        "token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a guessed token
        "feed": "AAAAAAAAAAAAAAAAAAAAAA.ics",  # a guessed feed token
        "file_path": "favicon.svg",
        "path": "redoc",
    }
    assert name in values, f"{route}: no value for the path parameter {name!r}"
    return str(values[name])


def url_of(route: AppRoute, side: Side) -> str:
    return route.template.format(**{n: path_value(route, n, side) for n in route.params})


async def call(
    client: AsyncTestClient[Litestar], route: AppRoute, side: Side, invalid: bool = False
) -> Any:
    body = bodies(side).get(route.key, {})
    if invalid:  # a body that fails validation: the answer shows the role passed, nothing changes
        body = {"time_limit": "bukan angka"} if route.is_page else {"access_matrix": "no field"}
    url = url_of(route, side)
    if route.is_page and route.is_write:
        token = client.cookies.get("sf_csrf", "")
        return await client.request(
            route.method, url, data={**body, "_csrf_token": token}, follow_redirects=False
        )
    if route.method in ("GET", "DELETE") or not route.is_write:
        return await client.request(route.method, url, params=body, follow_redirects=False)
    return await client.request(route.method, url, json=body, follow_redirects=False)


def outcome(response: Any) -> str:
    """What the answer means: `deny`, `hidden`, `allow` or `error` (a 5xx)."""
    status = response.status_code
    location = response.headers.get("location", "")
    if status in DENIED or (300 <= status < 400 and location.startswith("/login")):
        return "deny"
    if status in HIDDEN:
        return "hidden"
    if status >= 500:
        return "error"
    return "allow"


def bodies(side: Side) -> dict[tuple[str, str], dict[str, Any]]:
    """Valid requests aimed at the side's things in week 12, so that a refusal is never hidden
    behind a 400 (query parameters for GET, forms for pages, JSON for the API)."""
    starts = side.starts
    iso, day = starts.isoformat(), starts.date().isoformat()
    booking = {
        "machine": side.machine,
        "product_class": "halal",
        "product": "Uji akses",
        "quantity": 10,
        "starts_at": iso,
        "minutes": 60,
        "business": side.business,
    }
    search = {
        "house": side.house,
        "type": side.machine_type,
        "duration": "60",
        "unit": "min",
        "from": day,
        "to": day,
        "class": "halal",
        "product": "Uji akses",
        "quantity": "10",
        "business": side.business,
        "slot": f"{side.machine}|{iso}",
    }
    span = {"from": "2026-12-01T00:00:00+07:00", "to": "2026-12-08T00:00:00+07:00"}
    return {
        ("POST", "/api/v1/bookings"): booking,
        ("POST", "/api/v1/bookings/{booking:str}/move"): {"starts_at": iso, "minutes": 90},
        ("POST", "/api/v1/waitlist"): booking,
        ("POST", "/api/v1/requests"): {
            "house": side.house,
            "steps": [side.machine_type],
            "quantity": 10,
            "product_class": "halal",
            "product": "Uji akses",
            "deadline": (starts + timedelta(days=3)).isoformat(),
            "business": side.business,
        },
        ("POST", "/api/v1/houses/{house:str}/plans"): {"time_limit": 5},
        ("POST", "/api/v1/businesses/{code:str}/permits"): {
            "kind": "pirt",
            "number": "AKSES-0008",
            "product": "Uji akses",
            "issued_on": "2025-01-02",
        },
        ("POST", "/api/v1/businesses/{code:str}/trainings"): {
            "machine_type": side.machine_type,
            "trained_on": "2025-01-02",
        },
        ("PUT", "/api/v1/houses/{house:str}/rules"): {"buffer_minutes": 15},
        ("PUT", "/api/v1/machines/{machine:str}/rules"): {"buffer_minutes": 15},
        ("PUT", "/api/v1/houses/{house:str}/tariff-tiers"): {
            "mikro": 50,
            "kecil": 30,
            "menengah": 10,
        },
        ("POST", "/api/v1/houses/{house:str}/holidays"): {
            "day": (starts + timedelta(days=1)).date().isoformat(),
            "name": "Libur uji akses",
        },
        ("POST", "/api/v1/machines/{machine:str}/maintenance"): {
            "starts_at": (starts + timedelta(hours=7)).isoformat(),
            "ends_at": (starts + timedelta(hours=8)).isoformat(),
            "reason": "uji akses",
        },
        ("POST", "/api/v1/alarms/{alarm_id:int}/acknowledge"): {"note": "Dilihat"},
        ("POST", "/pesan"): search,
        ("GET", "/pesan"): search,
        ("GET", "/pesan/pilihan"): search,
        ("POST", "/antrean"): search,
        ("POST", "/permintaan"): {
            "house": side.house,
            "steps": side.machine_type,
            "quantity": "10",
            "class": "halal",
            "product": "Uji akses",
            "deadline": (starts + timedelta(days=3)).date().isoformat(),
            "business": side.business,
        },
        ("POST", "/rumah/{house:str}/rencana"): {"time_limit": "5"},
        ("POST", "/rumah/{house:str}/aturan"): {"action": "save_rules", "buffer_minutes": "15"},
        ("POST", "/rumah/{house:str}/kalender"): {
            "action": "add_holiday",
            "day": (starts + timedelta(days=1)).date().isoformat(),
            "name": "Libur uji akses",
        },
        ("GET", "/api/v1/machines/{machine:str}/telemetry"): span,
        ("GET", "/api/v1/telemetry/dead-letters"): {"from": span["from"]},
        ("GET", "/api/v1/reports/utilisation"): {**span, "group": "house"},
        ("GET", "/api/v1/reports/businesses"): span,
        ("GET", "/laporan"): {"bulan": "2026-12"},
        ("GET", "/laporan/unduh"): {"bulan": "2026-12", "format": "csv"},
        ("GET", "/api/v1/houses/{house:str}/slots"): {
            "machine_type": side.machine_type,
            "minutes": 60,
        },
        ("GET", "/api/v1/houses/{house:str}/timeline"): span,
    }


def problem(route: AppRoute, role: str, side: Side, response: Any) -> str | None:
    """What is wrong with this answer for this role, or None."""
    want, got = expected(route.key, role), outcome(response)
    if want == "body":
        if response.status_code == 400:
            return None
        got = f"{got}, not the 400 of its body"
    elif want == got:
        return None
    return (
        f"{route} as {role} ({url_of(route, side)}): expected {want}, got {got} "
        f"({response.status_code}: {response.text[:120]!r})"
    )


async def sweep(app: Litestar, clients: Clients, sides: dict[str, Side], allowed: bool) -> list:
    problems = []
    for route in app_routes(app, SKIPPED_PREFIXES):
        for role in ROLES:
            if (expected(route.key, role) == "allow") != allowed:
                continue
            if (*route.key, role) in NOT_CALLED:
                continue
            side = sides[SIDE_OF[role]]
            invalid = allowed and route.key in INVALID_BODY_WHEN_ALLOWED
            response = await call(clients[role], route, side, invalid)
            if route.key in LOG_OUT and role != "anonymous":
                await log_in(clients[role], role)
            if found := problem(route, role, side, response):
                problems.append(found)
    return problems


def test_every_route_has_a_row_and_every_row_a_route(app):
    routes = {r.key for r in app_routes(app, SKIPPED_PREFIXES)}
    missing = sorted(routes - set(TABLE))
    assert not missing, f"routes without a row in tests/accounts/access_table.py: {missing}"
    stale = sorted(set(TABLE) - routes)
    assert not stale, f"rows of access_table.py that are no longer routes: {stale}"
    bad = sorted(k for k, row in TABLE.items() if len(row.split()) != len(ROLES))
    assert not bad, f"rows without one letter per role: {bad}"
    gone = sorted({key[:2] for key in NOT_CALLED} - routes)
    assert not gone, f"NOT_CALLED names routes that no longer exist: {gone}"
    assert all(expected(key[:2], key[2]) == "allow" for key in NOT_CALLED)
    assert len(routes) >= 140, "the router's routes were not found"


async def test_every_role_is_refused_what_the_table_refuses(app, clients, sides):
    """Every D, H and B cell, with a valid body: refused, and no watched row changed."""
    before = await snapshot()
    problems = await sweep(app, clients, sides, allowed=False)
    changes = changed_tables(before, await snapshot())
    assert not problems, "refusals the table expects but the app does not give:\n" + "\n".join(
        problems
    )
    assert not changes, f"a refused call changed {', '.join(changes)}"


async def test_every_role_reaches_what_the_table_allows(app, clients, sides):
    """Every A cell: not refused. Writes land in week 12 or on the test's own rows."""
    problems = await sweep(app, clients, sides, allowed=True)
    assert not problems, "allowed calls the app refuses:\n" + "\n".join(problems)


async def test_a_umkm_guessing_codes_next_to_its_own_reads_nothing_of_another(clients, sides):
    """Bu Sri tries every demo booking code (`bk-0001`...), the usage, quality and record of
    each one that is not hers, and the statement and profile of every other demo UMKM."""
    sri = clients["umkm_sri"]
    own = {
        b["code"]
        for b in (await sri.get("/api/v1/bookings", params={"limit": 500})).json()["items"]
    }
    leaks = []
    for number in range(1, 201):
        code = f"bk-{number:04d}"
        answer = await sri.get(f"/api/v1/bookings/{code}")
        if answer.status_code != 404 and code not in own:
            leaks.append(f"{code}: {answer.status_code}")
        if code in own:
            continue
        for part in ("usage", "quality", "quality-record"):
            answer = await sri.get(f"/api/v1/bookings/{code}/{part}")
            if answer.status_code != 404:
                leaks.append(f"{code}/{part}: {answer.status_code}")
    siti = sides["B"].business
    for path in (f"/api/v1/businesses/{siti}", f"/api/v1/businesses/{siti}/statement"):
        if (answer := await sri.get(path)).status_code != 404:
            leaks.append(f"{path}: {answer.status_code}")
    listed = (await sri.get("/api/v1/bookings", params={"limit": 500})).json()["items"]
    others = [b["code"] for b in listed if b["business"] != sides["A"].business]
    assert not others, f"Bu Sri's booking list holds another UMKM's bookings: {others}"
    assert not leaks, "Bu Sri reads another UMKM's things by guessing:\n" + "\n".join(leaks)

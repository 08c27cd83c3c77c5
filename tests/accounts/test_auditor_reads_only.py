"""Issue #7: the auditor reads everything and writes nothing. Every state-changing route of the
app's router (pages and JSON API alike, read from `app.routes`, so a new route is checked the day
it appears) is called as the demo auditor with a plausible request, and must answer a refusal
without changing a row of any table a write could touch. The auditor still reads: the dashboard
and the utilisation report answer 200."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sharedfactory.bookings.tables import Booking, FlexibleRequest, Plan, WaitlistEntry
from sharedfactory.businesses.tables import Business
from sharedfactory.db.registry import TABLES
from sharedfactory.facilities.tables import Holiday, House, Machine, MaintenanceWindow
from sharedfactory.notices.tables import Notice
from sharedfactory.products.tables import ProductClass
from tests.conftest import booking_monday, log_in
from tests.support.routes import AppRoute as WriteRoute
from tests.support.routes import write_routes

pytestmark = pytest.mark.heavy

SKIPPED_PREFIXES = ("/static", "/schema")  # static files and the OpenAPI docs: GET only
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
CSRF_REFUSAL = "CSRF token verification failed"  # Litestar's CSRF middleware, also a 403
WIB = ZoneInfo("Asia/Jakarta")

HOUSE = "batu-bara"
MACHINE = "batu-bara-kettle-1"
BUSINESS = "ud-sambal-lado-tanjung"

# Every table a write route could touch. Whole rows are compared (not only counts), so an UPDATE
# (a cancelled booking, a notice marked read, a rule changed) is caught as well as an INSERT.
WATCHED_TABLES = (
    "booking",
    "booking_rules",
    "tariff_tier",
    "training",
    "holiday",
    "maintenance_window",
    "waitlist_entry",
    "flexible_request",
    "plan",
    "notice",
    "audit_event",
    "business",
    "permit",
    "app_user",
    "machine_credential",
    "machine",
    "opening_hours",
    "operator",
    "operator_shift",
    "operator_machine",
    "alarm",
    "cleaning_record",
    "quality_record",
)

# Write routes the auditor may use, each with its reason. They are not called here (logging out
# would end the session the other calls need); the test only checks they still exist.
ALLOWED: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/auth/login"): "logging in opens the auditor's own session",
    ("POST", "/login"): "the login form: opens the auditor's own session",
    ("POST", "/api/v1/auth/logout"): "ends the auditor's own session",
    ("POST", "/logout"): "the header's log-out button: ends the auditor's own session",
    # A UMKM registers itself without logging in: the route is open to anyone, so an auditor's
    # session gives nothing more there (refusing the auditor would protect nothing).
    ("POST", "/api/v1/register"): "public self-registration of a UMKM (no login needed)",
    ("POST", "/daftar"): "the public registration form of a UMKM (no login needed)",
    # No notice route is here: auditors have no notices (sharedfactory/notices/inbox.py,
    # `may_read_notices`), so marking one read must be refused like any other write.
}

# The answers that count as a refusal, per route, when it is not the plain 403, with the reason.
# Decided route by route: none needs one today. The auditor is logged in (never 401), every
# route checks the role before it looks the row up (never a 404 that hides a row the auditor
# may read anyway: bookings, requests, plans, houses are all in the auditor's reading scope),
# and every method here is the route's own (never 405). A route that answers otherwise must be
# named here with its reason, e.g. `("POST", "/x/{id:int}"): (frozenset({403, 404}), "why")`.
REFUSALS: dict[tuple[str, str], tuple[frozenset[int], str]] = {}
FORBIDDEN = frozenset({403})

# Write routes the auditor CAN use today (bugs, issue #7), with what they answer. They are left
# out of the sweep and each is called by `test_known_auditor_writes`, a strict expected failure:
# once a route is fixed its case passes, fails as XPASS(strict), and must be removed from here.
# Write routes the auditor could use, each with what it answered; empty since the three found
# when this test was written (withdrawing requests and waitlist entries, accepting an offer for
# the UMKM) were given the auditor refusal (`accounts.deps.refuse_auditor`).
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Demo:
    """The rows the path parameters name: a demo booking and holiday, and rows of this test's own
    (the demo seeds no request, waitlist entry, plan, maintenance window or notice) in a state
    where the write would do something, so that a refusal is the only thing that stops it."""

    booking: str
    holiday: date
    request: str
    entry: int
    plan: int
    window: int
    notice: int


async def _pk(table: Any, code: str) -> int:
    row = await table.select(table._meta.primary_key.as_alias("pk")).where(table.code == code)
    assert row, f"no {table._meta.tablename} {code!r} in the demo"
    return row[0]["pk"]


async def _insert(row: Any) -> int:
    return (await row.__class__.insert(row).returning(row.__class__._meta.primary_key).run())[0][
        "id"
    ]


@pytest.fixture
async def demo(engine) -> AsyncIterator[Demo]:
    now = datetime.now(UTC)
    sunday = datetime.combine(booking_monday(8) - timedelta(days=1), time(1), WIB)  # houses shut
    # Beyond the house's 60-day limit: an accept that slips past the role check cannot book.
    out_of_reach = datetime.combine(now.date() + timedelta(days=90), time(8), WIB)
    house, machine = await _pk(House, HOUSE), await _pk(Machine, MACHINE)
    business, halal = await _pk(Business, BUSINESS), await _pk(ProductClass, "halal")
    booking = (
        await Booking.select(Booking.code)
        .where(Booking.machine == machine, Booking.status == "confirmed", Booking.starts_at > now)
        .order_by(Booking.starts_at)
        .first()
    )
    assert booking, f"the demo has no coming confirmed booking on {MACHINE}"
    holiday = (
        await Holiday.select(Holiday.day)
        .where(Holiday.house == house, Holiday.day >= now.date())
        .order_by(Holiday.day)
        .first()
    ) or await Holiday.select(Holiday.day).where(Holiday.house == house).first()
    assert holiday, f"the demo has no holiday in {HOUSE}"
    code = f"auditor-test-{now:%H%M%S%f}"
    own = (
        FlexibleRequest(
            code=code,
            house=house,
            business=business,
            product_class=halal,
            product="Pasta cabai",
            quantity=10,
            steps=["cooking_kettle"],
            earliest=sunday,
            deadline=sunday + timedelta(days=5),
            status="pending",
            created_at=now,
        ),
        WaitlistEntry(
            business=business,
            machine=machine,
            product_class=halal,
            product="Pasta cabai",
            quantity=10,
            starts_at=out_of_reach,
            ends_at=out_of_reach + timedelta(hours=2),
            status="offered",
            offered_until=now + timedelta(days=1),
            created_at=now,
        ),
        Plan(house=house, status="proposed", created_at=now),
        MaintenanceWindow(
            machine=machine,
            starts_at=sunday,
            ends_at=sunday + timedelta(hours=2),
            reason="auditor test",
        ),
        Notice(
            business=business,
            kind="auditor_test",
            subject="auditor test",
            body="auditor test",
            created_at=now,
        ),
    )
    ids = [await _insert(row) for row in own]
    yield Demo(booking["code"], holiday["day"], code, *ids[1:])
    for row, pk in zip(own, ids, strict=True):
        table = row.__class__
        await table.delete().where(table._meta.primary_key == pk).run()


def path_value(route: WriteRoute, name: str, kind: type, demo: Demo) -> str:
    """A real code for each path parameter; `code` means what its route's prefix says."""
    if name == "code":
        if route.path.startswith("/api/v1/businesses/"):
            return BUSINESS
        if route.path.startswith("/pesanan-saya/"):
            return demo.booking
        return demo.request  # /permintaan/{code}/tarik, /api/v1/requests/{code}/withdraw
    by_name: dict[str, object] = {
        "house": HOUSE,
        "machine": MACHINE,
        "booking": demo.booking,
        "plan": demo.plan,
        "plan_id": demo.plan,
        "entry": demo.entry,
        "notice": demo.notice,
        "window_id": demo.window,
        "day": demo.holiday,
    }
    if name in by_name:
        return str(by_name[name])
    # A parameter this table does not know yet: a value of its type still reaches the handler.
    return {int: "1", date: demo.holiday.isoformat()}.get(kind, HOUSE)


def url_of(route: WriteRoute, demo: Demo) -> str:
    values = {n: path_value(route, n, k, demo) for n, k in route.params.items()}
    return route.template.format(**values)


def plausible_bodies() -> dict[tuple[str, str], dict[str, Any]]:
    """What an operator or a UMKM would send: valid, so a missing role check is not hidden behind
    a 400. Routes not named here get `{}` (JSON) or the CSRF token alone (forms)."""
    monday = booking_monday(6)  # within the houses' 60 days ahead
    starts = datetime.combine(monday + timedelta(days=1), time(9), WIB)
    iso = starts.isoformat()
    booking = {
        "machine": MACHINE,
        "product_class": "halal",
        "product": "Pasta cabai",
        "quantity": 10,
        "starts_at": iso,
        "minutes": 90,
        "business": BUSINESS,
    }
    search = {
        "house": HOUSE,
        "type": "cooking_kettle",
        "duration": "90",
        "unit": "min",
        "from": starts.date().isoformat(),
        "to": starts.date().isoformat(),
        "class": "halal",
        "product": "Pasta cabai",
        "quantity": "10",
        "business": BUSINESS,
        "slot": f"{MACHINE}|{iso}",
    }
    return {
        ("POST", "/api/v1/bookings"): booking,
        ("POST", "/api/v1/bookings/{booking:str}/move"): {"starts_at": iso, "minutes": 120},
        ("POST", "/api/v1/waitlist"): booking,
        ("POST", "/api/v1/requests"): {
            "house": HOUSE,
            "steps": ["cooking_kettle"],
            "quantity": 10,
            "product_class": "halal",
            "product": "Pasta cabai",
            "deadline": (starts + timedelta(days=3)).isoformat(),
            "business": BUSINESS,
        },
        ("POST", "/api/v1/houses/{house:str}/plans"): {"time_limit": 5},
        ("POST", "/api/v1/businesses/{code:str}/permits"): {
            "kind": "pirt",
            "number": "AUDITOR-0007",
            "product": "Sambal lado",
            "issued_on": "2025-01-02",
        },
        ("POST", "/api/v1/businesses/{code:str}/trainings"): {
            "machine_type": "cooking_kettle",
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
            "day": (monday + timedelta(days=2)).isoformat(),
            "name": "Libur audit",
        },
        ("POST", "/api/v1/machines/{machine:str}/maintenance"): {
            "starts_at": iso,
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "reason": "pemeriksaan",
        },
        ("POST", "/pesan"): search,
        ("POST", "/antrean"): search,
        ("POST", "/permintaan"): {
            "house": HOUSE,
            "steps": "cooking_kettle",
            "quantity": "10",
            "class": "halal",
            "product": "Pasta cabai",
            "deadline": (monday + timedelta(days=4)).isoformat(),
        },
        ("POST", "/rumah/{house:str}/rencana"): {"time_limit": "5"},
        ("POST", "/rumah/{house:str}/aturan"): {"action": "save_rules", "buffer_minutes": "15"},
        ("POST", "/api/v1/alarms/{alarm_id:int}/acknowledge"): {"note": "Dilihat auditor"},
        ("POST", "/rumah/{house:str}/kalender"): {
            "action": "add_holiday",
            "day": (monday + timedelta(days=2)).isoformat(),
            "name": "Libur audit",
        },
    }


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    tables = {t._meta.tablename: t for t in TABLES}
    rows = {}
    for name in WATCHED_TABLES:
        table = tables[name]
        rows[name] = await table.select().order_by(table._meta.primary_key).run()
    return rows


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [
        f"{name} ({len(before[name])} -> {len(after[name])} rows)"
        for name in WATCHED_TABLES
        if before[name] != after[name]
    ]


async def csrf_token(client) -> str:
    page = await client.get("/laporan", params={"bulan": "2025-03"})
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def call(client, route: WriteRoute, demo: Demo, token: str):
    body = plausible_bodies().get(route.key, {})
    url = url_of(route, demo)
    if route.is_page:
        return await client.request(
            route.method,
            url,
            data={**body, "_csrf_token": token},
            follow_redirects=False,
        )
    if route.method == "DELETE":
        return await client.request(route.method, url)
    return await client.request(route.method, url, json=body)


def refusals_of(route: WriteRoute) -> frozenset[int]:
    return REFUSALS.get(route.key, (FORBIDDEN, ""))[0]


async def refusal_problems(client, route: WriteRoute, demo: Demo, token: str) -> list[str]:
    """What is wrong with the auditor's call: not refused, or a row changed (empty: all good)."""
    before = await snapshot()
    response = await call(client, route, demo, token)
    after = await snapshot()
    problems = []
    expected = refusals_of(route)
    if response.status_code not in expected:
        problems.append(
            f"{route} ({url_of(route, demo)}) answered {response.status_code}, expected "
            f"{sorted(expected)}: {response.text[:160]}"
        )
    if route.is_page and CSRF_REFUSAL in response.text:
        problems.append(f"{route}: the CSRF check refused the form, so the role was never tested")
    if changes := changed_tables(before, after):
        problems.append(f"{route} changed {', '.join(changes)}")
    return problems


async def test_the_auditor_is_refused_on_every_write_route(app, client, demo):
    every = list(write_routes(app, SKIPPED_PREFIXES))
    stale = sorted({*ALLOWED, *REFUSALS, *KNOWN_BUGS} - {r.key for r in every})
    assert not stale, f"no longer routes of the app, drop them from this file: {stale}"
    swept = [r for r in every if r.key not in ALLOWED and r.key not in KNOWN_BUGS]
    assert len(swept) >= 30, f"the router's write routes were not found: {swept}"
    await log_in(client, "auditor")
    token = await csrf_token(client)
    failures = [p for route in swept for p in await refusal_problems(client, route, demo, token)]
    assert not failures, "the auditor can write (or a refusal is not 403):\n" + "\n".join(failures)


async def test_the_auditor_reads_the_reports(client):
    await log_in(client, "auditor")
    page = await client.get("/laporan", params={"bulan": "2025-03"})
    assert page.status_code == 200, page.text
    report = await client.get(
        "/api/v1/reports/utilisation",
        params={
            "from": "2025-03-01T00:00:00+07:00",
            "to": "2025-04-01T00:00:00+07:00",
            "group": "house",
        },
    )
    assert report.status_code == 200, report.text

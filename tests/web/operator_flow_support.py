"""Shared by the operator's browser flow (test_operator_flow.py): what it sets up in the database
and takes away again, and `Screen`, the browser page it checks after every navigation.

Writes only in house `batu-bara`, week +6 after the demo week (the iCalendar test books one chili
grinder slot there too, and the auditor test only tries to): Siti's requests and bookings carry
`MARK` in their product, the maintenance window `REASON`, the alarm `ALARM_DETAIL`; the clean-up
finds them by those, so a flow that stopped half-way leaves nothing behind either."""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from piccolo.table import Table
from playwright.sync_api import Browser, ConsoleMessage, Response

from sharedfactory.bookings.tables import Booking, BookingRules, FlexibleRequest, Plan
from sharedfactory.businesses.tables import Business
from sharedfactory.devices.tables import Alarm
from sharedfactory.facilities.tables import House, Machine, MaintenanceWindow
from sharedfactory.notices.tables import Notice
from tests.conftest import LOGINS, booking_monday
from tests.web.test_browser import ARTIFACTS

HOUSE = "batu-bara"
SITI = "ud-sambal-lado-tanjung"
ZONE = "Asia/Jakarta"
WEEK = booking_monday(6)
TUESDAY, THURSDAY = WEEK + timedelta(days=1), WEEK + timedelta(days=3)
MARK = "uji-alur"
REASON = "Ganti segel wajan (uji-alur)"
ALARM_MACHINE = "batu-bara-kettle-2"
ALARM_DETAIL = "flow test: the kettle stopped"
REQUESTS = (  # steps, kg, product, priority
    (("cooking_kettle", "hot_filler"), 40, f"Sambal botol {MARK}", 2),
    (("cooking_kettle", "hot_filler"), 30, f"Sambal hijau {MARK}", 3),
    (("cooking_kettle",), 45, f"Pasta cabai {MARK}", 1),
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE))


@dataclass
class Made:
    """What the set-up made: Siti's waiting requests, her booking already confirmed (the current
    plan the proposal is drawn beside) and an open alarm."""

    since: datetime
    requests: list[str] = field(default_factory=list)
    booking: str = ""
    alarm: int = 0


async def check_the_week_is_free() -> None:
    """Week +6 is inside the house's advance limit, and no other request waits at the house
    (the optimiser would take it in, and the confirmation would settle it)."""
    rules = await (
        BookingRules.select(BookingRules.max_advance_days)
        .where(BookingRules.house.code == HOUSE, BookingRules.machine.is_null())
        .first()
    )
    assert rules is not None, f"{HOUSE} has no booking rules"
    limit = datetime.now(UTC) + timedelta(days=rules["max_advance_days"])
    assert at(THURSDAY, 16) <= limit, f"week +6 ({WEEK}) is past the advance limit {limit}"
    waiting = await FlexibleRequest.select(FlexibleRequest.code).where(
        FlexibleRequest.house.code == HOUSE, FlexibleRequest.status.is_in(["pending", "proposed"])
    )
    assert not waiting, f"other requests wait at {HOUSE}: {waiting}"


@contextmanager
def as_siti(server: str) -> Iterator[httpx.Client]:
    """The JSON API over HTTP, logged in as Siti (UMKM of the house's cluster)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        email, password = LOGINS["umkm_siti"]
        answer = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 201, answer.text
        yield client


def ask(client: httpx.Client, steps: tuple[str, ...], kg: int, product: str, priority: int) -> str:
    answer = client.post(
        "/api/v1/requests",
        json={
            "house": HOUSE,
            "steps": list(steps),
            "quantity": kg,
            "product_class": "halal",
            "product": product,
            "earliest": at(TUESDAY, 8).isoformat(),
            "deadline": at(THURSDAY, 16).isoformat(),
            "priority": priority,
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["code"])


def book_first_kettle_slot(client: httpx.Client) -> str:
    params = {
        "machine_type": "cooking_kettle",
        "minutes": "90",
        "from": at(TUESDAY, 8).isoformat(),
        "to": at(TUESDAY, 16).isoformat(),
    }
    slots = client.get(f"/api/v1/houses/{HOUSE}/slots", params=params)
    assert slots.status_code == 200, slots.text
    assert slots.json(), "no free kettle slot on the Tuesday of week +6"
    slot = slots.json()[0]
    made = client.post(
        "/api/v1/bookings",
        json={
            "machine": slot["machine"],
            "starts_at": slot["starts_at"],
            "minutes": 90,
            "product_class": "halal",
            "product": f"Sambal lado {MARK}",
            "quantity": 40,
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["code"])


async def pk_of(table: type[Table], code: str) -> int:
    key = table._meta.primary_key
    column = table.code  # type: ignore[attr-defined]
    row = await table.select(key.as_alias("pk")).where(column == code).first()
    assert row is not None, f"no {table.__name__} {code!r}"
    return int(row["pk"])


async def open_alarm() -> int:
    opened = int(clock.time() * 1000) - 10 * 60_000
    machine = await pk_of(Machine, ALARM_MACHINE)
    row = Alarm(machine=machine, kind="fault", detail=ALARM_DETAIL, opened_ms=opened)
    inserted = await Alarm.insert(row).returning(Alarm._meta.primary_key).run()
    return int(inserted[0]["id"])


async def bookings_of(requests: list[str]) -> list[dict[str, Any]]:
    """The bookings the plan made for the requests, by start."""
    return await (
        Booking.select(
            Booking.code,
            Booking.machine.code.as_alias("machine"),
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
        )
        .where(Booking.request.code.is_in(requests or [""]))
        .order_by(Booking.starts_at)
    )


async def booking(code: str) -> dict[str, Any]:
    row = await (
        Booking.select(Booking.machine.code.as_alias("machine"), Booking.starts_at, Booking.status)
        .where(Booking.code == code)
        .first()
    )
    assert row is not None, code
    return row


async def clean(made: Made) -> None:
    """Delete what the flow made; the audit log keeps its events (it is append-only)."""
    house, siti = await pk_of(House, HOUSE), await pk_of(Business, SITI)
    marked = Booking.product.like(f"%{MARK}%") & (Booking.business == siti)
    codes = [r["code"] for r in await Booking.select(Booking.code).where(marked)]
    await Booking.delete().where(Booking.code.is_in(codes or [""]))
    await FlexibleRequest.delete().where(
        FlexibleRequest.product.like(f"%{MARK}%"), FlexibleRequest.business == siti
    )
    await Plan.delete().where(Plan.house == house, Plan.created_at >= made.since)
    await MaintenanceWindow.delete().where(MaintenanceWindow.reason == REASON)
    await Alarm.delete().where(Alarm.detail.like("flow test:%"))
    await Notice.delete().where(
        Notice.created_at >= made.since, (Notice.business == siti) | (Notice.house == house)
    )


async def leftovers(made: Made) -> list[str]:
    """What the clean-up missed (nothing, or the test says what)."""
    checks = {
        "bookings": Booking.exists().where(Booking.product.like(f"%{MARK}%")),
        "requests": FlexibleRequest.exists().where(FlexibleRequest.product.like(f"%{MARK}%")),
        "plans": Plan.exists().where(Plan.created_at >= made.since, Plan.house.code == HOUSE),
        "windows": MaintenanceWindow.exists().where(MaintenanceWindow.reason == REASON),
        "alarms": Alarm.exists().where(Alarm.detail.like("flow test:%")),
        "notices": Notice.exists().where(
            Notice.created_at >= made.since,
            (Notice.business.code == SITI) | (Notice.house.code == HOUSE),
        ),
    }
    return [name for name, query in checks.items() if await query]


class Screen:
    """A browser page of one size, watched from its first navigation: `check` asserts that no
    script or console error and no error answer came, and that nothing scrolls sideways, then
    saves the screenshot `operator-<step>-<width>x<height>.png`."""

    def __init__(self, browser: Browser, server: str, width: int, height: int) -> None:
        self.server, self.size = server, f"{width}x{height}"
        self.page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"script: {error}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _response(self, response: Response) -> None:
        kind = response.request.resource_type
        if response.status >= 400 and kind in ("document", "xhr", "fetch"):
            self.errors.append(f"answer {response.status}: {response.url}")

    def go(self, path: str, ready: str) -> None:
        self.page.goto(self.server + path)
        self.page.wait_for_selector(ready)

    def log_in(self, who: str, target: str) -> None:
        email, password = LOGINS[who]
        self.page.goto(f"{self.server}/login?next={target}")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(f"**{target}")

    def check(self, step: str, focus: str | None = None) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert self.errors == [], f"{step} at {self.size}: {self.errors}"
        assert page.locator("#problem").count() == 0, page.locator("#problem").inner_text()
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{step}: the page scrolls sideways at {self.size}"
        if focus is not None:
            page.locator(focus).first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"operator-{step}-{self.size}.png"))

    def close(self) -> None:
        self.page.context.close()

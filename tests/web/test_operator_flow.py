"""The operator's main flows, tested as a person would (issue #6): in Debian's Chromium at
1366x768 the operator of `batu-bara` logs in, opens the machine timeline's week from the house
menu, runs the optimiser over the waiting requests, reads the proposal drawn beside the current
plan, confirms it and finds the new bookings on the timeline; plans maintenance on one of them and
moves it to the first slot offered; acknowledges an alarm. After every page: no script or console
error, no error answer, nothing scrolls sideways, and a screenshot in test-artifacts/; then the
same pages again at 768x1024.

House `batu-bara`, week +6 after the demo week (operator_flow_support.py); all it makes is
deleted afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser

from sharedfactory.i18n.formats import period
from tests.conftest import LOGINS
from tests.web.operator_flow_support import (
    HOUSE,
    REASON,
    REQUESTS,
    WEEK,
    ZONE,
    Made,
    Screen,
    as_siti,
    ask,
    book_first_kettle_slot,
    booking,
    bookings_of,
    check_the_week_is_free,
    clean,
    leftovers,
    open_alarm,
)
from tests.web.test_house_calendar_pages import in_thread

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

TIMELINE = f"/rumah/{HOUSE}/jadwal"
PLANS = f"/rumah/{HOUSE}/rencana"
CALENDAR = f"/rumah/{HOUSE}/kalender"
ALARMS = f"/rumah/{HOUSE}/alarm"
OPERATOR_EMAIL = LOGINS["operator_batu_bara"][0]
NOTE = "Wajan dicek, sekring diganti"
# What a chart draws, as [kind, code]: a proposal's request code is the second part of its text.
DRAWN = """id => {
  const data = JSON.parse(document.getElementById(id + "-data").textContent);
  return data.items.map(i => [data.series[i[3]].key, i[5] || i[4].split(" · ")[1]]);
}"""


@pytest.fixture(scope="module")
def made(server: str) -> Iterator[Made]:
    made = Made(datetime.now(UTC))
    try:
        in_thread(check_the_week_is_free())
        with as_siti(server) as siti:
            made.booking = book_first_kettle_slot(siti)
            made.requests = [ask(siti, *request) for request in REQUESTS]
        made.alarm = in_thread(open_alarm())
        yield made
    finally:
        in_thread(clean(made))
        assert in_thread(leftovers(made)) == []


def week_of(day: date) -> str:
    return f"{TIMELINE}?hari={day.isoformat()}&tampilan=minggu"


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(ZONE))


def open_the_week(screen: Screen) -> None:
    """From the plan page through the house menu to the timeline, its week view, week +6."""
    page = screen.page
    screen.log_in("operator_batu_bara", PLANS)
    page.click("#timeline-link")
    page.wait_for_url(f"**{TIMELINE}")
    page.click(".tl-nav a[href$='tampilan=minggu']")
    page.wait_for_url("**tampilan=minggu")
    screen.go(week_of(WEEK), "#timeline-chart[data-finished]")
    machines = page.locator(".tl-table").count()
    assert machines >= 6
    assert page.locator("#timeline-chart").get_attribute("data-rows") == str(machines)
    screen.check("timeline-week")


def run_the_optimiser(screen: Screen, made: Made) -> int:
    """The plan's id, once its proposal is shown beside the current plan."""
    page = screen.page
    page.click("#plans-link")
    page.wait_for_url(f"**{PLANS}")
    for code in made.requests:
        assert page.locator(f'#waiting [data-request="{code}"]').is_visible(), code
    page.select_option("#f-limit", "5")
    page.click("#run-form button[type=submit]")
    page.wait_for_url("**/rencana/*")
    page.wait_for_selector("#proposal", timeout=60_000)  # htmx reloads the page when solved
    page.wait_for_selector("#plan-chart[data-finished]")
    drawn = {tuple(item) for item in page.evaluate(DRAWN, "plan-chart")}
    assert ("confirmed", made.booking) in drawn, "the current plan is drawn"
    for code in made.requests:
        assert ("proposal", code) in drawn, code
        assert page.locator(f'#proposal tr[data-request="{code}"]').count() >= 1, code
        assert code in page.locator("#changes-new").inner_text()
    kept = page.locator("#changes-kept").inner_text()  # her booking, and any other there
    assert "pesanan tetap di tempatnya" in kept, kept
    assert int(kept.split()[1]) >= 1, kept
    screen.check("plan-proposal", "#plan-changes")
    return int(page.url.rsplit("/", 1)[1].split("?")[0])


def confirm(screen: Screen, made: Made) -> list[dict[str, Any]]:
    """The bookings made, once the outcome says every request is scheduled."""
    page = screen.page
    page.click(".pl-actions button.pl-primary")
    page.wait_for_selector("#outcome")
    for code in made.requests:
        assert "terjadwal" in page.locator(f'#outcome [data-request="{code}"]').inner_text()
    screen.check("plan-confirmed", "#outcome")
    booked = in_thread(bookings_of(made.requests))
    assert len(booked) == sum(len(steps) for steps, *_rest in REQUESTS)
    assert {b["status"] for b in booked} == {"confirmed"}
    return booked


def see_the_bookings(screen: Screen, booked: list[dict[str, Any]]) -> None:
    screen.go(week_of(WEEK), "#timeline-chart[data-finished]")
    drawn = {tuple(item) for item in screen.page.evaluate(DRAWN, "timeline-chart")}
    for b in booked:
        row = screen.page.locator(f'[data-machine="{b["machine"]}"] tr[data-booking="{b["code"]}"]')
        assert period(b["starts_at"], b["ends_at"], ZONE) in row.inner_text(), b
        assert ("confirmed", b["code"]) in drawn, b
    screen.check("timeline-booked", f'tr[data-booking="{booked[0]["code"]}"]')


def add_maintenance_on(screen: Screen, target: dict[str, Any]) -> int:
    """The new window's id; the page lists the booking it falls on."""
    page = screen.page
    page.click("#calendar-link")
    page.wait_for_url(f"**{CALENDAR}")
    page.select_option("#f-machine", target["machine"])
    for key, moment in (("starts_at", target["starts_at"]), ("ends_at", target["ends_at"])):
        page.fill(f"#window-form input[name={key}_date]", local(moment).date().isoformat())
        page.fill(f"#window-form input[name={key}_time]", f"{local(moment):%H:%M}")
    page.fill("#f-reason", REASON)
    page.click("#window-form button[type=submit]")
    page.wait_for_url("**/kalender?perawatan=*")
    assert (
        period(target["starts_at"], target["ends_at"], ZONE)
        in page.locator("#changed").inner_text()
    )
    return int(page.url.rsplit("=", 1)[1])


def move_by_first_offer(screen: Screen, target: dict[str, Any]) -> tuple[str, datetime]:
    """Where the booking was moved to: (machine, start)."""
    page = screen.page
    entry = page.locator(f'#conflicts [data-booking="{target["code"]}"]')
    assert entry.count() == 1, "the booking under the window is listed"
    offers = entry.locator("form:has(button.wk-move)")
    assert 1 <= offers.count() <= 3
    machine = offers.first.locator("input[name=machine]").get_attribute("value")
    starts = offers.first.locator("input[name=starts]").get_attribute("value")
    assert machine
    assert starts
    assert "Pindahkan ke " in offers.first.locator("button").inner_text()
    screen.check("calendar-conflict", "#conflicts")
    offers.first.locator("button.wk-move").click()
    page.wait_for_url(f"**/kalender/mingguan?dipindah={target['code']}")
    assert target["code"] in page.locator("#saved").inner_text()
    screen.check("weekly-moved", "#saved")
    return machine, datetime.fromisoformat(starts)


def see_it_moved(screen: Screen, target: dict[str, Any], machine: str, starts: datetime) -> date:
    """The booking sits where it was offered, off the window; the day it runs now."""
    now = in_thread(booking(target["code"]))
    assert (now["machine"], now["starts_at"], now["status"]) == (machine, starts, "confirmed")
    ends = starts + (target["ends_at"] - target["starts_at"])
    clear = (
        machine != target["machine"] or ends <= target["starts_at"] or starts >= target["ends_at"]
    )
    assert clear, "the booking left the maintenance window"
    day = local(starts).date()
    screen.page.click("#timeline-link")
    screen.page.wait_for_url(f"**{TIMELINE}")
    screen.go(week_of(day), "#timeline-chart[data-finished]")
    row = screen.page.locator(f'[data-machine="{machine}"] tr[data-booking="{target["code"]}"]')
    assert period(starts, ends, ZONE) in row.inner_text()
    window = screen.page.locator(
        f'[data-machine="{target["machine"]}"] tr[data-kind="maintenance"]'
    )
    assert REASON in " ".join(window.all_inner_texts())
    screen.check("timeline-moved", f'tr[data-booking="{target["code"]}"]')
    return day


def acknowledge(screen: Screen, alarm: int) -> None:
    page = screen.page
    page.click("#alarms-link")
    page.wait_for_url(f"**{ALARMS}")
    item = page.locator(f"#alarm-{alarm}")
    assert "masih terbuka" in item.inner_text()
    item.locator("input[name=note]").fill(NOTE)
    item.locator("button[type=submit]").click()
    page.wait_for_selector(f"#alarm-{alarm} [data-acknowledged]")
    shown = page.locator(f"#alarm-{alarm}").inner_text()
    assert f"Ditanggapi oleh {OPERATOR_EMAIL}" in shown
    assert NOTE in shown
    screen.check("alarms", f"#alarm-{alarm}")


def on_a_tablet(browser: Browser, server: str, pages: list[tuple[str, str, str]]) -> None:
    screen = Screen(browser, server, 768, 1024)
    screen.log_in("operator_batu_bara", TIMELINE)
    for step, path, ready in pages:
        screen.go(path, ready)
        screen.check(step)
    screen.close()


def test_the_operator_plans_confirms_moves_and_acknowledges(server, chromium, made):
    screen = Screen(chromium, server, 1366, 768)
    open_the_week(screen)
    plan = run_the_optimiser(screen, made)
    booked = confirm(screen, made)
    see_the_bookings(screen, booked)
    target = next(b for b in booked if "-kettle-" in b["machine"])
    window = add_maintenance_on(screen, target)
    machine, starts = move_by_first_offer(screen, target)
    day = see_it_moved(screen, target, machine, starts)
    acknowledge(screen, made.alarm)
    screen.close()
    pages = [
        ("timeline-week", week_of(day), "#timeline-chart[data-finished]"),
        ("plan", f"/rencana/{plan}", "#outcome"),
        ("calendar", f"{CALENDAR}?perawatan={window}", "#no-conflicts"),
        ("alarms", ALARMS, f"#alarm-{made.alarm} [data-acknowledged]"),
    ]
    on_a_tablet(chromium, server, pages)

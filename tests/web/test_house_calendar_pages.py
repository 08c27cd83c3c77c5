"""The house calendar page (`/rumah/{house}/kalender`): the house's operator sees the year's
holidays and the machines' maintenance, adds and removes them through the forms (with CSRF),
sees the bookings a change falls on, and gets a message beside the field for bad input; other
roles and other houses' operators get 403. On a 360 px phone the page fits the screen.

House `sleman`, dates in week +8 after the demo week only: the third and fourth open days of
that week (the API tests take the first two)."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities.tables import MaintenanceWindow
from tests.conftest import booking_monday, log_in
from tests.facilities.test_calendar_admin_api import (
    SEALER,
    SRI,
    at,
    insert_booking,
    open_days,
)
from tests.web.test_browser import ARTIFACTS
from tests.web.test_planning_pages import fits, phone

PAGE = "/rumah/sleman/kalender"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def days() -> tuple[date, date]:
    found = (await open_days())[2:4]
    assert len(found) == 2, "week +8 needs four open days"
    assert found[0] >= booking_monday(8)
    return found[0], found[1]


async def token(client, path: str = PAGE) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def send(client, **fields: str):
    data = fields | {"_csrf_token": await token(client)}
    return await client.post(PAGE, data=data, follow_redirects=False)


def window_form(day: date, start: str = "08:00", end: str = "12:00", **more: str) -> dict:
    return {
        "action": "add_window",
        "machine": SEALER,
        "starts_at_date": day.isoformat(),
        "starts_at_time": start,
        "ends_at_date": day.isoformat(),
        "ends_at_time": end,
        "reason": "Servis sabuk",
    } | more


async def test_the_operator_sees_the_years_holidays_and_the_forms(client):
    await log_in(client, "operator_sleman")
    page = await client.get(PAGE, params={"tahun": 2026})
    assert page.status_code == 200, page.text
    assert "<h1>Hari libur dan perawatan</h1>" in page.text
    assert "Hari libur tahun 2026" in page.text
    assert 'data-day="2026-12-25"' in page.text
    assert "Hari Raya Natal" in page.text
    assert "Jumat, 25 Desember 2026" in page.text
    assert "Jadwalkan perawatan" in page.text
    assert "Mulai (WIB)" in page.text
    assert f'<option value="{SEALER}"' in page.text
    assert page.text.count('name="_csrf_token"') >= 3
    english = await client.get(PAGE, params={"tahun": 2026, "lang": "en"})
    assert "Holidays in 2026" in english.text


async def test_the_plan_page_links_to_the_calendar(client):
    await log_in(client, "operator_sleman")
    plans = await client.get("/rumah/sleman/rencana")
    assert f'href="{PAGE}"' in plans.text


async def test_a_holiday_through_the_form_shows_the_bookings_on_it(client):
    day, _other = await days()
    await insert_booking("bk-cal-page-0", at(day, 13), 90, "confirmed")
    await log_in(client, "operator_sleman")
    try:
        added = await send(client, action="add_holiday", day=day.isoformat(), name="Libur uji")
        assert added.status_code == 303, added.text
        location = added.headers["location"]
        assert location == f"{PAGE}?tahun={day.year}&libur={day.isoformat()}"
        shown = await client.get(location)
        assert 'id="changed"' in shown.text
        assert "kini hari libur" in shown.text
        conflicts = shown.text.split('id="conflicts"', 1)[1].split("</ul>", 1)[0]
        assert 'data-booking="bk-cal-page-0"' in conflicts
        assert "13.00–14.30 WIB" in conflicts
        assert f"({SRI})" in conflicts
        assert f'data-day="{day.isoformat()}"' in shown.text
        again = await send(client, action="add_holiday", day=day.isoformat(), name="Lagi")
        assert again.status_code == 409
        assert 'id="error-day"' in again.text
        assert "sudah menjadi hari libur" in again.text
    finally:
        removed = await send(client, action="remove_holiday", day=day.isoformat())
        await Booking.delete().where(Booking.code == "bk-cal-page-0").run()
    assert removed.status_code == 303
    after = await client.get(removed.headers["location"])
    assert "Hari libur dihapus" in after.text
    assert f'data-day="{day.isoformat()}"' not in after.text
    twice = await send(client, action="remove_holiday", day=day.isoformat())
    assert twice.status_code == 404
    assert 'id="problem"' in twice.text


async def test_a_maintenance_window_through_the_form(client):
    _day, day = await days()
    await log_in(client, "operator_sleman")
    added = await send(client, **window_form(day))
    assert added.status_code == 303, added.text
    shown = await client.get(added.headers["location"])
    assert "Kontinu 1 dalam perawatan" in shown.text
    assert f"{day.isoformat()} 08.00–12.00 WIB" in shown.text
    assert 'id="no-conflicts"' in shown.text
    window_id = added.headers["location"].rsplit("=", 1)[1]
    assert f'data-window="{window_id}"' in shown.text
    removed = await send(client, action="remove_window", window=window_id)
    assert removed.status_code == 303
    assert "Jadwal perawatan dihapus" in (await client.get(removed.headers["location"])).text
    assert not await MaintenanceWindow.exists().where(MaintenanceWindow.id == int(window_id))
    assert (await send(client, action="remove_window", window=window_id)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"action": "add_holiday", "day": "", "name": "Libur"}, "day", "2026-12-31"),
        ({"action": "add_holiday", "day": "2027-02-31", "name": "Libur"}, "day", "2026-12-31"),
        ({"action": "add_holiday", "day": "1999-01-04", "name": "Libur"}, "day", "2026-12-31"),
        ({"action": "add_holiday", "day": "2027-02-02", "name": "  "}, "name", "nama hari libur"),
        ({"action": "add_holiday", "day": "2027-02-02", "name": "a\x01"}, "name", "1 sampai 200"),
        ("late", "ends_at", "sesudah waktu mulai"),
        ("long", "ends_at", "14 hari"),
        ("clock", "starts_at", "08:00"),
        ("machine", "machine", "dari daftar"),
        ("reason", "reason", "alasan"),
    ],
)
async def test_bad_input_is_refused_beside_its_field(client, fields, key, message):
    _day, day = await days()
    cases = {
        "late": window_form(day, start="12:00", end="08:00"),
        "long": window_form(day, ends_at_date=(day + timedelta(days=15)).isoformat()),
        "clock": window_form(day, start="25:00"),
        "machine": window_form(day, machine="batu-bara-kettle-1"),
        "reason": window_form(day, reason=" "),
    }
    await log_in(client, "operator_sleman")
    answer = await send(client, **(cases[fields] if isinstance(fields, str) else fields))
    assert answer.status_code == 400, answer.text
    assert f'id="error-{key}"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    beside = answer.text.split(f'id="error-{key}">', 1)[1].split("</p>", 1)[0]
    assert message in beside


async def test_an_unknown_action_and_a_missing_token_are_refused(client):
    await log_in(client, "operator_sleman")
    assert (await send(client, action="drop_tables")).status_code == 400
    no_token = await client.post(PAGE, data={"action": "add_holiday", "day": "2027-02-02"})
    assert no_token.status_code == 403


async def test_only_the_house_operator_or_an_admin_opens_the_page(client):
    await log_in(client, "umkm_sri")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "auditor")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "operator_batu_bara")
    assert (await client.get(PAGE)).status_code == 403
    own_token = await token(client, "/rumah/batu-bara/kalender")
    data = {"action": "add_holiday", "day": "2027-02-02", "name": "x", "_csrf_token": own_token}
    assert (await client.post(PAGE, data=data)).status_code == 403
    await log_in(client, "admin")
    assert (await client.get(PAGE)).status_code == 200
    assert (await client.get("/rumah/atlantis/kalender")).status_code == 404
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")


def in_thread(work):  # type: ignore[no-untyped-def]
    """Playwright's sync API holds this thread's event loop: the database work runs in another."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


@pytest.mark.browser
def test_on_a_phone_the_operator_plans_maintenance(server, chromium):
    _day, day = in_thread(days())
    page = phone(chromium, server, "operator_sleman", PAGE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert fits(page)
    for key, value in window_form(day, start="13:00", end="15:00").items():
        if key == "machine":
            page.select_option("#f-machine", value)
        elif key != "action":
            page.fill(f"#window-form input[name={key}]", value)
    page.click("#window-form button[type=submit]")
    page.wait_for_url("**/kalender?perawatan=*")
    assert page.locator("#changed").is_visible()
    assert "13.00–15.00 WIB" in page.locator("#changed").inner_text()
    assert fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "house-calendar-360x740.png"), full_page=True)
    page.locator(f"[data-window] button[aria-label*='{day.isoformat()} 13.00']").click()
    page.wait_for_url("**/kalender?dihapus=perawatan")
    assert "Jadwal perawatan dihapus" in page.locator("#changed").inner_text()
    assert errors == []
    page.context.close()

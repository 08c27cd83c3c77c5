"""The weekly calendar page (`/rumah/{house}/kalender/mingguan`): the house's operator edits the
opening hours, an operator's shifts and certified machines and adds an operator through small
forms (with CSRF); bad text gets a message beside its day or field and saves nothing; the live
bookings the calendar then refuses are listed with slots and moved in one click (the UMKM gets
the "booking moved" notice); a refused move is said beside the booking. The calendar page's
maintenance form repeats a window every week, all or nothing. Auditors read the page without
forms and every write of theirs is 403; other roles and other houses' operators get 403. On a
360 px phone the page fits.

House `minahasa-selatan` only, week +9 (the clock patched to the Friday before); every test puts
the house's week back (`restored_week`) and deletes its bookings, notices and windows."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from html import unescape

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities import house_calendar
from sharedfactory.facilities.tables import MaintenanceWindow, OpeningHours
from sharedfactory.notices.tables import Notice
from tests.conftest import log_in
from tests.facilities.weekly_support import (
    FRIDAY_BEFORE,
    GRATER,
    HOUSE,
    JOHNY,
    PRESS,
    SEPARATOR,
    at,
    book,
    booked_codes,
    log_in_operator,
    open_days,
    restored_week,
)
from tests.web.test_browser import ARTIFACTS
from tests.web.test_planning_pages import fits, phone

PAGE = f"/rumah/{HOUSE}/kalender/mingguan"
CALENDAR = f"/rumah/{HOUSE}/kalender"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
SEEDED_DAYS = {f"day{d}": "08.00–16.00" for d in range(5)} | {"day5": "08.00–12.00", "day6": ""}
MOVE_FORM = re.compile(
    r'name="booking" value="(?P<booking>[^"]+)"><input type="hidden" name="machine" '
    r'value="(?P<machine>[^"]+)"><input type="hidden" name="starts" value="(?P<starts>[^"]+)"'
)


@pytest.fixture
async def week() -> AsyncIterator[None]:
    async with restored_week():
        yield


@pytest.fixture
def friday_before(monkeypatch):
    monkeypatch.setattr(house_calendar, "now", lambda: FRIDAY_BEFORE)


@pytest.fixture
async def booked() -> AsyncIterator[list[str]]:
    async with booked_codes() as codes:
        yield codes


async def token(client, path: str = PAGE) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def send(client, path: str = PAGE, **fields: str):
    data = fields | {"_csrf_token": await token(client, path)}
    return await client.post(path, data=data, follow_redirects=False)


def beside(html: str, key: str) -> str:
    """The message beside a field (its `error-...` paragraph)."""
    return unescape(html.split(f'id="error-{key}">', 1)[1].split("</p>", 1)[0])


def item(html: str, booking: str) -> str:
    """The refused booking's entry in the list."""
    return unescape(html.split(f'data-booking="{booking}"', 1)[1].split("</li>\n", 1)[0])


async def opening_rows() -> list[dict]:
    return (
        await OpeningHours.select()
        .where(OpeningHours.house.code == HOUSE)
        .order_by(OpeningHours.id)
    )


async def test_the_operator_sees_the_week_the_operators_and_the_forms(client):
    await log_in_operator(client)
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert "<h1>Jam buka dan operator</h1>" in page.text
    assert 'id="hours-form"' in page.text
    assert 'id="f-hours-day0" name="day0" value="08.00–16.00"' in page.text
    assert 'id="f-hours-day6" name="day6" value=""' in page.text
    assert "Senin" in page.text
    assert "Minggu" in page.text
    assert "Johny Wowor" in page.text
    assert f'data-operator="{JOHNY}"' in page.text
    assert f'name="cert-{GRATER}" type="date" value="2025-06-02"' in page.text
    assert page.text.count('name="_csrf_token"') >= 5
    assert 'id="no-refused"' in page.text or 'id="conflicts"' in page.text
    english = await client.get(PAGE, params={"lang": "en"})
    assert "Opening hours and operators" in english.text
    calendar = await client.get(CALENDAR, params={"lang": "id"})
    assert f'href="{PAGE}"' in calendar.text


async def test_narrowed_hours_list_the_booking_and_one_click_moves_it(
    client, week, friday_before, booked
):
    tuesday = (await open_days())[1]
    code = "bk-weekly-page-move"
    await book(booked, code, GRATER, at(tuesday, 14), 1)
    await log_in_operator(client)
    days = SEEDED_DAYS | {f"day{tuesday.weekday()}": "08:00-12:00"}
    saved = await send(client, action="save_hours", **days)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{PAGE}?disimpan=jam#refused"
    shown = await client.get(PAGE, params={"disimpan": "jam"})
    assert "Jam buka disimpan." in shown.text
    assert 'value="08.00–12.00"' in shown.text
    entry = item(shown.text, code)
    assert "di luar jam buka rumah produksi" in entry
    assert f"{tuesday.isoformat()} 14.00–15.00 WITA" in entry
    assert "Pindahkan ke " in entry
    offers = [m.groupdict() for m in MOVE_FORM.finditer(entry)]
    assert 1 <= len(offers) <= 3
    assert all(o["booking"] == code and o["machine"] == GRATER for o in offers)
    chosen = offers[0]
    moved = await send(client, action="move", **chosen)
    assert moved.status_code == 303, moved.text
    assert moved.headers["location"] == f"{PAGE}?dipindah={code}"
    after = await client.get(moved.headers["location"])
    assert f"{code} kini berjalan" in after.text
    assert f'data-booking="{code}"' not in after.text
    row = await Booking.select(Booking.starts_at, Booking.status).where(Booking.code == code)
    assert row[0]["starts_at"] == datetime.fromisoformat(chosen["starts"])
    assert row[0]["status"] == "confirmed"
    told = await Notice.select(Notice.kind).where(Notice.subject.like(f"%{code}%"))
    assert [n["kind"] for n in told] == ["booking_moved"]


async def test_a_refused_move_is_said_beside_the_booking(client, week, friday_before, booked):
    wednesday = (await open_days())[2]
    code = "bk-weekly-page-refused"
    await book(booked, code, PRESS, at(wednesday, 9), 1)
    await log_in_operator(client)
    shifts = {f"day{d}": "08.00–16.00" for d in range(6)} | {f"day{wednesday.weekday()}": ""}
    saved = await send(client, action="save_shifts", operator=JOHNY, **shifts)
    assert saved.status_code == 303, saved.text
    shown = await client.get(saved.headers["location"].split("#")[0])
    assert "Jadwal tugas Johny Wowor disimpan." in shown.text
    assert "tidak ada operator terlatih" in item(shown.text, code)
    # The old time itself is no longer a free slot: the move is refused, nothing changes.
    old = at(wednesday, 9).isoformat()
    refused = await send(client, action="move", booking=code, machine=PRESS, starts=old)
    assert refused.status_code == 409, refused.text
    assert f'id="move-error-{code}"' in item(refused.text, code)
    assert "tidak ada operator terlatih" in item(refused.text, code).split("Tidak dipindahkan:")[1]
    row = await Booking.select(Booking.starts_at).where(Booking.code == code)
    assert row[0]["starts_at"] == at(wednesday, 9)
    tampered = await send(client, action="move", booking=code, machine="sleman-fryer-1", starts=old)
    assert tampered.status_code == 400
    gone = await send(client, action="move", booking="bk-nothing", machine=PRESS, starts=old)
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("day", "text", "message"),
    [
        ("day1", "08.00–25.00", "seperempat jam"),
        ("day2", "pagi", "08.00–16.00, 18.00–20.00"),
        ("day3", "08.00–12.00, 11.00–14.00", "bertumpuk atau bersambung dengan 08.00–12.00"),
        ("day4", "16.00–08.00", "sesudah waktu mulai"),
    ],
)
async def test_a_wrong_day_is_refused_beside_it_and_nothing_is_saved(
    client, week, day, text, message
):
    before = await opening_rows()
    await log_in_operator(client)
    answer = await send(client, action="save_hours", **(SEEDED_DAYS | {day: text}))
    assert answer.status_code == 400, answer.text
    assert message in beside(answer.text, f"hours-{day}")
    assert f'aria-describedby="error-hours-{day}"' in answer.text
    assert f'value="{text}"' in unescape(answer.text)
    assert await opening_rows() == before


async def test_certifications_and_their_mistakes_through_the_form(client, week):
    await log_in_operator(client)
    key = f"certs-{JOHNY}-cert-{GRATER}"
    fields = {f"cert-{GRATER}": "2099-01-01", f"cert-{PRESS}": "kemarin"}
    wrong = await send(client, action="save_certifications", operator=JOHNY, **fields)
    assert wrong.status_code == 400, wrong.text
    assert "tidak boleh di masa depan" in beside(wrong.text, key)
    assert "2026-12-31" in beside(wrong.text, f"certs-{JOHNY}-cert-{PRESS}")
    assert f'data-operator="{JOHNY}" open' in wrong.text
    keep = {f"cert-{GRATER}": "2025-06-02", f"cert-{SEPARATOR}": "2025-06-02"}
    saved = await send(client, action="save_certifications", operator=JOHNY, **keep)
    assert saved.status_code == 303, saved.text
    shown = await client.get(saved.headers["location"].split("#")[0])
    assert "Mesin bersertifikat Johny Wowor disimpan." in shown.text
    assert 'id="uncovered"' in shown.text
    assert "Pemeras Santan 1" in shown.text.split('id="uncovered"', 1)[1].split("</p>", 1)[0]
    nobody = await send(client, action="save_shifts", operator="op-sleman-sri", day0="")
    assert nobody.status_code == 404


async def test_an_operator_is_added_through_the_form(client, week):
    await log_in_operator(client)
    fields = {"code": "op-minsel-rina", "name": "Rina Lumowa", "phone": "0813 4000 4009"}
    added = await send(client, action="add_operator", **fields)
    assert added.status_code == 303, added.text
    shown = await client.get(added.headers["location"])
    assert "Rina Lumowa ditambahkan" in shown.text
    assert 'data-operator="op-minsel-rina" open' in shown.text
    again = await send(client, action="add_operator", **fields)
    assert again.status_code == 409
    assert "sudah dipakai" in beside(again.text, "operator-code")
    wrong = await send(client, action="add_operator", code="Rina", name="R", phone="12")
    assert wrong.status_code == 400
    for field in ("code", "name", "phone"):
        assert f'id="error-operator-{field}"' in wrong.text


async def test_maintenance_repeated_every_week_through_the_calendar_form(
    client, friday_before, booked
):
    tuesday = (await open_days())[1]
    second = tuesday + timedelta(weeks=1)
    await book(booked, "bk-weekly-page-mnt", SEPARATOR, at(second, 13), 1)
    await log_in_operator(client)
    form = {
        "action": "add_window",
        "machine": SEPARATOR,
        "starts_at_date": tuesday.isoformat(),
        "starts_at_time": "13:00",
        "ends_at_date": tuesday.isoformat(),
        "ends_at_time": "15:00",
        "reason": "Servis berkala",
    }
    wrong = await send(client, CALENDAR, **form, repeat_weeks="13")
    assert wrong.status_code == 400
    assert "dari daftar" in beside(wrong.text, "repeat_weeks")
    added = await send(client, CALENDAR, **form, repeat_weeks="2")
    assert added.status_code == 303, added.text
    location = added.headers["location"]
    assert location.endswith("&minggu=2")
    try:
        shown = await client.get(location)
        assert "setiap minggu selama 2 minggu" in shown.text
        entry = item(shown.text, "bk-weekly-page-mnt")
        assert "Pindahkan ke " in entry
        assert f'action="{PAGE}?lang=id"' in entry
        twice = await send(client, CALENDAR, **form, repeat_weeks="2")
        assert twice.status_code == 409
        assert "minggu ke-1 bertumpuk" in beside(twice.text, "starts_at")
    finally:
        await MaintenanceWindow.delete().where(
            MaintenanceWindow.machine.code == SEPARATOR,
            MaintenanceWindow.reason == "Servis berkala",
        )


async def test_auditors_read_without_forms_and_others_are_kept_out(client, week):
    before = await opening_rows()
    await log_in(client, "auditor")
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert 'id="read-only"' in page.text
    assert 'id="hours-form"' not in page.text
    assert "Johny Wowor" in page.text
    data = {"action": "save_hours", "day0": "", "_csrf_token": CSRF.search(page.text).group(1)}
    assert (await client.post(PAGE, data=data)).status_code == 403
    for who in ("umkm_siti", "operator_sleman"):
        await log_in(client, who)
        assert (await client.get(PAGE)).status_code == 403
    own = await token(client, "/rumah/sleman/kalender/mingguan")
    data |= {"_csrf_token": own}
    assert (await client.post(PAGE, data=data)).status_code == 403
    await log_in(client, "admin")
    assert (await client.get(PAGE)).status_code == 200
    assert (await client.get("/rumah/atlantis/kalender/mingguan")).status_code == 404
    no_token = await client.post(PAGE, data={"action": "save_hours", "day0": ""})
    assert no_token.status_code == 403
    assert (await send(client, action="drop_tables")).status_code == 400
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.headers["location"].startswith("/login")
    assert await opening_rows() == before


def in_thread(work):  # type: ignore[no-untyped-def]
    """Playwright's sync API holds this thread's event loop: the database work runs in another."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


@pytest.mark.browser
def test_on_a_phone_the_week_fits_and_a_wrong_day_is_shown_beside_it(server, chromium):
    page = phone(chromium, server, "admin", PAGE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert fits(page)
    page.fill("#f-hours-day1", "08.00–25.00")
    page.click("#hours-form button[type=submit]")
    page.wait_for_selector("#error-hours-day1")
    assert "seperempat jam" in page.locator("#error-hours-day1").inner_text()
    assert fits(page)
    page.locator(f"[data-operator='{JOHNY}'] summary").click()
    assert page.locator(f"[data-operator='{JOHNY}'] [data-form='shifts']").is_visible()
    assert fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "weekly-calendar-360x740.png"), full_page=True)
    assert errors == []
    page.context.close()
    assert len(in_thread(opening_rows())) == 6  # the wrong day saved nothing

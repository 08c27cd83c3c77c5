"""The UMKM's booking pages: search free slots, book through the form (with CSRF), see the booking
in Pesanan saya and cancel it; refusals and bad input answered on the page, never with a 500.

Dates are in the demo week + 4 weeks (other tests use other weeks)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sharedfactory.app import create_app
from tests.conftest import LOGINS, booking_monday, log_in
from tests.support.server import serving_in_thread
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

WEEK = booking_monday(4)
WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = (WEEK + timedelta(days=d) for d in (2, 3, 4, 5))
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
SLOT = re.compile(r'name="slot" value="([^"]+)"')
RUPIAH = re.compile(r"Rp\d{1,3}(\.\d{3})+")


def search(day, last=None, **changes):
    params = {
        "house": "batu-bara",
        "type": "cooking_kettle",
        "duration": "90",
        "unit": "min",
        "from": day.isoformat(),
        "to": (last or day).isoformat(),
        "class": "halal",
        "product": "Pasta cabai",
        "quantity": "10",
    }
    return params | changes


def slot_at(page: str, machine: str, clock: str) -> str:
    return next(v for v in SLOT.findall(page) if v.startswith(machine) and f"T{clock}" in v)


async def book_by_form(client, day, clock: str, machine="batu-bara-kettle-1", **changes):
    page = await client.get("/pesan", params=search(day, **changes))
    assert page.status_code == 200, page.text
    form = search(day, **changes) | {
        "_csrf_token": CSRF.search(page.text).group(1),
        "slot": slot_at(page.text, machine, clock),
    }
    return await client.post("/pesan", data=form, follow_redirects=False)


async def test_search_lists_free_slots_by_day_with_wib_times_and_rupiah_prices(client):
    await log_in(client, "umkm_siti")
    page = await client.get("/pesan", params=search(WEDNESDAY, FRIDAY))
    assert page.status_code == 200
    assert "08.00–09.30 WIB" in page.text
    assert "Wajan Pemasak 1" in page.text
    assert RUPIAH.search(page.text)
    assert page.text.count('<details class="bk-day"') == 3  # Wednesday to Friday
    assert "Pesan</button>" in page.text
    english = await client.get("/pesan", params=search(FRIDAY) | {"lang": "en"})
    assert "Free slots" in english.text
    assert "Book</button>" in english.text
    await client.get("/pesan?lang=id")


async def test_the_form_starts_from_the_umkm_house_and_tomorrow(client):
    await log_in(client, "umkm_siti")
    page = await client.get("/pesan")
    assert page.status_code == 200
    assert '<option value="batu-bara" selected>' in page.text
    assert 'value="Pasta cabai"' in page.text
    assert 'value="pork"' not in page.text  # Batu Bara has no machine for pork
    assert "Bahasa" in page.text
    assert "Cari slot kosong" in page.text
    choices = await client.get("/pesan/pilihan", params={"house": "sleman"})
    assert 'value="vacuum_fryer"' in choices.text


async def test_booking_through_the_form_appears_in_my_bookings(client):
    await log_in(client, "umkm_siti")
    answer = await book_by_form(client, WEDNESDAY, "10:00")
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/pesanan-saya?baru=bk-")
    code = location.split("=", 1)[1]
    mine = await client.get(location)
    assert mine.status_code == 200
    assert 'id="confirmed"' in mine.text
    assert code in mine.text
    row = mine.text.split(f'data-booking="{code}"', 1)[1].split("</li>", 1)[0]
    assert "10.00–11.30 WIB" in row
    assert "Wajan Pemasak 1" in row
    assert "terkonfirmasi" in row
    assert RUPIAH.search(row)
    assert "Batalkan" in row


async def test_a_post_without_the_csrf_token_is_refused(client):
    await log_in(client, "umkm_siti")
    page = await client.get("/pesan", params=search(WEDNESDAY))
    form = search(WEDNESDAY) | {"slot": slot_at(page.text, "batu-bara-kettle-2", "13:00")}
    answer = await client.post("/pesan", data=form, follow_redirects=False)
    assert answer.status_code == 403


async def test_a_refused_booking_names_the_rule_and_offers_alternatives(client):
    await log_in(client, "umkm_siti")
    page = await client.get("/pesan", params=search(THURSDAY))
    form = search(THURSDAY) | {
        "_csrf_token": CSRF.search(page.text).group(1),
        "slot": f"batu-bara-kettle-1|{THURSDAY.isoformat()}T03:00:00+07:00",
    }
    answer = await client.post("/pesan", data=form)
    assert answer.status_code == 409
    assert "di luar jam buka rumah produksi" in answer.text
    assert 'id="alternatives"' in answer.text
    assert len(SLOT.findall(answer.text)) >= 1


async def test_bad_input_is_a_field_error_with_400_not_a_500(client):
    await log_in(client, "umkm_siti")
    bad = search(
        FRIDAY,
        duration="99999999999999999999",
        to="2026-13-45",
        type="nope",
        quantity="1e309",
        house="batu-bara",
    )
    page = await client.get("/pesan", params=bad)
    assert page.status_code == 400
    for key in ("duration", "to", "type", "quantity"):
        assert f'id="error-{key}"' in page.text
    assert "pilih salah satu dari daftar" in page.text
    unknown = await client.get("/pesan", params=search(FRIDAY, house="atlantis"))
    assert unknown.status_code == 400
    assert 'id="error-house"' in unknown.text
    token = CSRF.search(page.text).group(1)
    forged = search(FRIDAY) | {"_csrf_token": token, "slot": "batu-bara-kettle-1|not-a-date"}
    answer = await client.post("/pesan", data=forged)
    assert answer.status_code == 400
    assert 'id="error-slot"' in answer.text


async def test_cancel_from_my_bookings(client):
    await log_in(client, "umkm_siti")
    booked = await book_by_form(client, THURSDAY, "13:30", machine="batu-bara-kettle-2")
    code = booked.headers["location"].split("=", 1)[1]
    mine = await client.get("/pesanan-saya")
    token = CSRF.search(mine.text).group(1)
    answer = await client.post(
        f"/pesanan-saya/{code}/batal", data={"_csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    after = await client.get(answer.headers["location"])
    assert 'id="cancelled"' in after.text
    row = after.text.split(f'data-booking="{code}"', 1)[1].split("</li>", 1)[0]
    assert "dibatalkan" in row
    assert "Batalkan</button>" not in row
    unknown = await client.post("/pesanan-saya/bk-nope/batal", data={"_csrf_token": token})
    assert unknown.status_code == 404


async def test_staff_book_for_a_umkm_and_auditors_may_not(client):
    await log_in(client, "operator_batu_bara")
    answer = await book_by_form(
        client, FRIDAY, "14:00", machine="batu-bara-kettle-2", business="ud-sambal-lado-tanjung"
    )
    assert answer.status_code == 303, answer.text
    await log_in(client, "auditor")
    page = await client.get("/pesan", params=search(FRIDAY))
    assert page.status_code == 200
    assert 'name="slot"' not in page.text
    form = search(FRIDAY) | {"_csrf_token": CSRF.search(page.text).group(1)}
    assert (await client.post("/pesan", data=form)).status_code == 403


async def test_the_booking_pages_need_a_login(client):
    page = await client.get("/pesan", follow_redirects=False)
    assert page.status_code in (302, 303, 307)
    assert page.headers["location"].startswith("/login")


@pytest.fixture(scope="module")
def server(settings, engine):
    """The app under uvicorn in a thread of this process: no second start-up of the imports."""
    app = create_app(settings, connection_pool=False, login_attempts_per_minute=10_000)
    with serving_in_thread(app) as base:
        yield base


@pytest.mark.browser
def test_on_a_360_px_phone_a_umkm_finds_books_and_sees_a_slot(server):
    """Chromium at 360x740: log in, search, book, see it in Pesanan saya, no sideways scroll."""
    assert Path(CHROMIUM).exists(), "install Debian's chromium (make deps) for the browser tests"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server + "/pesan")
        page.wait_for_url("**/login?next=**")
        email, password = LOGINS["umkm_siti"]
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/pesan")
        page.select_option("#f-type", "cooking_kettle")
        page.fill("#f-duration", "90")
        page.fill("#f-from", SATURDAY.isoformat())
        page.fill("#f-to", SATURDAY.isoformat())
        page.get_by_role("button", name="Cari slot kosong").click()
        page.wait_for_selector("#results")
        assert fits(page), "the search results must fit a 360-px screen"
        page.screenshot(path=str(ARTIFACTS / "booking-search-360x740.png"), full_page=True)
        first = page.locator("li.bk-slot").first
        assert "WIB" in first.locator(".bk-time").inner_text()
        assert RUPIAH.search(first.locator(".bk-price").inner_text())
        when = first.locator(".bk-time").inner_text()
        first.get_by_role("button", name="Pesan").click()
        page.wait_for_url("**/pesanan-saya?baru=bk-*")
        banner = page.locator("#confirmed")
        assert when in banner.inner_text()
        assert page.locator("#upcoming .bk-new").is_visible()
        assert fits(page), "Pesanan saya must fit a 360-px screen"
        page.screenshot(path=str(ARTIFACTS / "booking-mine-360x740.png"))
        assert errors == []
        browser.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 360")

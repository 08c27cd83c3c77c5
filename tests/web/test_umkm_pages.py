"""The UMKM's own pages: registration (/daftar), notices (/pemberitahuan), the monthly statement
(/tagihan) and the waitlist (/antrean); each form with CSRF, errors beside the field, and one
UMKM never seeing another's data.

Bookings are in the demo week + 7 only (other tests own the other weeks). That week may lie
beyond the houses' 60-day advance limit today, so the tests that book move the clock of the pages
and the API to two weeks before it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import sync_playwright

from sharedfactory.app import create_app
from sharedfactory.bookings import api as booking_api
from sharedfactory.bookings import changes_api
from sharedfactory.businesses.tables import Business
from sharedfactory.demo.seed import DEFAULT_START
from sharedfactory.i18n.formats import long_date
from sharedfactory.notices.service import notify_business
from sharedfactory.web import booking_pages, waitlist_pages
from tests.businesses.helpers import forget_businesses
from tests.conftest import LOGINS, booking_monday, log_in
from tests.factories import insert_bookings
from tests.support.server import serving_in_thread
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = booking_monday(7)
TUESDAY = MONDAY + timedelta(days=1)
MONTH = MONDAY.strftime("%Y-%m")
CLOCK = datetime.combine(MONDAY - timedelta(days=14), clock(0), UTC)  # "now" for booking tests
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
SITI = "ud-sambal-lado-tanjung"  # umkm_siti, Batu Bara
UCOK = "cabe-giling-mak-ucok"  # another Batu Bara UMKM (no login of its own)
NIB_PREFIX = "8130000"  # the businesses this module registers
NIK = "1219050101850007"
OFFER_SUBJECT = "Slot yang Anda tunggu sudah kosong"
BILLED = {"email": "tagihan.halaman@umkm.example.id", "password": "rahasia-halaman-1"}


def registration(n: int, **changes: str) -> dict[str, str]:
    """A valid /daftar form; `n` keeps NIB and e-mail unique."""
    return {
        "name": f"Keripik Halaman Uji {n}",
        "nib": f"{NIB_PREFIX}{n:06d}",
        "size_class": "mikro",
        "cluster_code": "cabai-batu-bara",
        "owner_name": "Ibu Halaman",
        "phone": "0812-3456-7890",
        "email": f"halaman{n}@umkm.example.id",
        "nik": NIK,
        "npwp": "",
        "password": "rahasia-panjang-1",
        "password2": "rahasia-panjang-1",
        "consent": "yes",
    } | changes


async def token(client, path: str = "/daftar") -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def notice_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-notice="(\d+)"', page)]


@pytest.fixture(scope="module", autouse=True)
async def _forget_registrations(engine):
    yield
    await forget_businesses(Business.nib.like(f"{NIB_PREFIX}%"))


@pytest.fixture
def clock_two_weeks_before():
    """The pages and the booking API see CLOCK as now."""
    with pytest.MonkeyPatch.context() as patch:
        for module in (booking_pages, waitlist_pages, booking_api, changes_api):
            patch.setattr(module, "now", lambda: CLOCK)
        yield


# Registration ------------------------------------------------------------------------------


async def test_the_login_page_links_to_the_registration_form_with_the_consent_text(client):
    login = await client.get("/login")
    assert 'href="/daftar"' in login.text
    page = await client.get("/daftar")
    assert page.status_code == 200
    assert "Daftarkan usaha Anda" in page.text
    assert "Pelindungan Data Pribadi" in page.text  # the consent text is shown, in Indonesian
    assert 'name="consent"' in page.text
    assert CSRF.search(page.text)
    english = await client.get("/daftar", params={"lang": "en"})
    assert "Personal Data Protection" in english.text
    await client.get("/daftar", params={"lang": "id"})


async def test_registration_without_the_csrf_token_is_refused(client):
    answer = await client.post("/daftar", data=registration(1), follow_redirects=False)
    assert answer.status_code == 403
    assert not await Business.exists().where(Business.nib == registration(1)["nib"])


async def test_wrong_fields_get_their_message_beside_them_and_nothing_is_registered(client):
    form = registration(
        2, nib="12345", phone="12", nik="99", password2="something-else", consent=""
    )
    del form["consent"]
    answer = await client.post("/daftar", data=form | {"_csrf_token": await token(client)})
    assert answer.status_code == 400
    for key in ("nib", "phone", "nik", "password2", "consent"):
        assert f'id="error-{key}"' in answer.text, key
    assert "NIB terdiri atas tepat 13 angka" in answer.text
    assert 'id="error-name"' not in answer.text
    assert 'value="Keripik Halaman Uji 2"' in answer.text  # the name is kept
    assert NIK not in answer.text
    assert "99" not in re.findall(r'value="([^"]*)"', answer.text)
    assert not await Business.exists().where(Business.name == "Keripik Halaman Uji 2")


async def test_a_umkm_registers_is_logged_in_and_a_second_nib_is_refused(client):
    form = registration(3, nib=f"{NIB_PREFIX[:4]} {NIB_PREFIX[4:]}000003")  # spaces are typed
    answer = await client.post(
        "/daftar", data=form | {"_csrf_token": await token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/daftar/selesai"
    welcome = await client.get("/daftar/selesai")
    assert "Keripik Halaman Uji 3" in welcome.text
    assert "1219********0007" in welcome.text
    assert NIK not in welcome.text
    me = (await client.get("/api/v1/auth/me")).json()
    assert (me["role"], me["business"]) == ("umkm", "keripik-halaman-uji-3")

    again = registration(4, nib=f"{NIB_PREFIX}000003")
    refused = await client.post("/daftar", data=again | {"_csrf_token": await token(client)})
    assert refused.status_code == 409
    assert 'id="error-nib"' in refused.text
    assert "NIB ini sudah terdaftar" in refused.text


# Notices -----------------------------------------------------------------------------------


async def test_notices_newest_first_unread_highlighted_and_marked_read_with_csrf(client, billed):
    older = datetime.now(UTC) - timedelta(hours=2)
    await notify_business(billed, "test", "Pemberitahuan lama", "Isi lama.", older)
    await notify_business(billed, "test", "Pemberitahuan baru", "Isi baru.", datetime.now(UTC))
    await client.post("/api/v1/auth/login", json=BILLED)
    page = await client.get("/pemberitahuan")
    assert page.status_code == 200
    assert page.text.index("Pemberitahuan baru") < page.text.index("Pemberitahuan lama")
    newest = notice_ids(page.text)[0]
    card = page.text.split(f'data-notice="{newest}"', 1)[1].split("</li>", 1)[0]
    assert "Baru</span>" in card
    assert "Tandai sudah dibaca" in card
    assert f'class="um-item um-unread" id="notice-{newest}"' in page.text
    unread = int((await client.get("/pemberitahuan/jumlah")).text)
    assert unread >= 2

    action = f"/pemberitahuan/{newest}/baca"
    assert (await client.post(action, follow_redirects=False)).status_code == 403  # no token
    done = await client.post(
        action, data={"_csrf_token": CSRF.search(page.text).group(1)}, follow_redirects=False
    )
    assert done.status_code == 303
    after = await client.get("/pemberitahuan")
    assert f'class="um-item" id="notice-{newest}"' in after.text
    assert int((await client.get("/pemberitahuan/jumlah")).text) == unread - 1
    every = await client.post(
        "/pemberitahuan/baca-semua",
        data={"_csrf_token": CSRF.search(after.text).group(1)},
        follow_redirects=False,
    )
    assert every.status_code == 303
    assert (await client.get("/pemberitahuan/jumlah")).text == "0"
    assert "um-item um-unread" not in (await client.get("/pemberitahuan")).text


async def test_the_header_offers_the_unread_badge_to_those_who_have_notices(client):
    home = await client.get("/")
    assert "/static/js/unread.js" not in home.text
    assert 'href="/daftar"' in home.text
    assert (await client.get("/pemberitahuan/jumlah")).text == "0"
    assert (await client.get("/static/js/unread.js")).status_code == 200
    await log_in(client, "umkm_siti")
    home = await client.get("/")
    assert 'data-unread-count="/pemberitahuan/jumlah"' in home.text
    assert 'href="/tagihan"' in home.text
    assert 'href="/antrean"' in home.text
    await log_in(client, "auditor")
    home = await client.get("/")
    assert 'href="/pemberitahuan"' not in home.text
    assert (await client.get("/pemberitahuan/jumlah")).text == "0"
    assert (await client.get("/pemberitahuan")).status_code == 403


async def test_one_umkm_never_sees_or_reads_another_umkms_notices(client):
    subject = "Hanya untuk Siti"
    await notify_business(SITI, "test", subject, "Rahasia Siti.", datetime.now(UTC))
    await log_in(client, "umkm_siti")
    mine = await client.get("/pemberitahuan")
    siti_notice = notice_ids(mine.text)[0]
    await log_in(client, "umkm_sri")
    page = await client.get("/pemberitahuan")
    assert page.status_code == 200
    assert subject not in page.text
    answer = await client.post(
        f"/pemberitahuan/{siti_notice}/baca", data={"_csrf_token": CSRF.search(page.text)[1]}
    )
    assert answer.status_code == 404
    anonymous = await client.post("/api/v1/auth/logout")
    assert anonymous.status_code == 200
    away = await client.get("/pemberitahuan", follow_redirects=False)
    assert away.headers["location"].startswith("/login")


# The monthly statement ---------------------------------------------------------------------


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), WIB)


# code, machine, start, hours, status
LINES = (
    ("bk-hal-completed", "batu-bara-kettle-1", at(MONDAY, 8), 2, "completed"),
    ("bk-hal-noshow", "batu-bara-kettle-1", at(MONDAY, 10), 1.5, "no_show"),
    ("bk-hal-sleman", "sleman-fryer-1", at(MONDAY, 13), 1, "confirmed"),
)


@pytest.fixture
async def billed(client) -> str:
    """A UMKM registered through the page, with bookings written straight into the database."""
    code = "sambal-halaman-uji"
    if await Business.exists().where(Business.code == code):
        return code
    form = registration(9, name="Sambal Halaman Uji", **BILLED, password2=BILLED["password"])
    answer = await client.post(
        "/daftar", data=form | {"_csrf_token": await token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    await insert_bookings(code, LINES)
    return code


async def test_the_statement_page_shows_indonesian_dates_times_and_rupiah(client, billed):
    await client.post("/api/v1/auth/login", json=BILLED)
    page = await client.get("/tagihan", params={"bulan": MONTH})
    assert page.status_code == 200, page.text
    api = (await client.get(f"/api/v1/businesses/{billed}/statement?month={MONTH}")).json()
    row = page.text.split('data-booking="bk-hal-completed"', 1)[1].split("</tr>", 1)[0]
    assert long_date(MONDAY, "id") in row  # e.g. Senin, 25 Januari 2027
    assert "08.00–10.00 WIB" in row
    assert "Wajan Pemasak 1" in row
    assert "Rp85.000" in row  # tariff per hour, and 2 h at 50 % subsidy
    assert "50 %" in row
    noshow = page.text.split('data-booking="bk-hal-noshow"', 1)[1].split("</tr>", 1)[0]
    assert "tidak hadir" in noshow
    assert "ditagih 50 %" in noshow
    assert api["total_text"] in page.text.split('id="total"', 1)[1]
    assert f'value="{MONTH}"' in page.text
    current = await client.get("/tagihan")
    assert f'value="{datetime.now(WIB):%Y-%m}"' in current.text  # this month, house time


async def test_a_bad_month_is_an_error_beside_the_month_field(client, billed):
    await client.post("/api/v1/auth/login", json=BILLED)
    page = await client.get("/tagihan", params={"bulan": "2026-13"})
    assert page.status_code == 400
    assert 'id="error-month"' in page.text
    assert "tulis bulan seperti 2026-12" in page.text


async def test_statement_scope_umkm_own_only_operator_own_house_only(client, billed):
    await log_in(client, "umkm_siti")
    assert (await client.get("/tagihan", params={"usaha": billed})).status_code == 404
    own = await client.get("/tagihan", params={"bulan": MONTH})
    assert "bk-hal-" not in own.text

    await log_in(client, "operator_batu_bara")
    page = await client.get("/tagihan", params={"bulan": MONTH, "usaha": billed})
    assert page.status_code == 200
    assert f'<option value="{billed}" selected>' in page.text
    assert 'data-booking="bk-hal-completed"' in page.text
    assert 'data-booking="bk-hal-sleman"' not in page.text  # another house's line
    await log_in(client, "operator_sleman")
    unknown = await client.get("/tagihan", params={"bulan": MONTH, "usaha": SITI})
    assert unknown.status_code == 400  # Siti never booked in Sleman: not among the choices
    assert 'id="error-business"' in unknown.text
    assert "data-booking=" not in unknown.text
    await log_in(client, "admin")
    everything = await client.get("/tagihan", params={"bulan": MONTH, "usaha": billed})
    assert 'data-booking="bk-hal-sleman"' in everything.text
    assert "Subtotal" in everything.text


# The waitlist ------------------------------------------------------------------------------


def kettle_form(**changes: str) -> dict[str, str]:
    return {
        "house": "batu-bara",
        "type": "cooking_kettle",
        "duration": "90",
        "unit": "min",
        "from": TUESDAY.isoformat(),
        "to": TUESDAY.isoformat(),
        "class": "halal",
        "product": "Pasta cabai",
        "quantity": "10",
    } | changes


SLOT = f"batu-bara-kettle-2|{at(TUESDAY, 10).isoformat()}"


async def _taken_by_ucok(client) -> str:
    await log_in(client, "operator_batu_bara")
    booked = await client.post(
        "/api/v1/bookings",
        json={
            "machine": "batu-bara-kettle-2",
            "starts_at": at(TUESDAY, 10).isoformat(),
            "minutes": 90,
            "product_class": "halal",
            "product": "Cabai giling",
            "quantity": 10,
            "business": UCOK,
        },
    )
    assert booked.status_code == 201, booked.text
    return booked.json()["code"]


async def test_a_taken_slot_is_waited_for_offered_and_accepted(client, clock_two_weeks_before):
    taken = await _taken_by_ucok(client)
    await log_in(client, "umkm_siti")
    search = await client.get("/pesan", params=kettle_form())
    form = kettle_form() | {"_csrf_token": CSRF.search(search.text)[1], "slot": SLOT}
    refused = await client.post("/pesan", data=form)
    assert refused.status_code == 409
    assert 'id="join-waitlist"' in refused.text
    join_form = refused.text.split('id="join-waitlist"', 1)[1].split("</form>", 1)[0]
    join = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', join_form))
    joined = await client.post("/antrean", data=join, follow_redirects=False)
    assert joined.status_code == 303, joined.text
    entry = int(joined.headers["location"].split("=")[1])
    listed = await client.get(joined.headers["location"])
    card = listed.text.split(f'data-entry="{entry}"', 1)[1].split("</li>", 1)[0]
    assert "menunggu" in card
    assert "10.00–11.30 WIB" in card
    assert "Terima" not in card

    await log_in(client, "operator_batu_bara")
    cancelled = await client.post(f"/api/v1/bookings/{taken}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    await log_in(client, "umkm_siti")
    offered = await client.get("/antrean")
    card = offered.text.split(f'data-entry="{entry}"', 1)[1].split("</li>", 1)[0]
    assert "ditawarkan kepada Anda" in card
    assert "Terima dan pesan" in card
    assert OFFER_SUBJECT in (await client.get("/pemberitahuan")).text
    accept = f"/antrean/{entry}/terima"
    assert (await client.post(accept, follow_redirects=False)).status_code == 403  # no token
    done = await client.post(
        accept, data={"_csrf_token": CSRF.search(offered.text)[1]}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/pesanan-saya?baru=bk-")
    mine = await client.get(done.headers["location"])
    assert 'id="confirmed"' in mine.text
    assert "10.00–11.30 WIB" in mine.text


async def test_leaving_the_waitlist_and_another_umkm_cannot_touch_the_entry(client):
    await log_in(client, "umkm_siti")
    wish = {
        "machine": "batu-bara-kettle-1",
        "starts_at": at(TUESDAY, 14).isoformat(),
        "minutes": 60,
        "product_class": "halal",
        "product": "Pasta cabai",
        "quantity": 5,
    }
    entry = (await client.post("/api/v1/waitlist", json=wish)).json()["id"]
    await log_in(client, "umkm_sri")
    page = await client.get("/antrean")
    assert f'data-entry="{entry}"' not in page.text
    for action in ("terima", "keluar"):
        answer = await client.post(
            f"/antrean/{entry}/{action}", data={"_csrf_token": CSRF.search(page.text)[1]}
        )
        assert answer.status_code == 404, action
    await log_in(client, "umkm_siti")
    page = await client.get("/antrean")
    left = await client.post(
        f"/antrean/{entry}/keluar",
        data={"_csrf_token": CSRF.search(page.text)[1]},
        follow_redirects=False,
    )
    assert left.status_code == 303
    after = await client.get(left.headers["location"])
    assert 'id="left"' in after.text
    card = after.text.split(f'data-entry="{entry}"', 1)[1].split("</li>", 1)[0]
    assert "ditarik" in card
    assert "Keluar dari antrean" not in card


# On a phone --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(settings, engine):
    """The app under uvicorn in a thread of this process."""
    app = create_app(
        settings, connection_pool=False, login_attempts_per_minute=10_000, booking_sweep_s=None
    )
    with serving_in_thread(app) as base:
        yield base


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 360")


@pytest.mark.browser
def test_on_a_360_px_phone_a_new_umkm_registers_and_reads_its_notices_and_statement(server):
    assert Path(CHROMIUM).exists(), "install Debian's chromium (make deps) for the browser tests"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server + "/login")
        page.locator("#register-link a").click()
        page.wait_for_url("**/daftar")
        assert fits(page), "the registration form must fit a 360-px screen"
        page.screenshot(path=str(ARTIFACTS / "register-360x740.png"), full_page=True)
        form = registration(20, name="Dodol Ponsel Uji")
        for key in ("name", "nib", "owner_name", "phone", "email", "nik", "password"):
            page.fill(f"#f-{key}", form[key])
        page.fill("#f-password2", form["password2"])
        page.select_option("#f-size_class", "kecil")
        page.select_option("#f-cluster_code", "cabai-batu-bara")
        page.check("input[name=consent]")
        page.get_by_role("button", name="Daftar", exact=True).click()
        page.wait_for_url("**/daftar/selesai")
        assert "1219********0007" in page.locator("#registered ~ .um-facts").inner_text()
        assert fits(page)
        for path, name in (("/pemberitahuan", "notices"), ("/tagihan", "statement")):
            page.goto(server + path)
            assert page.locator("h1").is_visible()
            assert fits(page), f"{path} must fit a 360-px screen"
            page.screenshot(path=str(ARTIFACTS / f"{name}-360x740.png"), full_page=True)
        assert "Total tagihan" in page.locator("#no-lines").inner_text()
        _siti_on_a_phone(page, server)
        assert errors == []
        browser.close()


def _siti_on_a_phone(page, server: str) -> None:
    """A UMKM with bookings: the statement's lines and the waitlist still fit 360 px."""
    page.get_by_role("button", name="Keluar").click()
    page.goto(server + "/login")
    email, password = LOGINS["umkm_siti"]
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url(server + "/")
    page.goto(f"{server}/tagihan?bulan={DEFAULT_START:%Y-%m}")
    assert page.locator("#statement tbody tr").count() >= 1
    assert "WIB" in page.locator("#statement tbody tr").first.inner_text()
    assert fits(page), "the statement's lines must fit a 360-px screen"
    page.screenshot(path=str(ARTIFACTS / "statement-lines-360x740.png"), full_page=True)
    for path, name in (("/antrean", "waitlist"), ("/pemberitahuan", "notices-siti")):
        page.goto(server + path)
        assert fits(page), f"{path} must fit a 360-px screen"
        page.screenshot(path=str(ARTIFACTS / f"{name}-360x740.png"), full_page=False)

"""Flexible requests and optimiser plans as pages: a UMKM asks through the form (with CSRF), the
house operator runs the optimiser, watches its live status, and confirms the proposal; bad input
is a 400 beside its field, never a 500; other roles get 403.

House `sleman`, dates in week +5 after the demo week (other tests use other weeks)."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page

from sharedfactory.bookings import plans
from sharedfactory.bookings.tables import Plan
from tests.conftest import LOGINS, booking_monday, log_in
from tests.web.test_browser import ARTIFACTS

WEEK = booking_monday(5)
TUESDAY, THURSDAY = WEEK + timedelta(days=1), WEEK + timedelta(days=3)
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def form(**changes: str) -> dict[str, str]:
    return {
        "house": "sleman",
        "step1": "vacuum_fryer",
        "step2": "spinner",
        "step3": "",
        "quantity": "18",
        "unit": "kg",
        "class": "halal",
        "product": "Keripik salak uji",
        "earliest_date": TUESDAY.isoformat(),
        "earliest_time": "08:00",
        "deadline_date": THURSDAY.isoformat(),
        "deadline_time": "16:00",
        "priority": "3",
    } | changes


async def token(client, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def ask(client, **changes: str):
    data = form(**changes) | {"_csrf_token": await token(client, "/permintaan?house=sleman")}
    return await client.post("/permintaan", data=data, follow_redirects=False)


def card(page: str, code: str) -> str:
    """The request's card, up to the next card or the end of the list."""
    return re.split(r'data-request="|</ul>', page.split(f'data-request="{code}"', 1)[1])[0]


async def test_a_umkm_asks_through_the_form_and_sees_the_request(client):
    await log_in(client, "umkm_sri")
    page = await client.get("/permintaan")
    assert page.status_code == 200
    assert "Permintaan fleksibel" in page.text
    assert 'href="/permintaan"' in page.text
    assert '<option value="sleman" selected>' in page.text
    assert "Penggoreng vakum (kg)" in page.text
    assert "rendah" in page.text
    answer = await ask(client)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/permintaan?baru=rq-")
    code = location.split("=", 1)[1]
    mine = await client.get(location)
    assert 'id="created"' in mine.text
    shown = card(mine.text, code)
    assert "menunggu" in shown
    assert "Penggoreng vakum" in shown
    assert "Peniris minyak" in shown
    assert "18 kg" in shown
    assert "08.00 WIB" in shown
    assert "tinggi" in shown
    assert "Tarik" in shown
    withdrawn = await client.post(
        f"/permintaan/{code}/tarik", data={"_csrf_token": CSRF.search(mine.text).group(1)}
    )
    assert withdrawn.status_code == 200
    assert "ditarik" in card(withdrawn.text, code)


async def test_bad_input_is_a_400_beside_the_field_never_a_500(client):
    await log_in(client, "umkm_sri")
    bad = await ask(
        client,
        step1="nope",
        step3="spinner\x00",
        quantity="1e309",
        unit="ton",
        deadline_date="2026-13-45",
        earliest_time="25:99",
        priority="9",
        product="x" * 500,
    )
    assert bad.status_code == 400
    for key in ("step1", "step3", "quantity", "unit", "deadline", "earliest", "priority"):
        assert f'id="error-{key}"' in bad.text, key
    assert "pilih salah satu dari daftar" in bad.text
    assert "isi jam seperti 08:00" in bad.text
    late = await ask(client, deadline_date=TUESDAY.isoformat(), deadline_time="07:00")
    assert late.status_code == 400
    assert "harus setelah waktu mulai paling awal" in late.text
    unit = await ask(client, unit="pcs")
    assert unit.status_code == 400
    assert "mesin langkah pertama memakai satuan kg" in unit.text
    english = await client.post(
        "/permintaan?lang=en",
        data=form(house="atlantis") | {"_csrf_token": await token(client, "/permintaan")},
    )
    assert english.status_code == 400
    assert "choose one from the list" in english.text
    empty = await client.post(
        "/permintaan", data={"_csrf_token": await token(client, "/permintaan")}
    )
    assert empty.status_code == 400
    assert 'id="error-product"' in empty.text
    choices = await client.get("/permintaan/pilihan", params={"house": "atlantis\x00"})
    assert choices.status_code == 200
    assert 'name="step1"' in choices.text
    no_token = await client.post("/permintaan", data=form(), follow_redirects=False)
    assert no_token.status_code == 403
    await client.get("/permintaan?lang=id")


async def test_the_operator_runs_the_optimiser_watches_it_and_confirms(client):
    await log_in(client, "umkm_sri")
    code = (await ask(client, product="Keripik salak rencana")).headers["location"].split("=")[1]
    await log_in(client, "operator_sleman")
    house = await client.get("/rumah/sleman/rencana")
    assert house.status_code == 200
    assert "Jalankan optimiser" in house.text
    assert f'data-request="{code}"' in house.text
    assert 'href="/rumah/sleman/rencana"' in house.text
    csrf = CSRF.search(house.text).group(1)
    wrong = await client.post(
        "/rumah/sleman/rencana", data={"_csrf_token": csrf, "time_limit": "7"}
    )
    assert wrong.status_code == 400
    assert 'id="error-time_limit"' in wrong.text
    started = await client.post(
        "/rumah/sleman/rencana",
        data={"_csrf_token": csrf, "time_limit": "5"},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    plan_id = int(started.headers["location"].rsplit("/", 1)[1])
    status = await client.get(f"/rencana/{plan_id}/status", headers={"HX-Request": "true"})
    assert status.status_code == 200
    assert 'id="plan-status"' in status.text
    solving = 'hx-trigger="every 1s"' in status.text
    assert solving or status.headers.get("hx-refresh") == "true"
    assert await plans.wait_for(plan_id) == "proposed"
    done = await client.get(f"/rencana/{plan_id}/status", headers={"HX-Request": "true"})
    assert done.headers.get("hx-refresh") == "true"
    assert "hx-trigger" not in done.text
    page = await client.get(f"/rencana/{plan_id}")
    assert page.status_code == 200
    assert "usulan siap" in page.text
    rows = [r for r in page.text.split("<tr ")[1:] if f'data-request="{code}"' in r]
    assert len(rows) == 2
    assert "Penggoreng Vakum" in rows[0]
    assert "Spinner 1" in rows[1]
    assert re.search(r"\d{2}\.\d{2}–\d{2}\.\d{2} WIB", rows[0])
    assert "Konfirmasi</button>" in page.text
    assert "Buang</button>" in page.text
    confirmed = await client.post(
        f"/rencana/{plan_id}/konfirmasi", data={"_csrf_token": CSRF.search(page.text).group(1)}
    )
    assert confirmed.status_code == 200
    assert 'id="outcome"' in confirmed.text
    assert "terjadwal" in card(confirmed.text, code)
    again = await client.post(
        f"/rencana/{plan_id}/konfirmasi", data={"_csrf_token": CSRF.search(page.text).group(1)}
    )
    assert again.status_code == 409
    await log_in(client, "umkm_sri")
    assert "terjadwal" in card((await client.get("/permintaan")).text, code)


async def test_only_the_house_operator_or_an_admin_sees_the_plans(client):
    await log_in(client, "umkm_sri")
    assert (await client.get("/rumah/sleman/rencana")).status_code == 403
    assert (await client.get("/rencana/1")).status_code == 404
    await log_in(client, "operator_batu_bara")
    assert (await client.get("/rumah/sleman/rencana")).status_code == 403
    assert (await client.get("/permintaan")).status_code == 403
    await log_in(client, "admin")
    assert (await client.get("/rumah/sleman/rencana")).status_code == 200
    assert (await client.get("/rumah/atlantis/rencana")).status_code == 404
    assert (await client.get("/rencana/2000000")).status_code == 404
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get("/permintaan", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")


def phone(browser: Browser, base: str, who: str, target: str) -> Page:
    """A 360x740 phone, logged in as `who`, on `target`."""
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login?next={target}")
    email, password = LOGINS[who]
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{target}")
    return page


def fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 360"))


async def _copy_as_solving(plan_id: int) -> int:
    """A copy of a finished plan that still says `solving` (a solve slow enough to watch)."""
    row = await Plan.select().where(Plan._meta.primary_key == plan_id).first().run()
    assert row is not None
    copy = Plan(house=row["house"], created_at=datetime.now(UTC), problem=row["problem"])
    await copy.save().run()
    return int(copy.id)  # type: ignore[attr-defined]


async def _finish_copy(copy_id: int, plan_id: int) -> None:
    row = await Plan.select(Plan.solution).where(Plan._meta.primary_key == plan_id).first().run()
    assert row is not None
    solution = row["solution"] if isinstance(row["solution"], str) else json.dumps(row["solution"])
    await (
        Plan.update({Plan.status: "proposed", Plan.solution: solution})
        .where(Plan._meta.primary_key == copy_id)
        .run()
    )


def in_thread(work):  # type: ignore[no-untyped-def]
    """Playwright's sync API holds this thread's event loop: the database work runs in another."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def watch_a_solving_plan(page: Page, plan_id: int, base: str) -> None:
    copy_id = in_thread(_copy_as_solving(plan_id))
    page.goto(f"{base}/rencana/{copy_id}")
    status = page.locator("#plan-status")
    assert status.get_attribute("data-status") == "solving"
    assert status.get_attribute("hx-trigger") == "every 1s"
    assert "optimiser sedang bekerja" in status.inner_text()
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "plan-solving-360x740.png"))
    in_thread(_finish_copy(copy_id, plan_id))
    page.wait_for_selector("#proposal", timeout=10_000)  # the poll answers HX-Refresh: reload
    assert page.locator("#plan-status").get_attribute("data-status") == "proposed"
    page.click("text=Buang")
    page.wait_for_selector("#discarded")


@pytest.mark.browser
def test_on_a_phone_the_plan_page_shows_the_live_status_then_the_proposal(server, chromium):
    errors: list[str] = []
    umkm = phone(chromium, server, "umkm_sri", "/permintaan")
    umkm.on("pageerror", lambda error: errors.append(str(error)))
    assert umkm.locator("#f-house").input_value() == "sleman"  # her house, chosen for her
    for key, value in form(product="Keripik salak peramban", priority="2").items():
        if key == "house":
            continue
        if key in ("step1", "step2", "step3", "unit", "class", "priority"):
            umkm.select_option(f"select[name={key}]", value)
        else:
            umkm.fill(f"input[name={key}]", value)
    umkm.click("#request-form button[type=submit]")
    umkm.wait_for_url("**/permintaan?baru=rq-*")
    assert umkm.locator("#created").is_visible()
    assert fits(umkm)
    ARTIFACTS.mkdir(exist_ok=True)
    umkm.screenshot(path=str(ARTIFACTS / "requests-360x740.png"), full_page=True)
    operator = phone(chromium, server, "operator_sleman", "/rumah/sleman/rencana")
    operator.on("pageerror", lambda error: errors.append(str(error)))
    operator.select_option("#f-limit", "5")
    operator.click("#run-form button[type=submit]")
    operator.wait_for_url("**/rencana/*")
    status = operator.locator("#plan-status")
    assert status.is_visible()
    assert "Status rencana" in status.inner_text()
    if status.get_attribute("data-status") == "solving":
        operator.wait_for_selector("#plan-status [data-field=elapsed]", timeout=10_000)
        assert "detik" in status.inner_text()
        assert fits(operator)
        operator.screenshot(path=str(ARTIFACTS / "plan-solving-360x740.png"))
    operator.wait_for_selector("#proposal", timeout=30_000)  # htmx reloads the page when done
    assert operator.locator("#proposal tr[data-request]").count() >= 2
    assert "WIB" in operator.locator("#proposal").inner_text()
    assert fits(operator)
    operator.screenshot(path=str(ARTIFACTS / "plan-proposal-360x740.png"), full_page=True)
    plan_id = int(operator.url.rsplit("/", 1)[1])
    watch_a_solving_plan(operator, plan_id, server)
    operator.goto(f"{server}/rencana/{plan_id}")
    operator.click("text=Konfirmasi")
    operator.wait_for_selector("#outcome")
    assert fits(operator)
    assert errors == []
    operator.context.close()
    umkm.context.close()

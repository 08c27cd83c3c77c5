"""The house timeline page (`/rumah/{house}/jadwal`): a day or a week of every machine as a chart
with the same items in tables, prev/next/today, a booking's details, and moving it through the
form (the rules and the double-booking guard of `changes.move`, refusals beside the field); the
optimiser plan page draws its proposal beside the current plan; scope; in Chromium at 360 and
1366 px the week draws one row per machine with no script error and no sideways scroll.

House `jembrana`, week +9 (tests/bookings/timeline_data.py); the pages' clock is patched to the
Friday before that week, so the 60-day booking limit lets a move reach it."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.web import timeline_pages
from tests.bookings.timeline_data import (
    CODES,
    HOUSE,
    REQUEST,
    ROASTER,
    TUESDAY,
    WEDNESDAY,
    WEEK,
    at,
    insert_rows,
    remove_rows,
    timeline_rows,
)
from tests.conftest import log_in
from tests.web.test_browser import ARTIFACTS
from tests.web.test_planning_pages import fits

PAGE = f"/rumah/{HOUSE}/jadwal"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
CHART = re.compile(r'<script type="application/json" id="([a-z-]+)-data">(.*?)</script>', re.S)
FRIDAY_BEFORE = datetime.combine(WEEK - timedelta(days=3), time(0), UTC)
OPERATOR = ("operator.jembrana@demo.sharedfactory.id", "demo-operator-2026")


@pytest.fixture
async def rows(engine):
    async with timeline_rows() as found:
        yield found


@pytest.fixture
def friday_before(monkeypatch):
    monkeypatch.setattr(timeline_pages, "now", lambda: FRIDAY_BEFORE)


async def operator(client) -> None:
    email, password = OPERATOR
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 201, response.text


def chart(page: str, name: str = "timeline-chart") -> dict:
    found = {key: json.loads(text) for key, text in CHART.findall(page)}
    return found[name]


def table_row(page: str, booking: str) -> str:
    return page.split(f'data-booking="{booking}"', 1)[1].split("</tr>", 1)[0]


async def test_the_week_as_a_chart_and_tables(client, rows, friday_before):
    await operator(client)
    page = await client.get(PAGE, params={"hari": TUESDAY.isoformat(), "tampilan": "minggu"})
    assert page.status_code == 200, page.text
    assert "<h1>Linimasa mesin</h1>" in page.text
    assert "waktu dalam WITA" in page.text
    assert "/static/vendor/echarts/echarts.min.js" in page.text
    data = chart(page.text)
    api = await client.get(
        f"/api/v1/houses/{HOUSE}/timeline",
        params={"from": at(WEEK, 0).isoformat(), "to": at(WEEK + timedelta(7), 0).isoformat()},
    )
    machines = api.json()["machines"]
    assert data["rows"] == [m["name"] for m in machines]
    assert data["zone"] == "WITA"
    assert data["offset"] == 8 * 3_600_000
    assert data["from"] == int(at(WEEK, 0).timestamp() * 1000)
    assert data["now"] is None  # the patched clock is before the week
    kinds = [s["key"] for s in data["series"]]
    texts = {(kinds[i[3]], i[5]): i[4] for i in data["items"]}
    assert "Cokelat Mendoyo" in texts[("confirmed", CODES[0])]
    assert ("pending", CODES[1]) in texts
    assert ("cleaning", CODES[0]) in texts
    assert len(data["items"]) == len(api.json()["items"])
    assert page.text.count('<table class="tl-table"') == len(machines)
    row = table_row(page.text, CODES[0])
    assert f"{TUESDAY.isoformat()} 09.00–11.00 WITA" in row
    assert "Cokelat Mendoyo" in row
    assert f"pesanan={CODES[0]}" in row
    assert 'data-kind="maintenance"' in page.text
    assert "Ganti saringan" in page.text
    assert 'data-kind="run"' in page.text
    assert 'data-kind="proposal"' in page.text
    assert (
        f'id="earlier" href="{PAGE}?hari={(TUESDAY - timedelta(7)).isoformat()}&tampilan=minggu"'
        in page.text
    )
    assert (
        f'id="later" href="{PAGE}?hari={(TUESDAY + timedelta(7)).isoformat()}&tampilan=minggu"'
        in page.text
    )


async def test_the_day_is_the_default_with_the_now_line(client, monkeypatch):
    moment = at(TUESDAY, 10, 30).astimezone(UTC)
    monkeypatch.setattr(timeline_pages, "now", lambda: moment)
    await operator(client)
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    data = chart(page.text)
    assert data["from"] == int(at(TUESDAY, 0).timestamp() * 1000)
    assert data["to"] - data["from"] == 24 * 3_600_000
    assert data["now"] == int(moment.timestamp() * 1000)
    assert 'aria-current="page">Hari<' in page.text
    assert f'id="today" href="{PAGE}?hari={TUESDAY.isoformat()}' in page.text
    english = await client.get(PAGE, params={"lang": "en"})
    assert "<h1>Machine timeline</h1>" in english.text


async def test_a_bookings_details_on_the_page_and_as_a_partial(client, rows, friday_before):
    await operator(client)
    page = await client.get(PAGE, params={"hari": TUESDAY.isoformat(), "pesanan": CODES[0]})
    assert page.status_code == 200, page.text
    detail = page.text.split('id="timeline-detail"', 1)[1]
    assert f'data-booking="{CODES[0]}"' in detail
    assert 'id="move-form"' in detail
    assert f'<option value="{ROASTER}" selected>' in detail
    assert f'value="{TUESDAY.isoformat()}"' in detail
    assert 'value="09:00"' in detail
    partial = await client.get(f"{PAGE}/pesanan/{CODES[0]}", params={"tampilan": "minggu"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'id="move-form"' in partial.text
    assert 'name="tampilan" value="minggu"' in partial.text
    assert (await client.get(f"{PAGE}/pesanan/bk-tidak-ada")).status_code == 404
    await log_in(client, "auditor")
    read = await client.get(f"{PAGE}/pesanan/{CODES[0]}")
    assert read.status_code == 200
    assert "Cokelat Mendoyo" in read.text
    assert 'id="move-form"' not in read.text


async def token(client) -> str:
    page = await client.get(PAGE, params={"hari": TUESDAY.isoformat()})
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def move(client, code: str = CODES[0], **fields: str):
    data = {"hari": TUESDAY.isoformat(), "tampilan": "minggu", "_csrf_token": await token(client)}
    return await client.post(
        f"{PAGE}/pesanan/{code}/pindah", data=data | fields, follow_redirects=False
    )


def beside(page: str, key: str) -> str:
    return page.split(f'id="error-{key}"', 1)[1].split("</p>", 1)[0]


async def test_moving_refused_beside_the_field_then_accepted(client, rows, friday_before):
    await operator(client)
    taken = await move(client, machine=ROASTER, start_date=TUESDAY.isoformat(), start_time="11:30")
    assert taken.status_code == 409, taken.text
    assert "sudah dipesan" in beside(taken.text, "start")  # bk-tl-b from 11.40
    assert 'aria-invalid="true"' in taken.text
    sunday = (WEEK + timedelta(days=6)).isoformat()
    closed = await move(client, machine=ROASTER, start_date=sunday, start_time="09:00")
    assert closed.status_code == 409
    assert "jam buka" in beside(closed.text, "start")
    moved = await move(
        client, machine=ROASTER, start_date=WEDNESDAY.isoformat(), start_time="13:00"
    )
    assert moved.status_code == 303, moved.text
    location = moved.headers["location"]
    assert f"hari={WEDNESDAY.isoformat()}" in location
    assert f"dipindah={CODES[0]}" in location
    shown = await client.get(location)
    assert 'id="moved"' in shown.text
    assert "13.00–15.00 WITA" in shown.text.split('id="moved"', 1)[1].split("</p>", 1)[0]
    row = await Booking.select(Booking.starts_at, Booking.status).where(Booking.code == CODES[0])
    assert row[0]["starts_at"] == at(WEDNESDAY, 13)
    assert row[0]["status"] == "confirmed"
    again = await move(client, machine=ROASTER, start_date=TUESDAY.isoformat(), start_time="09:30")
    assert again.status_code == 409  # ends 11.30: no time for the changeover before bk-tl-b
    assert "pembersihan" in beside(again.text, "start")


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"machine": ROASTER, "start_date": "2027-02-31", "start_time": "09:00"}, "start", "2026"),
        ({"machine": ROASTER, "start_date": "kemarin", "start_time": "09:00"}, "start", "2026"),
        ({"machine": ROASTER, "start_date": "2027-02-10", "start_time": "25:00"}, "start", "08:00"),
        (
            {"machine": "sleman-fryer-1", "start_date": "2027-02-10", "start_time": "09:00"},
            "machine",
            "daftar",
        ),
        ({"start_date": "2027-02-10", "start_time": "09:00"}, "machine", "daftar"),
    ],
)
async def test_bad_input_is_answered_beside_its_field(
    client, rows, friday_before, fields, key, words
):
    await operator(client)
    answer = await move(client, **fields)
    assert answer.status_code == 400, answer.text
    assert words in beside(answer.text, key)
    unchanged = await Booking.select(Booking.starts_at).where(Booking.code == CODES[0])
    assert unchanged[0]["starts_at"] == at(TUESDAY, 9)


async def test_who_may_see_and_move(client, rows):
    await log_in(client, "umkm_sri")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "operator_sleman")
    assert (await client.get(PAGE)).status_code == 403
    own = await client.get("/rumah/sleman/jadwal")
    assert own.status_code == 200
    data = {"machine": ROASTER, "start_date": WEDNESDAY.isoformat(), "start_time": "13:00"}
    csrf = CSRF.search(own.text).group(1)
    other = await client.post(
        f"{PAGE}/pesanan/{CODES[0]}/pindah", data=data | {"_csrf_token": csrf}
    )
    assert other.status_code == 403
    await log_in(client, "auditor")
    assert (await client.get(PAGE)).status_code == 200
    await log_in(client, "admin")
    assert (await client.get(PAGE, params={"tampilan": "minggu"})).status_code == 200
    assert (await client.get("/rumah/atlantis/jadwal")).status_code == 404
    assert (await client.get(PAGE, params={"hari": "2027-13-01"})).status_code == 400
    assert (await client.get(PAGE, params={"tampilan": "bulan"})).status_code == 400
    no_token = await client.post(f"{PAGE}/pesanan/{CODES[0]}/pindah", data=data)
    assert no_token.status_code == 403
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.headers["location"].startswith("/login")


async def test_the_house_pages_link_to_the_timeline(client):
    await operator(client)
    pages = ("/houses/{}/live", "/rumah/{}/kalender", "/rumah/{}/rencana", "/rumah/{}/alarm",
             "/rumah/{}/pembersihan", "/rumah/{}/kalender/mingguan", "/rumah/{}/aturan",
             "/rumah/{}/mesin", "/rumah/{}/jadwal")  # fmt: skip
    for path in (p.format(HOUSE) for p in pages):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert f'href="{PAGE}" id="timeline-link"' in page.text, path
        assert page.text.count('-link" aria-current="page"') == 1, path  # the house menu's own


async def test_the_plan_page_draws_the_proposal_beside_the_current_plan(client, rows):
    await operator(client)
    page = await client.get(f"/rencana/{rows.plan}")
    assert page.status_code == 200, page.text
    data = chart(page.text, "plan-chart")
    kinds = [s["key"] for s in data["series"]]
    shown = {(kinds[i[3]], i[0]) for i in data["items"]}
    roaster = data["rows"].index("Penyangrai Kakao 1")
    assert ("proposal", roaster) in shown
    assert ("confirmed", roaster) in shown  # bk-tl-a, kept where it is
    summary = page.text.split('id="plan-changes"', 1)[1].split("</section>", 1)[0]
    assert REQUEST in summary
    assert "rq-tl-2" in page.text.split('id="unserved"', 1)[1]  # the list of reasons stays
    assert "no roaster window before its deadline" in page.text


# Where a booking's bar is on the screen: ECharts' own pixel for its middle, a little above the
# row's centre line (bookings are drawn in the upper part of the row, runs below).
BAR_OF = """code => {
  const box = document.getElementById("timeline-chart");
  const data = JSON.parse(document.getElementById("timeline-chart-data").textContent);
  const item = data.items.find(i => i[5] === code && data.series[i[3]].lane === "main"
                                    && data.series[i[3]].key !== "cleaning");
  const at = echarts.getInstanceByDom(box).convertToPixel(
    {gridIndex: 0}, [(item[1] + item[2]) / 2 + data.offset, item[0]]);
  const frame = box.getBoundingClientRect();
  return [frame.left + at[0], frame.top + at[1] - 4];
}"""


# The texts the chart drew (the canvas has no DOM to read): zrender's display list, which is
# what its painter painted, row labels and axis labels among them.
DRAWN_TEXTS = """() => echarts.getInstanceByDom(document.getElementById("timeline-chart"))
  .getZr().storage.getDisplayList().map(el => el.style && el.style.text).filter(Boolean)"""


def in_thread(work):  # type: ignore[no-untyped-def]
    """Playwright's sync API holds this thread's event loop: the database work runs in another."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def opened(browser, server: str, width: int):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/login?next={PAGE}")
    page.fill("#email", OPERATOR[0])
    page.fill("#password", OPERATOR[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"**{PAGE}")
    page.goto(f"{server}{PAGE}?hari={TUESDAY.isoformat()}&tampilan=minggu")
    page.wait_for_selector("#timeline-chart[data-finished]")
    return page, errors


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1366])
def test_the_week_draws_one_row_per_machine(server, chromium, width):
    rows = in_thread(insert_rows())
    try:
        page, errors = opened(chromium, server, width)
        machines = page.locator(".tl-table caption").all_inner_texts()
        drawn = page.evaluate(DRAWN_TEXTS)
        names = [m.split(" · ")[0].strip() for m in machines]
        assert page.locator("#timeline-chart").get_attribute("data-rows") == str(len(names))
        for name in names:
            assert any(name[:6] in text for text in drawn), f"no row label for {name}"
        assert any("WITA" in text for text in drawn), "the time axis is in the house's clock"
        assert page.evaluate(f"document.documentElement.scrollWidth <= {width}")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"timeline-week-{width}.png"), full_page=True)
        if width == 1366:  # a click on the booking's bar opens its details beside the chart
            page.mouse.click(*page.evaluate(BAR_OF, CODES[0]))
            page.wait_for_selector("#timeline-detail #move-form")
            assert "Cokelat Mendoyo" in page.locator("#timeline-detail").inner_text()
            assert "pesanan=" not in page.url  # swapped in by htmx, not a new page
        else:
            assert fits(page)
        assert errors == []
        page.context.close()
    finally:
        in_thread(remove_rows(rows))

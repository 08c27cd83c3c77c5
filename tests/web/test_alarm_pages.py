"""The operator's alarm page (`/rumah/{house}/alarm`, issue #6): the list in Indonesian (kind in
words, value against its limit, booking, since when in WIB, how long, open or closed, who
acknowledged and the note), its filters, the acknowledge form (CSRF, the message beside the
field, htmx swapping the row, and without JavaScript a redirect back), who may see and use it,
and the live board's count of unacknowledged alarms linking here. On a 360 px phone Chromium
acknowledges an alarm and nothing overflows.

Alarms here: house `batu-bara` only (tests/devices/test_alarm_api.py's helpers), deleted after."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from sharedfactory.audit.chain import verify
from sharedfactory.devices.tables import Alarm
from tests.conftest import LOGINS, log_in
from tests.devices.test_alarm_api import Seeded, delete_test_alarms, events_of, seed_alarms
from tests.web.test_browser import ARTIFACTS
from tests.web.test_house_calendar_pages import in_thread
from tests.web.test_planning_pages import fits, phone

PAGE = "/rumah/batu-bara/alarm"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def alarms(engine) -> AsyncIterator[Seeded]:
    seeded = await seed_alarms()
    yield seeded
    await delete_test_alarms()


def row(html: str, alarm_id: int) -> str:
    """One alarm's `<li>` of a page."""
    start = html.index(f'id="alarm-{alarm_id}"')
    return html[start : html.index("</li>", start)]


async def token(client) -> str:
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def acknowledge(client, alarm_id: int, note: str, query: str = "", **headers: str):
    data = {"note": note, "_csrf_token": await token(client)}
    url = f"{PAGE}/{alarm_id}{query}"
    return await client.post(url, data=data, headers=headers, follow_redirects=False)


async def test_the_list_says_what_where_since_when_and_who(client, alarms):
    await log_in(client, "operator_batu_bara")
    page = await client.get(PAGE, params={"state": "all"})
    assert page.status_code == 200, page.text
    assert "<h1>Alarm</h1>" in page.text
    excursion = row(page.text, alarms.excursion)
    assert "Retort 1" in excursion
    assert "Di luar batas mutu" in excursion
    assert "f0 2,1 min · batas ≥ 3 min" in excursion
    assert "Sterilisasi komersial F0 &gt;= 3,0 menit" in excursion
    assert "bk-at-1" in excursion
    assert "sejak 2024-03-04 08.00 WIB" in excursion
    assert "masih terbuka" in excursion
    assert 'name="note"' in excursion
    offline = row(page.text, alarms.offline)
    assert "Luring" in offline
    assert "1 jam 15 menit" in offline  # 08.20 to 09.35
    assert "selesai 2024-03-04 09.35 WIB" in offline
    seen = row(page.text, alarms.seen)
    assert "Gangguan" in seen
    assert "Ditanggapi oleh operator.batu-bara@demo.sharedfactory.id" in seen
    assert "sudah diperbaiki" in seen
    assert 'name="note"' not in seen
    english = await client.get(PAGE, params={"state": "all", "lang": "en"})
    assert "Outside the quality limit" in row(english.text, alarms.excursion)


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({}, ["excursion", "fault"], ["offline", "seen"]),
        ({"state": "unacknowledged"}, ["excursion", "fault", "offline"], ["seen"]),
        ({"state": "all", "kind": "fault"}, ["fault", "seen"], ["excursion", "offline"]),
        ({"state": "nonsense", "kind": ""}, ["excursion", "fault"], ["offline", "seen"]),
    ],
)
async def test_filters(client, alarms, params, shown, hidden):
    await log_in(client, "operator_batu_bara")
    page = await client.get(PAGE, params=params)
    assert page.status_code == 200, page.text
    for name in shown:
        assert f'id="alarm-{getattr(alarms, name)}"' in page.text, name
    for name in hidden:
        assert f'id="alarm-{getattr(alarms, name)}"' not in page.text, name


async def test_without_javascript_the_form_acknowledges_and_comes_back(client, alarms):
    await log_in(client, "operator_batu_bara")
    done = await acknowledge(client, alarms.fault, " Sabuk diganti ", "?state=unacknowledged")
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert location.startswith(f"{PAGE}?state=unacknowledged&lang=id&ditanggapi={alarms.fault}")
    back = await client.get(location)
    assert 'id="acknowledged"' in back.text
    assert f'id="alarm-{alarms.fault}"' not in back.text  # no longer unacknowledged
    stored = await Alarm.select().where(Alarm._meta.primary_key == alarms.fault).first()
    assert (stored["note"], stored["acknowledged_by"]) == (
        "Sabuk diganti",
        LOGINS["operator_batu_bara"][0],
    )
    assert len(await events_of(alarms, alarms.fault)) == 1
    assert (await verify()).ok


async def test_a_bad_note_shows_the_message_beside_the_field(client, alarms):
    await log_in(client, "operator_batu_bara")
    short = await acknowledge(client, alarms.excursion, "  o ")
    assert short.status_code == 400
    form = row(short.text, alarms.excursion)
    assert 'aria-invalid="true"' in form
    assert f'id="error-note-{alarms.excursion}"' in form
    assert "tulis minimal 3 karakter" in form
    assert 'value="  o "' in form  # what was typed stays
    stored = await Alarm.select(Alarm.acknowledged_ms).where(
        Alarm._meta.primary_key == alarms.excursion
    )
    assert stored[0]["acknowledged_ms"] is None


async def test_with_htmx_the_answer_is_the_row(client, alarms):
    await log_in(client, "admin")
    bad = await acknowledge(client, alarms.offline, "x" * 501, **{"HX-Request": "true"})
    assert bad.status_code == 400
    assert bad.text.lstrip().startswith("<li")
    assert "<html" not in bad.text
    assert "paling banyak 500 karakter" in bad.text
    good = await acknowledge(
        client, alarms.offline, "Kabel jaringan dipasang lagi", **{"HX-Request": "true"}
    )
    assert good.status_code == 200, good.text
    assert good.text.lstrip().startswith("<li")
    assert "al-new" in good.text
    assert "Ditanggapi oleh admin@demo.sharedfactory.id" in good.text
    again = await acknowledge(client, alarms.offline, "sekali lagi", **{"HX-Request": "true"})
    assert again.status_code == 409
    assert "sudah ditanggapi orang lain" in again.text
    assert "Ditanggapi oleh admin@demo.sharedfactory.id" in again.text


async def test_an_alarm_of_another_house_is_not_found_here(client, alarms):
    await log_in(client, "operator_sleman")
    answer = await client.post(
        f"/rumah/sleman/alarm/{alarms.fault}",
        data={
            "note": "bukan di sini",
            "_csrf_token": CSRF.search((await client.get("/rumah/sleman/alarm")).text).group(1),
        },
    )
    assert answer.status_code == 404
    assert 'id="problem"' in answer.text
    assert await events_of(alarms, alarms.fault) == []


async def test_a_form_without_its_csrf_token_is_refused(client, alarms):
    await log_in(client, "operator_batu_bara")
    answer = await client.post(f"{PAGE}/{alarms.fault}", data={"note": "tanpa token"})
    assert answer.status_code == 403
    stored = await Alarm.select(Alarm.acknowledged_ms).where(
        Alarm._meta.primary_key == alarms.fault
    )
    assert stored[0]["acknowledged_ms"] is None


@pytest.mark.parametrize(
    ("who", "status", "forms"),
    [
        ("auditor", 200, False),
        ("admin", 200, True),
        ("umkm_siti", 403, False),
        ("operator_sleman", 403, False),
    ],
)
async def test_who_sees_the_page_and_its_forms(client, alarms, who, status, forms):
    await log_in(client, who)
    page = await client.get(PAGE)
    assert page.status_code == status
    assert ('name="note"' in page.text) is forms


async def test_unknown_house_and_anonymous(client):
    await log_in(client, "admin")
    assert (await client.get("/rumah/atlantis/alarm")).status_code == 404
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")


async def test_the_live_board_counts_unacknowledged_alarms_and_links_here(client, alarms):
    await log_in(client, "operator_batu_bara")
    before = await client.get("/houses/batu-bara/live/board")
    count = int(re.search(r'data-unacknowledged="(\d+)"', before.text).group(1))
    assert count >= 3  # this test's excursion, fault and offline
    assert f'href="{PAGE}?state=unacknowledged&amp;lang=id"' in before.text
    assert "alarm belum ditanggapi" in before.text
    await acknowledge(client, alarms.excursion, "Dicek, suhu naik lagi")
    after = await client.get("/houses/batu-bara/live")
    assert f'data-unacknowledged="{count - 1}"' in after.text


@pytest.mark.browser
def test_on_a_phone_the_operator_acknowledges_an_alarm(server, chromium):
    alarms = in_thread(seed_alarms())
    try:
        page = phone(chromium, server, "operator_batu_bara", "/houses/batu-bara/live")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.click(".alarm-summary a")
        page.wait_for_url("**/rumah/batu-bara/alarm?state=unacknowledged*")
        assert fits(page)
        listed = page.url
        item = page.locator(f"#alarm-{alarms.excursion}")
        item.locator("input[name=note]").fill("ab ")
        item.locator("button[type=submit]").click()
        page.wait_for_selector(f"#error-note-{alarms.excursion}")
        assert "minimal 3 karakter" in page.locator(f"#error-note-{alarms.excursion}").inner_text()
        assert page.url == listed  # htmx swapped the row: no page was loaded
        page.locator(f"#alarm-{alarms.excursion} input[name=note]").fill("Suhu retort dinaikkan")
        page.locator(f"#alarm-{alarms.excursion} button[type=submit]").click()
        page.wait_for_selector(f"#alarm-{alarms.excursion} [data-acknowledged]")
        acknowledged = page.locator(f"#alarm-{alarms.excursion}").inner_text()
        assert "Ditanggapi oleh operator.batu-bara@demo.sharedfactory.id" in acknowledged
        assert "Suhu retort dinaikkan" in acknowledged
        assert fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "alarms-360x740.png"), full_page=True)
        assert errors == []
        page.context.close()
    finally:
        in_thread(delete_test_alarms())

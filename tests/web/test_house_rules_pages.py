"""The house rules page (`/rumah/{house}/aturan`): the house's operator edits the rule set, a
machine's own rules, the subsidy tiers and the trainings through small forms (with CSRF); the
slot search follows a change at once; bad input gets a message beside its field and saves
nothing; other roles and other houses' operators get 403. On a 360 px phone the page fits.

House `minahasa-selatan` only (other tests lean on the other houses' rules); every test puts its
rules, machines' rules, tiers, trainings and machines back as they were."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.sync_api import sync_playwright

from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.tables import BookingRules, TariffTier, Training
from sharedfactory.facilities.tables import House, Machine
from tests.conftest import booking_monday, log_in
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.web.test_planning_pages import fits, phone

HOUSE = "minahasa-selatan"
PAGE = f"/rumah/{HOUSE}/aturan"
GRATER = "minahasa-selatan-grater-1"
VCO = "vco-nyiur-amurang"  # a UMKM of the Minahasa Selatan cluster
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
OPERATOR = ("operator.minahasa-selatan@demo.sharedfactory.id", "demo-operator-2026")


async def log_in_operator(client) -> None:
    email, password = OPERATOR
    answer = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 201, answer.text


@asynccontextmanager
async def restored() -> AsyncIterator[None]:
    """Whatever a test changes in the house's rules, tiers, trainings and machines goes back."""
    house = await House.select(House.id, House.cluster).where(House.code == HOUSE).first()
    rules = await BookingRules.select().where(BookingRules.house == house["id"])
    tiers = await TariffTier.select().where(TariffTier.house == house["id"])
    trained = [r["id"] for r in await Training.select(Training.id)]
    machines = await Machine.select(Machine.id, Machine.needs_operator).where(
        Machine.house == house["id"]
    )
    try:
        yield
    finally:
        await BookingRules.delete().where(BookingRules.house == house["id"])
        await BookingRules.insert(*(BookingRules(**_without_id(r)) for r in rules))
        await TariffTier.delete().where(TariffTier.house == house["id"])
        await TariffTier.insert(*(TariffTier(**_without_id(r)) for r in tiers))
        await Training.delete().where(Training.id.not_in(trained))
        for machine in machines:
            await Machine.update({Machine.needs_operator: machine["needs_operator"]}).where(
                Machine.id == machine["id"]
            )
        forget_cached_facts()


def _without_id(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


async def token(client) -> str:
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def send(client, **fields: str):
    data = fields | {"_csrf_token": await token(client)}
    return await client.post(PAGE, data=data, follow_redirects=False)


async def shown_rules(client) -> dict:
    answer = await client.get(f"/api/v1/houses/{HOUSE}/rules")
    assert answer.status_code == 200, answer.text
    return answer.json()


def as_form(rules: dict, **change: str) -> dict[str, str]:
    text = {k: "" if v is None else str(v) for k, v in rules.items()}
    return text | change


def beside(text: str, key: str) -> str:
    return text.split(f'id="error-{key}">', 1)[1].split("</p>", 1)[0]


async def slots(client, minutes: int) -> list:
    monday = booking_monday(3)
    params = {
        "machine_type": "coconut_grater",
        "minutes": minutes,
        "from": f"{monday.isoformat()}T00:00:00+08:00",
        "to": f"{monday.isoformat()}T23:59:00+08:00",
    }
    answer = await client.get(f"/api/v1/houses/{HOUSE}/slots", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_operator_edits_the_house_rules_and_sees_them(client):
    await log_in_operator(client)
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert "<h1>Aturan pemesanan</h1>" in page.text
    assert "Jalankan pengoptimal setiap hari pukul" in page.text
    assert 'id="f-buffer_minutes"' in page.text
    assert page.text.count('name="_csrf_token"') >= 3
    assert "Every machine" not in page.text
    assert "Booking rules" in (await client.get(PAGE, params={"lang": "en"})).text
    before = (await shown_rules(client))["rules"]
    async with restored():
        change = {"buffer_minutes": "20", "weekly_quota_hours": "12", "plan_daily_at": "07:30"}
        saved = await send(client, action="save_rules", **as_form(before, **change))
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"] == f"{PAGE}?disimpan=aturan"
        shown = await client.get(saved.headers["location"])
        assert 'id="saved"' in shown.text
        assert re.search(r'id="f-buffer_minutes"[^>]*value="20"', shown.text)
        assert re.search(r'id="f-plan_daily_at"[^>]*value="07:30"', shown.text)
        after = (await shown_rules(client))["rules"]
        assert after == before | {"buffer_minutes": 20, "weekly_quota_hours": 12} | {
            "plan_daily_at": "07:30"
        }
        no_quota = await send(client, action="save_rules", **as_form(after, weekly_quota_hours=""))
        assert no_quota.status_code == 303
        assert (await shown_rules(client))["rules"]["weekly_quota_hours"] is None
    assert (await shown_rules(client))["rules"] == before


async def test_the_plan_page_links_to_the_rules(client):
    await log_in_operator(client)
    plans = await client.get(f"/rumah/{HOUSE}/rencana")
    assert f'href="{PAGE}"' in plans.text


async def test_the_slot_search_follows_a_changed_rule_at_once(client):
    await log_in(client, "admin")
    before = (await shown_rules(client))["rules"]
    assert await slots(client, 120)
    async with restored():
        short = as_form(before, max_duration_minutes="60")
        assert (await send(client, action="save_rules", **short)).status_code == 303
        assert await slots(client, 120) == []
        assert await slots(client, 60)
        back = await send(client, action="save_rules", **as_form(before))
        assert back.status_code == 303
        assert await slots(client, 120)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            {"min_duration_minutes": "120", "max_duration_minutes": "60"},
            "max_duration_minutes",
            "paling singkat",
        ),
        ({"weekly_quota_hours": "0"}, "weekly_quota_hours", "1 sampai 168"),
        ({"plan_daily_at": "25:00"}, "plan_daily_at", "07:30"),
        ({"buffer_minutes": "lima"}, "buffer_minutes", "0 sampai 1440"),
        ({"max_advance_days": ""}, "max_advance_days", "1 sampai 730"),
    ],
)
async def test_bad_rules_are_refused_beside_their_field_and_nothing_is_saved(
    client, change, key, message
):
    await log_in_operator(client)
    before = await shown_rules(client)
    async with restored():
        answer = await send(client, action="save_rules", **as_form(before["rules"], **change))
        assert answer.status_code == 400, answer.text
        assert 'aria-invalid="true"' in answer.text
        assert message in beside(answer.text, key)
        assert re.search(rf'id="f-{key}"[^>]*value="{re.escape(change[key])}"', answer.text)
        assert await shown_rules(client) == before


async def test_a_missing_token_an_unknown_action_and_an_unknown_house(client):
    await log_in_operator(client)
    no_token = await client.post(PAGE, data={"action": "save_rules", "buffer_minutes": "5"})
    assert no_token.status_code == 403
    assert (await send(client, action="drop_tables")).status_code == 400
    await log_in(client, "admin")
    assert (await client.get("/rumah/atlantis/aturan")).status_code == 404


async def test_only_the_house_operator_or_an_admin_opens_the_page(client):
    await log_in(client, "umkm_siti")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "auditor")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "operator_batu_bara")
    assert (await client.get(PAGE)).status_code == 403
    own = await client.get("/rumah/batu-bara/aturan")
    assert own.status_code == 200
    data = {"action": "save_tiers", "mikro": "100", "kecil": "100", "menengah": "100"}
    data["_csrf_token"] = CSRF.search(own.text).group(1)
    assert (await client.post(PAGE, data=data)).status_code == 403
    await log_in(client, "admin")
    assert (await client.get(PAGE)).status_code == 200
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")


async def test_a_machine_gets_its_own_rules_and_drops_them(client):
    await log_in_operator(client)
    house = (await shown_rules(client))["rules"]
    async with restored():
        own = as_form(house, max_duration_minutes="90")
        own.pop("plan_daily_at")
        saved = await send(client, action="save_machine", machine=GRATER, **own)
        assert saved.status_code == 303, saved.text
        shown = await client.get(saved.headers["location"])
        assert f'data-machine="{GRATER}"' in shown.text
        assert "Pemarut Kelapa 1 kini punya aturan sendiri" in shown.text
        machine = (await client.get(f"/api/v1/machines/{GRATER}/rules")).json()
        assert (machine["own"], machine["rules"]["max_duration_minutes"]) == (True, 90)
        assert await slots(client, 120) == []
        wrong = await send(client, action="save_machine", machine="batu-bara-kettle-1", **own)
        assert wrong.status_code == 400
        assert "dari daftar" in beside(wrong.text, "machine-machine")
        dropped = await send(client, action="drop_machine", machine=GRATER)
        assert dropped.status_code == 303
        shown = await client.get(dropped.headers["location"])
        assert f'data-machine="{GRATER}"' not in shown.text
        assert "mengikuti aturan rumah lagi" in shown.text
        assert (await client.get(f"/api/v1/machines/{GRATER}/rules")).json()["own"] is False
        assert await slots(client, 120)
        assert (await send(client, action="drop_machine", machine=GRATER)).status_code == 404


async def test_the_tiers_with_an_example_price(client):
    await log_in_operator(client)
    page = await client.get(PAGE)
    example = page.text.split('id="tier-example"', 1)[1].split("</div>", 1)[0]
    assert "Penggoreng Abon Babi 1" in example  # the first machine: Rp60.000 an hour
    assert "Rp30.000" in example  # mikro, 50 % off
    async with restored():
        tiers = {"mikro": "60", "kecil": "30", "menengah": "10"}
        saved = await send(client, action="save_tiers", **tiers)
        assert saved.status_code == 303, saved.text
        answer = await client.get(f"/api/v1/houses/{HOUSE}/tariff-tiers")
        assert answer.json() == {"house": HOUSE, "mikro": 60, "kecil": 30, "menengah": 10}
        shown = await client.get(saved.headers["location"])
        example = shown.text.split('id="tier-example"', 1)[1].split("</div>", 1)[0]
        prices = re.findall(r"<strong>(Rp[0-9.]+)</strong>", example)
        assert prices == ["Rp24.000", "Rp42.000", "Rp54.000"]
        bad = await send(client, action="save_tiers", **tiers | {"kecil": "101"})
        assert bad.status_code == 400
        assert "0 sampai 100" in beside(bad.text, "kecil")
        assert (await client.get(f"/api/v1/houses/{HOUSE}/tariff-tiers")).json() == answer.json()


async def test_a_training_is_recorded_on_a_self_run_machine_type(client):
    await log_in_operator(client)
    page = await client.get(PAGE)
    assert 'id="no-self-run"' in page.text  # every machine of the demo house is operator-run
    async with restored():
        await Machine.update({Machine.needs_operator: False}).where(Machine.code == GRATER)
        forget_cached_facts()
        page = await client.get(PAGE)
        assert '<option value="coconut_grater"' in page.text
        assert f'<option value="{VCO}"' in page.text
        assert '<option value="keripik-salak-pondoh-bu-sri"' not in page.text  # other cluster
        wish = {"business": VCO, "machine_type": "coconut_grater", "trained_on": "2026-11-02"}
        saved = await send(client, action="add_training", **wish)
        assert saved.status_code == 303, saved.text
        shown = await client.get(saved.headers["location"])
        assert f'data-training="{VCO}/coconut_grater"' in shown.text
        listed = (await client.get(f"/api/v1/businesses/{VCO}/trainings")).json()
        assert {"business": VCO, **wish} in [t | {"business": VCO} for t in listed]
        again = await send(client, action="add_training", **wish)
        assert again.status_code == 409
        assert "sudah dicatat" in beside(again.text, "machine_type")
        other = wish | {"business": "keripik-salak-pondoh-bu-sri", "trained_on": "1999-01-01"}
        refused = await send(client, action="add_training", **other)
        assert refused.status_code == 400
        assert "dari daftar" in beside(refused.text, "business")
        assert "2026-12-31" in beside(refused.text, "trained_on")
    assert not await Training.exists().where(Training.business.code == VCO)


@pytest.mark.browser
def test_on_a_phone_the_rules_fit_and_a_bad_value_is_told(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = phone(browser, server, "admin", PAGE)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        assert fits(page)
        page.fill("#f-min_duration_minutes", "120")
        page.fill("#f-max_duration_minutes", "60")
        page.click("#rules-form button[type=submit]")
        page.wait_for_selector("#error-max_duration_minutes")
        assert fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "house-rules-360x740.png"), full_page=True)
        assert errors == []
        browser.close()

"""House rules administration over the JSON API: reading (anyone logged in), writing (the
house's operators and admins only), bounds with the field named, and the seeded demo rules.

Writes here go to Minahasa Selatan and Jembrana (the demo logins book in Batu Bara and Sleman)
and are put back as seeded."""

from __future__ import annotations

import pytest

from sharedfactory.bookings.tables import Training
from sharedfactory.demo.seed import COMMON_RULES, HOUSE_RULES
from tests.conftest import log_in

HOUSE = "minahasa-selatan"
SEEDED = COMMON_RULES | HOUSE_RULES[HOUSE]


def keys(response) -> list[str]:
    return [item["key"] for item in response.json().get("extra") or []]


async def test_reading_rules_needs_a_login(client):
    assert (await client.get(f"/api/v1/houses/{HOUSE}/rules")).status_code == 401


async def test_the_demo_houses_have_their_rules_quota_tiers_and_long_run_overrides(client):
    await log_in(client, "umkm_siti")
    batu_bara = (await client.get("/api/v1/houses/batu-bara/rules")).json()
    assert batu_bara["rules"]["weekly_quota_hours"] == 20
    assert batu_bara["rules"]["min_notice_minutes"] == 120
    assert batu_bara["rules"]["max_advance_days"] == 60
    sleman = (await client.get("/api/v1/houses/sleman/rules")).json()
    assert sleman["rules"]["weekly_quota_hours"] is None
    assert [m["machine"] for m in sleman["machines"]] == ["sleman-freezedryer-1"]
    assert sleman["machines"][0]["rules"]["max_duration_minutes"] == 36 * 60
    tiers = (await client.get("/api/v1/houses/sleman/tariff-tiers")).json()
    assert tiers == {"house": "sleman", "mikro": 50, "kecil": 25, "menengah": 0}
    fryer = (await client.get("/api/v1/machines/sleman-fryer-1/rules")).json()
    assert fryer["own"] is False
    assert fryer["rules"] == sleman["rules"]


async def test_unknown_house_and_machine_are_404(client):
    await log_in(client, "admin")
    assert (await client.get("/api/v1/houses/atlantis/rules")).status_code == 404
    assert (await client.put("/api/v1/houses/atlantis/rules", json={})).status_code == 404
    assert (await client.get("/api/v1/machines/nope-1/rules")).status_code == 404
    assert (await client.get("/api/v1/houses/atlantis/tariff-tiers")).status_code == 404


async def test_an_admin_replaces_a_house_rule_set_and_puts_it_back(client):
    await log_in(client, "admin")
    changed = SEEDED | {"buffer_minutes": 5, "weekly_quota_hours": 12, "min_notice_minutes": 60}
    response = await client.put(f"/api/v1/houses/{HOUSE}/rules", json=changed)
    assert response.status_code == 200, response.text
    shown = (await client.get(f"/api/v1/houses/{HOUSE}/rules")).json()["rules"]
    assert (shown["buffer_minutes"], shown["weekly_quota_hours"]) == (5, 12)
    restored = await client.put(f"/api/v1/houses/{HOUSE}/rules", json=SEEDED)
    assert restored.status_code == 200
    assert (await client.get(f"/api/v1/houses/{HOUSE}/rules")).json()["rules"] == SEEDED | {
        "cancel_notice_minutes": 1440,
        "no_show_grace_minutes": 15,
        "offer_hold_minutes": 120,
        "plan_daily_at": None,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_duration_minutes": 120, "max_duration_minutes": 60}, "max_duration_minutes"),
        ({"min_duration_minutes": 0}, "min_duration_minutes"),
        ({"max_advance_days": 0}, "max_advance_days"),
        ({"min_notice_minutes": -1}, "min_notice_minutes"),
        ({"buffer_minutes": -5}, "buffer_minutes"),
        ({"weekly_quota_hours": 0}, "weekly_quota_hours"),
        ({"weekly_quota_hours": 169}, "weekly_quota_hours"),
        ({"max_duration_minutes": 2_147_483_648}, "max_duration_minutes"),
        ({"offer_hold_minutes": 0}, "offer_hold_minutes"),
        ({"no_show_grace_minutes": "soon"}, "no_show_grace_minutes"),
    ],
)
async def test_bad_rules_are_refused_naming_the_field(client, change, field):
    await log_in(client, "operator_batu_bara")
    response = await client.put("/api/v1/houses/batu-bara/rules", json=COMMON_RULES | change)
    assert response.status_code == 400, response.text
    assert keys(response) == [field]


async def test_an_unknown_rule_is_refused(client):
    await log_in(client, "admin")
    response = await client.put(f"/api/v1/houses/{HOUSE}/rules", json={"free_coffee": True})
    assert response.status_code == 400


async def test_an_operator_of_another_house_may_not_edit_rules_tiers_or_machines(client):
    await log_in(client, "operator_sleman")
    assert (await client.put(f"/api/v1/houses/{HOUSE}/rules", json=SEEDED)).status_code == 403
    tiers = {"mikro": 90, "kecil": 90, "menengah": 90}
    assert (await client.put(f"/api/v1/houses/{HOUSE}/tariff-tiers", json=tiers)).status_code == 403
    machine = f"/api/v1/machines/{HOUSE}-grater-1/rules"
    assert (await client.put(machine, json=SEEDED)).status_code == 403
    assert (await client.get(f"/api/v1/houses/{HOUSE}/rules")).status_code == 200  # reads


@pytest.mark.parametrize("who", ["auditor", "umkm_siti"])
async def test_auditors_and_umkm_read_but_never_write(client, who):
    await log_in(client, who)
    assert (
        await client.put("/api/v1/houses/batu-bara/rules", json=COMMON_RULES)
    ).status_code == 403
    tiers = {"mikro": 100, "kecil": 100, "menengah": 100}
    response = await client.put("/api/v1/houses/batu-bara/tariff-tiers", json=tiers)
    assert response.status_code == 403


async def test_an_operator_edits_own_house_tiers_and_machine_overrides(client):
    await log_in(client, "operator_sleman")
    tiers = {"mikro": 60, "kecil": 30, "menengah": 5}
    response = await client.put("/api/v1/houses/sleman/tariff-tiers", json=tiers)
    assert response.status_code == 200, response.text
    assert response.json() == {"house": "sleman"} | tiers
    bad = await client.put("/api/v1/houses/sleman/tariff-tiers", json=tiers | {"kecil": 101})
    assert bad.status_code == 400
    assert keys(bad) == ["kecil"]
    back = {"mikro": 50, "kecil": 25, "menengah": 0}
    assert (await client.put("/api/v1/houses/sleman/tariff-tiers", json=back)).status_code == 200

    chiller = "/api/v1/machines/sleman-chiller-1/rules"
    own = COMMON_RULES | {"max_duration_minutes": 720}
    response = await client.put(chiller, json=own)
    assert response.status_code == 200, response.text
    assert response.json()["own"] is True
    shown = (await client.get(chiller)).json()
    assert shown["own"] is True
    assert shown["rules"]["max_duration_minutes"] == 720
    listed = (await client.get("/api/v1/houses/sleman/rules")).json()["machines"]
    assert "sleman-chiller-1" in [m["machine"] for m in listed]


async def test_trainings_are_recorded_by_operators_and_admins(client):
    business = "kakao-gilimanuk-jaya"  # Jembrana: self-run melangers
    await log_in(client, "umkm_siti")
    data = {"machine_type": "melanger", "trained_on": "2026-11-02"}
    assert (
        await client.post(f"/api/v1/businesses/{business}/trainings", json=data)
    ).status_code == 403
    await log_in(client, "operator_sleman")  # Sleman has no melanger
    response = await client.post(f"/api/v1/businesses/{business}/trainings", json=data)
    assert response.status_code == 403
    await log_in(client, "admin")
    response = await client.post(f"/api/v1/businesses/{business}/trainings", json=data)
    assert response.status_code == 201, response.text
    assert response.json() == {"business": business} | data
    again = await client.post(f"/api/v1/businesses/{business}/trainings", json=data)
    assert again.status_code == 409
    assert keys(again) == ["machine_type"]
    unknown = await client.post(
        f"/api/v1/businesses/{business}/trainings",
        json={"machine_type": "time_machine", "trained_on": "2026-11-02"},
    )
    assert unknown.status_code == 400
    assert keys(unknown) == ["machine_type"]
    ancient = await client.post(
        f"/api/v1/businesses/{business}/trainings",
        json={"machine_type": "band_sealer", "trained_on": "1900-01-01"},
    )
    assert ancient.status_code == 400
    assert keys(ancient) == ["trained_on"]
    missing = await client.post("/api/v1/businesses/nobody/trainings", json=data)
    assert missing.status_code == 404
    listed = (await client.get(f"/api/v1/businesses/{business}/trainings")).json()
    assert [t["machine_type"] for t in listed] == ["melanger"]


async def test_the_demo_trains_a_few_umkm_but_not_the_demo_logins(client):
    trained = await Training.select(Training.business.code.as_alias("business")).run()
    names = {row["business"] for row in trained}
    assert len(names) >= 4
    assert not names & {"ud-sambal-lado-tanjung", "keripik-salak-pondoh-bu-sri"}
    await log_in(client, "umkm_sri")
    mine = await client.get("/api/v1/businesses/keripik-salak-pondoh-bu-sri/trainings")
    assert mine.status_code == 200
    assert mine.json() == []
    other = await client.get("/api/v1/businesses/susu-segar-merapi/trainings")
    assert other.status_code == 404

"""GET /api/v1/reports/utilisation on the March 2025 week of tests/reports/conftest.py: every
figure against a hand computation, each group, the role scope and the refusals."""

import pytest

from sharedfactory.audit.chain import chain_head
from tests.conftest import log_in
from tests.reports.conftest import FROM, TO

URL = "/api/v1/reports/utilisation"
CONTRACT = [
    "key",
    "planned_hours",
    "booked_hours",
    "actual_hours",
    "utilisation",
    "availability",
    "performance",
    "quality",
    "oee",
    "umkm_served",
]
# Weekly opening hours: Sleman Monday to Saturday 06-22; the others 5 x 8 h + Saturday 4 h.
WEEKLY_HOURS = {"sleman": 96, "batu-bara": 44, "jembrana": 44, "minahasa-selatan": 44}


async def report(client, **params):
    response = await client.get(URL, params={"from": FROM, "to": TO} | params)
    assert response.status_code == 200, response.text
    return response.json()


def by_key(body):
    return {row["key"]: row for row in body["rows"]}


async def machines_of(client, house):
    return (await client.get(f"/api/v1/houses/{house}/machines")).json()


async def test_a_machine_by_hand(client, march):
    """sleman-fryer-1: 96 h open less 4 h maintenance = 92 h planned; 46 h running; booked
    4 + 2 + 1 (no-show) + 2 (the part of Sunday night's booking inside the week) = 9 h; each
    running hour made 3000 g at an ideal 0.9 s/g (2700 s) of which 2940 g good."""
    await log_in(client, "auditor")
    body = await report(client, group="machine")
    fryer = by_key(body)["sleman-fryer-1"]
    assert list(fryer)[: len(CONTRACT)] == CONTRACT
    assert fryer == fryer | {
        "planned_hours": 92.0,
        "booked_hours": 9.0,
        "actual_hours": 46.0,
        "utilisation": 0.5,
        "availability": 0.5,
        "performance": 0.75,
        "quality": 0.98,
        "oee": 0.3675,
        "umkm_served": 2,  # a and b; c did not come (no-show), and cancelled/pending don't count
        "house": "sleman",
        "idle": False,
    }
    assert body["audit_head"] == await chain_head()
    assert len(body["audit_head"]) == 64


async def test_silent_and_unused_machines_are_idle(client, march):
    await log_in(client, "auditor")
    rows = by_key(await report(client, group="machine"))
    silent = rows["sleman-cupsealer-1"]  # no telemetry at all
    assert (silent["planned_hours"], silent["actual_hours"], silent["idle"]) == (96.0, 0.0, True)
    assert (silent["availability"], silent["performance"], silent["oee"]) == (0.0, None, None)
    chiller = rows["sleman-chiller-1"]  # reporting, but off
    assert (chiller["utilisation"], chiller["idle"]) == (0.0, True)
    pasteuriser = rows["sleman-pasteuriser-1"]  # 5 h of 96
    assert (pasteuriser["actual_hours"], pasteuriser["utilisation"]) == (5.0, 0.0521)
    assert pasteuriser["performance"] == 1.0
    assert pasteuriser["idle"] is True
    kettle = rows["batu-bara-kettle-1"]
    assert (kettle["planned_hours"], kettle["actual_hours"], kettle["utilisation"]) == (
        44.0,
        11.0,
        0.25,
    )
    assert kettle["performance"] == 1.0  # 40 kg an hour beats the rated cycle: capped
    assert kettle["idle"] is False


def sleman_expected(n):
    planned_s = (96 * n - 4) * 3600
    running_s = (46 + 5) * 3600
    net_s = 46 * 2700 + 10 * 1800
    good_s = 46 * 2940 * 0.9 + 10 * 1800
    return {
        "planned_hours": 96.0 * n - 4,
        "booked_hours": 9.0,
        "actual_hours": 51.0,
        "utilisation": round(running_s / planned_s, 4),
        "availability": round(running_s / planned_s, 4),
        "performance": round(net_s / running_s, 4),
        "quality": round(good_s / net_s, 4),
        "oee": round(good_s / planned_s, 4),
        "umkm_served": 2,
        "machines": n,
        "idle": True,
    }


async def test_houses_and_provinces_sum_their_machines(client, march):
    await log_in(client, "admin")
    n = len(await machines_of(client, "sleman"))
    houses = by_key(await report(client, group="house"))
    assert set(houses) == set(WEEKLY_HOURS)
    sleman = houses["sleman"]
    assert sleman == sleman | sleman_expected(n) | {"label": sleman["label"], "house": "sleman"}
    assert sorted(sleman["idle_machines"]) == sleman["idle_machines"]
    assert "sleman-fryer-1" not in sleman["idle_machines"]
    assert len(sleman["idle_machines"]) == n - 1
    for house, weekly in WEEKLY_HOURS.items():
        count = len(await machines_of(client, house))
        expected = weekly * count - (4 if house == "sleman" else 0)
        assert houses[house]["planned_hours"] == expected
    provinces = by_key(await report(client, group="province"))
    yogyakarta = provinces["Daerah Istimewa Yogyakarta"]
    assert yogyakarta == yogyakarta | sleman_expected(n)
    assert provinces["Sumatera Utara"]["actual_hours"] == 11.0


async def test_machine_types(client, march):
    await log_in(client, "auditor")
    fryers = [
        m
        for house in WEEKLY_HOURS
        for m in await machines_of(client, house)
        if m["type"] == "vacuum_fryer"
    ]
    planned = sum(WEEKLY_HOURS[m["house"]] for m in fryers) - 4
    fryer = by_key(await report(client, group="type"))["vacuum_fryer"]
    assert (fryer["planned_hours"], fryer["actual_hours"], fryer["machines"]) == (
        planned,
        46.0,
        len(fryers),
    )
    assert fryer["label"] == "Penggoreng vakum"
    english = by_key(await report(client, group="type", lang="en"))["vacuum_fryer"]
    assert english["label"] == "Vacuum fryer"


async def test_months_in_the_operators_own_house(client, march):
    """24 February to 10 March: February has Monday to Friday (5 x 16 h), March Saturday 1 and
    the test week (16 h + 96 h, less the 4 h maintenance on one machine)."""
    await log_in(client, "operator_sleman")
    n = len(await machines_of(client, "sleman"))
    body = await report(client, group="month", **{"from": "2025-02-24T00:00:00+07:00"})
    february, march_row = body["rows"]
    assert (february["key"], february["label"]) == ("2025-02", "Februari 2025")
    assert (february["planned_hours"], february["actual_hours"]) == (80.0 * n, 0.0)
    assert (march_row["key"], march_row["planned_hours"]) == ("2025-03", 112.0 * n - 4)
    # Sunday night's booking (2 March 22:00 to 3 March 02:00) now lies wholly in the period.
    assert (march_row["actual_hours"], march_row["booked_hours"]) == (51.0, 11.0)
    assert march_row["house"] == "sleman"


async def test_an_operator_sees_only_their_own_house(client, march):
    await log_in(client, "operator_batu_bara")
    houses = by_key(await report(client, group="house"))
    assert list(houses) == ["batu-bara"]
    provinces = by_key(await report(client, group="province"))
    assert list(provinces) == ["Sumatera Utara"]
    machines = by_key(await report(client, group="machine"))
    assert machines
    assert all(row["house"] == "batu-bara" for row in machines.values())


async def test_an_auditor_sees_every_house(client, march):
    await log_in(client, "auditor")
    assert set(by_key(await report(client))) == set(WEEKLY_HOURS)


async def test_umkm_are_refused_and_strangers_must_log_in(client, march):
    assert (await client.get(URL, params={"from": FROM, "to": TO})).status_code == 401
    await log_in(client, "umkm_sri")
    assert (await client.get(URL, params={"from": FROM, "to": TO})).status_code == 403


async def test_the_idle_threshold(client, march):
    await log_in(client, "admin")
    kettle = by_key(await report(client, group="machine", idle_below=0.3))["batu-bara-kettle-1"]
    assert kettle["idle"] is True
    house = by_key(await report(client, group="house", idle_below=0.04))["batu-bara"]
    assert house["utilisation"] == 0.0417  # 11 of 6 x 44 h
    assert house["idle"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": TO, "to": FROM}, "to"),
        ({"from": FROM, "to": FROM}, "to"),
        ({"from": "2025-01-01T00:00:00+07:00", "to": "2026-01-01T00:00:01+07:00"}, "to"),
        ({"from": "2025-03-03T00:00:00", "to": TO}, "from"),
        ({"from": FROM, "to": "2025-03-10T00:00:00"}, "to"),
        ({"from": "yesterday", "to": TO}, "from"),
        ({"from": "1999-12-01T00:00:00+07:00", "to": "2000-01-01T00:00:00+07:00"}, "from"),
        ({"from": FROM}, "to"),
        ({"from": FROM, "to": TO, "group": "planet"}, "group"),
        ({"from": FROM, "to": TO, "format": "docx"}, "format"),
        ({"from": FROM, "to": TO, "idle_below": "1.5"}, "idle_below"),
        ({"from": FROM, "to": TO, "lang": "fr"}, "lang"),
    ],
)
async def test_bad_input_is_400_naming_the_field(client, params, field):
    await log_in(client, "auditor")
    response = await client.get(URL, params=params)
    assert response.status_code == 400, response.text
    assert field in [item["key"] for item in response.json()["extra"]], response.text


async def test_a_whole_year_is_allowed(client, march):
    await log_in(client, "auditor")
    year = {"from": "2025-01-01T00:00:00+07:00", "to": "2026-01-01T00:00:00+07:00"}
    body = await report(client, group="month", **year)
    assert [row["key"] for row in body["rows"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert by_key(body)["2025-03"]["actual_hours"] == 51.0 + 11.0

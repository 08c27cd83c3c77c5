"""Revenue, energy cost, margin, production per unit and the UMKM new in the period, in the rows
of GET /api/v1/reports/utilisation, on the March 2025 week of tests/reports/conftest.py.

The bookings on sleman-fryer-1 (Rp75.000 an hour), as `bookings.money` charges them:
- a, Monday 08-12, confirmed, fixed price Rp300.000: 300 000;
- b (mikro: 50 % off), Tuesday 08-10, completed, no price: 75 000 x 2 h x 50 % = 75 000;
- c (kecil: 25 % off), Wednesday 08-09, no-show, no price: 75 000 x 1 h x 75 % = 56 250, of
  which a no-show is charged 50 %: 28 125;
- c's cancelled (Rp999.999) and pending (Rp888.888) bookings: nothing;
- a, Sunday 22.00 to Monday 02.00, confirmed, Rp100.001: 2 of its 4 h are inside the week,
  so 50 000,5 of it.
Revenue of the week = 300 000 + 75 000 + 28 125 + 50 000,5 = 453 125,5 -> 453 126 (half up).
"""

import pytest

from tests.conftest import log_in
from tests.reports.conftest import FROM, TO
from tests.reports.test_api import by_key, report

FEBRUARY_24 = "2025-02-24T00:00:00+07:00"


async def test_the_fryers_money_by_hand(client, march):
    """Energy: 46 running hours x 5 500 Wh = 253 kWh, at Rp1.444,70 = 365 509,1 -> 365 509;
    margin 453 126 - 365 509 = 87 617."""
    await log_in(client, "auditor")
    body = await report(client, group="machine")
    fryer = by_key(body)["sleman-fryer-1"]
    assert {k: fryer[k] for k in ("revenue", "energy_kwh", "energy_cost", "margin")} == {
        "revenue": 453_126,
        "energy_kwh": 253.0,
        "energy_cost": 365_509,
        "margin": 87_617,
    }
    assert body["electricity_tariff"] == 1444.7
    # The kettle earned nothing this week: 11 h x 10 kWh = 110 kWh -> 158 917 (158 917,0).
    kettle = by_key(body)["batu-bara-kettle-1"]
    assert (kettle["revenue"], kettle["energy_cost"], kettle["margin"]) == (0, 158_917, -158_917)


async def test_a_house_sums_its_machines_before_rounding(client, march):
    """Sleman: 253 + 20 (pasteuriser, 10 x 2 kWh) + 1,2 (the chiller's standby, 3 x 0,4 kWh) =
    274,2 kWh x 1 444,70 = 396 136,74 -> 396 137; its revenue is the fryer's."""
    await log_in(client, "admin")
    sleman = by_key(await report(client, group="house"))["sleman"]
    assert (sleman["revenue"], sleman["energy_kwh"]) == (453_126, 274.2)
    assert (sleman["energy_cost"], sleman["margin"]) == (396_137, 453_126 - 396_137)


async def test_a_tariff_for_one_report(client, march):
    """At Rp1.000 a kWh the fryer's 253 kWh cost 253 000: margin 200 126."""
    await log_in(client, "auditor")
    body = await report(client, group="machine", tariff="1000")
    fryer = by_key(body)["sleman-fryer-1"]
    assert (fryer["energy_cost"], fryer["margin"]) == (253_000, 200_126)
    assert body["electricity_tariff"] == 1000.0
    cheap = by_key(await report(client, group="machine", tariff="0.5"))["sleman-fryer-1"]
    assert cheap["energy_cost"] == 127  # 126,5 -> 127: half up, not to the even 126


async def test_months_take_the_part_of_each_booking_inside_them(client, march):
    """From 24 February the Sunday-night booking lies wholly in March: 100 001 in full, so
    March earns 300 000 + 75 000 + 28 125 + 100 001 = 503 126; February nothing."""
    await log_in(client, "operator_sleman")
    february, march_row = (await report(client, group="month", **{"from": FEBRUARY_24}))["rows"]
    assert (february["revenue"], february["energy_kwh"], february["margin"]) == (0, 0.0, 0)
    assert march_row["revenue"] == 503_126
    assert (march_row["energy_kwh"], march_row["energy_cost"]) == (274.2, 396_137)


async def test_production_is_per_unit_and_never_mixed(client, march):
    """The fryer counted 46 x 2 940 g good and 46 x 60 g rejected: 135,24 kg and 2,76 kg of
    138 kg, pass rate 0,98. The pasteuriser 10 x 50 000 ml = 500 L, all good. Sleman's sealers
    count pieces and made none: a pcs line with no pass rate, not a 0 % one."""
    await log_in(client, "auditor")
    machines = by_key(await report(client, group="machine"))
    assert machines["sleman-fryer-1"]["production"] == [
        {"unit": "kg", "good": 135.24, "reject": 2.76, "produced": 138.0, "pass_rate": 0.98}
    ]
    assert machines["sleman-chiller-1"]["production"] == [
        {"unit": "L", "good": 0.0, "reject": 0.0, "produced": 0.0, "pass_rate": None}
    ]
    sleman = by_key(await report(client, group="house"))["sleman"]
    assert sleman["production"] == [
        {"unit": "kg", "good": 135.24, "reject": 2.76, "produced": 138.0, "pass_rate": 0.98},
        {"unit": "L", "good": 500.0, "reject": 0.0, "produced": 500.0, "pass_rate": 1.0},
        {"unit": "pcs", "good": 0.0, "reject": 0.0, "produced": 0.0, "pass_rate": None},
    ]
    kettle = machines["batu-bara-kettle-1"]["production"]
    assert kettle == [
        {"unit": "kg", "good": 440.0, "reject": 0.0, "produced": 440.0, "pass_rate": 1.0}
    ]


async def test_new_umkm_are_those_first_served_in_the_period(client, march):
    """a was first served on Sunday 2 March (the night booking), before the week: served, not
    new. b's first served booking is Tuesday's: new. c only missed (no-show): neither.
    From 24 February both first services fall in the March row."""
    await log_in(client, "auditor")
    fryer = by_key(await report(client, group="machine"))["sleman-fryer-1"]
    assert (fryer["umkm_served"], fryer["umkm_new"]) == (2, 1)
    provinces = by_key(await report(client, group="province"))
    assert provinces["Daerah Istimewa Yogyakarta"]["umkm_new"] == 1
    assert provinces["Sumatera Utara"]["umkm_new"] == 0
    months = (await report(client, group="month", **{"from": FEBRUARY_24}))["rows"]
    assert [(m["umkm_served"], m["umkm_new"]) for m in months] == [(0, 0), (2, 2)]


async def test_new_fields_follow_the_contracts_in_order(client, march):
    await log_in(client, "auditor")
    row = (await report(client, group="house"))["rows"][0]
    assert list(row)[-6:] == [
        "umkm_new",
        "revenue",
        "energy_kwh",
        "energy_cost",
        "margin",
        "production",
    ]


async def test_the_openapi_documents_the_new_fields(client):
    schema = (await client.get("/schema/openapi.json")).json()
    row = schema["components"]["schemas"]["RowOut"]["properties"]
    for name in ("umkm_new", "revenue", "energy_kwh", "energy_cost", "margin", "production"):
        assert name in row, name
    parameters = schema["paths"]["/api/v1/reports/utilisation"]["get"]["parameters"]
    tariff = next(p for p in parameters if p["name"] == "tariff")
    assert (tariff["schema"]["exclusiveMinimum"], tariff["schema"]["maximum"]) == (0, 1_000_000)
    assert "/api/v1/reports/businesses" in schema["paths"]


@pytest.mark.parametrize("tariff", ["0", "-1444.70", "NaN", "inf", "murah", "1000001"])
async def test_a_tariff_that_is_no_price_is_400_naming_it(client, tariff):
    await log_in(client, "auditor")
    answer = await client.get(
        "/api/v1/reports/utilisation", params={"from": FROM, "to": TO, "tariff": tariff}
    )
    assert answer.status_code == 400, answer.text
    assert "tariff" in [item.get("key") for item in answer.json()["extra"]]

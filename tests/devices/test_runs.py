"""A booked run's telemetry becomes actual use, a start signal, a quality record and rollups."""

import json

import pytest

from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.runs import HOUR_MS, roll_up
from sharedfactory.devices.store import Batch, store_for
from sharedfactory.devices.tables import HourlyRollup
from tests.devices.test_ingest import machine_id

STEP_MS = 10_000


@pytest.fixture(scope="module")
async def fryer_run(settings, engine):
    """Telemetry for the first demo booking on sleman-fryer-1: one excursion to 92.5 C."""
    booking = (
        await Booking.select()
        .where(Booking.machine == await machine_id("sleman-fryer-1"))
        .order_by(Booking.starts_at)
        .first()
    )
    start = int(booking["starts_at"].timestamp() * 1000)
    end = int(booking["ends_at"].timestamp() * 1000)
    fryer = await machine_id("sleman-fryer-1")
    rows = []
    for i, ts in enumerate(range(start, end, STEP_MS)):
        temp = 92.5 if i == 20 else 84.0
        values = json.dumps({"oil_temp_c": temp, "vacuum_cmhg": -67.0})
        counters = json.dumps({"good": i * 10, "reject": i // 20, "energy_wh": i * 20})
        rows.append((fryer, ts, 900_000 + i, "running", counters, values, booking["code"], ts))
    store = store_for(settings.database_url)
    await store.write(Batch(telemetry=rows))
    await store.close()
    return booking["code"], start, end, len(rows)


async def test_usage_counts_the_running_time_of_the_booking(operator_client, fryer_run):
    code, start, end, _n = fryer_run
    body = (await operator_client.get(f"/api/v1/bookings/{code}/usage")).json()
    assert body["machine"] == "sleman-fryer-1"
    assert body["booked_hours"] == pytest.approx((end - start) / HOUR_MS, abs=1e-3)
    assert body["actual_running_hours"] == pytest.approx(body["booked_hours"], rel=0.02)
    assert body["started"] is True


async def test_quality_record_names_the_excursion(operator_client, fryer_run):
    code, start, _end, n = fryer_run
    body = (await operator_client.get(f"/api/v1/bookings/{code}/quality")).json()
    assert body["samples"] == n
    assert body["passed"] is False
    checks = {c["value_name"]: c for c in body["checks"]}
    assert checks["vacuum_cmhg"]["passed"] is True
    assert checks["oil_temp_c"]["passed"] is False
    [excursion] = body["excursions"]
    assert excursion["worst_value"] == 92.5
    assert excursion["start_ms"] == start + 20 * STEP_MS


async def test_unknown_booking_is_404(operator_client):
    assert (await operator_client.get("/api/v1/bookings/bk-nope/usage")).status_code == 404


async def test_rollups_add_up_to_the_run(fryer_run):
    _code, start, end, n = fryer_run
    fryer = await machine_id("sleman-fryer-1")
    hours = range(start - start % HOUR_MS, end, HOUR_MS)
    assert await roll_up(fryer, hours) == len(hours)
    assert await roll_up(fryer, hours) == len(hours)  # idempotent
    rows = (
        await HourlyRollup.select()
        .where((HourlyRollup.machine == fryer) & HourlyRollup.hour_ms.is_in(list(hours)))
        .run()
    )
    running = sum(r["running_s"] for r in rows)
    assert running == pytest.approx((end - start) / 1000, abs=60)
    assert sum(r["good"] for r in rows) == (n - 1) * 10


async def test_recent_runs_of_the_machine_page(fryer_run):
    from sharedfactory.web.machine_page import recent_runs

    code, _start, end, _n = fryer_run
    runs = await recent_runs(await machine_id("sleman-fryer-1"), now_ms=end + 3_600_000)
    run = next(r for r in runs if r["code"] == code)
    assert run["passed"] is False  # the 92.5 C excursion
    assert run["actual_h"] == pytest.approx(run["booked_h"], rel=0.02)
    assert run["started"] is True


async def test_a_limit_of_another_product_class_does_not_apply(operator_client, fryer_run):
    from sharedfactory.facilities.tables import MachineType
    from sharedfactory.products.tables import ProductClass, QualityLimit

    code, _start, _end, _n = fryer_run
    fryer_type = await MachineType.select().where(MachineType.code == "vacuum_fryer").first()
    non_halal = await ProductClass.select().where(ProductClass.code == "non-halal").first()
    only_non_halal = QualityLimit(
        machine_type=fryer_type["id"],
        product_class=non_halal["id"],
        value_name="oil_temp_c",
        max_value=50,
        standard="a test limit for non-halal products only",
    )
    await only_non_halal.save()
    try:
        body = (await operator_client.get(f"/api/v1/bookings/{code}/quality")).json()
        standards = [check["standard"] for check in body["checks"]]
        assert "a test limit for non-halal products only" not in standards
        assert len(body["checks"]) == 2
    finally:
        await only_non_halal.remove()

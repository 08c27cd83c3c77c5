"""The telemetry JSON API reads what the ingest stored."""

import base64
import json

import pytest

from sharedfactory.devices.queries import bookings_of
from sharedfactory.devices.store import Batch, store_for
from tests.conftest import log_in
from tests.devices.test_ingest import machine_id

T0 = 1_797_000_000_000  # 2026-12-11 (ms)


@pytest.fixture(scope="module")
async def stored(settings, engine):
    store = store_for(settings.database_url)
    fryer = await machine_id("sleman-spinner-1")
    rows = [
        (
            fryer,
            T0 + i * 1000,
            i,
            "running",
            json.dumps({"good": i}),
            json.dumps({"rpm_rpm": 900.0}),
            "bk-0042" if i < 3 else None,
            T0 + i * 1000 + 5,
        )
        for i in range(5)
    ]
    dead = [(T0, "sf/v1/x/y/telemetry", "bad_json", b"{oops"), (T0 + 1, "t", "not_utf8", b"\xff")]
    await store.write(Batch(telemetry=rows, dead=dead))
    await store.close()


def iso(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


async def test_telemetry_oldest_first_in_pages(operator_client, stored):
    url = "/api/v1/machines/sleman-spinner-1/telemetry"
    params = {"from": iso(T0), "to": iso(T0 + 60_000), "limit": 2}
    first = (await operator_client.get(url, params=params)).json()
    assert first["count"] == 2
    assert [i["seq"] for i in first["items"]] == [0, 1]
    assert first["items"][0] == {
        "ts": T0,
        "seq": 0,
        "state": "running",
        "counters": {"good": 0},
        "values": {"rpm_rpm": 900.0},
        "booking": "bk-0042",
    }
    seqs = [i["seq"] for i in first["items"]]
    cursor = first["next"]
    while cursor:
        page = (await operator_client.get(url, params=params | {"cursor": cursor})).json()
        seqs += [i["seq"] for i in page["items"]]
        cursor = page["next"]
    assert seqs == [0, 1, 2, 3, 4]


async def test_unknown_machine_is_404(operator_client):
    response = await operator_client.get("/api/v1/machines/atlantis-1/telemetry")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "key"),
    [({"from": "yesterday"}, "from"), ({"limit": 0}, "limit"), ({"cursor": "abc"}, "cursor")],
)
async def test_bad_parameters_name_the_field(operator_client, params, key):
    response = await operator_client.get(
        "/api/v1/machines/sleman-spinner-1/telemetry", params=params
    )
    assert response.status_code == 400
    assert key in json.dumps(response.json()["extra"])


async def test_dead_letters_keep_the_payload_whole(client, stored):
    await log_in(client, "admin")
    body = (await client.get("/api/v1/telemetry/dead-letters", params={"from": iso(T0)})).json()
    mine = [i for i in body["items"] if i["received"].startswith(iso(T0)[:19])]
    assert {"received", "topic", "reason", "payload"} <= body["items"][0].keys()
    by_reason = {
        i["reason"]: i for i in body["items"] if i["topic"] in ("t", "sf/v1/x/y/telemetry")
    }
    assert by_reason["bad_json"]["payload"] == "{oops"
    assert base64.b64decode(by_reason["not_utf8"]["payload"]) == b"\xff"
    assert by_reason["not_utf8"]["payload_encoding"] == "base64"
    assert mine


async def test_anonymous_is_401(client, stored):
    response = await client.get("/api/v1/machines/sleman-spinner-1/telemetry")
    assert response.status_code == 401
    assert (await client.get("/api/v1/telemetry/dead-letters")).status_code == 401


async def test_an_operator_of_another_house_is_refused(client, stored):
    await log_in(client, "operator_batu_bara")
    response = await client.get("/api/v1/machines/sleman-spinner-1/telemetry")
    assert response.status_code == 403
    letters = (await client.get("/api/v1/telemetry/dead-letters", params={"from": iso(T0)})).json()
    assert all(item["topic"].startswith("sf/v1/batu-bara/") for item in letters["items"])


async def test_a_umkm_sees_only_the_messages_of_its_own_runs(client, stored):
    """Sri's business booked nothing tagged bk-0042 here: she sees none of these messages."""
    await log_in(client, "umkm_sri")
    params = {"from": iso(T0), "to": iso(T0 + 60_000)}
    body = (await client.get("/api/v1/machines/sleman-spinner-1/telemetry", params=params)).json()
    own = set(await bookings_of("keripik-salak-pondoh-bu-sri"))
    assert all(item["booking"] in own for item in body["items"])
    assert "bk-0042" not in own or body["count"] > 0
    assert (await client.get("/api/v1/telemetry/dead-letters")).status_code == 403

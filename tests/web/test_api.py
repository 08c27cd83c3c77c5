"""The read-only JSON API and the platform routes (CONTRACTS.md section 5)."""

import re


async def test_houses_have_the_contract_fields(client):
    response = await client.get("/api/v1/houses")
    assert response.status_code == 200
    houses = response.json()
    assert {"batu-bara", "jembrana", "sleman", "minahasa-selatan"} <= {h["id"] for h in houses}
    for house in houses:
        assert {"id", "name", "timezone", "province"} <= house.keys()
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", house["id"])


async def test_machines_of_a_house_carry_stable_ids(client):
    response = await client.get("/api/v1/houses/sleman/machines")
    assert response.status_code == 200
    machines = response.json()
    assert "sleman-fryer-1" in {m["id"] for m in machines}
    assert all(m["house"] == "sleman" and m["type"] for m in machines)
    fryer = next(m for m in machines if m["id"] == "sleman-fryer-1")
    assert (fryer["type"], fryer["batch_size"], fryer["tariff_per_hour"]) == (
        "vacuum_fryer",
        6.0,
        75000,
    )


async def test_unknown_house_is_a_json_404(client):
    response = await client.get("/api/v1/houses/atlantis/machines")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status_code": 404, "detail": "house 'atlantis' does not exist"}


async def test_overlong_house_code_is_a_400_not_a_500(client):
    response = await client.get("/api/v1/houses/" + "x" * 500 + "/machines")
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "house"


async def test_healthz_reports_database_broker_and_ingest(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not started",
        "ingest": "not running",
    }


async def test_openapi_documents_the_api(client):
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/houses", "/api/v1/houses/{house}/machines", "/healthz"} <= spec["paths"].keys()


async def test_api_docs_load_nothing_from_a_cdn(client):
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text
    assert not re.findall(r"""(?:src|href)=["']https?://""", page.text)
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page.text):
        assert (await client.get(asset)).status_code == 200, asset

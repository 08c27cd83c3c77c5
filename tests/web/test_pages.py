"""The home page: Bahasa Indonesia first, English on request, Indonesian formats."""


async def test_home_page_is_indonesian_by_default(client):
    page = await client.get("/")
    assert page.status_code == 200
    assert '<html lang="id">' in page.text
    for text in ("Rumah produksi", "Jam buka", "Senin–Jumat 08.00–16.00 WIB", "Rp75.000/jam"):
        assert text in page.text
    assert "Senin–Jumat 08.00–16.00 WITA" in page.text  # Jembrana and Minahasa Selatan


async def test_english_with_lang_and_remembered_by_cookie(client):
    page = await client.get("/?lang=en")
    assert '<html lang="en">' in page.text
    assert "Opening hours" in page.text
    assert "Monday–Friday 08.00–16.00 WIB" in page.text
    again = await client.get("/")
    assert '<html lang="en">' in again.text
    back = await client.get("/?lang=id")
    assert "Jam buka" in back.text


async def test_unknown_language_falls_back_to_indonesian(client):
    page = await client.get("/?lang=xx")
    assert page.status_code == 200
    assert '<html lang="id">' in page.text


async def test_every_house_lists_its_machines(client):
    page = await client.get("/?lang=id")
    machines = (await client.get("/api/v1/houses/batu-bara/machines")).json()
    assert 'data-house="batu-bara"' in page.text
    for machine in machines:
        assert f'data-machine="{machine["id"]}"' in page.text

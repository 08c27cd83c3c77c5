"""The live board of a house: server-rendered, then kept current by server-sent events."""

import time

import pytest

from sharedfactory.devices.store import Batch, store_for
from sharedfactory.devices.tables import MachineLiveState
from sharedfactory.web import live
from tests.conftest import log_in
from tests.devices.test_ingest import machine_id

FAR_AHEAD_MS = 4_000_000_000_000  # 2096


async def set_live(settings, code: str, state: str, values: str, booking=None) -> None:
    store = store_for(settings.database_url)
    # Later than anything other tests stored: the upsert keeps the newest report per machine.
    now = FAR_AHEAD_MS + time.monotonic_ns() // 1_000_000
    await store.write(Batch(live=[(await machine_id(code), state, True, now, booking, values)]))
    await store.close()


@pytest.fixture(autouse=True)
async def forget_far_ahead_states(engine):
    """The upsert would keep these over every later module's reports of the same machines."""
    yield
    await MachineLiveState.delete().where(MachineLiveState.ts_ms >= FAR_AHEAD_MS).run()


async def test_live_board_shows_every_machine_in_indonesian(operator_client, settings):
    client = operator_client
    await set_live(settings, "sleman-fryer-1", "running", '{"oil_temp_c": 84.2}', "bk-0007")
    page = await client.get("/houses/sleman/live")
    assert page.status_code == 200
    machines = (await client.get("/api/v1/houses/sleman/machines")).json()
    for machine in machines:
        assert f'data-machine="{machine["id"]}"' in page.text
    assert "Berjalan" in page.text
    assert "oil temp 84,2 °C" in page.text
    assert "bk-0007" in page.text
    assert 'sse-connect="/houses/sleman/live/stream?lang=id"' in page.text


async def test_board_partial_in_english(operator_client, settings):
    client = operator_client
    await set_live(settings, "sleman-fryer-2", "fault", "{}")
    partial = await client.get("/houses/sleman/live/board?lang=en")
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "Fault" in partial.text


@pytest.mark.parametrize("path", ["/houses/atlantis/live", "/houses/atlantis/live/board"])
async def test_unknown_house_is_404(operator_client, path):
    assert (await operator_client.get(path)).status_code == 404


async def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = await client.get("/houses/sleman/live", follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/login?next=/houses/sleman/live"


@pytest.mark.parametrize("who", ["umkm_sri", "operator_batu_bara"])
async def test_the_board_is_for_the_house_staff_only(client, who):
    await log_in(client, who)
    page = await client.get("/houses/sleman/live")
    assert page.status_code == 403
    assert "<html" in page.text  # a page for a person, not JSON


async def test_machine_page_for_the_house_staff(operator_client, client):
    page = await operator_client.get("/machines/sleman-fryer-1")
    assert page.status_code == 200
    assert "Produksi terakhir" in page.text
    assert (await operator_client.get("/machines/batu-bara-retort-1")).status_code == 403
    assert (await operator_client.get("/machines/atlantis-9")).status_code == 404


async def test_streams_share_one_render_of_a_read_per_language():
    """50 operators on nine houses render nine boards a push, not fifty; a language is its own."""
    shared = live.SharedBoards()
    shared.boards["sleman"] = (time.monotonic(), [{"code": "sleman-fryer-1"}], 2)
    renders: list[str] = []

    def render(lang: str):
        def draw(board, unacknowledged) -> str:
            renders.append(lang)
            return f"{lang}:{board[0]['code']}:{unacknowledged}"

        return draw

    seen = [await shared.html("sleman", lang, render(lang)) for lang in ("id", "id", "en", "id")]
    assert seen == ["id:sleman-fryer-1:2"] * 2 + ["en:sleman-fryer-1:2", "id:sleman-fryer-1:2"]
    assert renders == ["id", "en"]
    shared.boards["sleman"] = (time.monotonic(), [{"code": "sleman-fryer-1"}], 3)  # a new read
    assert await shared.html("sleman", "id", render("id")) == "id:sleman-fryer-1:3"
    assert renders == ["id", "en", "id"]

"""Debian's Chromium, driven by Playwright, reads the home page as a person would."""

import asyncio
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import LOGINS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "install Debian's chromium (make deps) for the browser tests"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_home_page_in_indonesian_shows_each_house_and_its_machines(server, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Rumah produksi"
    sleman = page.locator('[data-house="sleman"]')
    assert "Jam buka" in sleman.inner_text()
    assert sleman.locator('[data-machine="sleman-fryer-1"]').is_visible()
    assert "Rp75.000/jam" in sleman.locator('[data-machine="sleman-fryer-1"]').inner_text()
    no_horizontal_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert no_horizontal_scroll, "the page must fit a phone screen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{width}x{height}.png"), full_page=False)
    assert errors == []
    page.close()


def test_language_switch_to_english(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.get_by_role("link", name="EN", exact=True).click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("h1").inner_text() == "Production houses"
    assert "Opening hours" in page.locator('[data-house="batu-bara"]').inner_text()
    page.close()


def test_api_docs_render_from_local_files(server, browser):
    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(server + "/schema")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert "sharedfactory" in page.locator(".swagger-ui .info").inner_text()
    assert failed == []
    page.close()


def test_live_board_updates_without_reload(server, browser, settings):
    """Playwright's sync API holds the thread's event loop: the writes run in another thread."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.web.test_live import set_live

    def write(*args):
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, set_live(settings, *args)).result()

    write("batu-bara-kettle-1", "idle", "{}")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/houses/batu-bara/live")
    page.wait_for_url("**/login?next=**")  # the board is for the house's staff: log in first
    email, password = LOGINS["operator_batu_bara"]
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/houses/batu-bara/live")
    card = page.locator('[data-machine="batu-bara-kettle-1"] .state')
    assert card.inner_text() == "Siaga"
    write("batu-bara-kettle-1", "running", '{"product_temp_c": 91.0}')
    page.wait_for_function(
        """() => document.querySelector('[data-machine="batu-bara-kettle-1"] .state')
                   .dataset.state === 'running'""",
        timeout=15_000,
    )
    assert card.inner_text() == "Berjalan"
    page.screenshot(path=str(ARTIFACTS / "live-board-390x844.png"))
    page.close()

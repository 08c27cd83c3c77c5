"""The auditor's dashboard `/laporan`: the same figures as the API, drill-down from the country to
a province, a house and a machine's months, the rows on the page as files, and the scope of each
role. Uses the March 2025 week of tests/reports/conftest.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from sharedfactory.web.report_views import script_json
from tests.conftest import log_in
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.web.test_planning_pages import fits, phone

MARCH = {"bulan": "2025-03"}
API_MARCH = {"from": "2025-03-01T00:00:00+07:00", "to": "2025-04-01T00:00:00+07:00"}


def cells(page: str, key: str) -> list[str]:
    """The text of each cell of the table row for `key`."""
    found = re.search(rf'<tr data-key="{re.escape(key)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {key!r}"
    return [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    ]


async def test_the_country_shows_the_apis_figures_per_province_with_a_chart(client, march):
    await log_in(client, "auditor")
    page = await client.get("/laporan", params=MARCH)
    assert page.status_code == 200, page.text
    api = (
        await client.get("/api/v1/reports/utilisation", params=API_MARCH | {"group": "province"})
    ).json()
    assert api["rows"]
    for row in api["rows"]:
        shown = cells(page.text, row["key"])
        assert shown[3] == f"{row['actual_hours']:g}".replace(".", ",")
        assert shown[9] == str(row["umkm_served"])
    assert 'id="report-data"' in page.text
    assert "/static/vendor/echarts/echarts.min.js" in page.text
    assert api["audit_head"] in page.text


def table_row(page: str, attribute: str, key: str) -> list[str]:
    """The cell texts of the row whose `attribute` (data-money, data-business, ...) is `key`."""
    found = re.search(rf'<tr {attribute}="{re.escape(key)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no {attribute} row {key!r}"
    return [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    ]


async def test_a_house_shows_money_production_and_the_umkm_served(client, march):
    """Sleman in March 2025 (the conftest week is all of its March): the fryer's revenue and
    energy as the API has them, its kilograms and pass rate, and the two UMKM with b new."""
    await log_in(client, "auditor")
    page = (await client.get("/laporan", params=MARCH | {"rumah": "sleman"})).text
    api = (
        await client.get("/api/v1/reports/utilisation", params=API_MARCH | {"group": "machine"})
    ).json()
    fryer = next(row for row in api["rows"] if row["key"] == "sleman-fryer-1")
    assert (fryer["revenue"], fryer["energy_cost"], fryer["margin"]) == (503_126, 365_509, 137_617)
    assert table_row(page, "data-money", "sleman-fryer-1")[1:] == [
        "Rp503.126",
        "253",
        "Rp365.509",
        "Rp137.617",
    ]
    assert table_row(page, "data-money", "sleman-chiller-1")[4] == "-Rp1.734"
    assert table_row(page, "data-production", "sleman-fryer-1")[1:] == [
        "kg",
        "135,2",
        "2,8",
        "138",
        "98 %",
    ]
    assert 'id="money-data"' in page
    assert 'id="production-data"' in page
    assert "Rp1.444,70 per kWh" in page
    # Both were first served in March (a on Sunday 2 March): both new in the month.
    a, b = march.businesses[:2]
    assert table_row(page, "data-business", a)[1:] == [
        "9120024168613",
        "mikro",
        "sleman",
        "8",
        "2 Mar 2025",
    ]
    assert table_row(page, "data-business", b)[0] == "Keripik Nangka Cangkringan baru"
    assert "2 UMKM terlayani dalam periode ini, 2 di antaranya baru" in page
    assert march.businesses[2] not in page  # c only missed its booking


async def test_drill_down_to_a_house_and_a_machines_months(client, march):
    await log_in(client, "auditor")
    country = await client.get("/laporan", params=MARCH)
    link = re.search(r'href="(/laporan\?bulan=2025-03&provinsi=[^"]+)"', country.text)
    assert link
    province = await client.get(link.group(1))
    assert province.status_code == 200
    assert "/laporan?bulan=2025-03&rumah=" in province.text
    house = await client.get("/laporan", params=MARCH | {"rumah": "sleman"})
    fryer = cells(house.text, "sleman-fryer-1")
    assert fryer[3] == "46"  # running hours of the March week
    assert "rp-idle" in re.search(r'<tr data-key="sleman-chiller-1"[^>]*>', house.text).group(0)
    assert "batu-bara-kettle-1" not in house.text
    machine = await client.get("/laporan", params=MARCH | {"mesin": "sleman-fryer-1"})
    assert cells(machine.text, "2025-03")[3] == "46"
    assert machine.text.count("<tr data-key=") == 12


async def test_the_rows_on_the_page_download_as_files(client, march):
    await log_in(client, "auditor")
    answer = await client.get("/laporan/unduh", params=MARCH | {"rumah": "sleman", "format": "csv"})
    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.text)))
    keys = {row[0] for row in rows[1:]}
    assert "sleman-fryer-1" in keys
    assert "batu-bara-kettle-1" not in keys
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        file = await client.get("/laporan/unduh", params=MARCH | {"format": fmt})
        assert file.status_code == 200
        assert file.content.startswith(magic)


async def test_each_role_sees_its_scope(client, march):
    await log_in(client, "umkm_siti")
    assert (await client.get("/laporan", params=MARCH)).status_code == 403
    await log_in(client, "operator_batu_bara")
    own = await client.get("/laporan", params=MARCH | {"rumah": "batu-bara"})
    assert "batu-bara-kettle-1" in own.text
    other = await client.get("/laporan", params=MARCH | {"rumah": "sleman"})
    assert "sleman-fryer-1" not in other.text
    assert (await client.get("/laporan", params={"bulan": "2025-13"})).status_code == 400


@pytest.mark.browser
def test_on_a_phone_the_chart_draws_beside_its_table(march, server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = phone(browser, server, "auditor", "/laporan?bulan=2025-03")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.reload()
        page.wait_for_selector("#report-chart svg")
        page.wait_for_selector("#money-chart svg")
        page.wait_for_selector("#production-chart svg")
        assert page.locator("#report-rows tbody tr").count() >= 2
        # Each chart's table view: a line per row (money) and per row and unit (production).
        assert (
            page.locator("#money-rows tbody tr").count()
            == page.locator("#report-rows tbody tr").count()
        )
        assert page.locator("#production-rows tbody tr").count() >= 2
        yogyakarta = page.locator("#money-rows tr[data-money='Daerah Istimewa Yogyakarta'] td")
        assert yogyakarta.first.inner_text() == "Rp503.126"
        assert page.locator("#umkm-rows tr.rp-new .rp-flag-new").first.inner_text() == "baru"
        assert fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-360x740.png"), full_page=True)
        assert errors == []
        browser.close()


@pytest.mark.browser
def test_the_auditor_drills_into_an_idle_machine_and_downloads_the_files(march, server):
    """As a person would: from the country to Sleman, the idle chiller's months, then the house's
    rows as CSV, Excel and PDF, each file checked against the API's JSON for the same rows."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, accept_downloads=True
        )
        page = context.new_page()
        page.goto(f"{server}/login?next=/laporan?bulan=2025-03")
        page.fill("#email", "auditor@demo.sharedfactory.id")
        page.fill("#password", "demo-auditor-2026")
        page.click("main button[type=submit]")
        page.click("#report-rows a:has-text('Daerah Istimewa Yogyakarta')")
        page.click("#report-rows a[href*='rumah=sleman']")
        idle = page.locator("#report-rows tr.rp-idle[data-key='sleman-chiller-1'] th a").first
        idle.click()
        page.wait_for_url("**mesin=sleman-chiller-1*")
        assert page.locator("#report-rows tbody tr").count() == 12
        page.go_back()
        api = page.request.get(
            f"{server}/api/v1/reports/utilisation",
            params={
                "from": "2025-03-01T00:00:00+07:00",
                "to": "2025-04-01T00:00:00+07:00",
                "group": "machine",
            },
        ).json()
        expected = {r["key"]: r for r in api["rows"] if r["house"] == "sleman"}
        files = {}
        for fmt in ("csv", "xlsx", "pdf"):
            with page.expect_download() as download:
                page.click(f".rp-files a:has-text('{fmt.upper()}')")
            files[fmt] = Path(download.value.path()).read_bytes()
        browser.close()
    shown = {row[0]: row for row in csv.reader(io.StringIO(files["csv"].decode()))}
    assert set(shown) - {"key"} == set(expected)
    assert float(shown["sleman-fryer-1"][3]) == expected["sleman-fryer-1"]["actual_hours"]
    sheet = load_workbook(io.BytesIO(files["xlsx"]), read_only=True).worksheets[0]
    by_key = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert by_key["sleman-fryer-1"][3] == expected["sleman-fryer-1"]["actual_hours"]
    assert files["pdf"].startswith(b"%PDF")


@pytest.mark.pure
def test_a_name_cannot_close_the_charts_script_block():
    """A house or machine name is the chart's label, written into `<script type=
    "application/json">`: a `</script>` in it must stay text, and JSON still reads it back."""
    name = "Rumah </script><script>alert(1)</script>"
    shown = script_json({"labels": [name]})
    assert "<" not in shown
    assert json.loads(shown) == {"labels": [name]}

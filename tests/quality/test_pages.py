"""As a person would: on a phone, the UMKM seals its batch's quality record from its bookings,
reads it (intact, the check against the standard) and downloads the PDF; the operator records a
cleaning with a photo from the phone's file picker."""

from __future__ import annotations

import pytest

from sharedfactory.cleaning.tables import CleaningRecord
from tests.web.test_browser import ARTIFACTS
from tests.web.test_house_calendar_pages import in_thread
from tests.web.test_planning_pages import fits, phone

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.browser
def test_on_a_phone_the_umkm_opens_its_batchs_quality_record(batches, server, chromium):
    page = phone(chromium, server, "umkm_sri", "/pesanan-saya")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator("form[action^='/pesanan-saya/qr-pass-1/mutu'] button").click()
    page.wait_for_url("**/mutu/*")
    assert "Utuh" in page.locator("#integrity").inner_text()
    assert page.locator("#verdict").inner_text() == "Memenuhi semua batas"
    assert "milk_temp_c" in page.locator(".qr-table").inner_text()
    assert fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "quality-record-360x740.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_text("Unduh PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    assert errors == []
    page.context.close()


@pytest.mark.browser
def test_on_a_phone_the_operator_records_a_cleaning_with_a_photo(server, chromium, tmp_path):
    photo = tmp_path / "bukti-pembersihan.png"
    photo.write_bytes(PNG)
    page = phone(chromium, server, "operator_sleman", "/rumah/sleman/pembersihan")
    assert fits(page)
    page.select_option("#f-machine", "sleman-spinner-1")
    page.fill("#f-by", "Pak Budi")
    page.fill("#f-what", "Keranjang dicuci dan dibilas")
    page.set_input_files("#f-evidence", str(photo))
    page.click("#record-form button[type=submit]")
    page.wait_for_url("**/pembersihan?tersimpan=*")
    assert "tersimpan" in page.locator("#saved").inner_text()
    assert "bukti-pembersihan.png" in page.locator("[data-record]").first.inner_text()
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "cleaning-360x740.png"), full_page=True)
    page.context.close()
    in_thread(_forget_spinner_cleanings())


async def _forget_spinner_cleanings() -> None:
    await CleaningRecord.delete().where(CleaningRecord.machine.code == "sleman-spinner-1")

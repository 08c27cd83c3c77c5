"""The staff's machine page (`/rumah/{house}/mesin`) and UMKM pages (`/umkm`, `/umkm/{code}`):
forms with CSRF, each refusal beside its field with nothing half-saved, success redirected to a
banner; who may read and who may write; NIK and NPWP only ever masked; usable at 360 px.

House `batu-bara` only: machines of this file's own (`batu-bara-adm-page-*`, removed at the end
of each test with what hangs on them), and permits and trainings of its UMKM Siti added here and
removed again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sharedfactory.bookings.tables import Booking, Training
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.devices.logins import issue_machine_password
from sharedfactory.facilities.tables import Machine, MaintenanceWindow
from tests.conftest import SECRET, log_in
from tests.web.test_browser import ARTIFACTS
from tests.web.test_planning_pages import fits, in_thread, phone

HOUSE = "batu-bara"
PAGE = f"/rumah/{HOUSE}/mesin"
PREFIX = "batu-bara-adm-page-"
SITI = "ud-sambal-lado-tanjung"
SLEMAN_UMKM = "keripik-salak-pondoh-bu-sri"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def _remove_own_machines() -> None:
    await Booking.delete().where(Booking.machine._.code.like(f"{PREFIX}%")).run()
    await Machine.delete().where(Machine.code.like(f"{PREFIX}%")).run()


@pytest.fixture
async def own_machines(engine) -> AsyncIterator[None]:
    yield
    await _remove_own_machines()


@pytest.fixture
async def siti_restored(engine) -> AsyncIterator[int]:
    """Siti's permits and trainings as they were, whatever a test adds."""
    pk = (await Business.select(Business.id).where(Business.code == SITI))[0]["id"]
    permits = [r["id"] for r in await Permit.select(Permit.id).where(Permit.business == pk)]
    trained = [r["id"] for r in await Training.select(Training.id).where(Training.business == pk)]
    yield pk
    await Permit.delete().where(Permit.business == pk, Permit.id.not_in(permits or [-1]))
    await Training.delete().where(Training.business == pk, Training.id.not_in(trained or [-1]))


async def token(client, url: str = PAGE) -> str:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


async def send(client, url: str = PAGE, **fields: str):
    data = fields | {"_csrf_token": await token(client)}
    return await client.post(url, data=data, follow_redirects=False)


def machine_form(suffix: str, **change: str) -> dict[str, str]:
    return {
        "action": "add_machine",
        "code": f"{PREFIX}{suffix}",
        "machine_type": "cooking_kettle",
        "name": "Wajan Uji",
        "batch_size": "5,5",
        "cycle_minutes": "90",
        "tariff_per_hour": "Rp150.000",
        "power_kw": "3",
        "needs_operator": "on",
        "halal_status": "shared",
    } | change


def beside(text: str, key: str) -> str:
    return text.split(f'id="error-{key}">', 1)[1].split("</p>", 1)[0]


async def stored(code: str) -> dict[str, Any] | None:
    return await Machine.select().where(Machine.code == code).first()


async def test_the_operator_reads_the_house_machines_in_indonesian(client):
    await log_in(client, "operator_batu_bara")
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert "<h1>Mesin</h1>" in page.text
    row = page.text.split('data-machine="batu-bara-kettle-1"', 1)[1].split("</tr>", 1)[0]
    for shown in ("Wajan Pemasak 1", "50 kg / 90 menit", "Rp85.000/jam", "3 kW", "wajib ada"):
        assert shown in row
    assert "Khusus halal" in row
    assert "belum direncanakan" in row
    assert 'data-login="no"' in row
    assert 'id="add-form"' in page.text
    assert 'id="edit-form"' not in page.text
    assert page.text.count('name="_csrf_token"') >= 1
    english = await client.get(PAGE, params={"lang": "en"})
    assert "<h1>Machines</h1>" in english.text
    assert "Rp85.000/hour" in english.text
    plans = await client.get(f"/rumah/{HOUSE}/rencana", params={"lang": "id"})
    assert f'href="{PAGE}"' in plans.text
    assert 'href="/umkm"' in plans.text


async def test_a_machine_is_added_with_indonesian_numbers(client, own_machines):
    await log_in(client, "operator_batu_bara")
    saved = await send(client, **machine_form("kettle"))
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{PAGE}?disimpan=tambah&mesin={PREFIX}kettle"
    shown = await client.get(saved.headers["location"])
    assert "Wajan Uji sudah ditambahkan" in shown.text
    assert f'data-machine="{PREFIX}kettle"' in shown.text
    assert 'id="edit-form"' in shown.text  # the new machine, ready to edit
    row = await stored(f"{PREFIX}kettle")
    assert (float(row["batch_size"]), row["tariff_per_hour"], row["needs_operator"]) == (
        5.5,
        150_000,
        True,
    )


async def test_bad_values_are_told_beside_each_field_and_nothing_is_saved(client, own_machines):
    await log_in(client, "operator_batu_bara")
    bad = machine_form(
        "bad", code="Wajan Baru", batch_size="lima", tariff_per_hour="-5", machine_type="x"
    )
    answer = await send(client, **bad)
    assert answer.status_code == 400, answer.text
    assert "huruf kecil" in beside(answer.text, "add-code")
    assert "0,01 sampai 100.000" in beside(answer.text, "add-batch_size")
    assert "Rupiah bulat" in beside(answer.text, "add-tariff_per_hour")
    assert "dari daftar" in beside(answer.text, "add-machine_type")
    assert 'id="error-add-name"' not in answer.text
    assert re.search(r'id="f-add-batch_size"[^>]*value="lima"', answer.text)
    assert re.search(r'id="f-add-batch_size"[^>]*aria-invalid="true"', answer.text)
    assert not await Machine.exists().where(Machine.code.like(f"{PREFIX}%"))
    taken = await send(client, **machine_form("x", code="batu-bara-kettle-1"))
    assert taken.status_code == 409
    assert "sudah dipakai" in beside(taken.text, "add-code")
    unknown = await send(client, **machine_form("t", machine_type="time_machine"))
    assert unknown.status_code == 400
    assert "time_machine" in beside(unknown.text, "add-machine_type")
    assert not await Machine.exists().where(Machine.code.like(f"{PREFIX}%"))


async def test_an_edit_is_saved_whole_or_not_at_all(client, own_machines):
    await log_in(client, "operator_batu_bara")
    code = f"{PREFIX}edit"
    assert (await send(client, **machine_form("edit"))).status_code == 303
    form = await client.get(PAGE, params={"mesin": code})
    assert re.search(r'id="f-edit-tariff_per_hour"[^>]*value="150000"', form.text)
    edit = {
        "action": "edit_machine",
        "machine": code,
        "name": "Wajan Uji Baru",
        "batch_size": "6",
        "cycle_minutes": "85",
        "tariff_per_hour": "175.000",
        "power_kw": "3,25",
        "halal_status": "never_halal",
    }  # needs_operator left out: the box unticked
    saved = await send(client, **edit)
    assert saved.status_code == 303, saved.text
    shown = await client.get(saved.headers["location"])
    assert "Perubahan Wajan Uji Baru sudah disimpan" in shown.text
    row = await stored(code)
    assert (row["name"], row["tariff_per_hour"], row["needs_operator"], row["halal_status"]) == (
        "Wajan Uji Baru",
        175_000,
        False,
        "never_halal",
    )
    again = await client.get(PAGE, params={"mesin": code})
    select = again.text.split('id="f-edit-halal_status"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 1  # never halal offers nothing else
    back = await send(client, **edit | {"name": "Nama Lain", "halal_status": "shared"})
    assert back.status_code == 409
    assert "tetap non-halal" in beside(back.text, "edit-halal_status")
    assert (await stored(code))["name"] == "Wajan Uji Baru"  # not half-saved
    wrong = await send(client, **edit | {"cycle_minutes": "0", "name": "Lain"})
    assert wrong.status_code == 400
    assert "1 sampai 10.080" in beside(wrong.text, "edit-cycle_minutes")
    assert (await stored(code))["name"] == "Wajan Uji Baru"
    other = await send(client, **edit | {"machine": "sleman-sealer-1"})
    assert other.status_code == 404
    assert 'id="problem"' in other.text


async def test_the_table_shows_the_login_and_the_next_maintenance(client, own_machines):
    await log_in(client, "admin")
    code = f"{PREFIX}live"
    assert (await send(client, **machine_form("live"))).status_code == 303
    machine = (await Machine.select(Machine.id).where(Machine.code == code))[0]["id"]
    starts = datetime(2030, 1, 7, 1, 0, tzinfo=UTC)
    await MaintenanceWindow.insert(
        MaintenanceWindow(
            machine=machine, starts_at=starts, ends_at=starts + timedelta(hours=3), reason="uji"
        )
    )
    await issue_machine_password(code)
    page = await client.get(PAGE)
    row = page.text.split(f'data-machine="{code}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-login="yes"' in row
    assert ">ada<" in row
    assert "2030-01-07 08.00–11.00 WIB" in row


async def test_who_reads_and_who_writes_the_machine_page(client, own_machines):
    await log_in(client, "auditor")
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert 'id="read-only"' in page.text
    assert 'id="add-form"' not in page.text
    assert "Ubah" not in page.text.split('id="machines"', 1)[1].split("</table>", 1)[0]
    own = await client.get("/laporan", params={"bulan": "2025-03"})
    data = machine_form("auditor") | {"_csrf_token": CSRF.search(own.text).group(1)}
    assert (await client.post(PAGE, data=data)).status_code == 403
    await log_in(client, "umkm_siti")
    assert (await client.get(PAGE)).status_code == 403
    await log_in(client, "operator_sleman")
    assert (await client.get(PAGE)).status_code == 403
    sleman = await client.get("/rumah/sleman/mesin")
    data["_csrf_token"] = CSRF.search(sleman.text).group(1)
    assert (await client.post(PAGE, data=data)).status_code == 403
    assert not await Machine.exists().where(Machine.code.like(f"{PREFIX}%"))
    await log_in(client, "admin")
    assert (await client.get("/rumah/atlantis/mesin")).status_code == 404
    no_token = await client.post(PAGE, data=machine_form("x"))
    assert no_token.status_code == 403
    assert (await send(client, action="drop_tables")).status_code == 400
    await client.post("/api/v1/auth/logout")
    anonymous = await client.get(PAGE, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)
    assert anonymous.headers["location"].startswith("/login")


async def _personal_numbers() -> list[str]:
    cipher = PersonalDataCipher(SECRET)
    rows = await Business.select(Business.nik_encrypted, Business.npwp_encrypted)
    numbers = [cipher.decrypt(r["nik_encrypted"]) for r in rows]
    return numbers + [cipher.decrypt(r["npwp_encrypted"]) for r in rows if r["npwp_encrypted"]]


async def test_the_umkm_list_never_shows_a_nik_unmasked(client):
    numbers = await _personal_numbers()
    assert len(numbers) > 32
    await log_in(client, "admin")
    everyone = await client.get("/umkm")
    assert everyone.status_code == 200
    assert everyone.text.count('class="ad-card" data-business=') == 32
    siti = await client.get(f"/umkm/{SITI}")
    for page in (everyone.text, siti.text):
        assert not [n for n in numbers if n in page]
    nik = (await Business.select(Business.nik_masked).where(Business.code == SITI))[0]
    assert nik["nik_masked"] in siti.text
    assert "*" in nik["nik_masked"]


async def test_the_operator_sees_the_cluster_and_finds_by_name_or_nib(client):
    await log_in(client, "operator_batu_bara")
    page = await client.get("/umkm")
    assert f'data-business="{SITI}"' in page.text
    assert f'data-business="{SLEMAN_UMKM}"' not in page.text
    found = await client.get("/umkm", params={"cari": "SAMBAL lado"})
    assert found.text.count('class="ad-card" data-business=') == 1
    nib = (await Business.select(Business.nib).where(Business.code == SITI))[0]["nib"]
    by_nib = await client.get("/umkm", params={"cari": nib[-6:]})
    assert f'data-business="{SITI}"' in by_nib.text
    odd = await client.get("/umkm", params={"cari": "%_\\"})
    assert odd.status_code == 200
    assert (await client.get(f"/umkm/{SLEMAN_UMKM}")).status_code == 404
    assert (await client.get("/umkm/atlantis")).status_code == 404
    await log_in(client, "umkm_siti")
    assert (await client.get("/umkm")).status_code == 403
    assert (await client.get(f"/umkm/{SITI}")).status_code == 403
    await log_in(client, "auditor")
    assert f'data-business="{SLEMAN_UMKM}"' in (await client.get("/umkm")).text


async def test_permits_that_lapsed_or_soon_lapse_are_marked(client, siti_restored):
    today = date.today()
    for number, expires in (("ADM-LAPSED", -2), ("ADM-SOON", 10), ("ADM-LATER", 400)):
        await Permit.insert(
            Permit(
                business=siti_restored,
                kind="sni",
                number=number,
                product="Sambal",
                issued_on=today - timedelta(days=800),
                expires_on=today + timedelta(days=expires),
            )
        )
    await log_in(client, "operator_batu_bara")
    for url in ("/umkm", f"/umkm/{SITI}"):
        page = await client.get(url)
        card = page.text.split(f'data-business="{SITI}"', 1)[-1]
        for number, flag in (("ADM-LAPSED", "kedaluwarsa"), ("ADM-SOON", "habis dalam 30 hari")):
            permit = card.split(number, 1)[1].split("</span>\n", 1)[0]
            assert flag in permit, url
        later = card.split("ADM-LATER", 1)[1].split("</span>", 1)[0]
        assert "ad-flag" not in later


async def test_staff_record_a_training_on_the_business_page(client, siti_restored):
    url = f"/umkm/{SITI}/pelatihan"
    await log_in(client, "auditor")
    page = await client.get(f"/umkm/{SITI}")
    assert 'id="training-form"' not in page.text
    data = {"machine_type": "cooking_kettle", "trained_on": "2026-11-02"}
    data["_csrf_token"] = CSRF.search(page.text).group(1)
    assert (await client.post(url, data=data)).status_code == 403
    await log_in(client, "operator_batu_bara")
    page = await client.get(f"/umkm/{SITI}")
    assert '<option value="cooking_kettle"' in page.text
    assert '<option value="vacuum_fryer"' not in page.text  # not a machine of this house
    saved = await send(client, url, **data)
    assert saved.status_code == 303, saved.text
    shown = await client.get(saved.headers["location"])
    assert 'id="saved"' in shown.text
    assert "Wajan pemasak berpengaduk" in shown.text
    again = await send(client, url, **data)
    assert again.status_code == 409
    assert "sudah dicatat" in beside(again.text, "machine_type")
    bad = await send(client, url, machine_type="vacuum_fryer", trained_on="1999-01-01")
    assert bad.status_code == 400
    assert "dari daftar" in beside(bad.text, "machine_type")
    assert "2026-12-31" in beside(bad.text, "trained_on")
    kettle = Training.machine_type.code == "cooking_kettle"
    assert await Training.count().where(Training.business == siti_restored, kettle) == 1


@pytest.mark.browser
def test_on_a_phone_the_admin_pages_fit(server, chromium):
    try:
        page = phone(chromium, server, "operator_batu_bara", PAGE)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        assert fits(page)
        page.fill("#f-add-code", "Wajan Baru")
        page.fill("#f-add-name", "Wajan Uji")
        page.fill("#f-add-batch_size", "5")
        page.fill("#f-add-cycle_minutes", "90")
        page.fill("#f-add-tariff_per_hour", "150000")
        page.fill("#f-add-power_kw", "3")
        page.click("#add-form button[type=submit]")
        page.wait_for_selector("#error-add-code")
        assert fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "house-machines-360x740.png"), full_page=True)
        page.goto(f"{server}/umkm/{SITI}")
        assert fits(page)
        page.goto(f"{server}/umkm")
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "umkm-360x740.png"), full_page=True)
        assert errors == []
    finally:
        in_thread(_remove_own_machines())

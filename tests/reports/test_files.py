"""`format=csv|xlsx|pdf`: the same rows as the JSON answer, each file opened as a person's tool
would open it (csv, openpyxl, the PDF's own bytes)."""

import csv
import io
import re
import zlib

import pytest
from openpyxl import load_workbook

from tests.conftest import log_in
from tests.reports.conftest import FROM, TO
from tests.reports.test_api import CONTRACT, URL, report

FILE_GROUPS = ["province", "house", "machine", "type", "month"]


async def fetch(client, format, **params):
    response = await client.get(URL, params={"from": FROM, "to": TO, "format": format} | params)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("group", FILE_GROUPS)
async def test_csv_rows_are_the_json_rows(client, march, group):
    await log_in(client, "auditor")
    body = await report(client, group=group)
    response = await fetch(client, "csv", group=group)
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["x-audit-head"] == body["audit_head"]
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert len(lines) == len(body["rows"])
    for line, row in zip(lines, body["rows"], strict=True):
        assert list(line)[: len(CONTRACT)] == CONTRACT
        assert line["key"] == row["key"]
        assert line["umkm_served"] == str(row["umkm_served"])
        assert line["idle"] == ("true" if row["idle"] else "false")
        assert line["idle_machines"].split() == row["idle_machines"]
        for field in CONTRACT[1:9]:
            expected = row[field]
            assert (float(line[field]) if line[field] else None) == expected
        for field in ("umkm_new", "revenue", "energy_cost", "margin"):
            assert line[field] == str(row[field])
        assert float(line["energy_kwh"]) == row["energy_kwh"]
        made = {m["unit"]: m for m in row["production"]}
        for unit in ("kg", "L", "pcs"):
            for name in ("good", "reject", "produced", "pass_rate"):
                found = line[f"{name}_{unit}"]
                expected = made[unit][name] if unit in made else None
                assert (float(found) if found else None) == expected, (name, unit)


def sheet_rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("group", ["house", "machine"])
async def test_xlsx_has_typed_cells_equal_to_the_json(client, march, group):
    await log_in(client, "admin")
    body = await report(client, group=group)
    response = await fetch(client, "xlsx", group=group)
    book = load_workbook(io.BytesIO(response.content))
    rows_sheet, production, served, about = book.worksheets
    header, *lines = sheet_rows(rows_sheet)
    assert header[:3] == ["Kode", "Jam terencana", "Jam dipesan"]
    assert len(lines) == len(body["rows"])
    for line, row in zip(lines, body["rows"], strict=True):
        assert line[0] == row["key"]
        for index, field in enumerate(CONTRACT[1:], start=1):
            assert line[index] == row[field], field
            if row[field] is not None:
                assert isinstance(line[index], int | float), field
        assert line[CONTRACT.index("umkm_served")] == row["umkm_served"]
        for field in ("revenue", "energy_kwh", "energy_cost", "margin", "umkm_new"):
            assert line[header.index(HEADERS[field])] == row[field], field
    made = [line for row in body["rows"] for line in _production(row)]
    assert sheet_rows(production) == [
        ["Kode", "Nama", "Satuan", "Baik", "Ditolak", "Diproduksi", "Tingkat lolos"],
        *made,
    ]
    assert [line[0] for line in sheet_rows(served)[1:]] == [
        "dodol-susu-ngemplak",
        "keripik-nangka-cangkringan",
    ]
    stated = {r[0]: r[1] for r in sheet_rows(about)}
    assert stated["Kepala rantai audit"] == body["audit_head"]
    assert stated["Dari"] == FROM
    assert stated["Sampai (tidak termasuk)"] == TO
    assert stated["Dikelompokkan per"] in ("Rumah produksi", "Mesin")
    assert stated["Tarif listrik (Rp/kWh)"] == 1444.7


HEADERS = {
    "revenue": "Pendapatan (Rp)",
    "energy_kwh": "Energi (kWh)",
    "energy_cost": "Biaya energi (Rp)",
    "margin": "Selisih (Rp)",
    "umkm_new": "UMKM baru",
}


def _production(row):
    return [
        [row["key"], row["label"], m["unit"], m["good"], m["reject"], m["produced"], m["pass_rate"]]
        for m in row["production"]
    ]


async def test_xlsx_in_english(client, march):
    await log_in(client, "auditor")
    response = await fetch(client, "xlsx", lang="en")
    book = load_workbook(io.BytesIO(response.content))
    assert [sheet.title for sheet in book.worksheets] == [
        "Utilisation",
        "Production",
        "UMKM served",
        "About",
    ]
    assert sheet_rows(book.worksheets[0])[0][:2] == ["Key", "Planned hours"]


def pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated: enough to find the words it shows.
    The stream is taken up to `endstream` and inflated by a decompressor that leaves the line end
    before it aside: cutting `\r?\n` off by pattern would also cut a compressed stream whose last
    checksum byte happens to be `\r` (about one stream in 256), and lose its text."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.parametrize(("lang", "title"), [("id", b"Laporan Utilisasi"), ("en", b"Machine Util")])
async def test_pdf_states_the_period_and_the_audit_head(client, march, lang, title):
    await log_in(client, "auditor")
    body = await report(client, group="house")
    response = await fetch(client, "pdf", group="house", lang=lang)
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    shown = pdf_text(response.content)
    assert body["audit_head"].encode() in shown
    assert title in shown
    assert FROM.encode() in shown
    for row in body["rows"]:
        assert row["key"].encode() in shown
    sleman = next(row for row in body["rows"] if row["key"] == "sleman")
    if lang == "id":  # the money table, Indonesian style, and the UMKM list's NIBs
        assert b"Rp453.126" in shown
        assert b"Rp396.137" in shown
        assert b"Biaya operasional di sini hanya energi" in shown
        assert b"9120022153951" in shown
    else:
        assert b"Rp453,126" in shown
    assert sleman["revenue"] == 453_126


async def test_files_keep_the_operators_scope(client, march):
    await log_in(client, "operator_sleman")
    lines = list(csv.DictReader(io.StringIO((await fetch(client, "csv", group="house")).text)))
    assert [line["key"] for line in lines] == ["sleman"]


async def test_umkm_get_no_file(client, march):
    await log_in(client, "umkm_siti")
    response = await client.get(URL, params={"from": FROM, "to": TO, "format": "xlsx"})
    assert response.status_code == 403

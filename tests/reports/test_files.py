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


def sheet_rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("group", ["house", "machine"])
async def test_xlsx_has_typed_cells_equal_to_the_json(client, march, group):
    await log_in(client, "admin")
    body = await report(client, group=group)
    response = await fetch(client, "xlsx", group=group)
    book = load_workbook(io.BytesIO(response.content))
    rows_sheet, about = book.worksheets
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
    stated = {r[0]: r[1] for r in sheet_rows(about)}
    assert stated["Kepala rantai audit"] == body["audit_head"]
    assert stated["Dari"] == FROM
    assert stated["Sampai (tidak termasuk)"] == TO
    assert stated["Dikelompokkan per"] in ("Rumah produksi", "Mesin")


async def test_xlsx_in_english(client, march):
    await log_in(client, "auditor")
    response = await fetch(client, "xlsx", lang="en")
    book = load_workbook(io.BytesIO(response.content))
    assert [sheet.title for sheet in book.worksheets] == ["Utilisation", "About"]
    assert sheet_rows(book.worksheets[0])[0][:2] == ["Key", "Planned hours"]


def pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated: enough to find the words it shows."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
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


async def test_files_keep_the_operators_scope(client, march):
    await log_in(client, "operator_sleman")
    lines = list(csv.DictReader(io.StringIO((await fetch(client, "csv", group="house")).text)))
    assert [line["key"] for line in lines] == ["sleman"]


async def test_umkm_get_no_file(client, march):
    await log_in(client, "umkm_siti")
    response = await client.get(URL, params={"from": FROM, "to": TO, "format": "xlsx"})
    assert response.status_code == 403

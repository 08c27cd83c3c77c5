"""GET /api/v1/reports/businesses: the UMKM served in the March 2025 week of
tests/reports/conftest.py, with NIB and the new ones, each role's scope, and the files.

By hand (Sleman's first three businesses by code, all on sleman-fryer-1):
- a (dodol-susu-ngemplak, NIB 9120024168613, mikro): Monday 08-12 confirmed (4 h) and Sunday 22.00
  to Monday 02.00 confirmed (2 h inside): served, 6 h booked, first served Sunday 2 March, which
  is before the week: not new;
- b (keripik-nangka-cangkringan, NIB 9120022153951, mikro): Tuesday 08-10 completed: served,
  2 h, first served Tuesday 4 March: new;
- c (keripik-salak-pondoh-bu-sri): a no-show, a cancelled and a pending booking: not served.
"""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import log_in
from tests.reports.conftest import FROM, TO
from tests.reports.test_files import pdf_text, sheet_rows

URL = "/api/v1/reports/businesses"
A = {
    "code": "dodol-susu-ngemplak",
    "name": "Dodol Susu Ngemplak",
    "nib": "9120024168613",
    "size_class": "mikro",
    "houses": ["sleman"],
    "booked_hours": 6.0,
    "first_served": "2025-03-02",
    "new": False,
}
B = {
    "code": "keripik-nangka-cangkringan",
    "name": "Keripik Nangka Cangkringan",
    "nib": "9120022153951",
    "size_class": "mikro",
    "houses": ["sleman"],
    "booked_hours": 2.0,
    "first_served": "2025-03-04",
    "new": True,
}


async def served(client, status=200, **params):
    answer = await client.get(URL, params={"from": FROM, "to": TO} | params)
    assert answer.status_code == status, answer.text
    return answer.json()


async def test_the_weeks_umkm_by_hand(client, march):
    await log_in(client, "auditor")
    body = await served(client)
    assert body["rows"] == [A, B]
    assert (body["umkm_served"], body["umkm_new"]) == (2, 1)
    assert (body["from"], body["to"], body["house"]) == (FROM, TO, None)
    assert len(body["audit_head"]) == 64
    # The NIB is public; NIK and NPWP are never in the answer, not even masked.
    assert all(set(row) == set(A) for row in body["rows"])


async def test_the_list_agrees_with_the_rows_counts(client, march):
    await log_in(client, "admin")
    rows = await client.get(
        "/api/v1/reports/utilisation", params={"from": FROM, "to": TO, "group": "house"}
    )
    sleman = next(row for row in rows.json()["rows"] if row["key"] == "sleman")
    body = await served(client, house="sleman")
    assert (body["umkm_served"], body["umkm_new"]) == (sleman["umkm_served"], sleman["umkm_new"])


async def test_a_month_earlier_the_sunday_booking_makes_a_new_too(client, march):
    await log_in(client, "auditor")
    body = await served(client, **{"from": "2025-02-24T00:00:00+07:00"})
    assert [(row["code"], row["new"]) for row in body["rows"]] == [
        (A["code"], True),
        (B["code"], True),
    ]
    assert body["rows"][0]["booked_hours"] == 8.0  # the Sunday booking now lies wholly inside


async def test_a_house_narrows_the_list(client, march):
    await log_in(client, "auditor")
    assert (await served(client, house="sleman"))["rows"] == [A, B]
    assert (await served(client, house="batu-bara"))["rows"] == []
    await served(client, status=404, house="atlantis")


async def test_operators_see_their_own_house_only(client, march):
    await log_in(client, "operator_sleman")
    assert [row["code"] for row in (await served(client))["rows"]] == [A["code"], B["code"]]
    await log_in(client, "operator_batu_bara")
    assert (await served(client))["rows"] == []
    await served(client, status=403, house="sleman")


async def test_umkm_are_refused_and_strangers_must_log_in(client, march):
    assert (await client.get(URL, params={"from": FROM, "to": TO})).status_code == 401
    await log_in(client, "umkm_sri")
    assert (await client.get(URL, params={"from": FROM, "to": TO})).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": TO, "to": FROM}, "to"),
        ({"from": "kemarin", "to": TO}, "from"),
        ({"from": FROM, "to": TO, "house": "Sleman!"}, "house"),
        ({"from": FROM, "to": TO, "format": "docx"}, "format"),
    ],
)
async def test_bad_input_is_400_naming_the_field(client, params, field):
    await log_in(client, "auditor")
    answer = await client.get(URL, params=params)
    assert answer.status_code == 400, answer.text
    assert field in [item["key"] for item in answer.json()["extra"]]


async def test_csv_is_the_json(client, march):
    await log_in(client, "auditor")
    answer = await client.get(URL, params={"from": FROM, "to": TO, "format": "csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        'filename="businesses-2025-03-03-2025-03-10.csv"' in answer.headers["content-disposition"]
    )
    lines = list(csv.DictReader(io.StringIO(answer.text)))
    assert [line["code"] for line in lines] == [A["code"], B["code"]]
    assert (lines[0]["nib"], lines[0]["houses"], lines[0]["new"]) == (A["nib"], "sleman", "false")
    assert (lines[1]["booked_hours"], lines[1]["first_served"], lines[1]["new"]) == (
        "2.0",
        "2025-03-04",
        "true",
    )


async def test_xlsx_has_typed_cells(client, march):
    await log_in(client, "auditor")
    answer = await client.get(URL, params={"from": FROM, "to": TO, "format": "xlsx", "lang": "en"})
    book = load_workbook(io.BytesIO(answer.content))
    assert [sheet.title for sheet in book.worksheets] == ["UMKM served", "About"]
    header, *lines = sheet_rows(book.worksheets[0])
    assert header == [
        "Code",
        "Business",
        "NIB",
        "Size class",
        "Houses",
        "Booked hours",
        "First served",
        "New",
    ]
    assert lines[1] == [
        B["code"],
        B["name"],
        B["nib"],
        "mikro",
        "sleman",
        2.0,
        datetime(2025, 3, 4),
        True,
    ]
    stated = {row[0]: row[1] for row in sheet_rows(book.worksheets[1])}
    assert stated["House"] == "every house in scope"


async def test_pdf_lists_them(client, march):
    await log_in(client, "auditor")
    answer = await client.get(URL, params={"from": FROM, "to": TO, "format": "pdf"})
    assert answer.headers["content-type"] == "application/pdf"
    shown = pdf_text(answer.content)
    assert b"Laporan UMKM yang Dilayani" in shown
    for business in (A, B):
        assert business["nib"].encode() in shown
    assert answer.headers["x-audit-head"].encode() in shown

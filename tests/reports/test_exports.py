"""The file builders on plain rows (pure): nulls, flags and characters the PDF fonts lack."""

import csv
import io

import pytest

from sharedfactory.reports.exports import ReportFile, csv_lines
from sharedfactory.reports.output import Production
from sharedfactory.reports.pdf import pdf_bytes, shown
from sharedfactory.reports.utilisation import Row

pytestmark = pytest.mark.pure

ROW = Row(
    key="kopi",
    planned_hours=44.0,
    booked_hours=0.0,
    actual_hours=0.0,
    utilisation=0.0,
    availability=0.0,
    performance=None,
    quality=None,
    oee=None,
    umkm_served=0,
    label="Kopi \u2615 Gayo \u2013 sangrai",
    house="gayo",
    machines=2,
    idle=True,
    idle_machines=("gayo-roaster-1", "gayo-roaster-2"),
    umkm_new=0,
    revenue=1_500_000,
    energy_kwh=12.5,
    energy_cost=18_059,
    margin=1_481_941,
    production=(Production("kg", 0.0, 0.0, 0.0, None),),
)


def report(rows, lang="id"):
    return ReportFile(rows, "0" * 64, "2025-03-03T00:00:00+07:00", "x", "house", 0.2, "now", lang)


def test_csv_writes_nulls_empty_and_flags_as_words():
    (line,) = csv.DictReader(io.StringIO("".join(csv_lines(report([ROW])))))
    assert (line["performance"], line["oee"], line["idle"]) == ("", "", "true")
    assert line["idle_machines"] == "gayo-roaster-1 gayo-roaster-2"
    assert line["label"] == ROW.label


def test_pdf_shows_numbers_the_indonesian_way_and_survives_any_character():
    assert shown(ROW, "planned_hours", "id") == "44,00"
    assert shown(ROW, "planned_hours", "en") == "44.00"
    assert shown(ROW, "oee", "id") == "-"
    assert shown(ROW, "idle", "id") == "ya"
    assert shown(ROW, "idle", "en") == "yes"
    assert shown(ROW, "label", "id") == "Kopi ? Gayo ? sangrai"
    assert pdf_bytes(report([ROW])).startswith(b"%PDF")


def test_an_empty_report_is_still_a_pdf():
    assert pdf_bytes(report([], lang="en")).startswith(b"%PDF")

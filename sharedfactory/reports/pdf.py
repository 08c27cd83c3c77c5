"""The report as a PDF (fpdf2): a title, the period, the grouping, the audit chain head and
the table, in Bahasa Indonesia by default (English with lang="en")."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent
from fpdf import FPDF
from fpdf.fonts import FontFace

from sharedfactory.reports.exports import HOURS, RATIOS, ReportFile, value
from sharedfactory.reports.labels import group_name, header, text
from sharedfactory.reports.utilisation import Row

PDF_TYPE = "application/pdf"
PDF_COLUMNS = (
    "key",
    "label",
    "planned_hours",
    "booked_hours",
    "actual_hours",
    "utilisation",
    "availability",
    "performance",
    "quality",
    "oee",
    "umkm_served",
    "machines",
    "idle",
)
# Millimetres on landscape A4 (277 mm inside the margins).
WIDTHS = (34, 47, 17, 17, 17, 17, 19, 17, 17, 15, 17, 13, 20)
ALIGN = ("LEFT", "LEFT", *["RIGHT"] * 10, "CENTER")
FONT = "Helvetica"


def _latin1(shown: str) -> str:
    """The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing."""
    return shown.encode("latin-1", "replace").decode("latin-1")


def shown(row: Row, column: str, lang: str) -> str:
    found = value(row, column)
    locale = "en" if lang == "en" else "id"
    if found is None:
        return "-"
    if isinstance(found, bool):
        return text("yes" if found else "no", lang)
    if column in RATIOS:
        return format_percent(found, "#,##0.0%", locale=locale)
    if column in HOURS:
        return format_decimal(found, "#,##0.00", locale=locale)
    if isinstance(found, int):
        return format_decimal(found, "#,##0", locale=locale)
    return _latin1(str(found))


def pdf_bytes(report: ReportFile) -> bytes:
    lang = report.lang
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(_latin1(text("title", lang)))
    pdf.set_subject(f"audit head {report.audit_head}")
    pdf.set_creator("sharedfactory")
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=14)
    pdf.cell(text=_latin1(text("title", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    for name, stated in _heading(report):
        pdf.cell(text=_latin1(f"{text(name, lang)}: {stated}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(pdf, report)
    return bytes(pdf.output())


def _heading(report: ReportFile) -> list[tuple[str, str]]:
    return [
        ("from", report.start),
        ("to", report.end),
        ("group", group_name(report.group, report.lang)),
        ("idle_below", shown_ratio(report.idle_below, report.lang)),
        ("audit_head", report.audit_head),
        ("built_at", report.built_at),
    ]


def shown_ratio(ratio: float, lang: str) -> str:
    return format_percent(ratio, "#,##0.#%", locale="en" if lang == "en" else "id")


def _table(pdf: FPDF, report: ReportFile) -> None:
    lang = report.lang
    if not report.rows:
        pdf.cell(text=_latin1(text("none", lang)))
        return
    pdf.set_font(FONT, size=7)
    with pdf.table(
        col_widths=WIDTHS,
        width=sum(WIDTHS),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 240)),
        line_height=4,
        text_align=ALIGN,
        align="LEFT",
    ) as table:
        heading = table.row()
        for column in PDF_COLUMNS:
            heading.cell(_latin1(header(column, lang)))
        for row in report.rows:
            cells = table.row()
            for column in PDF_COLUMNS:
                cells.cell(shown(row, column, lang))

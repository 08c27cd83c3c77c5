"""The reports as PDF (fpdf2): a title, the period, the grouping, the audit chain head, then the
tables (utilisation, revenue and energy, production per unit, the UMKM served), in Bahasa
Indonesia by default (English with lang="en")."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal, format_percent
from fpdf import FPDF
from fpdf.fonts import FontFace

from sharedfactory.reports.exports import (
    HOURS,
    PRODUCTION_COLUMNS,
    QUANTITIES,
    RATIOS,
    RUPIAH,
    SERVED_COLUMNS,
    ReportFile,
    ServedFile,
    production_lines,
    served_lines,
    value,
)
from sharedfactory.reports.labels import group_name, header, size_name, text, unit_name
from sharedfactory.reports.pdf_charts import FONT, latin1, report_charts
from sharedfactory.reports.utilisation import Row

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
MONEY_COLUMNS = (
    "key",
    "label",
    "umkm_served",
    "umkm_new",
    "revenue",
    "energy_kwh",
    "energy_cost",
    "margin",
)
# Millimetres on landscape A4 (277 mm inside the margins).
WIDTHS = {
    PDF_COLUMNS: (34, 47, 17, 17, 17, 17, 19, 17, 17, 15, 17, 13, 20),
    MONEY_COLUMNS: (34, 63, 22, 22, 36, 30, 34, 36),
    PRODUCTION_COLUMNS: (40, 72, 25, 35, 35, 35, 35),
    SERVED_COLUMNS: (48, 62, 30, 25, 40, 25, 27, 20),
}
TEXT_COLUMNS = frozenset({"key", "label", "unit", "code", "name", "nib", "size_class", "houses"})


def cell(column: str, found: Any, lang: str) -> str:
    """One value as a person reads it: Indonesian number style by default."""
    locale = "en" if lang == "en" else "id"
    if found is None:
        return "-"
    if isinstance(found, bool):
        return text("yes" if found else "no", lang)
    if column in RATIOS:
        return format_percent(found, "#,##0.0%", locale=locale)
    if column in HOURS:
        return format_decimal(found, "#,##0.00", locale=locale)
    if column in RUPIAH:  # -Rp158.917, as formats.rupiah writes it
        sign = "-" if found < 0 else ""
        return f"{sign}Rp{format_decimal(abs(found), '#,##0', locale=locale)}"
    if column in QUANTITIES:
        return format_decimal(found, "#,##0.###", locale=locale)
    if column == "unit":
        return unit_name(found, lang)
    if column == "size_class":
        return size_name(found, lang)
    if isinstance(found, int):
        return format_decimal(found, "#,##0", locale=locale)
    return latin1(str(found))


def shown(row: Row, column: str, lang: str) -> str:
    return cell(column, value(row, column), lang)


def _document(title: str, subject: str, heading: list[tuple[str, str]], lang: str) -> FPDF:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(latin1(title))
    pdf.set_subject(subject)
    pdf.set_creator("sharedfactory")
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=14)
    pdf.cell(text=latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    for name, stated in heading:
        pdf.cell(text=latin1(f"{text(name, lang)}: {stated}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    return pdf


def pdf_bytes(report: ReportFile) -> bytes:
    lang = report.lang
    title = text("title", lang)
    pdf = _document(title, f"audit head {report.audit_head}", _heading(report), lang)
    rows = report.rows
    _table(pdf, PDF_COLUMNS, [tuple(value(r, c) for c in PDF_COLUMNS) for r in rows], lang)
    _section(pdf, text("money_sheet", lang), text("costs", lang))
    _table(pdf, MONEY_COLUMNS, [tuple(value(r, c) for c in MONEY_COLUMNS) for r in rows], lang)
    _section(pdf, text("production_sheet", lang))
    _table(pdf, PRODUCTION_COLUMNS, production_lines(rows), lang)
    if report.served is not None:
        _section(pdf, text("served_sheet", lang), text("new_rule", lang))
        _table(pdf, SERVED_COLUMNS, served_lines(report.served), lang)
    report_charts(pdf, rows, lang, lambda column, found: cell(column, found, lang))
    return bytes(pdf.output())


def served_pdf_bytes(report: ServedFile) -> bytes:
    lang = report.lang
    heading = [
        ("from", report.start),
        ("to", report.end),
        ("house", report.house or text("all_houses", lang)),
        ("audit_head", report.audit_head),
        ("built_at", report.built_at),
    ]
    title = text("served_title", lang)
    pdf = _document(title, f"audit head {report.audit_head}", heading, lang)
    pdf.cell(text=latin1(text("new_rule", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _table(pdf, SERVED_COLUMNS, served_lines(report.rows), lang)
    return bytes(pdf.output())


def _heading(report: ReportFile) -> list[tuple[str, str]]:
    return [
        ("from", report.start),
        ("to", report.end),
        ("group", group_name(report.group, report.lang)),
        ("idle_below", shown_ratio(report.idle_below, report.lang)),
        ("tariff", format_decimal(report.tariff, "#,##0.00", locale=_locale(report.lang))),
        ("audit_head", report.audit_head),
        ("built_at", report.built_at),
    ]


def _locale(lang: str) -> str:
    return "en" if lang == "en" else "id"


def shown_ratio(ratio: float, lang: str) -> str:
    return format_percent(ratio, "#,##0.#%", locale=_locale(lang))


def _section(pdf: FPDF, title: str, note: str = "") -> None:
    pdf.ln(4)
    pdf.set_font(FONT, style="B", size=11)
    pdf.cell(text=latin1(title), new_x="LMARGIN", new_y="NEXT")
    if note:
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(w=0, text=latin1(note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, columns: tuple[str, ...], lines: list[tuple[Any, ...]], lang: str) -> None:
    if not lines:
        pdf.set_font(FONT, size=9)
        pdf.cell(text=latin1(text("none", lang)), new_x="LMARGIN", new_y="NEXT")
        return
    widths = WIDTHS[columns]
    pdf.set_font(FONT, size=7)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 240)),
        line_height=4,
        text_align=tuple(_align(c) for c in columns),
        align="LEFT",
    ) as table:
        heading = table.row()
        for column in columns:
            heading.cell(latin1(header(column, lang)))
        for line in lines:
            cells = table.row()
            for column, found in zip(columns, line, strict=True):
                cells.cell(cell(column, found, lang))


def _align(column: str) -> str:
    if column in ("idle", "new"):
        return "CENTER"
    return "LEFT" if column in TEXT_COLUMNS else "RIGHT"

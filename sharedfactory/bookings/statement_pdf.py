"""A UMKM's monthly statement as a PDF invoice (fpdf2, A4 portrait), in Rupiah, in Bahasa
Indonesia by default (English with lang="en"). Plain data in, bytes out."""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF

from sharedfactory.bookings.money import NO_SHOW_CHARGE_PERCENT, Statement
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.i18n.formats import long_date, number, rupiah

PDF_TYPE = "application/pdf"
FONT = "Helvetica"
# Millimetres on A4 portrait (190 mm inside the margins).


def _(text: str) -> str:
    """Marks a text for the catalogue; it is translated where it is shown."""
    return text


COLUMNS = (
    (_("Date"), 44, "L"),
    (_("Booking"), 30, "L"),
    (_("Machine"), 36, "L"),
    (_("Hours"), 14, "R"),
    (_("Tariff per hour"), 24, "R"),
    (_("Subsidy"), 16, "R"),
    (_("Amount"), 26, "R"),
)
Gettext = Callable[[str], str]


def _latin1(shown: str) -> str:
    """The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing."""
    return shown.encode("latin-1", "replace").decode("latin-1")


def statement_pdf(business: str, name: str, found: Statement, month_name: str, lang: str) -> bytes:
    say = gettext_for(lang)
    pdf = FPDF(orientation="P", format="A4")
    title = f"{say(_('Monthly statement'))} {name} {month_name}"
    pdf.set_title(_latin1(title))
    pdf.set_subject(_latin1(f"{say(_('Total'))} {found.total_text}"))
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, _latin1(say(_("Monthly statement"))), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 6, _latin1(f"{name} ({business}) - {month_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _table(pdf, found, say, lang)
    _totals(pdf, found, say)
    return bytes(pdf.output())


def _table(pdf: FPDF, found: Statement, gettext: Gettext, lang: str) -> None:
    pdf.set_font(FONT, "B", 8)
    for label, width, align in COLUMNS:
        pdf.cell(width, 6, _latin1(gettext(label)), border="B", align=align)
    pdf.ln()
    pdf.set_font(FONT, "", 8)
    for line in found.lines:
        status = gettext(line.status)
        if 0 < line.charged_percent < 100:
            status += f" {line.charged_percent}%"
        cells = (
            long_date(line.day, lang),
            line.booking,
            f"{line.machine} ({status})",
            number(line.hours),
            rupiah(line.tariff_per_hour),
            f"{line.discount_percent}%",
            rupiah(line.amount),
        )
        for (_label, width, align), shown in zip(COLUMNS, cells, strict=True):
            pdf.cell(width, 6, _latin1(shown), align=align)
        pdf.ln()


def _totals(pdf: FPDF, found: Statement, gettext: Gettext) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    if len(found.subtotals) > 1:
        for house, amount in found.subtotals.items():
            label = f"{gettext(_('House subtotal'))} - {house}"
            pdf.cell(164, 6, _latin1(label), align="R")
            pdf.cell(26, 6, rupiah(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 10)
    pdf.cell(164, 7, _latin1(gettext(_("Total"))), align="R")
    pdf.cell(26, 7, found.total_text, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    note = gettext(_("No-shows are charged %(percent)s %% of the amount.")) % {
        "percent": NO_SHOW_CHARGE_PERCENT
    }
    pdf.ln(2)
    pdf.multi_cell(0, 5, _latin1(note))

"""A sealed quality record as a one-page PDF (fpdf2, A4) with a QR code of its public link.

Plain data in, bytes out. The QR code (segno, error correction M) holds the link to the record's
page, where anyone can see the same record and whether it is still intact.
"""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.quality.view import CheckLine, Gettext, RecordView

FONT = "Helvetica"
QR_MM = 36
CHECK_COLUMNS = ((28, "L"), (48, "L"), (34, "L"), (40, "L"), (40, "L"))


def _(text: str) -> str:
    """Marks a text for the catalogue; it is translated where it is shown."""
    return text


def _latin1(shown: str) -> str:
    """The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing."""
    return shown.replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def quality_pdf(view: RecordView, url: str, lang: str) -> bytes:
    say = gettext_for(lang)
    pdf = FPDF(orientation="P", format="A4")
    pdf.set_title(_latin1(f"{say(_('Batch quality record'))} {view.booking}"))
    pdf.set_subject(_latin1(url))
    pdf.add_page()
    pdf.image(io.BytesIO(qr_png(url)), x=210 - 10 - QR_MM, y=10, w=QR_MM, h=QR_MM)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(140, 8, _latin1(say(_("Batch quality record"))), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(140, 7, _latin1(view.verdict), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for label, value in view.facts:
        pdf.cell(28, 5, _latin1(label))
        pdf.cell(112, 5, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), 10 + QR_MM) + 4)
    _checks(pdf, view.checks, say)
    _notes(pdf, view, say)
    _seal(pdf, view, url, say)
    return bytes(pdf.output())


def _checks(pdf: FPDF, checks: list[CheckLine], say: Gettext) -> None:
    heads = (_("Value"), _("Standard"), _("Limit"), _("Observed"), _("Result"))
    pdf.set_font(FONT, "B", 8)
    for (width, align), head in zip(CHECK_COLUMNS, heads, strict=True):
        pdf.cell(width, 6, _latin1(say(head)), border="B", align=align)
    pdf.ln()
    pdf.set_font(FONT, "", 8)
    for check in checks:
        cells = (check.value, check.standard, check.limit, check.observed, check.reason)
        for (width, align), shown in zip(CHECK_COLUMNS, cells, strict=True):
            pdf.cell(width, 6, _latin1(shown[:40]), align=align)
        pdf.ln()
    if not checks:
        pdf.cell(0, 6, _latin1(say(_("This machine has no quality limits for this product."))))
        pdf.ln()


def _notes(pdf: FPDF, view: RecordView, say: Gettext) -> None:
    pdf.ln(2)
    if view.excursions:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 6, _latin1(say(_("Excursions"))), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        for line in view.excursions[:30]:
            pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    if view.cleaning:
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, 5, _latin1(view.cleaning), new_x="LMARGIN", new_y="NEXT")


def _seal(pdf: FPDF, view: RecordView, url: str, say: Gettext) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "", 8)
    text = say(_("Sealed record SHA-256: %(sha)s. Check it at %(url)s")) % {
        "sha": view.sha256,
        "url": url,
    }
    pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")

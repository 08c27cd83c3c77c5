"""The dashboard's three charts drawn into the PDF with fpdf2's own rectangles (no image step):
utilisation and OEE, revenue against energy cost, and the pass rate per unit, as horizontal bars
with each bar's number written beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from sharedfactory.reports.labels import header, text, unit_name
from sharedfactory.reports.output import UNITS
from sharedfactory.reports.utilisation import Row

FONT = "Helvetica"
MAX_BARS = 40  # rows; a longer report keeps every row in its tables and draws no chart
COLOURS = ((84, 112, 198), (238, 102, 102), (145, 204, 117))  # ECharts' first series colours
LABEL_W, BAR_W, BAR_H = 62.0, 165.0, 3.4  # millimetres
Shown = Callable[[str, Any], str]  # (column, value) -> the text beside a bar


@dataclass(frozen=True)
class Series:
    name: str
    column: str  # how its numbers are shown (pdf.cell's column rules)
    values: list[float | None]


def latin1(shown: str) -> str:
    """The built-in PDF fonts cover Latin-1; anything else becomes '?' rather than failing."""
    return shown.encode("latin-1", "replace").decode("latin-1")


def report_charts(pdf: FPDF, rows: list[Row], lang: str, shown: Shown) -> None:
    if not rows or len(rows) > MAX_BARS:
        return
    labels = [row.label for row in rows]
    pdf.add_page()
    ratio = [
        Series(header("utilisation", lang), "utilisation", [r.utilisation for r in rows]),
        Series(header("oee", lang), "oee", [r.oee for r in rows]),
    ]
    _chart(pdf, f"{header('utilisation', lang)} / OEE", labels, ratio, shown)
    money = [
        Series(header("revenue", lang), "revenue", [float(r.revenue) for r in rows]),
        Series(header("energy_cost", lang), "energy_cost", [float(r.energy_cost) for r in rows]),
    ]
    _chart(pdf, text("money_sheet", lang), labels, money, shown)
    passing = [
        Series(
            f"{header('pass_rate', lang)} ({unit_name(unit, lang)})",
            "pass_rate",
            [_pass_rate(r, unit) for r in rows],
        )
        for unit in UNITS
        if any(made.unit == unit for r in rows for made in r.production)
    ]
    if passing:
        _chart(pdf, text("production_sheet", lang), labels, passing, shown)


def _pass_rate(row: Row, unit: str) -> float | None:
    return next((made.pass_rate for made in row.production if made.unit == unit), None)


def _chart(pdf: FPDF, title: str, labels: list[str], series: list[Series], shown: Shown) -> None:
    top = max([1.0, *(v for s in series for v in s.values if v is not None)])
    pdf.ln(3)
    pdf.set_font(FONT, style="B", size=11)
    pdf.cell(text=latin1(title), new_x="LMARGIN", new_y="NEXT")
    _legend(pdf, series)
    block = BAR_H * len(series) + 1.6
    for index, label in enumerate(labels):
        if pdf.get_y() + block > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_font(FONT, size=7)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(w=LABEL_W - 2, h=BAR_H, text=latin1(label[:48]))
        for number, one in enumerate(series):
            _bar(pdf, y + number * BAR_H, one, index, top, COLOURS[number % len(COLOURS)], shown)
        pdf.set_xy(pdf.l_margin, y + block)


def _bar(
    pdf: FPDF,
    y: float,
    series: Series,
    index: int,
    top: float,
    colour: tuple[int, int, int],
    shown: Shown,
) -> None:
    found = series.values[index]
    left = pdf.l_margin + LABEL_W
    width = 0.0 if found is None else BAR_W * max(found, 0.0) / top
    if width > 0:
        pdf.set_fill_color(*colour)
        pdf.rect(left, y + 0.4, width, BAR_H - 0.8, style="F")
    pdf.set_xy(left + width + 1, y)
    pdf.cell(h=BAR_H, text=latin1(shown(series.column, found)))


def _legend(pdf: FPDF, series: list[Series]) -> None:
    pdf.set_font(FONT, size=8)
    for number, one in enumerate(series):
        pdf.set_fill_color(*COLOURS[number % len(COLOURS)])
        pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(h=5, text=latin1(one.name) + "    ")
    pdf.ln(7)

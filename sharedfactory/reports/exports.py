"""The report as files: CSV (streamed line by line) and Excel (openpyxl, write-only, typed
cells). Both carry exactly the rows of the JSON answer; the PDF is in pdf.py."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sharedfactory.reports.labels import group_name, header, text
from sharedfactory.reports.utilisation import Row

COLUMNS = tuple(f.name for f in fields(Row))  # the JSON row's fields, in its order
RATIOS = frozenset({"utilisation", "availability", "performance", "quality", "oee"})
HOURS = frozenset({"planned_hours", "booked_hours", "actual_hours"})
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"


@dataclass(frozen=True)
class ReportFile:
    """What every file states besides the rows."""

    rows: list[Row]
    audit_head: str
    start: str  # the period as asked, ISO 8601 with its offset
    end: str
    group: str
    idle_below: float
    built_at: str  # ISO 8601, UTC
    lang: str = "id"


def value(row: Row, column: str) -> Any:
    found = getattr(row, column)
    return " ".join(found) if column == "idle_machines" else found


def csv_lines(report: ReportFile) -> Iterator[str]:
    """A header of the JSON field names, then one line per row: numbers with a decimal point,
    empty for not measurable, `true`/`false` for the idle flag (machine-readable)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield _take(out)
    for row in report.rows:
        writer.writerow([_csv_cell(value(row, column)) for column in COLUMNS])
        yield _take(out)


def _take(out: io.StringIO) -> str:
    line = out.getvalue()
    out.seek(0)
    out.truncate()
    return line


def _csv_cell(found: Any) -> Any:
    if found is None:
        return ""
    if isinstance(found, bool):
        return "true" if found else "false"
    return found


def xlsx_bytes(report: ReportFile) -> bytes:
    """Sheet one: the rows, numbers as numbers (ratios shown as percentages); sheet two: the
    period, the grouping, the idle threshold, the audit chain head and when it was built."""
    book = Workbook(write_only=True)
    rows = book.create_sheet(text("rows_sheet", report.lang))
    bold = Font(bold=True)
    rows.append([_cell(rows, header(c, report.lang), font=bold) for c in COLUMNS])
    for row in report.rows:
        rows.append([_typed(rows, column, value(row, column)) for column in COLUMNS])
    about = book.create_sheet(text("about_sheet", report.lang))
    for name, shown in _about(report):
        about.append([_cell(about, text(name, report.lang), font=bold), shown])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about(report: ReportFile) -> list[tuple[str, Any]]:
    return [
        ("title", ""),
        ("from", report.start),
        ("to", report.end),
        ("group", group_name(report.group, report.lang)),
        ("idle_below", report.idle_below),
        ("audit_head", report.audit_head),
        ("built_at", report.built_at),
    ]


def _cell(sheet: Any, shown: Any, font: Font | None = None, number_format: str = "") -> Any:
    cell = WriteOnlyCell(sheet, value=shown)
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    return cell


def _typed(sheet: Any, column: str, found: Any) -> Any:
    if column in RATIOS:
        return _cell(sheet, found, number_format="0.0%")
    if column in HOURS:
        return _cell(sheet, found, number_format="0.00")
    return _cell(sheet, found)

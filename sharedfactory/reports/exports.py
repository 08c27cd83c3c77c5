"""The reports as files: CSV (streamed line by line) and Excel (openpyxl, write-only, typed
cells, one sheet per table). Both carry exactly the rows of the JSON answers; the PDF is pdf.py."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sharedfactory.reports.labels import group_name, header, text
from sharedfactory.reports.output import UNITS, Production
from sharedfactory.reports.served import ServedBusiness
from sharedfactory.reports.utilisation import Row
from sharedfactory.settings import DEFAULT_ELECTRICITY_TARIFF

# The JSON row's fields in its order; its per-unit `production` list is a table of its own.
COLUMNS = tuple(f.name for f in fields(Row) if f.name != "production")
PRODUCED = ("good", "reject", "produced", "pass_rate")
# The CSV is one table, so production is spread over a fixed column per unit: good_kg, ...
PER_UNIT = {f"{name}_{unit}": (name, unit) for unit in UNITS for name in PRODUCED}
CSV_COLUMNS = (*COLUMNS, *PER_UNIT)
PRODUCTION_COLUMNS = ("key", "label", "unit", *PRODUCED)
SERVED_COLUMNS = tuple(f.name for f in fields(ServedBusiness))
RATIOS = frozenset({"utilisation", "availability", "performance", "quality", "oee", "pass_rate"})
HOURS = frozenset({"planned_hours", "booked_hours", "actual_hours"})
RUPIAH = frozenset({"revenue", "energy_cost", "margin"})
QUANTITIES = frozenset({"energy_kwh", "good", "reject", "produced"})
LISTS = frozenset({"idle_machines", "houses"})
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"


@dataclass(frozen=True)
class ReportFile:
    """What every file of the utilisation report states besides the rows."""

    rows: list[Row]
    audit_head: str
    start: str  # the period as asked, ISO 8601 with its offset
    end: str
    group: str
    idle_below: float
    built_at: str  # ISO 8601, UTC
    lang: str = "id"
    tariff: Decimal = DEFAULT_ELECTRICITY_TARIFF
    served: list[ServedBusiness] | None = None  # the UMKM sheet (Excel, PDF); None: no sheet


@dataclass(frozen=True)
class ServedFile:
    """The UMKM served report: its rows and what its files state."""

    rows: list[ServedBusiness]
    audit_head: str
    start: str
    end: str
    house: str | None
    built_at: str
    lang: str = "id"


@dataclass(frozen=True)
class Table:
    sheet: str  # its name in labels.TEXTS
    columns: tuple[str, ...]  # its headers in labels.HEADERS
    lines: list[tuple[Any, ...]]


def _made(row: Row, unit: str) -> Production | None:
    return next((line for line in row.production if line.unit == unit), None)


def value(row: Row, column: str) -> Any:
    """A row's cell: a field, the codes of a list joined by spaces, or a unit's production."""
    if column in PER_UNIT:
        name, unit = PER_UNIT[column]
        made = _made(row, unit)
        return None if made is None else getattr(made, name)
    found = getattr(row, column)
    return " ".join(found) if column in LISTS else found


def production_lines(rows: list[Row]) -> list[tuple[Any, ...]]:
    return [
        (row.key, row.label, made.unit, made.good, made.reject, made.produced, made.pass_rate)
        for row in rows
        for made in row.production
    ]


def served_lines(served: list[ServedBusiness]) -> list[tuple[Any, ...]]:
    return [
        tuple(" ".join(found) if c in LISTS else found for c, found in _fields(business))
        for business in served
    ]


def _fields(business: ServedBusiness) -> Iterator[tuple[str, Any]]:
    return ((column, getattr(business, column)) for column in SERVED_COLUMNS)


def tables(report: ReportFile) -> list[Table]:
    """Excel's sheets and the PDF's tables: the rows, production per unit, the UMKM served."""
    found = [
        Table("rows_sheet", COLUMNS, [tuple(value(r, c) for c in COLUMNS) for r in report.rows]),
        Table("production_sheet", PRODUCTION_COLUMNS, production_lines(report.rows)),
    ]
    if report.served is not None:
        found.append(Table("served_sheet", SERVED_COLUMNS, served_lines(report.served)))
    return found


def csv_lines(report: ReportFile) -> Iterator[str]:
    """A header of the JSON field names, then one line per row: numbers with a decimal point,
    empty for not measurable, `true`/`false` for flags (machine-readable)."""
    lines = ([value(row, column) for column in CSV_COLUMNS] for row in report.rows)
    return _csv(CSV_COLUMNS, lines)


def served_csv_lines(report: ServedFile) -> Iterator[str]:
    return _csv(SERVED_COLUMNS, served_lines(report.rows))


def _csv(columns: tuple[str, ...], lines: Iterable[Iterable[Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    yield _take(out)
    for line in lines:
        writer.writerow([_csv_cell(found) for found in line])
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
    """A sheet per table (numbers as numbers, ratios shown as percentages), then one stating the
    period, the grouping, the thresholds, the audit chain head and when it was built."""
    return _workbook(tables(report), _about(report), report.lang)


def served_xlsx_bytes(report: ServedFile) -> bytes:
    served = Table("served_sheet", SERVED_COLUMNS, served_lines(report.rows))
    return _workbook([served], served_about(report), report.lang)


def _workbook(sheets: list[Table], about: list[tuple[str, Any]], lang: str) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in sheets:
        sheet = book.create_sheet(text(table.sheet, lang))
        sheet.append([_cell(sheet, header(c, lang), font=bold) for c in table.columns])
        for line in table.lines:
            sheet.append([_typed(sheet, c, v) for c, v in zip(table.columns, line, strict=True)])
    sheet = book.create_sheet(text("about_sheet", lang))
    for name, shown in about:
        sheet.append([_cell(sheet, text(name, lang), font=bold), shown])
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
        ("tariff", float(report.tariff)),
        ("costs", ""),
        ("new_rule", ""),
        ("audit_head", report.audit_head),
        ("built_at", report.built_at),
    ]


def served_about(report: ServedFile) -> list[tuple[str, Any]]:
    return [
        ("served_title", ""),
        ("from", report.start),
        ("to", report.end),
        ("house", report.house or text("all_houses", report.lang)),
        ("new_rule", ""),
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
    if column in RUPIAH:
        return _cell(sheet, found, number_format='"Rp"#,##0')
    if column in QUANTITIES:
        return _cell(sheet, found, number_format="#,##0.000")
    if column == "first_served":
        return _cell(sheet, date.fromisoformat(found), number_format="yyyy-mm-dd")
    return _cell(sheet, found)

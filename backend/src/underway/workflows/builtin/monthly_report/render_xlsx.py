"""The Excel workbook: summary, per-category, per-account and daily sheets, optionally raw rows.

Written in openpyxl's write-only mode, which streams rows to disk: the raw sheet can hold a whole
month of transactions without building a cell object graph in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from underway.workflows.builtin.monthly_report.calculation import MonthlyFigures, Totals
from underway.workflows.builtin.monthly_report.dataset import COL_AMOUNT, COL_DATE, COLUMNS
from underway.workflows.builtin.monthly_report.formatting import category_label
from underway.workflows.builtin.monthly_report.validation import (
    Rejection,
    Transaction,
    ValidationOutcome,
)

MONEY = "#,##0.00"
SHEET_SUMMARY = "Summary"
SHEET_CATEGORY = "By category"
SHEET_ACCOUNT = "By account"
SHEET_DAILY = "Daily"
SHEET_RAW = "Raw data"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def _cell(ws: WriteOnlyWorksheet, value: Any, *, fmt: str | None = None, font: Font | None = None) -> Cell:
    # The stubs type the value as str/float/datetime; openpyxl also writes Decimal, int and date.
    cell = WriteOnlyCell(ws, value=cast(Any, value))
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    return cell


def _header(ws: WriteOnlyWorksheet, names: Sequence[str]) -> None:
    cells = [_cell(ws, n, font=_BOLD) for n in names]
    for c in cells:
        c.fill = _HEADER_FILL
    ws.append(cells)


def _totals_row(
    ws: WriteOnlyWorksheet,
    name: Any,
    t: Totals,
    *,
    font: Font | None = None,
    name_fmt: str | None = None,
) -> None:
    ws.append(
        [
            _cell(ws, name, font=font, fmt=name_fmt),
            _cell(ws, t.count, font=font),
            _cell(ws, t.credits, fmt=MONEY, font=font),
            _cell(ws, t.debits, fmt=MONEY, font=font),
            _cell(ws, t.net, fmt=MONEY, font=font),
        ]
    )


def _widths(ws: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    # Column widths must be set before the first row is streamed out. openpyxl gives write-only
    # sheets their column_dimensions at runtime; the stubs do not declare it.
    dimensions = cast(Any, ws).column_dimensions
    for letter, width in zip("ABCDEFGHIJ", widths, strict=False):
        dimensions[letter].width = width


def _summary_sheet(wb: Workbook, figures: MonthlyFigures, outcome: ValidationOutcome) -> None:
    ws = wb.create_sheet(SHEET_SUMMARY)
    _widths(ws, [34, 18, 18, 18, 18])
    cur = figures.currency
    ws.append([_cell(ws, f"Monthly financial report: {figures.period_label}", font=_TITLE)])
    ws.append([])
    ws.append(["Period", figures.period])
    ws.append(["Reporting currency", cur])
    ws.append(["Rows in the month", outcome.total])
    ws.append(["Valid transactions", len(outcome.valid)])
    ws.append(["Rejected rows", outcome.rejected_total])
    quality = Decimal(outcome.ratio.numerator) / Decimal(outcome.ratio.denominator)
    ws.append(["Quality (valid share)", _cell(ws, quality, fmt="0.00%")])
    ws.append([f"Credits ({cur})", _cell(ws, figures.totals.credits, fmt=MONEY)])
    ws.append([f"Debits ({cur})", _cell(ws, figures.totals.debits, fmt=MONEY)])
    ws.append([f"Net ({cur})", _cell(ws, figures.totals.net, fmt=MONEY, font=_BOLD)])
    ws.append([])
    _header(ws, ["Rejection reason", "Rows"])
    for reason, count in outcome.rejected_by_reason().items():
        ws.append([Rejection(reason).label, count])
    ws.append([])
    _header(ws, ["Currency (original amounts)", "Transactions", "Credits", "Debits", "Net"])
    for currency, totals in figures.by_currency.items():
        _totals_row(ws, currency, totals)


def _grouped_sheet(
    wb: Workbook,
    title: str,
    first_header: str,
    groups: dict[str, Totals],
    total: Totals,
    *,
    charts: bool,
) -> None:
    ws = wb.create_sheet(title)
    _widths(ws, [26, 14, 18, 18, 18])
    ws.freeze_panes = "A2"
    _header(ws, [first_header, "Transactions", "Credits", "Debits", "Net"])
    for name, totals in groups.items():
        _totals_row(ws, name, totals)
    _totals_row(ws, "Total", total, font=_BOLD)
    if charts and groups:
        chart = BarChart()
        chart.title = f"Credits and debits by {first_header.lower()}"
        chart.y_axis.title = "Amount"
        last = len(groups) + 1
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.width, chart.height = 22, 11
        ws.add_chart(chart, "G2")


def _daily_sheet(wb: Workbook, figures: MonthlyFigures, charts: bool) -> None:
    ws = wb.create_sheet(SHEET_DAILY)
    _widths(ws, [14, 14, 18, 18, 18])
    ws.freeze_panes = "A2"
    _header(ws, ["Date", "Transactions", "Credits", "Debits", "Net"])
    for day, totals in figures.daily.items():
        _totals_row(ws, day, totals, name_fmt="yyyy-mm-dd")
    if charts:
        chart = LineChart()
        chart.title = "Daily credits, debits and net"
        last = len(figures.daily) + 1
        chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.width, chart.height = 24, 11
        ws.add_chart(chart, "G2")


def _raw_sheet(wb: Workbook, transactions: Sequence[Transaction]) -> None:
    ws = wb.create_sheet(SHEET_RAW)
    _widths(ws, [14, 12, 18, 18, 26, 10, 14, 8])
    ws.freeze_panes = "A2"
    _header(ws, COLUMNS)
    for tx in transactions:
        row: list[Any] = list(tx.raw)
        # Typed values (a real date, a number) so the sheet can be filtered and summed as is.
        # Plain values, not styled cells: styling every cell makes this sheet 50% slower.
        row[COL_DATE] = tx.day
        row[COL_AMOUNT] = tx.amount
        ws.append(row)


def write_workbook(
    path: Path,
    figures: MonthlyFigures,
    outcome: ValidationOutcome,
    *,
    include_charts: bool,
    include_raw_data: bool,
) -> None:
    """Blocking: run it via ``ctx.run_sync``."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, figures, outcome)
    categories = {category_label(name): t for name, t in figures.by_category.items()}
    _grouped_sheet(wb, SHEET_CATEGORY, "Category", categories, figures.totals, charts=include_charts)
    _grouped_sheet(wb, SHEET_ACCOUNT, "Account", figures.by_account, figures.totals, charts=include_charts)
    _daily_sheet(wb, figures, include_charts)
    if include_raw_data:
        _raw_sheet(wb, outcome.valid)
    wb.save(path)

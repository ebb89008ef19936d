"""CSV outputs: the summary table, and optionally the month's valid raw rows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from underway.workflows.builtin.monthly_report.calculation import MonthlyFigures, Totals
from underway.workflows.builtin.monthly_report.dataset import COLUMNS
from underway.workflows.builtin.monthly_report.validation import Transaction


def summary_rows(figures: MonthlyFigures) -> Iterable[list[str]]:
    """One table for every grouping, told apart by ``section``: easy to filter in a spreadsheet."""

    def line(section: str, name: str, t: Totals) -> list[str]:
        return [section, name, str(t.count), str(t.credits), str(t.debits), str(t.net)]

    yield line("total", figures.period, figures.totals)
    for name, totals in figures.by_category.items():
        yield line("category", name, totals)
    for name, totals in figures.by_account.items():
        yield line("account", name, totals)
    for day, totals in figures.daily.items():
        yield line("day", day.isoformat(), totals)


def write_summary_csv(path: Path, figures: MonthlyFigures) -> None:
    cur = figures.currency.lower()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["section", "name", "transactions", f"credits_{cur}", f"debits_{cur}", f"net_{cur}"])
        writer.writerows(summary_rows(figures))


def write_raw_csv(path: Path, transactions: Iterable[Transaction]) -> None:
    """The valid rows exactly as read (original currency and amount), for auditors."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(tx.raw for tx in transactions)

"""The report's figures, computed with :class:`decimal.Decimal` only.

Each transaction is converted to the reporting currency and rounded to the cent on its own
(as a booking would be), then sums are exact: totals always equal the sum of their parts.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from underway.workflows.builtin.monthly_report.dataset import FX_TO_REPORTING, REPORTING_CURRENCY
from underway.workflows.builtin.monthly_report.validation import Transaction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PROGRESS_EVERY = 2_000


def to_reporting(amount: Decimal, currency: str) -> Decimal:
    """Convert to the reporting currency, rounding half-even (banker's rounding) to the cent."""
    return (amount * FX_TO_REPORTING[currency]).quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass
class Totals:
    """Credits, debits and count of a group of transactions; ``net`` is credits minus debits."""

    count: int = 0
    credits: Decimal = ZERO
    debits: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.credits - self.debits

    def add(self, amount: Decimal, is_credit: bool) -> None:
        self.count += 1
        if is_credit:
            self.credits += amount
        else:
            self.debits += amount

    def as_json(self) -> dict[str, str | int]:
        """Amounts as strings: JSON numbers would be read back as floats by most clients."""
        return {
            "count": self.count,
            "credits": str(self.credits),
            "debits": str(self.debits),
            "net": str(self.net),
        }


@dataclass
class MonthlyFigures:
    year: int
    month: int
    currency: str = REPORTING_CURRENCY
    totals: Totals = field(default_factory=Totals)
    by_category: dict[str, Totals] = field(default_factory=dict)
    by_account: dict[str, Totals] = field(default_factory=dict)
    # Per original currency, in that currency (not converted): what each account actually moved.
    by_currency: dict[str, Totals] = field(default_factory=dict)
    daily: dict[date, Totals] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def period_label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


def calculate(
    transactions: Iterable[Transaction],
    year: int,
    month: int,
    total: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> MonthlyFigures:
    """Aggregate the valid transactions of one month. Blocking: run it via ``ctx.run_sync``."""
    figures = MonthlyFigures(year=year, month=month)
    # Every day of the month appears in the series, including days without transactions.
    days_in_month = calendar.monthrange(year, month)[1]
    figures.daily = {date(year, month, d): Totals() for d in range(1, days_in_month + 1)}
    for i, tx in enumerate(transactions, 1):
        amount = to_reporting(tx.amount, tx.currency)
        figures.totals.add(amount, tx.is_credit)
        figures.by_category.setdefault(tx.category, Totals()).add(amount, tx.is_credit)
        figures.by_account.setdefault(tx.account, Totals()).add(amount, tx.is_credit)
        figures.by_currency.setdefault(tx.currency, Totals()).add(tx.amount, tx.is_credit)
        figures.daily[tx.day].add(amount, tx.is_credit)
        if i % PROGRESS_EVERY == 0:
            progress(i, total)
    progress(total, total)
    figures.by_category = dict(sorted(figures.by_category.items()))
    figures.by_account = dict(sorted(figures.by_account.items()))
    figures.by_currency = dict(sorted(figures.by_currency.items()))
    return figures

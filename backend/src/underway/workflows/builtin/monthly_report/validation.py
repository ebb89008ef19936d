"""Row validation of the month's transactions and the data quality gate."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from underway.operations.errors import WorkflowFailure
from underway.workflows.builtin.monthly_report.dataset import (
    COL_ACCOUNT,
    COL_AMOUNT,
    COL_CATEGORY,
    COL_COUNTERPARTY,
    COL_CURRENCY,
    COL_DATE,
    COL_ID,
    COL_TYPE,
    COLUMNS,
    FX_TO_REPORTING,
)

Row = list[str]
# Plain positive decimal with exactly two decimals: no sign, exponent, separator or currency sign.
_AMOUNT = re.compile(r"\d{1,12}\.\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TYPES = frozenset({"credit", "debit"})
PROGRESS_EVERY = 2_000


class Rejection(StrEnum):
    """Why a row was rejected. A row is counted once, under the first check it fails."""

    WRONG_COLUMN_COUNT = "wrong_column_count"
    MISSING_ID = "missing_transaction_id"
    DUPLICATE_ID = "duplicate_transaction_id"
    INVALID_DATE = "invalid_date"
    MISSING_ACCOUNT = "missing_account"
    MISSING_CATEGORY = "missing_category"
    UNKNOWN_CURRENCY = "unknown_currency"
    MALFORMED_AMOUNT = "malformed_amount"
    NON_POSITIVE_AMOUNT = "non_positive_amount"
    INVALID_TYPE = "invalid_type"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Transaction:
    """A valid row, parsed once. ``amount`` is in the row's own currency, always positive."""

    id: str
    day: date
    account: str
    category: str
    counterparty: str
    currency: str
    amount: Decimal
    is_credit: bool
    raw: Row


@dataclass
class ValidationOutcome:
    total: int
    valid: list[Transaction] = field(default_factory=list)
    rejected: Counter[Rejection] = field(default_factory=Counter)

    @property
    def rejected_total(self) -> int:
        return self.total - len(self.valid)

    @property
    def ratio(self) -> Fraction:
        """Exact share of valid rows (a Fraction, so the threshold comparison has no rounding)."""
        return Fraction(len(self.valid), self.total) if self.total else Fraction(0)

    def rejected_by_reason(self) -> dict[str, int]:
        """Counts per reason, most frequent first (ties by name, so the order is stable)."""
        return {r.value: n for r, n in sorted(self.rejected.items(), key=lambda i: (-i[1], i[0].value))}


def _check(row: Row, year: int, month: int, seen: set[str]) -> Rejection | Transaction:
    if len(row) != len(COLUMNS):
        return Rejection.WRONG_COLUMN_COUNT
    tx_id = row[COL_ID].strip()
    if not tx_id:
        return Rejection.MISSING_ID
    if tx_id in seen:
        return Rejection.DUPLICATE_ID
    day = _parse_date(row[COL_DATE])
    if day is None or (day.year, day.month) != (year, month):
        return Rejection.INVALID_DATE
    if not row[COL_ACCOUNT].strip():
        return Rejection.MISSING_ACCOUNT
    if not row[COL_CATEGORY].strip():
        return Rejection.MISSING_CATEGORY
    if row[COL_CURRENCY] not in FX_TO_REPORTING:
        return Rejection.UNKNOWN_CURRENCY
    if not _AMOUNT.fullmatch(row[COL_AMOUNT]):
        return Rejection.MALFORMED_AMOUNT
    amount = Decimal(row[COL_AMOUNT])
    if amount <= 0:
        return Rejection.NON_POSITIVE_AMOUNT
    if row[COL_TYPE] not in _TYPES:
        return Rejection.INVALID_TYPE
    seen.add(tx_id)  # only valid rows claim their id: a later valid copy is the duplicate
    return Transaction(
        id=tx_id,
        day=day,
        account=row[COL_ACCOUNT].strip(),
        category=row[COL_CATEGORY].strip(),
        counterparty=row[COL_COUNTERPARTY].strip(),
        currency=row[COL_CURRENCY],
        amount=amount,
        is_credit=row[COL_TYPE] == "credit",
        raw=row,
    )


def _parse_date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # well-formed but impossible, such as 2024-02-30
        return None


def validate_rows(
    rows: Sequence[Row],
    year: int,
    month: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
    stop_requested: Callable[[], bool] = lambda: False,
) -> ValidationOutcome:
    """Check every row. Blocking: run it via ``ctx.run_sync``.

    ``progress(done, total)`` is called every few thousand rows; when ``stop_requested()`` turns
    true the loop stops early (the caller's next checkpoint then cancels the operation)."""
    outcome = ValidationOutcome(total=len(rows))
    seen: set[str] = set()
    for i, row in enumerate(rows, 1):
        checked = _check(row, year, month, seen)
        if isinstance(checked, Transaction):
            outcome.valid.append(checked)
        else:
            outcome.rejected[checked] += 1
        if i % PROGRESS_EVERY == 0:
            progress(i, len(rows))
            if stop_requested():
                break
    progress(len(rows), len(rows))
    return outcome


def percent(ratio: Fraction | float) -> str:
    return f"{float(ratio) * 100:.2f}%"


def enforce_quality(outcome: ValidationOutcome, threshold: float, period: str) -> None:
    """Fail the report when the share of valid rows is below ``threshold``."""
    if outcome.total == 0:
        raise WorkflowFailure(f"No transactions found for {period}: there is nothing to report.")
    # Compare exactly: str() gives the shortest decimal of the float, e.g. 0.95 -> 19/20.
    if outcome.ratio >= Fraction(str(threshold)):
        return
    top = ", ".join(
        f"{Rejection(reason).label} ({count:,})"
        for reason, count in list(outcome.rejected_by_reason().items())[:3]
    )
    raise WorkflowFailure(
        f"Data quality too low for {period}: {len(outcome.valid):,} of {outcome.total:,} rows "
        f"are valid ({percent(outcome.ratio)}), below the quality threshold of "
        f"{percent(threshold)}. Top rejection reasons: {top}."
    )

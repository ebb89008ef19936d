"""Deterministic generator of a realistic company transactions ledger (about 300,000 rows).

Everything derives from one ``random.Random(seed)``, so every installation gets the same file and
the same report figures. Amounts are drawn as integer cents, never floats. About 1.5% of rows are
deliberately broken in the ways real exports break (bad dates, malformed amounts, missing
accounts, unknown currencies, truncated lines, double imports) so that validation has real work.
"""

from __future__ import annotations

import calendar
import csv
import gzip
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from underway.workflows.builtin.monthly_report.dataset import (
    COL_ACCOUNT,
    COL_AMOUNT,
    COL_CURRENCY,
    COL_DATE,
    COL_TYPE,
    COLUMNS,
    FIRST_YEAR,
    LAST_YEAR,
)

Row = list[str]

# Share of rows that get corrupted, in per-mille (integer maths keeps the draw exact).
BAD_ROWS_PER_MILLE = 15
# Mean number of ordinary (non-recurring) transactions on a weekday at the 2024 level.
WEEKDAY_BASE = 310
WEEKEND_BASE = 140

ACCOUNT_CURRENCY: dict[str, str] = {
    "OPS-EUR-01": "EUR",
    "SALES-EUR-01": "EUR",
    "SALES-USD-01": "USD",
    "SALES-GBP-01": "GBP",
    "PAYROLL-EUR-01": "EUR",
    "CARD-EUR-01": "EUR",
    "CARD-CHF-01": "CHF",
    "TREASURY-EUR-01": "EUR",
}


@dataclass(frozen=True)
class Category:
    name: str
    type: str  # "credit" or "debit"
    weight: int  # relative frequency among ordinary transactions
    min_cents: int
    max_cents: int
    accounts: tuple[str, ...]
    counterparties: tuple[str, ...]


_CUSTOMER_PREFIXES = (
    "Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
    "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Aperture", "Monarch", "Oceanic",
    "Pied Piper", "Massive Dynamic", "Blue Sun",
)  # fmt: skip
_CUSTOMER_SUFFIXES = ("Ltd", "GmbH", "SAS", "Inc.", "S.p.A.", "B.V.", "AG", "& Co", "LLC", "Oy")
CUSTOMERS = tuple(f"{p} {s}" for p in _CUSTOMER_PREFIXES for s in _CUSTOMER_SUFFIXES)
SALES_ACCOUNTS = ("SALES-EUR-01", "SALES-EUR-01", "SALES-EUR-01", "SALES-USD-01", "SALES-GBP-01")
CARD_ACCOUNTS = ("CARD-EUR-01", "CARD-EUR-01", "CARD-CHF-01")

ORDINARY_CATEGORIES: tuple[Category, ...] = (
    Category("sales", "credit", 40, 5_000, 300_000, SALES_ACCOUNTS, CUSTOMERS),
    Category("subscriptions", "credit", 26, 900, 49_900, SALES_ACCOUNTS, CUSTOMERS),
    Category("refunds_received", "credit", 2, 1_000, 80_000, ("OPS-EUR-01", "CARD-EUR-01"),
             ("Amazon Business", "Lufthansa", "Staples", "Dell", "Booking.com")),
    Category("software", "debit", 8, 500, 200_000, CARD_ACCOUNTS,
             ("GitHub", "Atlassian", "Slack", "Google Cloud", "AWS", "Figma", "JetBrains")),
    Category("travel", "debit", 6, 2_000, 150_000, CARD_ACCOUNTS,
             ("Lufthansa", "Air France", "SNCF", "Deutsche Bahn", "Booking.com", "Uber", "Hilton")),
    Category("marketing", "debit", 5, 10_000, 800_000, ("OPS-EUR-01",),
             ("Google Ads", "LinkedIn Ads", "Meta Ads", "Eventbrite", "Print & Co")),
    Category("office_supplies", "debit", 5, 300, 40_000, ("CARD-EUR-01",),
             ("Staples", "Amazon Business", "IKEA", "Viking Direct")),
    Category("utilities", "debit", 2, 4_000, 90_000, ("OPS-EUR-01",),
             ("EDF", "Vattenfall", "Orange Business", "Deutsche Telekom")),
    Category("consulting", "debit", 2, 50_000, 1_200_000, ("OPS-EUR-01",),
             ("Deloitte", "KPMG", "Freelance Studio", "Baker & Partners")),
    Category("bank_fees", "debit", 4, 50, 4_500, tuple(ACCOUNT_CURRENCY),
             ("Deutsche Bank", "BNP Paribas", "HSBC")),
)  # fmt: skip
_CUM_WEIGHTS = tuple(
    sum(c.weight for c in ORDINARY_CATEGORIES[: i + 1]) for i in range(len(ORDINARY_CATEGORIES))
)
EMPLOYEES = 140

# Activity multipliers in percent: the business grows every year and peaks before Christmas.
YEAR_FACTOR = {2023: 88, 2024: 100, 2025: 113}
MONTH_FACTOR = (92, 95, 100, 100, 102, 98, 90, 82, 104, 106, 118, 126)


def _cents_to_str(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _skewed_cents(rng: random.Random, lo: int, hi: int) -> int:
    # The minimum of two uniform draws is skewed towards small amounts, as real spending is.
    return min(rng.randint(lo, hi), rng.randint(lo, hi))


class _Ledger:
    """Emits rows in date order, numbering transactions and corrupting a small share of them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = 1
        self.rows: list[Row] = []

    def add(self, day: str, account: str, category: str, counterparty: str, *, cents: int, kind: str) -> None:
        row = [
            f"TX{self.next_id:09d}",
            day,
            account,
            category,
            counterparty,
            ACCOUNT_CURRENCY[account],
            _cents_to_str(cents),
            kind,
        ]
        self.next_id += 1
        if self.rng.randrange(1000) < BAD_ROWS_PER_MILLE:
            self.rng.choice(_CORRUPTIONS)(self, row)
        else:
            self.rows.append(row)

    def flush(self, writer: Callable[[list[Row]], object]) -> None:
        writer(self.rows)
        self.rows = []


def _bad_date(ledger: _Ledger, row: Row) -> None:
    # Keep the year and month so the row still lands in its month's extract; break only the day.
    year, month = int(row[COL_DATE][:4]), int(row[COL_DATE][5:7])
    last = calendar.monthrange(year, month)[1]
    row[COL_DATE] = f"{year:04d}-{month:02d}-{ledger.rng.choice(('00', str(last + 1), '3x'))}"
    ledger.rows.append(row)


def _bad_amount(ledger: _Ledger, row: Row) -> None:
    amount = row[COL_AMOUNT]
    row[COL_AMOUNT] = ledger.rng.choice(
        (amount.replace(".", ","), amount + "5", "", "n/a", "-" + amount, "0.00", amount + ".00")
    )
    ledger.rows.append(row)


def _missing_account(ledger: _Ledger, row: Row) -> None:
    row[COL_ACCOUNT] = ""
    ledger.rows.append(row)


def _unknown_currency(ledger: _Ledger, row: Row) -> None:
    row[COL_CURRENCY] = ledger.rng.choice(("XXX", "EURO", "BTC", ""))
    ledger.rows.append(row)


def _bad_type(ledger: _Ledger, row: Row) -> None:
    row[COL_TYPE] = ledger.rng.choice(("transfer", "", "CR"))
    ledger.rows.append(row)


def _truncated(ledger: _Ledger, row: Row) -> None:
    ledger.rows.append(row[:-2])


def _double_import(ledger: _Ledger, row: Row) -> None:
    # The same transaction exported twice: the second copy must be rejected as a duplicate.
    ledger.rows.append(row)
    ledger.rows.append(list(row))


_CORRUPTIONS: tuple[Callable[[_Ledger, Row], None], ...] = (
    _bad_date,
    _bad_amount,
    _bad_amount,
    _missing_account,
    _unknown_currency,
    _bad_type,
    _truncated,
    _double_import,
)


def _recurring(ledger: _Ledger, d: date, day: str) -> None:
    """Rent on the 1st, VAT on the 20th, payroll on the 25th, interest on the last day."""
    rng = ledger.rng
    if d.day == 1:
        for office in ("Paris office lease", "Berlin office lease", "Lisbon office lease"):
            cents = rng.randint(650_000, 1_800_000)
            ledger.add(day, "OPS-EUR-01", "rent", office, cents=cents, kind="debit")
    if d.day == 20:
        cents = rng.randint(1_500_000, 6_000_000)
        ledger.add(day, "OPS-EUR-01", "taxes", "Tax authority (VAT)", cents=cents, kind="debit")
    if d.day == 25:
        for employee in range(1, EMPLOYEES + 1):
            cents = rng.randint(250_000, 900_000)
            payee = f"Employee {employee:03d}"
            ledger.add(day, "PAYROLL-EUR-01", "payroll", payee, cents=cents, kind="debit")
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        cents = rng.randint(20_000, 400_000)
        ledger.add(day, "TREASURY-EUR-01", "interest", "Deutsche Bank", cents=cents, kind="credit")


def _ordinary(ledger: _Ledger, d: date, day: str) -> None:
    rng = ledger.rng
    base = WEEKDAY_BASE if d.weekday() < 5 else WEEKEND_BASE
    count = base * YEAR_FACTOR[d.year] * MONTH_FACTOR[d.month - 1] // 10_000 + rng.randint(-25, 25)
    for cat in rng.choices(ORDINARY_CATEGORIES, cum_weights=_CUM_WEIGHTS, k=count):
        account = rng.choice(cat.accounts)
        cents = _skewed_cents(rng, cat.min_cents, cat.max_cents)
        payee = rng.choice(cat.counterparties)
        ledger.add(day, account, cat.name, payee, cents=cents, kind=cat.type)


def write_dataset(raw: BinaryIO, seed: int, progress: Callable[[float], None] | None = None) -> int:
    """Write the gzip-compressed CSV to ``raw``; returns the number of data rows written.

    ``progress(fraction)`` is called once per generated month."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data that must be reproducible, not secrets
    ledger = _Ledger(rng)
    rows = 0
    # Level 5 compresses almost as well as the default 6 (about 40% faster on this data).
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5, mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        start, end = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
        d, days = start, (end - start).days + 1
        while d <= end:
            if progress is not None and d.day == 1:
                progress((d - start).days / days)
            day = d.isoformat()
            _recurring(ledger, d, day)
            _ordinary(ledger, d, day)
            rows += len(ledger.rows)
            ledger.flush(writer.writerows)
            d += timedelta(days=1)
        text.flush()
        text.detach()  # leave closing to the GzipFile context, which writes the trailer
    return rows

"""The monthly report, driven through the runtime like any user would.

The figures are checked against an independent computation done here, straight from the raw
ledger with Decimal, not through the workflow's own modules.
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

import underway.workflows.builtin.monthly_report  # noqa: F401 (registers the workflow)
from tests.conftest import wait_for_event
from underway.operations.errors import InvalidParams
from underway.operations.models import EventType, Operation
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings
from underway.workflows.builtin.monthly_report.dataset import (
    FX_TO_REPORTING,
    dataset_path,
    ensure_dataset,
)

STAGES = ["extract", "validate", "calculate", "render", "package"]
CENT = Decimal("0.01")
YEAR, MONTH = 2024, 3


# -- the independent computation --------------------------------------------------------------


@dataclass
class Sums:
    count: int = 0
    credits: Decimal = Decimal("0.00")
    debits: Decimal = Decimal("0.00")

    def add(self, amount: Decimal, kind: str) -> None:
        self.count += 1
        if kind == "credit":
            self.credits += amount
        else:
            self.debits += amount


@dataclass
class Expected:
    in_month: int = 0
    total: Sums = field(default_factory=Sums)
    by_category: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))
    by_account: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))


@cache
def expected_month(data_dir: Path, year: int, month: int) -> Expected:
    """Re-derive the month's figures from the gzip file with the documented rules."""
    prefix = f"{year:04d}-{month:02d}"
    out, seen = Expected(), set()
    path = ensure_dataset(data_dir)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if len(row) < 2 or not row[1].startswith(prefix):
                continue
            out.in_month += 1
            if len(row) != 8:
                continue
            tx_id, day, account, category, _, currency, amount, kind = row
            if not tx_id or tx_id in seen or not account or not category:
                continue
            if currency not in FX_TO_REPORTING or kind not in ("credit", "debit"):
                continue
            if not re.fullmatch(r"\d+\.\d{2}", amount) or Decimal(amount) <= 0:
                continue
            try:
                date.fromisoformat(day)
            except ValueError:
                continue
            seen.add(tx_id)
            eur = (Decimal(amount) * FX_TO_REPORTING[currency]).quantize(CENT, ROUND_HALF_EVEN)
            out.total.add(eur, kind)
            out.by_category[category].add(eur, kind)
            out.by_account[account].add(eur, kind)
    return out


# -- helpers -------------------------------------------------------------------------------------


async def run(rt: Runtime, **params: object) -> Operation:
    op = await rt.service.submit(workflow="monthly_report", params=params, owner="alice")
    return await rt.service.wait(op.id, timeout=60)


def money(value: object) -> Decimal:
    """An amount read back from a file; openpyxl returns floats, whose repr is the exact cents."""
    return Decimal(str(value)).quantize(CENT)


# -- tests ---------------------------------------------------------------------------------------


async def test_full_report_matches_an_independent_computation(
    runtime: Runtime, shared_data_dir: Path
) -> None:
    final = await run(runtime, month=MONTH, year=YEAR, formats=["csv", "xlsx", "pdf"], include_raw_data=True)
    assert final.status is OperationStatus.COMPLETED, final.error
    expected = expected_month(shared_data_dir, YEAR, MONTH)
    period = f"{YEAR}-{MONTH:02d}"
    names = {
        "csv": f"report-{period}.csv",
        "raw": f"transactions-{period}.csv",
        "xlsx": f"report-{period}.xlsx",
        "pdf": f"report-{period}.pdf",
    }

    # The result: counts and totals (money as strings).
    result = final.result
    assert result["rows"]["in_month"] == expected.in_month
    assert result["rows"]["valid"] == expected.total.count
    assert result["rows"]["rejected"] == expected.in_month - expected.total.count
    assert sum(result["rejected_by_reason"].values()) == result["rows"]["rejected"] > 0
    assert result["totals"]["credits"] == str(expected.total.credits)
    assert result["totals"]["debits"] == str(expected.total.debits)
    assert result["totals"]["net"] == str(expected.total.credits - expected.total.debits)
    assert result["artifacts"] == [*names.values(), "manifest.json"]
    assert sorted(a.name for a in final.artifacts) == sorted(result["artifacts"])

    # CSV summary: every category and account row matches the independent sums.
    path = runtime.service.artifact_file(final.id, names["csv"])
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    total = next(r for r in rows if r["section"] == "total")
    assert (money(total["credits_eur"]), money(total["debits_eur"])) == (
        expected.total.credits,
        expected.total.debits,
    )
    for section, groups in (("category", expected.by_category), ("account", expected.by_account)):
        got = {r["name"]: r for r in rows if r["section"] == section}
        assert set(got) == set(groups)
        for name, sums in groups.items():
            assert int(got[name]["transactions"]) == sums.count
            assert money(got[name]["credits_eur"]) == sums.credits
            assert money(got[name]["debits_eur"]) == sums.debits
            assert money(got[name]["net_eur"]) == sums.credits - sums.debits
    days = [r for r in rows if r["section"] == "day"]
    assert len(days) == 31
    assert sum(money(r["net_eur"]) for r in days) == expected.total.credits - expected.total.debits

    # The raw CSV holds exactly the valid rows.
    raw = runtime.service.artifact_file(final.id, names["raw"]).read_text(encoding="utf-8")
    assert len(raw.splitlines()) == expected.total.count + 1

    # XLSX: the expected sheets, the category figures, the raw rows.
    wb = load_workbook(runtime.service.artifact_file(final.id, names["xlsx"]), read_only=True)
    assert wb.sheetnames == ["Summary", "By category", "By account", "Daily", "Raw data"]
    category_rows = list(wb["By category"].iter_rows(min_row=2, values_only=True))
    assert category_rows[-1][0] == "Total"
    assert money(category_rows[-1][4]) == expected.total.credits - expected.total.debits
    by_label = {r[0]: r for r in category_rows[:-1]}
    for name, sums in expected.by_category.items():
        row = by_label[name.replace("_", " ").capitalize()]
        assert row[1] == sums.count
        assert (money(row[2]), money(row[3])) == (sums.credits, sums.debits)
    # Write-only workbooks record no dimensions: count the rows.
    assert sum(1 for _ in wb["Raw data"].iter_rows(values_only=True)) == expected.total.count + 1
    wb.close()

    # PDF: opens, carries the title and the net total.
    pdf = PdfReader(runtime.service.artifact_file(final.id, names["pdf"]))
    assert len(pdf.pages) >= 1
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Monthly financial report: March 2024" in text
    assert f"{expected.total.credits - expected.total.debits:,.2f}" in text

    # The manifest lists every file with its real size and SHA-256.
    manifest = json.loads(runtime.service.artifact_file(final.id, "manifest.json").read_bytes())
    assert [f["name"] for f in manifest["files"]] == list(names.values())
    for entry in manifest["files"]:
        data = runtime.service.artifact_file(final.id, entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()

    # Progress: the five stages in order, percent never going down, ending at 100.
    assert final.progress.percent == 100
    events = await runtime.service.events(final.id)
    assert GENERATING not in [e.message for e in events], "the ledger cached in the data dir is used"
    assert [e.stage for e in events if e.type is EventType.STAGE] == STAGES
    running = [e.percent for e in events if e.status is OperationStatus.RUNNING]
    assert running == sorted(running)


GENERATING = "Generating the built-in transactions ledger (first use only)"


async def test_the_ledger_is_generated_once_in_the_runtimes_data_dir(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    data_dir = tmp_path / "fresh-installation"
    async with Runtime.open(settings_factory(data_dir=data_dir)) as rt:
        first = await run(rt, month=MONTH, year=YEAR, formats=["csv"])
        second = await run(rt, month=MONTH, year=YEAR, formats=["csv"])
        logs = [
            [e.message for e in await rt.service.events(op.id) if e.type is EventType.LOG]
            for op in (first, second)
        ]
    assert first.status is second.status is OperationStatus.COMPLETED
    assert GENERATING in logs[0] and GENERATING not in logs[1], "the second run reuses the cache"
    assert dataset_path(data_dir).is_file()
    assert first.result == second.result


async def test_charts_add_drawings_to_the_pdf(runtime: Runtime) -> None:
    with_charts, without = await asyncio.gather(
        run(runtime, month=MONTH, year=YEAR, formats=["pdf"], include_charts=True),
        run(runtime, month=MONTH, year=YEAR, formats=["pdf"], include_charts=False),
    )

    def content_size(op: Operation) -> tuple[int, int]:
        assert op.status is OperationStatus.COMPLETED, op.error
        assert [a.name for a in op.artifacts] == [f"report-{YEAR}-{MONTH:02d}.pdf", "manifest.json"]
        pdf = PdfReader(runtime.service.artifact_file(op.id, op.artifacts[0].name))
        streams = [page.get_contents() for page in pdf.pages]
        return len(pdf.pages), sum(len(s.get_data()) for s in streams if s is not None)

    (pages_on, size_on), (pages_off, size_off) = content_size(with_charts), content_size(without)
    assert pages_on >= pages_off >= 1
    # Two charts are hundreds of drawing operators: clearly more content, not noise.
    assert size_on > size_off + 5_000


async def test_quality_threshold_too_high_fails_with_a_clear_error(runtime: Runtime) -> None:
    final = await run(runtime, month=MONTH, year=YEAR, quality_threshold=0.999)

    assert final.status is OperationStatus.FAILED
    assert final.error is not None
    assert "Data quality too low for 2024-03" in final.error
    assert "below the quality threshold of 99.90%" in final.error
    assert "Top rejection reasons:" in final.error
    assert final.progress.stage == "validate"
    assert final.artifacts == []


async def test_cancel_during_extraction_stops_the_report(runtime: Runtime) -> None:
    # The heaviest variant, so the cancel surely lands while work remains.
    params = {"month": MONTH, "year": YEAR, "formats": ["csv", "xlsx", "pdf"], "include_raw_data": True}
    op = await runtime.service.submit(workflow="monthly_report", params=params, owner="alice")
    await wait_for_event(runtime, op.id, lambda e: e.type is EventType.PROGRESS and e.stage == "extract")
    await runtime.service.cancel(op.id)
    final = await runtime.service.wait(op.id, timeout=30)
    assert final.status is OperationStatus.CANCELLED
    assert final.result is None
    assert "manifest.json" not in [a.name for a in final.artifacts]


async def test_invalid_params_are_refused_at_submission(runtime: Runtime) -> None:
    cases: list[tuple[dict[str, object], tuple[str | int, ...]]] = [
        ({"month": 13}, ("month",)),
        ({"month": 1, "year": 2019}, ("year",)),
        ({"month": 11, "year": 2026}, ("year",)),  # after the ledger's last month
        ({"month": 1, "formats": []}, ("formats",)),
        ({"month": 1, "formats": ["pdf", "pdf"]}, ("formats",)),
        ({"month": 1, "formats": ["docx"]}, ("formats", 0)),
        ({"month": 1, "quality_threshold": 1.5}, ("quality_threshold",)),
        ({"month": 1, "colour": "blue"}, ("colour",)),
    ]
    for params, loc in cases:
        with pytest.raises(InvalidParams) as refused:
            await runtime.service.submit(workflow="monthly_report", params=params, owner="alice")
        assert [e.loc for e in refused.value.errors] == [loc], params

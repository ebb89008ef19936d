"""CSV validation, driven through the runtime: per-rule counts, examples, sources and refusals."""

from __future__ import annotations

import csv
import gzip
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import underway.workflows.builtin.data_validation  # noqa: F401 (registers the workflow)
from underway.operations.errors import InvalidParams
from underway.operations.models import EventType, Operation
from underway.operations.status import OperationStatus
from underway.runtime import Runtime
from underway.settings import Settings
from underway.workflows.builtin.monthly_report.dataset import ensure_dataset

CSV_TEXT = (
    "id,name,amount,date,kind\n"
    "1,alice,10.50,2024-01-31,a\n"  # line 2: valid
    "2,,abc,2024-02-30,b\n"  # line 3: no name, amount not a number, impossible date
    "x,bob,-3,31/01/2024,z\n"  # line 4: id, amount < 0, date format, kind
    "\n"  # line 5: blank, skipped
    "4,carol,7,2024-03-01,a\n"  # line 6: valid
    "5,dave,1e3, 2024-03-02 ,b\n"  # line 7: exponent is not plain decimal; date trimmed: fine
)
RULES: list[dict[str, Any]] = [
    {"column": "id", "check": "integer"},
    {"column": "name", "check": "required"},
    {"column": "amount", "check": "decimal"},
    {"column": "amount", "check": "min", "value": 0},
    {"column": "date", "check": "date"},
    {"column": "kind", "check": "one_of", "value": ["a", "b"]},
    {"column": "name", "check": "regex", "value": "[a-z]+"},
]


@pytest.fixture
def uploads(settings: Settings) -> Path:
    """The runtime's own uploads folder, where a server would have stored user files."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True)
    return folder


async def run(rt: Runtime, **params: Any) -> Operation:
    op = await rt.service.submit(workflow="data_validation", params=params, owner="alice")
    return await rt.service.wait(op.id, timeout=60)


def by_rule(op: Operation) -> dict[str, dict[str, Any]]:
    assert op.status is OperationStatus.COMPLETED, op.error
    return {r["rule"]: r for r in op.result["rules"]}


async def test_inline_csv_counts_failures_per_rule_with_the_first_offending_rows(
    runtime: Runtime,
) -> None:
    final = await run(runtime, csv_text=CSV_TEXT, rules=RULES)
    rules = by_rule(final)

    def failures(label: str) -> list[tuple[int, str, str]]:
        return [(f["row"], f["value"], f["reason"]) for f in rules[label]["first_failures"]]

    assert final.result["rows_checked"] == 5
    assert final.result["columns"] == ["id", "name", "amount", "date", "kind"]
    assert failures("id: integer") == [(4, "x", "not an integer")]
    assert failures("name: required") == [(3, "", "empty")]
    assert failures("amount: decimal") == [
        (3, "abc", "not a decimal number"),
        (7, "1e3", "not a decimal number"),
    ]
    assert failures("amount: min 0") == [
        (3, "abc", "not a number"),
        (4, "-3", "below the minimum 0"),
        (7, "1e3", "not a number"),
    ]
    assert failures("date: date") == [
        (3, "2024-02-30", "not a real date"),
        (4, "31/01/2024", "not an ISO date (YYYY-MM-DD)"),
    ]
    assert failures("kind: one_of a, b") == [(4, "z", "not one of: a, b")]
    assert failures("name: regex [a-z]+") == []  # the empty name only fails "required"
    assert [r["failures"] for r in final.result["rules"]] == [1, 1, 2, 3, 2, 1, 0]
    assert final.result["passed"] is False
    assert final.result["failed_rules"] == 6

    # The JSON artifact is the result; the CSV artifact lists every failure.
    report = runtime.service.artifact_file(final.id, "validation_report.json")
    assert json.loads(report.read_text()) == final.result
    offending = runtime.service.artifact_file(final.id, "offending_rows.csv").read_text()
    lines = list(csv.DictReader(io.StringIO(offending)))
    assert len(lines) == 10 == final.result["offending_rows"]["lines"]
    assert {"row": "4", "rule": "1", "column": "id", "check": "integer"}.items() <= lines[
        [ln["rule"] for ln in lines].index("1")
    ].items()

    events = await runtime.service.events(final.id)
    assert [e.stage for e in events if e.type is EventType.STAGE] == ["load", "check", "report"]
    assert final.progress.percent == 100


async def test_examples_are_bounded_but_every_failure_is_counted(runtime: Runtime) -> None:
    text = "n\n" + "".join(f"bad{i}\n" for i in range(30))
    final = await run(runtime, csv_text=text, rules=[{"column": "n", "check": "integer"}], max_examples=5)
    (rule,) = final.result["rules"]
    assert rule["failures"] == 30
    assert [f["row"] for f in rule["first_failures"]] == [2, 3, 4, 5, 6]


async def test_a_clean_file_passes(runtime: Runtime) -> None:
    text = "code,price\nAB,1.5\nCD,2\n"
    rules = [
        {"column": "code", "check": "regex", "value": "[A-Z]{2}"},
        {"column": "price", "check": "max", "value": "2.00"},
        {"column": "price", "check": "required"},
    ]
    final = await run(runtime, csv_text=text, rules=rules)
    assert final.result["passed"] is True
    assert [r["failures"] for r in final.result["rules"]] == [0, 0, 0]


async def test_a_rule_naming_a_missing_column_fails_clearly(runtime: Runtime) -> None:
    final = await run(runtime, csv_text=CSV_TEXT, rules=[{"column": "price", "check": "decimal"}])
    assert final.status is OperationStatus.FAILED
    assert final.error == (
        "Rule 1 (price: decimal) names the column 'price', which the file does not have. "
        "Columns found: id, name, amount, date, kind"
    )


async def test_path_traversal_and_bad_params_are_refused_at_submission(runtime: Runtime) -> None:
    rules = [{"column": "a", "check": "required"}]
    for path in ["../secret.csv", "a/../../secret.csv", "/etc/passwd", "C:\\x.csv", "a\\..\\..\\b"]:
        with pytest.raises(InvalidParams) as refused:
            await runtime.service.submit(
                workflow="data_validation", params={"path": path, "rules": rules}, owner="alice"
            )
        assert [e.loc for e in refused.value.errors] == [("path",)], path
    bad: list[dict[str, Any]] = [
        {"rules": rules},  # no source
        {"csv_text": "a", "dataset": "transactions", "rules": rules},  # two sources
        {"csv_text": "a", "rules": []},
        {"csv_text": "a", "rules": [{"column": "a", "check": "regex", "value": "("}]},
        {"csv_text": "a", "rules": [{"column": "a", "check": "min", "value": "ten"}]},
        {"csv_text": "a", "rules": [{"column": "a", "check": "one_of", "value": []}]},
        {"csv_text": "a", "rules": [{"column": "a", "check": "integer", "value": 1}]},
        {"csv_text": "a", "rules": [{"column": "a", "check": "unique"}]},
        {"csv_text": "a", "has_header": False, "rules": rules},  # columns must be positions
        {"csv_text": "x" * 2_000_001, "rules": rules},
    ]
    for params in bad:
        with pytest.raises(InvalidParams):
            await runtime.service.submit(workflow="data_validation", params=params, owner="alice")


async def test_uploaded_files_are_read_inside_the_uploads_folder_only(
    runtime: Runtime, uploads: Path, tmp_path: Path
) -> None:
    # A gzip upload, semicolon-separated, without header: columns are named by position.
    (uploads / "2024").mkdir()
    (uploads / "2024" / "march.csv.gz").write_bytes(gzip.compress(b"1;ok\n2;\nthree;ok\n"))
    rules = [{"column": "1", "check": "integer"}, {"column": "2", "check": "required"}]
    final = await run(runtime, path="2024/march.csv.gz", rules=rules, has_header=False, delimiter=";")
    assert final.result["source"] == "uploads/2024/march.csv.gz"
    assert final.result["rows_checked"] == 3
    assert [r["first_failures"] for r in final.result["rules"]] == [
        [{"row": 3, "value": "three", "reason": "not an integer"}],
        [{"row": 2, "value": "", "reason": "empty"}],
    ]

    # A symlink leading out of the folder is refused when the path is resolved.
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    (uploads / "link.csv").symlink_to(outside)
    escaped = await run(runtime, path="link.csv", rules=[{"column": "a", "check": "integer"}])
    assert escaped.status is OperationStatus.FAILED
    assert escaped.error == "'link.csv' points outside the uploads folder"

    missing = await run(runtime, path="nope.csv", rules=[{"column": "a", "check": "integer"}])
    assert missing.status is OperationStatus.FAILED
    assert missing.error == "There is no uploaded file 'nope.csv'"


@cache
def ledger_counts(data_dir: Path) -> tuple[int, int]:
    """Rows of the built-in ledger, and rows whose currency is outside the known four."""
    with gzip.open(ensure_dataset(data_dir), "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    bad = sum(1 for r in rows if len(r) > 5 and r[5] and r[5] not in {"EUR", "USD", "GBP", "CHF"})
    return len(rows), bad


async def test_the_builtin_dataset_can_be_validated(runtime: Runtime, shared_data_dir: Path) -> None:
    rules = [{"column": "currency", "check": "one_of", "value": ["EUR", "USD", "GBP", "CHF"]}]
    final = await run(runtime, dataset="transactions", rules=rules)
    total, bad_currency = ledger_counts(shared_data_dir)
    assert final.result["source"] == "dataset:transactions"
    assert final.result["rows_checked"] == total
    assert final.result["rules"][0]["failures"] == bad_currency > 0
    assert len(final.result["rules"][0]["first_failures"]) == 20
    assert final.result["ragged_rows"] > 0  # the ledger's truncated lines

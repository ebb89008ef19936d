"""The ``data_validation`` workflow: load, check, report."""

from __future__ import annotations

import json
from typing import Any

from underway.workflows import Stage, WorkflowContext, workflow
from underway.workflows.builtin.data_validation.checker import Checker, resolve_columns
from underway.workflows.builtin.data_validation.params import DataValidationParams
from underway.workflows.builtin.data_validation.source import CsvSource

REPORT_NAME = "validation_report.json"
OFFENDING_NAME = "offending_rows.csv"

STAGES = [
    Stage(
        name="load",
        description="Open the CSV, read its header and find the rules' columns",
        weight=1,
        expected_duration_s=0.1,
    ),
    Stage(
        name="check",
        description="Apply every rule to every row",
        weight=8,
        expected_duration_s=1.0,
    ),
    Stage(
        name="report",
        description="Write the validation report and the offending rows",
        weight=1,
        expected_duration_s=0.1,
    ),
]


def _check_next_chunk(source: CsvSource, checker: Checker) -> bool:
    """Read and check one chunk in the same worker thread; False once the file is exhausted."""
    records = source.read_chunk()
    checker.check(records)
    return bool(records)


def _report(params: DataValidationParams, source: CsvSource, checker: Checker) -> dict[str, Any]:
    return {
        "source": source.label,
        "rows_checked": checker.rows_checked,
        "columns": source.header if source.header is not None else source.width,
        "ragged_rows": checker.ragged_rows,
        "passed": checker.failed_rules == 0,
        "failed_rules": checker.failed_rules,
        "rules": [o.as_json() for o in checker.outcomes],
        "offending_rows": {
            "file": OFFENDING_NAME,
            "lines": checker.offending_lines,
            "truncated": checker.offending_truncated,
        },
        "artifacts": [REPORT_NAME, OFFENDING_NAME],
    }


@workflow(
    name="data_validation",
    title="Validate a CSV file",
    params=DataValidationParams,
    stages=STAGES,
    description=(
        "Checks every row of a CSV (pasted, uploaded or the built-in ledger) against column "
        "rules: required, integer, decimal, ISO date, regex, allowed values, min and max. "
        "Reports failures per rule with the first offending rows, and lists them all as a CSV."
    ),
    retry_safe=True,
)
async def data_validation(ctx: WorkflowContext, params: DataValidationParams) -> dict[str, Any]:
    await ctx.stage("load", message="Opening the CSV")
    source = CsvSource(params, ctx.data_dir)
    await ctx.run_sync(source.open)
    try:
        columns = resolve_columns(params.rules, source.header, source.width)
        ctx.log(f"Checking {len(params.rules)} rules on {source.label}")
        with ctx.artifact_path(OFFENDING_NAME).open("w", encoding="utf-8", newline="") as offending:
            checker = Checker(params.rules, columns, source.width, params.max_examples, offending)

            await ctx.stage("check", message=f"Checking {source.label}")
            while await ctx.run_sync(_check_next_chunk, source, checker):
                ctx.progress(source.fraction, message=f"{checker.rows_checked:,} rows checked")
                await ctx.checkpoint()
            ctx.progress(1.0, message=f"{checker.rows_checked:,} rows checked")
    finally:
        source.close()

    await ctx.stage("report", message="Writing the report")
    await ctx.add_artifact(OFFENDING_NAME, media_type="text/csv")
    report = _report(params, source, checker)
    await ctx.save_artifact(REPORT_NAME, json.dumps(report, indent=2) + "\n", "application/json")
    if checker.offending_truncated:
        ctx.log(f"{OFFENDING_NAME} lists the first {checker.offending_lines:,} failures only", "warning")
    return report

"""The ``monthly_report`` workflow: extract, validate, calculate, render, package.

Every heavy step runs in a worker thread (``ctx.run_sync``) so the event loop keeps serving other
operations; between chunks the workflow reports progress and passes a checkpoint, so a cancel takes
effect within one chunk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from underway.workflows import Stage, WorkflowContext, workflow
from underway.workflows.builtin.monthly_report.calculation import MonthlyFigures, calculate
from underway.workflows.builtin.monthly_report.dataset import DATASET_FILE, ensure_dataset
from underway.workflows.builtin.monthly_report.extract import MonthExtractor, Row
from underway.workflows.builtin.monthly_report.package import (
    MANIFEST_NAME,
    RenderedFile,
    build_manifest,
    build_result,
    describe_file,
)
from underway.workflows.builtin.monthly_report.params import MonthlyReportParams, ReportFormat
from underway.workflows.builtin.monthly_report.render_csv import write_raw_csv, write_summary_csv
from underway.workflows.builtin.monthly_report.render_pdf import write_pdf
from underway.workflows.builtin.monthly_report.render_xlsx import write_workbook
from underway.workflows.builtin.monthly_report.validation import (
    Rejection,
    ValidationOutcome,
    enforce_quality,
    validate_rows,
)

MEDIA_TYPES = {
    ReportFormat.CSV: "text/csv",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}

# Weights follow measured durations for one month: extract scans the whole ledger (~0.3 s, plus
# ~1.5 s on the very first run, which generates it); validate and calculate take a few tens of
# milliseconds; render ~0.2 s, more with raw data. Expected durations seed the ETA before history.
STAGES = [
    Stage(
        name="extract",
        description="Stream the ledger and keep the month's rows",
        weight=4,
        expected_duration_s=0.5,
    ),
    Stage(
        name="validate",
        description="Check every row and apply the quality threshold",
        weight=1,
        expected_duration_s=0.1,
    ),
    Stage(
        name="calculate",
        description="Totals per category, account and day (exact decimals)",
        weight=0.5,
        expected_duration_s=0.05,
    ),
    Stage(
        name="render",
        description="Write the requested CSV, Excel and PDF files",
        weight=3,
        expected_duration_s=0.3,
    ),
    Stage(
        name="package",
        description="Checksum the files and write the manifest",
        weight=0.5,
        expected_duration_s=0.05,
    ),
]


def _counter(ctx: WorkflowContext) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback for thread code (``ctx.progress`` is thread-safe)."""

    def report(done: int, total: int) -> None:
        ctx.progress(done / total if total else 1.0)

    return report


async def _extract(ctx: WorkflowContext, params: MonthlyReportParams) -> tuple[list[Row], int]:
    generated = False

    def on_generate(fraction: float) -> None:
        # Only called on the installation's first use; generation then takes half the stage.
        nonlocal generated
        if not generated:
            generated = True
            ctx.log("Generating the built-in transactions ledger (first use only)")
        ctx.progress(fraction / 2, message="Generating the transactions ledger")

    path = await ctx.run_sync(ensure_dataset, ctx.data_dir, on_generate)
    start = 0.5 if generated else 0.0
    with MonthExtractor(path, params.year, params.month) as ex:
        while await ctx.run_sync(ex.read_chunk):
            ctx.progress(start + (1 - start) * ex.fraction, message=_scanned(ex, params.period))
            await ctx.checkpoint()
    ctx.progress(1.0, message=_scanned(ex, params.period))
    return ex.rows, ex.scanned


def _scanned(ex: MonthExtractor, period: str) -> str:
    return f"{ex.scanned:,} rows scanned, {len(ex.rows):,} in {period}"


async def _validate(ctx: WorkflowContext, params: MonthlyReportParams, rows: list[Row]) -> ValidationOutcome:
    outcome = await ctx.run_sync(
        validate_rows, rows, params.year, params.month, _counter(ctx), lambda: ctx.stop_requested
    )
    await ctx.checkpoint()  # validation may have stopped early on a cancel: do not use its result
    reasons = ", ".join(f"{Rejection(r).label}: {n:,}" for r, n in outcome.rejected_by_reason().items())
    valid, rejected = len(outcome.valid), outcome.rejected_total
    ctx.log(f"{valid:,} valid rows, {rejected:,} rejected ({reasons or 'none'})")
    enforce_quality(outcome, params.quality_threshold, params.period)
    return outcome


async def _render(
    ctx: WorkflowContext,
    params: MonthlyReportParams,
    figures: MonthlyFigures,
    outcome: ValidationOutcome,
) -> list[RenderedFile]:
    """Write each requested format as an artifact, in the order asked."""
    files: list[RenderedFile] = []
    for i, fmt in enumerate(params.formats):
        ctx.progress(done=i, total=len(params.formats), message=f"Writing {fmt.value.upper()}")
        files += await _render_format(ctx, params, fmt, figures, outcome)
        await ctx.checkpoint()
    ctx.progress(1.0)
    return files


async def _render_format(
    ctx: WorkflowContext,
    params: MonthlyReportParams,
    fmt: ReportFormat,
    figures: MonthlyFigures,
    outcome: ValidationOutcome,
) -> list[RenderedFile]:
    name = f"report-{params.period}.{fmt.value}"
    path = ctx.artifact_path(name)
    if fmt is ReportFormat.XLSX:
        charts, raw = params.include_charts, params.include_raw_data
        await ctx.run_sync(
            write_workbook, path, figures, outcome, include_charts=charts, include_raw_data=raw
        )
    elif fmt is ReportFormat.PDF:
        await ctx.run_sync(write_pdf, path, figures, outcome, include_charts=params.include_charts)
    else:
        await ctx.run_sync(write_summary_csv, path, figures)
        if params.include_raw_data:
            # CSV has no sheets: the raw rows go to a second file next to the summary.
            raw_name = f"transactions-{params.period}.csv"
            await ctx.run_sync(write_raw_csv, ctx.artifact_path(raw_name), outcome.valid)
            summary = await _record(ctx, name, MEDIA_TYPES[fmt])
            return [summary, await _record(ctx, raw_name, "text/csv")]
    return [await _record(ctx, name, MEDIA_TYPES[fmt])]


async def _record(ctx: WorkflowContext, name: str, media_type: str) -> RenderedFile:
    await ctx.add_artifact(name, media_type=media_type)
    return RenderedFile(name=name, media_type=media_type, path=ctx.artifact_path(name))


async def _package(ctx: WorkflowContext, params: MonthlyReportParams, files: list[RenderedFile]) -> list[str]:
    described = []
    for i, file in enumerate(files):
        described.append(await ctx.run_sync(describe_file, file))
        ctx.progress(done=i + 1, total=len(files) + 1)
    manifest = build_manifest(ctx.operation_id, params, DATASET_FILE, described)
    await ctx.save_artifact(MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n", "application/json")
    return [f.name for f in files] + [MANIFEST_NAME]


@workflow(
    name="monthly_report",
    title="Monthly financial report",
    params=MonthlyReportParams,
    stages=STAGES,
    description=(
        "Builds the financial report of one month from the company ledger: validates every "
        "transaction, totals credits and debits per category, account and day in exact decimals, "
        "and publishes CSV, Excel and/or PDF files with a checksummed manifest."
    ),
    retry_safe=True,
)
async def monthly_report(ctx: WorkflowContext, params: MonthlyReportParams) -> dict[str, Any]:
    await ctx.stage("extract", message=f"Reading the ledger for {params.period}")
    rows, scanned = await _extract(ctx, params)

    await ctx.stage("validate", message=f"Validating {len(rows):,} rows")
    outcome = await _validate(ctx, params, rows)
    del rows  # the valid transactions hold what is still needed

    await ctx.stage("calculate", message=f"Totalling {len(outcome.valid):,} transactions")
    figures = await ctx.run_sync(
        calculate, outcome.valid, params.year, params.month, len(outcome.valid), _counter(ctx)
    )

    await ctx.stage("render", message=", ".join(f.value.upper() for f in params.formats))
    files = await _render(ctx, params, figures, outcome)

    await ctx.stage("package", message="Writing the manifest")
    artifacts = await _package(ctx, params, files)
    return build_result(params, scanned, outcome, figures, artifacts)

"""The last stage: a manifest of the produced files (sizes, SHA-256) and the operation's result."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from underway.workflows.builtin.monthly_report.calculation import MonthlyFigures
from underway.workflows.builtin.monthly_report.params import MonthlyReportParams
from underway.workflows.builtin.monthly_report.validation import ValidationOutcome

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class RenderedFile:
    name: str
    media_type: str
    path: Path


def describe_file(file: RenderedFile) -> dict[str, Any]:
    """Name, size and SHA-256 of one file, read in blocks. Blocking: run it via ``ctx.run_sync``."""
    digest = hashlib.sha256()
    with file.path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return {
        "name": file.name,
        "media_type": file.media_type,
        "size": file.path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def build_manifest(
    operation_id: str, params: MonthlyReportParams, dataset: str, files: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "report": "monthly_report",
        "operation_id": operation_id,
        "period": params.period,
        "generated_at": datetime.now(UTC).isoformat(),
        "parameters": params.model_dump(mode="json"),
        "dataset": dataset,
        "files": files,
    }


def build_result(
    params: MonthlyReportParams,
    scanned: int,
    outcome: ValidationOutcome,
    figures: MonthlyFigures,
    artifacts: list[str],
) -> dict[str, Any]:
    """The JSON result shown on the operation. Money is given as strings, never JSON numbers."""
    return {
        "period": params.period,
        "month": params.month,
        "year": params.year,
        "currency": figures.currency,
        "rows": {
            "scanned": scanned,
            "in_month": outcome.total,
            "valid": len(outcome.valid),
            "rejected": outcome.rejected_total,
        },
        "rejected_by_reason": outcome.rejected_by_reason(),
        # A ratio, not money: a rounded float reads best in JSON.
        "quality_ratio": round(float(outcome.ratio), 6),
        "quality_threshold": params.quality_threshold,
        "totals": figures.totals.as_json(),
        "by_category": {name: t.as_json() for name, t in figures.by_category.items()},
        "by_account": {name: t.as_json() for name, t in figures.by_account.items()},
        "artifacts": artifacts,
    }

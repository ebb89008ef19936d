"""Parameters of the monthly report. Their JSON Schema drives the web form, so every field is
titled, described and bounded."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from underway.workflows.builtin.monthly_report.dataset import FIRST_YEAR, LAST_YEAR


class ReportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


class MonthlyReportParams(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Monthly financial report")

    month: int = Field(
        ge=1,
        le=12,
        title="Month",
        description="Month of the report, 1 (January) to 12 (December).",
        examples=[6],
    )
    year: int = Field(
        LAST_YEAR - 1,
        ge=2020,
        le=2030,
        title="Year",
        description=f"Year of the report. The built-in ledger covers {FIRST_YEAR} to {LAST_YEAR}.",
        examples=[LAST_YEAR - 1],
    )
    formats: list[ReportFormat] = Field(
        [ReportFormat.PDF],  # pydantic copies a mutable default per instance
        min_length=1,
        max_length=len(ReportFormat),
        json_schema_extra={"uniqueItems": True},
        title="Formats",
        description="Files to produce: a CSV summary, an Excel workbook and/or a PDF document.",
        examples=[["pdf", "xlsx"]],
    )
    include_charts: bool = Field(
        True,
        title="Include charts",
        description="Add charts (per-category bars, daily trend) to the PDF and the workbook.",
    )
    quality_threshold: float = Field(
        0.95,
        ge=0,
        le=1,
        title="Quality threshold",
        description=(
            "Minimum share of the month's rows that must pass validation (0 to 1). "
            "Below it the report fails instead of publishing figures built on bad data."
        ),
        examples=[0.95],
    )
    include_raw_data: bool = Field(
        False,
        title="Include raw data",
        description="Also export the month's valid rows: a workbook sheet, a separate CSV file.",
    )

    @field_validator("formats")
    @classmethod
    def _unique_formats(cls, formats: list[ReportFormat]) -> list[ReportFormat]:
        # "uniqueItems" in the schema guides the form; this enforces it for API and CLI callers.
        if len(set(formats)) != len(formats):
            raise ValueError("each format may be listed only once")
        return formats

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

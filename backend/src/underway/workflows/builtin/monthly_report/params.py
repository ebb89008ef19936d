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
    # Bounded by the ledger's coverage, so a month without data is refused at submission (a 422 on
    # this field) rather than queued and failed. The bounds are in the schema for the form, and
    # checked by _covered_by_the_ledger with a message that says why.
    year: int = Field(
        LAST_YEAR,
        title="Year",
        description=f"Year of the report. The built-in ledger covers {FIRST_YEAR} to {LAST_YEAR}.",
        examples=[LAST_YEAR],
        json_schema_extra={"minimum": FIRST_YEAR, "maximum": LAST_YEAR},
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

    @field_validator("year")
    @classmethod
    def _covered_by_the_ledger(cls, year: int) -> int:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(
                f"the ledger has no data for {year}: it covers {FIRST_YEAR}-01 to {LAST_YEAR}-12"
            )
        return year

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

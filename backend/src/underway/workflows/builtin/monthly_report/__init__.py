"""The built-in monthly financial report. Importing this package registers the workflow."""

from underway.workflows.builtin.monthly_report.params import MonthlyReportParams, ReportFormat
from underway.workflows.builtin.monthly_report.workflow import monthly_report

__all__ = ["MonthlyReportParams", "ReportFormat", "monthly_report"]

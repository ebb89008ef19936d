"""Workflows shipped with Underway (registered through the ``underway.workflows`` entry point)."""

from underway.workflows.builtin import data_validation, demo_sleep, monthly_report

__all__ = ["data_validation", "demo_sleep", "monthly_report"]

"""The activity charts (dashboard and admin view): each a figure with a summary in words."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class ActivityCharts:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.section = page.get_by_role("region", name=r"activity", exact=False)

    def chart(self, name: str) -> Locator:
        """``throughput``, ``queue``, ``durations`` or ``success``: the figure."""
        return self.page.get_by_test_id(f"chart-{name}")

    def summary(self, name: str) -> Locator:
        return self.page.get_by_test_id(f"chart-{name}-summary")

    def drawn(self, name: str) -> Locator:
        """The chart's drawing: Recharts' SVG surface inside the figure."""
        return self.chart(name).locator("svg.recharts-surface").first

    def show_period(self, label: str) -> None:
        self.page.get_by_role("radiogroup", name="Chart period").get_by_text(label, exact=True).click()

"""The Workers panel of the admin view."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from pages.app import go_to


class WorkersPanel:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.table = page.get_by_role("table", name="Worker processes")
        self.rows = self.table.locator("tbody tr")

    @classmethod
    def open(cls, page: Page) -> WorkersPanel:
        go_to(page, "Admin")
        page.get_by_role("tab", name="Workers").click()
        panel = cls(page)
        expect(panel.rows.first).to_be_visible()
        return panel

    def state(self, row: Locator) -> Locator:
        return row.get_by_test_id("worker-state")

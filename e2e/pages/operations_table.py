"""Operation tables (History, Admin) and their filter bar."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class OperationsTable:
    def __init__(self, page: Page, caption: str) -> None:
        self.page = page
        self.table = page.get_by_role("table", name=caption, exact=True)
        self.rows = self.table.locator("tbody tr")
        self.filters = page.get_by_role("region", name="Filter operations")

    def row(self, operation_id: str) -> Locator:
        return self.table.locator(f'tr[data-operation-id="{operation_id}"]')

    def status(self, operation_id: str) -> Locator:
        return self.row(operation_id).locator("[data-status]")

    def progress(self, operation_id: str) -> Locator:
        return self.row(operation_id).get_by_role("progressbar")

    def progress_selector(self, operation_id: str) -> str:
        """The row's progress bar as a CSS selector, for waiting on its value in the page."""
        return f'tr[data-operation-id="{operation_id}"] [role="progressbar"]'

    def filter_by(self, label: str, option: str) -> None:
        """Pick an option of the Status (multi-select) or Workflow (select) filter."""
        box = self.filters.get_by_role("combobox", name=label, exact=True)
        # force: once a multi-select holds a value, its pills box lies over the input; a click
        # at the input's place lands on that box, exactly as a person's click would.
        box.click(force=True)
        self.page.get_by_role("option", name=option, exact=True).click()
        box.press("Escape")

    def clear_filters(self) -> None:
        self.filters.get_by_role("button", name="Clear filters").click()

    def cancel_button(self, operation_id: str) -> Locator:
        return self.page.get_by_role("button", name=f"Cancel operation {operation_id}", exact=True)

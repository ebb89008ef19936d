"""The dashboard: figures and recent operations."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class Dashboard:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.recent = page.get_by_role("table", name="Recent operations")

    def figure(self, label: str) -> Locator:
        """A stat card (a region named by its label)."""
        return self.page.get_by_role("region", name=label, exact=True)

    def expect_figure(self, label: str, value: str, hint: str | None = None) -> None:
        card = self.figure(label)
        expect(card.get_by_test_id(f"stat-{label.lower().replace(' ', '-')}")).to_have_text(value)
        if hint is not None:
            expect(card).to_contain_text(hint)

    def recent_row(self, operation_id: str) -> Locator:
        return self.recent.locator(f'tr[data-operation-id="{operation_id}"]')

    def recent_status(self, operation_id: str) -> Locator:
        return self.recent_row(operation_id).locator("[data-status]")

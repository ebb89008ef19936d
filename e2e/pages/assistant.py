"""The Assistant page (/assistant/<session>): the web chat and its live operation cards."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class AssistantPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.conversation = page.get_by_role("log", name="Conversation")
        self.message = page.get_by_label("Message", exact=True)
        self.sessions = page.get_by_role("navigation", name="Your chats")

    def send(self, text: str) -> None:
        """Type a message and press Enter, as people do."""
        self.message.fill(text)
        self.message.press("Enter")

    def operation_card(self, workflow: str) -> Locator:
        return self.conversation.get_by_test_id("chat-operation").filter(has_text=workflow).last

    @staticmethod
    def status(card: Locator, status: str) -> Locator:
        return card.get_by_text(status, exact=True)

    @staticmethod
    def percent(card: Locator) -> float:
        value = card.get_by_role("progressbar", name="Operation progress").get_attribute("aria-valuenow")
        return float(value or 0)

"""The workflow catalogue and the new-operation form generated from a workflow's params schema."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from pages.app import go_to
from pages.operation import OperationPage


class NewOperationForm:
    def __init__(self, page: Page, title: str) -> None:
        self.page = page
        self.title = title
        self.heading = page.get_by_role("heading", name=f"New operation: {title}", level=1)
        self.form = page.get_by_role("form", name=f"New {title} operation")
        self.start_button = page.get_by_role("button", name="Start operation")
        self.not_started = page.get_by_role("alert").filter(has_text="The operation was not started")

    @classmethod
    def open_from_catalogue(cls, page: Page, title: str) -> NewOperationForm:
        """Workflows (main navigation) -> "New operation: <title>"."""
        go_to(page, "Workflows")
        page.get_by_role("link", name=f"New operation: {title}", exact=True).click()
        view = cls(page, title)
        expect(view.heading).to_be_visible()
        return view

    @classmethod
    def open(cls, page: Page, workflow: str, title: str) -> NewOperationForm:
        """Straight to /workflows/<name> (a full page load)."""
        page.goto(f"/workflows/{workflow}")
        view = cls(page, title)
        expect(view.heading).to_be_visible()
        return view

    def field(self, label: str) -> Locator:
        """A parameter's input, by its schema title."""
        return self.form.get_by_label(label, exact=True)

    def fill(self, values: dict[str, str]) -> NewOperationForm:
        for label, value in values.items():
            self.field(label).fill(value)
        return self

    def choose(self, label: str, *options: str) -> NewOperationForm:
        """Pick options of a (multi-)select, then close its dropdown."""
        box = self.form.get_by_role("combobox", name=label, exact=True)
        for option in options:
            # force: once a multi-select holds a value, its pills box lies over the input; a click
            # at the input's place lands on that box, exactly as a person's click would.
            box.click(force=True)
            self.page.get_by_role("option", name=option, exact=True).click()
        box.press("Escape")
        return self

    def start(self) -> OperationPage:
        """Start the operation and follow the app to its page."""
        self.start_button.click()
        return OperationPage.wait_for(self.page)

    def expect_field_error(self, label: str, message: str | re.Pattern[str]) -> None:
        """The field is marked invalid and its error is part of its accessible description."""
        field = self.field(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        pattern = message if isinstance(message, re.Pattern) else re.compile(re.escape(message))
        expect(field).to_have_accessible_description(pattern)

"""The workflow catalogue: a whole card opens its form, not only its button."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from support.server import Account


def test_clicking_anywhere_on_a_card_opens_its_form(page: Page, user: Account) -> None:
    sign_in(page, user)
    go_to(page, "Workflows")
    card = page.get_by_test_id("workflow-card-demo.sleep")
    card.get_by_role("heading", name="Sleep (demo)").click()
    expect(page).to_have_url(re.compile(r"/workflows/demo\.sleep$"))
    expect(page.get_by_role("heading", name="New operation: Sleep (demo)", level=1)).to_be_visible()

    page.go_back()
    card = page.get_by_test_id("workflow-card-monthly_report")
    card.get_by_text("monthly_report", exact=True).click()  # the name line, plain text
    expect(page).to_have_url(re.compile(r"/workflows/monthly_report$"))

    page.go_back()
    # The button is still the keyboard's way in.
    page.get_by_role("link", name="New operation: Validate a CSV file").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/workflows/data_validation$"))

"""A business user validates a CSV file from their computer: picked in the form, read by the browser,
checked by the `data_validation` workflow, summarised on the operation's page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from pages.app import sign_in
from pages.workflows import NewOperationForm
from support.server import Account

LEDGER = "id,amount,currency\n1,10.50,EUR\n2,-3,EUR\n3,7,usd\n4,,EUR\n"


def test_a_csv_file_picked_in_the_form_is_validated(page: Page, user: Account, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, "Validate a CSV file")

    with page.expect_file_chooser() as chooser:
        form.form.get_by_role("button", name="Load from a file…").click()
    chooser.value.set_files(ledger)
    expect(form.form.get_by_text("Loaded ledger.csv")).to_be_visible()
    expect(form.field("CSV text")).to_have_value(LEDGER)

    form.form.get_by_role("button", name="Add rule").click()
    form.field("Column").fill("amount")
    form.choose("Check", "min")
    form.field("Value").fill("0")
    op = form.start()

    expect(op.status).to_have_text("completed")
    expect(op.result_value("Rows checked")).to_have_text("4")
    expect(op.result_value("Passed")).to_have_text("No")
    expect(op.result_value("Failed rules")).to_have_text("1")

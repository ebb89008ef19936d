"""Flow 6: invalid input is refused with messages on the fields — by the form before anything is
sent, and by the server (a 422 mapped back onto the fields) for rules only the server knows.

Server-side rules used, which the schema-driven form cannot check:
- the submission's timeout must not exceed the server's UNDERWAY_MAX_TIMEOUT_S (a setting, not in
  any schema; the form only checks that it is positive);
- a data_validation rule's regular expression must compile (a Python `re` check in a pydantic
  validator; the form sees a free-form "Value").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, Request, expect

from pages.app import sign_in
from pages.workflows import NewOperationForm
from support.server import Account

SUBMIT_PATH = "/api/v1/operations"


def _is_submission(request: Request) -> bool:
    return request.method == "POST" and request.url.split("?")[0].endswith(SUBMIT_PATH)


@contextmanager
def no_submission(page: Page) -> Iterator[None]:
    """Fails if the page sends a submission inside the block."""
    sent: list[Request] = []

    def record(request: Request) -> None:
        if _is_submission(request):
            sent.append(request)

    page.on("request", record)
    try:
        yield
    finally:
        page.remove_listener("request", record)
    assert not sent, f"the form sent {len(sent)} submission(s) despite invalid input"


def test_the_form_refuses_invalid_input_before_sending_it(page: Page, user: Account) -> None:
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, "Sleep (demo)")
    with no_submission(page):
        form.fill({"Steps": "0", "Step duration (s)": "61", "Fail at step": "0"})
        # Enter in a field submits the form: the submit handler validates every field and moves
        # the focus to the first invalid one.
        form.field("Fail at step").press("Enter")
        form.expect_field_error("Steps", "Must be at least 1")
        form.expect_field_error("Step duration (s)", "Must be at most 60")
        form.expect_field_error("Fail at step", "Must be at least 1")
        expect(form.field("Steps")).to_be_focused()

        # A corrected value loses its message at once; the others keep theirs.
        form.field("Steps").fill("3")
        expect(form.field("Steps")).not_to_have_attribute("aria-invalid", "true")
        expect(form.field("Step duration (s)")).to_have_attribute("aria-invalid", "true")
        form.start_button.click()
        expect(form.field("Step duration (s)")).to_be_focused()
        form.expect_field_error("Step duration (s)", "Must be at most 60")
        expect(page).to_have_url(re.compile(r"/workflows/demo\.sleep$"))

    report = NewOperationForm.open_from_catalogue(page, "Monthly financial report")
    with no_submission(page):
        formats = report.form.get_by_role("combobox", name="Formats", exact=True)
        formats.click()
        formats.press("Backspace")  # removes the preselected "pdf": no format left
        formats.press("Escape")
        # The year starts at the ledger's latest and cannot pass it: no month without data.
        year = report.form.get_by_role("slider", name="Year")
        expect(year).to_have_attribute("aria-valuenow", "2025")
        year.press("ArrowRight")
        expect(year).to_have_attribute("aria-valuemax", "2025")
        expect(year).to_have_attribute("aria-valuenow", "2025")
        # Month was never touched: only the submit handler can say it is required.
        report.field("Month").press("Enter")
        report.expect_field_error("Month", "This field is required")
        report.expect_field_error("Formats", "Choose at least 1 option")
        expect(report.field("Month")).to_be_focused()
        expect(page).to_have_url(re.compile(r"/workflows/monthly_report$"))


def test_server_side_rules_come_back_as_field_messages(page: Page, user: Account) -> None:
    sign_in(page, user)

    # 1. A submission field: the timeout is above the server's maximum (86400 s by default).
    form = NewOperationForm.open_from_catalogue(page, "Sleep (demo)")
    form.fill({"Steps": "1"})
    timeout = form.form.get_by_label("Timeout (seconds)", exact=True)
    timeout.fill("100000")
    with page.expect_response(lambda r: _is_submission(r.request)) as refused:
        form.start_button.click()
    assert refused.value.status == 422
    expect(timeout).to_have_attribute("aria-invalid", "true")
    expect(timeout).to_have_accessible_description(re.compile(r"must not exceed 86400"))
    expect(page).to_have_url(re.compile(r"/workflows/demo\.sleep$"))

    # 2. A parameter: a rule's regular expression that does not compile.
    form = NewOperationForm.open_from_catalogue(page, "Validate a CSV file")
    form.fill({"CSV text": "code\nABC\n"})
    form.form.get_by_role("button", name="Add rule").click()
    rule = form.form.get_by_role("region", name="Rule 1")
    rule.get_by_label("Column", exact=True).fill("code")
    rule.get_by_role("combobox", name="Check", exact=True).click()
    page.get_by_role("option", name="regex", exact=True).click()
    rule.get_by_label("Value", exact=True).fill("([A-Z]")
    with page.expect_response(lambda r: _is_submission(r.request)) as refused:
        form.start_button.click()
    assert refused.value.status == 422
    expect(form.form.get_by_role("group", name="Rules")).to_contain_text(
        re.compile(r"Invalid regular expression", re.IGNORECASE)
    )
    expect(page).to_have_url(re.compile(r"/workflows/data_validation$"))

    # Corrected, the same form is accepted.
    rule.get_by_label("Value", exact=True).fill("[A-Z]{3}")
    op = form.start()
    expect(op.status).to_have_text("completed")

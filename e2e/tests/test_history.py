"""Flow 7: History filters the user's operations by status and by workflow."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.operations_table import OperationsTable
from support.api import Api
from support.server import Account, UnderwayServer


def test_history_filters_by_status_and_workflow(page: Page, user: Account, server: UnderwayServer) -> None:
    # The scene, set over the API as the user: three short operations of two workflows.
    with Api.sign_in(server.base_url, user) as api:
        completed_sleep = api.submit("demo.sleep", {"steps": 1, "step_s": 0})["id"]
        failed_sleep = api.submit("demo.sleep", {"steps": 2, "step_s": 0, "fail_at_step": 1})["id"]
        validation = api.submit(
            "data_validation", {"csv_text": "n\n1\n2\n", "rules": [{"column": "n", "check": "integer"}]}
        )["id"]

    sign_in(page, user)
    go_to(page, "History")
    history = OperationsTable(page, "Your operations")
    expect(history.rows).to_have_count(3)
    expect(history.status(completed_sleep)).to_have_text("completed")
    expect(history.status(failed_sleep)).to_have_text("failed")
    expect(history.status(validation)).to_have_text("completed")

    history.filter_by("Status", "failed")
    expect(page).to_have_url(re.compile(r"[?&]status=failed"))
    expect(history.rows).to_have_count(1)
    expect(history.row(failed_sleep)).to_be_visible()

    history.filter_by("Status", "completed")  # failed or completed
    expect(history.rows).to_have_count(3)

    history.filter_by("Workflow", "Sleep (demo)")
    expect(page).to_have_url(re.compile(r"[?&]workflow=demo\.sleep"))
    expect(history.rows).to_have_count(2)
    expect(history.row(completed_sleep)).to_be_visible()
    expect(history.row(failed_sleep)).to_be_visible()

    history.filter_by("Workflow", "Validate a CSV file")
    expect(history.rows).to_have_count(1)
    expect(history.row(validation)).to_be_visible()

    # A status nobody has: an empty result, said in words.
    history.clear_filters()
    history.filter_by("Status", "cancelled")
    expect(history.rows).to_have_count(0)
    expect(page.get_by_text("No operations match these filters.")).to_be_visible()

    # The filters live in the address: a reload keeps them.
    history.clear_filters()
    history.filter_by("Workflow", "Sleep (demo)")
    history.filter_by("Status", "completed")
    expect(history.rows).to_have_count(1)
    page.reload()
    expect(history.rows).to_have_count(1)
    expect(history.row(completed_sleep)).to_be_visible()

"""Flow 8: the admin view is for administrators only; an administrator watches another user's
operation appear and progress live, and cancels it."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from pages.app import go_to, nav_link, sign_in
from pages.operations_table import OperationsTable
from support.api import Api
from support.server import Account, UnderwayServer


def test_a_regular_user_cannot_reach_the_admin_view(
    page: Page, user: Account, server: UnderwayServer
) -> None:
    sign_in(page, user)
    expect(nav_link(page, "Settings")).to_be_visible()
    expect(nav_link(page, "Admin")).to_have_count(0)

    page.goto("/admin")
    expect(page.get_by_role("heading", name="Access denied", level=1)).to_be_visible()
    expect(page.get_by_text("403", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Administration")).to_have_count(0)
    expect(page.get_by_role("table", name="All operations")).to_have_count(0)

    # Not only hidden: the API refuses this user too.
    with Api.sign_in(server.base_url, user) as api:
        assert api.http.get("/admin/operations").status_code == httpx.codes.FORBIDDEN


def test_an_admin_sees_another_users_operation_live_and_cancels_it(
    page: Page, admin: Account, user: Account, server: UnderwayServer
) -> None:
    sign_in(page, admin)
    expect(nav_link(page, "Admin")).to_be_visible()
    go_to(page, "Admin")
    operations = OperationsTable(page, "All operations")
    # The first page of every user's operations has loaded (rows, or none yet).
    expect(operations.rows.or_(page.get_by_text("No operations match these filters.")).first).to_be_visible()

    with Api.sign_in(server.base_url, user) as api:
        operation_id = api.submit("demo.sleep", {"steps": 600, "step_s": 0.5})["id"]

        # It appears by itself, with its owner, and runs.
        row = operations.row(operation_id)
        expect(row).to_be_visible()
        expect(row).to_contain_text(user.username)
        expect(operations.status(operation_id)).to_have_text("running")
        # ... and its progress moves on screen, twice over.
        first = wait_for_progress(page, operations.progress_selector(operation_id), above=0)
        wait_for_progress(page, operations.progress_selector(operation_id), above=first)

        operations.cancel_button(operation_id).click()
        dialog = page.get_by_role("dialog", name="Cancel this operation?")
        dialog.get_by_role("button", name="Yes, cancel").click()
        expect(operations.status(operation_id)).to_have_text(
            "cancelled", timeout=server.cancel_grace_s * 1000
        )
        expect(operations.cancel_button(operation_id)).to_have_count(0)

        # The owner's view agrees.
        assert api.operation(operation_id)["status"] == "cancelled"


def wait_for_progress(page: Page, selector: str, above: float) -> float:
    """Wait until the progress bar at ``selector`` shows more than ``above``; return its value."""
    handle = page.wait_for_function(
        """([selector, above]) => {
            const bar = document.querySelector(selector);
            const value = bar ? Number(bar.getAttribute("aria-valuenow")) : NaN;
            return value > above ? value : null;
        }""",
        arg=[selector, above],
    )
    return float(handle.json_value())

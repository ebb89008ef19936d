"""Flow 9: an API key made in Settings works from a script (plain HTTP) until it is revoked."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.operations_table import OperationsTable
from support.api import Api
from support.server import Account, UnderwayServer

KEY_NAME = "nightly-script"


def test_api_key_submits_over_http_until_revoked(page: Page, user: Account, server: UnderwayServer) -> None:
    sign_in(page, user)
    go_to(page, "Settings")
    expect(page.get_by_text("You have no API keys.")).to_be_visible()
    page.get_by_label("Key name", exact=True).fill(KEY_NAME)
    page.get_by_role("button", name="Create key").click()

    created = page.get_by_role("dialog", name="Your new API key")
    secret = created.get_by_test_id("new-api-key")
    expect(secret).not_to_be_empty()
    key = secret.inner_text().strip()
    created.get_by_role("button", name="Done").click()
    expect(created).to_be_hidden()
    revoke = page.get_by_role("button", name=f"Revoke {KEY_NAME}", exact=True)
    expect(revoke).to_be_visible()
    expect(page.get_by_text(key)).to_have_count(0)  # shown once, never again

    # A script with nothing but the key.
    with Api(server.base_url, key) as script:
        submitted = script.submit("demo.sleep", {"steps": 2, "step_s": 0.1})
        assert submitted["owner"] == user.username

    # The user's history has it (Refresh: it was started outside this tab).
    go_to(page, "History")
    history = OperationsTable(page, "Your operations")
    page.get_by_role("button", name="Refresh").click()
    expect(history.row(submitted["id"])).to_be_visible()
    expect(history.status(submitted["id"])).to_have_text("completed")

    go_to(page, "Settings")
    revoke.click()
    confirm = page.get_by_role("dialog", name="Revoke this key?")
    confirm.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_role("alert").filter(has_text="Key revoked")).to_be_visible()
    expect(revoke).to_have_count(0)

    with Api(server.base_url, key) as script:
        refused = script.http.post("/operations", json={"workflow": "demo.sleep", "params": {"steps": 1}})
        assert refused.status_code == httpx.codes.UNAUTHORIZED, refused.text
        assert script.http.get("/operations").status_code == httpx.codes.UNAUTHORIZED

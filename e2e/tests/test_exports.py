"""History and the admin view export what their filters show, as CSV, through the browser."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.operations_table import OperationsTable
from support.api import Api
from support.server import Account, UnderwayServer


def _export(page: Page, to: Path) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    name = download.value.suggested_filename
    assert name.endswith(".csv"), name
    download.value.save_as(to)
    with to.open(newline="") as file:
        return list(csv.DictReader(file))


def test_history_and_admin_exports_follow_the_filters(
    page: Page, user: Account, admin: Account, server: UnderwayServer, tmp_path: Path
) -> None:
    with Api.sign_in(server.base_url, user) as api:
        completed = api.submit("demo.sleep", {"steps": 1, "step_s": 0})["id"]
        failed = api.submit("demo.sleep", {"steps": 2, "step_s": 0, "fail_at_step": 1})["id"]

    sign_in(page, user)
    go_to(page, "History")
    history = OperationsTable(page, "Your operations")
    expect(history.status(completed)).to_have_text("completed")
    expect(history.status(failed)).to_have_text("failed")

    everything = _export(page, tmp_path / "mine.csv")
    assert [(r["id"], r["status"], r["owner"]) for r in everything] == [
        (failed, "failed", user.username),
        (completed, "completed", user.username),
    ]
    history.filter_by("Status", "failed")
    expect(history.rows).to_have_count(1)
    only_failed = _export(page, tmp_path / "failed.csv")
    assert [r["id"] for r in only_failed] == [failed]
    assert only_failed[0]["error"].startswith("Failed on purpose at step 1")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, admin)
    page.goto(f"/admin?owner={user.username}")
    everyone = OperationsTable(page, "All operations")
    expect(everyone.rows).to_have_count(2)
    of_user = _export(page, tmp_path / "admin.csv")
    assert {r["id"] for r in of_user} == {completed, failed}

"""The Workers panel: the session server runs its workers in-process, so it is one worker. Drained
from the panel, it takes nothing new and a new operation says why it waits; resumed, it runs it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pages.app import sign_in
from pages.operation import OperationPage
from pages.workers import WorkersPanel
from support.api import Api
from support.server import Account, UnderwayServer


@pytest.fixture
def resumed_afterwards(server: UnderwayServer, admin: Account) -> Iterator[None]:
    """Whatever happens in the test, the session's worker takes work again for the next tests."""
    yield
    with Api.sign_in(server.base_url, admin) as api:
        for worker in api.http.get("/admin/workers").json():
            if worker["draining"] and worker["state"] != "gone":
                api.http.post(f"/admin/workers/{worker['id']}/resume")


@pytest.mark.usefixtures("resumed_afterwards")
def test_drain_from_the_panel_blocks_new_work_with_a_reason_until_resumed(
    page: Page, admin: Account, user: Account, server: UnderwayServer
) -> None:
    sign_in(page, admin)
    workers = WorkersPanel.open(page)
    row = workers.rows.filter(has_text="API + workers")
    expect(row).to_have_count(1)
    expect(workers.state(row)).to_have_text("Alive")
    expect(row.get_by_test_id("worker-running")).to_have_text(re.compile(r"^\d+ of 4$"))
    expect(row).to_contain_text("demo.sleep")

    row.get_by_role("button", name=re.compile(r"^Drain ")).click()
    expect(workers.state(row)).to_have_text("Draining")
    expect(row.get_by_role("button", name=re.compile(r"^Resume "))).to_be_visible()
    # A live worker cannot be deregistered: the action is offered for gone workers only.
    expect(row.get_by_role("button", name=re.compile(r"^Deregister "))).to_have_count(0)

    with Api.sign_in(server.base_url, user) as api:
        operation_id = api.submit("demo.sleep", {"steps": 1, "step_s": 0})["id"]
    page.goto(f"/operations/{operation_id}")
    operation = OperationPage(page)
    expect(operation.status).to_have_text("queued")
    reason = page.get_by_test_id("blocked-reason")
    expect(reason).to_contain_text("No worker can start this operation now")
    expect(reason).to_contain_text("draining")

    workers = WorkersPanel.open(page)
    row = workers.rows.filter(has_text="API + workers")
    row.get_by_role("button", name=re.compile(r"^Resume ")).click()
    expect(workers.state(row)).to_have_text("Alive")

    page.goto(f"/operations/{operation_id}")
    expect(OperationPage(page).status).to_have_text("completed")
    expect(page.get_by_test_id("blocked-reason")).to_have_count(0)

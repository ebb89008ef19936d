"""Flows 2, 4 and 5: an operation watched live from its page — to the end, cancelled, and across
a reload. Everything below is what the browser shows; no page is reloaded unless the test says so."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.dashboard import Dashboard
from pages.operation import OperationPage, install_progress_recorder, recorded_progress
from pages.workflows import NewOperationForm
from support.server import Account, UnderwayServer

SLEEP = "Sleep (demo)"
ALL_DONE = {"prepare": "done", "work": "done", "finish": "done"}


def mark_document(page: Page) -> None:
    """Tag the loaded document: the tag survives client-side navigation but not a reload."""
    page.evaluate("() => { window.__e2eSameDocument = true; }")


def same_document(page: Page) -> bool:
    return bool(page.evaluate("() => window.__e2eSameDocument === true"))


def test_progress_advances_live_through_the_stages_to_the_result(page: Page, user: Account) -> None:
    install_progress_recorder(page)
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, SLEEP)
    form.fill({"Steps": "15", "Step duration (s)": "0.4"})
    mark_document(page)
    op = form.start()

    # While it runs: the status, the current stage and its message, a bar part-way.
    expect(op.status).to_have_text("running")
    op.expect_stage_states({"prepare": "done", "work": "current", "finish": "pending"})
    expect(op.message).to_have_text(re.compile(r"^Step \d+ of 15$"))
    op.wait_for_percent(1, 99)

    # The end arrives by itself: final status, full bar, every stage done, the result.
    expect(op.status).to_have_text("completed")
    expect(op.progress).to_have_attribute("aria-valuenow", "100")
    op.expect_stage_states(ALL_DONE)
    expect(op.result_value("Steps")).to_have_text("15")
    expect(op.cancel_button).to_have_count(0)
    assert same_document(page), "the page was reloaded"

    # The bar moved step by step and never backwards (not one jump from 0 to 100).
    values = recorded_progress(page)
    assert values == sorted(values), values
    assert values[-1] == 100, values
    assert len([v for v in values if 0 < v < 100]) >= 5, values


def test_cancel_a_running_operation_from_its_page(page: Page, user: Account, server: UnderwayServer) -> None:
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, SLEEP)
    form.fill({"Steps": "600", "Step duration (s)": "0.5"})
    op = form.start()
    operation_id = op.operation_id
    expect(op.status).to_have_text("running")
    op.wait_for_percent(1, 99)

    # The dashboard counts it as active and running.
    go_to(page, "Dashboard")
    dashboard = Dashboard(page)
    dashboard.expect_figure("Active", "1", hint="1 running")
    dashboard.recent_row(operation_id).get_by_role("link").click()
    op = OperationPage(page)
    expect(op.status).to_have_text("running")

    op.cancel()
    confirmed = time.monotonic()
    # Cancellation is cooperative (demo.sleep checks every step): done well within the grace period.
    expect(op.status).to_have_text("cancelled", timeout=server.cancel_grace_s * 1000)
    assert time.monotonic() - confirmed <= server.cancel_grace_s
    expect(op.cancel_button).to_have_count(0)
    expect(op.stage("work")).to_have_attribute("data-state", "stopped")
    expect(op.stage("finish")).to_have_attribute("data-state", "pending")
    assert op.percent() < 100

    # The figures follow: nothing active any more, one finished today, none completed.
    go_to(page, "Dashboard")
    dashboard.expect_figure("Active", "0", hint="0 running")
    dashboard.expect_figure("Completed today", "0", hint="1 finished")
    dashboard.expect_figure("Success rate", "0%")
    expect(dashboard.recent_status(operation_id)).to_have_text("cancelled")


def test_reload_mid_run_resumes_where_it_was_with_every_stage(page: Page, user: Account) -> None:
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, SLEEP)
    form.fill({"Steps": "24", "Step duration (s)": "0.5"})
    op = form.start()
    expect(op.status).to_have_text("running")
    # Part-way, with several seconds of work left for the reload to land in.
    before = op.wait_for_percent(20, 50)

    install_progress_recorder(page)  # records from the reloaded document's first paint
    page.reload()
    op = OperationPage(page)
    expect(op.progress).to_be_visible()
    expect(op.status).to_have_text("running")
    op.expect_stage_states({"prepare": "done", "work": "current", "finish": "pending"})

    expect(op.status).to_have_text("completed")
    expect(op.progress).to_have_attribute("aria-valuenow", "100")
    values = recorded_progress(page)
    # Resumed, not restarted: from the first value shown, never below the value before the reload.
    assert values, "the progress bar never rendered after the reload"
    assert min(values) >= before, (before, values)
    assert values == sorted(values), values

    # No stage is missing: each was entered (a stage never seen would read "Skipped"), the ones
    # from before the reload included, with the time it took.
    op.expect_stage_states(ALL_DONE)
    for name in ALL_DONE:
        expect(op.stage(name)).to_contain_text(re.compile(r"Done in \d"))

"""Flow 10: past the submit limit, the UI says when to try again.

A dedicated server with a low submit limit: the limit would otherwise constrain every other test.
It runs on SQLite only — rate-limit counters live in the server's memory (or Redis), never in the
database, so PostgreSQL would exercise nothing more here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pages.app import sign_in
from pages.workflows import NewOperationForm
from support.api import create_account, forget_sessions
from support.browser import PageFactory
from support.server import UnderwayServer, serve

SUBMIT_LIMIT = 2


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory, web_dir: Path) -> Iterator[UnderwayServer]:
    with serve(
        name="rate-limited",
        workdir=tmp_path_factory.mktemp("server-rate-limited"),
        database="sqlite",
        web_dir=web_dir,
        settings={"UNDERWAY_RATE_LIMIT_SUBMIT": f"{SUBMIT_LIMIT}/minute"},
    ) as server:
        yield server
        forget_sessions(server)


def test_exceeding_the_submit_limit_shows_when_to_retry(
    open_page: PageFactory, limited_server: UnderwayServer
) -> None:
    user = create_account(limited_server)
    page = open_page(limited_server)
    sign_in(page, user)
    for _ in range(SUBMIT_LIMIT):
        form = NewOperationForm.open_from_catalogue(page, "Sleep (demo)")
        form.fill({"Steps": "1", "Step duration (s)": "0"})
        op = form.start()
        expect(op.status).to_have_text("completed")

    form = NewOperationForm.open_from_catalogue(page, "Sleep (demo)")
    form.fill({"Steps": "1", "Step duration (s)": "0"})
    form.start_button.click()

    # In the form, and as a toast: refused, and for how long (a one-minute window).
    retry = re.compile(r"Please try again in (\d+) seconds\.")
    expect(form.not_started).to_contain_text(retry)
    toast = page.get_by_role("alert").filter(has_text="Too many requests")
    expect(toast).to_contain_text(retry)
    seconds = retry.search(form.not_started.inner_text())
    assert seconds is not None
    assert 1 <= int(seconds[1]) <= 60
    expect(page).to_have_url(re.compile(r"/workflows/demo\.sleep$"))

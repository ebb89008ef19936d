"""Flow 10: past the submit limit, the UI says when to try again.

A dedicated server with a low submit limit: the limit would otherwise constrain every other test.
On SQLite it is the embedded default (counters in the server's memory); on PostgreSQL it is the
deployment people grow into, with the counters in Redis (``UNDERWAY_REDIS_URL``).
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
from support.services import DATABASES, require_postgres, require_redis

SUBMIT_LIMIT = 2


@pytest.fixture(scope="module", params=DATABASES)
def limited_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, web_dir: Path
) -> Iterator[UnderwayServer]:
    database: str = request.param
    settings = {"UNDERWAY_RATE_LIMIT_SUBMIT": f"{SUBMIT_LIMIT}/minute"}
    if database == "postgres":
        require_postgres()
        settings["UNDERWAY_REDIS_URL"] = require_redis()
    with serve(
        name=f"rate-limited-{database}",
        workdir=tmp_path_factory.mktemp(f"server-rate-limited-{database}"),
        database=database,
        web_dir=web_dir,
        settings=settings,
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

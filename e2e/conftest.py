"""End-to-end fixtures: the built web app, a real ``underway serve`` per database, accounts,
headless Chromium, and a screenshot plus a Playwright trace for every failed test.

Environment:
  UNDERWAY_E2E_CHROMIUM   the Chromium/Chrome executable (default: found on PATH, /usr/bin/chromium)
  UNDERWAY_E2E_DATABASES  "sqlite,postgres" (default) or one of them
  UNDERWAY_E2E_POSTGRES_URL  where to CREATE/DROP the session's database
                          (default postgresql://postgres@127.0.0.1:5432/postgres); unreachable:
                          PostgreSQL is skipped, unless CI is set (then it is an error)
  UNDERWAY_E2E_REDIS_URL  Redis for the PostgreSQL variant's shared rate limits
                          (default redis://127.0.0.1:6379/0; same rule as PostgreSQL)
  UNDERWAY_E2E_WEB_DIR    a ready web app build to serve (default: frontend/dist, rebuilt when stale)
  HEADED=1                show the browser; UNDERWAY_E2E_SLOWMO=ms slows every action down
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from support import webapp
from support.api import create_account, forget_sessions
from support.browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    PageFactory,
    artifacts_dir,
    find_chromium,
)
from support.server import Account, UnderwayServer, serve
from support.services import DATABASES, require_postgres

expect.set_options(timeout=TIMEOUT_MS)


ReportsKey = pytest.StashKey[dict[str, pytest.TestReport]]()


# -- browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=find_chromium(),
            args=CHROMIUM_ARGS,
            headless=os.environ.get("HEADED", "") in ("", "0"),
            slow_mo=float(os.environ.get("UNDERWAY_E2E_SLOWMO", "0")),
        )
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    factory = PageFactory(browser, request.node)
    yield factory
    uncaught = factory.uncaught_errors()
    factory.close(keep_artifacts=failed(request.node) or bool(uncaught))
    # A script error the user would never see is still a bug of the app.
    assert not uncaught, "the web app threw: " + "; ".join(uncaught)


@pytest.fixture
def page(open_page: PageFactory, server: UnderwayServer) -> Page:
    return open_page(server)


# -- the web app and the servers -------------------------------------------------------------------


@pytest.fixture(scope="session")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return webapp.prepare(tmp_path_factory.mktemp("web") / "dist")
    except webapp.WebAppError as exc:
        pytest.exit(f"e2e: the web app is not available: {exc}", returncode=3)


@pytest.fixture(scope="session", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, web_dir: Path
) -> Iterator[UnderwayServer]:
    """The session's server on a fresh database, one per entry of UNDERWAY_E2E_DATABASES."""
    database: str = request.param
    if database == "postgres":
        require_postgres()
    with serve(
        name=database,
        workdir=tmp_path_factory.mktemp(f"server-{database}"),
        database=database,
        web_dir=web_dir,
    ) as running:
        yield running
        forget_sessions(running)


@pytest.fixture
def user(server: UnderwayServer) -> Account:
    """A new regular account for this test alone: its operations, figures and limits are its own."""
    return create_account(server)


@pytest.fixture
def admin(server: UnderwayServer) -> Account:
    """The server's administrator (created with `underway users create --admin`)."""
    return server.admin


# -- failures: artifacts and the server's log -------------------------------------------------------


def failed(item: pytest.Item) -> bool:
    reports = item.stash.get(ReportsKey, {})
    return any(r.failed for r in reports.values())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(ReportsKey, {})[report.when] = report
    if report.failed and report.when in ("setup", "call"):
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, UnderwayServer):
                report.sections.append((f"underway serve ({value.name}) log, last lines", value.log_tail()))
                out = artifacts_dir(item)
                out.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(value.log_path, out / f"server-{value.name}.log")
    return report


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Artifacts describe the last run of a test: drop those of an earlier failure.
    shutil.rmtree(artifacts_dir(item), ignore_errors=True)


def pytest_report_header() -> list[str]:
    return [f"e2e: chromium {find_chromium()}, databases {', '.join(DATABASES)}, artifacts {ARTIFACTS}"]

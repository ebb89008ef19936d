"""The quality bar of the web app: accessible (WCAG 2.1 AA, checked by axe-core on every main page,
light and dark), usable with the keyboard alone, and usable on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pages.app import LoginPage, dashboard_heading, nav_link, navigation, sign_in
from pages.charts import ActivityCharts
from pages.operation import OperationPage
from support.api import Api
from support.axe import audit
from support.browser import PHONE, ColorScheme, PageFactory
from support.server import Account, UnderwayServer


def _finished_operation(server: UnderwayServer, account: Account) -> str:
    with Api.sign_in(server.base_url, account) as api:
        op = api.submit("demo.sleep", {"steps": 3, "step_s": 0})
    return str(op["id"])


def _expect_accessible(page: Page, where: str) -> None:
    violations = audit(page)
    assert not violations, f"{where}: " + "\n".join(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_main_page_meets_wcag_aa(
    open_page: PageFactory, server: UnderwayServer, user: Account, admin: Account, scheme: ColorScheme
) -> None:
    operation_id = _finished_operation(server, user)
    page = open_page(server, color_scheme=scheme)

    LoginPage(page).open()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    _expect_accessible(page, "login")

    sign_in(page, user)
    expect(page.get_by_text("Success rate", exact=True)).to_be_visible()
    charts = ActivityCharts(page)
    expect(charts.drawn("throughput")).to_be_visible()  # the lazily loaded charts are audited too
    expect(charts.drawn("durations")).to_be_visible()
    _expect_accessible(page, "dashboard")

    page.goto("/workflows")
    expect(page.get_by_role("link", name="New operation: Monthly financial report")).to_be_visible()
    _expect_accessible(page, "workflows")

    page.goto("/workflows/monthly_report")
    expect(page.get_by_role("button", name="Start operation")).to_be_visible()
    _expect_accessible(page, "new operation form")

    page.goto(f"/operations/{operation_id}")
    expect(OperationPage(page).status).to_have_text(re.compile("completed"))
    _expect_accessible(page, "operation page")

    page.goto("/history")
    expect(page.get_by_role("link", name=re.compile(operation_id[:8]))).to_be_visible()
    _expect_accessible(page, "history")

    page.goto("/settings")
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    _expect_accessible(page, "settings")

    page.goto("/integrations")
    expect(page.get_by_text("No triggers yet.")).to_be_visible()
    _expect_accessible(page, "integrations")

    admin_page = open_page(server, "admin", color_scheme=scheme)
    sign_in(admin_page, admin)
    admin_page.goto("/admin")
    expect(admin_page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    expect(admin_page.get_by_text("database: ok")).to_be_visible()
    expect(ActivityCharts(admin_page).drawn("queue")).to_be_visible()
    _expect_accessible(admin_page, "administration")
    admin_page.get_by_role("tab", name="Workers").click()
    expect(admin_page.get_by_test_id("worker-state").first).to_be_visible()
    _expect_accessible(admin_page, "workers")


def test_signing_in_and_moving_around_with_the_keyboard_alone(page: Page, user: Account) -> None:
    LoginPage(page).open()
    username = page.get_by_label("Username", exact=True)
    expect(username).to_be_focused()  # the form is ready to type into
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(user.password)
    page.keyboard.press("Enter")
    expect(dashboard_heading(page)).to_be_visible()

    # The first Tab reaches the "skip to content" link; following it lands in the main region.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Every navigation link is reachable with Tab and followed with Enter.
    history = nav_link(page, "History")
    for _ in range(30):
        page.keyboard.press("Tab")
        if history.evaluate("el => el === document.activeElement"):
            break
    expect(history).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()


def test_a_phone_sized_screen_gets_a_menu_and_readable_pages(
    open_page: PageFactory, server: UnderwayServer, user: Account
) -> None:
    page = open_page(server, viewport=PHONE)
    sign_in(page, user)
    # The navigation folds away behind a menu button on a narrow screen: off the screen, and out of
    # reach of the keyboard (a focused link nobody can see would be a trap).
    history = nav_link(page, "History")
    expect(history).not_to_be_in_viewport()
    history.focus()
    assert not history.evaluate("el => el === document.activeElement"), "a hidden link took the focus"
    page.get_by_role("button", name="Open navigation").click()
    expect(history).to_be_in_viewport()
    expect(navigation(page)).to_be_visible()
    nav_link(page, "Workflows").click()
    expect(page.get_by_role("heading", name="Workflows", level=1)).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen"
    _expect_accessible(page, "workflows on a phone")

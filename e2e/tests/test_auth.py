"""Flow 1: signing in (a wrong password is refused, the right one opens the dashboard) and out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pages.app import NAV_LINKS, LoginPage, dashboard_heading, nav_link, sign_out_button
from support.server import Account


def test_sign_in_refuses_a_wrong_password_then_signs_in_and_out(page: Page, user: Account) -> None:
    # A signed-out visitor is sent to the login page, whatever the address.
    page.goto("/history")
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    login = LoginPage(page)

    login.submit(user.username, user.password + "-wrong")
    expect(login.error).to_contain_text("Incorrect username or password.")
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(dashboard_heading(page)).to_have_count(0)

    # The right password: back where the visitor was going (History), then the dashboard.
    login.submit(user.username, user.password)
    expect(page.get_by_role("heading", name="History", level=1)).to_be_visible()
    nav_link(page, "Dashboard").click()
    expect(dashboard_heading(page)).to_be_visible()
    expect(page.get_by_text(f"Welcome back, {user.username}.")).to_be_visible()
    for name in NAV_LINKS:
        expect(nav_link(page, name)).to_be_visible()

    # Signing out ends the session: the login page, and no way back without signing in again.
    sign_out_button(page).click()
    expect(login.sign_in_button).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(login.sign_in_button).to_be_visible()
    page.reload()
    expect(login.sign_in_button).to_be_visible()
    expect(dashboard_heading(page)).to_have_count(0)

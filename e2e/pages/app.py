"""The app shell: signing in and out, the main navigation."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from support.server import Account

NAV_LINKS = ("Dashboard", "Workflows", "History", "Assistant", "Integrations", "Settings")
# The page heading each navigation link leads to.
HEADINGS = {
    "Dashboard": "Dashboard",
    "Workflows": "Workflows",
    "History": "History",
    "Assistant": "Assistant",
    "Integrations": "Integrations",
    "Settings": "Settings",
    "Admin": "Administration",
}


class LoginPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.username = page.get_by_label("Username", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.sign_in_button = page.get_by_role("button", name="Sign in")
        self.error = page.get_by_role("alert")

    def open(self) -> LoginPage:
        self.page.goto("/login")
        return self

    def submit(self, username: str, password: str) -> None:
        self.username.fill(username)
        self.password.fill(password)
        self.sign_in_button.click()


def dashboard_heading(page: Page) -> Locator:
    return page.get_by_role("heading", name="Dashboard", level=1)


def sign_in(page: Page, account: Account) -> None:
    """Sign in through the login form and wait for the dashboard."""
    LoginPage(page).open().submit(account.username, account.password)
    expect(dashboard_heading(page)).to_be_visible()


def navigation(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def nav_link(page: Page, name: str) -> Locator:
    return navigation(page).get_by_role("link", name=name, exact=True)


def go_to(page: Page, name: str) -> None:
    """Follow a main navigation link (client-side navigation, no reload)."""
    nav_link(page, name).click()
    expect(page.get_by_role("heading", name=HEADINGS[name], level=1, exact=True)).to_be_visible()


def sign_out_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Sign out")

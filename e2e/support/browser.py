"""Chromium for the suite: where it is, how it is launched, and one browser context per page."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, ViewportSize

from support.server import UnderwayServer

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Generous: two shared CPU cores, a browser and a server. Tests wait on what the user sees.
TIMEOUT_MS = int(os.environ.get("UNDERWAY_E2E_TIMEOUT_MS", "20000"))

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
ColorScheme = Literal["light", "dark"]


def find_chromium() -> str:
    given = os.environ.get("UNDERWAY_E2E_CHROMIUM")
    if given:
        path = shutil.which(given)
        if path is None:
            raise pytest.UsageError(f"UNDERWAY_E2E_CHROMIUM={given} is not an executable")
        return path
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    raise pytest.UsageError(
        "No Chromium found: install it (apt-get install chromium) or set UNDERWAY_E2E_CHROMIUM"
    )


def artifacts_dir(item: pytest.Item) -> Path:
    return ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")


class PageFactory:
    """Opens pages, each in its own browser context (its own session storage: its own sign-in)."""

    def __init__(self, browser: Browser, item: pytest.Item) -> None:
        self._browser = browser
        self._item = item
        self.opened: list[tuple[str, BrowserContext, Page, list[str]]] = []

    def __call__(
        self,
        server: UnderwayServer,
        label: str = "main",
        *,
        viewport: ViewportSize = VIEWPORT,
        color_scheme: ColorScheme = "light",
    ) -> Page:
        context = self._browser.new_context(
            base_url=server.base_url,
            viewport=viewport,
            color_scheme=color_scheme,
            accept_downloads=True,
            locale="en-GB",
            # The server counts "today" in UTC; so does the browser.
            timezone_id="UTC",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS * 2)
        context.tracing.start(title=f"{self._item.nodeid} [{label}]", screenshots=True, snapshots=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
        page.on("console", lambda msg: _keep_console_error(errors, msg))
        self.opened.append((label, context, page, errors))
        return page

    def close(self, keep_artifacts: bool) -> None:
        out = artifacts_dir(self._item)
        for label, context, page, errors in self.opened:
            if keep_artifacts:
                out.mkdir(parents=True, exist_ok=True)
                try:
                    page.screenshot(path=out / f"{label}.png", full_page=True)
                except Error as exc:
                    (out / f"{label}.screenshot-error.txt").write_text(str(exc))
                context.tracing.stop(path=out / f"{label}-trace.zip")
                (out / f"{label}-console.txt").write_text("\n".join(errors) + "\n")
            else:
                context.tracing.stop()
            context.close()
        self.opened.clear()

    def uncaught_errors(self) -> list[str]:
        return [e for _, _, _, errors in self.opened for e in errors if e.startswith("uncaught:")]


def _keep_console_error(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(f"console.error: {message.text}")

"""The operation page (/operations/<id>) and a recorder of what its progress bar showed."""

from __future__ import annotations

import re
from typing import cast

from playwright.sync_api import BrowserContext, Locator, Page, expect

OPERATION_URL = re.compile(r"/operations/(?P<id>[0-9a-f-]{36})$")
PROGRESS_SELECTOR = '[role="progressbar"][aria-label="Operation progress"]'

# Installed before the page loads: every value the operation's progress bar takes, in order, so a
# test can tell "advanced live" from "jumped to 100 %", and "resumed" from "restarted at 0" — without
# sampling on a timer.
_RECORDER = """
(() => {
  const values = [];
  Object.defineProperty(window, "__e2eProgress", { value: values });
  const SELECTOR = '__SELECTOR__';
  const record = () => {
    const bar = document.querySelector(SELECTOR);
    if (!bar) return;
    const value = Number(bar.getAttribute("aria-valuenow"));
    if (values.length === 0 || values[values.length - 1] !== value) values.push(value);
  };
  new MutationObserver(record).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"],
  });
})();
""".replace("__SELECTOR__", PROGRESS_SELECTOR)


def install_progress_recorder(target: Page | BrowserContext) -> None:
    """Record the progress bar's values on every later page load of ``target``."""
    target.add_init_script(_RECORDER)


def recorded_progress(page: Page) -> list[float]:
    """The values the progress bar has shown since this page was loaded (changes only)."""
    return cast("list[float]", page.evaluate("() => [...(window.__e2eProgress ?? [])]"))


class OperationPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.progress = page.get_by_role("progressbar", name="Operation progress")
        self.status = page.get_by_test_id("operation-status")
        self.message = page.get_by_test_id("operation-message")
        self.stages = page.get_by_role("list", name="Stages")
        self.cancel_button = page.get_by_role("button", name="Cancel operation", exact=True)
        self.reconnecting = page.get_by_role("status").filter(has_text="Reconnecting…")
        self.result = page.get_by_role("region", name="Result", exact=True)

    @classmethod
    def wait_for(cls, page: Page) -> OperationPage:
        """After a submission: the app navigated to the new operation's page."""
        page.wait_for_url(OPERATION_URL)
        view = cls(page)
        expect(view.progress).to_be_visible()
        return view

    @property
    def operation_id(self) -> str:
        match = OPERATION_URL.search(self.page.url)
        assert match, f"not an operation page: {self.page.url}"
        return match["id"]

    def percent(self) -> float:
        value = self.progress.get_attribute("aria-valuenow")
        assert value is not None
        return float(value)

    def stage(self, name: str) -> Locator:
        """One stage of the timeline, by name (items read "1. prepare — Get ready")."""
        return self.stages.get_by_role("listitem").filter(has_text=re.compile(rf"^\d+\. {re.escape(name)}\b"))

    def expect_stage_states(self, states: dict[str, str], timeout: float | None = None) -> None:
        for name, state in states.items():
            expect(self.stage(name)).to_have_attribute("data-state", state, timeout=timeout)

    def wait_for_percent(self, low: float, high: float = 100.0, timeout: float | None = None) -> float:
        """Wait until the bar shows a value in [low, high] and return it."""
        self.page.wait_for_function(
            """([selector, low, high]) => {
                const bar = document.querySelector(selector);
                const value = bar ? Number(bar.getAttribute("aria-valuenow")) : NaN;
                return value >= low && value <= high;
            }""",
            arg=[PROGRESS_SELECTOR, low, high],
            timeout=timeout,
        )
        return self.percent()

    def cancel(self) -> None:
        self.cancel_button.click()
        dialog = self.page.get_by_role("dialog", name="Cancel this operation?")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Yes, cancel").click()
        expect(dialog).to_be_hidden()

    def result_value(self, label: str) -> Locator:
        """One value of the result table, by its row's label ("Steps")."""
        row = self.result.get_by_role("row").filter(
            has=self.page.get_by_role("rowheader", name=label, exact=True)
        )
        return row.get_by_role("cell")

    def download_button(self, file_name: str) -> Locator:
        return self.page.get_by_role("button", name=f"Download {file_name}", exact=True)

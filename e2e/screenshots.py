"""Take the screenshots in docs/screenshots/ (light and dark, desktop and phone) on real data.

    make screenshots        (or: cd backend && uv run python ../e2e/screenshots.py)

It starts its own ``underway serve`` on a fresh SQLite database (with the built web app, rebuilt when
stale), creates an administrator and a user with the real CLI and API, runs real operations so the
pages have something to show, and captures every main page through headless Chromium.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Literal

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages.app import LoginPage, go_to, sign_in
from pages.assistant import AssistantPage
from pages.charts import ActivityCharts
from pages.operation import OperationPage
from support import webapp
from support.api import Api, create_account
from support.browser import CHROMIUM_ARGS, find_chromium
from support.server import Account, UnderwayServer, serve

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 60_000
Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")


def _context_page(browser: Browser, server: UnderwayServer, theme: Theme, viewport: ViewportSize) -> Page:
    context = browser.new_context(
        base_url=server.base_url, viewport=viewport, color_scheme=theme, locale="en-GB", timezone_id="UTC"
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _scene(server: UnderwayServer, user: Account) -> tuple[str, str]:
    """Real operations for the pages: a finished report, a failure, a cancellation, and a long run.
    Returns the ids of the finished report and of the running operation."""
    with Api.sign_in(server.base_url, user) as api:
        report = api.submit("monthly_report", {"month": 3, "year": 2024, "formats": ["pdf", "xlsx", "csv"]})
        api.submit("demo.sleep", {"steps": 3, "step_s": 0.1, "fail_at_step": 2})
        # Runs of several lengths, so the charts have a distribution to draw.
        for steps in (1, 2, 3, 5, 8, 13):
            api.submit("demo.sleep", {"steps": steps, "step_s": 0.3})
        csv_text = "code,amount\nA1,10\nB2,x\n"
        rules = [{"column": "amount", "check": "integer"}]
        api.submit("data_validation", {"csv_text": csv_text, "rules": rules})
        cancelled = api.submit("demo.sleep", {"steps": 400, "step_s": 0.5})
        api.http.post(f"/operations/{cancelled['id']}/cancel").raise_for_status()
        trigger = {
            "name": "New CRM order",
            "workflow": "demo.sleep",
            "fixed_params": {"step_s": 0.2},
            "params_mapping": {"steps": "/order/items"},
        }
        api.http.post("/triggers", json=trigger).raise_for_status()
        running = api.submit("demo.sleep", {"steps": 2400, "step_s": 0.5})
    return report["id"], running["id"]


def _shots(page: Page, user: Account, report_id: str, running_id: str, suffix: str, *, phone: bool) -> None:
    def shot(name: str, *, full_page: bool = False) -> None:
        page.screenshot(path=str(OUT / f"{name}-{suffix}.png"), full_page=full_page)

    LoginPage(page).open()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot("login")
    sign_in(page, user)
    expect(page.get_by_text("Success rate", exact=True)).to_be_visible()
    _charts_drawn(page)
    shot("dashboard", full_page=True)
    page.goto(f"/operations/{running_id}")
    view = OperationPage(page)
    expect(view.status).to_have_text(re.compile("running"))
    expect(view.message).to_have_text(re.compile("Step"))
    shot("operation-running")
    if phone:
        return
    page.goto(f"/operations/{report_id}")
    expect(OperationPage(page).status).to_have_text(re.compile("completed"), timeout=TIMEOUT_MS * 2)
    shot("operation-completed")
    page.goto("/workflows")
    expect(page.get_by_role("heading", name="Workflows", level=1)).to_be_visible()
    shot("workflows")
    page.goto("/workflows/monthly_report")
    expect(page.get_by_role("button", name="Start operation")).to_be_visible()
    shot("new-operation")
    page.goto("/history")
    expect(page.get_by_role("table")).to_be_visible()
    shot("history")
    page.goto("/settings")
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    shot("settings")
    go_to(page, "Integrations")
    expect(page.get_by_text("New CRM order")).to_be_visible()
    shot("integrations")
    go_to(page, "Assistant")
    chat = AssistantPage(page)
    chat.send("/help")
    expect(chat.conversation).to_contain_text("/run WORKFLOW key=value")
    chat.send("/run demo.sleep steps=600 step_s=0.5")
    card = chat.operation_card("demo.sleep")
    # Queued behind the user's long run (their running limit) or running: either is a live card.
    expect(chat.status(card, "queued").or_(chat.status(card, "running"))).to_be_visible()
    shot("assistant")


_SHAPES_SETTLED = """() => new Promise((resolve) => {
  const read = () => [...document.querySelectorAll(".recharts-surface path, .recharts-surface rect")]
    .map((shape) => shape.getAttribute("d") ?? shape.getAttribute("height")).join("|");
  const before = read();
  requestAnimationFrame(() => setTimeout(() => resolve(before !== "" && read() === before), 150));
})"""


def _charts_drawn(page: Page, *names: str) -> None:
    charts = ActivityCharts(page)
    expect(charts.summary("throughput")).not_to_have_text(re.compile("^Nothing finished"))
    for name in ("throughput", "durations", "success", *names):
        expect(charts.drawn(name)).to_be_visible()
    page.mouse.move(0, 0)  # no tooltip from wherever the last click left the pointer
    # Recharts animates its shapes in (in script, not CSS): wait until they hold still.
    page.wait_for_function(_SHAPES_SETTLED, polling=250)


def _admin_shot(page: Page, server: UnderwayServer, suffix: str) -> None:
    sign_in(page, server.admin)
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    _charts_drawn(page, "queue")
    page.screenshot(path=str(OUT / f"admin-{suffix}.png"), full_page=True)
    page.get_by_role("tab", name="Workers").click()
    expect(page.get_by_test_id("worker-state").first).to_be_visible()
    page.screenshot(path=str(OUT / f"admin-workers-{suffix}.png"))


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="underway-screenshots-") as tmp:
        workdir = Path(tmp)
        web_dir = webapp.prepare(workdir / "web")
        with serve(
            name="screenshots", workdir=workdir / "server", database="sqlite", web_dir=web_dir
        ) as server:
            user = create_account(server, prefix="maria")
            report_id, running_id = _scene(server, user)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
                for theme in THEMES:
                    page = _context_page(browser, server, theme, DESKTOP)
                    _shots(page, user, report_id, running_id, theme, phone=False)
                    page.context.close()
                    page = _context_page(browser, server, theme, DESKTOP)
                    _admin_shot(page, server, theme)
                    page.context.close()
                page = _context_page(browser, server, "light", PHONE)
                _shots(page, user, report_id, running_id, "phone", phone=True)
                browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()

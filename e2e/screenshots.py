"""Take the screenshots in docs/screenshots/ (light and dark) from a running server.

    cd backend && uv run python ../e2e/screenshots.py --url http://127.0.0.1:8000 --user admin --password ...

It signs in, runs a short demo operation so the pages have real data, and captures the main pages.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def capture(page: Page, url: str, theme: str) -> None:
    def shot(name: str) -> None:
        page.screenshot(path=str(OUT / f"{name}-{theme}.png"))

    page.goto(f"{url}/")
    page.get_by_role("heading", name="Dashboard").wait_for()
    shot("dashboard")
    page.goto(f"{url}/workflows")
    page.get_by_role("link", name=re.compile("New operation: Monthly")).click()
    page.get_by_role("button", name="Start operation").wait_for()
    shot("new-operation")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_role("button", name="Start operation").click()
    page.get_by_test_id("operation-status").filter(has_text="completed").wait_for(timeout=60_000)
    shot("operation")
    page.goto(f"{url}/history")
    page.get_by_role("table").wait_for()
    shot("history")
    page.goto(f"{url}/admin")
    page.get_by_role("heading", name=re.compile("Admin|Operations")).first.wait_for()
    shot("admin")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        for theme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=theme)
            page = context.new_page()
            page.goto(f"{args.url}/")
            page.get_by_label("Username", exact=True).fill(args.user)
            page.get_by_label("Password", exact=True).fill(args.password)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("link", name="Dashboard").wait_for()
            capture(page, args.url, theme)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()

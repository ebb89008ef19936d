"""The activity charts: a user's dashboard draws their own operations and follows new ones without a
reload; the admin view adds the queue over time."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from pages.app import go_to, sign_in
from pages.charts import ActivityCharts
from pages.dashboard import Dashboard
from support.api import Api
from support.server import Account, UnderwayServer

# The charts refresh every 10 s by themselves; allow for a loaded machine.
REFRESH_TIMEOUT_MS = 40_000


def test_the_dashboard_charts_draw_the_users_operations_and_follow_new_ones(
    page: Page, user: Account, admin: Account, server: UnderwayServer
) -> None:
    with Api.sign_in(server.base_url, user) as api:
        completed = api.submit("demo.sleep", {"steps": 1, "step_s": 0})["id"]
        failed = api.submit("demo.sleep", {"steps": 2, "step_s": 0, "fail_at_step": 1})["id"]

        sign_in(page, user)
        dashboard = Dashboard(page)
        expect(dashboard.recent_status(completed)).to_have_text("completed")
        expect(dashboard.recent_status(failed)).to_have_text("failed")
        charts = ActivityCharts(page)
        throughput = charts.summary("throughput")
        expect(throughput).to_have_text(
            "2 finished in the last 24 hours: 1 completed, 1 failed, 0 timed out, 0 cancelled.",
            timeout=REFRESH_TIMEOUT_MS,
        )
        expect(charts.drawn("throughput")).to_be_visible()
        expect(charts.summary("success")).to_have_text("demo.sleep 50% (1 of 2)")
        expect(charts.summary("durations")).to_contain_text("demo.sleep: 1 completed run, median")
        expect(charts.drawn("durations")).to_be_visible()
        expect(charts.chart("queue")).to_have_count(0)  # administrators only

        # Another run finishes while the page is open: the charts count it without a reload.
        api.submit("demo.sleep", {"steps": 1, "step_s": 0})
        expect(throughput).to_have_text(
            re.compile(r"^3 finished .*: 2 completed, 1 failed"), timeout=REFRESH_TIMEOUT_MS
        )
        expect(charts.summary("success")).to_have_text(
            "demo.sleep 66.7% (2 of 3)", timeout=REFRESH_TIMEOUT_MS
        )

    charts.show_period("7 days")
    expect(throughput).to_have_text(re.compile(r"^3 finished in the last 7 days"))


def test_the_admin_view_charts_the_queue_over_time(page: Page, admin: Account) -> None:
    sign_in(page, admin)
    go_to(page, "Admin")
    charts = ActivityCharts(page)
    expect(charts.summary("queue")).to_have_text(re.compile(r"^Now \d+ queued and \d+ running; at most"))
    expect(charts.drawn("queue")).to_be_visible()
    expect(charts.drawn("throughput")).to_be_visible()  # everyone's: other tests' runs are there

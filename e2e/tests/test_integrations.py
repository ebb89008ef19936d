"""Flow: integrations both ways. In the web app a user adds a webhook endpoint and creates a
trigger; the trigger's own curl example (copied from the page, run by bash with curl and openssl)
starts an operation; the user watches it finish; the signed completion arrives at the receiver;
the operation's page and both delivery logs show it."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks import Webhook

from pages.app import go_to, sign_in
from pages.operation import OperationPage
from support.receiver import Receiver
from support.server import Account


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _secret_from_dialog(page: Page, title: str) -> tuple[str, str | None]:
    dialog = page.get_by_role("dialog", name=title)
    secret = dialog.get_by_test_id("new-secret")
    expect(secret).not_to_be_empty()
    example = dialog.get_by_test_id("curl-example")
    script = example.inner_text() if example.count() else None
    value = secret.inner_text().strip()
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    return value, script


def test_a_trigger_fired_with_curl_starts_an_operation_whose_completion_reaches_the_endpoint(
    page: Page, user: Account, receiver: Receiver
) -> None:
    sign_in(page, user)
    go_to(page, "Integrations")
    expect(page.get_by_text("No webhook endpoints yet.")).to_be_visible()

    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("Description").fill("e2e receiver")
    page.get_by_role("button", name="Add endpoint").click()
    endpoint_secret, _ = _secret_from_dialog(page, "Your new webhook endpoint")
    assert endpoint_secret.startswith("whsec_")
    expect(page.get_by_test_id("endpoint").filter(has_text=receiver.url)).to_be_visible()

    page.get_by_label("Trigger name").fill("New order")
    page.get_by_role("combobox", name="Workflow", exact=True).click()
    page.get_by_role("option", name="Sleep (demo)", exact=True).click()
    page.get_by_label("Parameter mapping (optional)").fill('{"steps": "/n"}')
    page.get_by_label("Fixed parameters (optional)").fill('{"step_s": 0.2}')
    page.get_by_role("button", name="Create trigger").click()
    trigger_secret, script = _secret_from_dialog(page, "Your new trigger")
    assert trigger_secret.startswith("whsec_") and script is not None
    expect(page.get_by_test_id("trigger").filter(has_text="New order")).to_be_visible()
    expect(page.get_by_text(trigger_secret)).to_have_count(0)  # shown once, never again

    # The example as the page shows it: bash computes the signature, curl delivers.
    fired = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, check=False)
    assert fired.returncode == 0, fired.stderr
    accepted = json.loads(fired.stdout)
    assert accepted["duplicate"] is False, fired.stdout

    page.goto(f"/operations/{accepted['operation_id']}")
    view = OperationPage(page)
    expect(view.status).to_have_text("completed")

    ((headers, body),) = receiver.wait_for(1)
    event = Webhook(endpoint_secret).verify(body, headers)
    assert event["type"] == "operation.completed"
    operation = event["data"]["operation"]
    assert operation["id"] == accepted["operation_id"] and operation["owner"] == user.username
    assert operation["params"]["steps"] == 1
    assert operation["metadata"]["trigger"]["delivery_id"].startswith("msg_")
    # The operation's page lists its webhook deliveries.
    webhooks = page.get_by_role("region", name="Webhooks")
    expect(webhooks).to_contain_text("operation.completed")
    expect(webhooks).to_contain_text("succeeded")

    go_to(page, "Integrations")
    endpoint = page.get_by_test_id("endpoint").filter(has_text=receiver.url)
    endpoint.get_by_role("button", name="Deliveries").click()
    delivery = endpoint.get_by_test_id("delivery-row").filter(has_text="operation.completed")
    expect(delivery).to_contain_text("succeeded")
    trigger = page.get_by_test_id("trigger").filter(has_text="New order")
    trigger.get_by_role("button", name="Deliveries").click()
    expect(trigger.get_by_test_id("trigger-delivery-row")).to_contain_text(re.compile(r"202\s*accepted"))
    expect(trigger.get_by_role("link", name=accepted["operation_id"])).to_be_visible()

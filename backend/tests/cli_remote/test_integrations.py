"""``underway webhooks`` and ``underway triggers`` against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_remote.conftest import Cli
from tests.sdk.live import ThreadedServer, running_server, sdk_settings
from tests.support.cluster import wait_until
from tests.support.receiver import ThreadedReceiver
from underway.webhooks import verify


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadedServer]:
    with running_server(sdk_settings(tmp_path, webhook_allowed_networks=["127.0.0.1/32"])) as srv:
        yield srv


def test_webhook_and_trigger_commands(cli: Cli) -> None:
    receiver = ThreadedReceiver()
    try:
        created = cli.run("webhooks", "create", receiver.url, "--event", "operation.failed")
        assert created.returncode == 0, created.stderr
        secret = created.stdout.strip()
        assert secret.startswith("whsec_") and "shown only now" in created.stderr
        endpoint = cli.json("webhooks", "list")[0]
        assert endpoint["event_types"] == ["operation.failed"]
        delivery = cli.json("webhooks", "test", endpoint["id"])
        assert receiver.arrived(1)
        headers, body = receiver.requests[0]
        assert verify(body, headers, secret)["type"] == "webhook.test"
        done = wait_until(
            lambda: (
                d
                if (d := cli.json("webhooks", "delivery", delivery["id"]))["status"] == "succeeded"
                else None
            ),
            "the test delivery recorded",
        )
        assert done["attempt_log"][0]["status_code"] == 200
        table = cli.run("webhooks", "deliveries", "--endpoint", endpoint["id"])
        assert "webhook.test" in table.stdout and "succeeded" in table.stdout

        refused = cli.run("webhooks", "create", "http://169.254.169.254/")
        assert refused.returncode != 0 and "cloud metadata address" in refused.stderr + refused.stdout

        trigger = cli.json("triggers", "create", "orders", "demo.sleep", "--map", '{"steps": "/n"}')
        assert trigger["secret"].startswith("whsec_") and trigger["url"].endswith(trigger["id"])
        listed = cli.run("triggers", "list")
        assert "orders" in listed.stdout
        assert cli.json("triggers", "deliveries", trigger["id"]) == []
        bad = cli.run("triggers", "create", "x", "demo.sleep", "--map", "{")
        assert bad.returncode != 0 and "not JSON" in bad.stderr
    finally:
        receiver.close()

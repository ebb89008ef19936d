"""The SDK's webhook and trigger methods against a real server, and ``underway.webhooks.verify``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests.sdk.live import ThreadedServer, running_server, sdk_settings
from tests.support.cluster import wait_until
from tests.support.receiver import ThreadedReceiver
from underway.client import AsyncClient, Client, UnderwayAPIError
from underway.webhooks import InvalidSignature, verify


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadedServer]:
    with running_server(sdk_settings(tmp_path, webhook_allowed_networks=["127.0.0.1/32"])) as srv:
        yield srv


@pytest.fixture
def receiver() -> Iterator[ThreadedReceiver]:
    r = ThreadedReceiver()
    yield r
    r.close()


def test_endpoints_deliveries_and_callback_urls(server: ThreadedServer, receiver: ThreadedReceiver) -> None:
    with Client(server.base_url, token=server.token_for("alice")) as client:
        endpoint = client.create_webhook_endpoint(receiver.url, event_types=["operation.completed"])
        assert [e.id for e in client.webhook_endpoints()] == [endpoint.id]
        test = client.test_webhook_endpoint(endpoint.id)
        assert receiver.arrived(1)
        headers, body = receiver.requests[0]
        assert verify(body, headers, endpoint.secret)["type"] == "webhook.test"
        assert headers["webhook-id"] == test.id
        with pytest.raises(InvalidSignature):
            verify(body, {**headers, "webhook-signature": "v1"}, endpoint.secret)  # malformed: no ValueError

        rotated = client.rotate_webhook_secret(endpoint.id)
        client.resend_webhook_delivery(test.id)
        assert receiver.arrived(2)
        headers, body = receiver.requests[1]
        assert verify(body, headers, rotated.secret) == verify(
            body, headers, endpoint.secret
        )  # overlap: both sign

        default = client.rotate_signing_secret().secret
        op = client.submit(
            "demo.sleep", {"steps": 1, "step_s": 0}, callback_url=receiver.url, wait=True, timeout=30
        )
        assert receiver.arrived(4)  # the endpoint's and the callback's
        signed_by_default = [b for h, b in receiver.requests[2:] if _verifies(b, h, default)]
        assert len(signed_by_default) == 1
        found = wait_until(
            lambda: client.webhook_deliveries(operation_id=op.id) or None, "the operation's deliveries"
        )
        assert {d.endpoint_id for d in found} == {endpoint.id, None}

        client.update_webhook_endpoint(endpoint.id, enabled=False)
        with pytest.raises(UnderwayAPIError) as refused:
            client.replay_webhook_endpoint(endpoint.id)
        assert refused.value.status == 409
        client.delete_webhook_endpoint(endpoint.id)
        assert client.webhook_endpoints() == []


async def test_triggers_through_the_async_client(server: ThreadedServer) -> None:
    async with AsyncClient(server.base_url, token=server.token_for("bob")) as client:
        trigger = await client.create_trigger(
            "nightly", "demo.sleep", fixed_params={"step_s": 0}, params_mapping={"steps": "/n"}
        )
        assert [t.id for t in await client.triggers()] == [trigger.id]
        at, body = datetime.now(UTC), '{"n": 1}'
        headers = {
            "webhook-id": "msg_sdk",
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(trigger.secret).sign("msg_sdk", at, body),
        }
        async with httpx.AsyncClient() as outside:
            answer = await outside.post(f"{server.base_url}{trigger.url}", content=body, headers=headers)
        assert answer.status_code == 202, answer.text
        log = await client.trigger_deliveries(trigger.id)
        assert [(d.outcome, d.operation_id) for d in log] == [("accepted", answer.json()["operation_id"])]
        assert (await client.update_trigger(trigger.id, enabled=False)).enabled is False
        assert (await client.rotate_trigger_secret(trigger.id)).secret != trigger.secret
        await client.delete_trigger(trigger.id)
        assert await client.triggers() == []


def _verifies(body: bytes, headers: dict[str, str], secret: str) -> bool:
    try:
        verify(body, headers, secret)
    except InvalidSignature:
        return False
    return True

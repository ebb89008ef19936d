"""Outbound webhooks through the real API, to real receivers on 127.0.0.1: signed (verified with the
``standardwebhooks`` library), retried with the same id until the receiver is up, logged, resent,
tested, disabled by 410, and one-off callback_url deliveries signed with the owner's secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from tests.api.conftest import LiveServer, start_server
from tests.support.receiver import Receiver, ThreadedReceiver, free_port, serving
from tests.support.waiting import eventually
from tests.webhooks.conftest import webhook_settings
from underway.auth.models import Role
from underway.settings import Settings


async def _delivery(api: httpx.AsyncClient, delivery_id: str, **expect: Any) -> dict[str, Any] | None:
    d: dict[str, Any] = (await api.get(f"/webhooks/deliveries/{delivery_id}")).json()
    return d if all(d[k] == v for k, v in expect.items()) else None


async def _deliveries_of(api: httpx.AsyncClient, **query: str) -> list[dict[str, Any]] | None:
    found: list[dict[str, Any]] = (await api.get("/webhooks/deliveries", params=query)).json()
    return found or None


async def _submit(api: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    r = await api.post(
        "/operations", json={"workflow": "demo.sleep", "params": {"steps": 1, "step_s": 0}, **extra}
    )
    assert r.status_code == 202, r.text
    op: dict[str, Any] = r.json()
    return op


async def test_a_completion_reaches_a_receiver_that_comes_up_late_signed_and_with_one_id(
    server: LiveServer,
) -> None:
    token = await server.token_for("alice")
    receiver = Receiver(free_port())
    async with server.client(token) as api:
        r = await api.post(
            "/webhooks/endpoints",
            json={"url": receiver.url, "description": "CRM", "event_types": ["operation.completed"]},
        )
        assert r.status_code == 201, r.text
        endpoint, secret = r.json(), r.json()["secret"]
        assert secret.startswith("whsec_")
        assert "secret" not in (await api.get(f"/webhooks/endpoints/{endpoint['id']}")).json()

        # The receiver is down: the operation completes, the first attempt fails.
        op = await _submit(api)

        async def failed_once() -> dict[str, Any] | None:
            found = await _deliveries_of(api, endpoint_id=endpoint["id"])
            return found[0] if found and found[0]["attempts"] >= 1 else None

        first = await eventually(failed_once, "a failed first attempt")
        assert first["operation_id"] == op["id"] and first["event_type"] == "operation.completed"

        async with serving(receiver):
            got = await receiver.next_request()
            event = Webhook(secret).verify(got.body, got.headers)  # the library itself verifies
            assert got.headers["webhook-id"] == first["id"]
            assert event["type"] == "operation.completed" and event["version"] == 1
            assert event["data"]["operation"]["id"] == op["id"]
            assert event["data"]["operation"]["status"] == "completed"
            assert event["data"]["url"] == f"https://underway.example.com/api/v1/operations/{op['id']}"

            done = await eventually(lambda: _delivery(api, first["id"], status="succeeded"), "success")
            log = done["attempt_log"]
            assert log[0]["status_code"] is None and log[0]["error"]
            assert log[-1]["status_code"] == 200 and log[-1]["response_body"] == "answer 200"
            by_op = (await api.get("/webhooks/deliveries", params={"operation_id": op["id"]})).json()
            assert [d["id"] for d in by_op] == [first["id"]]

            # Resend: one more attempt, the same webhook-id.
            assert (await api.post(f"/webhooks/deliveries/{first['id']}/resend")).status_code == 202
            again = await receiver.next_request()
            assert again.headers["webhook-id"] == first["id"] and again.body == got.body

            # A test event, then a 410: the endpoint is disabled, with the reason shown.
            receiver.answers = [200] * len(receiver.received) + [200, 410]
            test = await api.post(f"/webhooks/endpoints/{endpoint['id']}/test")
            assert test.status_code == 202, test.text
            assert (
                Webhook(secret).verify((await receiver.next_request()).body, receiver.received[-1].headers)[
                    "type"
                ]
                == "webhook.test"
            )
            await api.post(f"/webhooks/endpoints/{endpoint['id']}/test")
            await receiver.next_request()

            async def disabled() -> dict[str, Any] | None:
                e: dict[str, Any] = (await api.get(f"/webhooks/endpoints/{endpoint['id']}")).json()
                return e if not e["enabled"] else None

            assert "410" in (await eventually(disabled, "the endpoint disabled"))["disabled_reason"]
            refused = await api.post(f"/webhooks/endpoints/{endpoint['id']}/replay")
            assert refused.status_code == 409 and refused.json()["type"] == "urn:underway:problem:disabled"

        # Enabling again clears the reason; nobody else sees the endpoint; admins do.
        enabled = await api.patch(f"/webhooks/endpoints/{endpoint['id']}", json={"enabled": True})
        assert enabled.json()["disabled_reason"] is None
    async with server.client(await server.token_for("bob")) as bob:
        assert (await bob.get(f"/webhooks/endpoints/{endpoint['id']}")).status_code == 404
        assert (await bob.get(f"/webhooks/deliveries/{first['id']}")).status_code == 404
        assert (await bob.get("/webhooks/endpoints")).json() == []
    async with server.client(await server.token_for("root", role=Role.ADMIN)) as admin:
        assert [e["id"] for e in (await admin.get("/webhooks/endpoints", params={"all": True})).json()] == [
            endpoint["id"]
        ]


async def test_a_callback_url_is_signed_with_the_owner_secret_and_redirects_are_not_followed(
    server: LiveServer,
) -> None:
    token = await server.token_for("carol")
    receiver = Receiver(free_port(), answers=[302], location="http://169.254.169.254/latest/meta-data/")
    async with server.client(token) as api, serving(receiver):
        secret = (await api.post("/webhooks/signing-secret/rotate")).json()["secret"]
        op = await _submit(api, callback_url=receiver.url)
        assert op["callback_url"] == receiver.url
        got = await receiver.next_request()
        event = Webhook(secret).verify(got.body, got.headers)
        assert event["data"]["operation"]["id"] == op["id"]

        # The 302 is an answer like any other non-2xx: logged, retried, never followed.
        receiver.answers = [302, 200]
        delivery = (await _deliveries_of(api, operation_id=op["id"]) or [{}])[0]
        assert delivery["endpoint_id"] is None and delivery["url"] == receiver.url
        done = await eventually(lambda: _delivery(api, delivery["id"], status="succeeded"), "the retry")
        assert [a["status_code"] for a in done["attempt_log"]] == [302, 200]
        assert all(r.path == "/hook" for r in receiver.received)

        # Refused addresses are a 422 at submission and at registration.
        for url in ("http://169.254.169.254/", "http://[::ffff:10.0.0.1]/", "http://[::1]:1/", "ftp://x/"):
            r = await api.post(
                "/operations", json={"workflow": "demo.sleep", "params": {"steps": 1}, "callback_url": url}
            )
            assert r.status_code == 422, r.text
            assert r.json()["errors"][0]["loc"] == ["body", "callback_url"]
            r = await api.post("/webhooks/endpoints", json={"url": url})
            assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "url"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_silent_endpoint_times_out_is_disabled_after_failing_long_and_replays_once_enabled(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = webhook_settings(settings_factory, webhook_timeout_s=1, webhook_disable_after_s=1.5)
    silent = ThreadedReceiver(hold_first=True)  # never answers the first request
    try:
        async with start_server(settings) as server, server.client(await server.token_for("gina")) as api:
            endpoint = (await api.post("/webhooks/endpoints", json={"url": silent.url})).json()
            await api.post(f"/webhooks/endpoints/{endpoint['id']}/test")

            async def disabled() -> dict[str, Any] | None:
                e: dict[str, Any] = (await api.get(f"/webhooks/endpoints/{endpoint['id']}")).json()
                return e if not e["enabled"] else None

            # One attempt (a test event is sent once): no answer within the timeout.
            test = (await _deliveries_of(api, endpoint_id=endpoint["id"]) or [{}])[0]
            failed = await eventually(lambda: _delivery(api, test["id"], status="failed"), "the timeout")
            assert failed["attempt_log"][0]["error"] == "no answer within 1 s"
            # Failing since then: an operation's completion keeps failing (500s) until the endpoint is
            # disabled, with the reason shown.
            silent.answers = [500]
            await _submit(api)
            reason = (await eventually(disabled, "the endpoint disabled"))["disabled_reason"]
            assert reason == "every delivery failed for more than 1.5 s"

            silent.answers = [200]
            await api.patch(f"/webhooks/endpoints/{endpoint['id']}", json={"enabled": True})
            replayed = (await api.post(f"/webhooks/endpoints/{endpoint['id']}/replay")).json()
            assert replayed["resent"] == 2  # the test event and the completion

            async def all_delivered() -> list[dict[str, Any]] | None:
                found = await _deliveries_of(api, endpoint_id=endpoint["id"]) or []
                return found if {d["status"] for d in found} == {"succeeded"} else None

            assert len(await eventually(all_delivered, "the replayed deliveries")) == 2
    finally:
        silent.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_trigger_deliveries_count_against_the_owner_rate_limit(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = webhook_settings(settings_factory, rate_limit_submit="1/minute")
    async with start_server(settings) as server, server.client(await server.token_for("hal")) as api:
        trigger = (
            await api.post("/triggers", json={"name": "t", "workflow": "demo.sleep", "scheme": "bearer"})
        ).json()
        auth = {"authorization": f"Bearer {trigger['secret']}"}
        async with httpx.AsyncClient(base_url=server.api_url) as outside:
            ok = await outside.post(f"/hooks/{trigger['id']}", json={"steps": 1}, headers=auth)
            limited = await outside.post(f"/hooks/{trigger['id']}", json={"steps": 1}, headers=auth)
        assert ok.status_code == 202, ok.text
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert limited.json()["type"] == "urn:underway:problem:rate-limited"
        log = (await api.get(f"/triggers/{trigger['id']}/deliveries")).json()
        assert [d["status_code"] for d in log] == [429, 202]

"""Inbound triggers through the real API: each verification scheme with good, bad, stale and replayed
deliveries; precise problems, logged, nothing created; 50 concurrent identical deliveries make one
operation."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from tests.api.conftest import LiveServer

MAPPED = {
    "workflow": "demo.sleep",
    "fixed_params": {"step_s": 0},
    "params_mapping": {"steps": "/order/items"},
}


def standard_headers(secret: str, body: bytes, msg_id: str, at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
        "content-type": "application/json",
    }


def github_headers(secret: str, body: bytes, delivery: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"x-hub-signature-256": f"sha256={digest}", "x-github-delivery": delivery}


async def _trigger(api: httpx.AsyncClient, scheme: str, **extra: Any) -> dict[str, Any]:
    r = await api.post("/triggers", json={"name": f"{scheme} orders", "scheme": scheme, **MAPPED, **extra})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def _problem(r: httpx.Response, status: int, type_: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == f"urn:underway:problem:{type_}", r.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_scheme_accepts_good_deliveries_once_and_refuses_the_rest_precisely(
    server: LiveServer,
) -> None:
    token = await server.token_for("dana")
    body = json.dumps({"order": {"items": 2}}).encode()
    async with server.client(token) as api, httpx.AsyncClient(base_url=server.api_url) as outside:
        standard = await _trigger(api, "standard_webhooks")
        assert standard["url"] == f"https://underway.example.com/api/v1/hooks/{standard['id']}"
        secret, hook = standard["secret"], f"/hooks/{standard['id']}"

        first = await outside.post(hook, content=body, headers=standard_headers(secret, body, "msg_1"))
        assert first.status_code == 202, first.text
        accepted = first.json()
        assert accepted["duplicate"] is False
        op = (await api.get(f"/operations/{accepted['operation_id']}")).json()
        assert op["owner"] == "dana" and op["params"]["steps"] == 2 and op["params"]["step_s"] == 0
        assert op["metadata"] == {"trigger": {"id": standard["id"], "delivery_id": "msg_1"}}
        # A replay (freshly signed, same id) answers with the same operation.
        replay = await outside.post(hook, content=body, headers=standard_headers(secret, body, "msg_1"))
        assert replay.json() == {**accepted, "duplicate": True, "status": replay.json()["status"]}

        stale_at = datetime.now(UTC) - timedelta(minutes=10)
        cases = [
            (standard_headers("whsec_" + "A" * 32, body, "msg_2"), body, 401, "signature-invalid"),
            (
                {**standard_headers(secret, body, "msg_3"), "webhook-signature": "v1"},
                body,
                401,
                "signature-invalid",
            ),
            (
                {**standard_headers(secret, body, "msg_4"), "webhook-signature": "v1,!!"},
                body,
                401,
                "signature-invalid",
            ),
            (standard_headers(secret, body, "msg_5", stale_at), body, 401, "timestamp-stale"),
            ({"content-type": "application/json"}, body, 401, "signature-invalid"),
            (standard_headers(secret, b'{"order": {}}', "msg_6"), b'{"order": {}}', 422, "validation-error"),
            (standard_headers(secret, b"not json", "msg_7"), b"not json", 422, "validation-error"),
            # The same delivery id with another body is a conflict, not a second operation.
            (
                standard_headers(secret, b'{"order": {"items": 3}}', "msg_1"),
                b'{"order": {"items": 3}}',
                409,
                "conflict",
            ),
        ]
        for headers, content, status, type_ in cases:
            _problem(await outside.post(hook, content=content, headers=headers), status, type_)
        _problem(await outside.post("/hooks/trg_nope", content=body), 404, "not-found")
        too_big = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
        assert (
            await outside.post(hook, content=too_big, headers=standard_headers(secret, too_big, "m"))
        ).status_code == 413

        log = (await api.get(f"/triggers/{standard['id']}/deliveries")).json()
        assert [(d["status_code"], d["outcome"]) for d in reversed(log)] == [
            (202, "accepted"),
            (202, "duplicate"),
            *[(status, "rejected") for _, _, status, _ in cases],
        ]
        assert log[-1]["operation_id"] == accepted["operation_id"]

        await api.patch(f"/triggers/{standard['id']}", json={"enabled": False})
        _problem(
            await outside.post(hook, content=body, headers=standard_headers(secret, body, "m8")),
            409,
            "disabled",
        )

        github = await _trigger(api, "github")
        gh_hook = f"/hooks/{github['id']}"
        good = await outside.post(
            gh_hook, content=body, headers=github_headers(github["secret"], body, "gh-1")
        )
        assert good.status_code == 202, good.text
        again = await outside.post(
            gh_hook, content=body, headers=github_headers(github["secret"], body, "gh-1")
        )
        assert again.json()["operation_id"] == good.json()["operation_id"] and again.json()["duplicate"]
        _problem(
            await outside.post(gh_hook, content=body, headers=github_headers("wrong", body, "gh-2")),
            401,
            "signature-invalid",
        )
        _problem(
            await outside.post(gh_hook, content=body, headers={"x-hub-signature-256": "md5=x"}),
            401,
            "signature-invalid",
        )

        bearer = await _trigger(api, "bearer")
        b_hook, auth = f"/hooks/{bearer['id']}", {"authorization": f"Bearer {bearer['secret']}"}
        one = await outside.post(b_hook, content=body, headers={**auth, "idempotency-key": "k1"})
        two = await outside.post(b_hook, content=body, headers={**auth, "idempotency-key": "k1"})
        assert one.status_code == 202 and two.json()["operation_id"] == one.json()["operation_id"]
        _problem(
            await outside.post(b_hook, content=body, headers={"authorization": "Bearer uwt_wrong"}),
            401,
            "signature-invalid",
        )

        # A rotated secret works at once; the old one no longer does.
        new = (await api.post(f"/triggers/{bearer['id']}/rotate-secret")).json()["secret"]
        _problem(await outside.post(b_hook, content=body, headers=auth), 401, "signature-invalid")
        fresh = await outside.post(b_hook, content=body, headers={"authorization": f"Bearer {new}"})
        assert fresh.status_code == 202

        # Definitions are checked against the workflow's parameters.
        for bad, loc in (
            ({"workflow": "nope"}, "workflow"),
            ({"params_mapping": {"colour": "/x"}}, "params_mapping"),
            ({"fixed_params": {"steps": "many"}}, "fixed_params"),
        ):
            r = await api.post("/triggers", json={"name": "bad", **MAPPED, **bad})
            assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", loc], r.text
    async with server.client(await server.token_for("eve")) as eve:
        assert (await eve.get(f"/triggers/{standard['id']}")).status_code == 404


async def test_fifty_concurrent_identical_deliveries_make_exactly_one_operation(server: LiveServer) -> None:
    token = await server.token_for("fred")
    body = json.dumps({"order": {"items": 1}}).encode()
    async with server.client(token) as api:
        trigger = await _trigger(api, "standard_webhooks")
        headers = standard_headers(trigger["secret"], body, "msg_storm")
        async with httpx.AsyncClient(base_url=server.api_url, timeout=60) as outside:
            answers = await asyncio.gather(
                *(outside.post(f"/hooks/{trigger['id']}", content=body, headers=headers) for _ in range(50))
            )
        assert {r.status_code for r in answers} == {202}, [r.text for r in answers if r.status_code != 202]
        assert len({r.json()["operation_id"] for r in answers}) == 1
        assert sum(not r.json()["duplicate"] for r in answers) == 1
        page = (await api.get("/operations", params={"limit": 200})).json()
        assert len(page["items"]) == 1
        log = (await api.get(f"/triggers/{trigger['id']}/deliveries")).json()
        assert sorted(d["outcome"] for d in log) == ["accepted"] + ["duplicate"] * 49

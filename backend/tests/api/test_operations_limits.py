"""Admission over HTTP: per-user quota (429), full queue (503), submit rate limit, idempotent submit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from tests.api.conftest import LiveServer, bearer, start_server
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from underway.settings import Settings

LONG = sleep_params(steps=1000, step_s=0.05)


def _assert_retry_after(r: httpx.Response, status: int, problem_type: str) -> None:
    problem = assert_problem(r, status)
    assert problem["type"] == problem_type
    assert int(r.headers["retry-after"]) >= 1
    assert problem["retry_after"] == int(r.headers["retry-after"])


async def test_user_quota_is_429_and_full_queue_is_503(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(workers=1, max_running_per_user=1, max_queued_per_user=2, queue_capacity=3)
    async with start_server(settings) as server, server.client() as api:
        alice = await server.token_for("alice")
        bob = await server.token_for("bob")
        running = await submit(api, alice, params=LONG)
        await wait_until(server, running["id"], "running")
        for _ in range(2):
            await submit(api, alice, params=LONG)

        over_quota = await api.post(
            "/operations", json={"workflow": "demo.sleep", "params": LONG}, headers=bearer(alice)
        )
        _assert_retry_after(over_quota, 429, "urn:underway:problem:quota-exceeded")

        await submit(api, bob, params=LONG)  # bob's quota is his own; this takes the last slot
        full = await api.post(
            "/operations", json={"workflow": "demo.sleep", "params": LONG}, headers=bearer(bob)
        )
        _assert_retry_after(full, 503, "urn:underway:problem:queue-full")


async def test_submit_rate_limit_is_429_with_retry_after(settings_factory: Callable[..., Settings]) -> None:
    async with start_server(settings_factory(rate_limit_submit="2/minute")) as server, server.client() as api:
        token = await server.token_for("alice")
        for _ in range(2):
            await submit(api, token)
        r = await api.post(
            "/operations", json={"workflow": "demo.sleep", "params": {}}, headers=bearer(token)
        )
        _assert_retry_after(r, 429, "urn:underway:problem:rate-limited")
        # Reads have their own budget.
        assert (await api.get("/operations", headers=bearer(token))).status_code == 200


async def test_concurrent_submits_with_one_key_create_one_operation(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    body = {"workflow": "demo.sleep", "params": sleep_params()}
    headers = {**bearer(token), "Idempotency-Key": "nightly 2026-01-31"}

    responses = await asyncio.gather(
        *(api.post("/operations", json=body, headers=headers) for _ in range(20))
    )

    assert {r.status_code for r in responses} == {202}, [r.text for r in responses if r.status_code != 202]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    assert {r.headers["location"] for r in responses} == {f"/api/v1/operations/{ids.pop()}"}
    assert len((await api.get("/operations", headers=bearer(token))).json()["items"]) == 1


async def test_idempotency_key_reuse(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    key = {"Idempotency-Key": "k-1"}
    first = await submit(api, alice, headers=key)
    await wait_until(live_server, first["id"])

    replay = await submit(api, alice, headers=key)  # after it finished: still the same operation
    assert replay["id"] == first["id"] and replay["status"] == "completed"

    other_body = await api.post(
        "/operations",
        json={"workflow": "demo.sleep", "params": {"steps": 9}},
        headers={**bearer(alice), **key},
    )
    assert assert_problem(other_body, 409)["operation_id"] == first["id"]

    bobs = await submit(api, bob, headers=key)  # keys are per user
    assert bobs["id"] != first["id"] and bobs["owner"] == "bob"

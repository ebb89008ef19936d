"""/admin/operations and /admin/queue: everyone's operations and the queue, administrators only."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.api.conftest import LiveServer, bearer, start_server
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.problems import assert_problem
from underway.auth.models import Role
from underway.settings import Settings


async def test_users_get_403_and_anonymous_401(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice = await live_server.token_for("alice")
    key = (await api.post("/api-keys", json={"name": "k"}, headers=bearer(alice))).json()["key"]
    for path in ("/admin/operations", "/admin/queue"):
        for credential in (alice, key):
            problem = assert_problem(await api.get(path, headers=bearer(credential)), 403)
            assert problem["type"] == "urn:underway:problem:forbidden"
        assert_problem(await api.get(path), 401)


async def test_admin_lists_everyones_operations_with_filters(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    root = bearer(await live_server.token_for("root", role=Role.ADMIN))
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    a1 = await submit(api, alice)
    b1 = await submit(api, bob, params=sleep_params(fail_at_step=1))
    a2 = await submit(api, alice, "test.artifact", {})
    for op in (a1, b1, a2):
        await wait_until(live_server, op["id"])

    everyone = (await api.get("/admin/operations", headers=root)).json()
    assert [o["id"] for o in everyone["items"]] == [a2["id"], b1["id"], a1["id"]]
    only_alice = (await api.get("/admin/operations", params={"owner": "alice"}, headers=root)).json()
    assert [o["id"] for o in only_alice["items"]] == [a2["id"], a1["id"]]
    failed = (await api.get("/admin/operations", params={"status": "failed"}, headers=root)).json()
    assert [o["id"] for o in failed["items"]] == [b1["id"]]
    by_workflow = (
        await api.get("/admin/operations", params={"workflow": "test.artifact"}, headers=root)
    ).json()
    assert [o["id"] for o in by_workflow["items"]] == [a2["id"]]
    first = (await api.get("/admin/operations", params={"limit": 1}, headers=root)).json()
    rest = (await api.get("/admin/operations", params={"cursor": first["next_cursor"]}, headers=root)).json()
    assert [o["id"] for o in first["items"] + rest["items"]] == [a2["id"], b1["id"], a1["id"]]
    assert_problem(await api.get("/admin/operations", params={"cursor": "Zm9v"}, headers=root), 422)


async def test_queue_snapshot(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(workers=1, max_running_per_user=1, queue_capacity=50)
    async with start_server(settings) as server, server.client() as api:
        root = bearer(await server.token_for("root", role=Role.ADMIN))
        alice = await server.token_for("alice")
        long_run = sleep_params(steps=1000, step_s=0.05)
        running = await submit(api, alice, params=long_run)
        await wait_until(server, running["id"], "running")
        await submit(api, alice, params=long_run, priority="high")
        await submit(api, alice, params=long_run, priority="low")
        await submit(api, alice, params=long_run, priority="low")

        r = await api.get("/admin/queue", headers=root)
        assert r.status_code == 200
        snapshot = r.json()
        assert snapshot["depth_by_priority"] == {"high": 1, "normal": 0, "low": 2}
        assert snapshot["queued"] == 3 and snapshot["running"] == 1
        assert snapshot["capacity"] == 50 and snapshot["workers"] == 1
        assert snapshot["per_user"] == [{"owner": "alice", "queued": 3, "running": 1}]

        metrics = (await api.get("/metrics")).text
        assert 'underway_queue_depth{priority="low"} 2.0' in metrics
        assert "underway_operations_running 1.0" in metrics

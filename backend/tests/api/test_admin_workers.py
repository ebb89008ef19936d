"""/admin/workers: the worker registry, draining a worker and deregistering a gone one."""

from __future__ import annotations

import os

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.api.operations_helpers import submit, wait_until
from tests.api.problems import assert_problem
from tests.support.leases import add_foreign_worker, claim_for
from underway import __version__
from underway.auth.models import Role
from underway.queue.lease import HOSTNAME


async def test_the_server_is_listed_as_an_alive_worker_and_only_admins_see_the_registry(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    root = bearer(await live_server.token_for("root", role=Role.ADMIN))
    alice = bearer(await live_server.token_for("alice"))
    [me] = (await api.get("/admin/workers", headers=root)).json()
    assert me["id"] == live_server.state.runtime.dispatcher.worker_id
    assert (me["state"], me["role"], me["hostname"], me["pid"]) == ("alive", "all", HOSTNAME, os.getpid())
    assert me["version"] == __version__ and me["capacity"] == 2 and not me["draining"]
    assert "demo.sleep" in me["workflows"] and "test.gpu" not in me["workflows"]  # it offers no gpu
    assert_problem(await api.get("/admin/workers", headers=alice), 403)
    assert_problem(await api.get("/admin/workers"), 401)


async def test_a_drained_worker_claims_nothing_until_resumed(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    root = bearer(await live_server.token_for("root", role=Role.ADMIN))
    alice = await live_server.token_for("alice")
    me = live_server.state.runtime.dispatcher.worker_id

    drained = await api.post(f"/admin/workers/{me}/drain", headers=root)
    assert drained.status_code == 200 and drained.json()["draining"] is True
    op = await submit(api, alice)
    assert op["status"] == "queued"
    assert "draining" in op["blocked_reason"]
    # Another submission's wake-up still claims nothing: the first one is still waiting.
    await submit(api, alice)
    assert (await api.get(f"/operations/{op['id']}", headers=bearer(alice))).json()["status"] == "queued"

    resumed = await api.post(f"/admin/workers/{me}/resume", headers=root)
    assert resumed.json()["draining"] is False
    assert (await wait_until(live_server, op["id"])).status == "completed"


async def test_only_a_gone_worker_can_be_deregistered_and_its_work_is_settled(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    root = bearer(await live_server.token_for("root", role=Role.ADMIN))
    me = live_server.state.runtime.dispatcher.worker_id
    alive = assert_problem(await api.delete(f"/admin/workers/{me}", headers=root), 409)
    assert "stop its process" in alive["detail"]
    assert_problem(await api.delete("/admin/workers/no-such-worker", headers=root), 404)
    assert_problem(await api.post("/admin/workers/no-such-worker/drain", headers=root), 404)

    rt = live_server.state.runtime
    await api.post(f"/admin/workers/{me}/drain", headers=root)  # so only the silent worker claims
    # A worker elsewhere that went silent an hour ago, still holding an operation.
    gone = await add_foreign_worker(rt, hostname="elsewhere.invalid", heartbeat_age_s=3600)
    held = await claim_for(rt, gone, "test.fragile", {"seconds": 60})
    states = {w["id"]: w["state"] for w in (await api.get("/admin/workers", headers=root)).json()}
    assert states[gone] == "gone"
    assert (await api.delete(f"/admin/workers/{gone}", headers=root)).status_code == 204
    assert gone not in {w["id"] for w in (await api.get("/admin/workers", headers=root)).json()}
    settled = await rt.service.get(held)
    assert settled.status == "failed" and settled.error is not None and "Interrupted" in settled.error

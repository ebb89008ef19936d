"""WS /admin/stream: every operation's events, for administrators only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import LiveServer, bearer
from tests.api.operations_helpers import sleep_params, submit
from tests.api.streaming import next_message, open_stream, read_until_closed
from underway.api.streams import protocol
from underway.auth.models import Role


async def test_users_are_refused_with_4403(live_server: LiveServer) -> None:
    token = await live_server.token_for("alice")
    async with open_stream(live_server, "/admin/stream", token) as ws:
        messages, code = await read_until_closed(ws)
    assert (code, messages) == (4403, [])


async def test_admin_sees_other_users_progress_live(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    root = await live_server.token_for("root", role=Role.ADMIN)
    alice = await live_server.token_for("alice")
    async with open_stream(live_server, "/admin/stream", root) as ws:
        # The stream is live only: ping first so the subscription surely exists before the submit.
        await ws.send('{"type": "ping"}')
        assert (await next_message(ws))["type"] == "pong"
        op = await submit(api, alice, params=sleep_params(steps=3, step_s=0.02))
        seen: list[dict[str, Any]] = []
        while not (seen and seen[-1]["status"] == "completed"):
            message = await next_message(ws)
            assert message["type"] == "event"
            if message["event"]["operation_id"] == op["id"]:
                seen.append(message["event"])

    kinds = {e["type"] for e in seen}
    assert {"status", "stage", "progress"} <= kinds
    assert "log" not in kinds
    # In order and without gaps from the start (the first "queued" event is written with the
    # operation itself and never published live, so the admin stream starts at "running").
    order = [e["seq"] for e in seen]
    assert order == list(range(order[0], order[0] + len(order)))


async def test_a_demoted_admin_is_disconnected_with_4403(
    live_server: LiveServer, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "REAUTH_INTERVAL_S", 0.1)
    root = await live_server.token_for("root", role=Role.ADMIN)
    other = await live_server.create_user("chief", role=Role.ADMIN)
    chief = await live_server.login("chief")
    async with open_stream(live_server, "/admin/stream", chief) as ws:
        await ws.send('{"type": "ping"}')
        assert (await next_message(ws))["type"] == "pong"
        r = await api.patch(f"/admin/users/{other.user.id}", json={"role": "user"}, headers=bearer(root))
        assert r.status_code == 200, r.text
        _, code = await read_until_closed(ws)
    assert code == 4403

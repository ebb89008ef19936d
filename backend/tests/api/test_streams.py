"""WS /operations/{id}/stream: snapshot, every event in order, close 1000; resume; refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest
from websockets.frames import Opcode

from tests.api.conftest import LiveServer, bearer, start_server
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.streaming import (
    SilentPeer,
    events_of,
    next_message,
    open_stream,
    open_streams,
    read_until_closed,
    seqs,
    until_open_streams,
)
from underway.api.streams import protocol
from underway.auth.models import Role
from underway.settings import Settings


async def test_snapshot_then_every_event_in_order_then_normal_close(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=5, step_s=0.02))

    async with open_stream(live_server, f"/operations/{op['id']}/stream", token) as ws:
        messages, code = await read_until_closed(ws)

    assert code == 1000
    assert messages[0]["type"] == "snapshot"
    assert messages[0]["operation"]["id"] == op["id"]
    assert all(m["type"] == "event" for m in messages[1:])
    events = events_of(messages)
    assert seqs(messages) == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "status" and events[-1]["status"] == "completed"
    logged = (await api.get(f"/operations/{op['id']}/events", headers=bearer(token))).json()
    assert events == logged


async def test_after_seq_skips_what_the_client_has(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    done = await wait_until(live_server, op["id"])

    async with open_stream(live_server, f"/operations/{op['id']}/stream?after_seq=2", token) as ws:
        messages, code = await read_until_closed(ws)

    assert code == 1000
    assert messages[0]["operation"]["status"] == "completed"
    assert seqs(messages) == list(range(3, done.last_seq + 1))


async def test_resume_after_a_disconnect_has_no_gap_and_no_duplicate(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=30, step_s=0.02))
    path = f"/operations/{op['id']}/stream"

    first: list[int] = []
    async with open_stream(live_server, path, token) as ws:
        assert (await next_message(ws))["type"] == "snapshot"
        while len(first) < 5:  # drop the connection mid-run
            message = await next_message(ws)
            first.append(message["event"]["seq"])
            assert message["event"]["status"] != "completed"

    async with open_stream(live_server, f"{path}?after_seq={first[-1]}", token) as ws:
        messages, code = await read_until_closed(ws)

    assert code == 1000
    final = await live_server.state.runtime.service.get(op["id"])
    assert first + seqs(messages) == list(range(1, final.last_seq + 1))
    assert events_of(messages)[-1]["status"] == "completed"


async def test_auth_timeout_closes_4401(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "AUTH_TIMEOUT_S", 0.3)
    async with open_stream(live_server, "/admin/stream") as ws:
        _, code = await read_until_closed(ws)
    assert code == 4401


@pytest.mark.parametrize(
    "first_message",
    [
        json.dumps({"type": "auth", "token": "not-a-token"}),
        json.dumps({"type": "auth", "token": "uwk_0000000000000000000000000000000000000000"}),
        json.dumps({"type": "ping"}),
        json.dumps({"token": "x"}),
        "not json",
    ],
    ids=["bad-jwt", "unknown-key", "ping-first", "no-type", "not-json"],
)
async def test_bad_credentials_close_4401(
    live_server: LiveServer, api: httpx.AsyncClient, first_message: str
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    async with open_stream(live_server, f"/operations/{op['id']}/stream") as ws:
        await ws.send(first_message)
        messages, code = await read_until_closed(ws)
    assert code == 4401
    assert messages == []


async def test_other_users_or_unknown_operation_closes_4404(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    op = await submit(api, alice)
    for path in (f"/operations/{op['id']}/stream", "/operations/no-such-operation/stream"):
        async with open_stream(live_server, path, bob) as ws:
            messages, code = await read_until_closed(ws)
        assert (code, messages) == (4404, [])


async def test_admin_may_follow_any_operation(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice = await live_server.token_for("alice")
    root = await live_server.token_for("root", role=Role.ADMIN)
    op = await submit(api, alice)
    async with open_stream(live_server, f"/operations/{op['id']}/stream", root) as ws:
        messages, code = await read_until_closed(ws)
    assert code == 1000
    assert messages[0]["operation"]["owner"] == "alice"


async def test_pings_are_answered_anything_else_closes_1008(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=200, step_s=0.05))
    async with open_stream(live_server, f"/operations/{op['id']}/stream", token) as ws:
        assert (await next_message(ws))["type"] == "snapshot"
        await ws.send(json.dumps({"type": "ping"}))
        while (message := await next_message(ws))["type"] != "pong":
            assert message["type"] == "event"
        await ws.send(json.dumps({"type": "auth", "token": token}))
        _, code = await read_until_closed(ws)
    assert code == 1008


async def test_oversized_message_closes_1009(live_server: LiveServer) -> None:
    async with open_stream(live_server, "/admin/stream") as ws:
        await ws.send("x" * (protocol.MAX_MESSAGE_BYTES + 1))
        _, code = await read_until_closed(ws)
    assert code == 1009


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://evil.example", False),
        ("http://127.0.0.1:1", False),  # same host, other port: another origin
        ("https://app.example", True),  # configured in allowed_ws_origins
        (None, True),  # non-browser clients send no Origin
    ],
)
async def test_origin_is_checked(
    live_server: LiveServer, api: httpx.AsyncClient, origin: str | None, allowed: bool
) -> None:
    live_server.state.settings.allowed_ws_origins = ["https://app.example"]
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    async with open_stream(live_server, f"/operations/{op['id']}/stream", token, origin=origin) as ws:
        messages, code = await read_until_closed(ws)
    if allowed:
        assert code == 1000 and messages[0]["type"] == "snapshot"
    else:
        assert (code, messages) == (4403, [])


async def test_same_origin_is_allowed(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    async with open_stream(
        live_server, f"/operations/{op['id']}/stream", token, origin=live_server.base_url
    ) as ws:
        _, code = await read_until_closed(ws)
    assert code == 1000


async def test_same_origin_means_the_same_scheme_too(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    path = f"/operations/{(await submit(api, token))['id']}/stream"
    http_page = live_server.base_url
    https_page = "https" + http_page.removeprefix("http")

    async def code_for(origin: str, headers: dict[str, str] | None = None) -> int | None:
        async with open_stream(live_server, path, token, origin=origin, headers=headers) as ws:
            return (await read_until_closed(ws))[1]

    # Plain ws: a page served over https from the same host and port is another origin.
    assert await code_for(https_page) == 4403
    # Behind a TLS-terminating proxy that uvicorn trusts (127.0.0.1 by default), the connection is
    # wss: then only the https page is the same origin.
    behind_tls = {"X-Forwarded-Proto": "https"}
    assert await code_for(https_page, behind_tls) == 1000
    assert await code_for(http_page, behind_tls) == 4403


async def test_revoking_the_key_ends_a_running_stream_with_4401(
    live_server: LiveServer, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "REAUTH_INTERVAL_S", 0.1)
    token = await live_server.token_for("alice")
    created = (await api.post("/api-keys", json={"name": "watch"}, headers=bearer(token))).json()
    op = await submit(api, token, params=sleep_params(steps=500, step_s=0.05))
    async with open_stream(live_server, f"/operations/{op['id']}/stream", created["key"]) as ws:
        assert (await next_message(ws))["type"] == "snapshot"
        revoked = await api.delete(f"/api-keys/{created['id']}", headers=bearer(token))
        assert revoked.status_code == 204
        _, code = await read_until_closed(ws)
    assert code == 4401


async def test_connections_are_counted_in_the_gauge(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token, params=sleep_params(steps=500, step_s=0.05))
    assert await open_streams(api, "operation") == 0
    async with open_stream(live_server, f"/operations/{op['id']}/stream", token) as ws:
        await next_message(ws)  # the snapshot: the server is inside the stream now
        assert await open_streams(api, "operation") == 1
    await until_open_streams(api, "operation", 0)
    await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))
    await wait_until(live_server, op["id"])


async def test_a_peer_that_stops_answering_pings_is_dropped(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(ws_ping_interval_s=0.2, ws_ping_timeout_s=0.2)
    async with start_server(settings) as server, server.client() as api:
        token = await server.token_for("alice")
        op = await submit(api, token, params=sleep_params(steps=2000, step_s=0.05))
        async with SilentPeer.connect(server, f"/operations/{op['id']}/stream", token) as peer:
            await peer.read_until_snapshot()  # a working stream (pings answered until now)
            working = len(peer.frames)
            await peer.read_until_dropped()
        kinds = {frame.opcode for frame in peer.frames[working:]}
        assert Opcode.PING in kinds  # the server asked, got no answer, and hung up
        texts = [frame for frame in peer.frames if frame.opcode is Opcode.TEXT]
        assert json.loads(bytes(texts[0].data))["type"] == "snapshot"  # it was a working stream
        await until_open_streams(api, "operation", 0)
        # Only the connection went: the operation goes on.
        assert (await server.state.runtime.service.get(op["id"])).status == "running"
        await api.post(f"/operations/{op['id']}/cancel", headers=bearer(token))
        await wait_until(server, op["id"])


async def test_server_shutdown_closes_open_streams_with_1012(
    settings_factory: Callable[..., Settings],
) -> None:
    serving = start_server(settings_factory())
    server = await serving.__aenter__()
    stopping: asyncio.Task[bool | None] | None = None
    try:
        async with server.client() as api:
            root = await server.token_for("root", role=Role.ADMIN)
            op = await submit(api, root, params=sleep_params(steps=1000, step_s=0.05))
        async with (
            open_stream(server, f"/operations/{op['id']}/stream", root) as ws,
            open_stream(server, "/admin/stream", root) as admin,
        ):
            await next_message(ws)
            await admin.send(json.dumps({"type": "ping"}))
            await next_message(admin)

            stopping = asyncio.create_task(serving.__aexit__(None, None, None))  # as on SIGTERM
            codes = [(await read_until_closed(s, timeout=10))[1] for s in (ws, admin)]
        assert codes == [1012, 1012]
        await asyncio.wait_for(stopping, 30)
    finally:
        if stopping is None:
            await serving.__aexit__(None, None, None)


@pytest.mark.parametrize("after_seq", ["-1", "abc", "99999999999"])
async def test_bad_after_seq_closes_1008_after_auth(
    live_server: LiveServer, api: httpx.AsyncClient, after_seq: str
) -> None:
    token = await live_server.token_for("alice")
    op = await submit(api, token)
    async with open_stream(live_server, f"/operations/{op['id']}/stream?after_seq={after_seq}", token) as ws:
        messages, code = await read_until_closed(ws)
    assert (code, messages) == (1008, [])

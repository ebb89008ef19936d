"""Authentication of the WebSocket streams: the auth message refuses every credential the HTTP API
refuses (4401), and credentials that lapse during a stream end it."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.api.conftest import LiveServer, bearer
from tests.api.forgeries import FORGERIES, claims
from tests.api.operations_helpers import sleep_params, submit
from tests.api.streaming import next_message, open_stream, read_until_closed
from tests.auth.forge import forge
from underway.api.streams import protocol
from underway.auth.secret import load_secret_key

LONG_RUN = sleep_params(steps=1000, step_s=0.05)


async def test_forged_tokens_in_the_auth_message_close_4401(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    await live_server.create_user("alice")
    await live_server.create_user("root")
    key = load_secret_key(live_server.state.settings)
    genuine = forge(claims(), key)
    op = await submit(api, genuine)
    path = f"/operations/{op['id']}/stream"
    # Sanity: the forging helper makes tokens the stream accepts when nothing is wrong.
    async with open_stream(live_server, path, genuine) as ws:
        messages, code = await read_until_closed(ws)
    assert code == 1000 and messages[0]["type"] == "snapshot"

    accepted: list[str] = []
    for kind, make in FORGERIES.items():
        async with open_stream(live_server, path, make(key)) as ws:
            messages, code = await read_until_closed(ws)
        if (code, messages) != (4401, []):
            accepted.append(f"{kind}: {code} after {len(messages)} messages")
    assert not accepted, accepted


async def test_a_revoked_api_key_is_refused_at_the_handshake(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    created = (await api.post("/api-keys", json={"name": "old"}, headers=bearer(token))).json()
    assert (await api.delete(f"/api-keys/{created['id']}", headers=bearer(token))).status_code == 204
    op = await submit(api, token)
    for path in (f"/operations/{op['id']}/stream", "/admin/stream"):
        async with open_stream(live_server, path, created["key"]) as ws:
            messages, code = await read_until_closed(ws)
        assert (code, messages) == (4401, []), path


async def test_an_access_token_expiring_during_the_stream_ends_it_with_4401(
    live_server: LiveServer, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "REAUTH_INTERVAL_S", 0.1)
    await live_server.create_user("alice")
    key = load_secret_key(live_server.state.settings)
    now = int(time.time())
    short_lived = forge(claims(iat=now, exp=now + 3), key)  # valid now, expired in a few seconds
    op = await submit(api, forge(claims(), key), params=LONG_RUN)
    async with open_stream(live_server, f"/operations/{op['id']}/stream", short_lived) as ws:
        assert (await next_message(ws))["type"] == "snapshot"  # accepted while it was valid
        _, code = await read_until_closed(ws)
    assert code == 4401
    await api.post(f"/operations/{op['id']}/cancel", headers=bearer(forge(claims(), key)))

"""/api-keys: create (shown once), list, revoke; owners only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.api.conftest import LiveServer, bearer
from tests.api.problems import assert_problem


async def test_create_list_and_revoke(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    created = await api.post("/api-keys", json={"name": "  laptop  "}, headers=bearer(token))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "laptop"
    assert body["prefix"] == body["key"][:12]
    assert body["expires_at"] is None and body["revoked_at"] is None

    listed = (await api.get("/api-keys", headers=bearer(token))).json()
    assert [k["id"] for k in listed] == [body["id"]]
    assert "key" not in listed[0]  # the secret is shown once, at creation

    assert (await api.get("/users/me", headers=bearer(body["key"]))).status_code == 200
    used = (await api.get("/api-keys", headers=bearer(token))).json()[0]
    assert used["last_used_at"] is not None

    assert (await api.delete(f"/api-keys/{body['id']}", headers=bearer(token))).status_code == 204
    assert (await api.get("/api-keys", headers=bearer(token))).json() == []
    with_revoked = (
        await api.get("/api-keys", params={"include_revoked": True}, headers=bearer(token))
    ).json()
    assert with_revoked[0]["revoked_at"] is not None


async def test_another_users_key_is_not_found(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    alice = await live_server.token_for("alice")
    bob = await live_server.token_for("bob")
    key = (await api.post("/api-keys", json={"name": "a"}, headers=bearer(alice))).json()

    assert_problem(await api.delete(f"/api-keys/{key['id']}", headers=bearer(bob)), 404)
    assert (await api.get("/api-keys", headers=bearer(bob))).json() == []
    assert (await api.get("/users/me", headers=bearer(key["key"]))).status_code == 200
    assert_problem(await api.delete("/api-keys/no-such-key", headers=bearer(alice)), 404)


async def test_api_keys_cannot_mint_api_keys(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    key = (await api.post("/api-keys", json={"name": "a"}, headers=bearer(token))).json()["key"]
    assert_problem(await api.post("/api-keys", json={"name": "b"}, headers=bearer(key)), 403)


async def test_invalid_key_requests_are_422(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    cases = [
        ({"name": "x", "expires_at": past}, ["body", "expires_at"]),
        ({"name": "x", "expires_at": "2030-01-01T00:00:00"}, ["body", "expires_at"]),  # no time zone
        ({"name": ""}, ["body", "name"]),
        ({"name": "x", "scopes": ["all"]}, ["body", "scopes"]),
    ]
    for payload, loc in cases:
        problem = assert_problem(await api.post("/api-keys", json=payload, headers=bearer(token)), 422)
        assert problem["errors"][0]["loc"] == loc, payload

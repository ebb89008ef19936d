"""Who may call: access tokens, API keys, and everything that must be refused with 401."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from tests.api.conftest import LiveServer, bearer
from tests.api.forgeries import FORGERIES, claims
from tests.api.problems import assert_problem
from tests.auth.forge import forge
from underway.auth.secret import load_secret_key


async def test_me_with_access_token(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    r = await api.get("/users/me", headers=bearer(token))
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"id", "username", "role", "disabled", "created_at"}
    assert body["username"] == "alice" and body["role"] == "user" and body["disabled"] is False


async def test_me_with_api_key_and_revocation_takes_effect_at_once(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    created = await api.post("/api-keys", json={"name": "ci"}, headers=bearer(token))
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("uwk_")

    r = await api.get("/users/me", headers=bearer(key))
    assert r.status_code == 200 and r.json()["username"] == "alice"

    revoked = await api.delete(f"/api-keys/{created.json()['id']}", headers=bearer(token))
    assert revoked.status_code == 204
    r = await api.get("/users/me", headers=bearer(key))
    assert_problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")


# The expiry is moved into the past behind the server's back, as another process would: with the
# account cache off, the very next request sees it.
@pytest.mark.parametrize("api_settings", [{"auth_cache_s": 0}], indirect=True)
async def test_expired_api_key_is_refused(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    token = await live_server.token_for("alice")
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    created = await api.post(
        "/api-keys", json={"name": "short", "expires_at": expires}, headers=bearer(token)
    )
    key, key_id = created.json()["key"], created.json()["id"]
    assert (await api.get("/users/me", headers=bearer(key))).status_code == 200

    past = datetime.now(UTC) - timedelta(seconds=1)
    async with live_server.state.runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE api_keys SET expires_at = :t WHERE id = :id"), {"t": past, "id": key_id}
        )
    assert_problem(await api.get("/users/me", headers=bearer(key)), 401)


async def test_disabled_account_cannot_use_its_tokens_or_keys(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    token = await live_server.token_for("alice")
    key = (await api.post("/api-keys", json={"name": "k"}, headers=bearer(token))).json()["key"]
    me = (await api.get("/users/me", headers=bearer(token))).json()
    admin = await live_server.token_for("root", role="admin")  # type: ignore[arg-type]
    await api.patch(f"/admin/users/{me['id']}", json={"disabled": True}, headers=bearer(admin))

    for credential in (token, key):
        problem = assert_problem(await api.get("/users/me", headers=bearer(credential)), 403)
        assert "disabled" in problem["detail"]


async def test_anonymous_is_401_problem_with_challenge(api: httpx.AsyncClient) -> None:
    r = await api.get("/users/me")
    problem = assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert problem["instance"] == "/api/v1/users/me"


@pytest.mark.parametrize("header", ["Basic YWxpY2U6cHc=", "Bearer", "Token abc"])
async def test_other_authorization_schemes_are_anonymous(api: httpx.AsyncClient, header: str) -> None:
    assert_problem(await api.get("/users/me", headers={"Authorization": header}), 401)


async def test_forged_tokens_are_401(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    # One server for the whole catalogue (a server per forgery would dominate the suite's time);
    # every kind is still checked and reported by name.
    await live_server.create_user("alice")
    await live_server.create_user("root")
    key = load_secret_key(live_server.state.settings)
    # Sanity: the forging helper makes tokens the server accepts when nothing is wrong.
    assert (await api.get("/users/me", headers=bearer(forge(claims(), key)))).status_code == 200

    accepted: list[str] = []
    for kind, make in FORGERIES.items():
        # Bytes, so non-ASCII input reaches the server as sent.
        r = await api.get("/users/me", headers={b"Authorization": f"Bearer {make(key)}".encode()})
        if r.status_code != 401:
            accepted.append(f"{kind}: {r.status_code}")
            continue
        problem = assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer"), kind
        assert problem["detail"] == "Invalid or expired credentials", kind
    assert not accepted, accepted

"""Who may call: access tokens, API keys, and everything that must be refused with 401."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.api.conftest import LiveServer, bearer
from tests.api.problems import assert_problem
from tests.auth.forge import b64url, forge, segment
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


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "iss": "underway",
        "aud": "underway-api",
        "typ": "access",
        "jti": uuid.uuid4().hex,
    }
    for name, value in overrides.items():
        if value is _DROP:
            claims.pop(name)
        else:
            claims[name] = value
    return claims


_DROP = object()
WRONG_KEY = "x" * 64


def _tampered(key: str) -> str:
    head, _, sig = forge(_claims(), key).split(".")
    return f"{head}.{segment(_claims(sub='root'))}.{sig}"


def _nested_json(key: str) -> str:
    # A header nested past the JSON parser's recursion limit (RecursionError, not a JOSEError),
    # under the size cap: parsed before the signature is checked.
    return f"{b64url(b'[' * 1400 + b']' * 1400)}.{segment(_claims())}.c2ln"


FORGERIES: dict[str, Callable[[str], str]] = {
    "alg none": lambda key: forge(_claims(), None, header={"alg": "none", "typ": "JWT"}),
    "alg None": lambda key: forge(_claims(), None, header={"alg": "None"}),
    "wrong key": lambda key: forge(_claims(), WRONG_KEY),
    "HS512 with the right key": lambda key: forge(_claims(), key, alg="HS512"),
    "expired": lambda key: forge(_claims(exp=int(time.time()) - 10, iat=int(time.time()) - 700), key),
    "no exp": lambda key: forge(_claims(exp=_DROP), key),
    "no iat": lambda key: forge(_claims(iat=_DROP), key),
    "no sub": lambda key: forge(_claims(sub=_DROP), key),
    "no aud": lambda key: forge(_claims(aud=_DROP), key),
    "no iss": lambda key: forge(_claims(iss=_DROP), key),
    "no jti": lambda key: forge(_claims(jti=_DROP), key),
    "no typ": lambda key: forge(_claims(typ=_DROP), key),
    "wrong aud": lambda key: forge(_claims(aud="someone-else"), key),
    "wrong iss": lambda key: forge(_claims(iss="evil"), key),
    "wrong typ": lambda key: forge(_claims(typ="refresh"), key),
    "issued in the future": lambda key: forge(_claims(iat=int(time.time()) + 3600), key),
    "sub not a string": lambda key: forge(_claims(sub=42), key),
    "exp not a number": lambda key: forge(_claims(exp="tomorrow"), key),
    "unknown user": lambda key: forge(_claims(sub="ghost"), key),
    "tampered payload": _tampered,
    "oversized": lambda key: forge(_claims(pad="x" * 5000), key),
    "garbage": lambda key: "not-a-jwt",
    "garbage with dots": lambda key: "a.b.c",
    "non-ascii": lambda key: "é.é.é",
    "nested json": _nested_json,
    "malformed api key": lambda key: "uwk_short",
    "unknown api key": lambda key: "uwk_" + "A" * 43,
}


async def test_forged_tokens_are_401(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    # One server for the whole catalogue (a server per forgery would dominate the suite's time);
    # every kind is still checked and reported by name.
    await live_server.create_user("alice")
    await live_server.create_user("root")
    key = load_secret_key(live_server.state.settings)
    # Sanity: the forging helper makes tokens the server accepts when nothing is wrong.
    assert (await api.get("/users/me", headers=bearer(forge(_claims(), key)))).status_code == 200

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

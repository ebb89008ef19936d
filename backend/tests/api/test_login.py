"""POST /auth/token: the OAuth2 password flow."""

from __future__ import annotations

import httpx

from tests.api.conftest import DEFAULT_PASSWORD, LiveServer, bearer
from tests.api.problems import assert_problem
from underway.auth.models import Role


async def test_login_returns_a_bearer_token(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    await live_server.create_user("alice")
    r = await api.post("/auth/token", data={"username": "alice", "password": DEFAULT_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == live_server.state.settings.token_ttl_s
    assert r.headers["cache-control"] == "no-store"
    me = await api.get("/users/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


async def test_wrong_password_is_401_with_challenge(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    await live_server.create_user("alice")
    r = await api.post("/auth/token", data={"username": "alice", "password": "not the password"})
    problem = assert_problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert problem["type"] == "urn:underway:problem:invalid-credentials"


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    await live_server.create_user("alice")
    wrong = await api.post("/auth/token", data={"username": "alice", "password": "nope-nope"})
    unknown = await api.post("/auth/token", data={"username": "nobody", "password": "nope-nope"})
    assert_problem(unknown, 401)
    assert unknown.headers["www-authenticate"] == wrong.headers["www-authenticate"]
    assert unknown.json()["detail"] == wrong.json()["detail"]


async def test_disabled_user_cannot_log_in(live_server: LiveServer, api: httpx.AsyncClient) -> None:
    account = await live_server.create_user("carol")
    admin = await live_server.token_for("root", role=Role.ADMIN)
    r = await api.patch(f"/admin/users/{account.user.id}", json={"disabled": True}, headers=bearer(admin))
    assert r.status_code == 200, r.text

    r = await api.post("/auth/token", data={"username": "carol", "password": DEFAULT_PASSWORD})
    problem = assert_problem(r, 403)
    assert "disabled" in problem["detail"]
    # Without the right password a disabled account looks like any failed login.
    r = await api.post("/auth/token", data={"username": "carol", "password": "wrong-password"})
    assert_problem(r, 401)


async def test_login_is_case_insensitive_on_the_username(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    await live_server.create_user("alice")
    r = await api.post("/auth/token", data={"username": "Alice", "password": DEFAULT_PASSWORD})
    assert r.status_code == 200


async def test_login_form_errors_never_echo_the_password(api: httpx.AsyncClient) -> None:
    r = await api.post("/auth/token", data={"password": "s3cret-value"})
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["loc"] == ["body", "username"]
    assert "s3cret-value" not in r.text


async def test_the_form_takes_the_oauth2_password_fields_and_no_others(
    live_server: LiveServer, api: httpx.AsyncClient
) -> None:
    await live_server.create_user("alice")
    credentials = {"username": "alice", "password": DEFAULT_PASSWORD}
    oauth2 = {"grant_type": "password", "scope": "", "client_id": "cli", "client_secret": "x"}
    assert (await api.post("/auth/token", data={**credentials, **oauth2})).status_code == 200

    r = await api.post("/auth/token", data={**credentials, "remember_me": "yes"})
    problem = assert_problem(r, 422)
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        (["body", "remember_me"], "extra_forbidden")
    ]
    assert DEFAULT_PASSWORD not in r.text

    wrong_grant = assert_problem(
        await api.post("/auth/token", data={**credentials, "grant_type": "client_credentials"}), 422
    )
    assert wrong_grant["errors"][0]["loc"] == ["body", "grant_type"]


async def test_the_documented_form_is_closed(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    body = document["paths"]["/api/v1/auth/token"]["post"]["requestBody"]
    ref = body["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"]
    form = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert form["additionalProperties"] is False
    assert set(form["properties"]) == {
        "grant_type",
        "username",
        "password",
        "scope",
        "client_id",
        "client_secret",
    }
    assert form["required"] == ["username", "password"]

"""Signing in, the account, API keys and user administration through the SDK, against a real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import DEFAULT_PASSWORD
from tests.sdk.live import ThreadedServer
from underway.client import (
    AsyncClient,
    AuthenticationError,
    Client,
    Conflict,
    NotFound,
    PermissionDenied,
    Role,
    ValidationFailed,
)


def test_login_stores_the_token_and_me_answers(server: ThreadedServer) -> None:
    server.create_user("bob")
    with Client(server.base_url) as client:
        token = client.login("bob", DEFAULT_PASSWORD)
        assert token.token_type == "bearer"
        assert token.expires_in > 0
        assert client.token == token.access_token
        me = client.me()
    assert me.username == "bob"
    assert me.role is Role.USER


def test_bad_password_raises_authentication_error_with_the_problem(server: ThreadedServer) -> None:
    server.create_user("bob")
    with Client(server.base_url) as client, pytest.raises(AuthenticationError) as caught:
        client.login("bob", "not the password")
    assert caught.value.status == 401
    assert caught.value.problem is not None
    assert caught.value.problem.type == "urn:underway:problem:invalid-credentials"
    assert caught.value.problem.instance == "/api/v1/auth/token"


def test_no_token_is_401(server: ThreadedServer) -> None:
    with Client(server.base_url) as client, pytest.raises(AuthenticationError):
        client.me()


def test_admin_route_as_user_is_permission_denied(client: Client) -> None:
    with pytest.raises(PermissionDenied) as caught:
        client.admin_users()
    assert caught.value.status == 403


def test_api_key_lifecycle(server: ThreadedServer, client: Client) -> None:
    expires = datetime.now(UTC) + timedelta(days=1)
    new = client.create_api_key("ci", expires_at=expires)
    assert new.key.startswith("uwk_")
    assert new.expires_at is not None
    assert abs((new.expires_at - expires).total_seconds()) < 1
    # The key works on its own.
    with Client(server.base_url, api_key=new.key) as by_key:
        assert by_key.me().username == "alice"
    assert [k.id for k in client.api_keys()] == [new.id]
    client.revoke_api_key(new.id)
    assert client.api_keys() == []
    assert [k.id for k in client.api_keys(include_revoked=True)] == [new.id]
    with Client(server.base_url, api_key=new.key) as by_key, pytest.raises(AuthenticationError):
        by_key.me()
    with pytest.raises(NotFound):
        client.revoke_api_key("no-such-key")


def test_url_and_token_from_the_environment(
    server: ThreadedServer, user_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNDERWAY_URL", server.base_url + "/api/v1/")
    monkeypatch.setenv("UNDERWAY_TOKEN", user_token)
    with Client() as client:
        assert client.me().username == "alice"


def test_no_url_at_all_is_a_value_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNDERWAY_URL", raising=False)
    with pytest.raises(ValueError, match="UNDERWAY_URL"):
        Client()


def test_admin_manages_users(admin: Client) -> None:
    user = admin.create_user("carol", "a long password", role=Role.USER)
    assert user.username == "carol"
    assert "carol" in [u.username for u in admin.admin_users()]
    updated = admin.update_user(user.id, disabled=True)
    assert updated.disabled
    with pytest.raises(Conflict):
        admin.create_user("carol", "a long password")
    with pytest.raises(ValidationFailed) as caught:
        admin.create_user("x", "short")
    fields = {tuple(e.loc) for e in caught.value.errors}
    assert ("body", "username") in fields
    assert ("body", "password") in fields


async def test_async_client_account(server: ThreadedServer) -> None:
    server.create_user("dave")
    async with AsyncClient(server.base_url) as client:
        await client.login("dave", DEFAULT_PASSWORD)
        assert (await client.me()).username == "dave"
        key = await client.create_api_key("laptop")
        assert [k.id for k in await client.api_keys()] == [key.id]
        await client.revoke_api_key(key.id)
        with pytest.raises(PermissionDenied):
            await client.admin_queue()

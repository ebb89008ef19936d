"""The auth service and the CLI-facing functions, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from underway.auth import api_keys
from underway.auth.errors import (
    AccountDisabled,
    InvalidCredentials,
    InvalidToken,
    InvalidUserInput,
    PermissionDenied,
    SelfLockout,
    UsernameTaken,
)
from underway.auth.models import Principal, Role
from underway.auth.passwords import PasswordHasher
from underway.auth.service import AuthService, create_user, ensure_admin, reset_password
from underway.auth.tokens import TokenCodec

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def service(engine: AsyncEngine, clock: Clock | None = None) -> AuthService:
    tokens = TokenCodec("s" * 64, issuer="underway", audience="underway-api", ttl_s=600)
    return AuthService(engine, tokens, now=clock or Clock())


async def test_create_user_rules(engine: AsyncEngine) -> None:
    user = await create_user(engine, "alice", PASSWORD)
    assert user.role is Role.USER and not user.disabled
    with pytest.raises(UsernameTaken):
        await create_user(engine, "alice", PASSWORD)
    for name in ("Al", "ALICE", "a b", "x" * 65, "ünï"):
        with pytest.raises(InvalidUserInput):
            await create_user(engine, name, PASSWORD)
    with pytest.raises(InvalidUserInput):
        await create_user(engine, "bob", "short")


async def test_password_authentication(engine: AsyncEngine) -> None:
    auth = service(engine)
    await create_user(engine, "alice", PASSWORD)
    assert (await auth.authenticate_password("alice", PASSWORD)).username == "alice"
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("alice", "wrong password")
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("nobody", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("Not A Username!", PASSWORD)


async def test_unknown_users_still_cost_a_verification(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str | None] = []
    original = PasswordHasher.verify

    async def spy(self: PasswordHasher, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        calls.append(password_hash)
        return await original(self, password, password_hash)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    auth = service(engine)
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("nobody", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("x" * 300, PASSWORD)
    assert calls == [None, None]


async def test_disabled_account_is_reported_only_after_the_right_password(engine: AsyncEngine) -> None:
    auth = service(engine)
    user = await create_user(engine, "alice", PASSWORD)
    admin = Principal(user_id="admin-id", username="root", role=Role.ADMIN, via="jwt")
    await auth.update_user(admin, user.id, disabled=True)
    with pytest.raises(AccountDisabled):
        await auth.authenticate_password("alice", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("alice", "wrong password")


async def test_bearer_jwt_reflects_the_current_account(engine: AsyncEngine) -> None:
    auth = service(engine)
    user = await create_user(engine, "alice", PASSWORD)
    token = auth.issue_token(user).token
    principal = await auth.authenticate_bearer(token)
    assert principal == Principal(user_id=user.id, username="alice", role=Role.USER, via="jwt")

    admin = Principal(user_id="admin-id", username="root", role=Role.ADMIN, via="jwt")
    await auth.update_user(admin, user.id, role=Role.ADMIN)
    assert (await auth.authenticate_bearer(token)).is_admin  # role changes apply to live tokens


async def test_api_key_lifecycle_and_throttled_last_used(engine: AsyncEngine) -> None:
    clock = Clock()
    auth = service(engine, clock)
    user = await create_user(engine, "alice", PASSWORD)
    me = Principal(user_id=user.id, username="alice", role=Role.USER, via="jwt")
    new = await auth.create_api_key(me, "ci", expires_at=clock.now + timedelta(days=1))

    principal = await auth.authenticate_bearer(new.key)
    assert principal.via == "api_key" and principal.api_key_id == new.id
    first_use = (await auth.list_api_keys(me))[0].last_used_at
    assert first_use is not None

    clock.now += timedelta(seconds=30)
    await auth.authenticate_bearer(new.key)
    assert (await auth.list_api_keys(me))[0].last_used_at == first_use  # within a minute: no write

    clock.now += timedelta(seconds=31)
    await auth.authenticate_bearer(new.key)
    assert (await auth.list_api_keys(me))[0].last_used_at == clock.now

    clock.now += timedelta(days=1)
    with pytest.raises(InvalidToken):
        await auth.authenticate_bearer(new.key)


async def test_api_key_rules(engine: AsyncEngine) -> None:
    clock = Clock()
    auth = service(engine, clock)
    user = await create_user(engine, "alice", PASSWORD)
    me = Principal(user_id=user.id, username="alice", role=Role.USER, via="jwt")
    with pytest.raises(InvalidUserInput):
        await auth.create_api_key(me, "old", expires_at=clock.now - timedelta(seconds=1))
    new = await auth.create_api_key(me, "k")
    via_key = await auth.authenticate_bearer(new.key)
    with pytest.raises(PermissionDenied):
        await auth.create_api_key(via_key, "child")
    await auth.revoke_api_key(via_key, new.id)  # a key may revoke itself
    with pytest.raises(InvalidToken):
        await auth.authenticate_bearer(new.key)
    assert (await api_keys.find_by_hash(engine, "0" * 64)) is None


async def test_self_lockout_is_refused(engine: AsyncEngine) -> None:
    auth = service(engine)
    root = await create_user(engine, "root", PASSWORD, Role.ADMIN)
    me = Principal(user_id=root.id, username="root", role=Role.ADMIN, via="jwt")
    with pytest.raises(SelfLockout):
        await auth.update_user(me, root.id, disabled=True)
    with pytest.raises(SelfLockout):
        await auth.update_user(me, root.id, role=Role.USER)
    user = Principal(user_id="u", username="u", role=Role.USER, via="jwt")
    with pytest.raises(PermissionDenied):
        await auth.update_user(user, root.id, disabled=True)


async def test_ensure_admin(engine: AsyncEngine) -> None:
    password = await ensure_admin(engine)
    assert password is not None
    auth = service(engine)
    admin = await auth.authenticate_password("admin", password)
    assert admin.role is Role.ADMIN
    assert await ensure_admin(engine) is None  # one exists: nothing to do

    # Lock-out recovery: the only admin disabled (directly in the store), ensure_admin repairs it.
    await auth.update_user(Principal("x", "x", Role.ADMIN, "jwt"), admin.id, disabled=True)
    again = await ensure_admin(engine)
    assert again is not None and again != password
    assert (await auth.authenticate_password("admin", again)).disabled is False


async def test_ensure_admin_promotes_an_existing_user(engine: AsyncEngine) -> None:
    await create_user(engine, "ops", PASSWORD)
    password = await ensure_admin(engine, "ops")
    assert password is not None
    assert (await service(engine).authenticate_password("ops", password)).role is Role.ADMIN


async def test_reset_password(engine: AsyncEngine) -> None:
    await create_user(engine, "alice", PASSWORD)
    await reset_password(engine, "alice", "a brand new one")
    auth = service(engine)
    assert await auth.authenticate_password("alice", "a brand new one")
    with pytest.raises(InvalidCredentials):
        await auth.authenticate_password("alice", PASSWORD)


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_accounts_are_cached_for_a_while_and_forgotten_at_a_change_made_here(
    engine: AsyncEngine,
) -> None:
    """Two API processes on one database: each trusts an account it has read for
    ``account_cache_s``; a change made through one applies there at once, in the other once its
    cache lapses."""
    tokens = TokenCodec("s" * 64, issuer="underway", audience="underway-api", ttl_s=600)
    ticks = Ticks()
    here = AuthService(engine, tokens, account_cache_s=1.0, monotonic=ticks)
    there = AuthService(engine, tokens, account_cache_s=1.0, monotonic=ticks)
    alice = await create_user(engine, "alice", PASSWORD)
    admin_user = await create_user(engine, "root", PASSWORD, Role.ADMIN)
    admin = Principal(user_id=admin_user.id, username="root", role=Role.ADMIN, via="jwt")
    token = here.issue_token(alice).token
    key = await here.create_api_key(
        Principal(user_id=alice.id, username="alice", role=Role.USER, via="jwt"), "k"
    )
    for auth in (here, there):
        assert (await auth.authenticate_bearer(token)).username == "alice"
        assert (await auth.authenticate_bearer(key.key)).username == "alice"

    await here.update_user(admin, alice.id, disabled=True)
    for credential in (token, key.key):
        with pytest.raises(AccountDisabled):
            await here.authenticate_bearer(credential)  # at once where the change was made
        assert (await there.authenticate_bearer(credential)).username == "alice"  # still cached

    ticks.now += 1.0
    for credential in (token, key.key):
        with pytest.raises(AccountDisabled):
            await there.authenticate_bearer(credential)

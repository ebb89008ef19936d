"""Authentication and account management: the one entry point for the API, streams and CLI.

For the CLI (no running service): :func:`create_user`, :func:`ensure_admin` and
:func:`reset_password` take an engine and can be called directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from underway.auth import api_keys, users
from underway.auth.account_cache import AccountCache
from underway.auth.errors import (
    AccountDisabled,
    InvalidCredentials,
    InvalidToken,
    InvalidUserInput,
    PermissionDenied,
    SelfLockout,
)
from underway.auth.key_material import hash_api_key, is_api_key, is_well_formed
from underway.auth.models import (
    PASSWORD_MAX_LENGTH,
    USERNAME_RE,
    ApiKey,
    NewApiKey,
    Principal,
    Role,
    User,
)
from underway.auth.passwords import PasswordHasher, warm_up
from underway.auth.tables import ApiKeyRow, UserRow
from underway.auth.tokens import IssuedToken, TokenCodec
from underway.auth.users import create_user, ensure_admin, reset_password
from underway.store.timeutil import as_utc

__all__ = ["AuthService", "create_user", "ensure_admin", "reset_password"]

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuthService:
    def __init__(
        self,
        engine: AsyncEngine,
        tokens: TokenCodec,
        *,
        hasher: PasswordHasher | None = None,
        now: Callable[[], datetime] = _utcnow,
        account_cache_s: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``account_cache_s``: how long bearer authentication trusts an account (or API key) it
        has read; changes made through this service apply at once (see auth/account_cache.py)."""
        self._engine = engine
        self._users: AccountCache[UserRow] = AccountCache(account_cache_s, monotonic)
        self._keys: AccountCache[tuple[ApiKeyRow, UserRow]] = AccountCache(account_cache_s, monotonic)
        self._tokens = tokens
        self._hasher = hasher or PasswordHasher()
        self._now = now

    async def warm_up(self) -> None:
        """Prepare the dummy hash now, so the first unknown-user login is not measurably faster."""
        await warm_up()

    # -- authentication ----------------------------------------------------------------------

    async def authenticate_password(self, username: str, password: str) -> User:
        """The user for these credentials. Raises InvalidCredentials or AccountDisabled.

        Every path spends one argon2 verification, whether the user exists or not. A disabled
        account is only reported after a correct password, so it reveals nothing to a guesser.
        """
        plausible = USERNAME_RE.fullmatch(username) and len(password) <= PASSWORD_MAX_LENGTH
        row = await users.find_user_row(self._engine, username) if plausible else None
        ok, new_hash = await self._hasher.verify(password, row.password_hash if row else None)
        if row is None or not ok:
            raise InvalidCredentials
        if row.disabled:
            raise AccountDisabled(row.username)
        if new_hash is not None:  # hashing parameters were raised since this hash was made
            await users.store_password_hash(self._engine, row.id, new_hash)
        return users.to_user(row)

    def issue_token(self, user: User) -> IssuedToken:
        return self._tokens.issue(user.username)

    async def authenticate_bearer(self, token: str) -> Principal:
        """The principal behind an ``Authorization: Bearer`` credential: a JWT or an API key.

        Raises InvalidToken (unknown, forged, expired, revoked) or AccountDisabled. The account is
        read again at least every ``account_cache_s``, and at once after a change made here.
        """
        if is_api_key(token):
            return await self._authenticate_api_key(token)
        claims = self._tokens.decode(token)
        row = self._users.get(claims.subject)
        if row is None:
            row = await users.find_user_row(self._engine, claims.subject)
            if row is not None:
                self._users.put(claims.subject, row)
        if row is None:
            raise InvalidToken("token subject no longer exists")
        if row.disabled:
            raise AccountDisabled(row.username)
        return Principal(user_id=row.id, username=row.username, role=Role(row.role), via="jwt")

    async def _authenticate_api_key(self, key: str) -> Principal:
        if not is_well_formed(key):
            raise InvalidToken("malformed API key")
        key_hash = hash_api_key(key)
        found = self._keys.get(key_hash)
        if found is None:
            found = await api_keys.find_by_hash(self._engine, key_hash)
            if found is None:
                raise InvalidToken("unknown API key")
            self._keys.put(key_hash, found)
        key_row, user_row = found
        now = self._now()
        if key_row.revoked_at is not None:
            raise InvalidToken("revoked API key")
        if key_row.expires_at is not None and as_utc(key_row.expires_at) <= now:
            raise InvalidToken("expired API key")
        if user_row.disabled:
            raise AccountDisabled(user_row.username)
        if api_keys.needs_touch(key_row, now):
            try:
                await api_keys.touch(self._engine, key_row.id, now)
                key_row.last_used_at = now  # the cached copy too: touched once per resolution
            except SQLAlchemyError:
                # Bookkeeping only: a busy database must not turn a valid key into a failure.
                log.warning("could not record use of API key %s", key_row.id, exc_info=True)
        return Principal(
            user_id=user_row.id,
            username=user_row.username,
            role=Role(user_row.role),
            via="api_key",
            api_key_id=key_row.id,
        )

    def _forget_accounts(self) -> None:
        """An account or key changed through this process: authenticate from the database again."""
        self._users.clear()
        self._keys.clear()

    # -- users -------------------------------------------------------------------------------

    async def create_user(self, username: str, password: str, role: Role = Role.USER) -> User:
        return await create_user(self._engine, username, password, role, hasher=self._hasher)

    async def get_user(self, user_id: str) -> User:
        return await users.get_user(self._engine, user_id)

    async def list_users(self, *, limit: int = 100, offset: int = 0) -> list[User]:
        return await users.list_users(self._engine, limit=limit, offset=offset)

    async def update_user(
        self,
        actor: Principal,
        user_id: str,
        *,
        disabled: bool | None = None,
        role: Role | None = None,
    ) -> User:
        if not actor.is_admin:
            raise PermissionDenied
        # An admin locking themselves out could leave nobody able to administer the service.
        if user_id == actor.user_id and (disabled or (role is not None and role is not Role.ADMIN)):
            raise SelfLockout
        try:
            return await users.update_user(self._engine, user_id, disabled=disabled, role=role)
        finally:
            self._forget_accounts()

    # -- API keys ----------------------------------------------------------------------------

    async def create_api_key(
        self, principal: Principal, name: str, expires_at: datetime | None = None
    ) -> NewApiKey:
        if principal.via == "api_key":
            # Otherwise a leaked key could mint fresh keys that outlive its own revocation.
            raise PermissionDenied("API keys cannot create API keys; sign in with a password")
        now = self._now()
        if expires_at is not None and as_utc(expires_at) <= now:
            raise InvalidUserInput("expires_at", "The expiry must be in the future")
        return await api_keys.create_api_key(self._engine, principal.user_id, name, expires_at, now)

    async def list_api_keys(self, principal: Principal, *, include_revoked: bool = False) -> list[ApiKey]:
        return await api_keys.list_api_keys(self._engine, principal.user_id, include_revoked=include_revoked)

    async def revoke_api_key(self, principal: Principal, key_id: str) -> None:
        try:
            await api_keys.revoke_api_key(self._engine, principal.user_id, key_id, self._now())
        finally:
            self._forget_accounts()

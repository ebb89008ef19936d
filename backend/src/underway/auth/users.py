"""Reads and writes of user accounts: async functions on an engine, so the CLI can use them."""

from __future__ import annotations

import secrets
import uuid
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from underway.auth.errors import InvalidUserInput, UsernameTaken, UserNotFound
from underway.auth.models import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    USERNAME_RE,
    Role,
    User,
)
from underway.auth.passwords import PasswordHasher
from underway.auth.tables import UserRow
from underway.store.engine import write_session
from underway.store.timeutil import as_utc


def reader(engine: AsyncEngine) -> AsyncSession:
    return AsyncSession(engine, expire_on_commit=False)


def writer(engine: AsyncEngine) -> AbstractAsyncContextManager[AsyncSession]:
    # On SQLite a write transaction takes the write lock up front (BEGIN IMMEDIATE), so a
    # read-then-write cannot fail half-way with SQLITE_BUSY, and waits its turn behind this
    # process's other writers.
    return write_session(engine, AsyncSession)


def validate_username(username: str) -> str:
    if not USERNAME_RE.fullmatch(username):
        raise InvalidUserInput("username", "A username has 3-64 characters among a-z, 0-9, '_', '.' and '-'")
    return username


def validate_password(password: str) -> str:
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidUserInput(
            "password",
            f"A password has {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters",
        )
    return password


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        disabled=row.disabled,
        created_at=as_utc(row.created_at),
    )


async def create_user(
    engine: AsyncEngine,
    username: str,
    password: str,
    role: Role | str = Role.USER,
    *,
    hasher: PasswordHasher | None = None,
) -> User:
    """Create an enabled account. Raises UsernameTaken or InvalidUserInput."""
    validate_username(username)
    validate_password(password)
    role = Role(role)
    password_hash = await (hasher or PasswordHasher()).hash(password)
    row = UserRow(
        id=str(uuid.uuid4()),
        username=username,
        password_hash=password_hash,
        role=role.value,
        disabled=False,
        created_at=datetime.now(UTC),
    )
    try:
        async with writer(engine) as s:
            s.add(row)
            await s.commit()
    except IntegrityError:
        # The unique constraint is the arbiter; checking first would race with a concurrent insert.
        raise UsernameTaken(username) from None
    return to_user(row)


async def find_user_row(engine: AsyncEngine, username: str) -> UserRow | None:
    async with reader(engine) as s:
        result = await s.exec(select(UserRow).where(UserRow.username == username))
        return result.first()


async def get_user(engine: AsyncEngine, user_id: str) -> User:
    async with reader(engine) as s:
        row = await s.get(UserRow, user_id)
    if row is None:
        raise UserNotFound(user_id)
    return to_user(row)


async def list_users(engine: AsyncEngine, *, limit: int = 100, offset: int = 0) -> list[User]:
    async with reader(engine) as s:
        result = await s.exec(select(UserRow).order_by(col(UserRow.username)).offset(offset).limit(limit))
        return [to_user(row) for row in result.all()]


async def update_user(
    engine: AsyncEngine, user_id: str, *, disabled: bool | None = None, role: Role | None = None
) -> User:
    async with writer(engine) as s:
        row = await s.get(UserRow, user_id)
        if row is None:
            raise UserNotFound(user_id)
        if disabled is not None:
            row.disabled = disabled
        if role is not None:
            row.role = role.value
        s.add(row)
        await s.commit()
    return to_user(row)


async def store_password_hash(engine: AsyncEngine, user_id: str, password_hash: str) -> None:
    async with writer(engine) as s:
        row = await s.get(UserRow, user_id)
        if row is not None:
            row.password_hash = password_hash
            s.add(row)
            await s.commit()


async def reset_password(engine: AsyncEngine, username: str, password: str) -> None:
    """Set a new password (CLI recovery). Raises UserNotFound or InvalidUserInput."""
    validate_password(password)
    row = await find_user_row(engine, username)
    if row is None:
        raise UserNotFound(username)
    await store_password_hash(engine, row.id, await PasswordHasher().hash(password))


async def count_enabled_admins(engine: AsyncEngine) -> int:
    async with reader(engine) as s:
        result = await s.exec(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.role == Role.ADMIN.value, col(UserRow.disabled).is_(False))
        )
        return result.one()


async def ensure_admin(engine: AsyncEngine, username: str = "admin") -> str | None:
    """Make sure an enabled administrator exists; for first start and lock-out recovery.

    Returns None when one exists. Otherwise makes ``username`` an enabled admin (creating it, or
    promoting it and resetting its password) and returns the generated password, which the caller
    shows once.
    """
    if await count_enabled_admins(engine) > 0:
        return None
    password = secrets.token_urlsafe(18)
    existing = await find_user_row(engine, validate_username(username))
    if existing is None:
        await create_user(engine, username, password, Role.ADMIN)
        return password
    await update_user(engine, existing.id, disabled=False, role=Role.ADMIN)
    await store_password_hash(engine, existing.id, await PasswordHasher().hash(password))
    return password

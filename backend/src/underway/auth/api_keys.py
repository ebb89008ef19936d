"""Reads and writes of API keys."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, or_, select, update

from underway.auth.errors import ApiKeyNotFound
from underway.auth.key_material import display_prefix, generate_api_key, hash_api_key
from underway.auth.models import ApiKey, NewApiKey
from underway.auth.tables import ApiKeyRow, UserRow
from underway.auth.users import reader, writer
from underway.store.timeutil import as_utc, as_utc_or_none

# last_used_at is for humans ("used 3 minutes ago"): writing it on every call would turn each
# authenticated read into a write transaction.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def to_api_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=as_utc(row.created_at),
        expires_at=as_utc_or_none(row.expires_at),
        last_used_at=as_utc_or_none(row.last_used_at),
        revoked_at=as_utc_or_none(row.revoked_at),
    )


async def create_api_key(
    engine: AsyncEngine, user_id: str, name: str, expires_at: datetime | None, now: datetime
) -> NewApiKey:
    key = generate_api_key()
    row = ApiKeyRow(
        id=str(uuid.uuid4()),
        user_id=user_id,
        name=name,
        prefix=display_prefix(key),
        key_hash=hash_api_key(key),
        created_at=now,
        expires_at=expires_at,
    )
    async with writer(engine) as s:
        s.add(row)
        await s.commit()
    return NewApiKey(**to_api_key(row).model_dump(), key=key)


async def list_api_keys(engine: AsyncEngine, user_id: str, *, include_revoked: bool = False) -> list[ApiKey]:
    query = select(ApiKeyRow).where(ApiKeyRow.user_id == user_id)
    if not include_revoked:
        query = query.where(col(ApiKeyRow.revoked_at).is_(None))
    async with reader(engine) as s:
        result = await s.exec(query.order_by(col(ApiKeyRow.created_at), col(ApiKeyRow.id)))
        return [to_api_key(row) for row in result.all()]


async def revoke_api_key(engine: AsyncEngine, user_id: str, key_id: str, now: datetime) -> None:
    """Revoke one of ``user_id``'s keys; another user's key is reported as not found."""
    async with writer(engine) as s:
        row = await s.get(ApiKeyRow, key_id)
        if row is None or row.user_id != user_id:
            raise ApiKeyNotFound(key_id)
        if row.revoked_at is None:
            row.revoked_at = now
            s.add(row)
            await s.commit()


async def find_by_hash(engine: AsyncEngine, key_hash: str) -> tuple[ApiKeyRow, UserRow] | None:
    """The key and its owner, in one query: revocation and account state are read on every call."""
    async with reader(engine) as s:
        result = await s.exec(
            select(ApiKeyRow, UserRow)
            .join(UserRow, col(UserRow.id) == col(ApiKeyRow.user_id))
            .where(ApiKeyRow.key_hash == key_hash)
        )
        found = result.first()
    return None if found is None else (found[0], found[1])


def needs_touch(row: ApiKeyRow, now: datetime) -> bool:
    last = as_utc_or_none(row.last_used_at)
    return last is None or now - last >= LAST_USED_RESOLUTION


async def touch(engine: AsyncEngine, key_id: str, now: datetime) -> None:
    # Conditional, so processes racing on the same key write at most once per resolution.
    stale = now - LAST_USED_RESOLUTION
    async with writer(engine) as s:
        await s.exec(
            update(ApiKeyRow)
            .where(
                col(ApiKeyRow.id) == key_id,
                or_(col(ApiKeyRow.last_used_at).is_(None), col(ApiKeyRow.last_used_at) <= stale),
            )
            .values(last_used_at=now)
        )
        await s.commit()

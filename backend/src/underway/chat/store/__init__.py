"""The chat tables' reads and writes: sessions and messages, links and link codes, the inbound
dedupe keys, progress followers."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from underway.store.engine import write_session


def reader(engine: AsyncEngine) -> AsyncSession:
    return AsyncSession(engine, expire_on_commit=False)


def writer(engine: AsyncEngine) -> AbstractAsyncContextManager[AsyncSession]:
    return write_session(engine, AsyncSession)


def utcnow() -> datetime:
    return datetime.now(UTC)
